//! The key map: one data table of (pane, keys, action, description) that both the input
//! handling and the help overlay read, so help can never disagree with the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::bulk_edit::BulkAction;
use super::composer::ComposeAction;
use super::marks::MarkAction;
use super::state::{App, Pane};
use crate::api::TicketStatus;
use crate::ui::i18n::{Lang, Msg};

/// One key: a code plus the modifiers that must be held (Shift is implied by upper case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

impl Key {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        // Shift arrives with upper-case letters and some symbols; compare without it.
        let held = event.modifiers - KeyModifiers::SHIFT;
        let wanted = self.mods - KeyModifiers::SHIFT;
        let code_matches = match (self.code, event.code) {
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (a, b) => a == b,
        };
        code_matches && held == wanted
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
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

/// One row of the key map.
#[derive(Debug, Clone)]
pub struct Binding {
    pub pane: Pane,
    pub keys: Vec<Key>,
    pub action: Action,
    pub help: Msg,
}

macro_rules! bind {
    ($pane:expr, [$($key:expr),+], $action:expr, $help:expr) => {
        Binding { pane: $pane, keys: vec![$($key),+], action: $action, help: $help }
    };
}

/// The default key map, per pane.
pub fn bindings() -> &'static [Binding] {
    use Pane::*;
    static MAP: std::sync::OnceLock<Vec<Binding>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = Vec::new();
        // Movement, shared by the list, the detail (scrolling) and help.
        for pane in [List, Detail, Help] {
            map.extend([
                bind!(
                    pane,
                    [k('j'), code(KeyCode::Down)],
                    Action::MoveDown,
                    if pane == List {
                        Msg::KeyDown
                    } else {
                        Msg::KeyScrollDown
                    }
                ),
                bind!(
                    pane,
                    [k('k'), code(KeyCode::Up)],
                    Action::MoveUp,
                    if pane == List {
                        Msg::KeyUp
                    } else {
                        Msg::KeyScrollUp
                    }
                ),
                bind!(
                    pane,
                    [k('g'), code(KeyCode::Home)],
                    Action::Top,
                    Msg::KeyTop
                ),
                bind!(
                    pane,
                    [k('G'), code(KeyCode::End)],
                    Action::Bottom,
                    Msg::KeyBottom
                ),
                bind!(
                    pane,
                    [code(KeyCode::PageDown), ctrl('f')],
                    Action::PageDown,
                    Msg::KeyPageDown
                ),
                bind!(
                    pane,
                    [code(KeyCode::PageUp), ctrl('b')],
                    Action::PageUp,
                    Msg::KeyPageUp
                ),
                bind!(pane, [ctrl('d')], Action::HalfPageDown, Msg::KeyHalfDown),
                bind!(pane, [ctrl('u')], Action::HalfPageUp, Msg::KeyHalfUp),
            ]);
        }
        map.extend([
            bind!(List, [code(KeyCode::Enter)], Action::Open, Msg::KeyOpen),
            bind!(List, [code(KeyCode::Esc)], Action::Back, Msg::KeyBack),
            bind!(List, [k('/')], Action::StartSearch, Msg::KeySearch),
            bind!(List, [k('s')], Action::OpenStatusMenu, Msg::KeyStatus),
            bind!(List, [k('y')], Action::CopyUrl, Msg::KeyCopy),
            bind!(List, [k('R')], Action::Reload, Msg::KeyReload),
            bind!(
                List,
                [code(KeyCode::Tab)],
                Action::NextView,
                Msg::KeyNextView
            ),
            bind!(
                List,
                [code(KeyCode::BackTab)],
                Action::PrevView,
                Msg::KeyPrevView
            ),
            bind!(
                List,
                [
                    k('1'),
                    k('2'),
                    k('3'),
                    k('4'),
                    k('5'),
                    k('6'),
                    k('7'),
                    k('8'),
                    k('9')
                ],
                Action::SelectView(0),
                Msg::KeyViewN
            ),
            bind!(List, [k('o')], Action::CycleSortField, Msg::KeySortField),
            bind!(List, [k('O')], Action::ToggleSortOrder, Msg::KeySortOrder),
            bind!(List, [k('f')], Action::StartFilter, Msg::KeyFilter),
            bind!(
                List,
                [k(' ')],
                Action::Marks(MarkAction::Toggle),
                Msg::KeyMark
            ),
            bind!(
                List,
                [k('V')],
                Action::Marks(MarkAction::StartRange),
                Msg::KeyMarkRange
            ),
            bind!(
                List,
                [k('*')],
                Action::Marks(MarkAction::MarkLoaded),
                Msg::KeyMarkLoaded
            ),
            bind!(
                List,
                [k('A')],
                Action::Marks(MarkAction::MarkAllOnServer),
                Msg::KeyMarkAll
            ),
            bind!(
                List,
                [k('U')],
                Action::Marks(MarkAction::Clear),
                Msg::KeyMarkClear
            ),
            bind!(
                List,
                [k('M')],
                Action::Marks(MarkAction::OnlyMarked),
                Msg::KeyMarkOnly
            ),
            bind!(List, [k('b')], Action::Bulk(BulkAction::Open), Msg::KeyBulk),
            bind!(
                List,
                [k('H')],
                Action::Bulk(BulkAction::OpenHistory),
                Msg::KeyHistory
            ),
            bind!(
                List,
                [k('r')],
                Action::Compose(ComposeAction::OpenReply),
                Msg::KeyReply
            ),
            bind!(
                List,
                [k('n')],
                Action::Compose(ComposeAction::OpenNewTicket),
                Msg::KeyNew
            ),
            bind!(List, [k('?')], Action::ToggleHelp, Msg::KeyHelp),
            bind!(List, [k('q')], Action::Quit, Msg::KeyQuit),
            bind!(
                Detail,
                [code(KeyCode::Esc), k('q')],
                Action::Back,
                Msg::KeyBack
            ),
            bind!(Detail, [k('s')], Action::OpenStatusMenu, Msg::KeyStatus),
            bind!(Detail, [k('y')], Action::CopyUrl, Msg::KeyCopy),
            bind!(Detail, [k('R')], Action::Reload, Msg::KeyReload),
            bind!(
                Detail,
                [k('r')],
                Action::Compose(ComposeAction::OpenReply),
                Msg::KeyReply
            ),
            bind!(
                Detail,
                [k('n')],
                Action::Compose(ComposeAction::OpenNewTicket),
                Msg::KeyNew
            ),
            bind!(
                Detail,
                [k('b')],
                Action::Bulk(BulkAction::Open),
                Msg::KeyBulk
            ),
            bind!(Detail, [k('?')], Action::ToggleHelp, Msg::KeyHelp),
            bind!(
                Prompt,
                [code(KeyCode::Enter)],
                Action::InputSubmit,
                Msg::KeySubmit
            ),
            bind!(Prompt, [code(KeyCode::Esc)], Action::Back, Msg::KeyCancel),
            bind!(
                Prompt,
                [code(KeyCode::Backspace)],
                Action::InputBackspace,
                Msg::KeyDeleteChar
            ),
            bind!(
                Prompt,
                [code(KeyCode::Left)],
                Action::InputLeft,
                Msg::KeyCursor
            ),
            bind!(
                Prompt,
                [code(KeyCode::Right)],
                Action::InputRight,
                Msg::KeyCursor
            ),
            bind!(
                StatusMenu,
                [k('j'), code(KeyCode::Down)],
                Action::MoveDown,
                Msg::KeyDown
            ),
            bind!(
                StatusMenu,
                [k('k'), code(KeyCode::Up)],
                Action::MoveUp,
                Msg::KeyUp
            ),
            bind!(
                StatusMenu,
                [code(KeyCode::Enter)],
                Action::PickSelectedStatus,
                Msg::KeyPick
            ),
            bind!(
                StatusMenu,
                [k('1'), k('2'), k('3'), k('4'), k('5'), k('6')],
                Action::PickStatus(TicketStatus::New),
                Msg::KeyPickDigit
            ),
            bind!(
                StatusMenu,
                [code(KeyCode::Esc), k('q')],
                Action::Back,
                Msg::KeyCancel
            ),
            bind!(
                Help,
                [code(KeyCode::Esc), k('?'), k('q')],
                Action::ToggleHelp,
                Msg::KeyClose
            ),
        ]);
        map.extend(compose_bindings());
        // Ctrl-C quits from anywhere.
        for pane in [List, Detail, Prompt, StatusMenu, Help, Composer, NewTicket] {
            map.push(bind!(pane, [ctrl('c')], Action::Quit, Msg::KeyForceQuit));
        }
        map
    })
}

