//! The in-memory store: tickets (as JSON, the way the vendor stores them), replies,
//! agents, groups, contacts, companies, templates and custom field definitions.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use serde_json::{Value, json};

use super::auth::Role;

#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub group_ids: Vec<u64>,
    pub is_admin: bool,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Contact {
    pub id: u64,
    pub name: String,
    pub mobile: String,
    pub email: String,
    pub(crate) fixnumber: String,
    pub(crate) qq: String,
    pub company_id: u64,
    pub(crate) create_dt: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Company {
    pub id: u64,
    pub name: String,
    pub(crate) create_dt: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub id: u64,
    pub name: String,
    pub(crate) field_keys: Vec<String>,
}

/// The vendor's custom field types (see API-NOTES.md, ticket_fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    Dropdown = 1,
    Text = 2,
    MultiLine = 3,
    Integer = 4,
    Checkbox = 6,
    Date = 8,
    Form = 11,
    Attachment = 12,
    ProductTable = 15,
    /// Not in the vendor's type table we have; the sandbox's guess for the payment field.
    Payment = 16,
}

#[derive(Debug, Clone)]
pub(crate) struct FieldDef {
    pub key: String,
    pub name: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Dropdown options: (option id, label).
    pub options: Vec<(u64, String)>,
    /// Table and product-table columns: (column key, column name).
    pub(crate) columns: Vec<(String, String)>,
}

impl FieldDef {
    pub(crate) fn to_json(&self) -> Value {
        let mut field = json!({
            "key": self.key,
            "name": self.name,
            "type": self.kind as u32,
            // The vendor's flag is inverted: 0 means required.
            "isRequired": if self.required { 0 } else { 1 },
            "custom_field_options": self.options.iter()
                .map(|(id, label)| json!({"key": id.to_string(), "value": label}))
                .collect::<Vec<_>>(),
        });
        if !self.columns.is_empty()
            && let Some(object) = field.as_object_mut()
        {
            object.insert(
                "columns".into(),
                self.columns
                    .iter()
                    .map(|(key, name)| json!({"key": key, "name": name}))
                    .collect(),
            );
        }
        field
    }

    pub(crate) fn option_label(&self, id: &str) -> Option<&str> {
        let id: u64 = id.trim().parse().ok()?;
        self.options
            .iter()
            .find(|(option, _)| *option == id)
            .map(|(_, label)| label.as_str())
    }
}

/// A stored ticket: the JSON as generated (or as a hostile test inserted it).
///
/// Custom fields and tables are kept serialized: as `Value`s they were half of a ticket's
/// memory, and only rendering, writes and custom-field searches need them.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Every field but `custom_fields` and `tables` (all of it when raw).
    core: Value,
    /// `{"custom_fields": [...], "tables": [...]}` as JSON text.
    custom: Option<Box<str>>,
    /// Inserted by [`crate::sandbox::Sandbox::insert_ticket`]: served verbatim.
    pub(crate) raw: bool,
}

const CUSTOM_KEYS: [&str; 2] = ["custom_fields", "tables"];

impl Entry {
    /// A ticket the sandbox made (seeded or created).
    pub(crate) fn stored(mut value: Value) -> Self {
        let custom = value.as_object_mut().map(|ticket| {
            let mut custom = serde_json::Map::new();
            for key in CUSTOM_KEYS {
                if let Some(item) = ticket.remove(key) {
                    custom.insert(key.to_owned(), item);
                }
            }
            Value::Object(custom).to_string().into_boxed_str()
        });
        Entry {
            core: value,
            custom,
            raw: false,
        }
    }

    /// A ticket inserted by a test, kept exactly as given.
    pub(crate) fn raw(value: Value) -> Self {
        Entry {
            core: value,
            custom: None,
            raw: true,
        }
    }

    /// The fields other than custom fields and tables (everything, for a raw ticket).
    pub(crate) fn core(&self) -> &Value {
        &self.core
    }

    /// The fields other than custom fields and tables, to change in place.
    pub(crate) fn core_mut(&mut self) -> &mut Value {
        &mut self.core
    }

