//! What `tickets list` and `tickets search` printed, page by page (one, or every page with
//! `--all`), and the exit code and notes on standard error that follow from it.

use std::io;

use super::{io_error, join_ids, warn_bad_items, warn_unreadable_fields};
use crate::api::model::Ticket;
use crate::script::output::TicketWriter;
use crate::script::{Exit, ScriptError};

/// What a list or search printed: every ticket the server sent is either printed or
/// counted here as unreadable, so that a script never takes a part for the whole.
#[derive(Debug, Default)]
pub(super) struct Tally {
    printed: u64,
    unreadable: Vec<Option<u64>>,
    /// The last page's count and whether the server said more pages exist.
    count: Option<u64>,
    more: bool,
}

impl Tally {
    pub(super) fn page(
        &mut self,
        page: crate::api::model::Page<Ticket>,
        out: &mut TicketWriter<io::StdoutLock<'static>>,
    ) -> Result<(), ScriptError> {
        warn_bad_items(&page.bad_items);
        self.unreadable
            .extend(page.bad_items.iter().map(|bad| bad.ticket_id));
        self.count = page.count;
        self.more = page.next_page.is_some();
        for ticket in page.items {
            warn_unreadable_fields(&ticket);
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
                let place = if page > 1 {
                    format!(" (page {page})")
                } else {
                    String::new()
                };
                match self.count {
                    Some(count) => {
                        eprintln!("gongdan: {sent} of {count} shown{place}; --all for every page")
                    }
                    // The server gave no count, only a link to the next page.
                    None => {
                        eprintln!("gongdan: {sent} shown{place}, more exist; --all for every page")
                    }
                }
            }
        }
        if self.unreadable.is_empty() {
            return Exit::Done;
        }
        let ids: Vec<u64> = self.unreadable.iter().flatten().copied().collect();
        let without_id = self.unreadable.len() - ids.len();
        let mut named = if ids.is_empty() {
            String::new()
        } else {
            format!(": {}", join_ids(&ids))
        };
        if without_id > 0 {
            named.push_str(&format!(" ({without_id} without a readable id)"));
        }
        eprintln!(
            "gongdan: {} of {sent} tickets could not be read and are not in the output{named}",
            self.unreadable.len()
        );
        Exit::Partial
    }
}
