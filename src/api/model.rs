//! The wire model of the 帮我吧 ticket API, as the client sees it after decoding.
//!
//! Decoding is lenient (see `decode.rs` and `../shared/spec/API-NOTES.md`): enum codes may
//! arrive as ints, numeric strings or Chinese labels; id and tag lists as strings, ints or
//! arrays; anything may be missing or null. Every string that came from the server has been
//! cleaned by [`crate::text::clean`] before it lands here, except the values kept in
//! [`Ticket::extra`], which are only ever sent back unchanged.

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

/// Declares a vendor enum with its codes, Chinese labels and English names, plus an
/// `Unknown(code)` case for codes outside the vendor's table (the page's own example
/// carries `ticketStatus: 0`).
macro_rules! vendor_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            /// A code outside the vendor's table, kept as it came.
            Unknown(i64),
        }

        impl $name {
            /// Every known value, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn from_code(code: i64) -> Self {
                match code {
                    $($code => $name::$variant,)*
                    other => $name::Unknown(other),
                }
            }

            pub fn code(self) -> i64 {
                match self {
                    $($name::$variant => $code,)*
                    $name::Unknown(code) => code,
                }
            }

            /// The vendor's Chinese label, as its own UI and some responses spell it.
            pub fn label_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)*
                    $name::Unknown(_) => "未知",
                }
            }

            pub fn label_en(self) -> &'static str {
                match self {
                    $($name::$variant => $en,)*
                    $name::Unknown(_) => "unknown",
                }
            }

            /// Accepts a code ("2"), a Chinese label ("已解决") or an English name
            /// ("solved", any case).
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                if let Ok(code) = text.parse::<i64>() {
                    return Some(Self::from_code(code));
                }
                $(
                    if text == $zh || text.eq_ignore_ascii_case($en) {
                        return Some($name::$variant);
                    }
                )*
                Self::parse_alias(text)
            }
        }
    };
}

vendor_enum! {
    /// `ticketStatus`. The vendor's UI shows both 5 and 6 as 已关闭.
    TicketStatus {
        New = 1, "新建", "new";
        Open = 2, "已开启", "open";
        Pending = 3, "待回应", "pending";
        Solved = 4, "已解决", "solved";
        AutoClosed = 5, "自动关闭", "auto-closed";
        Closed = 6, "手动关闭", "closed";
    }
}

vendor_enum! {
    /// `priorityLevel`.
    Priority {
        Low = 1, "低", "low";
        Normal = 2, "正常", "normal";
        High = 3, "高", "high";
        Urgent = 4, "紧急", "urgent";
    }
}

vendor_enum! {
    /// `ticketType`.
    TicketType {
        Question = 1, "问题", "question";
        Incident = 2, "事务", "incident";
        Fault = 3, "故障", "fault";
        Task = 4, "任务", "task";
    }
}

vendor_enum! {
    /// `ticketSource`. There is no 6 in the vendor's table.
    TicketSource {
        Remote = 1, "远程", "remote";
        Chat = 2, "聊天", "chat";
        CallCentre = 3, "呼叫中心", "call-centre";
        Message = 4, "留言", "message";
        System = 5, "系统创建", "system";
        Api = 7, "API", "api";
        TemplatePublish = 8, "工单模板发布", "template";
        Email = 9, "邮件接入", "email";
    }
}

impl TicketStatus {
    fn parse_alias(text: &str) -> Option<Self> {
        match text {
            // The vendor's own UI shows 5 and 6 alike; a label coming back as 已关闭 means closed.
            "已关闭" => Some(TicketStatus::Closed),
            _ => None,
        }
    }
}

impl Priority {
    fn parse_alias(_text: &str) -> Option<Self> {
        None
    }
}

impl TicketType {
    fn parse_alias(_text: &str) -> Option<Self> {
        None
    }
}

impl TicketSource {
    fn parse_alias(_text: &str) -> Option<Self> {
        None
    }
}

/// A date as the API sends it: `YYYY-MM-DD HH:MM:SS`, no zone (the vendor's local time,
/// UTC+8 unless configured otherwise; the zone is applied when shown).
pub(crate) type ApiDate = NaiveDateTime;

/// The wire format of [`ApiDate`].
pub(crate) const DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The hours the server's dates are ahead of UTC (the vendor is in China: UTC+8).
pub(crate) const SERVER_OFFSET_HOURS: i64 = 8;

