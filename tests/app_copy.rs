//! The copy menu (`y`) in `update`: what it offers (an order number among the custom
//! fields), values the server left out shown as unknown and never copied, each entry's key,
//! Enter, Esc, the web link from `web_url`, and its keys in `?`.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::Ticket;
use gongdan::app::copy::{CopyEntry, CopyItem, CopyValue, entries};
use gongdan::app::keymap::action_for_key;
use gongdan::app::state::{Overlay, Pane};
use gongdan::app::{Action, App, Command, update};
use gongdan::lang::Lang;

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    let event = KeyEvent::new(code, KeyModifiers::NONE);
    match action_for_key(app, &event) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn key(app: &mut App, c: char) -> Vec<Command> {
    press(app, KeyCode::Char(c))
}

fn copied(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Copy(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The notice as the status line words it.
fn notice(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| common::said(app, n))
        .unwrap_or_default()
}

fn selected(app: &App) -> u64 {
    app.current_view().selected_id().unwrap()
}

#[test]
fn the_menu_offers_what_agents_copy_and_the_api_url_last() {
    let mut app = order_app(Lang::En, 100, 30, true);
    key(&mut app, 'y');
    assert_eq!(app.pane(), Pane::CopyMenu);
    let id = selected(&app);
    let items: Vec<(CopyItem, CopyValue)> = entries(&app, id)
        .into_iter()
        .map(|e| (e.item, e.value))
        .collect();
    let text = |s: &str| CopyValue::Text(s.to_string());
    let description = "第一步：登录后台\n第二步：点击工单管理\n第三步：页面卡住";
    assert_eq!(
        items,
        [
            (CopyItem::Id, text(&id.to_string())),
            (CopyItem::Subject, text(&ticket(id).subject)),
            (CopyItem::Phone, text("13800000000")),
            (CopyItem::Email, text("wang@example.com")),
            (CopyItem::Description, text(description)),
            // Each custom field with a value: the order number, the dropdown as its label.
            // The checkbox and the empty field are not offered.
            (CopyItem::Field("field_1".into()), text("DD202611000123")),
            (CopyItem::Field("field_2".into()), text("支付问题")),
            (CopyItem::WebLink, CopyValue::NotConfigured),
            (CopyItem::ApiUrl, text(&ticket(id).url.unwrap())),
        ]
    );
}

#[test]
fn an_order_number_is_copied_by_its_key_and_the_notice_says_what() {
    for (lang, said) in [
        (Lang::En, "Copied 订单编号: DD202611000123"),
        (Lang::Zh, "已复制订单编号：DD202611000123"),
    ] {
        let mut app = order_app(lang, 100, 30, true);
        assert!(
            copied(&key(&mut app, 'y')).is_empty(),
            "y only opens the menu"
        );
        let out = key(&mut app, '1');
        assert_eq!(copied(&out), ["DD202611000123"]);
        assert_eq!(app.pane(), Pane::List, "the menu closes");
        assert_eq!(notice(&app), said);
        // The second custom field is on the next digit.
        key(&mut app, 'y');
        assert_eq!(copied(&key(&mut app, '2')), ["支付问题"]);
    }
}

#[test]
fn the_letters_copy_their_entries_and_the_detail_copies_its_ticket() {
    let mut app = order_app(Lang::En, 100, 30, true);
    update(&mut app, Action::MoveDown);
    let id = selected(&app);
    for (letter, want) in [
        ('i', id.to_string()),
        ('s', ticket(id).subject),
        ('p', "13800000000".to_string()),
        ('e', "wang@example.com".to_string()),
        ('a', ticket(id).url.unwrap()),
    ] {
        key(&mut app, 'y');
        assert_eq!(copied(&key(&mut app, letter)), [want], "{letter}");
    }
    // From the detail, the ticket shown.
    update(&mut app, Action::Open);
    update(&mut app, Action::MoveUp);
    key(&mut app, 'y');
    assert_eq!(copied(&key(&mut app, 'i')), [id.to_string()]);
    assert_eq!(app.pane(), Pane::Detail);
}

#[test]
fn enter_copies_the_highlighted_entry_and_esc_closes_without_copying() {
    let mut app = order_app(Lang::En, 100, 30, true);
    key(&mut app, 'y');
    key(&mut app, 'j');
    press(&mut app, KeyCode::Down);
    key(&mut app, 'k');
    key(&mut app, 'j');
    // Id, subject, phone: the third entry.
    assert_eq!(copied(&press(&mut app, KeyCode::Enter)), ["13800000000"]);
    key(&mut app, 'y');
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.pane(), Pane::List);
    key(&mut app, 'y');
    assert!(key(&mut app, 'q').is_empty());
    assert_eq!(app.pane(), Pane::List);
    assert!(!app.quit, "q closes the menu, not the console");
}