    /// The whole ticket.
    pub(crate) fn full(&self) -> Value {
        let mut value = self.core.clone();
        let custom = self
            .custom
            .as_deref()
            .and_then(|text| serde_json::from_str::<Value>(text).ok());
        if let (Some(ticket), Some(Value::Object(custom))) = (value.as_object_mut(), custom) {
            ticket.extend(custom);
        }
        value
    }

    /// Replaces the ticket, keeping its kind (raw or stored).
    pub(crate) fn set(&mut self, value: Value) {
        *self = if self.raw {
            Entry::raw(value)
        } else {
            Entry::stored(value)
        };
    }
}

/// An answer remembered under a `Requestid`, replayed on a repeat.
#[derive(Debug, Clone)]
pub(crate) struct Remembered {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) body: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub(crate) attach_id: u64,
    pub(crate) file_name: String,
    pub(crate) size: usize,
}

/// The text of a reply. Seeded replies point at text held elsewhere, so that a store of
/// 100,000 tickets stays small.
#[derive(Debug, Clone)]
pub(crate) enum ReplyText {
    /// The ticket's description (its first reply).
    Description,
    /// A line of the seed word list.
    Canned(&'static str),
    /// Sent by a client.
    Owned(String),
}

#[derive(Debug, Clone)]
pub(crate) struct StoredReply {
    pub id: u64,
    pub(crate) user_id: u64,
    pub(crate) reply_type: u8,
    pub(crate) when: chrono::NaiveDateTime,
    pub(crate) text: ReplyText,
    pub(crate) attachments: Vec<Value>,
}

#[derive(Default)]
pub(crate) struct Store {
    pub(crate) tickets: BTreeMap<u64, Entry>,
    pub(crate) replies: BTreeMap<u64, Vec<StoredReply>>,
    pub(crate) update_counts: HashMap<u64, u64>,
    pub(crate) agents: Vec<Agent>,
    pub(crate) groups: Vec<Group>,
    pub(crate) contacts: BTreeMap<u64, Contact>,
    pub(crate) companies: BTreeMap<u64, Company>,
    pub(crate) templates: Vec<Template>,
    pub(crate) fields: Vec<FieldDef>,
    pub(crate) next_ticket_id: u64,
    pub(crate) next_contact_id: u64,
    pub(crate) next_reply_id: u64,
    pub(crate) next_attach_id: u64,
    pub(crate) request_ids: HashMap<String, Remembered>,
    /// Bearer tokens: role and expiry (`None`: never).
    pub(crate) tokens: HashMap<String, (Role, Option<Instant>)>,
    pub(crate) uploads: HashMap<String, Upload>,
    /// The file host's origin, put in place of the seed's in the answers.
    pub(crate) files_url: String,
    /// Passwords changed at run time ([`crate::sandbox::Sandbox::set_password`]), by
    /// account; they replace the ones in the options.
    pub(crate) passwords: HashMap<String, String>,
    /// Where writes are kept across restarts ([`super::SandboxOptions::state_file`]).
    pub(crate) state_log: Option<super::persist::StateLog>,
    /// Injected "being edited by another agent" failures not yet spent
    /// ([`super::SandboxOptions::busy_failures`]).
    pub(crate) busy_left: usize,
}

impl Store {
    /// The whole stored ticket.
    pub(crate) fn ticket(&self, id: u64) -> Option<Value> {
        self.tickets.get(&id).map(Entry::full)
    }

    pub(crate) fn ticket_ids(&self) -> Vec<u64> {
        self.tickets.keys().copied().collect()
    }

    pub(crate) fn update_count(&self, id: u64) -> u64 {
        self.update_counts.get(&id).copied().unwrap_or(0)
    }

    /// A ticket's replies as the replies call lists them, oldest first.
    /// The reply an upload was sent with (its token in the reply's attachments), if any.
    pub(crate) fn reply_of_attachment(&self, attach_id: u64) -> Option<u64> {
        self.replies.values().flatten().find_map(|reply| {
            reply
                .attachments
                .iter()
                .any(|a| a.get("attachId").and_then(Value::as_u64) == Some(attach_id))
                .then_some(reply.id)
        })
    }

