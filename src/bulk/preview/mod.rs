//! What a plan will change, grouped for a human to confirm.
//!
//! - this file: the preview as data ([`Preview::of`] a plan), per field and per tag;
//! - `lines.rs`: the confirm screen's lines as typed data (worded by `words::bulk`).

mod lines;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fields::{FieldKind, FieldValue};
use super::plan::{ExcludeReason, Plan, RunKind};

pub(crate) use self::lines::{PreviewLine, PreviewNote};

/// Names for ids, from the cached lookups; an id without a name is shown as `#id`. A plan
/// keeps the names of its own ids (see [`Plan::remember_names`](super::Plan::remember_names)),
/// so that the history names people without asking the server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Names {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub agents: BTreeMap<u64, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) groups: BTreeMap<u64, String>,
    /// Custom field key (`field_N`) to its name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) fields: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) templates: BTreeMap<u64, String>,
}

impl Names {
    pub(crate) fn is_empty(&self) -> bool {
        self.agents.is_empty()
            && self.groups.is_empty()
            && self.fields.is_empty()
            && self.templates.is_empty()
    }

    /// These names, with `other`'s for the ids these do not name.
    pub(crate) fn or(&self, other: &Names) -> Names {
        let mut names = other.clone();
        names.agents.extend(self.agents.clone());
        names.groups.extend(self.groups.clone());
        names.fields.extend(self.fields.clone());
        names.templates.extend(self.templates.clone());
        names
    }
}

/// One tag's change across a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagChange {
    pub(crate) tag: String,
    /// Tickets of the run that get the tag (added) or lose it (removed).
    pub(crate) tickets: usize,
    /// For a tag the edit adds: tickets that already had it; for one it removes: tickets
    /// that did not have it (of the run and of those skipped as already set). `None` when
    /// the edit does not name the tag (a replaced list, an undo).
    pub(crate) besides: Option<usize>,
}

/// What happens to tags across the run, per tag (never per distinct set of tags).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TagsPreview {
    pub(crate) added: Vec<TagChange>,
    pub(crate) removed: Vec<TagChange>,
    /// Tickets left out because their tags are not known (the plan's
    /// [`ExcludeReason::TagsUnknown`]): nothing of theirs is changed.
    pub(crate) unknown: usize,
}

impl TagsPreview {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.unknown == 0
    }
}

/// One "from → to" group of a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// `None` when the ticket's value before the run is not known.
    pub from: Option<FieldValue>,
    pub(crate) to: FieldValue,
    pub count: usize,
}

/// What happens to one field across the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldPreview {
    pub(crate) field: FieldKind,
    /// Largest group first.
    pub transitions: Vec<Transition>,
    /// Tickets of the run whose value of this field is already the target (other fields
    /// of theirs change).
    pub(crate) unchanged: usize,
}

/// The grouped, exact preview of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub(crate) kind: RunKind,
    /// Tickets that will be sent.
    pub to_change: usize,
    /// Tickets left out because they already have the target values.
    pub skipped: usize,
    /// The target of the skipped tickets when the plan has one common target of one field
    /// (for "3 already 已解决").
    pub(crate) skipped_value: Option<FieldValue>,
    /// Other tickets left out, by reason.
    pub(crate) excluded: Vec<(ExcludeReason, usize)>,
    pub fields: Vec<FieldPreview>,
    /// The reply every ticket of the run gets.
    pub(crate) reply: Option<String>,
    /// Tickets of the run whose values before the run are not known (they cannot be
    /// undone).
    pub(crate) previous_unknown: usize,
    /// Of the other tickets of the run, how many have a field whose value before the run
    /// the server left out, per field: the run sets it, an undo cannot put it back.
    pub(crate) previous_unknown_fields: Vec<(FieldKind, usize)>,
    /// (Undo) tickets whose other fields go back while some fields stay as they are, per
    /// field and reason (changed since, not known before or now).
    pub(crate) fields_left: Vec<(FieldKind, ExcludeReason, usize)>,
    /// The tags' changes per tag (the tags field's `transitions` keep only tickets whose
    /// tags before are not known).
    pub(crate) tags: Option<TagsPreview>,
}

