//! Scalars: a field's value borrowed from the body when it has no escapes, and map keys.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Number, Value};

use super::give_up;
use crate::api::decode::lenient::Scalar;

/// A scalar field value, its text borrowed from the body when it has no escapes.
pub(super) enum Field<'de> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'de, str>),
}

impl Field<'_> {
    pub(super) fn scalar(&self) -> Scalar<'_> {
        match self {
            Field::Null => Scalar::Null,
            Field::Bool(flag) => Scalar::Bool(*flag),
            Field::Number(number) => Scalar::Number(number),
            Field::Str(text) => Scalar::Str(text),
        }
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value as the general path would hold it (for `extra`).
    pub(super) fn into_value(self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Bool(flag) => Value::Bool(flag),
            Field::Number(number) => Value::Number(number),
            Field::Str(text) => Value::String(text.into_owned()),
        }
    }
}

/// Deserializes a [`Field`]; an array or object gives up.
pub(super) struct FieldSeed;

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field<'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Field<'de>, D::Error> {
        de.deserialize_any(FieldVisitor)
    }
}

pub(super) struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Field<'de>, E> {
        Ok(Field::Bool(flag))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Field<'de>, E> {
        Ok(Field::Number(n.into()))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Field<'de>, E> {
        Ok(Field::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Field<'de>, E> {
        Number::from_f64(n).map(Field::Number).ok_or_else(give_up)
    }
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Borrowed(text)))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(text.to_owned())))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(text)))
    }
}

pub(super) fn field<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Field<'de>, A::Error> {
    map.next_value_seed(FieldSeed)
}

/// A map key, borrowed when it has no escapes.
pub(super) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Cow<'de, str>, D::Error> {
        de.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_owned()))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text))
    }
}
