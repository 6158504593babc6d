//! Untrusted text: cleaning server strings once where they enter the model, and display
//! widths in terminal columns (CJK counts two).
//!
//! [`clean`] makes text inert for a terminal: no byte of its output can start an escape
//! sequence, move the cursor, reorder text (bidi controls) or hide text (zero-width
//! characters). It is idempotent: `clean(&clean(s)) == clean(s)`.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub mod placeholders;
pub(crate) mod wrap;

/// Tab stops every 8 columns, as terminals set them.
const TAB_WIDTH: usize = 8;

const ESC: char = '\u{1B}';
const BEL: char = '\u{07}';
const CAN: char = '\u{18}';
const SUB: char = '\u{1A}';
/// 8-bit String Terminator.
const ST: char = '\u{9C}';

/// Placeholder for a C1 control (U+0080..U+009F) that does not introduce a sequence:
/// control pictures exist only for C0.
const C1_PLACEHOLDER: char = '\u{FFFD}';

/// Makes a string from the server inert:
/// - whole escape sequences are removed: CSI (`ESC [`, 0x9B), OSC (`ESC ]`, 0x9D; ended by
///   BEL or ST), DCS, SOS, PM, APC (7- and 8-bit, ended by ST), and the short `ESC x` /
///   `ESC ( B` forms; an unterminated string sequence swallows the rest, as a terminal
///   would;
/// - other C0 controls become control pictures (`␀`, `␇`, a lone ESC `␛`), DEL `␡`, other
///   C1 controls U+FFFD;
/// - `\r\n` and a lone `\r` become `\n` (as do U+2028/U+2029); `\n` is kept; tabs are
///   expanded to spaces (8-column stops);
/// - bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
///   U+200E/F, U+061C) and invisible characters (U+200B–U+200D, U+2060–U+2064, U+FEFF,
///   U+FFF9–U+FFFB, tag characters U+E0000–U+E007F) are removed;
/// - the result is NFC.
pub fn clean(text: &str) -> String {
    clean_cow(text).into_owned()
}

/// [`clean`] without a copy when there is nothing to clean: nearly every string from the
/// server has no control, bidi or invisible character and is already NFC, and is then
/// borrowed as it is (the decoder calls this for every string of every ticket).
pub(crate) fn clean_cow(text: &str) -> Cow<'_, str> {
    if is_clean(text) {
        return Cow::Borrowed(text);
    }
    let stripped = strip_controls(text);
    let normalised: String = stripped.nfc().collect();
    Cow::Owned(expand_tabs(&normalised))
}

/// Whether [`clean`] would leave `text` as it is: every character passes
/// [`strip_controls`] unchanged (no C0 control but `\n`, no DEL or C1, no line or
/// paragraph separator, nothing invisible; a tab is expanded, so it does not pass) and
/// the text is NFC by the quick check (a "maybe" takes the slow path).
fn is_clean(text: &str) -> bool {
    if text.is_ascii() {
        return text
            .bytes()
            .all(|b| b == b'\n' || (0x20..0x7F).contains(&b));
    }
    // Most server text is Latin and CJK: characters that are inert, NFC on their own and
    // combine with nothing, so the text needs no NFC check at all.
    if text.chars().all(is_plain) {
        return true;
    }
    let inert = text.chars().all(|c| match c {
        '\n' => true,
        '\u{00}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}' => false,
        c => !is_invisible(c),
    });
    inert
        && unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
}

/// A character [`clean`] keeps as it is and that is NFC with combining class 0 (so any
/// string of them is NFC): printable ASCII and `\n`, Latin-1 and Latin Extended up to the
/// combining diacritics (U+00A0–U+02FF), CJK punctuation (U+3000–U+3029), CJK Unified
/// Ideographs (U+4E00–U+9FFF) and fullwidth ASCII (U+FF01–U+FF5E). Checked exhaustively
/// by a test.
fn is_plain(c: char) -> bool {
    matches!(c,
        '\n'
        | '\u{20}'..='\u{7E}'
        | '\u{A0}'..='\u{2FF}'
        | '\u{3000}'..='\u{3029}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{FF01}'..='\u{FF5E}'
    )
}

/// [`clean`] for a one-line slot (a list row, a title): line breaks become spaces.
pub fn clean_line(text: &str) -> String {
    clean(text).replace('\n', " ")
}

/// Whether a description holds HTML: a tag (`<p>`, `</div>`, `<br/>`, `<!-- -->`) somewhere.
/// Plain text may hold `<` ("a < b > c" is not HTML), so only a `<` followed by a letter,
/// `/` or `!` and closed by `>` on the same line counts.
pub fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, b)| {
        *b == b'<'
            && bytes
                .get(at + 1)
                .is_some_and(|next| next.is_ascii_alphabetic() || *next == b'/' || *next == b'!')
            && bytes[at + 1..]
                .iter()
                .take_while(|c| **c != b'\n' && **c != b'<')
                .any(|c| *c == b'>')
    })
}

