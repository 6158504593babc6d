//! The words of the form's fields, choices and values: they word `app::bulk_edit`'s data,
//! apart from how the form lays its rows out.

use crate::app::App;
use crate::app::bulk_edit::{Choice, FormField, FormRow, FormValue, TagsMode};
use crate::app::state::Lookup;
use crate::lang::Lang;
use crate::words::Msg;

/// A field's name in the form.
pub(crate) fn field_name(lang: Lang, field: &FormField) -> String {
    match field {
        FormField::Status => Msg::BulkStatus.text(lang).to_string(),
        FormField::Priority => Msg::BulkPriority.text(lang).to_string(),
        FormField::Type => Msg::BulkType.text(lang).to_string(),
        FormField::Assignee => Msg::BulkAssignee.text(lang).to_string(),
        FormField::Group => Msg::BulkGroup.text(lang).to_string(),
        FormField::Cc => Msg::BulkCc.text(lang).to_string(),
        FormField::Tags => Msg::BulkTags.text(lang).to_string(),
        FormField::Custom(def) => def.name.clone(),
    }
}

/// A value of a row's list: a label, a name (its id while the name is not known), or a
/// dropdown option's label (its id when the definition lacks it).
pub(crate) fn choice_label(app: &App, field: &FormField, choice: &Choice) -> String {
    let lang = app.lang();
    let name = |names: &std::collections::HashMap<u64, Lookup<String>>, id: &u64| {
        names
            .get(id)
            .and_then(|n| n.ready().cloned())
            .unwrap_or_else(|| format!("#{id}"))
    };
    match choice {
        Choice::Status(s) => crate::words::status_label(lang, *s),
        Choice::Priority(p) => crate::words::priority_label(lang, *p),
        Choice::Type(t) => crate::words::type_label(lang, *t),
        Choice::Agent(None) => Msg::BulkNobody.text(lang).to_string(),
        Choice::Group(None) => Msg::BulkNoGroup.text(lang).to_string(),
        Choice::Agent(Some(id)) => name(&app.lookups.agents, id),
        Choice::Group(Some(id)) => name(&app.lookups.groups, id),
        Choice::Option(id) => match field {
            FormField::Custom(def) => def
                .options
                .iter()
                .find(|(option, _)| option == id)
                .map_or_else(|| id.clone(), |(_, label)| label.clone()),
            _ => id.clone(),
        },
    }
}

/// A row's value as the form shows it.
pub(crate) fn value_text(app: &App, row: &FormRow) -> String {
    match &row.value {
        FormValue::Keep => Msg::BulkNoChange.text(app.lang()).to_string(),
        FormValue::Text(text) => text.clone(),
        FormValue::Pick(choice) => choice_label(app, &row.field, choice),
    }
}

pub(crate) fn tags_mode_text(lang: Lang, mode: TagsMode) -> String {
    match mode {
        TagsMode::Add => Msg::BulkAdd.text(lang).to_string(),
        TagsMode::Remove => Msg::BulkRemove.text(lang).to_string(),
        TagsMode::Replace => Msg::BulkReplaceWith.text(lang).to_string(),
    }
}
