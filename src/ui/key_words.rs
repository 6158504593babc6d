//! The key map's words: what each binding is called in help and hints, hint lines and the
//! `{key:PANE.ACTION}` references of the table's text, named from the live map when drawn.
//! The map itself (`app::keymap`) only says which keys do what.

use crate::app::keymap::KeyMap;
use crate::app::state::Pane;
use crate::lang::Lang;
use crate::words::Msg;

/// What an action of the key map (or one of its `TEXT_KEYS`) is called in `?` help and the
/// status bar's hints, by pane and name. `None` for a pair the map does not have; a test
/// checks that every pair it has is worded.
#[rustfmt::skip]
pub(crate) fn help_msg(pane: Pane, name: &str) -> Option<Msg> {
    use Pane::*;
    Some(match (pane, name) {
        (List | StatusMenu | CopyMenu | MacroMenu | Facets | Bulk | BulkHistory, "move_down") => Msg::KeyDown,
        (List | StatusMenu | CopyMenu | MacroMenu | Facets | Bulk | BulkHistory, "move_up") => Msg::KeyUp,
        (List | Detail | Help | BulkPreview, "top") => Msg::KeyTop,
        (List | Detail | Help | BulkPreview, "bottom") => Msg::KeyBottom,
        (List | Detail | Help | BulkPreview, "page_down") => Msg::KeyPageDown,
        (List | Detail | Help | BulkPreview, "page_up") => Msg::KeyPageUp,
        (List | Detail | Help, "half_page_down") => Msg::KeyHalfDown,
        (List | Detail | Help, "half_page_up") => Msg::KeyHalfUp,
        (Detail | Help, "move_down") => Msg::KeyScrollDown,
        (Detail | Help, "move_up") => Msg::KeyScrollUp,
        (List, "open") => Msg::KeyOpen,
        (List | Detail, "go_to") => Msg::KeyGoTo,
        (List, "back") => Msg::KeyBack,
        (List, "search") => Msg::KeySearch,
        (List | Detail, "status") => Msg::KeyStatus,
        (List | Detail, "copy") => Msg::KeyCopy,
        (List | Detail, "reload") => Msg::KeyReload,
        (List, "next_view") => Msg::KeyNextView,
        (List, "prev_view") => Msg::KeyPrevView,
        (List, "select_view") => Msg::KeyViewN,
        (List, "sort_field") => Msg::KeySortField,
        (List, "sort_order") => Msg::KeySortOrder,
        (List, "filter") => Msg::KeyFilter,
        (List, "quick_filter") => Msg::KeyQuickFilter,
        (List, "clear_filter") => Msg::KeyClearQuickFilter,
        (List, "save_view") => Msg::KeySaveView,
        (Facets, "pick") => Msg::KeyPick,
        (Facets, "pick_facet") => Msg::KeyPickFacet,
        (List, "mark") => Msg::KeyMark,
        (List, "mark_range") => Msg::KeyMarkRange,
        (List, "mark_loaded") => Msg::KeyMarkLoaded,
        (List, "mark_all") => Msg::KeyMarkAll,
        (List, "clear_marks") => Msg::KeyMarkClear,
        (List, "only_marked") => Msg::KeyMarkOnly,
        (List | Detail, "bulk") => Msg::KeyBulk,
        (List, "bulk_history") => Msg::KeyHistory,
        (List | Detail, "reply") => Msg::KeyReply,
        (List | Detail, "macros") => Msg::KeyMacros,
        (MacroMenu, "pick") => Msg::KeyMacroApply,
        (MacroMenu, "pick_macro") => Msg::KeyMacroDigit,
        (Composer, "snippet") => Msg::KeySnippet,
        (List | Detail, "new") => Msg::KeyNew,
        (List | Detail | Prompt | CopyMenu | MacroMenu | Composer | Bulk | BulkPreview | BulkRun | BulkResult | BulkHistory | ResumeOffer, "help") => Msg::KeyHelp,
        (List, "quit") => Msg::KeyQuit,
        (Detail, "back") => Msg::KeyBackToList,
        (Detail, "next_ticket") => Msg::KeyNextTicket,
        (Detail, "prev_ticket") => Msg::KeyPrevTicket,
        (Detail, "next_file") => Msg::KeyNextFile,
        (Detail, "download") => Msg::KeyDownload,
        (Detail, "copy_link") => Msg::KeyCopyLink,
        (Prompt, "submit") => Msg::KeySubmit,
        (Prompt | StatusMenu | CopyMenu | MacroMenu | Facets | SignIn, "cancel") => Msg::KeyCancel,
        (Prompt, "delete_char") => Msg::KeyDeleteChar,
        (Prompt, "cursor_left") => Msg::KeyCursor,
        (Prompt, "cursor_right") => Msg::KeyCursor,
        (Prompt, "line_start") => Msg::KeyLineStart,
        (Prompt, "line_end") => Msg::KeyLineEnd,
        (Prompt, "word_left") => Msg::KeyWordLeft,
        (Prompt, "word_right") => Msg::KeyWordRight,
        (Prompt, "delete_under") => Msg::KeyDeleteUnder,
        (Prompt, "kill_to_start") => Msg::KeyKillToStart,
        (Prompt, "kill_to_end") => Msg::KeyKillToEnd,
        (Prompt, "kill_term_back") => Msg::KeyKillTermBack,
        (Prompt, "kill_word_back") => Msg::KeyKillWordBack,
        (Prompt, "history_prev") => Msg::KeyHistoryPrev,
        (Prompt, "history_next") => Msg::KeyHistoryNext,
        (Prompt, "complete") => Msg::KeyComplete,
        (StatusMenu, "pick") => Msg::KeyPick,
        (StatusMenu, "pick_status") => Msg::KeyPickDigit,
        (CopyMenu, "copy") => Msg::KeyCopySelected,
        (CopyMenu, "copy_id") => Msg::KeyCopyId,
        (CopyMenu, "copy_subject") => Msg::KeyCopySubject,
        (CopyMenu, "copy_phone") => Msg::KeyCopyPhone,
        (CopyMenu, "copy_email") => Msg::KeyCopyEmail,
        (CopyMenu, "copy_description") => Msg::KeyCopyDescription,
        (CopyMenu, "copy_field") => Msg::KeyCopyField,
        (CopyMenu, "copy_web_link") => Msg::KeyCopyWebLink,
        (CopyMenu, "copy_api_url") => Msg::KeyCopyApiUrl,
        (Help | Bulk | BulkResult | BulkHistory, "close") => Msg::KeyClose,
        (Composer, "send") => Msg::KeySendReply,
        (Composer, "send_with_status") => Msg::KeySendWithStatus,
        (Composer, "attach") => Msg::KeyAttach,
        (Composer | NewTicket, "external_editor") => Msg::KeyExternalEditor,
        (Composer | NewTicket, "close") => Msg::KeyCloseKeepDraft,
        (Composer, "scroll_ticket_down") => Msg::KeyScrollTicketDown,
        (Composer, "scroll_ticket_up") => Msg::KeyScrollTicketUp,
        (Composer, "page_ticket_down") => Msg::KeyPageTicketDown,
        (Composer, "page_ticket_up") => Msg::KeyPageTicketUp,
        (NewTicket, "create") => Msg::KeyCreateTicket,
        (NewTicket, "next_field") => Msg::KeyNextField,
        (NewTicket, "prev_field") => Msg::KeyPrevField,
        (NewTicket, "next_choice") => Msg::KeyNextChoice,
        (NewTicket, "prev_choice") => Msg::KeyPrevChoice,
        (Bulk, "next_value") => Msg::KeyBulkNextValue,
        (Bulk, "prev_value") => Msg::KeyBulkPrevValue,
        (Bulk, "edit") => Msg::KeyBulkEdit,
        (Bulk, "clear_row") => Msg::KeyBulkClearRow,
        (Bulk, "preview") => Msg::KeyBulkPreview,
        (BulkText, "done") => Msg::KeyBulkEditDone,
        (BulkText, "discard") => Msg::KeyBulkEditDiscard,
        (BulkPreview, "start") => Msg::KeyBulkStart,
        (BulkPreview, "back") => Msg::KeyBulkBackToForm,
        (BulkPreview | BulkResult, "scroll_down") => Msg::KeyScrollDown,
        (BulkPreview | BulkResult, "scroll_up") => Msg::KeyScrollUp,
        (BulkPreview, "apply_anyway") => Msg::KeyBulkApplyAnyway,
        (BulkRun, "cancel") => Msg::KeyBulkCancelRun,
        (BulkRun, "hide") => Msg::KeyBulkHide,
        (BulkResult, "retry") => Msg::KeyBulkRetry,
        (BulkResult, "undo") => Msg::KeyBulkUndoRun,
        (BulkResult, "history") => Msg::KeyHistory,
        (BulkHistory, "undo") => Msg::KeyBulkUndo,
        (BulkHistory, "resume") => Msg::KeyBulkResume,
        (ResumeOffer, "resume") => Msg::KeyBulkResumeRest,
        (ResumeOffer, "undo") => Msg::KeyBulkUndoDone,
        (ResumeOffer, "later") => Msg::KeyBulkLater,
        (SignIn, "submit") => Msg::KeySignIn,
        (List | Detail | Prompt | StatusMenu | CopyMenu | MacroMenu | Facets | Help | Composer | NewTicket | Bulk | BulkText | BulkPreview | BulkRun | BulkResult | BulkHistory | ResumeOffer | SignIn, "force_quit") => Msg::KeyForceQuit,
        (Composer | NewTicket, "text_new_line") => Msg::KeyTextNewLine,
        (Composer | NewTicket, "text_line_ends") => Msg::KeyTextLineEnds,
        (Composer | NewTicket, "text_kill_line") => Msg::KeyTextKillLine,
        (Composer | NewTicket, "text_kill_word") => Msg::KeyTextKillWord,
        (Composer | NewTicket, "text_words") => Msg::KeyTextWords,
        (Composer | NewTicket, "text_undo") => Msg::KeyTextUndo,
        _ => return None,
    })
}

