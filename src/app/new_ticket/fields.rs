//! Which fields the form has (the custom ones from the server's definitions) and the
//! choices a choice field offers, from the names the console knows.

use super::FieldId;
use crate::api::{Priority, TicketType};
use crate::app::state::{App, Lookup};

/// Whether a field is picked from a list (and which options it has).
pub(crate) fn is_choice(app: &App, id: &FieldId) -> bool {
    match id {
        FieldId::Priority
        | FieldId::Type
        | FieldId::Template
        | FieldId::Assignee
        | FieldId::Group => true,
        FieldId::Custom(key) => app
            .lookups
            .field_def(key)
            .is_some_and(|def| def.kind == 1 && !def.options.is_empty()),
        _ => false,
    }
}

/// The values of a list field, in order (names sorted), the first one "not set" (`None`);
/// the view words them (`ui::new_ticket::option_label`).
pub(crate) fn options(app: &App, id: &FieldId) -> Vec<Option<String>> {
    let named: Vec<String> =
        match id {
            FieldId::Priority => Priority::ALL.iter().map(|p| p.code().to_string()).collect(),
            FieldId::Type => TicketType::ALL
                .iter()
                .map(|t| t.code().to_string())
                .collect(),
            FieldId::Template => sorted(
                app.lookups
                    .templates
                    .iter()
                    .map(|(id, name)| (name.clone(), id.to_string())),
            ),
            FieldId::Assignee => {
                sorted(app.lookups.agents.iter().filter_map(|(id, name)| {
                    name.ready().map(|name| (name.clone(), id.to_string()))
                }))
            }
            FieldId::Group => {
                sorted(app.lookups.groups.iter().filter_map(|(id, name)| {
                    name.ready().map(|name| (name.clone(), id.to_string()))
                }))
            }
            FieldId::Custom(key) => app
                .lookups
                .field_def(key)
                .map(|def| def.options.iter().map(|(value, _)| value.clone()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
    std::iter::once(None)
        .chain(named.into_iter().map(Some))
        .collect()
}

/// The values of (name, value) pairs, by name then value.
fn sorted(items: impl Iterator<Item = (String, String)>) -> Vec<String> {
    let mut items: Vec<(String, String)> = items.collect();
    items.sort();
    items.into_iter().map(|(_, value)| value).collect()
}

/// The fields, in order: the fixed ones, then custom fields that take a simple value
/// (tables, attachments and cascades are left to the web page).
pub(super) fn field_ids(app: &App) -> Vec<FieldId> {
    let mut ids = vec![
        FieldId::Subject,
        FieldId::ContactId,
        FieldId::Mobile,
        FieldId::Name,
        FieldId::Email,
        FieldId::Qq,
        FieldId::Priority,
        FieldId::Type,
        FieldId::Template,
        FieldId::Assignee,
        FieldId::Group,
        FieldId::Tags,
    ];
    if let Some(defs) = app.lookups.field_defs.as_ref().and_then(Lookup::ready) {
        for def in defs {
            if matches!(def.kind, 1 | 2 | 4 | 5 | 7 | 8 | 17) {
                ids.push(FieldId::Custom(def.key.clone()));
            }
        }
    }
    ids
}
