//! Canned replies (issue 17, item 1): the snippets the config and the snippet folder give
//! (read at start by `config::snippets`, outside `app`), the composer's picker over them
//! (fuzzy matching by `nucleo-matcher`, the matcher helix uses) and the values of their
//! variables, filled in one pass by [`crate::text::placeholders`].

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use super::state::App;
use crate::text::placeholders::{Filled, Var, fill};

/// One canned reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// What `--reply-snippet` and a macro's `snippet` name it by.
    pub name: String,
    /// What the picker shows.
    pub title: String,
    pub body: String,
}

/// The snippets matching `query`, best first, as indices into `snippets`; all of them in
/// their order when the query is empty. The name and the title are matched.
pub fn matching(snippets: &[Snippet], query: &str) -> Vec<usize> {
    if query.trim().is_empty() {
        return (0..snippets.len()).collect();
    }
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let haystacks: Vec<(usize, String)> = snippets
        .iter()
        .enumerate()
        .map(|(i, s)| (i, format!("{} {}", s.title, s.name)))
        .collect();
    let mut scored: Vec<(usize, u32)> = haystacks
        .iter()
        .filter_map(|(i, text)| {
            let mut buf = Vec::new();
            pattern
                .score(nucleo_matcher::Utf32Str::new(text, &mut buf), &mut matcher)
                .map(|score| (*i, score))
        })
        .collect();
    // Best first; ties in the snippets' own order, so the list never jumps about.
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().map(|(i, _)| i).collect()
}

/// The signed-in agent's id, when the agents list named the login (`None`: not known).
pub(crate) fn me(app: &App) -> Option<u64> {
    app.lookups.me
}

/// The value of a variable for a reply to `ticket` (`None` for a reply to many, where the
/// ticket's own values differ): `None` when not known.
pub(crate) fn value(app: &App, ticket: Option<u64>, var: Var) -> Option<String> {
    match var {
        Var::TicketId => ticket.map(|id| id.to_string()),
        Var::Subject => {
            let ticket = app.tickets.get(&ticket?)?;
            // A row read but never given a subject has none known.
            (!ticket.subject.is_empty()).then_some(ticket.subject)
        }
        Var::Contact => {
            let contact = app.tickets.get(&ticket?)?.contact_id?;
            let name = &app.lookups.contact(contact)?.name;
            (!name.is_empty()).then(|| name.clone())
        }
        Var::Agent => {
            let me = me(app)?;
            app.lookups.agents.get(&me)?.ready().cloned()
        }
        Var::Today => Some(app.now.date().format("%Y-%m-%d").to_string()),
    }
}

/// A snippet's body filled for a reply to `ticket`.
pub(crate) fn filled(app: &App, ticket: Option<u64>, body: &str) -> Filled {
    fill(body, |var| value(app, ticket, var))
}
