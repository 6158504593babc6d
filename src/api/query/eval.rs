//! The search language evaluated locally, over tickets already held, with the meaning the
//! vendor's page gives each term (API-NOTES.md, "The search query language"):
//!
//! - a bare word: the ticket id, the subject or the contact's name contains it (case
//!   folded: `to_lowercase` on both sides, no width folding, as the server's fuzzy match);
//! - `field:v1,v2`: any of the values. Enum fields compare codes (the parser has already
//!   turned labels and English names into codes; a value that is no code matches nothing);
//!   id fields compare numbers (`0` is "none"); list fields (`tagList`, `ccUserIdList`,
//!   `ccGroupIdList`) hold one element equal to the value; `subject` and `description` are
//!   substrings; any other key is a custom field (or form table) whose content contains the
//!   value, case folded, a dropdown's option id and label both counting;
//! - `createDT` / `updateDT` with `<`, `>`, `:`, `<=`, `>=`: the date part of the server's
//!   wall-clock time (UTC+08:00 as sent, never converted), against the day given.
//!
//! Unknown is not "no": a term on a field the ticket does not carry answers
//! [`Match::Unknown`], so a view over partial tickets can say it cannot answer locally.
//! What counts as not carried:
//! - every field left `None` (null or missing on the wire: a status, tags, CC, dates);
//! - on a search hit ([`Known::SearchHit`]: id, subject, dates and url only) also the
//!   contact, template, creator and provider, whose 0 ("none") the model keeps as `None`
//!   too; on a ticket read in full ([`Known::Full`]) those `None`s are "none";
//! - a contact whose name the lookups do not have (a word that matched no id or subject);
//! - a custom field key absent from a ticket whose `custom_fields` came empty (live servers
//!   leave the whole list out, even when `tables` came); absent from a ticket read in full
//!   that sent other custom fields, it has no value, and the term answers [`Match::No`].
//!
//! Terms combine with AND in three values: any `No` gives `No`, else any `Unknown` gives
//! `Unknown`. A term's values combine with OR: any `Yes` gives `Yes`, else any `Unknown`.

use std::borrow::Cow;

use super::{DateField, DateOp, SearchQuery, SearchTerm};
use crate::api::model::{CustomValue, FieldDef, IdField, Ticket};

/// What a query answers for one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Match {
    Yes,
    No,
    /// The ticket lacks a field the query reads: only the server can answer.
    Unknown,
}

impl Match {
    fn from_bool(yes: bool) -> Match {
        if yes { Match::Yes } else { Match::No }
    }

    /// Three-valued AND.
    pub(crate) fn and(self, other: Match) -> Match {
        match (self, other) {
            (Match::No, _) | (_, Match::No) => Match::No,
            (Match::Unknown, _) | (_, Match::Unknown) => Match::Unknown,
            _ => Match::Yes,
        }
    }

    /// Three-valued OR.
    pub(crate) fn or(self, other: Match) -> Match {
        match (self, other) {
            (Match::Yes, _) | (_, Match::Yes) => Match::Yes,
            (Match::Unknown, _) | (_, Match::Unknown) => Match::Unknown,
            _ => Match::No,
        }
    }
}

/// How much of a ticket the caller holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Known {
    /// Read by list or show: a `None` id (contact, template, creator, provider) is "none".
    Full,
    /// A search result: only id, subject, dates and url are known; other fields count only
    /// where the caller filled them in.
    SearchHit,
}

/// The names and definitions a query reads beside the ticket.
pub trait QueryLookups {
    /// The contact's name, when known.
    fn contact_name(&self, contact_id: u64) -> Option<&str>;
    /// A custom field's definition (for a dropdown's option labels), when known. Without
    /// it a dropdown is compared as the text the ticket holds (an option id or a label).
    fn field_def(&self, key: &str) -> Option<&FieldDef>;
}

/// No names and no definitions: contact names count as unknown.
impl QueryLookups for () {
    fn contact_name(&self, _contact_id: u64) -> Option<&str> {
        None
    }

