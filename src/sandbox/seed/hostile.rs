//! Hostile text (terminal escapes, bidi overrides, zero-width characters) written over some
//! seeded tickets and contacts, so the console's cleaning is tested against the sandbox.

use serde_json::Value;

use crate::sandbox::store::Store;

/// OSC 52 (clipboard write), OSC 0 (window title), CSI clear, 8-bit CSI, bidi overrides and
/// zero-width characters, as a hostile customer could type them.
const HOSTILE_PREFIX: &str = "\u{1b}]52;c;cm0gLXJmIH4K\u{7}\u{1b}]0;已被接管\u{7}\u{1b}[2J";
const HOSTILE_SUFFIX: &str = "\u{9b}31m\u{202e}txt.exe\u{202c}\u{200b}用\u{200d}户\u{feff}";
/// A link whose URL carries an OSC 8 of its own, a BEL, an 8-bit ST and Chinese: written as
/// a hyperlink (where they are on), it must reach the terminal as inert printable ASCII.
const HOSTILE_LINK: &str =
    " 详见 https://evil.example/下载\u{1b}]8;;https://phish.example/\u{7}x\u{9c}y?a=1 谢谢";

/// Rewrites every fifth ticket (and every tenth contact) with hostile text, keeping the
/// readable words so that a test can check they still show.
pub(super) fn make_hostile(store: &mut Store) {
    let wrap = |text: &str| format!("{HOSTILE_PREFIX}{text}{HOSTILE_SUFFIX}");
    for (id, entry) in store.tickets.iter_mut() {
        if id % 5 != 0 {
            continue;
        }
        let mut value = entry.full();
        let Some(ticket) = value.as_object_mut() else {
            continue;
        };
        for key in ["subject", "description"] {
            if let Some(Value::String(text)) = ticket.get(key) {
                let mut hostile = wrap(text);
                if key == "description" {
                    hostile.push_str(HOSTILE_LINK);
                }
                ticket.insert(key.into(), Value::String(hostile));
            }
        }
        // A file name that climbs out of the download folder, hides itself and carries
        // escapes: shown and saved as a plain name.
        ticket.insert(
            "descriptattachments".into(),
            serde_json::json!([{
                "fileName": wrap("../../.ssh/authorized_keys"),
                "filePath": format!("{}/attach/hostile-{id}.txt", super::SEED_FILES_HOST),
            }]),
        );
        if let Some(Value::Array(fields)) = ticket.get_mut("custom_fields") {
            let text_field = fields.iter_mut().find(|field| {
                matches!(
                    field.get("key").and_then(Value::as_str),
                    Some("field_1" | "field_8")
                )
            });
            if let Some(Value::Object(field)) = text_field
                && let Some(Value::String(text)) = field.get("value")
            {
                let hostile = wrap(text);
                field.insert("value".into(), Value::String(hostile));
            }
        }
        entry.set(value);
    }
    for (id, contact) in store.contacts.iter_mut() {
        if id % 10 == 0 {
            contact.name = wrap(&contact.name);
        }
    }
}
