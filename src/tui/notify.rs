//! The bytes of a watched view's news ([`Command::Notify`](crate::app::Command::Notify)):
//! the bell (BEL) and a desktop notification through the terminal, as both OSC 9 (iTerm2,
//! WezTerm, Windows Terminal, kitty, foot, ghostty) and OSC 777 (urxvt, VTE terminals,
//! ghostty); a terminal that knows neither ignores them. Inside tmux each OSC goes in a DCS
//! passthrough (`ESC P tmux; ... ESC \`, every ESC inside doubled), which tmux hands on
//! when `allow-passthrough` is on. The text holds a ticket's subject, which is the
//! customer's: it is made inert (no control character, no `;` field break) and short.

use crate::app::watch::Notify;
use crate::lang::Lang;
use crate::words::{Msg, fill};

/// The most characters of a notification's text (terminals and desktops cut longer ones).
pub(crate) const TEXT_CHARS: usize = 120;

/// What the loop writes for `notify`, in `lang`; `tmux` when `$TMUX` is set.
pub(crate) fn bytes(lang: Lang, notify: &Notify, tmux: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if notify.desktop {
        let view = crate::ui::notice::view_name(lang, &notify.view);
        let body = fill(
            lang,
            Msg::NotifyNewTickets,
            &[
                &view,
                &notify.count.to_string(),
                &notify.ticket.to_string(),
                &notify.subject,
            ],
        );
        out.extend(desktop("gongdan", &body, tmux));
    }
    if notify.bell {
        out.push(0x07);
    }
    out
}

/// OSC 9 and OSC 777 for `title` and `body`, each wrapped for tmux when `tmux`.
pub(crate) fn desktop(title: &str, body: &str, tmux: bool) -> Vec<u8> {
    let title = inert(title);
    let body = inert(body);
    // OSC 9 has no title: "title: body" (never a leading digit, which ConEmu would read
    // as a sub-command).
    let osc9 = format!("\x1b]9;{title}: {body}\x07");
    let osc777 = format!("\x1b]777;notify;{title};{body}\x07");
    let mut out = Vec::new();
    for sequence in [osc9, osc777] {
        if tmux {
            out.extend_from_slice(b"\x1bPtmux;");
            out.extend_from_slice(sequence.replace('\x1b', "\x1b\x1b").as_bytes());
            out.extend_from_slice(b"\x1b\\");
        } else {
            out.extend_from_slice(sequence.as_bytes());
        }
    }
    out
}

/// Text safe inside an OSC: cleaned as server text is, every control character (C0, DEL,
/// C1, line breaks) a space, `;` (777's field separator) a comma, spaces squeezed, at most
/// [`TEXT_CHARS`] characters.
pub(crate) fn inert(text: &str) -> String {
    let cleaned = crate::text::clean(text);
    let mut out = String::new();
    let mut chars = 0;
    let mut last_space = true;
    for c in cleaned.chars() {
        let c = match c {
            ';' => ',',
            c if c.is_control() || c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        if chars == TEXT_CHARS {
            out.pop();
            out.push('…');
            break;
        }
        out.push(c);
        chars += 1;
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ViewName;

    fn notify(bell: bool, desktop: bool, subject: &str) -> Notify {
        Notify {
            bell,
            desktop,
            view: ViewName::Custom("紧急".into()),
            count: 2,
            ticket: 42,
            subject: subject.into(),
        }
    }

    #[test]
    fn a_desktop_notification_is_osc_9_and_osc_777_then_the_bell() {
        let bytes = bytes(Lang::En, &notify(true, true, "Printer on fire"), false);
        assert_eq!(
            String::from_utf8(bytes).unwrap_or_default(),
            "\x1b]9;gongdan: 紧急: 2 new · #42 Printer on fire\x07\
             \x1b]777;notify;gongdan;紧急: 2 new · #42 Printer on fire\x07\
             \x07"
        );
        assert_eq!(bytes_of(true, false), b"\x07");
        assert!(bytes_of(false, false).is_empty());
    }

    fn bytes_of(bell: bool, desktop: bool) -> Vec<u8> {
        bytes(Lang::En, &notify(bell, desktop, "x"), false)
    }

    #[test]
    fn in_tmux_each_sequence_is_passed_through_with_its_escapes_doubled() {
        let out = String::from_utf8(desktop("t", "b", true)).unwrap_or_default();
        assert_eq!(
            out,
            "\x1bPtmux;\x1b\x1b]9;t: b\x07\x1b\\\x1bPtmux;\x1b\x1b]777;notify;t;b\x07\x1b\\"
        );
    }

    #[test]
    fn a_hostile_subject_cannot_end_the_sequence_or_add_a_field() {
        let hostile = "a\x1b]0;owned\x07b\x07c\u{9c}d;e\nf\u{202e}g";
        let out = desktop("t", hostile, false);
        let text = String::from_utf8(out).unwrap_or_default();
        // Exactly the two sequences' own escapes and terminators, nothing else.
        assert_eq!(text.matches('\x1b').count(), 2, "{text:?}");
        assert_eq!(text.matches('\x07').count(), 2, "{text:?}");
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\x1b' && c != '\x07')
        );
        assert!(!text.contains('\u{202e}'));
        let body = text.split('\x07').next().unwrap_or_default();
        assert_eq!(body.matches(';').count(), 1, "{body:?}");
        let long = inert(&"长".repeat(500));
        assert_eq!(long.chars().count(), TEXT_CHARS);
        assert!(long.ends_with('…'));
    }
}