/// An id field where the wire says 0 for "none" and null (or nothing) says nothing: the
/// two must not be confused, or a ticket whose group the server left out would be shown,
/// planned and undone as having no group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum IdField {
    /// Null or missing on the wire: not known.
    #[default]
    Unknown,
    /// 0 on the wire: nobody, no group.
    Unset,
    Id(u64),
}

impl IdField {
    /// The id, when there is one.
    pub fn id(self) -> Option<u64> {
        match self {
            IdField::Id(id) => Some(id),
            _ => None,
        }
    }

    /// `None` when unknown, `Some(None)` when unset.
    pub(crate) fn known(self) -> Option<Option<u64>> {
        match self {
            IdField::Unknown => None,
            IdField::Unset => Some(None),
            IdField::Id(id) => Some(Some(id)),
        }
    }

    /// From a known value: `None` (or 0) is unset.
    pub fn from_known(id: Option<u64>) -> Self {
        match id {
            Some(0) | None => IdField::Unset,
            Some(id) => IdField::Id(id),
        }
    }
}

/// One ticket. Ids of 0 on the wire ("none") are `None` here, except assignee and group,
/// where "none" and "not known" are told apart ([`IdField`]). A list the server sent as
/// null or left out is `None` (not known), never an empty list; a custom field or table
/// absent from `custom_fields` / `tables` is not known either.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ticket {
    pub id: u64,
    /// The API URL of the ticket.
    pub url: Option<String>,
    pub subject: String,
    /// `descript` or `description`: the text of the first reply; may hold HTML.
    pub description: Option<String>,
    pub source: Option<TicketSource>,
    pub ticket_type: Option<TicketType>,
    pub priority: Option<Priority>,
    pub status: Option<TicketStatus>,
    /// `custUserId`: the contact the ticket is for.
    pub contact_id: Option<u64>,
    /// `agentId`: the service provider (服务商), not a person.
    pub provider_id: Option<u64>,
    /// `createrId` (sic).
    pub creator_id: Option<u64>,
    /// `servicerUserId`: the agent the ticket is assigned to.
    pub assignee_id: IdField,
    /// `servicerGroupId`.
    pub group_id: IdField,
    pub cc_user_ids: Option<Vec<u64>>,
    pub cc_group_ids: Option<Vec<u64>>,
    pub template_id: Option<u64>,
    pub tags: Option<Vec<String>>,
    pub created: Option<ApiDate>,
    pub updated: Option<ApiDate>,
    pub custom_fields: Vec<CustomField>,
    pub tables: Vec<FormTable>,
    /// Fields seen on live servers only.
    pub live: LiveFields,
    /// Fields the server sent that could not be read (a status that is an object): each is
    /// unknown here, never empty, and says why; its value is kept verbatim in `extra`.
    pub unreadable: Vec<UnreadableField>,
    /// Fields this client does not know, kept verbatim so that a round trip loses nothing.
    pub extra: Map<String, Value>,
}

/// One field of a ticket that could not be read: its wire key and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableField {
    pub key: String,
    pub reason: String,
}

/// Fields that deployed servers send beyond the vendor's page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveFields {
    pub solved: Option<ApiDate>,
    pub waiting: Option<ApiDate>,
    pub opened: Option<ApiDate>,
    pub closed: Option<ApiDate>,
    pub custom_template_id: Option<u64>,
    /// `createrType`: 0 agent, 1 customer.
    pub creator_type: Option<i64>,
    pub workflow_id: Option<u64>,
    pub workflow_node_id: Option<u64>,
    pub is_deleted: Option<bool>,
    /// `descriptattachments`: object or array on the wire, kept as it came.
    pub description_attachments: Option<Value>,
}

/// One `custom_fields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomField {
    /// `field_N` or a named key such as `cpxx`.
    pub key: String,
    pub value: CustomValue,
    /// Payment fields only: 0 unpaid, 1 paid.
    pub pay_status: Option<i64>,
}

/// A custom field's value: a string, a number, or rows (product tables such as `cpxx`).
#[derive(Debug, Clone, PartialEq)]
pub enum CustomValue {
    Text(String),
    Number(f64),
    Rows(Vec<TableRow>),
    Empty,
}

/// One row of a form table: column key to cell text, in the order received.
pub(crate) type TableRow = Vec<(String, String)>;

