//! The ticket view records the links in its text for the terminal backend (issue 17, item
//! 8): drawn through `ui::draw` on ratatui's TestBackend, the frame's link map names each
//! URL once, and its runs of cells spell that URL on screen, a URL wrapped over two rows
//! included, in Chinese and English, at 80×24 and 200×50.

#![allow(clippy::unwrap_used)]

use gongdan::app::{Action, App, update};
use gongdan::bench::{draw_and_feed, loaded_app, synthetic_tickets};
use gongdan::hyperlink::SharedLinks;
use gongdan::lang::Lang;
use gongdan::ui::Ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

fn opened(description: &str, lang: Lang, width: u16, height: u16) -> App {
    let mut tickets = synthetic_tickets(5);
    tickets[0].description = Some(description.to_string());
    // The ticket's own link (a field) is a link too; left out here to test the text's.
    tickets[0].url = None;
    let mut app = loaded_app(tickets, lang, width, height);
    update(&mut app, Action::Open);
    app
}

/// Draws `app` twice (the second with the geometry the first gave); the buffer and links.
fn draw(app: &mut App) -> (Buffer, SharedLinks) {
    let links = SharedLinks::default();
    let mut ui = Ui::default().with_links(links.clone());
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    draw_and_feed(&mut terminal, app, &mut ui).unwrap();
    draw_and_feed(&mut terminal, app, &mut ui).unwrap();
    (terminal.backend().buffer().clone(), links)
}

/// The text each URL's runs show, runs in order, wide glyphs once.
fn shown(buffer: &Buffer, links: &SharedLinks) -> Vec<(String, String)> {
    let map = links.borrow();
    map.urls()
        .iter()
        .enumerate()
        .map(|(index, url)| {
            let text: String = map
                .runs()
                .iter()
                .filter(|run| usize::from(run.url) == index)
                .flat_map(|run| (run.x..run.end).map(move |x| (x, run.y)))
                .map(|(x, y)| buffer[(x, y)].symbol().to_string())
                .collect();
            (url.clone(), text.replace(' ', ""))
        })
        .collect()
}

#[test]
fn the_ticket_view_records_its_links_where_they_show() {
    for lang in [Lang::Zh, Lang::En] {
        for (width, height) in [(80, 24), (200, 50)] {
            let mut app = opened(
                "<p>请看 https://help.example.com/kb/42，谢谢</p><p>或 <a href='https://x.example/'>说明</a></p>",
                lang,
                width,
                height,
            );
            let (buffer, links) = draw(&mut app);
            assert_eq!(
                shown(&buffer, &links),
                [
                    (
                        "https://help.example.com/kb/42".to_string(),
                        "https://help.example.com/kb/42".to_string()
                    ),
                    (
                        "https://x.example/".to_string(),
                        "https://x.example/".to_string()
                    ),
                ],
                "{lang:?} {width}x{height}"
            );
        }
    }
}

#[test]
fn a_url_wider_than_the_pane_is_one_link_over_its_rows() {
    let long = format!("https://files.example.com/{}/end", "a".repeat(90));
    let mut app = opened(&format!("<p>下载 {long}</p>"), Lang::Zh, 80, 24);
    let (buffer, links) = draw(&mut app);
    let shown = shown(&buffer, &links);
    assert_eq!(shown, [(long.clone(), long.clone())]);
    let rows: Vec<u16> = links.borrow().runs().iter().map(|run| run.y).collect();
    assert!(
        rows.len() >= 2 && rows.windows(2).all(|w| w[1] == w[0] + 1),
        "{rows:?}"
    );
}

#[test]
fn the_tickets_own_url_field_is_a_link_too() {
    let mut tickets = synthetic_tickets(5);
    for ticket in &mut tickets {
        ticket.description = None;
    }
    let mut app = loaded_app(tickets, Lang::En, 200, 50);
    update(&mut app, Action::Open);
    let (buffer, links) = draw(&mut app);
    let id = app.detail.as_ref().unwrap().ticket_id;
    let url = format!("https://help.example.cn/api/v1/tickets/{id}.json");
    assert_eq!(shown(&buffer, &links), [(url.clone(), url)]);
}

#[test]
fn text_that_is_no_http_link_records_none() {
    let mut app = opened(
        "<p>ftp://a.example/x mailto:b@c.d javascript:alert(1) www.example.com</p>",
        Lang::En,
        80,
        24,
    );
    let (_, links) = draw(&mut app);
    assert!(links.borrow().is_empty(), "{:?}", links.borrow());
}
