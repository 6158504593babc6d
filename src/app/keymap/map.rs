//! The live key map built from the default table and the config's `[keys]`: overrides,
//! conflicts and their errors, lookup of a key (with a pending first key) and the labels
//! that help and hints show. Separate from the router, which only asks it.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::api::TicketStatus;
use crate::app::action::Action;
use crate::app::copy::{CopyAction, CopyPick};
use crate::app::facets::FacetAction;
use crate::app::state::Pane;

use super::table::FIXED;
use super::{Definition, Key, Keys, PANES, TEXT_KEYS, definitions, pane_name};

/// Where a binding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Always bound (arrows, Ctrl-C).
    Fixed,
    Default,
    /// The `[keys]` table of the config file.
    Config,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Fixed => "fixed",
            Origin::Default => "default",
            Origin::Config => "config",
        }
    }
}

/// One side of a conflict: which action, with which keys, from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingRef {
    pub(crate) pane: Pane,
    pub action: &'static str,
    pub(crate) keys: Keys,
    pub(crate) origin: Origin,
}

impl std::fmt::Display for BindingRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "keys.{}.{} = \"{}\" ({})",
            pane_name(self.pane),
            self.action,
            self.keys.label(),
            self.origin.as_str()
        )
    }
}

/// Two bindings that cannot both work: the first kept the key, the second lost it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub kept: BindingRef,
    pub dropped: BindingRef,
}

/// A `[keys]` entry that cannot be used: the key path and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMapError {
    pub path: String,
    pub(crate) problem: KeyProblem,
}

/// Why a key or a `[keys]` entry cannot be used, with what the config said; worded by
/// `words::keys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    EmptyName,
    /// The modifier written before a `-` (`hyper` of `hyper-x`).
    BadModifier(String),
    /// The key after any modifiers (`entr`).
    UnknownName(String),
    /// A binding of more than two keys: the text and how many keys it has.
    TooMany {
        text: String,
        count: usize,
    },
    /// A pane not in `PANES`, with the nearest name.
    UnknownPane {
        suggestion: Option<&'static str>,
    },
    NotTable,
    /// An action the pane (as written) does not have, with the nearest name.
    UnknownAction {
        pane: String,
        suggestion: Option<&'static str>,
    },
    /// A list item that is not a string: the TOML type found.
    NotString(&'static str),
    /// A value that is neither a string nor a list: the TOML type found.
    NotStringOrList(&'static str),
}

/// Where a key leads: the definition (index into the table) and the position of the key in
/// that definition's key list (which view or status a digit picks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    def: usize,
    index: usize,
    origin: Origin,
    keys: Keys,
}

#[derive(Debug, Clone, Default)]
struct PaneMap {
    singles: HashMap<Key, Slot>,
    sequences: HashMap<(Key, Key), Slot>,
    /// First keys of sequences, with the first sequence that uses each.
    prefixes: HashMap<Key, Slot>,
    /// The keys that work, per definition index, in the order given (fixed keys last),
    /// each with whether it is fixed.
    live: HashMap<usize, Vec<(Keys, bool)>>,
}

/// The live key map.
#[derive(Debug, Clone)]
pub struct KeyMap {
    panes: HashMap<Pane, PaneMap>,
    /// Found while building; shown at start and by `config check`.
    pub conflicts: Vec<Conflict>,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap::shared_default().as_ref().clone()
    }
}

