//! How a bulk preview reads: the one-line summary (also the history's "what it changes"),
//! one line per field or tag changed, the notes (reply, skipped, left out, unknown values),
//! and the labels of fields and values. The data is `bulk::Preview`'s typed lines.

use crate::api::model::{Priority, TicketSource, TicketStatus, TicketType};
use crate::bulk::{
    ExcludeReason, FieldKind, FieldPreview, FieldValue, Names, Preview, PreviewLine, PreviewNote,
    RunKind, TagChange,
};
use crate::lang::Lang;

/// One line, e.g. `237 tickets: 已开启 → 已解决 201, 待回应 → 已解决 36; 3 already 已解决,
/// skipped`, with names for agents, groups and fields.
pub fn preview_summary(lang: Lang, preview: &Preview, names: &Names) -> String {
    let zh = lang == Lang::Zh;
    let mut parts: Vec<String> = Vec::new();
    let changing = preview.changing();
    let tag_items: Vec<String> = preview
        .tag_changes()
        .into_iter()
        .map(|(change, added)| tag_item(lang, change, added, false))
        .collect();
    let name_fields = changing.len() + usize::from(!tag_items.is_empty()) > 1;
    let sep = if zh { "，" } else { ", " };
    for field in &changing {
        let mut text = field_groups(lang, field, names);
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
    parts.extend(
        preview
            .notes()
            .iter()
            .map(|note| note_text(lang, note, names, false)),
    );
    let head = head(lang, preview);
    if parts.is_empty() {
        return head;
    }
    if zh {
        format!("{head}：{}", parts.join("；"))
    } else {
        format!("{head}: {}", parts.join("; "))
    }
}

/// The preview as lines that read at a glance: how many tickets, then one line per field
/// changed (`status: pending → solved 59`), one per tag added or removed (`tags: +升级 on
/// 212, 6 already had it`), then what is skipped or left out; one for each of
/// [`Preview::lines`].
pub(crate) fn preview_lines(lang: Lang, preview: &Preview, names: &Names) -> Vec<String> {
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    preview
        .lines()
        .iter()
        .map(|line| match line {
            PreviewLine::Head => head(lang, preview),
            PreviewLine::Field(field) => format!(
                "{}{colon}{}",
                field_label(&field.field, lang, names),
                field_groups(lang, field, names)
            ),
            PreviewLine::Tag { change, added } => format!(
                "{}{colon}{}",
                field_label(&FieldKind::Tags, lang, names),
                tag_item(lang, change, *added, true)
            ),
            PreviewLine::Note(note) => note_text(lang, note, names, true),
        })
        .collect()
}

/// "237 tickets", "undo 4 tickets".
fn head(lang: Lang, preview: &Preview) -> String {
    let n = preview.to_change;
    match (&preview.kind, lang == Lang::Zh) {
        (RunKind::Undo { .. }, true) => format!("撤销 {n} 张工单"),
        (RunKind::Undo { .. }, false) => format!("undo {n} tickets"),
        (_, true) => format!("{n} 张工单"),
        (_, false) if n == 1 => "1 ticket".to_string(),
        (_, false) => format!("{n} tickets"),
    }
}

/// A field's groups: `open → solved 201, pending → solved 36 (3 unchanged)`.
fn field_groups(lang: Lang, field: &FieldPreview, names: &Names) -> String {
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

/// One tag added or removed; `line` words it for a line of its own, else for a list inside
/// one line.
fn tag_item(lang: Lang, change: &TagChange, added: bool, line: bool) -> String {
    let zh = lang == Lang::Zh;
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
}

/// A note; `line` words it for a line of its own.
fn note_text(lang: Lang, note: &PreviewNote<'_>, names: &Names, line: bool) -> String {
    let zh = lang == Lang::Zh;
    match *note {
        PreviewNote::Reply(reply) => {
            let short = shorten(reply, 30);
            if zh {
                format!("回复 “{short}”")
            } else {
                format!("reply “{short}”")
            }
        }
        PreviewNote::Skipped { count, value } => match (value, zh) {
            (Some(v), true) => format!("{count} 张已是 {}，跳过", value_label(v, lang, names)),
            (Some(v), false) => {
                format!("{count} already {}, skipped", value_label(v, lang, names))
            }
            (None, true) => format!("{count} 张已是目标值，跳过"),
            (None, false) => format!("{count} already set, skipped"),
        },
        // Never "(none)": these tickets' tags were not sent, so nothing of theirs changes.
        PreviewNote::TagsUnknown(n) => match (zh, line) {
            (true, true) => format!("{n} 张标签未知：不改动"),
            (true, false) => format!("{n} 张标签未知，不改动"),
            (false, true) => format!("tags unknown on {n}: left unchanged"),
            (false, false) => format!("tags unknown on {n}, left unchanged"),
        },
        PreviewNote::Excluded(reason, count) => {
            if zh {
                format!("{count} 张未包含：{}", exclude_reason(lang, reason))
            } else {
                format!("{count} left out: {}", exclude_reason(lang, reason))
            }
        }
        PreviewNote::PreviousUnknown(n) => {
            if zh {
                format!("{n} 张修改前的值未知，无法撤销")
            } else {
                format!("{n} with unknown previous values cannot be undone")
            }
        }
        PreviewNote::FieldNotKnownBefore(field, count) => {
            let label = field_label(field, lang, names);
            if zh {
                format!("{count} 张修改前的{label}未知，撤销时不改回")
            } else {
                format!("{count} with {label} not known before: undo will leave it")
            }
        }
        PreviewNote::FieldLeft(field, reason, count) => {
            let label = field_label(field, lang, names);
            if zh {
                format!(
                    "{count} 张的{label}不改回：{}",
                    exclude_reason(lang, reason)
                )
            } else {
                format!(
                    "{count} keep their {label}: {}",
                    exclude_reason(lang, reason)
                )
            }
        }
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

/// Why a ticket is left out of a run (or keeps a field in an undo).
pub(crate) fn exclude_reason(lang: Lang, reason: &ExcludeReason) -> &'static str {
    use Lang::*;
    match (reason, lang) {
        (ExcludeReason::AlreadySet, En) => "already set, skipped",
        (ExcludeReason::AlreadySet, Zh) => "已是目标值，跳过",
        (ExcludeReason::TagsUnknown, En) => "its tags are not known (even read in full)",
        (ExcludeReason::TagsUnknown, Zh) => "其标签未知（完整读取后仍未知）",
        (ExcludeReason::ChangedSince, En) => "changed again since the run",
        (ExcludeReason::ChangedSince, Zh) => "之后又被修改过",
        (ExcludeReason::NotApplied, En) => "the run never changed it",
        (ExcludeReason::NotApplied, Zh) => "该批次未曾修改它",
        (ExcludeReason::PreviousUnknown, En) => "its values before the run are not known",
        (ExcludeReason::PreviousUnknown, Zh) => "不知道修改前的值",
        (ExcludeReason::CurrentUnknown, En) => "its current state could not be read",
        (ExcludeReason::CurrentUnknown, Zh) => "无法读取其当前状态",
        (ExcludeReason::ReplyOnly, En) => "a reply cannot be taken back",
        (ExcludeReason::ReplyOnly, Zh) => "回复无法撤回",
    }
}

/// A field's name.
fn field_label(kind: &FieldKind, lang: Lang, names: &Names) -> String {
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