impl KeyMap {
    /// The `?` help rows of a pane in `lang`: (keys, what they do), in table order.
    pub fn help_words(&self, pane: Pane, lang: Lang) -> Vec<(String, &'static str)> {
        // Every row the map gives is worded (a test checks), so none is left out here.
        self.help_rows(pane)
            .into_iter()
            .filter_map(|(keys, name)| Some((keys, help_msg(pane, name)?.text(lang))))
            .collect()
    }

    /// A pane's hint line from the live map: each item is the first key of each named action
    /// joined by `/`, then its word (`j/k row  Enter preview`). An item whose actions have
    /// no key is left out; `{key:PANE.ACTION}` in a word names that action's key.
    pub(crate) fn hint_line(&self, pane: Pane, items: &[(&[&str], Msg)], lang: Lang) -> String {
        let parts: Vec<String> = items
            .iter()
            .filter_map(|(names, word)| {
                let keys: Vec<String> = names
                    .iter()
                    .filter_map(|name| self.hint_label(pane, name))
                    .collect();
                let word = self.expand(word.text(lang));
                match (keys.is_empty(), names.is_empty()) {
                    (true, true) => Some(word),
                    (true, false) => None,
                    (false, _) => Some(format!("{} {word}", keys.join("/"))),
                }
            })
            .collect();
        parts.join("  ")
    }