/// One `tables` entry: a form-type custom field.
#[derive(Debug, Clone, PartialEq)]
pub struct FormTable {
    pub key: String,
    pub rows: Vec<TableRow>,
}

/// One page of tickets from list, a company's or contact's tickets, or search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The total the server reports for the whole query, when it says.
    pub count: Option<u64>,
    /// The absolute URL of the next page as the server gave it; `None` on the last page.
    pub next_page: Option<String>,
    pub previous_page: Option<String>,
    /// Tickets of this page that could not be decoded; the rest of the page is kept.
    pub bad_items: Vec<ItemError>,
}

/// Why one element of a response could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemError {
    /// The element's index in the response array.
    pub index: usize,
    /// The ticket id, when at least that much could be read.
    pub ticket_id: Option<u64>,
    /// A JSON path such as `tickets[3].ticketStatus`.
    pub path: String,
    pub message: String,
}

/// One ticket's result in an update-many answer.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateResult {
    pub ticket_id: u64,
    pub success: bool,
    /// The server's `error_log`; empty on success.
    pub error: String,
}

/// A change to one ticket (update) or to many (update many). `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketChange {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub ticket_type: Option<TicketType>,
    pub source: Option<TicketSource>,
    /// `Some(None)` clears the assignee (sent as 0).
    pub assignee_id: Option<Option<u64>>,
    pub group_id: Option<Option<u64>>,
    pub cc_user_ids: Option<Vec<u64>>,
    pub cc_group_ids: Option<Vec<u64>>,
    pub template_id: Option<u64>,
    /// Replaces the whole tag list.
    pub tags: Option<Vec<String>>,
    pub custom_fields: Vec<(String, Value)>,
    pub tables: Vec<FormTable>,
    pub reply: Option<Reply>,
}

/// A reply added by an update (`ticketReply`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    pub message: String,
    /// Upload tokens.
    pub attachments: Vec<String>,
}

/// The contact of a new ticket: an existing id, or details the server matches or creates.
#[derive(Debug, Clone, PartialEq)]
pub enum NewContact {
    Id(u64),
    Details {
        mobile: String,
        name: Option<String>,
        fixnumber: Option<String>,
        qq: Option<String>,
        email: Option<String>,
    },
}

/// A ticket to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTicket {
    pub subject: String,
    pub reply: Reply,
    pub contact: Option<NewContact>,
    /// Every other settable field, exactly as an update would set it.
    pub fields: TicketChange,
}

/// What create answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub ticket: Ticket,
    /// The `Location` header, when sent.
    pub location: Option<String>,
}

/// A custom field definition (`ticket_fields.json`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    pub key: String,
    pub name: String,
    /// 1 dropdown, 2 text, 3 multi-line, 4 integer, 5 decimal, 6 checkbox, 7 regex, 8 date,
    /// 11 form/table, 12 attachment, 13 stars, 14 multi-checkbox, 15 product table,
    /// 17 phone, 18 cascade, 20 asset table.
    pub kind: i64,
    pub required: bool,
    /// Option id to label, for dropdowns and checkboxes.
    pub options: Vec<(String, String)>,
}

/// An agent (`supports.json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: u64,
    pub name: String,
    pub email: Option<String>,
    pub group_ids: Vec<u64>,
    pub is_admin: bool,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: u64,
    pub name: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub company_id: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: u64,
    pub name: String,
}

/// What an upload answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub id: Option<u64>,
    pub file_name: String,
    pub(crate) file_path: Option<String>,
    pub token: String,
}

impl CustomValue {
    /// The value as an agent reads it: dropdown option ids (`"231,232"`) as their labels
    /// from the field's definition, whole numbers without `.0`; rows and nothing as "".
    pub fn labelled(&self, def: Option<&FieldDef>) -> String {
        match self {
            CustomValue::Text(text) => match def {
                Some(def) if !def.options.is_empty() => text
                    .split(',')
                    .map(|part| {
                        let part = part.trim();
                        def.options
                            .iter()
                            .find(|(id, _)| id == part)
                            .map_or(part.to_string(), |(_, label)| label.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => text.clone(),
            },
            CustomValue::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                format!("{}", *number as i64)
            }
            CustomValue::Number(number) => number.to_string(),
            CustomValue::Rows(_) | CustomValue::Empty => String::new(),
        }
    }
}