impl KeyMap {
    /// The default map, built once.
    pub fn shared_default() -> Arc<KeyMap> {
        static DEFAULT: OnceLock<Arc<KeyMap>> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                // The defaults are tested to parse and not to conflict.
                Arc::new(
                    KeyMap::from_config(&toml::Table::new()).unwrap_or_else(|_| KeyMap {
                        panes: HashMap::new(),
                        conflicts: Vec::new(),
                    }),
                )
            })
            .clone()
    }

    /// The map from a `[keys]` table: per pane, `action = "key"` or `action = ["key", ...]`
    /// replaces that action's default keys (`[]` unbinds it).
    pub fn from_config(table: &toml::Table) -> Result<KeyMap, KeyMapError> {
        let defs = definitions();
        let mut overrides: HashMap<usize, Vec<Keys>> = HashMap::new();
        for (pane_key, value) in table {
            let Some(pane) = PANES.iter().find(|(_, n)| n == pane_key).map(|(p, _)| *p) else {
                return Err(KeyMapError {
                    path: format!("keys.{pane_key}"),
                    problem: KeyProblem::UnknownPane {
                        suggestion: nearest(pane_key, PANES.iter().map(|(_, n)| *n)),
                    },
                });
            };
            let toml::Value::Table(actions) = value else {
                return Err(KeyMapError {
                    path: format!("keys.{pane_key}"),
                    problem: KeyProblem::NotTable,
                });
            };
            for (action, keys) in actions {
                let path = format!("keys.{pane_key}.{action}");
                let Some(index) = defs.iter().position(|d| d.pane == pane && d.name == action)
                else {
                    let names = defs.iter().filter(|d| d.pane == pane).map(|d| d.name);
                    return Err(KeyMapError {
                        problem: KeyProblem::UnknownAction {
                            pane: pane_key.clone(),
                            suggestion: nearest(action, names),
                        },
                        path,
                    });
                };
                overrides.insert(index, parse_key_list(&path, keys)?);
            }
        }
        Ok(KeyMap::build(defs, &overrides))
    }

    fn build(defs: &[Definition], overrides: &HashMap<usize, Vec<Keys>>) -> KeyMap {
        let mut panes: HashMap<Pane, PaneMap> = HashMap::new();
        let mut conflicts = Vec::new();
        // Claim order: fixed keys, then keys from the config, then defaults.
        let mut claims: Vec<(usize, usize, Keys, Origin)> = Vec::new();
        for (pane, key, name) in FIXED {
            let def = defs.iter().position(|d| d.pane == *pane && d.name == *name);
            if let (Some(def), Ok(keys)) = (def, Keys::parse(key)) {
                claims.push((def, 0, keys, Origin::Fixed));
            }
        }
        for (def, keys) in defs
            .iter()
            .enumerate()
            .filter_map(|(i, _)| overrides.get(&i).map(|keys| (i, keys)))
        {
            for (index, keys) in keys.iter().enumerate() {
                claims.push((def, index, *keys, Origin::Config));
            }
        }
        for (def, definition) in defs.iter().enumerate() {
            if overrides.contains_key(&def) {
                continue;
            }
            for (index, text) in definition.defaults.iter().enumerate() {
                if let Ok(keys) = Keys::parse(text) {
                    claims.push((def, index, keys, Origin::Default));
                }
            }
        }
        for (def, index, keys, origin) in claims {
            let pane = defs[def].pane;
            let map = panes.entry(pane).or_default();
            let slot = Slot {
                def,
                index,
                origin,
                keys,
            };
            let holder = match keys {
                Keys::One(key) => map
                    .singles
                    .get(&key)
                    .or_else(|| map.prefixes.get(&key))
                    .copied(),
                Keys::Two(a, b) => map
                    .sequences
                    .get(&(a, b))
                    .or_else(|| map.singles.get(&a))
                    .copied(),
            };
            if let Some(holder) = holder {
                // The same key given twice to one action, or a fixed key given to the
                // action it is fixed to: nothing to report.
                let same = defs[holder.def].action == defs[def].action
                    && (holder.def == def || holder.origin == Origin::Fixed);
                if !same {
                    conflicts.push(Conflict {
                        kept: BindingRef {
                            pane,
                            action: defs[holder.def].name,
                            keys: holder.keys,
                            origin: holder.origin,
                        },
                        dropped: BindingRef {
                            pane,
                            action: defs[def].name,
                            keys,
                            origin,
                        },
                    });
                }
                continue;
            }
            match keys {
                Keys::One(key) => {
                    map.singles.insert(key, slot);
                }
                Keys::Two(a, b) => {
                    map.sequences.insert((a, b), slot);
                    map.prefixes.entry(a).or_insert(slot);
                }
            }
            map.live
                .entry(def)
                .or_default()
                .push((keys, origin == Origin::Fixed));
        }
        for map in panes.values_mut() {
            for keys in map.live.values_mut() {
                keys.sort_by_key(|(_, fixed)| *fixed);
            }
        }
        KeyMap { panes, conflicts }
    }

    /// The action of a key (or of a pending first key and this one) in a pane.
    pub fn resolve(&self, pane: Pane, pending: Option<Key>, key: Key) -> Resolution {
        let Some(map) = self.panes.get(&pane) else {
            return Resolution::None;
        };
        if let Some(first) = pending
            && let Some(slot) = map.sequences.get(&(first, key))
        {
            return Resolution::Action(action_of(slot));
        }
        if let Some(slot) = map.singles.get(&key) {
            return Resolution::Action(action_of(slot));
        }
        if map.prefixes.contains_key(&key) {
            return Resolution::Prefix;
        }
        Resolution::None
    }

    /// The keys that work for an action of a pane, in the order given (fixed ones first).
    pub(crate) fn keys_of(&self, pane: Pane, name: &str) -> Vec<Keys> {
        let defs = definitions();
        let Some(def) = defs.iter().position(|d| d.pane == pane && d.name == name) else {
            return Vec::new();
        };
        self.panes
            .get(&pane)
            .and_then(|map| map.live.get(&def))
            .map(|keys| keys.iter().map(|(keys, _)| *keys).collect())
            .unwrap_or_default()
    }

    /// The first key of an action, as shown in hints (`?`, `Ctrl-d`, `g g`).
    pub fn first_label(&self, pane: Pane, name: &str) -> Option<String> {
        self.keys_of(pane, name).first().map(Keys::label)
    }

    /// The first `max` keys of an action joined by `/` (`Esc/q`).
    pub(crate) fn labels(&self, pane: Pane, name: &str, max: usize) -> String {
        let keys = self.keys_of(pane, name);
        let labels: Vec<String> = keys.iter().take(max).map(Keys::label).collect();
        labels.join("/")
    }

    /// The help rows of a pane, in table order: (keys, action name), worded by the view.
    /// Actions with no key are left out.
    pub(crate) fn help_rows(&self, pane: Pane) -> Vec<(String, &'static str)> {
        let defs = definitions();
        let Some(map) = self.panes.get(&pane) else {
            return Vec::new();
        };
        defs.iter()
            .enumerate()
            .filter(|(_, d)| d.pane == pane)
            .filter_map(|(index, d)| {
                let keys = map.live.get(&index)?;
                let labels: Vec<String> = keys.iter().map(|(keys, _)| keys.label()).collect();
                let text = if labels.len() > 4 {
                    format!("{}…{}", labels[0], labels[labels.len() - 1])
                } else {
                    labels.join(" ")
                };
                Some((text, d.name))
            })
            .chain(
                // The text's own keys (fixed, not in the map), where text is written.
                matches!(pane, Pane::Composer | Pane::NewTicket)
                    .then_some(TEXT_KEYS)
                    .into_iter()
                    .flatten()
                    .map(|(keys, name)| (keys.to_string(), *name)),
            )
            .collect()
    }

    /// (keys, action name) for the named actions that have a key, for hint lines.
    pub(crate) fn hints(&self, pane: Pane, names: &[&str]) -> Vec<(String, &'static str)> {
        let defs = definitions();
        names
            .iter()
            .filter_map(|name| {
                let def = defs.iter().find(|d| d.pane == pane && d.name == *name)?;
                let keys = self.first_label(pane, name)?;
                Some((keys, def.name))
            })
            .collect()
    }

    /// The first key of `PANE.ACTION` (`list.reload` → `R`), for words that name a key.
    pub(crate) fn label_for(&self, reference: &str) -> Option<String> {
        let (pane, action) = reference.split_once('.')?;
        let pane = PANES.iter().find(|(_, n)| *n == pane)?.0;
        self.first_label(pane, action)
    }

    /// An action's key for a hint: the first key, or `1-6` for the actions that stand for
    /// one choice per key.
    pub(crate) fn hint_label(&self, pane: Pane, name: &str) -> Option<String> {
        let numbered = definitions().iter().any(|d| {
            d.pane == pane
                && d.name == name
                && matches!(
                    d.action,
                    Action::SelectView(_)
                        | Action::PickStatus(_)
                        | Action::Copy(CopyAction::Pick(CopyPick::Field(_)))
                        | Action::Macro(crate::app::macros::MacroAction::Apply(_))
                        | Action::Facets(FacetAction::Pick(_))
                )
        });
        let keys = self.keys_of(pane, name);
        match (keys.first(), keys.last()) {
            (Some(first), Some(last)) if numbered && keys.len() > 1 => {
                Some(format!("{}-{}", first.label(), last.label()))
            }
            (first, _) => first.map(Keys::label),
        }
    }
}

