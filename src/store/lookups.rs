//! The lookups in the store (agents, groups, contacts, companies, fields, templates), each
//! kept as the wire's JSON with when it was fetched, and read back through the crate's own
//! decoders; and their sync from the calls that list them whole.

use serde_json::{Value, json};

use super::sync::SyncError;
use super::{Store, StoreError};
use crate::api::model::{Agent, Company, Contact, FieldDef, Group, Template};
use crate::api::{ApiError, Client};

/// One lookup, as the client decoded it.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Agent(Agent),
    Group(Group),
    Contact(Contact),
    Company(Company),
    Field(FieldDef),
    Template(Template),
}

/// The kinds, as the store names them.
pub(crate) const KINDS: [&str; 6] = [
    "agents",
    "groups",
    "contacts",
    "companies",
    "fields",
    "templates",
];

fn id_list(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

impl Lookup {
    fn kind(&self) -> &'static str {
        match self {
            Lookup::Agent(_) => "agents",
            Lookup::Group(_) => "groups",
            Lookup::Contact(_) => "contacts",
            Lookup::Company(_) => "companies",
            Lookup::Field(_) => "fields",
            Lookup::Template(_) => "templates",
        }
    }

    /// Its id and its object in the wire's names (what the decoders read).
    fn wire(&self) -> (String, Value) {
        match self {
            Lookup::Agent(a) => (
                a.id.to_string(),
                json!({"sId": a.id, "name": a.name, "email": a.email,
                       "groupId": id_list(&a.group_ids), "isAdmin": u8::from(a.is_admin),
                       "isStat": u8::from(a.active)}),
            ),
            Lookup::Group(g) => (g.id.to_string(), json!({"sgId": g.id, "sgName": g.name})),
            Lookup::Contact(c) => (
                c.id.to_string(),
                json!({"cId": c.id, "name": c.name, "mobile": c.mobile, "email": c.email,
                       "companyId": c.company_id}),
            ),
            Lookup::Company(c) => (
                c.id.to_string(),
                json!({"uId": c.id, "companyName": c.name}),
            ),
            Lookup::Field(f) => (
                f.key.clone(),
                json!({"key": f.key, "name": f.name, "type": f.kind,
                       // Inverted on the wire: 0 is required.
                       "isRequired": if f.required { 0 } else { 1 },
                       "custom_field_options": f.options.iter()
                           .map(|(key, value)| json!({"key": key, "value": value}))
                           .collect::<Vec<_>>()}),
            ),
            Lookup::Template(t) => (
                t.id.to_string(),
                json!({"tId": t.id, "ticketTemplateName": t.name}),
            ),
        }
    }

    /// A stored object of `kind` back through the crate's decoder.
    fn read(kind: &str, value: &Value) -> Option<Lookup> {
        use crate::api::decode;
        let bytes = |wrapped: Value| serde_json::to_vec(&wrapped).ok();
        match kind {
            "agents" => decode::agents(&bytes(json!([value]))?)
                .ok()?
                .pop()
                .map(Lookup::Agent),
            "groups" => decode::group(&bytes(json!({ "supportgroup": value }))?)
                .ok()
                .map(Lookup::Group),
            "contacts" => decode::contact(&bytes(json!({ "user": value }))?)
                .ok()
                .map(Lookup::Contact),
            "companies" => decode::company(&bytes(json!({ "company": value }))?)
                .ok()
                .map(Lookup::Company),
            "fields" => decode::field_defs(&bytes(json!([value]))?)
                .ok()?
                .pop()
                .map(Lookup::Field),
            "templates" => decode::templates(&bytes(json!({ "tickettemplates": [value] }))?)
                .ok()?
                .pop()
                .map(Lookup::Template),
            _ => None,
        }
    }
}

impl Store {
    /// Keeps lookups (replacing those of the same kind and id), fetched at `fetched_at`
    /// (seconds since the epoch).
    pub fn put_lookup_items(
        &mut self,
        items: &[Lookup],
        fetched_at: i64,
    ) -> Result<(), StoreError> {
        for kind in KINDS {
            let of_kind: Vec<(String, Value)> = items
                .iter()
                .filter(|item| item.kind() == kind)
                .map(Lookup::wire)
                .collect();
            if !of_kind.is_empty() {
                self.put_lookups(kind, &of_kind, fetched_at)?;
            }
        }
        Ok(())
    }

    /// The stored lookups of one kind, decoded, with when each was fetched.
    pub fn lookup_items(&self, kind: &str) -> Result<Vec<(Lookup, i64)>, StoreError> {
        Ok(self
            .lookups(kind)?
            .into_iter()
            .filter_map(|(_, value, at)| Some((Lookup::read(kind, &value)?, at)))
            .collect())
    }
}

/// Fetches the lookups that are listed whole (agents, fields, templates) and keeps them;
/// a list this account may not read (403) or the server does not have (404) is skipped.
/// Answers how many were kept.
pub async fn sync_lookups(
    store: &mut Store,
    client: &Client,
    fetched_at: i64,
) -> Result<usize, SyncError> {
    fn allowed<T>(result: Result<Vec<T>, ApiError>) -> Result<Vec<T>, ApiError> {
        match result {
            Err(ApiError::Forbidden(_) | ApiError::NotFound(_)) => Ok(Vec::new()),
            other => other,
        }
    }
    let mut items: Vec<Lookup> = Vec::new();
    items.extend(
        allowed(client.agents().await)?
            .into_iter()
            .map(Lookup::Agent),
    );
    items.extend(
        allowed(client.ticket_fields().await)?
            .into_iter()
            .map(Lookup::Field),
    );
    items.extend(
        allowed(client.templates().await)?
            .into_iter()
            .map(Lookup::Template),
    );
    store.put_lookup_items(&items, fetched_at)?;
    Ok(items.len())
}
