//! What a plan will change, grouped for a human to confirm.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fields::{FieldKind, FieldValue};
use super::plan::{ExcludeReason, Plan, RunKind};
use crate::api::model::{Priority, TicketSource, TicketStatus, TicketType};
use crate::lang::Lang;

/// Names for ids, from the cached lookups; an id without a name is shown as `#id`. A plan
/// keeps the names of its own ids (see [`Plan::remember_names`](super::Plan::remember_names)),
/// so that the history names people without asking the server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Names {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub agents: BTreeMap<u64, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<u64, String>,
    /// Custom field key (`field_N`) to its name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<u64, String>,
}

impl Names {
    pub fn is_empty(&self) -> bool {
        self.agents.is_empty()
            && self.groups.is_empty()
            && self.fields.is_empty()
            && self.templates.is_empty()
    }

    /// These names, with `other`'s for the ids these do not name.
    pub fn or(&self, other: &Names) -> Names {
        let mut names = other.clone();
        names.agents.extend(self.agents.clone());
        names.groups.extend(self.groups.clone());
        names.fields.extend(self.fields.clone());
        names.templates.extend(self.templates.clone());
        names
    }
}

/// One tag's change across a run.
#[derive(Debug, Clone, PartialEq)]
pub struct TagChange {
    pub tag: String,
    /// Tickets of the run that get the tag (added) or lose it (removed).
    pub tickets: usize,
    /// For a tag the edit adds: tickets that already had it; for one it removes: tickets
    /// that did not have it (of the run and of those skipped as already set). `None` when
    /// the edit does not name the tag (a replaced list, an undo).
    pub besides: Option<usize>,
}

/// What happens to tags across the run, per tag (never per distinct set of tags).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagsPreview {
    pub added: Vec<TagChange>,
    pub removed: Vec<TagChange>,
    /// Tickets left out because their tags are not known (the plan's
    /// [`ExcludeReason::TagsUnknown`]): nothing of theirs is changed.
    pub unknown: usize,
}

impl TagsPreview {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.unknown == 0
    }
}

/// One "from → to" group of a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// `None` when the ticket's value before the run is not known.
    pub from: Option<FieldValue>,
    pub to: FieldValue,
    pub count: usize,
}

/// What happens to one field across the run.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPreview {
    pub field: FieldKind,
    /// Largest group first.
    pub transitions: Vec<Transition>,
    /// Tickets of the run whose value of this field is already the target (other fields
    /// of theirs change).
    pub unchanged: usize,
}

