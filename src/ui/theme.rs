//! Styles per role: a default that reads on dark and light backgrounds, a `[theme]` config
//! table, fallbacks for 256- and 16-colour terminals, and no colour at all (`NO_COLOR`,
//! `--no-color`), where state still shows as text, reverse video and glyphs.
//!
//! The default uses no fixed background anywhere: the selection and the active tab are
//! reverse video, and only a few mid colours (the terminal's own red, green, magenta,
//! cyan) mark state, so the terminal's palette keeps them legible on either background.

use ratatui::style::{Color, Modifier, Style};

use crate::lang::Lang;
use crate::words::{Msg, Worded};

/// Glyphs that carry state without colour (the list's gutter).
pub mod glyph {
    /// The selected row.
    pub(crate) const CURSOR: char = '>';
    /// A row changed by an automatic refresh.
    pub(crate) const CHANGED: char = '*';
    /// A marked row (for bulk actions).
    pub const MARKED: char = '✓';
    /// The current status in the status menu.
    pub(crate) const CURRENT: char = '•';
}

/// What the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    /// No colour: `NO_COLOR`, `--no-color`, `TERM=dumb`.
    Mono,
    /// The 16 ANSI colours (`TERM=xterm`, `screen`, `linux`).
    Ansi16,
    /// `TERM=*-256color`.
    Ansi256,
    /// `COLORTERM=truecolor` or `24bit`: hex colours as they are.
    TrueColor,
}

impl ColorDepth {
    /// From the flag and the environment values (pure, for tests).
    pub fn detect(
        no_color_flag: bool,
        no_color_env: Option<&str>,
        term: Option<&str>,
        colorterm: Option<&str>,
    ) -> ColorDepth {
        if no_color_flag || no_color_env.is_some_and(|v| !v.is_empty()) {
            return ColorDepth::Mono;
        }
        let term = term.unwrap_or("").to_ascii_lowercase();
        if term == "dumb" {
            return ColorDepth::Mono;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" || term.ends_with("-direct") {
            ColorDepth::TrueColor
        } else if term.contains("256color") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }

    /// From `--no-color`, `NO_COLOR`, `TERM` and `COLORTERM`.
    pub(crate) fn from_env(no_color_flag: bool) -> ColorDepth {
        let var = |name: &str| std::env::var(name).ok();
        ColorDepth::detect(
            no_color_flag,
            var("NO_COLOR").as_deref(),
            var("TERM").as_deref(),
            var("COLORTERM").as_deref(),
        )
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ColorDepth::Mono => "no colour",
            ColorDepth::Ansi16 => "16 colours",
            ColorDepth::Ansi256 => "256 colours",
            ColorDepth::TrueColor => "true colour",
        }
    }
}

macro_rules! roles {
    ($($role:ident => $name:literal;)*) => {
        /// What a style is for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Role { $($role,)* }

        impl Role {
            pub const ALL: &'static [Role] = &[$(Role::$role,)*];

            /// The key in `[theme]` (`status.new` is `[theme.status] new`).
            pub fn name(self) -> &'static str {
                match self { $(Role::$role => $name,)* }
            }
        }
    };
}

roles! {
    Selection => "selection";
    Header => "header";
    Label => "label";
    Muted => "muted";
    Error => "error";
    Warning => "warning";
    TabActive => "tab_active";
    Tab => "tab";
    Account => "account";
    Border => "border";
    StatusBar => "status_bar";
    HelpKey => "help_key";
    Tags => "tags";
    Marked => "marked";
    Changed => "changed";
    StatusNew => "status.new";
    StatusOpen => "status.open";
    StatusPending => "status.pending";
    StatusSolved => "status.solved";
    StatusClosed => "status.closed";
    PriorityUrgent => "priority.urgent";
    PriorityHigh => "priority.high";
    PriorityNormal => "priority.normal";
    PriorityLow => "priority.low";
    PaneBorder => "pane_border";
    Hint => "hint";
    Problem => "problem";
    Caution => "caution";
    CautionHeading => "caution_heading";
    Success => "success";
}

/// The style of each role.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    styles: Vec<Style>,
    depth: ColorDepth,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            styles: Role::ALL.iter().map(|r| default_style(*r)).collect(),
            depth: ColorDepth::TrueColor,
        }
    }
}

