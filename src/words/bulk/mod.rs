//! The bulk engine's words: its preview (`bulk::Preview`'s typed lines), its runs' history
//! rows, states and reports. `src/bulk` keeps only data; the console's panes and the script
//! commands word it here, alike.

#[cfg(test)]
mod history_tests;
mod preview;
mod runs;
#[cfg(test)]
mod tests;

pub use preview::{exclude_reason, field_label, preview_lines, preview_summary, value_label};
pub use runs::{run_report, run_state, run_summary, run_what, ticket_ids};