    fn field_def(&self, _key: &str) -> Option<&FieldDef> {
        None
    }
}

impl SearchQuery {
    /// Whether the ticket answers the query (its terms; sort and paging play no part). An
    /// empty query matches every ticket, as the server's does.
    pub fn matches(&self, ticket: &Ticket, known: Known, lookups: &dyn QueryLookups) -> Match {
        let mut answer = Match::Yes;
        for term in &self.terms {
            answer = answer.and(term.matches(ticket, known, lookups));
            if answer == Match::No {
                return Match::No;
            }
        }
        answer
    }
}

impl SearchTerm {
    /// Whether the ticket answers this one term.
    pub(crate) fn matches(
        &self,
        ticket: &Ticket,
        known: Known,
        lookups: &dyn QueryLookups,
    ) -> Match {
        match self {
            SearchTerm::Word(word) => word_matches(ticket, known, lookups, word),
            SearchTerm::Field { field, values } => {
                let mut answer = Match::No;
                for value in values {
                    answer = answer.or(field_matches(ticket, known, lookups, field, value));
                    if answer == Match::Yes {
                        break;
                    }
                }
                answer
            }
            SearchTerm::Date { field, op, date } => {
                let when = match field {
                    DateField::Created => ticket.created,
                    DateField::Updated => ticket.updated,
                };
                // The server compares its own wall-clock day: no zone is applied here.
                when.map_or(Match::Unknown, |when| {
                    let day = when.date();
                    Match::from_bool(match op {
                        DateOp::Before => day < *date,
                        DateOp::After => day > *date,
                        DateOp::On => day == *date,
                        DateOp::OnOrBefore => day <= *date,
                        DateOp::OnOrAfter => day >= *date,
                    })
                })
            }
        }
    }
}

/// `haystack` lowercased contains `needle` (already lowercased), without lowercasing a copy
/// of the haystack when the needle allows it: this runs once a ticket a keystroke.
fn contains_folded(haystack: &str, needle: &str) -> bool {
    if needle.is_ascii() && !needle.contains(['i', 'k']) {
        // Only ASCII letters lowercase into ASCII, but for the Kelvin sign (k) and İ (i̇):
        // the haystack's other bytes (all ≥ 0x80) can never be part of a match.
        return ascii_contains_ignoring_case(haystack.as_bytes(), needle.as_bytes());
    }
    if needle.chars().all(caseless) {
        // Nothing else lowercases into these, so the haystack holds them as they are.
        return haystack.contains(needle);
    }
    haystack.to_lowercase().contains(needle)
}

/// The lowercase of a term's value, copied only when it differs (the common typed word is
/// already lowercase): this runs once a ticket a keystroke.
fn lowercase(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| c.to_lowercase().eq([c])) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

fn ascii_contains_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.len() <= haystack.len()
        && haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// A character no other lowercases into: CJK punctuation, kana and ideographs, and ASCII
/// other than letters.
fn caseless(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
        || (c.is_ascii() && !c.is_ascii_alphabetic())
}

/// The id's decimal digits contain `word`, without formatting a string.
fn id_contains(id: u64, word: &str) -> bool {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = id;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let (digits, word) = (&digits[at..], word.as_bytes());
    word.len() <= digits.len() && digits.windows(word.len().max(1)).any(|w| w == word)
}

fn word_matches(ticket: &Ticket, known: Known, lookups: &dyn QueryLookups, word: &str) -> Match {
    let folded = lowercase(word);
    if id_contains(ticket.id, word) || contains_folded(&ticket.subject, &folded) {
        return Match::Yes;
    }
    match (ticket.contact_id, known) {
        (Some(contact), _) => lookups
            .contact_name(contact)
            .map_or(Match::Unknown, |name| {
                Match::from_bool(contains_folded(name, &folded))
            }),
        // Read in full without a contact: no name to match.
        (None, Known::Full) => Match::No,
        (None, Known::SearchHit) => Match::Unknown,
    }
}

