//! Turning stored tickets into response bodies, with the quirks switched on.

use serde_json::{Value, json};

use super::store::{Entry, FieldKind, Store, field, int_of};
use super::{NullFields, Quirks, null_fields_of};

/// Which show call a ticket is rendered for: `_v2` carries dropdown option ids, the legacy
/// calls (list, show, show many) carry labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    V2,
    Legacy,
}

pub(crate) fn ticket_url(base: &str, id: u64) -> String {
    format!("{base}/api/v1/tickets/{id}.json")
}

/// A ticket as the server answers it. Raw (test-inserted) tickets go out verbatim.
pub(crate) fn ticket(
    store: &Store,
    entry: &Entry,
    base: &str,
    flavor: Flavor,
    quirks: &Quirks,
) -> Value {
    if entry.raw {
        return entry.core().clone();
    }
    let mut value = entry.full();
    let id = field(&value, "ticketId").as_u64().unwrap_or(0);
    files_on_host(store, &mut value);
    if let Some(object) = value.as_object_mut() {
        object.insert("url".into(), json!(ticket_url(base, id)));
        // The page's table says `descript`, its example `description`: the legacy calls use
        // the table's spelling.
        if flavor == Flavor::Legacy
            && let Some(description) = object.remove("description")
        {
            object.insert("descript".into(), description);
        }
        if flavor == Flavor::Legacy
            && let Some(Value::Array(fields)) = object.get_mut("custom_fields")
        {
            for custom in fields.iter_mut() {
                label_dropdown(store, custom);
            }
        }
    }
    if quirks.string_numbers {
        stringify_numbers(&mut value);
    }
    value
}

/// The seeded file links (description attachments, attachment fields) on the sandbox's
/// file host: the seed stores them under [`SEED_FILES_HOST`] so that it is the same data
/// at every start, whatever port the file host got.
pub(crate) fn files_on_host(store: &Store, value: &mut Value) {
    use super::seed::SEED_FILES_HOST;
    if store.files_url.is_empty() {
        return;
    }
    let move_link = |text: &mut Value| {
        if let Some(link) = text.as_str()
            && link.contains(SEED_FILES_HOST)
        {
            *text = json!(link.replace(SEED_FILES_HOST, &store.files_url));
        }
    };
    match value.get_mut("descriptattachments") {
        Some(Value::Array(files)) => files
            .iter_mut()
            .filter_map(|file| file.get_mut("filePath"))
            .for_each(move_link),
        Some(Value::Object(files)) => files
            .values_mut()
            .filter_map(|file| file.get_mut("filePath"))
            .for_each(move_link),
        _ => {}
    }
    if let Some(Value::Array(fields)) = value.get_mut("custom_fields") {
        fields
            .iter_mut()
            .filter_map(|custom| custom.get_mut("value"))
            .for_each(move_link);
    }
}

fn label_dropdown(store: &Store, custom: &mut Value) {
    let Some(key) = custom.get("key").and_then(Value::as_str) else {
        return;
    };
    let Some(def) = store.field(key) else {
        return;
    };
    if def.kind != FieldKind::Dropdown {
        return;
    }
    let label = custom
        .get("value")
        .and_then(|value| match value {
            Value::String(text) => def.option_label(text),
            Value::Number(number) => def.option_label(&number.to_string()),
            _ => None,
        })
        .map(str::to_owned);
    if let (Some(label), Some(object)) = (label, custom.as_object_mut()) {
        object.insert("value".into(), Value::String(label));
    }
}

/// A search result: only subject, createDT, updateDT, ticketId and url.
pub(crate) fn search_result(entry: &Entry, base: &str, quirks: &Quirks) -> Value {
    let value = entry.core();
    let id = field(value, "ticketId").clone();
    let url = int_of(&id)
        .map(|id| ticket_url(base, id.unsigned_abs()))
        .unwrap_or_default();
    let mut result = json!({
        "subject": field(value, "subject"),
        "createDT": field(value, "createDT"),
        "updateDT": field(value, "updateDT"),
        "ticketId": id,
        "url": url,
    });
    if quirks.string_numbers && !entry.raw {
        stringify_numbers(&mut result);
    }
    result
}

/// Which call a ticket is answered to, for the null-fields quirk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NullCall {
    /// List, show, update.
    Other,
    ShowMany,
}

/// The null-fields quirk: for the tickets it picks, the fields live servers leave null or
/// out, while the stored ticket has them.
/// Raw (test-inserted) tickets go out verbatim, as with every quirk.
pub(crate) fn null_fields(value: &mut Value, entry: &Entry, quirks: &Quirks, call: NullCall) {
    if !quirks.null_fields || entry.raw {
        return;
    }
    let id = int_of(field(value, "ticketId")).map_or(0, i64::unsigned_abs);
    let hide = match null_fields_of(id) {
        NullFields::Never => false,
        NullFields::UntilShowMany => call != NullCall::ShowMany,
        NullFields::Always => true,
    };
    if let (true, Some(object)) = (hide, value.as_object_mut()) {
        for key in ["tagList", "ccUserIdList", "servicerGroupId"] {
            object.insert(key.into(), Value::Null);
        }
        object.remove("custom_fields");
    }
}

/// Every number becomes its decimal text, as live servers send them.
pub(crate) fn stringify_numbers(value: &mut Value) {
    match value {
        Value::Number(number) => *value = Value::String(number.to_string()),
        Value::Array(items) => items.iter_mut().for_each(stringify_numbers),
        Value::Object(object) => object.values_mut().for_each(stringify_numbers),
        _ => {}
    }
}

/// A count, as a number or a numeric string.
pub(crate) fn count(count: usize, quirks: &Quirks) -> Value {
    if quirks.string_numbers {
        json!(count.to_string())
    } else {
        json!(count)
    }
}

/// Serializes a body that carries ticket text. With the invalid-escapes quirk every `'`
/// inside a string goes out as `\'`, which strict JSON parsers reject.
pub(crate) fn body_text(value: &Value, quirks: &Quirks) -> String {
    let text = value.to_string();
    if quirks.invalid_escapes {
        // A `'` can only occur inside a JSON string, so this never touches the structure.
        text.replace('\'', "\\'")
    } else {
        text
    }
}
