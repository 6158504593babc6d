//! The search language itself: a term rendered for the server or parsed from what the user
//! typed (enum labels turned into codes, strict dates, values the server would split
//! refused), and the fields and values the search line completes.

use chrono::NaiveDate;

use super::{DateField, DateOp, SearchQuery, SearchTerm};
use crate::api::error::QueryError;
use crate::api::model::{Priority, TicketSource, TicketStatus, TicketType};

impl SearchQuery {
    /// Parses what a user typed on the search line into terms, with the same checks.
    ///
    /// Terms are separated by whitespace (several spaces count as one). `field:v1,v2` is a
    /// field term; `createDT`/`updateDT` followed by `<`, `>`, `:`, `<=` or `>=` is a date
    /// term; anything else is a bare word. For the enum fields (`ticketStatus`,
    /// `priorityLevel`, `ticketType`, `ticketSource`) a Chinese label or English name is
    /// turned into its code: `ticketStatus:open,待回应` is `ticketStatus:2,3`.
    pub fn parse(text: &str) -> Result<SearchQuery, QueryError> {
        if let Some(phrase) = quoted_phrase_with_space(text) {
            // `"退款 申请"`: the server has no phrases; say so instead of searching for
            // two words that begin and end with a quote.
            return Err(QueryError::SpaceInValue(phrase));
        }
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let mut terms = Vec::with_capacity(tokens.len());
        for (index, token) in tokens.iter().enumerate() {
            let term = SearchTerm::parse(token).map_err(|error| {
                // `createDT< =2017-07-01` (the vendor page's own typo): say that the space
                // is the problem, not the missing date.
                match (error, tokens.get(index + 1)) {
                    (QueryError::BadDate(date), Some(next))
                        if date.is_empty() && date_field_op(token).is_some() =>
                    {
                        QueryError::SpaceInValue(format!("{token} {next}"))
                    }
                    (error, _) => error,
                }
            })?;
            terms.push(term);
        }
        Ok(SearchQuery {
            terms,
            ..SearchQuery::default()
        })
    }
}

/// The search language's date format.
const QUERY_DATE_FORMAT: &str = "%Y-%m-%d";

impl SearchTerm {
    /// One term as the server reads it.
    pub(crate) fn render(&self) -> Result<String, QueryError> {
        match self {
            SearchTerm::Word(word) => {
                check_value(word)?;
                // A word that reads as another kind of term would silently mean something
                // else: `a:b` is a field search, `createDT>...` a date filter.
                if word.contains(':') || looks_like_date_term(word) {
                    return Err(QueryError::BadField(word.clone()));
                }
                Ok(word.clone())
            }
            SearchTerm::Field { field, values } => {
                check_field(field)?;
                if values.is_empty() {
                    return Err(QueryError::EmptyValue);
                }
                for value in values {
                    check_value(value)?;
                    // A comma inside a value is the list separator: each piece must exist.
                    if value.split(',').any(str::is_empty) {
                        return Err(QueryError::EmptyValue);
                    }
                }
                if date_field(field).is_some() {
                    // `createDT:` takes one day, not a list.
                    match values.as_slice() {
                        [one] => {
                            parse_query_date(one)?;
                        }
                        _ => return Err(QueryError::BadDate(values.join(","))),
                    }
                }
                Ok(format!("{field}:{}", values.join(",")))
            }
            SearchTerm::Date { field, op, date } => Ok(format!(
                "{}{}{}",
                field.as_str(),
                op.as_str(),
                date.format(QUERY_DATE_FORMAT)
            )),
        }
    }

    /// Parses one whitespace-free token.
    pub(crate) fn parse(token: &str) -> Result<SearchTerm, QueryError> {
        if token.is_empty() {
            return Err(QueryError::EmptyValue);
        }
        check_value(token)?;
        if let Some((field, op, rest)) = date_field_op(token) {
            let date = parse_query_date(rest)?;
            return Ok(SearchTerm::Date { field, op, date });
        }
        if looks_like_date_term(token) {
            // `createDT=2017-07-01` and the like: a mistyped operator.
            let rest = token.get("createDT".len()..).unwrap_or_default();
            return Err(QueryError::BadDate(rest.to_owned()));
        }
        if let Some((field, values)) = token.split_once(':') {
            check_field(field)?;
            // `status:` and the like are the vendor's short names of the enum fields.
            let field = canonical_field(field);
            if values.is_empty() || values.split(',').any(str::is_empty) {
                return Err(QueryError::EmptyValue);
            }
            let values = values
                .split(',')
                .map(|value| enum_code(field, value).unwrap_or_else(|| value.to_owned()))
                .collect();
            return Ok(SearchTerm::Field {
                field: field.to_owned(),
                values,
            });
        }
        Ok(SearchTerm::Word(token.to_owned()))
    }
}

