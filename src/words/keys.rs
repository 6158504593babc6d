//! The words of the key map's configuration problems: a conflict between two bindings and
//! a `[keys]` entry that cannot be used (`app::keymap` keeps them as data).

use super::{Msg, fill};
use crate::app::keymap::{Conflict, KeyMapError};
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