/// A description (or reply) as plain text, lines as written: HTML is rendered to text
/// (paragraphs, lists, links with their URL, entities decoded) at `columns`, plain text is
/// kept line for line. Either way the result is cleaned again (an entity can decode to a
/// control character; `\r\n` becomes `\n`) and has no trailing blank lines.
pub fn description_text(text: &str, columns: usize) -> String {
    let text = if looks_like_html(text) {
        html2text::from_read(text.as_bytes(), columns.max(10)).unwrap_or_else(|_| text.to_string())
    } else {
        text.to_string()
    };
    let text = clean(&text);
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let end = lines
        .iter()
        .rposition(|line| !line.is_empty())
        .map_or(0, |last| last + 1);
    lines[..end].join("\n")
}

/// Display width in terminal columns (CJK and most emoji count two).
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

fn grapheme_width(grapheme: &str) -> usize {
    // A lone control (only `\n` survives cleaning) takes no column.
    UnicodeWidthStr::width(grapheme)
}

/// Fits `text` into `cols` display columns. When it is cut, it ends with `…`; a grapheme
/// is never split, and a wide character that would straddle the edge is dropped and the
/// gap padded with a space, so a cut result is exactly `cols` wide.
pub fn truncate(text: &str, cols: usize) -> Cow<'_, str> {
    if width(text) <= cols {
        return Cow::Borrowed(text);
    }
    if cols == 0 {
        return Cow::Borrowed("");
    }
    let budget = cols - 1; // one column for the ellipsis
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme_width(grapheme);
        if used + w > budget {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    out.extend(std::iter::repeat_n(' ', budget - used));
    out.push('…');
    Cow::Owned(out)
}

/// `text` fitted into exactly `cols` columns: truncated with `…` when too wide, padded
/// with spaces on the right when narrower.
pub fn pad(text: &str, cols: usize) -> String {
    let fitted = truncate(text, cols);
    let fill = cols.saturating_sub(width(&fitted));
    let mut out = String::with_capacity(fitted.len() + fill);
    out.push_str(&fitted);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// `text` fitted into exactly `cols` columns, aligned right (numbers, dates).
pub fn pad_left(text: &str, cols: usize) -> String {
    let fitted = truncate(text, cols);
    let fill = cols.saturating_sub(width(&fitted));
    let mut out = String::with_capacity(fitted.len() + fill);
    out.extend(std::iter::repeat_n(' ', fill));
    out.push_str(&fitted);
    out
}

/// Where the escape-sequence state machine is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Ground,
    /// After ESC.
    Escape,
    /// After ESC and intermediates (0x20..=0x2F): waiting for the final byte.
    EscapeIntermediate,
    /// Inside a CSI: parameters and intermediates until a final byte 0x40..=0x7E.
    Csi,
    /// Inside OSC/DCS/SOS/PM/APC: everything until the terminator.
    String {
        bel_ends: bool,
    },
    /// Inside a string sequence, after an ESC that may start ST (`ESC \`).
    StringEscape {
        bel_ends: bool,
    },
}

/// The removal and placeholder pass of [`clean`] (everything but NFC and tabs).
fn strip_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut state = State::Ground;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        state = match state {
            State::Ground => ground(c, &mut chars, &mut out),
            State::Escape => after_escape(c, &mut chars, &mut out),
            State::EscapeIntermediate => match c {
                '\u{20}'..='\u{2F}' => State::EscapeIntermediate,
                '\u{30}'..='\u{7E}' => State::Ground,
                _ => ground(c, &mut chars, &mut out),
            },
            State::Csi => match c {
                '\u{20}'..='\u{3F}' => State::Csi,
                '\u{40}'..='\u{7E}' => State::Ground,
                // A malformed CSI ends here; the character is read afresh (terminals
                // differ; dropping the partial sequence is the safe common ground).
                _ => ground(c, &mut chars, &mut out),
            },
            State::String { bel_ends } => match c {
                BEL if bel_ends => State::Ground,
                ESC => State::StringEscape { bel_ends },
                ST | CAN | SUB => State::Ground,
                _ => State::String { bel_ends },
            },
            State::StringEscape { bel_ends } => match c {
                '\\' => State::Ground,
                ESC => State::StringEscape { bel_ends },
                // ESC followed by anything else aborts the string and starts a new
                // escape sequence.
                _ => after_escape(c, &mut chars, &mut out),
            },
        };
    }
    if state == State::Escape {
        out.push('␛');
    }
    out
}

