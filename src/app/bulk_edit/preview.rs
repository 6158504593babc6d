//! The preview stage built from a plan: the tickets it plans from, the count to type
//! above the threshold, and an undo's plan shown the same way.

use std::collections::HashMap;

use super::Stage;
use super::edit::{edit_of, names};
use super::form::{Form, TagsMode};
use crate::api::Ticket;
use crate::app::state::App;
use crate::bulk::{Plan, Preview};

/// The tickets for the plan: full ones from the store, else what the worker read.
fn plan_tickets(app: &App, form: &Form, fetched: &HashMap<u64, Ticket>) -> Vec<Ticket> {
    form.targets
        .iter()
        .map(|id| {
            // What was just read in full wins: it was read because the store's copy lacked
            // a field. A bare answer (an agent's: update time only) does not.
            if let Some(ticket) = fetched.get(id).filter(|t| crate::bulk::ticket_is_full(t)) {
                return ticket.clone();
            }
            if app.full.contains(id)
                && let Some(ticket) = app.tickets.get(id)
            {
                return ticket;
            }
            fetched.get(id).cloned().unwrap_or_else(|| Ticket {
                id: *id,
                ..Ticket::default()
            })
        })
        .collect()
}

pub(super) fn preview(app: &mut App, form: Form, fetched: HashMap<u64, Ticket>) -> Stage {
    // A macro's edit is its own; the form's rows are empty then.
    let edit = match app.bulk.preset.as_ref().map(|p| p.edit.clone()) {
        Some(edit) => Ok(edit),
        None => edit_of(app, &form),
    };
    let edit = match edit {
        Ok(edit) => edit,
        Err(error) => {
            let mut form = form;
            form.error = Some(error);
            return Stage::Form(form);
        }
    };
    let tickets = plan_tickets(app, &form, &fetched);
    let stamp = app.run_stamp();
    let mut plan = Plan::new(&edit, &tickets, app.settings.bulk_target.clone(), stamp);
    plan.remember_names(&names(app));
    preview_stage(app, form, plan)
}

/// The preview of a plan, confirmed with Enter (and the typed count above the threshold).
pub fn preview_stage(app: &App, form: Form, plan: Plan) -> Stage {
    let preview = Preview::of(&plan);
    let needs_typing = preview.needs_typed_confirmation(app.settings.bulk_confirm_threshold);
    Stage::Preview {
        form,
        count: plan.tickets.len(),
        plan,
        preview,
        needs_typing,
        typed: String::new(),
        error: None,
        scroll: 0,
    }
}

/// The preview of an undo, confirmed like a run (typed count above the threshold): "N
/// tickets: 已解决 → 已开启 ..., K changed since, left as they are".
pub fn undo_preview(app: &App, plan: Plan) -> Stage {
    // The plan is sent as the engine made it (with the names its run kept); the view adds
    // the names known now.
    let form = Form {
        targets: plan.tickets.iter().map(|t| t.id).collect(),
        rows: Vec::new(),
        selected: 0,
        tags_mode: TagsMode::Add,
        editing: None,
        error: None,
    };
    preview_stage(app, form, plan)
}
