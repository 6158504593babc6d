//! What has the keyboard: the pane in front, the one-line prompt and the small windows
//! (status menu, copy menu) over the pane below.

/// Which one-line prompt is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Filter,
    /// `#`: a ticket number to open.
    GoTo,
    /// `f` in a view from the store: a filter that narrows the rows as it is typed.
    LiveFilter,
    /// Ctrl-S: the name to save the view in front as.
    SaveView,
}

impl PromptKind {
    /// The history ↑/↓ browse in this prompt.
    pub(crate) fn history(self) -> crate::app::line_edit::HistoryKind {
        match self {
            PromptKind::Search => crate::app::line_edit::HistoryKind::Search,
            PromptKind::Filter | PromptKind::LiveFilter => {
                crate::app::line_edit::HistoryKind::Filter
            }
            PromptKind::GoTo => crate::app::line_edit::HistoryKind::GoTo,
            // Names are not kept: ↑/↓ offer the searches.
            PromptKind::SaveView => crate::app::line_edit::HistoryKind::Search,
        }
    }
}

/// A one-line input: the line being edited and why the last submit was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: crate::app::line_edit::LineEditor,
    pub error: Option<crate::app::notice::PromptError>,
}

impl Prompt {
    /// A prompt holding `text`, the caret at its end.
    pub(crate) fn new(kind: PromptKind, text: impl Into<String>) -> Prompt {
        Prompt {
            kind,
            line: crate::app::line_edit::LineEditor::new(text),
            error: None,
        }
    }
}

/// A small window over the pane below it.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    StatusMenu { ticket_id: u64, selected: usize },
    Help { pane: Pane, scroll: u16 },
}

/// The pane that has the keyboard; the key map is per pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    List,
    Detail,
    Prompt,
    StatusMenu,
    /// The copy menu (`y`).
    CopyMenu,
    /// The macro menu (`m`).
    MacroMenu,
    /// The quick filters' facets (`F`).
    Facets,
    Help,
    /// The reply composer.
    Composer,
    /// The new-ticket form.
    NewTicket,
    /// The bulk pane's form (`b`).
    Bulk,
    /// Typing into a text row of the bulk form.
    BulkText,
    /// The bulk preview (confirm or go back).
    BulkPreview,
    /// The gauge of a bulk run.
    BulkRun,
    /// The result list of a bulk run.
    BulkResult,
    /// The history of bulk runs (`H`).
    BulkHistory,
    /// The offer at start to resume a run that stopped mid-way.
    ResumeOffer,
    /// The sign-in prompt after a 401.
    SignIn,
}

/// The copy menu (`y`): which ticket, and the highlighted entry. Its entries are derived
/// from the ticket as it is now (see [`crate::app::copy::entries`]), so a name that arrives while
/// it is open shows at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyMenu {
    pub(crate) ticket_id: u64,
    pub(crate) selected: usize,
}
