//! The links a frame draws (OSC 8 hyperlinks): which cells belong to which URL. A leaf, so
//! that the view (which finds the links in ticket text as it draws) and the terminal
//! backend (which wraps those cells in `ESC ] 8 ; ; URL ESC \` … `ESC ] 8 ; ; ESC \`) can
//! both use it without knowing each other.
//!
//! A URL comes from a customer: only http(s) is kept, and it is made inert here, once, as
//! it goes in ([`sanitise`]), so the backend never writes a byte of it that could end the
//! sequence or start another.

use std::cell::RefCell;
use std::rc::Rc;

/// The longest URL written (after percent-encoding): terminals cap theirs near 2 KiB, and
/// a longer one is shown as plain text rather than cut into a wrong link.
pub const MAX_URL_BYTES: usize = 2000;

/// The most distinct links one frame records (a full 200×50 screen of short URLs is far
/// fewer); the rest are drawn as plain text.
pub const MAX_LINKS: usize = 1000;

/// Cells `x..end` of row `y` show (part of) link `url`, an index into [`LinkMap::urls`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkRun {
    pub y: u16,
    pub x: u16,
    pub end: u16,
    pub url: u16,
}

/// One frame's links: the distinct URLs (sanitised) and the runs of cells showing them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkMap {
    urls: Vec<String>,
    runs: Vec<LinkRun>,
}

/// The map the view fills and the backend reads, frame by frame (one thread: the loop's).
pub type SharedLinks = Rc<RefCell<LinkMap>>;

impl LinkMap {
    /// Forgets the last frame's links.
    pub fn clear(&mut self) {
        self.urls.clear();
        self.runs.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Records that cells `x..end` of row `y` show `url`; answers whether it was taken
    /// (an URL that is not http(s), too long, or one too many is not).
    pub fn add(&mut self, y: u16, x: u16, end: u16, url: &str) -> bool {
        if end <= x {
            return false;
        }
        let Some(url) = sanitise(url) else {
            return false;
        };
        let index = match self.urls.iter().position(|known| *known == url) {
            Some(index) => index,
            None if self.urls.len() < MAX_LINKS => {
                self.urls.push(url);
                self.urls.len() - 1
            }
            None => return false,
        };
        let Ok(url) = u16::try_from(index) else {
            return false;
        };
        self.runs.push(LinkRun { y, x, end, url });
        true
    }

    /// The distinct URLs, sanitised: printable ASCII only.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    pub fn runs(&self) -> &[LinkRun] {
        &self.runs
    }
}

/// `url` as it may be written inside an OSC 8: an http or https URL (scheme lowercased),
/// every byte outside printable ASCII (controls, ESC, BEL, C1 such as `\x9c`, spaces,
/// non-ASCII such as CJK) percent-encoded; `None` for another scheme or when longer than
/// [`MAX_URL_BYTES`] once encoded.
pub fn sanitise(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let scheme = url[..scheme_end].to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = &url[scheme_end + 3..];
    if rest.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    out.push_str(&scheme);
    out.push_str("://");
    for byte in rest.bytes() {
        if byte.is_ascii_graphic() {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        if out.len() > MAX_URL_BYTES {
            return None;
        }
    }
    Some(out)
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_url_becomes_printable_ascii() {
        let url = sanitise("https://example.com/a b\x1b]52;c;x\x07/\u{9c}支持?q=中").unwrap();
        assert_eq!(
            url,
            "https://example.com/a%20b%1B]52;c;x%07/%C2%9C%E6%94%AF%E6%8C%81?q=%E4%B8%AD"
        );
        assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url}");
    }

    #[test]
    fn only_http_and_https_are_links() {
        assert_eq!(
            sanitise("HTTPS://Example.com/X").as_deref(),
            Some("https://Example.com/X")
        );
        assert_eq!(sanitise("http://a").as_deref(), Some("http://a"));
        for refused in [
            "javascript://alert(1)",
            "file:///etc/passwd",
            "ftp://a",
            "https://",
            "example.com",
            "\x1bhttps://a",
        ] {
            assert_eq!(sanitise(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn a_url_too_long_once_encoded_is_no_link() {
        let fits = format!("https://a/{}", "x".repeat(MAX_URL_BYTES - 10));
        assert_eq!(sanitise(&fits).map(|u| u.len()), Some(MAX_URL_BYTES));
        assert_eq!(sanitise(&format!("{fits}y")), None);
        // Encoding grows it: 700 CJK chars are 6,300 bytes written.
        assert_eq!(sanitise(&format!("https://a/{}", "中".repeat(700))), None);
    }

    #[test]
    fn the_map_keeps_each_url_once_and_refuses_what_is_no_link() {
        let mut map = LinkMap::default();
        assert!(map.add(1, 0, 10, "https://a/x"));
        assert!(map.add(2, 0, 4, "https://a/x"));
        assert!(map.add(2, 5, 9, "http://b"));
        assert!(!map.add(3, 0, 4, "mailto://c"));
        assert!(!map.add(3, 4, 4, "https://a/x"));
        assert_eq!(map.urls(), ["https://a/x", "http://b"]);
        assert_eq!(
            map.runs(),
            [
                LinkRun {
                    y: 1,
                    x: 0,
                    end: 10,
                    url: 0
                },
                LinkRun {
                    y: 2,
                    x: 0,
                    end: 4,
                    url: 0
                },
                LinkRun {
                    y: 2,
                    x: 5,
                    end: 9,
                    url: 1
                },
            ]
        );
        map.clear();
        assert!(map.is_empty() && map.urls().is_empty());
    }
}
