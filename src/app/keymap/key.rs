//! One key and a binding's keys (one key or a two-key sequence): their parsing from the
//! config's names and their labels for help and hints. Separate from the table and the map,
//! which only use the parsed form.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::KeyProblem;

/// One key: a code plus the modifiers that must be held (Shift is implied by upper case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub(crate) code: KeyCode,
    pub(crate) mods: KeyModifiers,
}

impl Key {
    pub(crate) const fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        Key { code, mods }
    }

    /// The key a terminal event stands for: Shift is dropped where the code already says
    /// it (upper-case letters, symbols, Shift-Tab).
    pub fn from_event(event: &KeyEvent) -> Key {
        let mut mods = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods |= event.modifiers & KeyModifiers::SHIFT;
        }
        // Ctrl with a letter arrives lower case from most terminals; compare it so.
        let code = match event.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Key { code, mods }
    }

    /// Parses one key as written in the config: `j`, `G`, `?`, `enter`, `ctrl-d`, `alt-x`,
    /// `shift-tab`, `pgdn`, `f5`. Named keys are case-insensitive; a single character is
    /// taken as written (`G` is Shift-g).
    pub fn parse(text: &str) -> Result<Key, KeyProblem> {
        if text.is_empty() {
            return Err(KeyProblem::EmptyName);
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        // A lone "-" (or a trailing one, `ctrl--`) is the minus key, not a separator.
        while let Some((head, tail)) = rest.split_once('-') {
            if tail.is_empty() {
                break;
            }
            match head.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => mods |= KeyModifiers::CONTROL,
                "alt" | "meta" | "m" | "a" => mods |= KeyModifiers::ALT,
                "shift" | "s" => mods |= KeyModifiers::SHIFT,
                _ => {
                    return Err(KeyProblem::BadModifier(head.to_string()));
                }
            }
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                let c = if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else if mods.contains(KeyModifiers::SHIFT) {
                    mods -= KeyModifiers::SHIFT;
                    c.to_ascii_uppercase()
                } else {
                    c
                };
                KeyCode::Char(c)
            }
            _ => named_key(&rest.to_ascii_lowercase())
                .ok_or_else(|| KeyProblem::UnknownName(rest.to_string()))?,
        };
        let code = match code {
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            other => other,
        };
        Ok(Key { code, mods })
    }

    /// How the key is written in help: `j`, `Ctrl-d`, `↓`, `PgDn`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::Insert => "Ins".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut label = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            label.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            label.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            label.push_str("Shift-");
        }
        label.push_str(&base);
        label
    }
}

fn named_key(name: &str) -> Option<KeyCode> {
    Some(match name {
        "enter" | "return" | "ret" | "cr" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "space" | "spc" => KeyCode::Char(' '),
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bs" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" | "↑" => KeyCode::Up,
        "down" | "↓" => KeyCode::Down,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "minus" => KeyCode::Char('-'),
        "hash" => KeyCode::Char('#'),
        _ => {
            let n: u8 = name.strip_prefix('f')?.parse().ok()?;
            if !(1..=24).contains(&n) {
                return None;
            }
            KeyCode::F(n)
        }
    })
}

/// A binding's keys: one key, or a two-key sequence (`g g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keys {
    One(Key),
    Two(Key, Key),
}

impl Keys {
    /// `"j"`, `"ctrl-d"`, `"g g"` (two keys split by a space; the space key is `space`).
    pub fn parse(text: &str) -> Result<Keys, KeyProblem> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        match parts.as_slice() {
            [one] => Ok(Keys::One(Key::parse(one)?)),
            [first, second] => Ok(Keys::Two(Key::parse(first)?, Key::parse(second)?)),
            [] if text == " " => Ok(Keys::One(Key::new(KeyCode::Char(' '), KeyModifiers::NONE))),
            [] => Err(KeyProblem::EmptyName),
            _ => Err(KeyProblem::TooMany {
                text: text.to_string(),
                count: parts.len(),
            }),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Keys::One(key) => key.label(),
            Keys::Two(a, b) => format!("{} {}", a.label(), b.label()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse() {
        assert_eq!(
            Key::parse("ctrl-d").unwrap(),
            Key::new(KeyCode::Char('d'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            Key::parse("G").unwrap(),
            Key::new(KeyCode::Char('G'), KeyModifiers::NONE)
        );
        assert_eq!(Key::parse("shift-g").unwrap(), Key::parse("G").unwrap());
        assert_eq!(
            Key::parse("Shift-Tab").unwrap(),
            Key::new(KeyCode::BackTab, KeyModifiers::NONE)
        );
        assert_eq!(
            Key::parse("-").unwrap(),
            Key::new(KeyCode::Char('-'), KeyModifiers::NONE)
        );
        assert_eq!(Key::parse("F5").unwrap().code, KeyCode::F(5));
        assert!(Key::parse("entr").is_err());
        assert!(Key::parse("hyper-x").is_err());
        assert!(Keys::parse("g g g").is_err());
        assert!(matches!(Keys::parse("g g").unwrap(), Keys::Two(_, _)));
    }
}