fn default_style(role: Role) -> Style {
    let s = Style::default();
    match role {
        Role::Selection => s.add_modifier(Modifier::REVERSED),
        Role::Header | Role::Label | Role::HelpKey => s.add_modifier(Modifier::BOLD),
        Role::Muted => s.add_modifier(Modifier::DIM),
        Role::Error => s.fg(Color::Red).add_modifier(Modifier::BOLD),
        Role::Warning => s.fg(Color::Magenta),
        Role::TabActive => s.add_modifier(Modifier::REVERSED | Modifier::BOLD),
        Role::Tab | Role::Border => s,
        Role::Account => s.fg(Color::Cyan),
        Role::StatusBar => s.add_modifier(Modifier::REVERSED),
        Role::Tags => s.fg(Color::Cyan),
        Role::Marked => s.fg(Color::Magenta).add_modifier(Modifier::BOLD),
        Role::Changed => s.add_modifier(Modifier::BOLD),
        Role::StatusNew => s.fg(Color::Magenta).add_modifier(Modifier::BOLD),
        Role::StatusOpen => s.fg(Color::Green),
        Role::StatusPending => s.fg(Color::Cyan),
        Role::StatusSolved | Role::StatusClosed => s.add_modifier(Modifier::DIM),
        Role::PriorityUrgent => s.fg(Color::Red).add_modifier(Modifier::BOLD),
        Role::PriorityHigh => s.fg(Color::Red),
        Role::PriorityNormal | Role::PriorityLow => s,
        Role::PaneBorder => s.fg(Color::Cyan),
        Role::Hint => s.fg(Color::DarkGray),
        Role::Problem => s.fg(Color::Red),
        Role::Caution => s.fg(Color::Yellow),
        Role::CautionHeading => s.fg(Color::Yellow).add_modifier(Modifier::BOLD),
        Role::Success => s.fg(Color::Green).add_modifier(Modifier::BOLD),
    }
}

/// A `[theme]` entry that cannot be used: the key path and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct ThemeError {
    pub path: String,
    pub(crate) problem: Worded,
}

impl ThemeError {
    /// `theme.error: unknown colour "redd" (...)`, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        format!("{}: {}", self.path, self.problem.text(lang))
    }
}

impl Theme {
    /// The default theme with the `[theme]` table over it, fitted to a colour depth.
    ///
    /// Each role is a table `{ fg = "red", bg = "#303030", bold = true, reverse = false,
    /// underline = false, dim = false, italic = false }` or a string of words: colours,
    /// `on COLOUR` for the background, and modifiers (`"red bold"`, `"#ff8700 on blue"`).
    /// Either replaces the role's default entirely. Colours are names (`red`, `lightred`,
    /// `darkgray`, `default`...), `"#rrggbb"` / `"#rgb"`, or an index 0-255.
    pub fn from_config(table: &toml::Table, depth: ColorDepth) -> Result<Theme, ThemeError> {
        let mut theme = Theme::default();
        for (key, value) in table {
            let group = matches!(key.as_str(), "status" | "priority");
            if group {
                let toml::Value::Table(inner) = value else {
                    return Err(ThemeError {
                        path: format!("theme.{key}"),
                        problem: Worded::new(Msg::ThemeNotGroup, &[]),
                    });
                };
                for (sub, value) in inner {
                    let name = format!("{key}.{sub}");
                    theme.set(&name, value)?;
                }
            } else {
                theme.set(key, value)?;
            }
        }
        Ok(theme.fitted(depth))
    }