/// The grouped, exact preview of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub kind: RunKind,
    /// Tickets that will be sent.
    pub to_change: usize,
    /// Tickets left out because they already have the target values.
    pub skipped: usize,
    /// The target of the skipped tickets when the plan has one common target of one field
    /// (for "3 already 已解决").
    pub skipped_value: Option<FieldValue>,
    /// Other tickets left out, by reason.
    pub excluded: Vec<(ExcludeReason, usize)>,
    pub fields: Vec<FieldPreview>,
    /// The reply every ticket of the run gets.
    pub reply: Option<String>,
    /// Tickets of the run whose values before the run are not known (they cannot be
    /// undone).
    pub previous_unknown: usize,
    /// Of the other tickets of the run, how many have a field whose value before the run
    /// the server left out, per field: the run sets it, an undo cannot put it back.
    pub previous_unknown_fields: Vec<(FieldKind, usize)>,
    /// (Undo) tickets whose other fields go back while some fields stay as they are, per
    /// field and reason (changed since, not known before or now).
    pub fields_left: Vec<(FieldKind, ExcludeReason, usize)>,
    /// The tags' changes per tag (the tags field's `transitions` keep only tickets whose
    /// tags before are not known).
    pub tags: Option<TagsPreview>,
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

    /// One line, e.g. `237 tickets: 已开启 → 已解决 201, 待回应 → 已解决 36; 3 already 已解决,
    /// skipped`.
    pub fn summary(&self, lang: Lang) -> String {
        self.summary_with(lang, &Names::default())
    }

    /// [`Preview::summary`] with names for agents, groups and fields.
    pub fn summary_with(&self, lang: Lang, names: &Names) -> String {
        let zh = lang == Lang::Zh;
        let mut parts: Vec<String> = Vec::new();
        let changing = self.changing();
        let tag_items = self.tag_items(lang, false);
        let name_fields = changing.len() + usize::from(!tag_items.is_empty()) > 1;
        let sep = if zh { "，" } else { ", " };
        for field in &changing {
            let mut text = self.field_groups(field, lang, names);
            if name_fields {
                text = format!("{} {text}", field_label(&field.field, lang, names));
            }
            parts.push(text);
        }
        if !tag_items.is_empty() {
            let mut text = tag_items.join(sep);
            if name_fields {
                text = format!("{} {text}", field_label(&FieldKind::Tags, lang, names));
            }
            parts.push(text);
        }
        parts.extend(self.notes(lang, names, false));
        let head = self.head(lang);
        if parts.is_empty() {
            return head;
        }
        if zh {
            format!("{head}：{}", parts.join("；"))
        } else {
            format!("{head}: {}", parts.join("; "))
        }
    }

    /// The preview as lines that read at a glance: how many tickets, then one line per
    /// field changed (`status: pending → solved 59`), one per tag added or removed
    /// (`tags: +升级 on 212, 6 already had it`), then what is skipped or left out.
    pub fn lines(&self, lang: Lang, names: &Names) -> Vec<String> {
        let zh = lang == Lang::Zh;
        let colon = if zh { "：" } else { ": " };
        let mut lines = vec![self.head(lang)];
        for field in self.changing() {
            lines.push(format!(
                "{}{colon}{}",
                field_label(&field.field, lang, names),
                self.field_groups(field, lang, names)
            ));
        }
        let tags = field_label(&FieldKind::Tags, lang, names);
        for item in self.tag_items(lang, true) {
            lines.push(format!("{tags}{colon}{item}"));
        }
        lines.extend(self.notes(lang, names, true));
        lines
    }

    /// "237 tickets", "undo 4 tickets".
    fn head(&self, lang: Lang) -> String {
        match (&self.kind, lang == Lang::Zh) {
            (RunKind::Undo { .. }, true) => format!("撤销 {} 张工单", self.to_change),
            (RunKind::Undo { .. }, false) => format!("undo {} tickets", self.to_change),
            (_, true) => format!("{} 张工单", self.to_change),
            (_, false) if self.to_change == 1 => "1 ticket".to_string(),
            (_, false) => format!("{} tickets", self.to_change),
        }
    }

    fn changing(&self) -> Vec<&FieldPreview> {
        self.fields
            .iter()
            .filter(|f| !f.transitions.is_empty())
            .collect()
    }

    /// A field's groups: `open → solved 201, pending → solved 36 (3 unchanged)`.
    fn field_groups(&self, field: &FieldPreview, lang: Lang, names: &Names) -> String {
        let zh = lang == Lang::Zh;
        let groups: Vec<String> = field
            .transitions
            .iter()
            .map(|t| {
                let from = match &t.from {
                    Some(v) => value_label(v, lang, names),
                    None => if zh { "未知" } else { "?" }.to_string(),
                };
                format!("{from} → {} {}", value_label(&t.to, lang, names), t.count)
            })
            .collect();
        let mut text = groups.join(if zh { "，" } else { ", " });
        if field.unchanged > 0 {
            text.push_str(&if zh {
                format!("（{} 张不变）", field.unchanged)
            } else {
                format!(" ({} unchanged)", field.unchanged)
            });
        }
        text
    }

    /// One item per tag added or removed; `line` words it for a line of its own, else for
    /// a list inside one line.
    fn tag_items(&self, lang: Lang, line: bool) -> Vec<String> {
        let Some(tags) = &self.tags else {
            return Vec::new();
        };
        let zh = lang == Lang::Zh;
        let item = |change: &TagChange, added: bool| {
            let (sign, n, tag) = (if added { '+' } else { '−' }, change.tickets, &change.tag);
            let main = match (zh, added) {
                (true, true) => format!("{sign}{tag} 加到 {n} 张"),
                (true, false) => format!("{sign}{tag} 从 {n} 张去掉"),
                (false, true) => format!("{sign}{tag} on {n}"),
                (false, false) => format!("{sign}{tag} from {n}"),
            };
            let besides = match (change.besides, zh, added) {
                (None | Some(0), ..) => return main,
                (Some(b), true, true) => format!("{b} 张已有"),
                (Some(b), true, false) => format!("{b} 张本来没有"),
                (Some(b), false, true) => format!("{b} already had it"),
                (Some(b), false, false) => format!("{b} did not have it"),
            };
            match (line, zh) {
                (true, true) => format!("{main}，{besides}"),
                (true, false) => format!("{main}, {besides}"),
                (false, true) => format!("{main}（{besides}）"),
                (false, false) => format!("{main} ({besides})"),
            }
        };
        tags.added
            .iter()
            .map(|c| item(c, true))
            .chain(tags.removed.iter().map(|c| item(c, false)))
            .collect()
    }

    /// The reply, the skipped, the left out, unknown tags and unknown previous values.
    fn notes(&self, lang: Lang, names: &Names, line: bool) -> Vec<String> {
        let zh = lang == Lang::Zh;
        let mut parts = Vec::new();
        if let Some(reply) = &self.reply {
            let short = shorten(reply, 30);
            parts.push(if zh {
                format!("回复 “{short}”")
            } else {
                format!("reply “{short}”")
            });
        }
        if self.skipped > 0 {
            parts.push(match (&self.skipped_value, zh) {
                (Some(v), true) => {
                    format!(
                        "{} 张已是 {}，跳过",
                        self.skipped,
                        value_label(v, lang, names)
                    )
                }
                (Some(v), false) => format!(
                    "{} already {}, skipped",
                    self.skipped,
                    value_label(v, lang, names)
                ),
                (None, true) => format!("{} 张已是目标值，跳过", self.skipped),
                (None, false) => format!("{} already set, skipped", self.skipped),
            });
        }
        if let Some(tags) = self.tags.as_ref().filter(|t| t.unknown > 0) {
            // Never "(none)": these tickets' tags were not sent, so nothing of theirs changes.
            let n = tags.unknown;
            parts.push(match (zh, line) {
                (true, true) => format!("{n} 张标签未知：不改动"),
                (true, false) => format!("{n} 张标签未知，不改动"),
                (false, true) => format!("tags unknown on {n}: left unchanged"),
                (false, false) => format!("tags unknown on {n}, left unchanged"),
            });
        }
        for (reason, count) in &self.excluded {
            parts.push(if zh {
                format!("{count} 张未包含：{}", reason.describe(lang))
            } else {
                format!("{count} left out: {}", reason.describe(lang))
            });
        }
        if self.previous_unknown > 0 {
            parts.push(if zh {
                format!("{} 张修改前的值未知，无法撤销", self.previous_unknown)
            } else {
                format!(
                    "{} with unknown previous values cannot be undone",
                    self.previous_unknown
                )
            });
        }
        for (field, count) in &self.previous_unknown_fields {
            let label = field_label(field, lang, names);
            parts.push(if zh {
                format!("{count} 张修改前的{label}未知，撤销时不改回")
            } else {
                format!("{count} with {label} not known before: undo will leave it")
            });
        }
        for (field, reason, count) in &self.fields_left {
            let label = field_label(field, lang, names);
            parts.push(if zh {
                format!("{count} 张的{label}不改回：{}", reason.describe(lang))
            } else {
                format!("{count} keep their {label}: {}", reason.describe(lang))
            });
        }
        parts
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

fn shorten(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= max_chars && line.len() == text.len() {
        return line.to_string();
    }
    let mut short: String = line.chars().take(max_chars).collect();
    short.push('…');
    short
}

/// A field's name.
pub fn field_label(kind: &FieldKind, lang: Lang, names: &Names) -> String {
    let zh = lang == Lang::Zh;
    let fixed = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    match kind {
        FieldKind::Status => fixed("状态", "status"),
        FieldKind::Priority => fixed("优先级", "priority"),
        FieldKind::Type => fixed("类型", "type"),
        FieldKind::Source => fixed("来源", "source"),
        FieldKind::Assignee => fixed("受理人", "assignee"),
        FieldKind::Group => fixed("受理组", "group"),
        FieldKind::CcUsers => fixed("抄送人", "CC"),
        FieldKind::CcGroups => fixed("抄送组", "CC groups"),
        FieldKind::Template => fixed("模板", "template"),
        FieldKind::Tags => fixed("标签", "tags"),
        FieldKind::Custom(key) | FieldKind::Table(key) => names
            .fields
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.clone()),
    }
}

