//! Creating the ticket: the form checked and read as a [`NewTicket`], the call, and the
//! answer (the ticket opened, the draft removed, or the form kept with the error).

use serde_json::Value;

use super::{FieldId, NewTicketForm, say};
use crate::api::{
    ApiError, Created, NewContact, NewTicket, Priority, Reply, TicketChange, TicketType,
};
use crate::app::action::{Command, RequestId};
use crate::app::composer::{ComposeCommand, ComposeNote, open_detail_of, store_draft};
use crate::app::drafts::DraftKey;
use crate::app::notice::Note;
use crate::app::state::App;

/// Why the form cannot be sent as it is.
fn check(form: &NewTicketForm) -> Result<NewTicket, ComposeNote> {
    let subject = form.value(&FieldId::Subject);
    if subject.is_empty() {
        return Err(ComposeNote::NeedSubject);
    }
    let description = form.description_text();
    if description.trim().is_empty() {
        return Err(ComposeNote::NeedDescription);
    }
    let contact_id = form.value(&FieldId::ContactId);
    let mobile = form.value(&FieldId::Mobile);
    let optional = |id: FieldId| Some(form.value(&id)).filter(|v| !v.is_empty());
    let contact = if !contact_id.is_empty() {
        match contact_id.parse::<u64>() {
            Ok(id) if id > 0 => NewContact::Id(id),
            _ => return Err(ComposeNote::BadContactId(contact_id)),
        }
    } else if !mobile.is_empty() {
        NewContact::Details {
            mobile,
            name: optional(FieldId::Name),
            fixnumber: None,
            qq: optional(FieldId::Qq),
            email: optional(FieldId::Email),
        }
    } else {
        return Err(ComposeNote::NeedContact);
    };
    let code = |id: FieldId| form.choice(&id).and_then(|v| v.parse::<i64>().ok());
    let id_of = |id: FieldId| form.choice(&id).and_then(|v| v.parse::<u64>().ok());
    let tags: Vec<String> = form
        .value(&FieldId::Tags)
        .split([',', '，'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let mut custom_fields = Vec::new();
    for field in &form.fields {
        let FieldId::Custom(key) = &field.id else {
            continue;
        };
        let value = match &field.choice {
            Some(choice) => Value::String(choice.clone()),
            None if !field.text.trim().is_empty() => Value::String(field.text.trim().to_string()),
            None => continue,
        };
        custom_fields.push((key.clone(), value));
    }
    Ok(NewTicket {
        subject,
        reply: Reply {
            message: description,
            attachments: Vec::new(),
        },
        contact: Some(contact),
        fields: TicketChange {
            priority: code(FieldId::Priority).map(Priority::from_code),
            ticket_type: code(FieldId::Type).map(TicketType::from_code),
            template_id: id_of(FieldId::Template),
            assignee_id: id_of(FieldId::Assignee).map(Some),
            group_id: id_of(FieldId::Group).map(Some),
            tags: (!tags.is_empty()).then_some(tags),
            custom_fields,
            ..TicketChange::default()
        },
    })
}

pub(super) fn create(app: &mut App, out: &mut Vec<Command>) {
    let Some(form) = &app.compose.new_ticket else {
        return;
    };
    if form.creating.is_some() {
        return;
    }
    if app.offline.is_some() {
        crate::app::offline::refuse(app, crate::app::offline::OfflineChange::NewTicket);
        return;
    }
    match check(form) {
        Err(reason) => {
            if let Some(form) = &mut app.compose.new_ticket {
                form.error = Some(reason);
            }
        }
        Ok(ticket) => {
            let id = app.request_id();
            if let Some(form) = &mut app.compose.new_ticket {
                form.creating = Some(id);
                form.error = None;
            }
            out.push(Command::Compose(ComposeCommand::Create {
                id,
                ticket: Box::new(ticket),
            }));
            // Until the answer (which says created, or why not): not on a timer.
            let note = Note::Compose(ComposeNote::Creating);
            crate::app::update::progress_notice(app, note, vec![id]);
        }
    }
}

/// Create's answer: open the new ticket, or keep the form and say why.
pub fn created(
    app: &mut App,
    id: RequestId,
    result: Result<Box<Created>, ApiError>,
    out: &mut Vec<Command>,
) {
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    if form.creating != Some(id) {
        return;
    }
    form.creating = None;
    match result {
        Ok(created) => {
            let ticket_id = created.ticket.id;
            app.compose.new_ticket = None;
            store_draft(
                &mut app.compose.drafts,
                DraftKey::NewTicket,
                String::new(),
                out,
            );
            let full = !created.ticket.subject.is_empty() && created.ticket.status.is_some();
            app.tickets.insert(ticket_id, created.ticket);
            // The view behind the detail gets the new ticket at once, the others when shown.
            crate::app::update::ticket_created(app, out);
            if full {
                app.full.insert(ticket_id);
            }
            open_detail_of(app, ticket_id, out);
            say(app, ComposeNote::Created(ticket_id), false);
        }
        Err(error) => {
            form.error = Some(ComposeNote::CreateError(error.clone()));
            say(app, ComposeNote::CreateFailed(error), true);
        }
    }
}
