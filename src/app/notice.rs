//! What a notice says, as data: the view words it (`ui::notice::note`).

/// A notice's content. Each feature's notices are its own type, worded by its own pane.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    Bulk(crate::app::bulk_edit::BulkNote),
    Compose(crate::app::composer::ComposeNote),
    Legacy(String),
}