    pub(crate) fn replies(&self, id: u64) -> Vec<Value> {
        let description = self
            .tickets
            .get(&id)
            .and_then(|entry| entry.core().get("description"))
            .and_then(Value::as_str)
            .unwrap_or("");
        self.replies
            .get(&id)
            .map(|thread| {
                thread
                    .iter()
                    .map(|reply| {
                        let message = match &reply.text {
                            ReplyText::Description => description,
                            ReplyText::Canned(text) => text,
                            ReplyText::Owned(text) => text.as_str(),
                        };
                        json!({
                            "ticketReplyId": reply.id,
                            "ticketId": id,
                            "replyUserId": reply.user_id,
                            "replyType": reply.reply_type,
                            "replyDT": reply.when.format(super::seed::DATE_FORMAT).to_string(),
                            "replyStatus": 1,
                            "replyMsg": message,
                            "attachments": reply.attachments,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn insert_raw(&mut self, ticket: Value) -> u64 {
        let id = ticket
            .get("ticketId")
            .and_then(int_of)
            .and_then(|id| u64::try_from(id).ok())
            .filter(|id| *id > 0)
            .unwrap_or(self.next_ticket_id);
        self.next_ticket_id = self.next_ticket_id.max(id + 1);
        self.tickets.insert(id, Entry::raw(ticket));
        id
    }

    pub fn agent(&self, id: u64) -> Option<&Agent> {
        self.agents.iter().find(|agent| agent.id == id)
    }

    pub(crate) fn agent_by_email(&self, email: &str) -> Option<&Agent> {
        self.agents.iter().find(|agent| agent.email == email)
    }

    pub fn group(&self, id: u64) -> Option<&Group> {
        self.groups.iter().find(|group| group.id == id)
    }

    pub(crate) fn template(&self, id: u64) -> Option<&Template> {
        self.templates.iter().find(|template| template.id == id)
    }

    pub(crate) fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|field| field.key == key)
    }

    /// The contact name of a ticket, for the fuzzy search.
    pub(crate) fn contact_name_of(&self, ticket: &Value) -> Option<&str> {
        let id = ticket.get("custUserId").and_then(int_of)?;
        let id = u64::try_from(id).ok()?;
        self.contacts.get(&id).map(|contact| contact.name.as_str())
    }

    /// The company of a ticket's contact.
    pub(crate) fn company_of(&self, ticket: &Value) -> Option<u64> {
        let id = ticket.get("custUserId").and_then(int_of)?;
        let id = u64::try_from(id).ok()?;
        self.contacts.get(&id).map(|contact| contact.company_id)
    }

    pub(crate) fn contact_by_mobile(&self, mobile: &str) -> Option<&Contact> {
        self.contacts
            .values()
            .find(|contact| contact.mobile == mobile)
    }

    pub(crate) fn agent_json(&self, agent: &Agent) -> Value {
        json!({
            "sId": agent.id,
            "name": agent.name,
            "email": agent.email,
            "groupId": join_ids(&agent.group_ids),
            "isAdmin": u8::from(agent.is_admin),
            "isStat": u8::from(agent.active),
        })
    }

    pub(crate) fn contact_json(&self, contact: &Contact) -> Value {
        json!({
            "cId": contact.id,
            "name": contact.name,
            "mobile": contact.mobile,
            "email": contact.email,
            "fixnumber": contact.fixnumber,
            "qq": contact.qq,
            "companyId": contact.company_id,
            "companyName": self.companies.get(&contact.company_id)
                .map(|company| company.name.as_str()).unwrap_or(""),
            "createDT": contact.create_dt,
        })
    }

    pub(crate) fn company_json(&self, company: &Company) -> Value {
        let contacts = self
            .contacts
            .values()
            .filter(|contact| contact.company_id == company.id)
            .count();
        json!({
            "uId": company.id,
            "companyName": company.name,
            "contactCount": contacts,
            "createDT": company.create_dt,
        })
    }

    pub(crate) fn template_json(&self, template: &Template) -> Value {
        json!({
            "tId": template.id,
            "ticketTemplateName": template.name,
            "fields": template.field_keys,
        })
    }
}

/// Reads an integer leniently: a JSON integer, or a string holding one.
pub(crate) fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a string field leniently: strings as they are, numbers as their text.
pub(crate) fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

pub(crate) fn join_ids(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

/// A field of a ticket object, or `Null`.
pub(crate) fn field<'a>(ticket: &'a Value, key: &str) -> &'a Value {
    ticket.get(key).unwrap_or(&Value::Null)
}
