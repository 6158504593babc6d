//! Names of contacts, companies and groups: asked once each for the rows on screen, the
//! next screen and the detail, refreshed when old, and drawn together once all are in.

use super::*;

pub(super) fn want_lookup(app: &mut App, key: LookupKey, out: &mut Vec<Command>) {
    let lookups = &mut app.lookups;
    let known = match key {
        LookupKey::Agents => lookups.agents_list.is_some(),
        LookupKey::FieldDefs => lookups.field_defs.is_some(),
        LookupKey::Templates => lookups.templates_list.is_some(),
        LookupKey::Agent(id) => {
            // The agents list answers these, unless it failed.
            lookups.agents.contains_key(&id) || matches!(lookups.agents_list, Some(Lookup::Pending))
        }
        LookupKey::Group(id) => lookups.groups.contains_key(&id),
        LookupKey::Contact(id) => lookups.contacts.contains_key(&id),
        LookupKey::Company(id) => lookups.companies.contains_key(&id),
    };
    if known {
        refresh_if_old(app, key, out);
        return;
    }
    match key {
        LookupKey::Agents => lookups.agents_list = Some(Lookup::Pending),
        LookupKey::FieldDefs => lookups.field_defs = Some(Lookup::Pending),
        LookupKey::Templates => lookups.templates_list = Some(Lookup::Pending),
        LookupKey::Agent(id) => {
            lookups.agents.insert(id, Lookup::Pending);
        }
        LookupKey::Group(id) => {
            lookups.groups.insert(id, Lookup::Pending);
        }
        LookupKey::Contact(id) => {
            lookups.contacts.insert(id, Lookup::Pending);
        }
        LookupKey::Company(id) => {
            lookups.companies.insert(id, Lookup::Pending);
        }
    }
    let id = app.request_id();
    app.lookups.in_flight.insert(id, key);
    out.push(Command::Lookup { id, key });
}

/// A name kept from an earlier start and older than a day is asked again, once, in the
/// background; it stays shown meanwhile (and if the new ask fails).
pub(super) fn refresh_if_old(app: &mut App, key: LookupKey, out: &mut Vec<Command>) {
    let Some(learned) = app.lookups.learned.get(&key) else {
        return;
    };
    if (app.now - *learned).num_hours() < NAMES_REFRESH_AFTER_HOURS
        || app.lookups.is_pending(key)
        || !app.lookups.refreshed.insert(key)
    {
        return;
    }
    let id = app.request_id();
    app.lookups.in_flight.insert(id, key);
    out.push(Command::Lookup { id, key });
}

/// Names for the rows on screen (contacts and assignees), fetched once each, and for the
/// next screen's, so that a page down finds them known and paints once. The next screen's
/// go first: the worker serves the newest lookups first, so those on screen come before.
pub(super) fn window_lookups(app: &mut App, out: &mut Vec<Command>) {
    let rows = app.list_rows();
    let offset = app.current_view().offset;
    let mut keys = window_keys(app, offset + rows, rows);
    keys.extend(window_keys(app, offset, rows));
    // And the selected ticket's (its company, group, template...), so that opening it
    // paints its names at once.
    if app.detail.is_none()
        && let Some(id) = app.current_view().selected_id()
    {
        keys.extend(ticket_keys(app, id));
    }
    for key in keys {
        want_lookup(app, key, out);
    }
}

/// The names rows `from..from + count` of the view shown need.
pub(super) fn window_keys(app: &App, from: usize, count: usize) -> Vec<LookupKey> {
    let view = app.current_view();
    let mut keys = Vec::new();
    for id in view.ids.iter().skip(from).take(count) {
        if let Some(ticket) = app.tickets.summary(id) {
            if let Some(contact) = ticket.contact_id {
                keys.push(LookupKey::Contact(contact));
            }
            if let Some(agent) = ticket.assignee_id.id() {
                keys.push(LookupKey::Agent(agent));
            }
        }
    }
    keys
}

/// Names for every id the detail shows.
pub(super) fn detail_lookups(app: &mut App, out: &mut Vec<Command>) {
    for key in detail_keys(app) {
        want_lookup(app, key, out);
    }
}

/// The names the detail shows.
pub(super) fn detail_keys(app: &App) -> Vec<LookupKey> {
    match &app.detail {
        Some(detail) => ticket_keys(app, detail.ticket_id),
        None => Vec::new(),
    }
}

/// The names the detail of ticket `id` shows.
pub(super) fn ticket_keys(app: &App, id: u64) -> Vec<LookupKey> {
    let Some(ticket) = app.tickets.get(&id) else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    if let Some(id) = ticket.contact_id {
        keys.push(LookupKey::Contact(id));
        if let Some(company) = app.lookups.contact(id).and_then(|c| c.company_id) {
            keys.push(LookupKey::Company(company));
        }
    }
    for id in ticket
        .assignee_id
        .id()
        .into_iter()
        .chain(ticket.cc_user_ids.iter().flatten().copied())
    {
        keys.push(LookupKey::Agent(id));
    }
    if let Some(id) = ticket.creator_id {
        keys.push(if ticket.live.creator_type == Some(1) {
            LookupKey::Contact(id)
        } else {
            LookupKey::Agent(id)
        });
    }
    if ticket.template_id.is_some() {
        keys.push(LookupKey::Templates);
    }
    for id in ticket
        .group_id
        .id()
        .into_iter()
        .chain(ticket.cc_group_ids.iter().flatten().copied())
    {
        keys.push(LookupKey::Group(id));
    }
    keys
}

