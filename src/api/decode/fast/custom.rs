//! Custom fields (text, number, checkbox, rows, multi-checkbox) and form tables.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::scalar::{Field, FieldVisitor, KeySeed, field};
use super::{give_up, ok};
use crate::api::decode::lenient::{scalar_cell_text, scalar_i64, scalar_read_text};
use crate::api::model::{CustomField, CustomValue, FormTable, TableRow};
use crate::text::clean;

/// `custom_fields`: an array of `{key, value, pay_status}` (null entries skipped).
pub(super) struct CustomFieldsSeed;

impl<'de> DeserializeSeed<'de> for CustomFieldsSeed {
    type Value = Vec<CustomField>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<CustomField>, D::Error> {
        de.deserialize_any(CustomFieldsVisitor)
    }
}

struct CustomFieldsVisitor;

impl<'de> Visitor<'de> for CustomFieldsVisitor {
    type Value = Vec<CustomField>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("custom fields")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<CustomField>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<CustomField>, A::Error> {
        let mut fields = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(field) = seq.next_element_seed(Nullable(CustomFieldVisitor))? {
            fields.extend(field);
        }
        Ok(fields)
    }
}

/// An object seed that reads `null` as `None` (entries the general path skips).
struct Nullable<V>(V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Nullable<V> {
    type Value = Option<V::Value>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(NullableVisitor(self.0))
    }
}

struct NullableVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for NullableVisitor<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map).map(Some)
    }
}

struct CustomFieldVisitor;

impl<'de> Visitor<'de> for CustomFieldVisitor {
    type Value = CustomField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a custom field")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CustomField, A::Error> {
        let (mut key, mut value, mut pay_status) = (None, None, None);
        while let Some(name) = map.next_key_seed(KeySeed)? {
            let slot_taken = match name.as_ref() {
                "key" => key
                    .replace(ok(scalar_read_text(field(&mut map)?.scalar(), ""))?)
                    .is_some(),
                "value" => value
                    .replace(map.next_value_seed(CustomValueSeed)?)
                    .is_some(),
                "pay_status" => pay_status
                    .replace(ok(scalar_i64(field(&mut map)?.scalar(), ""))?)
                    .is_some(),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    false
                }
            };
            if slot_taken {
                return Err(give_up());
            }
        }
        Ok(CustomField {
            key: key.flatten().unwrap_or_default(),
            value: value.unwrap_or(CustomValue::Empty),
            pay_status: pay_status.flatten(),
        })
    }
}

/// A custom field's value: text, number, a checkbox bool, rows (an array of objects) or a
/// multi-checkbox (an array of scalars). An object value gives up (rare).
struct CustomValueSeed;

impl<'de> DeserializeSeed<'de> for CustomValueSeed {
    type Value = CustomValue;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<CustomValue, D::Error> {
        de.deserialize_any(CustomValueVisitor)
    }
}

struct CustomValueVisitor;

impl CustomValueVisitor {
    fn number(number: Number) -> CustomValue {
        match number.as_f64() {
            Some(n) if n.is_finite() => CustomValue::Number(n),
            _ => CustomValue::Text(number.to_string()),
        }
    }
}