/// The first quoted stretch (`"..."` or `“...”`) that holds whitespace.
fn quoted_phrase_with_space(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(start) = rest.find(['"', '“']) {
        let open = rest[start..].chars().next()?;
        let close = if open == '“' { '”' } else { '"' };
        let body_start = start + open.len_utf8();
        let length = rest[body_start..].find(close)?;
        let body = &rest[body_start..body_start + length];
        let end = body_start + length + close.len_utf8();
        if body.chars().any(char::is_whitespace) {
            return Some(rest[start..end].to_owned());
        }
        rest = &rest[end..];
    }
    None
}

/// The field names the search line completes (Tab): the enum fields (with the vendor's
/// short names), the id, list and date fields.
pub const SEARCH_FIELDS: &[&str] = &[
    "status",
    "priority",
    "type",
    "source",
    "ticketStatus",
    "priorityLevel",
    "ticketType",
    "ticketSource",
    "ticketId",
    "servicerUserId",
    "servicerGroupId",
    "custUserId",
    "tagList",
    "ccUserIdList",
    "ccGroupIdList",
    "createDT",
    "updateDT",
];

/// The long name of an enum field given by its short name (`status` → `ticketStatus`).
fn canonical_field(field: &str) -> &str {
    match field {
        "status" => "ticketStatus",
        "priority" => "priorityLevel",
        "type" => "ticketType",
        "source" => "ticketSource",
        other => other,
    }
}

/// The values an enum field takes, as the search line completes them: English names, then
/// Chinese labels. Other fields have none.
pub fn enum_values(field: &str) -> Vec<&'static str> {
    fn both<T: Copy>(
        all: &[T],
        en: fn(T) -> &'static str,
        zh: fn(T) -> &'static str,
    ) -> Vec<&'static str> {
        let mut values: Vec<&'static str> = Vec::new();
        for value in all.iter().map(|v| en(*v)).chain(all.iter().map(|v| zh(*v))) {
            if !values.contains(&value) {
                values.push(value);
            }
        }
        values
    }
    match canonical_field(field) {
        "ticketStatus" => both(
            TicketStatus::ALL,
            TicketStatus::label_en,
            TicketStatus::label_zh,
        ),
        "priorityLevel" => both(Priority::ALL, Priority::label_en, Priority::label_zh),
        "ticketType" => both(TicketType::ALL, TicketType::label_en, TicketType::label_zh),
        "ticketSource" => both(
            TicketSource::ALL,
            TicketSource::label_en,
            TicketSource::label_zh,
        ),
        _ => Vec::new(),
    }
}

/// A label or English name of an enum field's value, as its code.
fn enum_code(field: &str, value: &str) -> Option<String> {
    if value.parse::<i64>().is_ok() {
        return None;
    }
    let code = match field {
        "ticketStatus" => TicketStatus::parse(value).map(TicketStatus::code),
        "priorityLevel" => Priority::parse(value).map(Priority::code),
        "ticketType" => TicketType::parse(value).map(TicketType::code),
        "ticketSource" => TicketSource::parse(value).map(TicketSource::code),
        _ => None,
    }?;
    Some(code.to_string())
}

fn date_field(name: &str) -> Option<DateField> {
    match name {
        "createDT" => Some(DateField::Created),
        "updateDT" => Some(DateField::Updated),
        _ => None,
    }
}

/// `createDT>=…` split into field, operator and the rest.
fn date_field_op(token: &str) -> Option<(DateField, DateOp, &str)> {
    let (field, rest) = if let Some(rest) = token.strip_prefix("createDT") {
        (DateField::Created, rest)
    } else {
        (DateField::Updated, token.strip_prefix("updateDT")?)
    };
    // Two-character operators first.
    for op in [
        DateOp::OnOrBefore,
        DateOp::OnOrAfter,
        DateOp::Before,
        DateOp::After,
        DateOp::On,
    ] {
        if let Some(date) = rest.strip_prefix(op.as_str()) {
            return Some((field, op, date));
        }
    }
    None
}

/// `createDT` or `updateDT` followed by an operator or other punctuation.
fn looks_like_date_term(token: &str) -> bool {
    let rest = token
        .strip_prefix("createDT")
        .or_else(|| token.strip_prefix("updateDT"));
    rest.and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_ascii_punctuation() && c != '_')
}

/// A strict `YYYY-MM-DD`.
fn parse_query_date(text: &str) -> Result<NaiveDate, QueryError> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shaped {
        return Err(QueryError::BadDate(text.to_owned()));
    }
    NaiveDate::parse_from_str(text, QUERY_DATE_FORMAT)
        .map_err(|_| QueryError::BadDate(text.to_owned()))
}

/// Refuses an empty value and one the server would split: any whitespace (the language's
/// separator; U+3000 included) or control character.
fn check_value(value: &str) -> Result<(), QueryError> {
    if value.is_empty() {
        return Err(QueryError::EmptyValue);
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(QueryError::SpaceInValue(value.to_owned()));
    }
    Ok(())
}

/// A field name: `ticketStatus`, `field_1`, `cpxx`: ASCII letters, digits and `_`, not
/// starting with a digit.
fn check_field(field: &str) -> Result<(), QueryError> {
    let mut chars = field.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(QueryError::BadField(field.to_owned()))
    }
}
