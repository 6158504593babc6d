//! The key map's words: hint lines and the `{key:PANE.ACTION}` references of the table's
//! text, named from the live map when drawn. The map itself (`app::keymap`) only says which
//! keys do what.

use crate::app::keymap::KeyMap;
use crate::app::state::Pane;
use crate::lang::Lang;
use crate::words::Msg;

impl KeyMap {
    /// A pane's hint line from the live map: each item is the first key of each named action
    /// joined by `/`, then its word (`j/k row  Enter preview`). An item whose actions have
    /// no key is left out; `{key:PANE.ACTION}` in a word names that action's key.
    pub fn hint_line(&self, pane: Pane, items: &[(&[&str], Msg)], lang: Lang) -> String {
        let parts: Vec<String> = items
            .iter()
            .filter_map(|(names, word)| {
                let keys: Vec<String> = names
                    .iter()
                    .filter_map(|name| self.hint_label(pane, name))
                    .collect();
                let word = self.expand(word.text(lang));
                match (keys.is_empty(), names.is_empty()) {
                    (true, true) => Some(word),
                    (true, false) => None,
                    (false, _) => Some(format!("{} {word}", keys.join("/"))),
                }
            })
            .collect();
        parts.join("  ")
    }

    /// Replaces `{key:PANE.ACTION}` in the table's text with the action's live key, so
    /// words that name a key follow a rebinding. Only ever over the table's own text: an
    /// argument (a server's message) is put in after, never read for references.
    pub fn expand(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{key:") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 5..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            match self.label_for(&after[..end]) {
                Some(label) => out.push_str(&label),
                None => out.push_str(&rest[start..start + 5 + end + 1]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hint_lines_leave_out_unbound_actions_and_span_numbered_keys() {
        let map = KeyMap::from_config(
            &toml::from_str("[bulk_result]\nretry = []\nundo = \"z\"\n").unwrap(),
        )
        .unwrap();
        let line = map.hint_line(
            Pane::BulkResult,
            &[
                (&["retry"], Msg::HintRetryFailed),
                (&["undo"], Msg::HintUndoRun),
                (&["scroll_down", "scroll_up"], Msg::HintScroll),
            ],
            Lang::En,
        );
        assert_eq!(line, "z undo the run  j/k scroll");
        let digits = KeyMap::default().hint_line(
            Pane::StatusMenu,
            &[(&["pick_status"], Msg::HintPick)],
            Lang::En,
        );
        assert_eq!(digits, "1-6 pick");
    }

    #[test]
    fn expand_names_live_keys() {
        let map = KeyMap::default();
        assert_eq!(map.expand("press {key:list.reload} now"), "press R now");
        assert_eq!(map.expand("{key:list.nope} {key:"), "{key:list.nope} {key:");
    }
}
