//! What a bulk run will do, decided before anything is sent.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::fields::{FieldKind, FieldSet, ReplySpec, edit_tags, ticket_is_full};
use super::preview::Names;
use crate::api::model::{ApiDate, Ticket, TicketChange};

/// The version of the plan file format; a newer file is refused rather than misread.
pub const PLAN_VERSION: u32 = 1;

/// The profile and host a run applies to: a run is only ever resumed or undone there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The config profile name.
    pub profile: String,
    /// The API base URL.
    pub base_url: String,
}

/// Why a run exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunKind {
    /// A change (and/or a reply) chosen by the user.
    Change,
    /// The failed tickets of another run, sent again.
    Retry { of: String },
    /// Another run's previous values put back.
    Undo { of: String },
}

/// A change as the user asked for it: fields set alike on every ticket, plus tags added to
/// or removed from each ticket's own list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkEdit {
    /// Fields (and an optional reply) set alike on every ticket. `tags` replaces the list.
    pub change: TicketChange,
    pub tags_add: Vec<String>,
    pub tags_remove: Vec<String>,
}

impl From<TicketChange> for BulkEdit {
    fn from(change: TicketChange) -> Self {
        BulkEdit {
            change,
            ..BulkEdit::default()
        }
    }
}

/// One ticket of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedTicket {
    pub id: u64,
    /// The ticket's values, before the run, of the fields the run sets. A field missing
    /// here was not known (the ticket came from a search result) and cannot be put back.
    #[serde(default)]
    pub previous: FieldSet,
    /// The ticket's `updateDT` as known when the plan was made.
    #[serde(default)]
    pub updated: Option<ApiDate>,
    /// This ticket's own target, when it differs from the plan's common change (tags added
    /// or removed, undo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<FieldSet>,
    /// (Undo) fields of the undone run this ticket keeps as they are, with why: the others
    /// are put back. Empty for every other run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<LeftField>,
}

/// One field an undo leaves as it is on a ticket whose other fields it puts back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftField {
    pub field: FieldKind,
    /// [`ExcludeReason::ChangedSince`], [`ExcludeReason::PreviousUnknown`] or
    /// [`ExcludeReason::CurrentUnknown`].
    pub reason: ExcludeReason,
}

/// Why a ticket known to the caller is not part of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExcludeReason {
    /// Its values already equal the change.
    AlreadySet,
    /// Tags to add or remove, but the ticket's own tags are not known.
    TagsUnknown,
    /// (Undo) the ticket changed again since the run.
    ChangedSince,
    /// (Undo) the run's change never reached the ticket.
    NotApplied,
    /// (Undo) the values before the run were not known.
    PreviousUnknown,
    /// (Undo) the ticket's current state could not be read.
    CurrentUnknown,
    /// (Undo) a run that only added a reply: a reply cannot be taken back.
    ReplyOnly,
}

/// A ticket left out of a run, with its values as known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedTicket {
    pub id: u64,
    pub reason: ExcludeReason,
    #[serde(default)]
    pub previous: FieldSet,
}

/// Everything a bulk run will do; written to the journal before anything is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub(crate) version: u32,
    pub run_id: String,
    pub created: DateTime<Utc>,
    pub kind: RunKind,
    pub target: Target,
    /// The fields set alike on every ticket (a ticket's own `target` overrides).
    pub change: FieldSet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplySpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_add: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_remove: Vec<String>,
    /// The tickets to send, in order.
    pub tickets: Vec<PlannedTicket>,
    /// Tickets known to the caller but left out, with why.
    #[serde(default)]
    pub excluded: Vec<ExcludedTicket>,
    /// The names of the people, groups and fields this plan names by id, as known when it
    /// was made: the history shows them without asking the server.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    /// Send to tickets that changed on the server since the preview too (the user chose
    /// so). Otherwise each call reads its tickets first and leaves the changed ones alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub apply_anyway: bool,
}

/// When a plan is made and the id of its run, e.g. `20261129-041500-a3f9`: the time (UTC)
/// and a short suffix. Passed in rather than read inside the plan, so the console's pure
/// `update` makes plans from its own clock and a seed drawn outside it (`app::RunIds`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStamp {
    pub created: DateTime<Utc>,
    pub run_id: String,
}

