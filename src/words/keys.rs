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