fn nearest<'a>(given: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|name| (strsim::jaro_winkler(given, name), name))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

fn parse_key_list(path: &str, value: &toml::Value) -> Result<Vec<Keys>, KeyMapError> {
    let error = |problem: KeyProblem| KeyMapError {
        path: path.to_string(),
        problem,
    };
    match value {
        toml::Value::String(text) => Ok(vec![Keys::parse(text).map_err(error)?]),
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                toml::Value::String(text) => Keys::parse(text).map_err(|problem| KeyMapError {
                    path: format!("{path}[{index}]"),
                    problem,
                }),
                other => Err(KeyMapError {
                    path: format!("{path}[{index}]"),
                    problem: KeyProblem::NotString(other.type_str()),
                }),
            })
            .collect(),
        other => Err(error(KeyProblem::NotStringOrList(other.type_str()))),
    }
}

fn action_of(slot: &Slot) -> Action {
    let defs = definitions();
    // The digit rows stand for one action per key.
    match &defs[slot.def].action {
        Action::SelectView(_) => Action::SelectView(slot.index),
        Action::PickStatus(_) => Action::PickStatus(TicketStatus::from_code(slot.index as i64 + 1)),
        Action::Copy(CopyAction::Pick(CopyPick::Field(_))) => {
            Action::Copy(CopyAction::Pick(CopyPick::Field(slot.index)))
        }
        Action::Macro(crate::app::macros::MacroAction::Apply(_)) => {
            Action::Macro(crate::app::macros::MacroAction::Apply(slot.index))
        }
        Action::Facets(FacetAction::Pick(_)) => Action::Facets(FacetAction::Pick(slot.index)),
        other => other.clone(),
    }
}

// Built and matched at once, one key at a time: the size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Resolution {
    Action(Action),
    /// The first key of a sequence: wait for the second.
    Prefix,
    None,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses_and_nothing_conflicts() {
        for def in definitions() {
            for text in def.defaults {
                assert!(Keys::parse(text).is_ok(), "{}: {text}", def.name);
            }
        }
        let map = KeyMap::from_config(&toml::Table::new()).unwrap();
        assert!(map.conflicts.is_empty(), "{:?}", map.conflicts);
        // Each (pane, name) is unique, so a config entry names one action.
        let mut seen = std::collections::HashSet::new();
        for def in definitions() {
            assert!(seen.insert((def.pane, def.name)), "{} twice", def.name);
        }
    }

    #[test]
    fn help_is_generated_from_the_map() {
        let rows = KeyMap::default().help_rows(Pane::List);
        assert!(
            rows.iter()
                .any(|(keys, name)| keys == "j ↓" && *name == "move_down"),
            "{rows:?}"
        );
        assert!(rows.iter().any(|(keys, _)| keys == "q"));
        assert!(rows.iter().any(|(keys, _)| keys == "g g Home"), "{rows:?}");
    }
}
