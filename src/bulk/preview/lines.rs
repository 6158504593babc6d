//! The preview as typed lines, in the order the confirm screen shows them: how many
//! tickets, one line per field changed, one per tag added or removed, then the notes. The
//! words are the view's (`words::bulk`); the count is here so that state can clamp a
//! scroll without wording anything.

use super::{FieldPreview, Preview, TagChange};
use crate::bulk::fields::{FieldKind, FieldValue};
use crate::bulk::plan::ExcludeReason;

/// One line of the preview.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PreviewLine<'a> {
    /// How many tickets ("237 tickets", "undo 4 tickets").
    Head,
    /// One field's "from → to" groups.
    Field(&'a FieldPreview),
    /// One tag added (`added`) or removed.
    Tag {
        change: &'a TagChange,
        added: bool,
    },
    Note(PreviewNote<'a>),
}

/// What the preview notes besides the changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PreviewNote<'a> {
    /// The reply every ticket gets (the whole text: the view shortens it).
    Reply(&'a str),
    /// Tickets already at the target, skipped; `value`: the one common target, if any.
    Skipped {
        count: usize,
        value: Option<&'a FieldValue>,
    },
    /// Tickets whose tags are not known: nothing of theirs changes.
    TagsUnknown(usize),
    /// Other tickets left out, for `reason`.
    Excluded(&'a ExcludeReason, usize),
    /// Tickets whose values before the run are not known (they cannot be undone).
    PreviousUnknown(usize),
    /// Tickets with one field not known before (undo will leave it).
    FieldNotKnownBefore(&'a FieldKind, usize),
    /// (Undo) tickets keeping one field, for `reason`.
    FieldLeft(&'a FieldKind, &'a ExcludeReason, usize),
}

impl Preview {
    /// The lines of the confirm screen, as data.
    pub(crate) fn lines(&self) -> Vec<PreviewLine<'_>> {
        let mut lines = vec![PreviewLine::Head];
        lines.extend(self.changing().into_iter().map(PreviewLine::Field));
        lines.extend(
            self.tag_changes()
                .into_iter()
                .map(|(change, added)| PreviewLine::Tag { change, added }),
        );
        lines.extend(self.notes().into_iter().map(PreviewLine::Note));
        lines
    }

    /// How many lines [`Preview::lines`] gives (the language picks the words, never which
    /// lines there are), so state can clamp a scroll with it.
    pub(crate) fn line_count(&self) -> usize {
        self.lines().len()
    }

    /// The fields that change on some ticket.
    pub(crate) fn changing(&self) -> Vec<&FieldPreview> {
        self.fields
            .iter()
            .filter(|f| !f.transitions.is_empty())
            .collect()
    }

    /// Each tag added (`true`) then each removed.
    pub(crate) fn tag_changes(&self) -> Vec<(&TagChange, bool)> {
        let Some(tags) = &self.tags else {
            return Vec::new();
        };
        tags.added
            .iter()
            .map(|c| (c, true))
            .chain(tags.removed.iter().map(|c| (c, false)))
            .collect()
    }

    /// The reply, the skipped, the left out, unknown tags and unknown previous values.
    pub(crate) fn notes(&self) -> Vec<PreviewNote<'_>> {
        let mut notes = Vec::new();
        if let Some(reply) = &self.reply {
            notes.push(PreviewNote::Reply(reply));
        }
        if self.skipped > 0 {
            notes.push(PreviewNote::Skipped {
                count: self.skipped,
                value: self.skipped_value.as_ref(),
            });
        }
        if let Some(tags) = self.tags.as_ref().filter(|t| t.unknown > 0) {
            notes.push(PreviewNote::TagsUnknown(tags.unknown));
        }
        for (reason, count) in &self.excluded {
            notes.push(PreviewNote::Excluded(reason, *count));
        }
        if self.previous_unknown > 0 {
            notes.push(PreviewNote::PreviousUnknown(self.previous_unknown));
        }
        for (field, count) in &self.previous_unknown_fields {
            notes.push(PreviewNote::FieldNotKnownBefore(field, *count));
        }
        for (field, reason, count) in &self.fields_left {
            notes.push(PreviewNote::FieldLeft(field, reason, *count));
        }
        notes
    }
}