/// Whether the answer for `key` that just came in calls for a draw: not for a name nobody
/// sees yet (a prefetch), and for one on screen only once the screen's names are all in;
/// until then the tick draws them after [`NAMES_DEADLINE_MS`].
pub(super) fn redraw_for_name(app: &mut App, key: LookupKey) {
    if matches!(
        key,
        LookupKey::Agents | LookupKey::FieldDefs | LookupKey::Templates
    ) {
        app.dirty = true;
        return;
    }
    let mut on_screen = window_keys(app, app.current_view().offset, app.list_rows());
    on_screen.extend(detail_keys(app));
    if !on_screen.contains(&key) {
        return;
    }
    if on_screen.iter().any(|k| app.lookups.is_pending(*k)) {
        app.lookups.undrawn_since.get_or_insert(app.now);
    } else {
        app.dirty = true;
    }
}

pub(super) fn lookup_arrived(
    app: &mut App,
    id: RequestId,
    key: LookupKey,
    result: Result<LookupValue, ApiError>,
    out: &mut Vec<Command>,
) {
    if app.lookups.in_flight.remove(&id).is_none() {
        return;
    }
    let was_pending = app.lookups.is_pending(key);
    let now = app.now;
    let login = app.settings.login.clone();
    let lookups = &mut app.lookups;
    if result.is_ok()
        && matches!(
            key,
            LookupKey::Contact(_) | LookupKey::Company(_) | LookupKey::Group(_)
        )
    {
        lookups.learned.insert(key, now);
    }
    // A refresh of a name already shown: an answer that changes nothing draws nothing,
    // and a failed one keeps the name.
    if !was_pending {
        let same = match (key, &result) {
            (LookupKey::Contact(id), Ok(LookupValue::Contact(new))) => {
                lookups.contact(id) == Some(new)
            }
            (LookupKey::Company(id), Ok(LookupValue::Company(new))) => {
                lookups.company_name(id) == Some(new.name.as_str())
            }
            (LookupKey::Group(id), Ok(LookupValue::Group(new))) => {
                lookups.group_name(id) == Some(new.name.as_str())
            }
            (LookupKey::Contact(_) | LookupKey::Company(_) | LookupKey::Group(_), Err(_)) => true,
            _ => false,
        };
        if same {
            return;
        }
    }
    match (key, result) {
        (_, Ok(LookupValue::Agents(agents))) => {
            for agent in agents {
                let is_me = login.as_deref().is_some_and(|login| {
                    agent
                        .email
                        .as_deref()
                        .is_some_and(|email| email.trim().eq_ignore_ascii_case(login.trim()))
                });
                if is_me {
                    lookups.me = Some(agent.id);
                }
                lookups.agent_groups.extend(agent.group_ids.iter().copied());
                lookups.learned.insert(LookupKey::Agent(agent.id), now);
                lookups.agents.insert(agent.id, Lookup::Ready(agent.name));
            }
            lookups.agents_list = Some(Lookup::Ready(()));
            // Agents asked for while the list was pending and missing from it.
            lookups.agents.retain(|_, v| !matches!(v, Lookup::Pending));
        }
        (_, Ok(LookupValue::FieldDefs(defs))) => lookups.field_defs = Some(Lookup::Ready(defs)),
        (_, Ok(LookupValue::Templates(templates))) => {
            for template in templates {
                lookups.templates.insert(template.id, template.name);
            }
            lookups.templates_list = Some(Lookup::Ready(()));
        }
        (_, Ok(LookupValue::Agent(agent))) => {
            lookups.agents.insert(agent.id, Lookup::Ready(agent.name));
        }
        (_, Ok(LookupValue::Group(group))) => {
            lookups.groups.insert(group.id, Lookup::Ready(group.name));
        }
        (_, Ok(LookupValue::Contact(contact))) => {
            lookups.contacts.insert(contact.id, Lookup::Ready(contact));
        }
        (_, Ok(LookupValue::Company(company))) => {
            lookups
                .companies
                .insert(company.id, Lookup::Ready(company.name));
        }
        // A failed or forbidden lookup shows the id; it is not worth an error line.
        (LookupKey::Agents, Err(_)) => lookups.agents_list = Some(Lookup::Failed),
        (LookupKey::FieldDefs, Err(_)) => lookups.field_defs = Some(Lookup::Failed),
        (LookupKey::Templates, Err(_)) => lookups.templates_list = Some(Lookup::Failed),
        (LookupKey::Agent(id), Err(_)) => {
            lookups.agents.insert(id, Lookup::Failed);
        }
        (LookupKey::Group(id), Err(_)) => {
            lookups.groups.insert(id, Lookup::Failed);
        }
        (LookupKey::Contact(id), Err(_)) => {
            lookups.contacts.insert(id, Lookup::Failed);
        }
        (LookupKey::Company(id), Err(_)) => {
            lookups.companies.insert(id, Lookup::Failed);
        }
    }
    window_lookups(app, out);
    detail_lookups(app, out);
    redraw_for_name(app, key);
}