    fn set(&mut self, name: &str, value: &toml::Value) -> Result<(), ThemeError> {
        let path = format!("theme.{name}");
        let Some(index) = Role::ALL.iter().position(|r| r.name() == name) else {
            let hint = Role::ALL
                .iter()
                .map(|r| (strsim::jaro_winkler(name, r.name()), r.name()))
                .filter(|(score, _)| *score > 0.7)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, n)| n);
            return Err(ThemeError {
                path,
                problem: Worded::new(Msg::ThemeUnknownRole, &[]).suggest(hint),
            });
        };
        self.styles[index] = parse_style(&path, value)?;
        Ok(())
    }

    /// The same theme fitted to a colour depth: hex to the nearest 256 or 16 colour, or no
    /// colour at all. Without colour, the selection and the active tab are always reverse
    /// video, so they stay visible whatever the theme said.
    pub fn fitted(mut self, depth: ColorDepth) -> Theme {
        for (role, style) in Role::ALL.iter().zip(self.styles.iter_mut()) {
            let fit = |c: Option<Color>| c.and_then(|c| fit_color(c, depth));
            style.fg = fit(style.fg);
            style.bg = fit(style.bg);
            style.underline_color = fit(style.underline_color);
            if depth == ColorDepth::Mono
                && matches!(role, Role::Selection | Role::TabActive | Role::StatusBar)
            {
                *style = style.add_modifier(Modifier::REVERSED);
            }
        }
        self.depth = depth;
        self
    }

    pub fn style(&self, role: Role) -> Style {
        Role::ALL
            .iter()
            .position(|r| *r == role)
            .and_then(|index| self.styles.get(index).copied())
            .unwrap_or_default()
    }
}

fn parse_style(path: &str, value: &toml::Value) -> Result<Style, ThemeError> {
    let error = |path: &str, problem: Worded| ThemeError {
        path: path.to_string(),
        problem,
    };
    match value {
        toml::Value::String(text) => parse_style_words(text).map_err(|m| error(path, m)),
        toml::Value::Table(table) => {
            let mut style = Style::default();
            for (key, value) in table {
                let sub = format!("{path}.{key}");
                match key.as_str() {
                    "fg" | "bg" => {
                        let color = parse_color_value(value).map_err(|m| error(&sub, m))?;
                        style = if key == "fg" {
                            style.fg(color)
                        } else {
                            style.bg(color)
                        };
                    }
                    _ => {
                        let Some(modifier) = modifier(key) else {
                            return Err(error(&sub, Worded::new(Msg::ThemeUnknownStyleKey, &[])));
                        };
                        let toml::Value::Boolean(on) = value else {
                            return Err(error(
                                &sub,
                                Worded::new(Msg::ThemeNotBool, &[value.type_str()]),
                            ));
                        };
                        style = if *on {
                            style.add_modifier(modifier)
                        } else {
                            style.remove_modifier(modifier)
                        };
                    }
                }
            }
            Ok(style)
        }
        other => Err(error(
            path,
            Worded::new(Msg::ThemeNotStyle, &[other.type_str()]),
        )),
    }
}

fn modifier(word: &str) -> Option<Modifier> {
    Some(match word.to_ascii_lowercase().as_str() {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underline" | "underlined" => Modifier::UNDERLINED,
        "reverse" | "reversed" => Modifier::REVERSED,
        _ => return None,
    })
}

/// `"red bold"`, `"#ff8700 on blue underline"`, `"plain"`.
fn parse_style_words(text: &str) -> Result<Style, Worded> {
    let mut style = Style::default();
    let mut words = text.split_whitespace();
    let mut fg_set = false;
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("on") {
            let color = words
                .next()
                .ok_or_else(|| Worded::new(Msg::ThemeOnWithoutColour, &[]))?;
            style = style.bg(parse_color(color)?);
        } else if word.eq_ignore_ascii_case("plain") || word.eq_ignore_ascii_case("none") {
            // No colour, no modifier: the terminal's own text.
        } else if let Some(m) = modifier(word) {
            style = style.add_modifier(m);
        } else if fg_set {
            return Err(Worded::new(Msg::ThemeExtraWord, &[&format!("{word:?}")]));
        } else {
            style = style.fg(parse_color(word)?);
            fg_set = true;
        }
    }
    Ok(style)
}

fn parse_color_value(value: &toml::Value) -> Result<Color, Worded> {
    match value {
        toml::Value::String(text) => parse_color(text),
        toml::Value::Integer(n) => u8::try_from(*n)
            .map(Color::Indexed)
            .map_err(|_| Worded::new(Msg::ThemeIndexRange, &[&n.to_string()])),
        other => Err(Worded::new(Msg::ThemeNotColour, &[other.type_str()])),
    }
}