    /// Replaces `{key:PANE.ACTION}` in the table's text with the action's live key, so
    /// words that name a key follow a rebinding. Only ever over the table's own text: an
    /// argument (a server's message) is put in after, never read for references.
    pub fn expand(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{key:") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 5..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            match self.label_for(&after[..end]) {
                Some(label) => out.push_str(&label),
                None => out.push_str(&rest[start..start + 5 + end + 1]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hint_lines_leave_out_unbound_actions_and_span_numbered_keys() {
        let map = KeyMap::from_config(
            &toml::from_str("[bulk_result]\nretry = []\nundo = \"z\"\n").unwrap(),
        )
        .unwrap();
        let line = map.hint_line(
            Pane::BulkResult,
            &[
                (&["retry"], Msg::HintRetryFailed),
                (&["undo"], Msg::HintUndoRun),
                (&["scroll_down", "scroll_up"], Msg::HintScroll),
            ],
            Lang::En,
        );
        assert_eq!(line, "z undo the run  j/k scroll");
        let digits = KeyMap::default().hint_line(
            Pane::StatusMenu,
            &[(&["pick_status"], Msg::HintPick)],
            Lang::En,
        );
        assert_eq!(digits, "1-6 pick");
    }

    #[test]
    fn every_binding_and_text_key_is_worded_in_both_languages() {
        use crate::app::keymap::{PANES, TEXT_KEYS, definitions};
        for def in definitions() {
            let msg = help_msg(def.pane, def.name)
                .unwrap_or_else(|| panic!("no words for {:?} {}", def.pane, def.name));
            for lang in [Lang::En, Lang::Zh] {
                assert!(
                    !msg.text(lang).is_empty(),
                    "{:?} {} {lang:?}",
                    def.pane,
                    def.name
                );
            }
        }
        for (_, name) in TEXT_KEYS {
            assert!(
                definitions().iter().all(|d| d.name != *name),
                "{name} is an action"
            );
            for pane in [Pane::Composer, Pane::NewTicket] {
                let msg = help_msg(pane, name).unwrap_or_else(|| panic!("no words for {name}"));
                assert!(!msg.text(Lang::En).is_empty() && !msg.text(Lang::Zh).is_empty());
            }
        }
        // A pair the map does not have is not worded (no silent catch-all).
        assert_eq!(help_msg(Pane::List, "text_undo"), None);
        assert_eq!(help_msg(Pane::Prompt, "open"), None);
        // Every row `?` shows and every hint is worded, in every pane.
        let map = KeyMap::default();
        for (pane, _) in PANES {
            for (keys, name) in map.help_rows(*pane) {
                assert!(help_msg(*pane, name).is_some(), "{pane:?} {keys} {name}");
            }
        }
    }

    #[test]
    fn help_and_hints_read_as_the_table_did() {
        let map = KeyMap::default();
        let words = |pane: Pane, rows: Vec<(String, &'static str)>| -> Vec<String> {
            rows.into_iter()
                .map(|(keys, name)| {
                    format!("{keys}={}", help_msg(pane, name).unwrap().text(Lang::En))
                })
                .collect()
        };
        let list = words(Pane::List, map.help_rows(Pane::List));
        assert_eq!(
            list[..3],
            [
                "j ↓=Move down",
                "k ↑=Move up",
                "g g Home=Go to the first row"
            ],
            "{list:?}"
        );
        let detail = words(Pane::Detail, map.help_rows(Pane::Detail));
        assert_eq!(detail[0], "j ↓=Scroll down", "{detail:?}");
        let composer = words(Pane::Composer, map.help_rows(Pane::Composer));
        assert_eq!(
            composer.last().map(String::as_str),
            Some("Ctrl-Z Ctrl-R=Undo / redo")
        );
        let hints = words(Pane::List, map.hints(Pane::List, &["help", "quit"]));
        assert_eq!(hints, ["?=Key help", "q=Quit"]);
    }

    #[test]
    fn expand_names_live_keys() {
        let map = KeyMap::default();
        assert_eq!(map.expand("press {key:list.reload} now"), "press R now");
        assert_eq!(map.expand("{key:list.nope} {key:"), "{key:list.nope} {key:");
    }
}
