//! The sanitiser on hostile strings, and display widths with CJK.
#![allow(clippy::unwrap_used)]

use std::borrow::Cow;

use gongdan::text::{clean, clean_line, pad, pad_left, truncate, width};
use proptest::prelude::*;

const ESC_CHAR: char = '\u{1b}';

/// Whether `text` could still do anything to a terminal or hide text.
fn is_inert(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c,
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{061C}')
    })
}

#[test]
fn osc_52_clipboard_write_is_removed_whole() {
    assert_eq!(
        clean("复制\u{1b}]52;c;ZWNobyBoYWNrZWQ=\u{7}完成"),
        "复制完成"
    );
    // ST-terminated, 7-bit and 8-bit.
    assert_eq!(clean("a\u{1b}]52;c;ZWNobw==\u{1b}\\b"), "ab");
    assert_eq!(clean("a\u{9d}52;c;ZWNobw==\u{9c}b"), "ab");
}

#[test]
fn osc_0_title_and_hyperlinks_are_removed() {
    assert_eq!(clean("\u{1b}]0;pwned\u{7}标题"), "标题");
    assert_eq!(clean("\u{1b}]2;pwned\u{1b}\\标题"), "标题");
    assert_eq!(
        clean("点\u{1b}]8;;https://evil.example\u{1b}\\这里\u{1b}]8;;\u{1b}\\"),
        "点这里"
    );
}

#[test]
fn csi_sequences_are_removed_in_both_forms() {
    assert_eq!(clean("清屏\u{1b}[2J\u{1b}[H之后"), "清屏之后");
    assert_eq!(clean("\u{1b}[?1049h\u{1b}[38;5;196m红\u{1b}[0m"), "红");
    assert_eq!(clean("8位\u{9b}2J清屏\u{9b}31m"), "8位清屏");
    // A CSI cut short by a non-ASCII character ends there; the character stays.
    assert_eq!(clean("\u{1b}[31中文"), "中文");
    // Unterminated at the end: dropped.
    assert_eq!(clean("文字\u{1b}[3"), "文字");
}

#[test]
fn dcs_apc_pm_sos_are_removed() {
    assert_eq!(clean("a\u{1b}Pq#0;2;0;0;0#1~~\u{1b}\\b"), "ab");
    assert_eq!(clean("a\u{1b}_Gf=100;AAAA\u{1b}\\b"), "ab");
    assert_eq!(clean("a\u{1b}^private\u{1b}\\b"), "ab");
    assert_eq!(clean("a\u{1b}Xstring\u{1b}\\b"), "ab");
    assert_eq!(
        clean("a\u{90}q\u{9c}b\u{9f}x\u{9c}c\u{9e}y\u{9c}d\u{98}z\u{9c}e"),
        "abcde"
    );
    // BEL does not end a DCS: the payload is still swallowed.
    assert_eq!(clean("a\u{1b}Pxx\u{7}yy\u{1b}\\b"), "ab");
    // An unterminated string sequence swallows the rest, as a terminal would.
    assert_eq!(clean("a\u{1b}]0;never ends"), "a");
}

#[test]
fn short_escapes_are_removed() {
    // Charset switch, screen alignment test, reset, save cursor, reverse index.
    assert_eq!(
        clean("a\u{1b}(0b\u{1b}#8c\u{1b}cd\u{1b}7e\u{1b}Mf"),
        "abcdef"
    );
}

#[test]
fn other_controls_become_visible_placeholders() {
    assert_eq!(clean("NUL\0DEL\u{7f}BEL\u{7}"), "NUL␀DEL␡BEL␇");
    assert_eq!(clean("esc\u{1b}"), "esc␛");
    assert_eq!(clean("\u{1b}中"), "␛中");
    assert_eq!(clean("a\u{8}b"), "a␈b");
    assert_eq!(clean("nel\u{85}x"), "nel\u{FFFD}x");
}

#[test]
fn line_ends_are_normalised_and_tabs_expanded() {
    assert_eq!(clean("a\r\nb\rc\nd"), "a\nb\nc\nd");
    assert_eq!(clean("a\tb"), format!("a{}b", " ".repeat(7)));
    // Columns count display width: a CJK character takes two.
    assert_eq!(clean("工\tb"), format!("工{}b", " ".repeat(6)));
    assert_eq!(clean("x\n\ty"), format!("x\n{}y", " ".repeat(8)));
    assert_eq!(clean("a\u{2028}b"), "a\nb");
}

