//! What every bulk run of the script commands shares (`tickets update`, `undo`, `resume`,
//! `retry`): names and typed confirmation before it, the progress bar during it, the report
//! and its exit code after it.

mod confirm;
mod drive;
mod report;
mod run;

pub(crate) use confirm::{confirm_or_stop, names_for};
pub(crate) use drive::{drive, exit_of};
pub(crate) use report::print_report;
pub(crate) use run::{Confirm, confirm_drive_report};