/// The wire names of the enum fields (the parser has already turned the short names
/// `status`, `priority`, `type` and `source` into these).
fn enum_code(ticket: &Ticket, field: &str) -> Option<Option<i64>> {
    Some(match field {
        "ticketStatus" | "status" => ticket.status.map(|v| v.code()),
        "priorityLevel" | "priority" => ticket.priority.map(|v| v.code()),
        "ticketType" | "type" => ticket.ticket_type.map(|v| v.code()),
        "ticketSource" | "source" => ticket.source.map(|v| v.code()),
        _ => return None,
    })
}

/// An id field's value: `Some(Some(0))` for "none", `Some(None)` when not known, `None`
/// when `field` is no id field.
fn id_value(ticket: &Ticket, known: Known, field: &str) -> Option<Option<u64>> {
    let zero_is_none = |id: Option<u64>| match (id, known) {
        (Some(id), _) => Some(id),
        (None, Known::Full) => Some(0),
        (None, Known::SearchHit) => None,
    };
    let id_field = |id: IdField| match id {
        IdField::Unknown => None,
        IdField::Unset => Some(0),
        IdField::Id(id) => Some(id),
    };
    Some(match field {
        "ticketId" => Some(ticket.id),
        "custUserId" => zero_is_none(ticket.contact_id),
        "agentId" => zero_is_none(ticket.provider_id),
        "createrId" => zero_is_none(ticket.creator_id),
        "ticketTemplateId" => zero_is_none(ticket.template_id),
        "servicerUserId" => id_field(ticket.assignee_id),
        "servicerGroupId" => id_field(ticket.group_id),
        _ => return None,
    })
}

fn field_matches(
    ticket: &Ticket,
    known: Known,
    lookups: &dyn QueryLookups,
    field: &str,
    wanted: &str,
) -> Match {
    if let Some(code) = enum_code(ticket, field) {
        // The parser turned labels into codes; anything else is no value of the field.
        let Ok(wanted) = wanted.trim().parse::<i64>() else {
            return Match::No;
        };
        return code.map_or(Match::Unknown, |code| Match::from_bool(code == wanted));
    }
    if let Some(id) = id_value(ticket, known, field) {
        let Ok(wanted) = wanted.trim().parse::<u64>() else {
            return Match::No;
        };
        return id.map_or(Match::Unknown, |id| Match::from_bool(id == wanted));
    }
    match field {
        "tagList" => {
            return ticket.tags.as_ref().map_or(Match::Unknown, |tags| {
                Match::from_bool(tags.iter().any(|tag| tag == wanted))
            });
        }
        "ccUserIdList" | "ccGroupIdList" => {
            let ids = if field == "ccUserIdList" {
                &ticket.cc_user_ids
            } else {
                &ticket.cc_group_ids
            };
            let Ok(wanted) = wanted.trim().parse::<u64>() else {
                return Match::No;
            };
            return ids.as_ref().map_or(Match::Unknown, |ids| {
                Match::from_bool(ids.contains(&wanted))
            });
        }
        "subject" => {
            return Match::from_bool(contains_folded(&ticket.subject, &lowercase(wanted)));
        }
        "description" | "descript" => {
            return ticket
                .description
                .as_deref()
                .map_or(Match::Unknown, |text| {
                    Match::from_bool(contains_folded(text, &lowercase(wanted)))
                });
        }
        _ => {}
    }
    custom_matches(ticket, known, lookups.field_def(field), field, wanted)
}

fn custom_matches(
    ticket: &Ticket,
    known: Known,
    def: Option<&FieldDef>,
    key: &str,
    wanted: &str,
) -> Match {
    let folded = lowercase(wanted);
    let mut present = false;
    for custom in ticket
        .custom_fields
        .iter()
        .filter(|custom| custom.key == key)
    {
        present = true;
        let hit = match &custom.value {
            CustomValue::Text(text) => {
                contains_folded(text, &folded) || option_matches(def, text, &folded)
            }
            number @ CustomValue::Number(_) => contains_folded(&number.labelled(None), &folded),
            CustomValue::Rows(rows) => rows
                .iter()
                .flatten()
                .any(|(_, cell)| contains_folded(cell, &folded)),
            CustomValue::Empty => false,
        };
        if hit {
            return Match::Yes;
        }
    }
    for table in ticket.tables.iter().filter(|table| table.key == key) {
        present = true;
        if table
            .rows
            .iter()
            .flatten()
            .any(|(_, cell)| contains_folded(cell, &folded))
        {
            return Match::Yes;
        }
    }
    // Live servers leave `custom_fields` out whole (not `tables`): a ticket that sent some
    // sent all it has, and one that sent none may have had them dropped.
    if present || (known == Known::Full && !ticket.custom_fields.is_empty()) {
        Match::No
    } else {
        Match::Unknown
    }
}

