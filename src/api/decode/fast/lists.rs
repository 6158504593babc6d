//! Lists the server sends in several shapes: null lists, id lists, tag lists.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Number;

use super::scalar::{Field, FieldSeed, FieldVisitor};
use super::{give_up, ok};
use crate::api::decode::lenient::{scalar_id, scalar_id_list, tags_of_text};

/// A list the server may send as null: null says nothing about the list (`None`), which
/// is not the empty list a `""` or `[]` is.
pub(super) struct NullList<S>(pub(super) S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NullList<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_option(NullListVisitor(self.0))
    }
}

struct NullListVisitor<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NullListVisitor<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(de).map(Some)
    }
}

/// `ccUserIdList` / `ccGroupIdList`: a comma string, an int, or an array of those.
pub(super) struct IdListSeed;

impl<'de> DeserializeSeed<'de> for IdListSeed {
    type Value = Vec<u64>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<u64>, D::Error> {
        de.deserialize_any(IdListVisitor)
    }
}

struct IdListVisitor;

impl IdListVisitor {
    fn one<E: de::Error>(value: &Field<'_>) -> Result<Vec<u64>, E> {
        match value {
            Field::Str(text) => ok(scalar_id_list(text, "")),
            other => Ok(ok(scalar_id(other.scalar(), ""))?.into_iter().collect()),
        }
    }
}

impl<'de> Visitor<'de> for IdListVisitor {
    type Value = Vec<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of ids")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<u64>, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<u64>, E> {
        Err(give_up())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Vec<u64>, E> {
        Self::one(&FieldVisitor.visit_u64::<E>(n)?)
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Vec<u64>, E> {
        Self::one(&FieldVisitor.visit_i64::<E>(n)?)
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Vec<u64>, E> {
        Self::one(&FieldVisitor.visit_f64::<E>(n)?)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<u64>, E> {
        ok(scalar_id_list(text, ""))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u64>, A::Error> {
        let mut ids = Vec::new();
        while let Some(item) = seq.next_element_seed(FieldSeed)? {
            ids.extend(Self::one::<A::Error>(&item)?);
        }
        Ok(ids)
    }
}

/// `tagList`: a comma string, a number, or an array of those (nulls skipped).
pub(super) struct TagsSeed;

impl<'de> DeserializeSeed<'de> for TagsSeed {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<String>, D::Error> {
        de.deserialize_any(TagsVisitor)
    }
}

struct TagsVisitor;

impl<'de> Visitor<'de> for TagsVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of tags")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Vec<String>, E> {
        Ok(vec![Number::from(n).to_string()])
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Vec<String>, E> {
        Ok(vec![Number::from(n).to_string()])
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Vec<String>, E> {
        let number = Number::from_f64(n).ok_or_else(give_up)?;
        Ok(vec![number.to_string()])
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<String>, E> {
        Ok(tags_of_text(text))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut tags = Vec::new();
        while let Some(item) = seq.next_element_seed(FieldSeed)? {
            match item {
                Field::Null => {}
                Field::Str(text) => tags.extend(tags_of_text(&text)),
                Field::Number(number) => tags.push(number.to_string()),
                Field::Bool(_) => return Err(give_up()),
            }
        }
        Ok(tags)
    }
}
