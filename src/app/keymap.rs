//! The key map: one table of actions (pane, config name, action, help text, default keys)
//! that the key handling, the help overlay (`?`) and the status-bar hints all read, so help
//! can never disagree with the keys.
//!
//! A `[keys]` config table rebinds any action of a pane to one or more keys or two-key
//! sequences (`[keys.list] top = ["g g", "home"]`). The live map is built once at start
//! ([`KeyMap::from_config`]) and held in [`Settings`](super::state::Settings).
//!
//! Besides the console's panes, the map has key contexts of their own: one per stage of the
//! bulk pane (`bulk`, `bulk_text`, `bulk_preview`, `bulk_run`, `bulk_result`), the history
//! (`bulk_history`), the resume offer at start (`resume_offer`) and the sign-in prompt
//! (`sign_in`). `App::pane` says which one has the keyboard; the composer's status menu
//! reads `status_menu` and its attachment path `prompt`.
//!
//! Rules:
//! - Arrows (and Ctrl-C, which quits) are fixed: they always work and cannot be unbound
//!   or taken by another action.
//! - Where text is typed ([`text_entry_key`]: the prompt, a bulk text row, the count that
//!   confirms a large run, the password prompt, the composer's text) a plain character
//!   always types and Backspace deletes; only the other keys are looked up. The one-line
//!   editor's keys (Ctrl-A/E/U/K/W, word moves, history, Tab) are the `prompt` context's,
//!   used by the search and filter lines, the attachment path and the bulk text row.
//! - A conflict (two actions on one key or sequence of a pane, or a sequence whose first key
//!   is also a single binding) does not stop the console: the binding from the config file
//!   wins over a default (between equals, the earlier one in the table), the other key is
//!   dropped, and the conflict is shown at start in the status line and by `config check`,
//!   naming both bindings.
//! - Unknown panes, unknown actions and key names that do not parse are errors naming the
//!   key path (`keys.list.opne`); the console refuses to start on them.
//!
//! Adding an action is one line in [`definitions`].

mod glued_escape;
mod key;
mod map;
mod router;
mod table;

pub use glued_escape::split_glued_escape;
pub use key::{Key, Keys};
pub use map::{BindingRef, Conflict, KeyMap, KeyMapError, KeyProblem, Origin, Resolution};
pub use router::{
    KeyInput, PendingKey, action_for_key, action_for_typed, bound_action, ends_pending,
    expire_pending, is_user_input, plain_char, resolve_event, text_entry_key, text_key,
    update_keys,
};
pub use table::{Definition, FACET_KEYS, PANES, TEXT_KEYS, definitions, pane_name};

/// How long a pending first key of a sequence (`g` of `g g`) waits for the second.
pub(crate) const SEQUENCE_TIMEOUT_MS: i64 = 1000;