impl<'de> Visitor<'de> for CustomValueVisitor {
    type Value = CustomValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a custom field value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<CustomValue, E> {
        Ok(CustomValue::Empty)
    }
    fn visit_bool<E: de::Error>(self, on: bool) -> Result<CustomValue, E> {
        Ok(CustomValue::Text(if on { "1" } else { "0" }.to_owned()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<CustomValue, E> {
        Ok(Self::number(n.into()))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<CustomValue, E> {
        Ok(Self::number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<CustomValue, E> {
        Number::from_f64(n).map(Self::number).ok_or_else(give_up)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<CustomValue, E> {
        Ok(CustomValue::Text(clean(text)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CustomValue, A::Error> {
        let mut rows: Vec<TableRow> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        while let Some(item) = seq.next_element_seed(RowOrCellSeed)? {
            match item {
                RowOrCell::Row(row) if texts.is_empty() => rows.push(row),
                RowOrCell::Cell(text) if rows.is_empty() => texts.push(text),
                // A mixed array: the general path refuses it.
                _ => return Err(give_up()),
            }
        }
        Ok(if texts.is_empty() {
            CustomValue::Rows(rows)
        } else {
            CustomValue::Text(texts.join(","))
        })
    }
}

enum RowOrCell {
    Row(TableRow),
    Cell(String),
}

struct RowOrCellSeed;

impl<'de> DeserializeSeed<'de> for RowOrCellSeed {
    type Value = RowOrCell;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<RowOrCell, D::Error> {
        de.deserialize_any(RowOrCellVisitor)
    }
}

struct RowOrCellVisitor;

impl<'de> Visitor<'de> for RowOrCellVisitor {
    type Value = RowOrCell;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row or a value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RowOrCell, A::Error> {
        RowVisitor.visit_map(map).map(RowOrCell::Row)
    }
    fn visit_unit<E: de::Error>(self) -> Result<RowOrCell, E> {
        Self::cell(Field::Null)
    }
    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<RowOrCell, E> {
        Self::cell(Field::Bool(flag))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<RowOrCell, E> {
        Self::cell(Field::Number(n.into()))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<RowOrCell, E> {
        Self::cell(Field::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<RowOrCell, E> {
        Self::cell(FieldVisitor.visit_f64(n)?)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<RowOrCell, E> {
        Self::cell(Field::Str(Cow::Borrowed(text)))
    }
}

impl RowOrCellVisitor {
    fn cell<E: de::Error>(value: Field<'_>) -> Result<RowOrCell, E> {
        scalar_cell_text(value.scalar())
            .map(RowOrCell::Cell)
            .ok_or_else(give_up)
    }
}

/// A row object: column key to cell text, in the order received.
struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = TableRow;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TableRow, A::Error> {
        let mut row: TableRow = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(column) = map.next_key_seed(KeySeed)? {
            let cell = scalar_cell_text(field(&mut map)?.scalar()).ok_or_else(give_up)?;
            let column = clean(&column);
            // A repeated column: the general path keeps the last value in the first place.
            if row.iter().any(|(known, _)| *known == column) {
                return Err(give_up());
            }
            row.push((column, cell));
        }
        Ok(row)
    }
}

/// `tables`: an array of `{custom_fields_key, tableData: [row, ...]}` (null entries
/// skipped).
pub(super) struct TablesSeed;

impl<'de> DeserializeSeed<'de> for TablesSeed {
    type Value = Vec<FormTable>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<FormTable>, D::Error> {
        de.deserialize_any(TablesVisitor)
    }
}

struct TablesVisitor;

impl<'de> Visitor<'de> for TablesVisitor {
    type Value = Vec<FormTable>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("form tables")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<FormTable>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<FormTable>, A::Error> {
        let mut tables = Vec::new();
        while let Some(table) = seq.next_element_seed(Nullable(TableVisitor))? {
            tables.extend(table);
        }
        Ok(tables)
    }
}

struct TableVisitor;

impl<'de> Visitor<'de> for TableVisitor {
    type Value = FormTable;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a form table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FormTable, A::Error> {
        let (mut key, mut rows) = (None, None);
        while let Some(name) = map.next_key_seed(KeySeed)? {
            let slot_taken = match name.as_ref() {
                "custom_fields_key" => key
                    .replace(ok(scalar_read_text(field(&mut map)?.scalar(), ""))?)
                    .is_some(),
                "tableData" => rows.replace(map.next_value_seed(RowsSeed)?).is_some(),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    false
                }
            };
            if slot_taken {
                return Err(give_up());
            }
        }
        Ok(FormTable {
            key: key.flatten().unwrap_or_default(),
            rows: rows.unwrap_or_default(),
        })
    }
}

/// `tableData`: null or an array of row objects.
struct RowsSeed;

impl<'de> DeserializeSeed<'de> for RowsSeed {
    type Value = Vec<TableRow>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<TableRow>, D::Error> {
        de.deserialize_any(RowsVisitor)
    }
}

struct RowsVisitor;

impl<'de> Visitor<'de> for RowsVisitor {
    type Value = Vec<TableRow>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rows")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<TableRow>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<TableRow>, A::Error> {
        let mut rows = Vec::new();
        while let Some(row) = seq.next_element_seed(RowSeed)? {
            rows.push(row);
        }
        Ok(rows)
    }
}

struct RowSeed;

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = TableRow;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<TableRow, D::Error> {
        de.deserialize_map(RowVisitor)
    }
}
