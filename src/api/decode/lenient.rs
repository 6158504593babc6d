//! Lenient scalars: ids, ints, enums, booleans, lists and dates in every shape the API
//! sends them, with the JSON path of whatever cannot be read.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use serde_json::{Number, Value};

use crate::api::error::ApiError;
use crate::api::model::{ApiDate, IdField, Priority, TicketSource, TicketStatus, TicketType};
use crate::text::{clean, clean_cow};

/// A decoding failure at a JSON path ("" is the root).
#[derive(Debug)]
pub(super) struct Bad {
    pub(super) path: String,
    pub(super) message: String,
}

impl Bad {
    pub(super) fn new(path: &str, message: String) -> Self {
        Bad {
            path: path.to_owned(),
            message,
        }
    }

    pub(super) fn path_or_root(&self) -> String {
        if self.path.is_empty() {
            "$".to_owned()
        } else {
            self.path.clone()
        }
    }

    pub(super) fn into_api(self) -> ApiError {
        ApiError::Decode {
            path: self.path_or_root(),
            message: self.message,
        }
    }
}

pub(super) fn decode_error(path: &str, message: &str) -> ApiError {
    ApiError::Decode {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

pub(super) fn key_path(path: &str, key: &str) -> String {
    // Keys come from the server: cleaned, as every string shown to the user.
    let key = clean(key);
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON value seen as a scalar: what the lenient readers look at. Arrays and objects are
/// `Other` with their kind, so a reader can name what it found. Borrowed, so that the
/// streaming decoder ([`super::fast`]) reads fields without building a `Value`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(&'a Number),
    Str(&'a str),
    /// An array or an object: its kind, as [`kind`] words it.
    Other(&'static str),
}

impl<'a> Scalar<'a> {
    pub(super) fn of(value: &'a Value) -> Scalar<'a> {
        match value {
            Value::Null => Scalar::Null,
            Value::Bool(flag) => Scalar::Bool(*flag),
            Value::Number(number) => Scalar::Number(number),
            Value::String(text) => Scalar::Str(text),
            other => Scalar::Other(kind(other)),
        }
    }

    pub(super) fn kind(self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Number(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Other(kind) => kind,
        }
    }
}

/// The text of a string or number (not cleaned).
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Cell text of a table row or an error log: never fails.
pub(super) fn cell_text(value: &Value) -> String {
    match Scalar::of(value) {
        Scalar::Other(_) => clean(&value.to_string()),
        scalar => scalar_cell_text(scalar).unwrap_or_default(),
    }
}

/// [`cell_text`] of a scalar; `None` for an array or object (whose text is its JSON).
pub(super) fn scalar_cell_text(value: Scalar<'_>) -> Option<String> {
    match value {
        Scalar::Null => Some(String::new()),
        Scalar::Str(text) => Some(clean(text)),
        Scalar::Number(number) => Some(number.to_string()),
        Scalar::Bool(flag) => Some(if flag { "1" } else { "0" }.to_owned()),
        Scalar::Other(_) => None,
    }
}

/// A value kept as JSON in the model, with every string in it cleaned.
pub(super) fn clean_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(clean(text)),
        Value::Array(items) => Value::Array(items.iter().map(clean_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (clean(key), clean_value(item)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub(super) fn read_text(value: &Value, path: &str) -> Result<Option<String>, Bad> {
    scalar_read_text(Scalar::of(value), path)
}

pub(super) fn scalar_read_text(value: Scalar<'_>, path: &str) -> Result<Option<String>, Bad> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Str(text) => Ok(Some(clean(text))),
        Scalar::Number(number) => Ok(Some(number.to_string())),
        other => Err(Bad::new(
            path,
            format!("expected text, found {}", other.kind()),
        )),
    }
}

pub(super) fn read_i64(value: &Value, path: &str) -> Result<Option<i64>, Bad> {
    scalar_i64(Scalar::of(value), path)
}

pub(super) fn scalar_i64(value: Scalar<'_>, path: &str) -> Result<Option<i64>, Bad> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().and_then(integral_f64))
            .map(Some)
            .ok_or_else(|| Bad::new(path, format!("expected an integer, found {number}"))),
        Scalar::Str(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(integral_f64))
                .map(Some)
                .ok_or_else(|| {
                    Bad::new(
                        path,
                        format!("expected an integer, found {:?}", short(&clean(text))),
                    )
                })
        }
        Scalar::Bool(flag) => Ok(Some(i64::from(flag))),
        other => Err(Bad::new(
            path,
            format!("expected an integer, found {}", other.kind()),
        )),
    }
}

pub(super) fn integral_f64(number: f64) -> Option<i64> {
    // Only integral values that fit: i64::MAX as f64 rounds up, hence the strict bound.
    (number.is_finite() && number.fract() == 0.0 && number.abs() < 9.2e18).then_some(number as i64)
}

pub(super) fn read_u64(value: &Value, path: &str) -> Result<Option<u64>, Bad> {
    scalar_u64(Scalar::of(value), path)
}

pub(super) fn scalar_u64(value: Scalar<'_>, path: &str) -> Result<Option<u64>, Bad> {
    if let Scalar::Number(number) = value
        && let Some(big) = number.as_u64()
    {
        return Ok(Some(big));
    }
    if let Scalar::Bool(_) = value {
        return Err(Bad::new(path, "expected an id, found a boolean".into()));
    }
    match scalar_i64(value, path)? {
        None => Ok(None),
        Some(n) => u64::try_from(n)
            .map(Some)
            .map_err(|_| Bad::new(path, format!("expected a positive number, found {n}"))),
    }
}

/// An id: 0 means none.
pub(super) fn read_id(value: &Value, path: &str) -> Result<Option<u64>, Bad> {
    scalar_id(Scalar::of(value), path)
}

pub(super) fn scalar_id(value: Scalar<'_>, path: &str) -> Result<Option<u64>, Bad> {
    Ok(scalar_u64(value, path)?.filter(|id| *id != 0))
}

pub(super) fn read_bool(value: &Value, path: &str) -> Result<Option<bool>, Bad> {
    scalar_bool(Scalar::of(value), path)
}

/// Assignee and group: 0 is "none", null (or an empty string) says nothing.
pub(super) fn read_id_field(value: &Value, path: &str) -> Result<IdField, Bad> {
    scalar_id_field(Scalar::of(value), path)
}

pub(super) fn scalar_id_field(value: Scalar<'_>, path: &str) -> Result<IdField, Bad> {
    Ok(match scalar_u64(value, path)? {
        None => IdField::Unknown,
        Some(0) => IdField::Unset,
        Some(id) => IdField::Id(id),
    })
}

pub(super) fn scalar_bool(value: Scalar<'_>, path: &str) -> Result<Option<bool>, Bad> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Bool(flag) => Ok(Some(flag)),
        Scalar::Str(text) => match text.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "1" | "true" | "yes" | "y" => Ok(Some(true)),
            "0" | "false" | "no" | "n" => Ok(Some(false)),
            _ => Err(Bad::new(
                path,
                format!("expected true or false, found {:?}", short(&clean(text))),
            )),
        },
        Scalar::Number(_) => Ok(scalar_i64(value, path)?.map(|n| n != 0)),
        other => Err(Bad::new(
            path,
            format!("expected true or false, found {}", other.kind()),
        )),
    }
}

/// The parts of a comma list (ASCII or full-width commas), trimmed, empties dropped.
pub(super) fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

pub(super) fn read_id_list(value: &Value, path: &str) -> Result<Vec<u64>, Bad> {
    match value {
        Value::Null => Ok(Vec::new()),
        // Ids hold no punctuation, so any usual separator separates.
        Value::String(text) => scalar_id_list(text, path),
        Value::Number(_) => Ok(read_id(value, path)?.into_iter().collect()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) => {
                    read_id_list(&Value::String(text.clone()), &index_path(path, index))
                }
                other => Ok(read_id(other, &index_path(path, index))?
                    .into_iter()
                    .collect()),
            })
            .collect::<Result<Vec<Vec<u64>>, Bad>>()
            .map(|lists| lists.into_iter().flatten().collect()),
        other => Err(Bad::new(
            path,
            format!("expected a list of ids, found {}", kind(other)),
        )),
    }
}

/// An id list written as text: ids hold no punctuation, so any usual separator separates.
pub(super) fn scalar_id_list(text: &str, path: &str) -> Result<Vec<u64>, Bad> {
    text.split([',', '，', ';', '；', '|', ' ', '\u{3001}'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| scalar_id(Scalar::Str(part), path))
        .filter_map(Result::transpose)
        .collect()
}

/// The tags of a comma list, cleaned before splitting so that an escape sequence cannot
/// straddle two tags.
pub(super) fn tags_of_text(text: &str) -> Vec<String> {
    split_list(&clean_cow(text)).map(str::to_owned).collect()
}

pub(super) fn read_tags(value: &Value, path: &str) -> Result<Vec<String>, Bad> {
    match value {
        Value::Null => Ok(Vec::new()),
        // Cleaned before splitting, so that an escape sequence cannot straddle two tags.
        Value::String(text) => Ok(tags_of_text(text)),
        Value::Number(number) => Ok(vec![number.to_string()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::Null => Ok(Vec::new()),
                Value::String(_) | Value::Number(_) => read_tags(item, path),
                other => Err(Bad::new(
                    &index_path(path, index),
                    format!("expected a tag, found {}", kind(other)),
                )),
            })
            .collect::<Result<Vec<Vec<String>>, Bad>>()
            .map(|lists| lists.into_iter().flatten().collect()),
        other => Err(Bad::new(
            path,
            format!("expected a list of tags, found {}", kind(other)),
        )),
    }
}

/// A vendor enum read from a code, a numeric string or a label.
pub(super) trait VendorCode: Sized {
    fn code_value(code: i64) -> Self;
    fn label_value(text: &str) -> Option<Self>;
}

macro_rules! vendor_code {
    ($($name:ident),*) => {$(
        impl VendorCode for $name {
            fn code_value(code: i64) -> Self {
                $name::from_code(code)
            }
            fn label_value(text: &str) -> Option<Self> {
                $name::parse(text)
            }
        }
    )*};
}

vendor_code!(TicketStatus, Priority, TicketType, TicketSource);

pub(super) fn read_enum<E: VendorCode>(value: &Value, path: &str) -> Result<Option<E>, Bad> {
    scalar_enum(Scalar::of(value), path)
}

pub(super) fn scalar_enum<E: VendorCode>(value: Scalar<'_>, path: &str) -> Result<Option<E>, Bad> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Number(_) => Ok(scalar_i64(value, path)?.map(E::code_value)),
        Scalar::Str(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if let Some(parsed) = E::label_value(text) {
                return Ok(Some(parsed));
            }
            if let Ok(Some(code)) = scalar_i64(value, path) {
                return Ok(Some(E::code_value(code)));
            }
            let text = clean(text);
            Err(Bad::new(path, format!("unknown value {:?}", short(&text))))
        }
        other => Err(Bad::new(
            path,
            format!("expected a code or label, found {}", other.kind()),
        )),
    }
}

/// China's offset, applied to Unix timestamps so they read like the server's other dates.
pub(super) fn vendor_offset() -> Option<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
}