impl RunStamp {
    /// A run made at `created`, with the given suffix (random, or from a random seed, so
    /// two consoles planning in the same second do not share a journal directory).
    pub(crate) fn at(created: DateTime<Utc>, suffix: u16) -> RunStamp {
        RunStamp {
            created,
            run_id: format!("{}-{suffix:04x}", created.format("%Y%m%d-%H%M%S")),
        }
    }

    /// The wall clock now and a random suffix: for the engine and the script commands.
    pub fn now() -> RunStamp {
        RunStamp::at(Utc::now(), rand::rng().random())
    }
}

impl Plan {
    /// Plans a change to the given tickets. Tickets already at the target (and no reply) are
    /// excluded as [`ExcludeReason::AlreadySet`]; with tags to add or remove, a ticket whose
    /// tags are not known is excluded as [`ExcludeReason::TagsUnknown`].
    pub fn new(edit: &BulkEdit, tickets: &[Ticket], target: Target, stamp: RunStamp) -> Plan {
        let mut change = FieldSet::from_change(&edit.change);
        let reply = edit.change.reply.as_ref().map(ReplySpec::from);
        let edits_tags = !edit.tags_add.is_empty() || !edit.tags_remove.is_empty();
        if edits_tags {
            // Each ticket gets its own list; the common change does not replace it.
            change.tags = None;
        }
        let mut kinds = change.kinds();
        if edits_tags {
            kinds.push(FieldKind::Tags);
        }

        let mut planned = Vec::new();
        let mut excluded = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for ticket in tickets {
            if !seen.insert(ticket.id) {
                continue;
            }
            let previous = FieldSet::of_ticket(ticket, &kinds);
            let own_target = if edits_tags {
                // The new list is made from the old one. A search hit carries none, and a
                // full ticket may have had `tagList: null`: not known is not empty, so the
                // ticket is left out rather than sent a list that drops its tags.
                let known = ticket.tags.as_ref().filter(|_| ticket_is_full(ticket));
                let Some(base) = edit.change.tags.as_ref().or(known).cloned() else {
                    excluded.push(ExcludedTicket {
                        id: ticket.id,
                        reason: ExcludeReason::TagsUnknown,
                        previous,
                    });
                    continue;
                };
                let mut own = change.clone();
                own.tags = Some(edit_tags(&base, &edit.tags_add, &edit.tags_remove));
                Some(own)
            } else {
                None
            };
            let wanted = own_target.as_ref().unwrap_or(&change);
            if reply.is_none() && previous.satisfies(wanted) {
                excluded.push(ExcludedTicket {
                    id: ticket.id,
                    reason: ExcludeReason::AlreadySet,
                    previous,
                });
                continue;
            }
            planned.push(PlannedTicket {
                id: ticket.id,
                previous,
                updated: ticket.updated,
                target: own_target,
                left: Vec::new(),
            });
        }
        Plan {
            version: PLAN_VERSION,
            run_id: stamp.run_id,
            created: stamp.created,
            kind: RunKind::Change,
            target,
            change,
            reply,
            tags_add: edit.tags_add.clone(),
            tags_remove: edit.tags_remove.clone(),
            tickets: planned,
            excluded,
            names: Names::default(),
            apply_anyway: false,
        }
    }

    /// Keeps the names (from `names`) of the agents, groups, custom fields and templates
    /// this plan names by id, for its preview in the history.
    pub(crate) fn remember_names(&mut self, names: &Names) {
        let mut kept = Names::default();
        let sets = std::iter::once(&self.change)
            .chain(self.tickets.iter().map(|t| &t.previous))
            .chain(self.tickets.iter().filter_map(|t| t.target.as_ref()))
            .chain(self.excluded.iter().map(|t| &t.previous));
        for set in sets {
            let agents = set
                .assignee_id
                .iter()
                .chain(set.cc_user_ids.iter().flatten());
            for id in agents {
                if let Some(name) = names.agents.get(id) {
                    kept.agents.insert(*id, name.clone());
                }
            }
            let groups = set.group_id.iter().chain(set.cc_group_ids.iter().flatten());
            for id in groups {
                if let Some(name) = names.groups.get(id) {
                    kept.groups.insert(*id, name.clone());
                }
            }
            for key in set.custom_fields.keys().chain(set.tables.keys()) {
                if let Some(name) = names.fields.get(key) {
                    kept.fields.insert(key.clone(), name.clone());
                }
            }
            if let Some(id) = set.template_id
                && let Some(name) = names.templates.get(&id)
            {
                kept.templates.insert(id, name.clone());
            }
        }
        self.names = kept.or(&self.names);
    }

