//! Whether links in ticket text are written as OSC 8 hyperlinks (`ui.hyperlinks`), decided
//! once at start from the setting and the terminal's environment. A terminal that does not
//! know OSC 8 should ignore it, but some print it and tmux drops it unless told to pass it
//! through, so `auto` turns links on only where the terminal is known to show them.

use crate::config::file::Hyperlinks;

/// Whether to write hyperlinks, `var` reading the environment (`TMUX`, `TERM`,
/// `TERM_PROGRAM`, `VTE_VERSION`, `WT_SESSION`, `KITTY_WINDOW_ID`, `KONSOLE_VERSION`).
pub(crate) fn enabled(setting: Hyperlinks, var: &dyn Fn(&str) -> Option<String>) -> bool {
    match setting {
        Hyperlinks::On => true,
        Hyperlinks::Off => false,
        Hyperlinks::Auto => terminal_shows_links(var),
    }
}

fn terminal_shows_links(var: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    let term = set("TERM").unwrap_or_default();
    // tmux passes OSC 8 through only when configured to (3.4+, `terminal-features`); GNU
    // screen and the Linux console never.
    if set("TMUX").is_some()
        || term.starts_with("tmux")
        || term.starts_with("screen")
        || term.starts_with("linux")
    {
        return false;
    }
    let number = |name: &str| set(name).and_then(|value| value.trim().parse::<u64>().ok());
    let program = set("TERM_PROGRAM").unwrap_or_default();
    matches!(
        program.as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Tabby" | "rio" | "Hyper"
    ) || number("VTE_VERSION").is_some_and(|version| version >= 5000)
        || number("KONSOLE_VERSION").is_some_and(|version| version >= 200400)
        || set("WT_SESSION").is_some()
        || set("KITTY_WINDOW_ID").is_some()
        || [
            "xterm-kitty",
            "foot",
            "foot-extra",
            "alacritty",
            "xterm-ghostty",
            "wezterm",
        ]
        .contains(&term.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn auto_is_on_in_terminals_known_to_show_links() {
        for vars in [
            &[("TERM_PROGRAM", "iTerm.app"), ("TERM", "xterm-256color")][..],
            &[("VTE_VERSION", "7200"), ("TERM", "xterm-256color")],
            &[("TERM", "xterm-kitty")],
            &[("WT_SESSION", "3f2a"), ("TERM", "xterm-256color")],
            &[("TERM", "foot")],
        ] {
            assert!(enabled(Hyperlinks::Auto, &with(vars)), "{vars:?}");
        }
    }

    #[test]
    fn auto_is_off_in_tmux_and_unknown_terminals_and_on_is_on() {
        let tmux = with(&[
            ("TMUX", "/tmp/tmux-0/default,1,0"),
            ("TERM", "tmux-256color"),
            // Left from the terminal tmux was started in.
            ("TERM_PROGRAM", "iTerm.app"),
            ("VTE_VERSION", "7200"),
        ]);
        assert!(!enabled(Hyperlinks::Auto, &tmux));
        // Said so: tmux set up to pass them through.
        assert!(enabled(Hyperlinks::On, &tmux));
        for vars in [
            &[("TERM", "xterm-256color")][..],
            &[("TERM", "screen-256color"), ("TERM_PROGRAM", "WezTerm")],
            &[("TERM", "linux")],
            &[("VTE_VERSION", "4803"), ("TERM", "xterm")],
            &[("TERM_PROGRAM", "Apple_Terminal")],
            &[],
        ] {
            assert!(!enabled(Hyperlinks::Auto, &with(vars)), "{vars:?}");
        }
        assert!(!enabled(Hyperlinks::Off, &with(&[("TERM", "xterm-kitty")])));
    }
}
