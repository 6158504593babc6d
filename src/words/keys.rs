//! The words of the key map's configuration problems: a conflict between two bindings and
//! a `[keys]` entry that cannot be used (`app::keymap` keeps them as data).

use super::{Msg, Worded, fill};
use crate::app::keymap::{Conflict, KeyMapError, KeyProblem, PANES};
use crate::lang::Lang;

impl Conflict {
    /// In the UI language, naming both bindings.
    pub fn describe(&self, lang: Lang) -> String {
        fill(
            lang,
            Msg::KeyConflict,
            &[&self.kept.to_string(), &self.dropped.to_string()],
        )
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl KeyMapError {
    /// `keys.list.opne: unknown action in list (did you mean "open"?)`, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        format!("{}: {}", self.path, self.problem.text(lang))
    }
}

impl std::fmt::Display for KeyMapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for KeyMapError {}

impl KeyProblem {
    /// The problem in `lang`; what the config said is quoted as Rust quotes it (`"entr"`).
    pub fn text(&self, lang: Lang) -> String {
        let worded = match self {
            KeyProblem::EmptyName => Worded::new(Msg::KeyEmptyName, &[]),
            KeyProblem::BadModifier(head) => {
                Worded::new(Msg::KeyBadModifier, &[&format!("{head:?}")])
            }
            KeyProblem::UnknownName(rest) => {
                Worded::new(Msg::KeyUnknownName, &[&format!("{rest:?}")])
            }
            KeyProblem::TooMany { text, count } => {
                Worded::new(Msg::KeyTooMany, &[&format!("{text:?}"), &count.to_string()])
            }
            KeyProblem::UnknownPane { suggestion } => {
                let panes = PANES.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ");
                Worded::new(Msg::KeyUnknownPane, &[&panes]).suggest(*suggestion)
            }
            KeyProblem::NotTable => Worded::new(Msg::KeyNotTable, &[]),
            KeyProblem::UnknownAction { pane, suggestion } => {
                Worded::new(Msg::KeyUnknownAction, &[pane]).suggest(*suggestion)
            }
            KeyProblem::NotString(found) => Worded::new(Msg::KeyNotString, &[found]),
            KeyProblem::NotStringOrList(found) => Worded::new(Msg::KeyNotStringOrList, &[found]),
        };
        worded.text(lang)
    }
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::app::keymap::{Key, KeyMap, Keys};

    fn config_error(text: &str) -> KeyMapError {
        KeyMap::from_config(&toml::from_str(text).unwrap()).unwrap_err()
    }

    #[test]
    fn every_key_problem_reads_as_before() {
        let en = |problem: KeyProblem| problem.text(Lang::En);
        assert_eq!(en(Key::parse("").unwrap_err()), "an empty key name");
        assert_eq!(
            en(Key::parse("hyper-x").unwrap_err()),
            "unknown modifier \"hyper\" (ctrl, alt or shift)"
        );
        assert_eq!(
            en(Key::parse("entr").unwrap_err()),
            "unknown key name \"entr\""
        );
        assert_eq!(
            en(Keys::parse("g g g").unwrap_err()),
            "\"g g g\" has 3 keys: a binding is one key or a sequence of two"
        );
        assert_eq!(en(Keys::parse("").unwrap_err()), "an empty key name");
        let panes = "list, detail, prompt, status_menu, copy_menu, macro_menu, facets, help, \
                     composer, new_ticket, \
                     bulk, bulk_text, bulk_preview, bulk_run, bulk_result, bulk_history, \
                     resume_offer, sign_in";
        assert_eq!(
            config_error("[lsit]\nopen = \"x\"\n").to_string(),
            format!("keys.lsit: unknown pane (did you mean \"list\"?) (panes: {panes})")
        );
        assert_eq!(
            config_error("[zzz]\nopen = \"x\"\n").to_string(),
            format!("keys.zzz: unknown pane (panes: {panes})")
        );
        assert_eq!(
            config_error("list = 1\n").to_string(),
            "keys.list: expected a table of `action = \"key\"`"
        );
        assert_eq!(
            config_error("[list]\nopne = \"x\"\n").to_string(),
            "keys.list.opne: unknown action in list (did you mean \"open\"?)"
        );
        assert_eq!(
            config_error("[list]\nopen = [\"x\", 1]\n").to_string(),
            "keys.list.open[1]: expected a key string, found integer"
        );
        assert_eq!(
            config_error("[list]\nopen = 1\n").to_string(),
            "keys.list.open: expected a key string or a list of key strings, found integer"
        );
        assert_eq!(
            config_error("[list]\nopen = \"g g g\"\n").text(Lang::Zh),
            "keys.list.open: \"g g g\" 有 3 个键：一个绑定只能是一个键或两个键的序列"
        );
        assert_eq!(
            config_error("[lsit]\nopen = \"x\"\n").text(Lang::Zh),
            format!("keys.lsit: 未知的面板（是不是 \"list\"？）（面板：{panes}）")
        );
    }
}