/// A dropdown's value in its other spelling: the `_v2` calls send option ids
/// (`"231,232"`), the legacy ones labels; the server matches either.
fn option_matches(def: Option<&FieldDef>, text: &str, folded: &str) -> bool {
    let Some(def) = def else {
        return false;
    };
    text.split(',').map(str::trim).any(|part| {
        def.options.iter().any(|(id, label)| {
            (id == part && contains_folded(label, folded))
                || (label == part && contains_folded(id, folded))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{CustomField, TicketStatus};
    use chrono::NaiveDate;

    struct Names;
    impl QueryLookups for Names {
        fn contact_name(&self, id: u64) -> Option<&str> {
            (id == 7).then_some("张伟Zhang")
        }
        fn field_def(&self, key: &str) -> Option<&FieldDef> {
            let _ = key;
            None
        }
    }

    fn ticket() -> Ticket {
        Ticket {
            id: 2444,
            subject: "无法登录 Login".into(),
            status: Some(TicketStatus::Solved),
            contact_id: Some(7),
            tags: Some(vec!["vip客户".into()]),
            created: NaiveDate::from_ymd_opt(2017, 7, 1).and_then(|d| d.and_hms_opt(23, 59, 0)),
            custom_fields: vec![CustomField {
                key: "field_1".into(),
                value: CustomValue::Text("A454B".into()),
                pay_status: None,
            }],
            ..Ticket::default()
        }
    }

    fn check(query: &str, ticket: &Ticket, known: Known) -> Match {
        match SearchQuery::parse(query) {
            Ok(query) => query.matches(ticket, known, &Names),
            Err(error) => panic!("{query}: {error:?}"),
        }
    }

    #[test]
    fn folding_without_a_copy_agrees_with_lowercasing_one() {
        let haystacks = [
            "无法登录 Login",
            "KELVIN \u{212A} İstanbul",
            "ＶＩＰ客户",
            "Σσς",
            "2444",
        ];
        let needles = [
            "login",
            "登录",
            "k",
            "i",
            "istanbul",
            "ｖｉｐ",
            "vip",
            "σ",
            "44",
            "法登",
            "x",
        ];
        for haystack in haystacks {
            for needle in needles {
                assert_eq!(
                    contains_folded(haystack, needle),
                    haystack.to_lowercase().contains(needle),
                    "{haystack} {needle}"
                );
            }
        }
        for (id, word, yes) in [
            (2444, "44", true),
            (0, "0", true),
            (10, "01", false),
            (7, "77", false),
        ] {
            assert_eq!(id_contains(id, word), yes, "{id} {word}");
        }
    }

    #[test]
    fn words_fold_case_over_id_subject_and_contact() {
        let t = ticket();
        assert_eq!(check("444", &t, Known::Full), Match::Yes);
        assert_eq!(check("LOGIN", &t, Known::Full), Match::Yes);
        assert_eq!(check("zhang", &t, Known::Full), Match::Yes);
        assert_eq!(check("李", &t, Known::Full), Match::No);
        let stranger = Ticket {
            contact_id: Some(8),
            ..ticket()
        };
        assert_eq!(check("李", &stranger, Known::Full), Match::Unknown);
        assert_eq!(check("登录", &stranger, Known::Full), Match::Yes);
    }

    #[test]
    fn enum_labels_and_codes_agree_and_unknown_status_is_unknown() {
        let t = ticket();
        assert_eq!(check("ticketStatus:已解决", &t, Known::Full), Match::Yes);
        assert_eq!(check("status:2,4", &t, Known::Full), Match::Yes);
        assert_eq!(check("ticketStatus:2", &t, Known::Full), Match::No);
        let hit = Ticket {
            status: None,
            contact_id: None,
            ..ticket()
        };
        assert_eq!(
            check("ticketStatus:2", &hit, Known::SearchHit),
            Match::Unknown
        );
        assert_eq!(
            check("ticketStatus:nothing", &hit, Known::SearchHit),
            Match::No
        );
        // AND: a definite no wins over unknown.
        assert_eq!(
            check("ticketStatus:2 zzz", &hit, Known::SearchHit),
            Match::Unknown
        );
        assert_eq!(
            check("ticketStatus:2 createDT>2020-01-01", &hit, Known::SearchHit),
            Match::No
        );
    }

    #[test]
    fn dates_compare_the_servers_day() {
        let t = ticket();
        assert_eq!(check("createDT:2017-07-01", &t, Known::Full), Match::Yes);
        assert_eq!(check("createDT<=2017-07-01", &t, Known::Full), Match::Yes);
        assert_eq!(check("createDT<2017-07-01", &t, Known::Full), Match::No);
        assert_eq!(check("createDT>2017-06-30", &t, Known::Full), Match::Yes);
        assert_eq!(check("createDT>=2017-07-02", &t, Known::Full), Match::No);
        assert_eq!(
            check("updateDT>=2017-07-02", &t, Known::Full),
            Match::Unknown
        );
    }

    #[test]
    fn ids_lists_and_custom_fields() {
        let t = ticket();
        assert_eq!(check("custUserId:7", &t, Known::Full), Match::Yes);
        assert_eq!(check("servicerUserId:0", &t, Known::Full), Match::Unknown);
        assert_eq!(check("ticketTemplateId:0", &t, Known::Full), Match::Yes);
        assert_eq!(
            check("ticketTemplateId:0", &t, Known::SearchHit),
            Match::Unknown
        );
        assert_eq!(check("tagList:vip客户", &t, Known::Full), Match::Yes);
        assert_eq!(check("tagList:vip", &t, Known::Full), Match::No);
        assert_eq!(check("field_1:454", &t, Known::Full), Match::Yes);
        assert_eq!(check("field_1:a454b", &t, Known::Full), Match::Yes);
        assert_eq!(check("field_2:454", &t, Known::Full), Match::No);
        let bare = Ticket {
            custom_fields: Vec::new(),
            ..ticket()
        };
        assert_eq!(check("field_2:454", &bare, Known::Full), Match::Unknown);
    }

    #[test]
    fn dropdowns_match_by_option_id_and_label() {
        let def = FieldDef {
            key: "field_2".into(),
            name: "问题分类".into(),
            kind: 1,
            required: true,
            options: vec![
                ("231".into(), "账号登录".into()),
                ("232".into(), "支付问题".into()),
            ],
        };
        for text in ["232", "支付问题"] {
            let t = Ticket {
                custom_fields: vec![CustomField {
                    key: "field_2".into(),
                    value: CustomValue::Text(text.into()),
                    pay_status: None,
                }],
                ..ticket()
            };
            let run = |wanted: &str, def| custom_matches(&t, Known::Full, def, "field_2", wanted);
            assert_eq!(run("支付", Some(&def)), Match::Yes, "{text}");
            assert_eq!(run("232", Some(&def)), Match::Yes, "{text}");
            assert_eq!(run("231", Some(&def)), Match::No, "{text}");
            assert_eq!(run("登录", Some(&def)), Match::No, "{text}");
        }
        // Without the definition only the text held counts.
        let t = Ticket {
            custom_fields: vec![CustomField {
                key: "field_2".into(),
                value: CustomValue::Text("232".into()),
                pay_status: None,
            }],
            ..ticket()
        };
        assert_eq!(
            custom_matches(&t, Known::Full, None, "field_2", "支付"),
            Match::No
        );
    }
}