    /// The target of one ticket of this plan.
    pub fn target_of<'a>(&'a self, ticket: &'a PlannedTicket) -> &'a FieldSet {
        ticket.target.as_ref().unwrap_or(&self.change)
    }

    /// The fields this run sets on some ticket.
    pub(crate) fn kinds(&self) -> Vec<FieldKind> {
        let mut kinds = self.change.kinds();
        for ticket in &self.tickets {
            if let Some(own) = &ticket.target {
                for kind in own.kinds() {
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
            }
        }
        kinds
    }

    /// The planned ticket with this id.
    pub fn ticket(&self, id: u64) -> Option<&PlannedTicket> {
        self.tickets.iter().find(|t| t.id == id)
    }

    /// A plan with a fresh id (`stamp`) that sends the given tickets of this plan again,
    /// with the same targets and previous values.
    pub fn subset(&self, ids: &[u64], kind: RunKind, stamp: RunStamp) -> Plan {
        let wanted: std::collections::HashSet<u64> = ids.iter().copied().collect();
        Plan {
            version: PLAN_VERSION,
            run_id: stamp.run_id,
            created: stamp.created,
            kind,
            target: self.target.clone(),
            change: self.change.clone(),
            reply: self.reply.clone(),
            tags_add: self.tags_add.clone(),
            tags_remove: self.tags_remove.clone(),
            tickets: self
                .tickets
                .iter()
                .filter(|t| wanted.contains(&t.id))
                .cloned()
                .collect(),
            excluded: Vec::new(),
            names: self.names.clone(),
            apply_anyway: self.apply_anyway,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::model::TicketStatus;

    fn ticket(id: u64, status: TicketStatus, tags: &[&str]) -> Ticket {
        Ticket {
            id,
            status: Some(status),
            tags: Some(tags.iter().map(|t| t.to_string()).collect()),
            ..Ticket::default()
        }
    }

    #[test]
    fn tickets_already_at_the_target_are_skipped() {
        let edit = BulkEdit::from(TicketChange {
            status: Some(TicketStatus::Solved),
            ..TicketChange::default()
        });
        let tickets = [
            ticket(1, TicketStatus::Open, &[]),
            ticket(2, TicketStatus::Solved, &[]),
            ticket(1, TicketStatus::Open, &[]),
        ];
        let plan = Plan::new(
            &edit,
            &tickets,
            Target::default(),
            crate::bulk::RunStamp::now(),
        );
        assert_eq!(plan.tickets.len(), 1);
        assert_eq!(plan.tickets[0].previous.status, Some(2));
        assert_eq!(plan.excluded.len(), 1);
        assert_eq!(plan.excluded[0].reason, ExcludeReason::AlreadySet);
    }

    #[test]
    fn tag_edits_give_each_ticket_its_own_list() {
        let edit = BulkEdit {
            tags_add: vec!["vip".into()],
            tags_remove: vec!["old".into()],
            ..BulkEdit::default()
        };
        let tickets = [
            ticket(1, TicketStatus::Open, &["old", "x"]),
            ticket(2, TicketStatus::Open, &["vip"]),
            Ticket {
                id: 3,
                ..Ticket::default()
            },
        ];
        let plan = Plan::new(
            &edit,
            &tickets,
            Target::default(),
            crate::bulk::RunStamp::now(),
        );
        assert_eq!(plan.tickets.len(), 1);
        assert_eq!(
            plan.target_of(&plan.tickets[0]).tags,
            Some(vec!["x".to_string(), "vip".to_string()])
        );
        let reasons: Vec<_> = plan.excluded.iter().map(|e| e.reason.clone()).collect();
        assert_eq!(
            reasons,
            vec![ExcludeReason::AlreadySet, ExcludeReason::TagsUnknown]
        );
    }

    #[test]
    fn run_ids_carry_the_time() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T04:15:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = RunStamp::at(now, 0xa3f9).run_id;
        assert_eq!(id, "20261129-041500-a3f9");
        // The plan takes its time and id as given: it reads no clock of its own.
        let plan = Plan::new(
            &BulkEdit::default(),
            &[],
            Target::default(),
            RunStamp::at(now, 1),
        );
        assert_eq!(
            (plan.run_id.as_str(), plan.created),
            ("20261129-041500-0001", now)
        );
    }
}
