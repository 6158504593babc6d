//! The switches for the live servers' departures from the vendor's page ([`Quirks`]) and
//! which tickets the null-fields quirk hits: data every answer's shape reads, kept apart from
//! the options that say where and how the server runs.

/// The live servers' departures from the vendor's page, each switchable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    /// Numbers in tickets and counts go out as numeric strings (`"ticketStatus": "2"`).
    pub string_numbers: bool,
    /// Both show calls answer either shape (object or array of one), alternating by id.
    pub show_both_shapes: bool,
    /// An unknown id on show answers HTTP 200 with `{"ticket": []}` (legacy) or `null` (v2)
    /// instead of 404.
    pub not_found_as_200: bool,
    /// Search answers `{"tickets": {"count": N, "results": [...]}}`.
    pub nested_search: bool,
    /// Errors come inside HTTP 200: `{"errcode": "100047", ...}` for an unknown path,
    /// `{"state": "403", ...}` for a forbidden call.
    pub errors_in_200: bool,
    /// Ticket bodies carry `\'`, an escape JSON does not allow.
    pub invalid_escapes: bool,
    /// Update answers carry `ticketStatus` as its Chinese label (`"已解决"`), as on the page.
    pub echo_labels: bool,
    /// An update moves `updateDT` to now. Off: `updateDT` stays stale, as some servers do.
    pub bump_update_dt: bool,
    /// Create and update answer `{"status": "0", "message": "Insert ok", "data": false}`
    /// (a success) instead of the ticket. Not part of [`Quirks::live`], whose callers expect
    /// the ticket back.
    pub write_status_body: bool,
    /// Some tickets (by id, see [`null_fields_of`]) are answered with `tagList`,
    /// `ccUserIdList` and `servicerGroupId` null and no `custom_fields`, while they have
    /// them: list, show and update answers do this; show many answers some of them in
    /// full, others null there too. Not known, not empty.
    pub null_fields: bool,
}

/// Which tickets the [`Quirks::null_fields`] quirk answers with null fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullFields {
    /// Answered whole everywhere.
    Never,
    /// Null in list, show and update answers; whole in show many.
    UntilShowMany,
    /// Null in every answer.
    Always,
}

/// Deterministic by id, so that tests and the demo can name the tickets: one in 25 is
/// rescued by show many, one in 25 never is.
pub fn null_fields_of(id: u64) -> NullFields {
    match id % 25 {
        3 => NullFields::UntilShowMany,
        7 => NullFields::Always,
        _ => NullFields::Never,
    }
}

impl Default for Quirks {
    /// The page's documented shapes, plus what every live server does (numeric strings,
    /// labels echoed on update, `updateDT` kept true).
    fn default() -> Self {
        Quirks {
            string_numbers: true,
            show_both_shapes: false,
            not_found_as_200: false,
            nested_search: false,
            errors_in_200: false,
            invalid_escapes: false,
            echo_labels: true,
            bump_update_dt: true,
            write_status_body: false,
            null_fields: false,
        }
    }
}

impl Quirks {
    /// Exactly what the vendor's page documents: no quirk at all.
    pub fn none() -> Self {
        Quirks {
            string_numbers: false,
            show_both_shapes: false,
            not_found_as_200: false,
            nested_search: false,
            errors_in_200: false,
            invalid_escapes: false,
            echo_labels: false,
            bump_update_dt: true,
            write_status_body: false,
            null_fields: false,
        }
    }

    /// Every quirk seen on live servers at once (but `write_status_body`).
    pub fn live() -> Self {
        Quirks {
            string_numbers: true,
            show_both_shapes: true,
            not_found_as_200: true,
            nested_search: true,
            errors_in_200: true,
            invalid_escapes: true,
            echo_labels: true,
            bump_update_dt: true,
            write_status_body: false,
            null_fields: true,
        }
    }
}
