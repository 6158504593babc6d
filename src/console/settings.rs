//! The config's views, SLA targets, macros and watches (or the demo's) as the app's settings.

use super::Error;
use crate::api::SearchQuery;
use crate::app::columns::ListColumn;
use crate::app::keymap::KeyMap;
use crate::app::sla::{SlaTarget, SlaTargets};
use crate::app::{ViewName, ViewSource, ViewSpec};
use crate::config::{ViewDef, ViewKind};
use crate::lang::Lang;
use crate::words::{Msg, fill};

/// `[sla]` as the app reads it.
pub(super) fn sla_targets(file: &crate::config::file::SlaFile) -> SlaTargets {
    SlaTargets {
        by_priority: file
            .targets()
            .map(|(first_response, resolution)| SlaTarget {
                first_response,
                resolution,
            }),
        warn_percent: file.warn_percent(),
    }
}

/// Views from the config file, after the defaults; a search that does not parse is left
/// out with a warning.
pub(super) fn views_from_config(defs: &[ViewDef], lang: Lang) -> (Vec<ViewSpec>, Vec<String>) {
    let mut views = Vec::new();
    let mut warnings = Vec::new();
    for def in defs {
        let source = match &def.kind {
            ViewKind::List(query) => ViewSource::List(query.clone()),
            ViewKind::Search(text) => match SearchQuery::parse(text) {
                Ok(query) => ViewSource::Search(query),
                Err(error) => {
                    let reason = crate::words::query_error(lang, &error);
                    warnings.push(fill(lang, Msg::ViewBadSearch, &[&def.name, &reason]));
                    continue;
                }
            },
        };
        views.push(ViewSpec {
            name: ViewName::Custom(def.name.clone()),
            source,
            fallback: None,
            columns: def
                .columns
                .as_ref()
                .map(|names| names.iter().map(|n| ListColumn::parse(n)).collect()),
        });
    }
    (views, warnings)
}

/// The config's `[[macros]]` for the app; a key that does not parse stops the start,
/// naming where it is written.
pub(super) fn macros_from_config(
    resolved: &crate::config::Resolved,
    lang: Lang,
) -> Result<Vec<crate::app::macros::Macro>, Error> {
    use crate::app::macros::{Assignee, Macro, MacroChange};
    use crate::config::file::AssigneeDef;
    let mut macros = Vec::new();
    for (index, def) in resolved.macros.iter().enumerate() {
        let path = format!("macros[{index}].key");
        let key = match &def.key {
            Some(text) => Some(crate::app::keymap::Keys::parse(text).map_err(|problem| {
                format!("{}{path}: {}", resolved.locate(&path), problem.text(lang))
            })?),
            None => None,
        };
        // A macro's key is one key: a sequence would wait on its first key in the list.
        if let Some(crate::app::keymap::Keys::Two(..)) = key {
            return Err(format!(
                "{}{path}: {}",
                resolved.locate(&path),
                Msg::MacroKeyOne.text(lang)
            )
            .into());
        }
        macros.push(Macro {
            name: crate::text::clean(&def.name),
            key,
            change: MacroChange {
                status: def.status,
                priority: def.priority,
                ticket_type: def.ticket_type,
                assignee: def.assignee.map(|a| match a {
                    AssigneeDef::Me => Assignee::Me,
                    AssigneeDef::Id(id) => Assignee::Id(id),
                }),
                group: def.group,
                tags_add: def.tags_add.clone(),
                tags_remove: def.tags_remove.clone(),
                custom_fields: def.custom_fields.clone(),
            },
            snippet: def.snippet.clone(),
            builtin: false,
        });
    }
    Ok(macros)
}

/// The demo's canned replies and macro, in the UI language, when the config has none.
pub(super) fn demo_snippets_and_macros(
    lang: Lang,
) -> (
    Vec<crate::config::file::SnippetDef>,
    Vec<crate::app::macros::Macro>,
) {
    use crate::app::macros::{Assignee, Macro, MacroChange};
    use crate::config::file::SnippetDef;
    let snippet = |name: &str, title: Msg, body: Msg| SnippetDef {
        name: name.to_string(),
        title: title.text(lang).to_string(),
        body: body.text(lang).to_string(),
    };
    let snippets = vec![
        snippet(
            "thanks",
            Msg::DemoSnippetThanksTitle,
            Msg::DemoSnippetThanks,
        ),
        snippet("need-info", Msg::DemoSnippetInfoTitle, Msg::DemoSnippetInfo),
    ];
    let macros = vec![Macro {
        name: Msg::DemoMacroSolve.text(lang).to_string(),
        key: None,
        change: MacroChange {
            status: Some(crate::api::TicketStatus::Solved),
            assignee: Some(Assignee::Me),
            ..MacroChange::default()
        },
        snippet: Some("thanks".to_string()),
        builtin: false,
    }];
    (snippets, macros)
}

/// A macro's key that the list or the ticket view already binds (or an earlier macro has)
/// stays theirs: said at start, so the macro is applied from the `m` menu instead.
pub(super) fn macro_keys_taken(
    macros: &[crate::app::macros::Macro],
    keymap: &KeyMap,
    lang: Lang,
) -> Vec<String> {
    use crate::app::keymap::{Keys, Resolution};
    use crate::app::state::Pane;
    let mut taken = Vec::new();
    for (index, m) in macros.iter().enumerate() {
        let Some(Keys::One(key)) = m.key else {
            continue;
        };
        let bound = [Pane::List, Pane::Detail]
            .into_iter()
            .find(|pane| !matches!(keymap.resolve(*pane, None, key), Resolution::None));
        let earlier = macros[..index].iter().any(|e| e.key == m.key);
        let by = match (bound, earlier) {
            (Some(pane), _) => crate::app::keymap::pane_name(pane).to_string(),
            (None, true) => Msg::MacroMenuTitle.text(lang).to_string(),
            (None, false) => continue,
        };
        let named = |text: &str| keymap.expand(text);
        taken.push(crate::words::fill_keyed(
            lang,
            Msg::MacroKeyTaken,
            &[&m.name, &key.label(), &by],
            &named,
        ));
    }
    taken
}

/// The views the config watches, by name.
pub(super) fn watched_views(defs: &[ViewDef]) -> Vec<(ViewName, crate::app::watch::Watch)> {
    use crate::app::watch::Watch;
    use crate::config::file::WatchKind;
    defs.iter()
        .filter_map(|def| {
            let watch = match def.watch? {
                WatchKind::Bell => Watch::Bell,
                WatchKind::Desktop => Watch::Desktop,
                WatchKind::Both => Watch::Both,
            };
            Some((ViewName::Custom(def.name.clone()), watch))
        })
        .collect()
}
