//! The list's columns a view may choose (config `columns = [...]` of a view), by name.

use crate::api::FieldDef;

/// One column of the list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListColumn {
    Id,
    Status,
    Priority,
    Type,
    Subject,
    Contact,
    Assignee,
    Group,
    /// When it was created, as a date or "3d ago".
    Created,
    /// When it was last updated, "3m ago".
    Updated,
    /// Time since creation.
    Age,
    /// Time in the current status.
    InStatus,
    /// The SLA clock closest to its breach.
    Sla,
    Tags,
    /// A custom field by its name from `ticket_fields` (or its key, `field_3`).
    Field(String),
}

impl ListColumn {
    /// The column a config name means: a built-in name, else a custom field's name.
    pub fn parse(name: &str) -> ListColumn {
        match name.trim() {
            "id" => ListColumn::Id,
            "status" => ListColumn::Status,
            "priority" => ListColumn::Priority,
            "type" => ListColumn::Type,
            "subject" => ListColumn::Subject,
            "contact" => ListColumn::Contact,
            "assignee" => ListColumn::Assignee,
            "group" => ListColumn::Group,
            "created" => ListColumn::Created,
            "updated" => ListColumn::Updated,
            "age" => ListColumn::Age,
            "in_status" => ListColumn::InStatus,
            "sla" => ListColumn::Sla,
            "tags" => ListColumn::Tags,
            // Shown in the header: made inert like any text from outside.
            other => ListColumn::Field(crate::text::clean(other)),
        }
    }

    /// The built-in names, for the config's documentation and checks.
    pub const NAMES: [&'static str; 14] = [
        "id",
        "status",
        "priority",
        "type",
        "subject",
        "contact",
        "assignee",
        "group",
        "created",
        "updated",
        "age",
        "in_status",
        "sla",
        "tags",
    ];

    /// The local sort's column for this one, when the list can be sorted by it.
    pub fn sort_column(&self, defs: &[FieldDef]) -> Option<crate::app::local::Column> {
        use crate::app::local::Column;
        Some(match self {
            ListColumn::Id => Column::Id,
            ListColumn::Status => Column::Status,
            ListColumn::Priority => Column::Priority,
            ListColumn::Type => Column::Type,
            ListColumn::Contact => Column::Contact,
            ListColumn::Assignee => Column::Assignee,
            ListColumn::Group => Column::Group,
            ListColumn::Created | ListColumn::Age => Column::Created,
            ListColumn::Updated => Column::Updated,
            ListColumn::Sla => Column::Breach,
            ListColumn::Tags => Column::Tags,
            ListColumn::Field(name) => Column::Custom(field_key(name, defs)?),
            ListColumn::Subject | ListColumn::InStatus => return None,
        })
    }
}

/// A custom field's key from its name (or its key as written); `None` until the
/// definitions name it.
pub fn field_key(name: &str, defs: &[FieldDef]) -> Option<String> {
    defs.iter()
        .find(|def| def.name == name)
        .or_else(|| defs.iter().find(|def| def.key == name))
        .map(|def| def.key.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_built_in_columns_else_custom_fields_made_inert() {
        assert_eq!(ListColumn::parse(" sla "), ListColumn::Sla);
        assert_eq!(ListColumn::parse("in_status"), ListColumn::InStatus);
        assert_eq!(
            ListColumn::parse("订单编号"),
            ListColumn::Field("订单编号".into())
        );
        let ListColumn::Field(name) = ListColumn::parse("a\u{1b}]52;c;eA==\u{7}b") else {
            panic!("not a custom field");
        };
        assert!(!name.contains(['\u{1b}', '\u{7}']), "{name:?}");
        for name in ListColumn::NAMES {
            assert!(
                !matches!(ListColumn::parse(name), ListColumn::Field(_)),
                "{name}"
            );
        }
    }
}