/// A colour name, `#rrggbb`, `#rgb` or an index `0`-`255`.
pub fn parse_color(text: &str) -> Result<Color, Worded> {
    let trimmed = text.trim();
    if let Some(hex) = trimmed.strip_prefix('#') {
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()
            .ok_or_else(|| Worded::new(Msg::ThemeBadHex, &[&format!("{text:?}")]))?;
        return match digits.as_slice() {
            [r, g, b] => Ok(Color::Rgb(r * 17, g * 17, b * 17)),
            [r1, r2, g1, g2, b1, b2] => Ok(Color::Rgb(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
            _ => Err(Worded::new(Msg::ThemeBadHex, &[&format!("{text:?}")])),
        };
    }
    if let Ok(index) = trimmed.parse::<u8>() {
        return Ok(Color::Indexed(index));
    }
    let name: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    Ok(match name.as_str() {
        "default" | "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" | "purple" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" | "lightgray" | "lightgrey" => Color::Gray,
        "darkgray" | "darkgrey" | "brightblack" => Color::DarkGray,
        "lightred" | "brightred" => Color::LightRed,
        "lightgreen" | "brightgreen" => Color::LightGreen,
        "lightyellow" | "brightyellow" => Color::LightYellow,
        "lightblue" | "brightblue" => Color::LightBlue,
        "lightmagenta" | "brightmagenta" => Color::LightMagenta,
        "lightcyan" | "brightcyan" => Color::LightCyan,
        "white" | "brightwhite" => Color::White,
        _ => {
            return Err(Worded::new(
                Msg::ThemeUnknownColour,
                &[&format!("{text:?}")],
            ));
        }
    })
}

/// The xterm default RGB of the 16 ANSI colours, in index order.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The RGB of an xterm 256-colour index.
fn indexed_rgb(index: u8) -> (u8, u8, u8) {
    match index {
        0..=15 => ANSI16[usize::from(index)].1,
        16..=231 => {
            let i = index - 16;
            (
                CUBE[usize::from(i / 36)],
                CUBE[usize::from(i / 6 % 6)],
                CUBE[usize::from(i % 6)],
            )
        }
        _ => {
            let level = 8 + 10 * (index - 232);
            (level, level, level)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    // Weighted towards green, as the eye is (a cheap perceptual distance).
    2 * d(a.0, b.0).pow(2) + 4 * d(a.1, b.1).pow(2) + 3 * d(a.2, b.2).pow(2)
}

/// The nearest xterm 256-colour index (cube or grey ramp; the first 16 vary by terminal).
pub(crate) fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    (16..=255u8)
        .min_by_key(|index| distance(rgb, indexed_rgb(*index)))
        .unwrap_or(16)
}

/// The nearest of the 16 ANSI colours.
pub fn nearest_16(rgb: (u8, u8, u8)) -> Color {
    ANSI16
        .iter()
        .min_by_key(|(_, value)| distance(rgb, *value))
        .map_or(Color::Reset, |(color, _)| *color)
}

/// A colour as the depth can show it; `None` when there is no colour.
pub fn fit_color(color: Color, depth: ColorDepth) -> Option<Color> {
    match (depth, color) {
        (ColorDepth::Mono, _) => None,
        (ColorDepth::TrueColor, c) => Some(c),
        (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Some(Color::Indexed(nearest_256((r, g, b)))),
        (ColorDepth::Ansi256, c) => Some(c),
        (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => Some(nearest_16((r, g, b))),
        (ColorDepth::Ansi16, Color::Indexed(i)) => Some(nearest_16(indexed_rgb(i))),
        (ColorDepth::Ansi16, c) => Some(c),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_cube_and_the_grey_ramp() {
        assert_eq!(indexed_rgb(16), (0, 0, 0));
        assert_eq!(indexed_rgb(231), (255, 255, 255));
        assert_eq!(indexed_rgb(196), (255, 0, 0));
        assert_eq!(indexed_rgb(232), (8, 8, 8));
        assert_eq!(nearest_256((0xff, 0x87, 0x00)), 208);
        assert_eq!(nearest_256((0x87, 0xaf, 0xd7)), 110);
    }
}