pub(super) fn read_date(value: &Value, path: &str) -> Result<Option<ApiDate>, Bad> {
    scalar_date(Scalar::of(value), path)
}

pub(super) fn scalar_date(value: Scalar<'_>, path: &str) -> Result<Option<ApiDate>, Bad> {
    match value {
        Scalar::Null => Ok(None),
        Scalar::Str(text) => parse_date(text)
            .map_err(|()| Bad::new(path, format!("not a date: {:?}", short(&clean(text))))),
        Scalar::Number(_) => {
            let seconds = scalar_i64(value, path)?.unwrap_or(0);
            if seconds <= 0 {
                return Ok(None);
            }
            let offset = vendor_offset().ok_or_else(|| Bad::new(path, "no time zone".into()))?;
            DateTime::from_timestamp(seconds, 0)
                .map(|utc| utc.with_timezone(&offset).naive_local())
                .filter(|date| (1..=9999).contains(&date.year()))
                .map(Some)
                .ok_or_else(|| Bad::new(path, format!("not a timestamp: {seconds}")))
        }
        other => Err(Bad::new(
            path,
            format!("expected a date, found {}", other.kind()),
        )),
    }
}

/// `Ok(None)` for an empty or all-zero date; years outside 1..=9999 are refused (the wire
/// format has four digits).
pub(super) fn parse_date(text: &str) -> Result<Option<ApiDate>, ()> {
    match parse_date_any_year(text)? {
        Some(date) if !(1..=9999).contains(&date.year()) => Err(()),
        other => Ok(other),
    }
}

