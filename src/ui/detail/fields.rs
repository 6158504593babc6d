//! The ticket's labelled fields (status to URL), names instead of ids, a malformed or
//! unknown field said so: what the detail shows above its custom fields.

use crate::api::{IdField, Ticket};
use crate::ui::Ctx;
use crate::words::{Msg, fill, priority_label, source_label, status_label, type_label};

pub(super) fn name_or_id(name: Option<&str>, id: u64) -> String {
    match name {
        Some(name) => name.to_string(),
        None => format!("#{id}"),
    }
}

/// A server date (UTC+8), absolute, in the display zone.
fn date(app: &Ctx, value: Option<crate::api::ApiDate>) -> Option<String> {
    value.map(|d| {
        crate::ui::display_time(d, app.settings.display_offset_minutes)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

/// The labelled fields, in display order; empty ones are left out.
pub(super) fn fields(app: &Ctx, ticket: &Ticket) -> Vec<(Msg, String)> {
    let lang = app.lang();
    let lookups = &app.lookups;
    let mut out = vec![(Msg::FieldSubject, ticket.subject.clone())];
    let mut push = |label: Msg, value: Option<String>| {
        if let Some(value) = value
            && !value.is_empty()
        {
            out.push((label, value));
        }
    };
    // A field the server sent malformed reads "could not read: why", never blank.
    let unreadable = |key: &str| {
        ticket
            .unreadable
            .iter()
            .find(|field| field.key == key)
            .map(|field| fill(lang, Msg::UnreadableField, &[&field.reason]))
    };
    push(
        Msg::FieldStatus,
        ticket
            .status
            .map(|s| status_label(lang, s))
            .or_else(|| unreadable("ticketStatus")),
    );
    push(
        Msg::FieldPriority,
        ticket
            .priority
            .map(|p| priority_label(lang, p))
            .or_else(|| unreadable("priorityLevel")),
    );
    push(
        Msg::FieldType,
        ticket
            .ticket_type
            .map(|t| type_label(lang, t))
            .or_else(|| unreadable("ticketType")),
    );
    push(
        Msg::FieldSource,
        ticket
            .source
            .map(|s| source_label(lang, s))
            .or_else(|| unreadable("ticketSource")),
    );
    push(
        Msg::FieldContact,
        ticket.contact_id.map(|id| match lookups.contact(id) {
            Some(contact) => {
                let extra: Vec<&str> = [contact.mobile.as_deref(), contact.email.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect();
                if extra.is_empty() {
                    contact.name.clone()
                } else {
                    format!("{} ({})", contact.name, extra.join(", "))
                }
            }
            None => format!("#{id}"),
        }),
    );
    push(
        Msg::FieldCompany,
        ticket
            .contact_id
            .and_then(|id| lookups.contact(id))
            .and_then(|c| c.company_id)
            .map(|id| name_or_id(lookups.company_name(id), id)),
    );
    // A full ticket's field the server left out says so; a search hit's (nothing known
    // yet) stays blank, as does a field that is known to be empty.
    let unknown =
        || crate::bulk::ticket_is_full(ticket).then(|| Msg::ValueUnknown.text(lang).to_string());
    push(
        Msg::FieldAssignee,
        match ticket.assignee_id {
            IdField::Id(id) => Some(name_or_id(lookups.agent_name(id), id)),
            IdField::Unset => None,
            IdField::Unknown => unknown(),
        },
    );
    push(
        Msg::FieldGroup,
        match ticket.group_id {
            IdField::Id(id) => Some(name_or_id(lookups.group_name(id), id)),
            IdField::Unset => None,
            IdField::Unknown => unknown(),
        },
    );
    push(
        Msg::FieldCreator,
        // `createrType` 1: a customer (a contact) created it; otherwise an agent.
        ticket.creator_id.map(|id| {
            if ticket.live.creator_type == Some(1) {
                name_or_id(lookups.contact(id).map(|c| c.name.as_str()), id)
            } else {
                name_or_id(lookups.agent_name(id), id)
            }
        }),
    );
    let mut cc: Vec<String> = ticket
        .cc_user_ids
        .iter()
        .flatten()
        .map(|id| name_or_id(lookups.agent_name(*id), *id))
        .chain(
            ticket
                .cc_group_ids
                .iter()
                .flatten()
                .map(|id| name_or_id(lookups.group_name(*id), *id)),
        )
        .collect();
    if ticket.cc_user_ids.is_none() || ticket.cc_group_ids.is_none() {
        cc.extend(unknown());
    }
    push(Msg::FieldCc, (!cc.is_empty()).then(|| cc.join(", ")));
    push(
        Msg::FieldTags,
        match &ticket.tags {
            Some(tags) => (!tags.is_empty()).then(|| tags.join(", ")),
            None => unknown(),
        },
    );
    push(Msg::FieldCreated, date(app, ticket.created));
    push(Msg::FieldUpdated, date(app, ticket.updated));
    push(
        Msg::FieldTemplate,
        ticket
            .template_id
            .map(|id| name_or_id(lookups.template_name(id), id)),
    );
    push(Msg::FieldUrl, ticket.url.clone());
    out
}
