//! A notice in words: each feature's notes worded by its pane's module.

use crate::app::keymap::KeyMap;
use crate::app::notice::Note;
use crate::lang::Lang;

/// The status line's text for a notice.
pub fn note(lang: Lang, keys: &KeyMap, note: &Note) -> String {
    match note {
        Note::Bulk(n) => crate::ui::bulk::note(lang, keys, n),
        Note::Compose(n) => crate::ui::composer::note(lang, keys, n),
        Note::Legacy(text) => keys.expand(text),
    }
}
