//! What `tickets list` and `tickets search` printed, page by page (one, or every page with
//! `--all`), and the exit code and notes on standard error that follow from it.

use std::io;

use super::{io_error, warn_bad_items, warn_unreadable_fields};
use crate::api::model::Ticket;
use crate::lang::Lang;
use crate::script::output::TicketWriter;
use crate::script::{Exit, ScriptError};
use crate::words;

/// What a list or search printed: every ticket the server sent is either printed or
/// counted here as unreadable, so that a script never takes a part for the whole.
#[derive(Debug, Default)]
pub(super) struct Tally {
    printed: u64,
    unreadable: Vec<Option<u64>>,
    /// The last page's count and whether the server said more pages exist.
    count: Option<u64>,
    more: bool,
    /// The output's language, taken from the writer each page goes to.
    lang: Lang,
}

impl Tally {
    pub(super) fn page(
        &mut self,
        page: crate::api::model::Page<Ticket>,
        out: &mut TicketWriter<io::StdoutLock<'static>>,
    ) -> Result<(), ScriptError> {
        self.lang = out.lang();
        warn_bad_items(self.lang, &page.bad_items);
        self.unreadable
            .extend(page.bad_items.iter().map(|bad| bad.ticket_id));
        self.count = page.count;
        self.more = page.next_page.is_some();
        for ticket in page.items {
            warn_unreadable_fields(self.lang, &ticket);
            out.write(ticket).map_err(io_error)?;
            self.printed += 1;
        }
        Ok(())
    }

    /// Says on standard error what was left out, and answers the exit code: 4 when a
    /// ticket could not be read. `first_page` is the page asked for without `--all`.
    pub(super) fn finish(&self, all: bool, first_page: Option<u32>) -> Exit {
        let sent = self.printed + self.unreadable.len() as u64;
        if !all {
            let page = first_page.unwrap_or(1);
            // Past page 1 only the server's link says more follow (the count is of all).
            let more = self.more || (page <= 1 && self.count.is_some_and(|count| count > sent));
            if more {
                // Without a count the server gave only a link to the next page.
                let place = (page > 1).then_some(page);
                let text = words::script::shown_of(self.lang, sent, self.count, place);
                eprintln!("gongdan: {text}");
            }
        }
        if self.unreadable.is_empty() {
            return Exit::Done;
        }
        let ids: Vec<u64> = self.unreadable.iter().flatten().copied().collect();
        let without_id = self.unreadable.len() - ids.len();
        let text =
            words::script::not_in_output(self.lang, self.unreadable.len(), sent, &ids, without_id);
        eprintln!("gongdan: {text}");
        Exit::Partial
    }
}