#[test]
fn bidi_controls_and_invisibles_are_removed() {
    assert_eq!(clean("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
    assert_eq!(
        clean("\u{2066}隔离\u{2069}\u{202a}嵌入\u{202c}"),
        "隔离嵌入"
    );
    assert_eq!(clean("零\u{200b}宽\u{feff}字\u{2060}符"), "零宽字符");
    assert_eq!(clean("hidden\u{e0041}\u{e0042}tags"), "hiddentags");
    // ZWJ: the family becomes its members, still visible.
    assert_eq!(clean("👨\u{200d}👩\u{200d}👧"), "👨👩👧");
}

#[test]
fn text_is_nfc_and_cjk_is_intact() {
    assert_eq!(clean("Cafe\u{301}"), "Café");
    let cjk = "工单系统「测试」，全角：ＡＢＣ；한국어；日本語のテキスト";
    assert_eq!(clean(cjk), cjk);
    assert!(matches!(clean("plain"), s if s == "plain"));
}

#[test]
fn hostile_mix_keeps_the_readable_rest() {
    let hostile = "\u{1b}]52;c;cm0gLXJm\u{7}\u{1b}]0;x\u{7}\u{1b}[2J\u{9b}1;1H\u{202e}退款\u{200d}申请\r\n\u{7f}金额\t100元\0";
    let cleaned = clean(hostile);
    assert_eq!(cleaned, "退款申请\n␡金额   100元␀");
    assert!(is_inert(&cleaned));
}

#[test]
fn clean_line_is_one_line() {
    assert_eq!(clean_line("第一行\r\n第二行\n"), "第一行 第二行 ");
    assert!(!clean_line("a\u{1b}[1Ab\nc").contains('\n'));
}

#[test]
fn width_counts_cjk_as_two() {
    assert_eq!(width(""), 0);
    assert_eq!(width("abc"), 3);
    assert_eq!(width("工单"), 4);
    assert_eq!(width("a工b"), 4);
    assert_eq!(width("e\u{301}"), 1);
    assert_eq!(width("ＡＢ"), 4);
}

#[test]
fn truncate_fits_and_never_splits() {
    assert!(matches!(truncate("工单", 4), Cow::Borrowed("工单")));
    assert_eq!(truncate("工单系统", 5), "工单…");
    // The wide character that would straddle the edge is dropped and the gap padded.
    assert_eq!(truncate("工单系统", 4), "工 …");
    assert_eq!(truncate("ab工单", 4), "ab …");
    assert_eq!(truncate("a工单", 4), "a工…");
    assert_eq!(truncate("工单", 1), "…");
    assert_eq!(truncate("工单", 0), "");
    assert_eq!(truncate("", 0), "");
    assert_eq!(truncate("abcdef", 3), "ab…");
    // A letter and its combining accent stay together.
    assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
}

#[test]
fn pad_fills_to_exact_columns() {
    assert_eq!(pad("工", 5), "工   ");
    assert_eq!(pad("工单系统", 5), "工单…");
    assert_eq!(pad("工单系统", 4), "工 …");
    assert_eq!(pad("", 3), "   ");
    assert_eq!(pad_left("42", 5), "   42");
    assert_eq!(pad_left("工单系统", 5), "工单…");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_description_as_text_is_inert_html_or_not(text in any::<String>(), tagged in any::<bool>()) {
        let text = if tagged { format!("<p>{text}</p>") } else { text };
        let shown = gongdan::text::description_text(&text, 40);
        prop_assert!(is_inert(&shown), "{:?} -> {:?}", text, shown);
        prop_assert!(!shown.contains('\r'));
    }

    #[test]
    fn clean_output_is_inert_and_idempotent(text in any::<String>()) {
        let cleaned = clean(&text);
        prop_assert!(is_inert(&cleaned), "{:?} -> {:?}", text, cleaned);
        prop_assert!(!cleaned.contains(ESC_CHAR));
        prop_assert!(!cleaned.contains('\r') && !cleaned.contains('\t'));
        prop_assert_eq!(clean(&cleaned), cleaned.clone());
    }

    #[test]
    fn clean_of_escape_heavy_input_is_inert(
        parts in prop::collection::vec(prop_oneof![
            Just("\u{1b}".to_owned()), Just("\u{9b}".to_owned()), Just("\u{9d}".to_owned()),
            Just("\u{9c}".to_owned()), Just("\u{7}".to_owned()), Just("[".to_owned()),
            Just("]".to_owned()), Just("\\".to_owned()), Just("P".to_owned()),
            Just("工".to_owned()), Just("\u{202e}".to_owned()), Just("\r".to_owned()),
            Just("\t".to_owned()), "[ -~]{0,3}",
        ], 0..24)
    ) {
        let text: String = parts.concat();
        let cleaned = clean(&text);
        prop_assert!(is_inert(&cleaned), "{:?} -> {:?}", text, cleaned);
        prop_assert_eq!(clean(&cleaned), cleaned.clone());
    }

    #[test]
    fn clean_keeps_ordinary_text(text in "[a-zA-Z0-9 ,.!?\u{4e00}-\u{9fa5}\u{3001}\u{3002}\n]{0,40}") {
        prop_assert_eq!(clean(&text), text);
    }

    #[test]
    fn truncate_and_pad_fit_the_columns(text in any::<String>(), cols in 0usize..30) {
        let text = clean_line(&text);
        let cut = truncate(&text, cols);
        prop_assert!(width(&cut) <= cols);
        if width(&text) > cols {
            prop_assert_eq!(width(&cut), cols);
            if cols > 0 {
                prop_assert!(cut.ends_with('…'));
                let kept = cut.trim_end_matches('…').trim_end_matches(' ');
                prop_assert!(text.starts_with(kept));
            }
        } else {
            prop_assert_eq!(&*cut, text.as_str());
        }
        prop_assert_eq!(width(&pad(&text, cols)), cols);
        prop_assert_eq!(width(&pad_left(&text, cols)), cols);
    }
}

#[test]
fn html_is_told_from_plain_text_by_its_tags() {
    use gongdan::text::looks_like_html;
    for html in [
        "<p>您好</p>",
        "a<br>b",
        "a<br/>b",
        "</div>",
        "<!-- x -->",
        "<ul><li>1</li></ul>",
    ] {
        assert!(looks_like_html(html), "{html}");
    }
    for plain in [
        "第一步\n第二步",
        "a < b > c",
        "1<2\n3>4",
        "价格<100元",
        "x <- y",
        "",
    ] {
        assert!(!looks_like_html(plain), "{plain}");
    }
}

#[test]
fn a_plain_description_keeps_its_lines_and_spaces_as_written() {
    use gongdan::text::description_text;
    let text = description_text("地址:\r\n  北京市海淀区\r\n\r\n电话:138\r\n\r\n\r\n", 40);
    assert_eq!(text, "地址:\n  北京市海淀区\n\n电话:138");
    // A tab is expanded, a control byte made inert.
    let text = description_text("a\tb\u{7}c", 40);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}
