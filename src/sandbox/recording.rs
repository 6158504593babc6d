//! What the sandbox records of the requests it receives ([`Route`], [`RecordedRequest`]),
//! so tests can count calls by kind and read their headers.

/// The calls the sandbox knows, for counting requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    List,
    CompanyTickets,
    ContactTickets,
    Show,
    ShowLegacy,
    ShowMany,
    Create,
    Update,
    UpdateMany,
    Search,
    TicketFields,
    Supports,
    Support,
    SupportGroup,
    User,
    Company,
    TicketTemplates,
    Upload,
    /// `GET attachments/{id}`: one upload.
    Attachment,
    /// The file host (a second listener): a file downloaded.
    File,
    Token,
    /// Sandbox-only: a ticket's replies.
    Replies,
    /// A path or method the API does not have.
    Unknown,
}

impl Route {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Route::List => "list",
            Route::CompanyTickets => "company_tickets",
            Route::ContactTickets => "contact_tickets",
            Route::Show => "show",
            Route::ShowLegacy => "show_legacy",
            Route::ShowMany => "show_many",
            Route::Create => "create",
            Route::Update => "update",
            Route::UpdateMany => "update_many",
            Route::Search => "search",
            Route::TicketFields => "ticket_fields",
            Route::Supports => "supports",
            Route::Support => "support",
            Route::SupportGroup => "supportgroup",
            Route::User => "user",
            Route::Company => "company",
            Route::TicketTemplates => "tickettemplates",
            Route::Upload => "upload",
            Route::Attachment => "attachment",
            Route::File => "file",
            Route::Token => "token",
            Route::Replies => "replies",
            Route::Unknown => "unknown",
        }
    }
}

/// One request as the sandbox received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub(crate) method: String,
    /// Path and query, as sent.
    pub path: String,
    pub route: Route,
    pub had_authorization: bool,
    /// The `Requestid` header, if any.
    pub request_id: Option<String>,
}
