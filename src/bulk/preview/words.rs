//! How a preview reads: the one-line summary, one line per field or tag changed, the notes
//! (reply, skipped, left out, unknown values), and the labels of fields and values.
//! Separate from the data so that the words can change without touching what is counted.

use super::{FieldPreview, Names, Preview, TagChange};
use crate::api::model::{Priority, TicketSource, TicketStatus, TicketType};
use crate::bulk::fields::{FieldKind, FieldValue};
use crate::bulk::plan::RunKind;
use crate::lang::Lang;

impl Preview {
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

    /// How many lines [`Preview::lines`] gives: the same in either language (the language
    /// picks the words, never which lines there are), so state can clamp a scroll with it.
    pub fn line_count(&self, names: &Names) -> usize {
        self.lines(Lang::En, names).len()
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