/// The composer's and the new-ticket form's keys (every other key edits the text).
fn compose_bindings() -> Vec<Binding> {
    use Pane::*;
    let alt = |c: char| Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::ALT,
    };
    vec![
        bind!(
            Composer,
            [ctrl('s')],
            Action::Compose(ComposeAction::Send),
            Msg::KeySendReply
        ),
        bind!(
            Composer,
            [alt('s')],
            Action::Compose(ComposeAction::SendWithStatus),
            Msg::KeySendWithStatus
        ),
        bind!(
            Composer,
            [ctrl('a')],
            Action::Compose(ComposeAction::Attach),
            Msg::KeyAttach
        ),
        bind!(
            Composer,
            [ctrl('e')],
            Action::Compose(ComposeAction::ExternalEdit),
            Msg::KeyExternalEditor
        ),
        bind!(
            Composer,
            [code(KeyCode::Esc)],
            Action::Compose(ComposeAction::Close),
            Msg::KeyCloseKeepDraft
        ),
        bind!(
            NewTicket,
            [ctrl('s')],
            Action::Compose(ComposeAction::Send),
            Msg::KeyCreateTicket
        ),
        bind!(
            NewTicket,
            [ctrl('e')],
            Action::Compose(ComposeAction::ExternalEdit),
            Msg::KeyExternalEditor
        ),
        bind!(
            NewTicket,
            [code(KeyCode::Esc)],
            Action::Compose(ComposeAction::Close),
            Msg::KeyCloseKeepDraft
        ),
    ]
}

