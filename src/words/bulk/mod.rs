//! The bulk engine's words: its preview (`bulk::Preview`'s typed lines), its runs' history
//! rows, states and reports. `src/bulk` keeps only data; the console's panes and the script
//! commands word it here, alike.

#[cfg(test)]
mod history_tests;
mod preview;
mod runs;
#[cfg(test)]
mod tests;

pub(crate) use preview::{exclude_reason, preview_lines};
pub use preview::{preview_summary, value_label};
pub use runs::{run_report, run_summary};
