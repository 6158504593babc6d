//! The fields a bulk change touches, as plain serialisable values.
//!
//! A [`FieldSet`] holds some of a ticket's settable fields: the target of a change, or a
//! ticket's values of those fields before the change (kept for undo). It is what the journal
//! stores, so it is plain data (codes and ids, not enums) and stable on disk.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::model::{
    CustomValue, FormTable, Priority, Reply, Ticket, TicketChange, TicketSource, TicketStatus,
    TicketType,
};

/// One row of a form table, as stored: column key to cell text.
pub(crate) type Row = Vec<(String, String)>;

/// Some settable fields of a ticket. `None` (or a missing key) means "not part of this set".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldSet {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ticket_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<i64>,
    /// 0 means nobody.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<u64>,
    /// 0 means no group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cc_user_ids: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cc_group_ids: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) template_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_fields: BTreeMap<String, Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) tables: BTreeMap<String, Vec<Row>>,
}

/// Which field of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FieldKind {
    Status,
    Priority,
    Type,
    Source,
    Assignee,
    Group,
    CcUsers,
    CcGroups,
    Template,
    Tags,
    /// A custom field by key (`field_N`).
    Custom(String),
    /// A form-table field by key.
    Table(String),
}

/// One field's value, typed enough to be labelled (kept in a run's summary, inside its
/// preview).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FieldValue {
    Status(i64),
    Priority(i64),
    Type(i64),
    Source(i64),
    /// An agent or group id; 0 is "none".
    Agent(u64),
    Group(u64),
    AgentList(Vec<u64>),
    GroupList(Vec<u64>),
    Template(u64),
    Tags(Vec<String>),
    Custom(Value),
    Rows(Vec<Row>),
}

/// A reply sent with a change (the same text to every ticket of a run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplySpec {
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) attachments: Vec<String>,
}

impl From<&Reply> for ReplySpec {
    fn from(reply: &Reply) -> Self {
        ReplySpec {
            message: reply.message.clone(),
            attachments: reply.attachments.clone(),
        }
    }
}

impl FieldValue {
    /// A canonical text used to compare and group values: lists compare as sets, and a
    /// custom value compares by its text (`2` and `"2"` are the same value).
    pub(crate) fn key(&self) -> String {
        match self {
            FieldValue::Status(c)
            | FieldValue::Priority(c)
            | FieldValue::Type(c)
            | FieldValue::Source(c) => c.to_string(),
            FieldValue::Agent(id) | FieldValue::Group(id) | FieldValue::Template(id) => {
                id.to_string()
            }
            FieldValue::AgentList(ids) | FieldValue::GroupList(ids) => {
                let mut ids = ids.clone();
                ids.sort_unstable();
                ids.dedup();
                ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
            }
            FieldValue::Tags(tags) => {
                let mut tags: Vec<&str> = tags.iter().map(|t| t.trim()).collect();
                tags.sort_unstable();
                tags.dedup();
                tags.join(",")
            }
            FieldValue::Custom(value) => custom_key(value),
            FieldValue::Rows(rows) => serde_json::to_string(rows).unwrap_or_default(),
        }
    }

    /// Whether two values are the same for the server.
    pub(crate) fn same_as(&self, other: &FieldValue) -> bool {
        self.key() == other.key()
    }
}