/// The bindings of one pane, in table order (for help).
pub fn pane_bindings(pane: Pane) -> impl Iterator<Item = &'static Binding> {
    bindings().iter().filter(move |b| b.pane == pane)
}

/// Maps a key press to an action in the pane that has the keyboard.
pub fn action_for_key(app: &App, event: &KeyEvent) -> Option<Action> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    // The bulk pane, when on screen, has the keyboard.
    if let Some(action) = super::bulk_edit::action_for_key(app, event) {
        return action;
    }
    let pane = app.pane();
    if matches!(pane, Pane::Composer | Pane::NewTicket) {
        return super::composer::key_action(app, event);
    }
    for binding in pane_bindings(pane) {
        if let Some(index) = binding.keys.iter().position(|key| key.matches(event)) {
            // The digit rows stand for one action per digit.
            return Some(match &binding.action {
                Action::SelectView(_) => Action::SelectView(index),
                Action::PickStatus(_) => {
                    Action::PickStatus(TicketStatus::from_code(index as i64 + 1))
                }
                other => other.clone(),
            });
        }
    }
    if pane == Pane::Prompt
        && let KeyCode::Char(c) = event.code
        && !event.modifiers.contains(KeyModifiers::CONTROL)
        && !event.modifiers.contains(KeyModifiers::ALT)
    {
        return Some(Action::InputChar(c));
    }
    None
}

/// The help rows of a pane: (keys joined, description).
pub fn help_rows(pane: Pane, lang: Lang) -> Vec<(String, &'static str)> {
    pane_bindings(pane)
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(Key::label).collect();
            let keys = if keys.len() > 4 {
                format!("{}…{}", keys[0], keys[keys.len() - 1])
            } else {
                keys.join(" ")
            };
            (keys, b.help.text(lang))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::app::state::Settings;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn app() -> App {
        App::new(Settings::default(), chrono::NaiveDateTime::default())
    }

    #[test]
    fn keys_map_to_actions_in_the_list() {
        let app = app();
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(action_for_key(&app, &j), Some(Action::MoveDown));
        let big_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for_key(&app, &big_g), Some(Action::Bottom));
        let three = press(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(action_for_key(&app, &three), Some(Action::SelectView(2)));
        let ctrl_d = press(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(action_for_key(&app, &ctrl_d), Some(Action::HalfPageDown));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for_key(&app, &ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn help_is_generated_from_the_map() {
        let rows = help_rows(Pane::List, Lang::En);
        assert!(
            rows.iter()
                .any(|(keys, text)| keys == "j ↓" && *text == "Move down")
        );
        assert!(rows.iter().any(|(keys, _)| keys == "q"));
    }
}