#[test]
fn values_the_server_left_out_are_unknown_and_never_copied_as_empty() {
    // The contact's lookup has not answered; the ticket has no description and no URL.
    let mut app = order_app(Lang::En, 100, 30, false);
    let id = selected(&app);
    let mut bare = order_ticket(id);
    bare.description = None;
    bare.url = None;
    app.tickets.insert(id, bare);
    key(&mut app, 'y');
    let unknown: Vec<CopyItem> = entries(&app, id)
        .into_iter()
        .filter(|e| e.value == CopyValue::Unknown)
        .map(|e| e.item)
        .collect();
    assert_eq!(
        unknown,
        [
            CopyItem::Phone,
            CopyItem::Email,
            CopyItem::Description,
            CopyItem::ApiUrl
        ]
    );
    for letter in ['p', 'e', 'd', 'a'] {
        assert!(copied(&key(&mut app, letter)).is_empty(), "{letter}");
        assert_eq!(app.pane(), Pane::CopyMenu, "stays open after {letter}");
    }
    assert!(notice(&app).contains("not known"), "{}", notice(&app));
    // An empty value from the server is empty, not unknown, and not copied either.
    let mut empty = order_ticket(id);
    empty.url = Some(String::new());
    app.tickets.insert(id, empty);
    assert!(copied(&key(&mut app, 'a')).is_empty());
    assert!(notice(&app).contains("empty"), "{}", notice(&app));
}

#[test]
fn a_search_hit_has_its_custom_fields_unknown() {
    let mut app = order_app(Lang::En, 100, 30, true);
    let id = selected(&app);
    // Only what search gives, not known in full.
    app.tickets.insert(
        id,
        Ticket {
            custom_fields: Vec::new(),
            ..search_hit(id)
        },
    );
    app.full.remove(&id);
    key(&mut app, 'y');
    let items: Vec<CopyEntry> = entries(&app, id);
    assert!(
        items
            .iter()
            .any(|e| e.item == CopyItem::Fields && e.value == CopyValue::Unknown),
        "{items:?}"
    );
    assert!(!items.iter().any(|e| matches!(e.item, CopyItem::Field(_))));
    assert!(copied(&key(&mut app, '1')).is_empty());
}

#[test]
fn the_web_link_comes_from_web_url_or_says_how_to_set_it() {
    let mut app = order_app(Lang::En, 100, 30, true);
    let id = selected(&app);
    key(&mut app, 'y');
    assert!(copied(&key(&mut app, 'w')).is_empty());
    assert_eq!(app.pane(), Pane::CopyMenu);
    assert!(notice(&app).contains("web_url"), "{}", notice(&app));
    // A refusal is an error: it stays until a key, not a few seconds.
    assert!(app.notice.as_ref().unwrap().is_error);

    app.settings.web_url = Some("https://example.bangwo8.com/ticket/{id}".into());
    assert_eq!(
        copied(&key(&mut app, 'w')),
        [format!("https://example.bangwo8.com/ticket/{id}")]
    );
}

#[test]
fn the_menus_keys_are_in_its_help_and_closing_help_returns_to_it() {
    let mut app = order_app(Lang::En, 100, 30, true);
    // `?` of the list names `y`.
    let list_help = app.settings.keymap.help_words(Pane::List, Lang::En);
    assert!(
        list_help
            .iter()
            .any(|(keys, text)| keys == "y" && text.starts_with("Copy")),
        "{list_help:?}"
    );
    key(&mut app, 'y');
    key(&mut app, '?');
    assert!(matches!(
        app.overlay,
        Some(Overlay::Help {
            pane: Pane::CopyMenu,
            ..
        })
    ));
    let rows = app.settings.keymap.help_words(Pane::CopyMenu, Lang::En);
    for (keys, text) in [
        ("1…9", "Copy custom field N (an order number, say)"),
        ("i", "Copy the ticket id"),
        ("w", "Copy the web link (config web_url)"),
        ("Enter", "Copy the highlighted entry"),
        ("Esc q", "Cancel"),
    ] {
        assert!(
            rows.iter().any(|(k, t)| k == keys && *t == text),
            "{keys}: {rows:?}"
        );
    }
    key(&mut app, '?');
    assert_eq!(app.pane(), Pane::CopyMenu, "back in the menu");
}

#[test]
fn with_nothing_selected_the_menu_does_not_open() {
    let mut app = app(Lang::En, 100, 30);
    start(&mut app);
    key(&mut app, 'y');
    assert!(app.copy_menu.is_none());
    assert_eq!(notice(&app), "No ticket selected");
}

#[test]
fn esc_in_the_menu_closes_it_and_leaves_a_range_of_marks_going() {
    let mut app = order_app(Lang::En, 100, 30, true);
    key(&mut app, 'V');
    key(&mut app, 'j');
    assert!(app.marks.range.is_some());
    key(&mut app, 'y');
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane(), Pane::List);
    assert!(app.marks.range.is_some(), "Esc was the menu's");
}

/// A description past what a terminal's clipboard takes (OSC 52, ~100 KB once encoded) is
/// refused in plain words, as an error that stays, instead of a "copied" that the terminal
/// silently drops.
#[test]
fn a_value_too_long_for_the_terminals_clipboard_is_refused_in_words() {
    let mut app = order_app(Lang::En, 100, 30, true);
    let id = selected(&app);
    let long = "订单明细：".repeat(8_000);
    assert!(long.len() > gongdan::app::copy::COPY_MAX_BYTES);
    let mut ticket = app.tickets.get(&id).unwrap();
    ticket.description = Some(long);
    app.tickets.insert(id, ticket);
    key(&mut app, 'y');
    assert!(copied(&key(&mut app, 'd')).is_empty());
    assert!(notice(&app).contains("too long"), "{}", notice(&app));
    assert!(app.notice.as_ref().unwrap().is_error);
    assert_eq!(app.pane(), Pane::CopyMenu);
}