/// The character after an ESC.
fn after_escape(
    c: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
) -> State {
    match c {
        '[' => State::Csi,
        ']' => State::String { bel_ends: true },
        'P' | 'X' | '^' | '_' => State::String { bel_ends: false },
        '\u{20}'..='\u{2F}' => State::EscapeIntermediate,
        '\u{30}'..='\u{7E}' => State::Ground,
        _ => {
            // Not a sequence: show the ESC, then read this character afresh.
            out.push('␛');
            ground(c, chars, out)
        }
    }
}

/// One character read outside any sequence: written (or its placeholder), dropped, or the
/// start of a sequence.
fn ground(
    c: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
) -> State {
    match c {
        '\n' | '\t' => out.push(c),
        '\r' => {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        }
        '\u{2028}' | '\u{2029}' => out.push('\n'),
        ESC => return State::Escape,
        '\u{9B}' => return State::Csi,
        '\u{9D}' => return State::String { bel_ends: true },
        '\u{90}' | '\u{98}' | '\u{9E}' | '\u{9F}' => return State::String { bel_ends: false },
        '\u{00}'..='\u{1F}' => {
            // Control pictures: U+2400 + code.
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or(C1_PLACEHOLDER));
        }
        '\u{7F}' => out.push('␡'),
        '\u{80}'..='\u{9F}' => out.push(C1_PLACEHOLDER),
        c if is_invisible(c) => {}
        c => out.push(c),
    }
    State::Ground
}

/// Bidi controls and characters that take no space and show nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}'                  // Arabic letter mark
        | '\u{200B}'..='\u{200F}'   // zero-width space, (non-)joiner, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'   // bidi isolates
        | '\u{FEFF}'                // BOM / zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
        | '\u{E0000}'..='\u{E007F}' // tag characters (hidden ASCII)
    )
}

/// Tabs to spaces up to the next 8-column stop, counting display columns per line.
fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut column = 0;
    for c in text.chars() {
        match c {
            '\t' => {
                let fill = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', fill));
                column += fill;
            }
            '\n' => {
                out.push(c);
                column = 0;
            }
            c => {
                out.push(c);
                column += c.width().unwrap_or(0);
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn removes_csi_and_osc_keeps_text() {
        assert_eq!(clean("a\u{1b}[2Jb\u{1b}]0;title\u{7}c"), "abc");
        assert_eq!(clean("x\u{9b}31my"), "xy");
    }

    #[test]
    fn string_sequence_aborted_by_a_new_escape() {
        assert_eq!(clean("a\u{1b}]0;t\u{1b}[1mb"), "ab");
    }

    #[test]
    fn the_borrowed_fast_path_agrees_with_the_full_clean() {
        for text in [
            "",
            "plain ascii",
            "line\nbreak",
            "tab\there",
            "cr\r\nlf",
            "esc\u{1b}[31mred",
            "del\u{7f}",
            "c1\u{85}",
            "打印机无法连接",
            "e\u{301}",
            "\u{e9}",
            "\u{212B}",
            "bidi\u{202E}x",
            "zw\u{200B}j",
            "sep\u{2028}x",
            "tag\u{E0041}",
            "한국어",
            "\u{1100}\u{1161}",
        ] {
            let fast = clean_cow(text);
            let full = {
                let stripped = strip_controls(text);
                let normalised: String = stripped.nfc().collect();
                expand_tabs(&normalised)
            };
            assert_eq!(fast, full, "{text:?}");
            if is_clean(text) {
                assert!(matches!(fast, Cow::Borrowed(_)));
            }
        }
        assert!(matches!(clean_cow("打印机 ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn plain_characters_are_inert_nfc_and_combine_with_nothing() {
        use unicode_normalization::char::canonical_combining_class;
        let plain = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| is_plain(*c));
        let mut count = 0;
        for c in plain {
            let one = c.to_string();
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(
                unicode_normalization::is_nfc_quick(one.chars()),
                unicode_normalization::IsNormalized::Yes,
                "{c:?}"
            );
            let stripped = strip_controls(&one);
            let normalised: String = stripped.nfc().collect();
            assert_eq!(expand_tabs(&normalised), one, "{c:?}");
            count += 1;
        }
        assert!(count > 20_000);
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_never_changes_what_clean_gives(
            text in "[\u{0}-\u{a0}\u{300}-\u{36f}\u{1100}-\u{1112}\u{1161}\u{200b}-\u{2069}\u{ac00}\u{e9}\u{212b}\u{f900}\u{fe0f}\u{feff}\u{e0041}\u{1f600}工单]{0,12}"
        ) {
            let full = {
                let stripped = strip_controls(&text);
                let normalised: String = stripped.nfc().collect();
                expand_tabs(&normalised)
            };
            proptest::prop_assert_eq!(clean_cow(&text), full);
        }
    }

    #[test]
    fn truncates_wide_characters_at_the_edge() {
        assert_eq!(truncate("工单系统", 4), "工 …");
        assert_eq!(truncate("工单系统", 8), "工单系统");
        assert_eq!(truncate("工单系统", 7), "工单系…");
    }
}