/// A value as the user knows it: Chinese or English labels, names for ids.
pub fn value_label(value: &FieldValue, lang: Lang, names: &Names) -> String {
    let zh = lang == Lang::Zh;
    let none = || if zh { "（无）" } else { "(none)" }.to_string();
    let agent = |id: &u64| {
        names
            .agents
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    };
    let group = |id: &u64| {
        names
            .groups
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    };
    let pick = |z: &'static str, e: &'static str| if zh { z } else { e }.to_string();
    match value {
        FieldValue::Status(c) => {
            let s = TicketStatus::from_code(*c);
            pick(s.label_zh(), s.label_en())
        }
        FieldValue::Priority(c) => {
            let p = Priority::from_code(*c);
            pick(p.label_zh(), p.label_en())
        }
        FieldValue::Type(c) => {
            let t = TicketType::from_code(*c);
            pick(t.label_zh(), t.label_en())
        }
        FieldValue::Source(c) => {
            let s = TicketSource::from_code(*c);
            pick(s.label_zh(), s.label_en())
        }
        FieldValue::Agent(0) => pick("无人", "nobody"),
        FieldValue::Agent(id) => agent(id),
        FieldValue::Group(0) => pick("无组", "no group"),
        FieldValue::Group(id) => group(id),
        FieldValue::Template(id) => names
            .templates
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}")),
        FieldValue::AgentList(ids) if ids.is_empty() => none(),
        FieldValue::AgentList(ids) => ids.iter().map(agent).collect::<Vec<_>>().join(", "),
        FieldValue::GroupList(ids) if ids.is_empty() => none(),
        FieldValue::GroupList(ids) => ids.iter().map(group).collect::<Vec<_>>().join(", "),
        FieldValue::Tags(tags) if tags.is_empty() => none(),
        FieldValue::Tags(tags) => tags.join(", "),
        FieldValue::Custom(_) => {
            let text = value.key();
            if text.is_empty() {
                pick("（空）", "(empty)")
            } else {
                shorten(&text, 30)
            }
        }
        FieldValue::Rows(rows) => {
            if zh {
                format!("{} 行", rows.len())
            } else {
                format!("{} rows", rows.len())
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::model::{IdField, Priority, Ticket, TicketChange, TicketStatus};
    use crate::bulk::{BulkEdit, Plan, Target};

    fn ticket(id: u64, priority: Priority, assignee: Option<u64>) -> Ticket {
        Ticket {
            id,
            status: Some(TicketStatus::Open),
            priority: Some(priority),
            assignee_id: IdField::from_known(assignee),
            ..Ticket::default()
        }
    }

    #[test]
    fn several_fields_are_grouped_each_with_names() {
        let tickets = [
            ticket(1, Priority::Low, None),
            ticket(2, Priority::Low, Some(7)),
            ticket(3, Priority::Normal, Some(8)),
            ticket(4, Priority::High, Some(8)),
        ];
        let edit = BulkEdit::from(TicketChange {
            priority: Some(Priority::High),
            assignee_id: Some(Some(8)),
            ..TicketChange::default()
        });
        let plan = Plan::new(&edit, &tickets, Target::default());
        let preview = Preview::of(&plan);
        assert_eq!(preview.to_change, 3);
        assert_eq!(preview.skipped, 1);
        assert_eq!(preview.fields[0].field, FieldKind::Priority);
        assert_eq!(preview.fields[1].unchanged, 1);
        let mut names = Names::default();
        names.agents.insert(8, "王芳".into());
        assert_eq!(
            preview.summary_with(Lang::En, &names),
            "3 tickets: priority low → high 2, normal → high 1; \
             assignee nobody → 王芳 1, #7 → 王芳 1 (1 unchanged); 1 already set, skipped"
        );
        assert_eq!(
            preview.summary_with(Lang::Zh, &names),
            "3 张工单：优先级 低 → 高 2，正常 → 高 1；\
             受理人 无人 → 王芳 1，#7 → 王芳 1（1 张不变）；1 张已是目标值，跳过"
        );
        assert!(preview.needs_typed_confirmation(2));
        assert!(!preview.needs_typed_confirmation(3));
    }

    /// 221 tickets read in full with dozens of distinct tag sets, and 3 whose tags are not
    /// known: 6 already have 升级 (3 of them only that: skipped), 30 have 投诉.
    fn tag_plan() -> Plan {
        let mut tickets: Vec<Ticket> = (0..221u64)
            .map(|i| {
                let mut tags = vec![format!("t{}", i % 40), format!("区域{}", i % 7)];
                if i < 6 {
                    tags.push("升级".into());
                }
                if (3..33).contains(&i) {
                    tags.push("投诉".into());
                }
                Ticket {
                    id: i + 1,
                    status: Some(TicketStatus::Open),
                    tags: Some(tags),
                    ..Ticket::default()
                }
            })
            .collect();
        tickets.extend((0..3).map(|i| Ticket {
            id: 1000 + i,
            subject: "search result".into(),
            ..Ticket::default()
        }));
        let edit = BulkEdit {
            tags_add: vec!["升级".into()],
            tags_remove: vec!["投诉".into()],
            ..BulkEdit::default()
        };
        Plan::new(&edit, &tickets, Target::default())
    }

    #[test]
    fn tags_are_summarised_per_tag_never_per_tag_set() {
        let plan = tag_plan();
        let distinct: std::collections::HashSet<String> = plan
            .tickets
            .iter()
            .filter_map(|t| t.previous.tags.as_ref().map(|tags| tags.join(",")))
            .collect();
        assert!(distinct.len() > 69, "{}", distinct.len());
        let preview = Preview::of(&plan);
        assert_eq!(preview.to_change, 218);
        let tags = preview.tags.clone().unwrap();
        assert_eq!(
            tags.added,
            [TagChange {
                tag: "升级".into(),
                tickets: 215,
                besides: Some(6)
            }]
        );
        assert_eq!(
            tags.removed,
            [TagChange {
                tag: "投诉".into(),
                tickets: 30,
                besides: Some(191)
            }]
        );
        assert_eq!(tags.unknown, 3);
        let names = Names::default();
        assert_eq!(
            preview.lines(Lang::En, &names),
            [
                "218 tickets",
                "tags: +升级 on 215, 6 already had it",
                "tags: −投诉 from 30, 191 did not have it",
                "3 already set, skipped",
                "tags unknown on 3: left unchanged",
            ]
        );
        assert_eq!(
            preview.lines(Lang::Zh, &names),
            [
                "218 张工单",
                "标签：+升级 加到 215 张，6 张已有",
                "标签：−投诉 从 30 张去掉，191 张本来没有",
                "3 张已是目标值，跳过",
                "3 张标签未知：不改动",
            ]
        );
        let one_line = preview.summary(Lang::En);
        assert_eq!(
            one_line,
            "218 tickets: +升级 on 215 (6 already had it), −投诉 from 30 (191 did not have it); \
             3 already set, skipped; tags unknown on 3, left unchanged"
        );
        for text in preview.lines(Lang::En, &names).iter().chain([&one_line]) {
            assert!(!text.contains("(none)"), "{text}");
        }
    }

    #[test]
    fn a_replaced_or_undone_tag_list_is_counted_per_tag_too() {
        let tickets: Vec<Ticket> = (0..50u64)
            .map(|i| Ticket {
                id: i + 1,
                status: Some(TicketStatus::Open),
                tags: Some(vec![format!("t{i}"), "老".into()]),
                ..Ticket::default()
            })
            .collect();
        let edit = BulkEdit::from(TicketChange {
            tags: Some(vec!["新".into()]),
            ..TicketChange::default()
        });
        let preview = Preview::of(&Plan::new(&edit, &tickets, Target::default()));
        let lines = preview.lines(Lang::En, &Names::default());
        assert_eq!(lines[1], "tags: +新 on 50");
        assert_eq!(lines[2], "tags: −老 from 50");
        // One line per tag: 1 added, 51 removed, and the head.
        assert_eq!(lines.len(), 1 + 1 + 51, "{lines:?}");
    }

    #[test]
    fn each_field_changed_is_one_line_with_names() {
        let tickets = [
            ticket(1, Priority::Low, Some(209)),
            ticket(2, Priority::Low, Some(209)),
            ticket(3, Priority::Normal, None),
        ];
        let edit = BulkEdit::from(TicketChange {
            priority: Some(Priority::High),
            assignee_id: Some(Some(203)),
            ..TicketChange::default()
        });
        let mut plan = Plan::new(&edit, &tickets, Target::default());
        let mut names = Names::default();
        names.agents.insert(203, "王芳".into());
        names.agents.insert(209, "李雷".into());
        names.agents.insert(1, "not in the plan".into());
        plan.remember_names(&names);
        assert_eq!(plan.names.agents.len(), 2, "only the plan's own ids");
        let preview = Preview::of(&plan);
        assert_eq!(
            preview.lines(Lang::En, &plan.names),
            [
                "3 tickets",
                "priority: low → high 2, normal → high 1",
                "assignee: 李雷 → 王芳 2, nobody → 王芳 1",
            ]
        );
        assert_eq!(
            preview.lines(Lang::Zh, &Names::default())[2],
            "受理人：#209 → #203 2，无人 → #203 1",
            "an id only where the name is not known"
        );
    }

    #[test]
    fn unknown_previous_values_are_shown_and_counted() {
        let search_result = Ticket {
            id: 9,
            subject: "只有标题".into(),
            ..Ticket::default()
        };
        let edit = BulkEdit::from(TicketChange {
            status: Some(TicketStatus::Solved),
            ..TicketChange::default()
        });
        let plan = Plan::new(&edit, &[search_result], Target::default());
        let preview = Preview::of(&plan);
        assert_eq!(
            preview.summary(Lang::En),
            "1 ticket: ? → solved 1; 1 with unknown previous values cannot be undone"
        );
    }
}