fn custom_key(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.trim().to_string(),
        Value::Number(n) => match n.as_f64() {
            // 2.0 and 2 are the same number; print integers without a fraction.
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Value::Array(items) => items.iter().map(custom_key).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// A ticket's custom value as the JSON the server takes back.
pub(crate) fn custom_value_json(value: &CustomValue) -> Value {
    match value {
        CustomValue::Text(text) => Value::String(text.clone()),
        CustomValue::Number(n) => serde_json::Number::from_f64(*n)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        CustomValue::Rows(rows) => Value::Array(
            rows.iter()
                .map(|row| {
                    Value::Object(
                        row.iter()
                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                            .collect(),
                    )
                })
                .collect(),
        ),
        CustomValue::Empty => Value::String(String::new()),
    }
}

/// Whether a ticket carries its settable fields at all. Search results hold only id,
/// subject, dates and url: their "no status" means "not known", not "none".
pub fn ticket_is_full(ticket: &Ticket) -> bool {
    ticket.status.is_some()
}

/// One field of a full ticket, when the server said what it is.
fn value_of(ticket: &Ticket, kind: &FieldKind) -> Option<FieldValue> {
    match kind {
        FieldKind::Status => ticket.status.map(|s| FieldValue::Status(s.code())),
        FieldKind::Priority => ticket.priority.map(|p| FieldValue::Priority(p.code())),
        FieldKind::Type => ticket.ticket_type.map(|t| FieldValue::Type(t.code())),
        FieldKind::Source => ticket.source.map(|s| FieldValue::Source(s.code())),
        FieldKind::Assignee => ticket
            .assignee_id
            .known()
            .map(|id| FieldValue::Agent(id.unwrap_or(0))),
        FieldKind::Group => ticket
            .group_id
            .known()
            .map(|id| FieldValue::Group(id.unwrap_or(0))),
        FieldKind::CcUsers => ticket.cc_user_ids.clone().map(FieldValue::AgentList),
        FieldKind::CcGroups => ticket.cc_group_ids.clone().map(FieldValue::GroupList),
        FieldKind::Template => ticket.template_id.map(FieldValue::Template),
        FieldKind::Tags => ticket.tags.clone().map(FieldValue::Tags),
        FieldKind::Custom(key) => ticket
            .custom_fields
            .iter()
            .find(|f| &f.key == key)
            .map(|f| FieldValue::Custom(custom_value_json(&f.value))),
        FieldKind::Table(key) => ticket
            .tables
            .iter()
            .find(|t| &t.key == key)
            .map(|t| FieldValue::Rows(t.rows.clone())),
    }
}

/// The fields of `kinds` whose value a ticket does not say (all of them for a search
/// result): a plan that needs them reads the ticket in full first.
pub fn unknown_fields(ticket: &Ticket, kinds: &[FieldKind]) -> Vec<FieldKind> {
    let full = ticket_is_full(ticket);
    kinds
        .iter()
        .filter(|kind| !full || value_of(ticket, kind).is_none())
        .cloned()
        .collect()
}

impl FieldSet {
    /// The fields a change sets, without its reply.
    pub fn from_change(change: &TicketChange) -> FieldSet {
        FieldSet {
            status: change.status.map(TicketStatus::code),
            priority: change.priority.map(Priority::code),
            ticket_type: change.ticket_type.map(TicketType::code),
            source: change.source.map(TicketSource::code),
            assignee_id: change.assignee_id.map(|a| a.unwrap_or(0)),
            group_id: change.group_id.map(|g| g.unwrap_or(0)),
            cc_user_ids: change.cc_user_ids.clone(),
            cc_group_ids: change.cc_group_ids.clone(),
            template_id: change.template_id,
            tags: change.tags.clone(),
            custom_fields: change.custom_fields.iter().cloned().collect(),
            tables: change
                .tables
                .iter()
                .map(|t| (t.key.clone(), t.rows.clone()))
                .collect(),
        }
    }

    /// The change that sets these fields, with an optional reply.
    pub(crate) fn to_change(&self, reply: Option<&ReplySpec>) -> TicketChange {
        TicketChange {
            status: self.status.map(TicketStatus::from_code),
            priority: self.priority.map(Priority::from_code),
            ticket_type: self.ticket_type.map(TicketType::from_code),
            source: self.source.map(TicketSource::from_code),
            assignee_id: self.assignee_id.map(|a| (a != 0).then_some(a)),
            group_id: self.group_id.map(|g| (g != 0).then_some(g)),
            cc_user_ids: self.cc_user_ids.clone(),
            cc_group_ids: self.cc_group_ids.clone(),
            template_id: self.template_id,
            tags: self.tags.clone(),
            custom_fields: self
                .custom_fields
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            tables: self
                .tables
                .iter()
                .map(|(key, rows)| FormTable {
                    key: key.clone(),
                    rows: rows.clone(),
                })
                .collect(),
            reply: reply.map(|r| Reply {
                message: r.message.clone(),
                attachments: r.attachments.clone(),
            }),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.kinds().is_empty()
    }

    /// The fields present in this set, in a stable order.
    pub fn kinds(&self) -> Vec<FieldKind> {
        let mut kinds = Vec::new();
        let simple = [
            (self.status.is_some(), FieldKind::Status),
            (self.priority.is_some(), FieldKind::Priority),
            (self.ticket_type.is_some(), FieldKind::Type),
            (self.source.is_some(), FieldKind::Source),
            (self.assignee_id.is_some(), FieldKind::Assignee),
            (self.group_id.is_some(), FieldKind::Group),
            (self.cc_user_ids.is_some(), FieldKind::CcUsers),
            (self.cc_group_ids.is_some(), FieldKind::CcGroups),
            (self.template_id.is_some(), FieldKind::Template),
            (self.tags.is_some(), FieldKind::Tags),
        ];
        kinds.extend(simple.into_iter().filter(|(on, _)| *on).map(|(_, k)| k));
        kinds.extend(self.custom_fields.keys().cloned().map(FieldKind::Custom));
        kinds.extend(self.tables.keys().cloned().map(FieldKind::Table));
        kinds
    }

    /// One field's value, if present.
    pub(crate) fn get(&self, kind: &FieldKind) -> Option<FieldValue> {
        match kind {
            FieldKind::Status => self.status.map(FieldValue::Status),
            FieldKind::Priority => self.priority.map(FieldValue::Priority),
            FieldKind::Type => self.ticket_type.map(FieldValue::Type),
            FieldKind::Source => self.source.map(FieldValue::Source),
            FieldKind::Assignee => self.assignee_id.map(FieldValue::Agent),
            FieldKind::Group => self.group_id.map(FieldValue::Group),
            FieldKind::CcUsers => self.cc_user_ids.clone().map(FieldValue::AgentList),
            FieldKind::CcGroups => self.cc_group_ids.clone().map(FieldValue::GroupList),
            FieldKind::Template => self.template_id.map(FieldValue::Template),
            FieldKind::Tags => self.tags.clone().map(FieldValue::Tags),
            FieldKind::Custom(key) => self.custom_fields.get(key).cloned().map(FieldValue::Custom),
            FieldKind::Table(key) => self.tables.get(key).cloned().map(FieldValue::Rows),
        }
    }

    /// Sets one field.
    pub(crate) fn set(&mut self, value: FieldValue, kind: &FieldKind) {
        match (kind, value) {
            (FieldKind::Status, FieldValue::Status(c)) => self.status = Some(c),
            (FieldKind::Priority, FieldValue::Priority(c)) => self.priority = Some(c),
            (FieldKind::Type, FieldValue::Type(c)) => self.ticket_type = Some(c),
            (FieldKind::Source, FieldValue::Source(c)) => self.source = Some(c),
            (FieldKind::Assignee, FieldValue::Agent(id)) => self.assignee_id = Some(id),
            (FieldKind::Group, FieldValue::Group(id)) => self.group_id = Some(id),
            (FieldKind::CcUsers, FieldValue::AgentList(ids)) => self.cc_user_ids = Some(ids),
            (FieldKind::CcGroups, FieldValue::GroupList(ids)) => self.cc_group_ids = Some(ids),
            (FieldKind::Template, FieldValue::Template(id)) => self.template_id = Some(id),
            (FieldKind::Tags, FieldValue::Tags(tags)) => self.tags = Some(tags),
            (FieldKind::Custom(key), FieldValue::Custom(v)) => {
                self.custom_fields.insert(key.clone(), v);
            }
            (FieldKind::Table(key), FieldValue::Rows(rows)) => {
                self.tables.insert(key.clone(), rows);
            }
            // A value of another kind is a caller's mistake; leave the set unchanged.
            _ => {}
        }
    }

    /// A ticket's current values of the given fields. Fields the ticket does not carry (a
    /// search result carries none; a full ticket may have a list, a group or a custom field
    /// the server sent as null or left out) are left out: not known is not empty, and a
    /// guess here would be shown as the value before and written back by undo.
    pub(crate) fn of_ticket(ticket: &Ticket, kinds: &[FieldKind]) -> FieldSet {
        let mut set = FieldSet::default();
        if !ticket_is_full(ticket) {
            return set;
        }
        for kind in kinds {
            if let Some(value) = value_of(ticket, kind) {
                set.set(value, kind);
            }
        }
        set
    }

    /// The fields of `self` restricted to `kinds`.
    pub(crate) fn only(&self, kinds: &[FieldKind]) -> FieldSet {
        let mut set = FieldSet::default();
        for kind in kinds {
            if let Some(value) = self.get(kind) {
                set.set(value, kind);
            }
        }
        set
    }

    /// Whether every field of `target` has the same value here.
    pub(crate) fn satisfies(&self, target: &FieldSet) -> bool {
        target
            .kinds()
            .iter()
            .all(|kind| match (self.get(kind), target.get(kind)) {
                (Some(have), Some(want)) => have.same_as(&want),
                _ => false,
            })
    }

    /// Whether every field of `kinds` is present here.
    pub(crate) fn has_all(&self, kinds: &[FieldKind]) -> bool {
        kinds.iter().all(|kind| self.get(kind).is_some())
    }
}

/// The tag list after adding and removing tags, keeping the existing order.
pub fn edit_tags(current: &[String], add: &[String], remove: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = current
        .iter()
        .filter(|t| !remove.iter().any(|r| r.trim() == t.trim()))
        .cloned()
        .collect();
    for tag in add {
        if !tags.iter().any(|t| t.trim() == tag.trim()) {
            tags.push(tag.trim().to_string());
        }
    }
    tags
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn change_round_trips_through_a_field_set() {
        let change = TicketChange {
            status: Some(TicketStatus::Solved),
            assignee_id: Some(None),
            tags: Some(vec!["vip客户".into()]),
            custom_fields: vec![("field_1".into(), Value::String("x".into()))],
            ..TicketChange::default()
        };
        let set = FieldSet::from_change(&change);
        assert_eq!(set.assignee_id, Some(0));
        let json = serde_json::to_string(&set).unwrap();
        let back: FieldSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_change(None), change);
    }

    #[test]
    fn values_compare_as_the_server_sees_them() {
        let a = FieldValue::Tags(vec!["b".into(), "a".into()]);
        let b = FieldValue::Tags(vec!["a".into(), "b".into()]);
        assert!(a.same_as(&b));
        let n = FieldValue::Custom(serde_json::json!(2));
        let s = FieldValue::Custom(serde_json::json!("2"));
        assert!(n.same_as(&s));
        assert!(!FieldValue::Status(2).same_as(&FieldValue::Status(4)));
    }

    #[test]
    fn tags_are_added_and_removed_in_place() {
        let now = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            edit_tags(&now, &["c".into(), "a".into()], &["b".into()]),
            vec!["a".to_string(), "c".to_string()]
        );
    }
}