impl Preview {
    pub fn of(plan: &Plan) -> Preview {
        let kinds = plan.kinds();
        let mut fields = Vec::new();
        for kind in &kinds {
            let mut groups: Vec<Transition> = Vec::new();
            let mut unchanged = 0;
            for ticket in &plan.tickets {
                let Some(to) = plan.target_of(ticket).get(kind) else {
                    continue;
                };
                let from = ticket.previous.get(kind);
                if from.as_ref().is_some_and(|f| f.same_as(&to)) {
                    unchanged += 1;
                    continue;
                }
                // Known tags are counted per tag (below), never grouped per distinct set.
                if *kind == FieldKind::Tags && from.is_some() {
                    continue;
                }
                let from_key = from.as_ref().map(FieldValue::key);
                match groups
                    .iter_mut()
                    .find(|g| g.from.as_ref().map(FieldValue::key) == from_key && g.to.same_as(&to))
                {
                    Some(group) => group.count += 1,
                    None => groups.push(Transition { from, to, count: 1 }),
                }
            }
            // Largest first; ties in a stable order by value.
            groups.sort_by(|a, b| {
                b.count.cmp(&a.count).then_with(|| {
                    let key = |t: &Transition| (t.from.as_ref().map(FieldValue::key), t.to.key());
                    key(a).cmp(&key(b))
                })
            });
            fields.push(FieldPreview {
                field: kind.clone(),
                transitions: groups,
                unchanged,
            });
        }

        let mut skipped = 0;
        let mut excluded: Vec<(ExcludeReason, usize)> = Vec::new();
        let tags = kinds
            .contains(&FieldKind::Tags)
            .then(|| tags_preview(plan))
            .filter(|t| !t.is_empty())
            .or_else(|| {
                let unknown = plan
                    .excluded
                    .iter()
                    .filter(|t| t.reason == ExcludeReason::TagsUnknown)
                    .count();
                (unknown > 0).then(|| TagsPreview {
                    unknown,
                    ..TagsPreview::default()
                })
            });
        for ticket in &plan.excluded {
            if ticket.reason == ExcludeReason::AlreadySet {
                skipped += 1;
                continue;
            }
            if ticket.reason == ExcludeReason::TagsUnknown {
                // Counted with the tags (`TagsPreview::unknown`).
                continue;
            }
            match excluded.iter_mut().find(|(r, _)| r == &ticket.reason) {
                Some((_, n)) => *n += 1,
                None => excluded.push((ticket.reason.clone(), 1)),
            }
        }
        let common = plan.change.kinds();
        let skipped_value = match (
            common.as_slice(),
            plan.tags_add.is_empty() && plan.tags_remove.is_empty(),
        ) {
            ([only], true) => plan.change.get(only),
            _ => None,
        };
        // Nothing known before (a search hit): the ticket cannot be undone. Some fields not
        // known (the server left them out): those fields cannot be, counted per field.
        let mut previous_unknown = 0;
        let mut previous_unknown_fields: Vec<(FieldKind, usize)> = Vec::new();
        let mut fields_left: Vec<(FieldKind, ExcludeReason, usize)> = Vec::new();
        for ticket in &plan.tickets {
            let kinds = plan.target_of(ticket).kinds();
            if ticket.previous.is_empty() && !kinds.is_empty() {
                previous_unknown += 1;
            } else {
                for kind in kinds.iter().filter(|k| ticket.previous.get(k).is_none()) {
                    match previous_unknown_fields.iter_mut().find(|(k, _)| k == kind) {
                        Some((_, n)) => *n += 1,
                        None => previous_unknown_fields.push((kind.clone(), 1)),
                    }
                }
            }
            for left in &ticket.left {
                match fields_left
                    .iter_mut()
                    .find(|(k, r, _)| k == &left.field && r == &left.reason)
                {
                    Some((_, _, n)) => *n += 1,
                    None => fields_left.push((left.field.clone(), left.reason.clone(), 1)),
                }
            }
        }
        Preview {
            kind: plan.kind.clone(),
            to_change: plan.tickets.len(),
            skipped,
            skipped_value,
            excluded,
            fields,
            reply: plan.reply.as_ref().map(|r| r.message.clone()),
            previous_unknown,
            previous_unknown_fields,
            fields_left,
            tags,
        }
    }

    /// Whether the user must type the count to confirm (more tickets than the threshold).
    pub fn needs_typed_confirmation(&self, threshold: usize) -> bool {
        self.to_change > threshold
    }
}

/// The tags' changes per tag: who gains or loses each, and for the tags the edit names, who
/// already had (or never had) it.
fn tags_preview(plan: &Plan) -> TagsPreview {
    fn clean(tags: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for tag in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if !out.iter().any(|o| o == tag) {
                out.push(tag.to_string());
            }
        }
        out
    }
    let mut gained: BTreeMap<String, usize> = BTreeMap::new();
    let mut lost: BTreeMap<String, usize> = BTreeMap::new();
    for ticket in &plan.tickets {
        let (Some(to), Some(from)) = (&plan.target_of(ticket).tags, &ticket.previous.tags) else {
            continue;
        };
        let (to, from) = (clean(to), clean(from));
        for tag in to.iter().filter(|t| !from.contains(t)) {
            *gained.entry(tag.clone()).or_default() += 1;
        }
        for tag in from.iter().filter(|t| !to.contains(t)) {
            *lost.entry(tag.clone()).or_default() += 1;
        }
    }
    // Every ticket whose tags are known: of the run, and those skipped as already set.
    let known: Vec<Vec<String>> = plan
        .tickets
        .iter()
        .map(|t| &t.previous)
        .chain(
            plan.excluded
                .iter()
                .filter(|e| e.reason == ExcludeReason::AlreadySet)
                .map(|e| &e.previous),
        )
        .filter_map(|previous| previous.tags.as_deref().map(clean))
        .collect();
    let changes = |named: &[String], counts: &BTreeMap<String, usize>, had: bool| {
        let named = clean(named);
        let mut out: Vec<TagChange> = named
            .iter()
            .map(|tag| TagChange {
                tag: tag.clone(),
                tickets: counts.get(tag).copied().unwrap_or(0),
                besides: Some(known.iter().filter(|t| t.contains(tag) == had).count()),
            })
            .collect();
        let mut rest: Vec<TagChange> = counts
            .iter()
            .filter(|(tag, _)| !named.contains(tag))
            .map(|(tag, n)| TagChange {
                tag: tag.clone(),
                tickets: *n,
                besides: None,
            })
            .collect();
        // Most tickets first; ties shorter first, then in tag order (标签2 before 标签10).
        rest.sort_by(|a, b| {
            b.tickets
                .cmp(&a.tickets)
                .then(a.tag.chars().count().cmp(&b.tag.chars().count()))
                .then(a.tag.cmp(&b.tag))
        });
        out.extend(rest);
        out
    };
    TagsPreview {
        added: changes(&plan.tags_add, &gained, true),
        removed: changes(&plan.tags_remove, &lost, false),
        unknown: plan
            .excluded
            .iter()
            .filter(|t| t.reason == ExcludeReason::TagsUnknown)
            .count(),
    }
}