fn parse_date_any_year(text: &str) -> Result<Option<ApiDate>, ()> {
    if let Some(date) = wire_date(text) {
        return Ok(Some(date));
    }
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000-00-00") || text == "0" {
        return Ok(None);
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ] {
        if let Ok(date) = NaiveDateTime::parse_from_str(text, format) {
            // The wire format has whole seconds: drop a fraction so a round trip is exact.
            return Ok(date.with_nanosecond(0));
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Ok(date.and_hms_opt(0, 0, 0));
        }
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text)
        && let Some(offset) = vendor_offset()
    {
        return Ok(date.with_timezone(&offset).naive_local().with_nanosecond(0));
    }
    Err(())
}

/// The wire format exactly (`YYYY-MM-DD HH:MM:SS`, nothing around it), read without
/// chrono's format parser: nearly every date on the wire has this shape. `None` for
/// anything else, including impossible dates, which the general path then judges.
fn wire_date(text: &str) -> Option<ApiDate> {
    let b = text.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    if year == 0 {
        // `0000-00-00 ...` is "no date", decided by the general path.
        return None;
    }
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)?.and_hms_opt(
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    )
}

/// At most 40 characters of a value quoted in an error message.
pub(super) fn short(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_accept_the_usual_shapes() {
        let expected = NaiveDate::from_ymd_opt(2017, 5, 4)
            .and_then(|d| d.and_hms_opt(14, 8, 22))
            .unwrap();
        assert_eq!(parse_date("2017-05-04 14:08:22"), Ok(Some(expected)));
        assert_eq!(parse_date("2017-05-04T14:08:22"), Ok(Some(expected)));
        assert_eq!(parse_date("0000-00-00 00:00:00"), Ok(None));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("2017-13-01").is_err());
        assert!(parse_date("+12345-01-01 00:00:00").is_err());
        let far = read_date(&Value::from(i64::MAX), "");
        assert!(far.is_err());
        let huge = read_date(&Value::from(253_402_300_800i64), "");
        assert!(huge.is_err(), "year 10000 is refused");
        let epoch = read_date(&Value::from(1_500_000_000i64), "").unwrap();
        assert_eq!(epoch, parse_date("2017-07-14 10:40:00").unwrap());
    }
}
