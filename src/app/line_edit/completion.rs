//! Tab completion: the common prefix of several candidates, then each in turn, and the
//! candidates of the search language (field names, then their values). Apart from the
//! readline edits, which know nothing of the search language.

use super::LineEditor;

/// Tab completion with several candidates: the common prefix was put in; the next Tab puts
/// in each candidate in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Completion {
    /// Where the completed part starts (chars).
    pub(crate) start: usize,
    /// Every candidate, in order (shown in the prompt's hint line).
    pub(crate) candidates: Vec<String>,
    /// The candidate the next Tab puts in.
    pub(crate) next: usize,
    /// Whether a Tab has already put a whole candidate in.
    pub(crate) cycling: bool,
}

impl LineEditor {
    /// Tab: completes the part before the caret from `candidates_for` (given the text
    /// before the caret, it answers where the part starts, in chars, and its candidates).
    /// One candidate is put in whole; several put in their common prefix and are kept for
    /// the hint line, and each further Tab puts in the next one.
    pub(crate) fn complete(&mut self, candidates_for: impl Fn(&str) -> (usize, Vec<String>)) {
        if let Some(mut completion) = self.completion.take() {
            if completion.candidates.is_empty() {
                return;
            }
            let pick = completion.candidates[completion.next % completion.candidates.len()].clone();
            self.remove_range(completion.start, self.caret);
            self.insert_str(&pick);
            completion.next = (completion.next + 1) % completion.candidates.len();
            completion.cycling = true;
            self.completion = Some(completion);
            return;
        }
        let (start, candidates) = candidates_for(self.before_caret());
        let typed = self.caret.saturating_sub(start);
        match candidates.as_slice() {
            [] => {}
            [one] => {
                let one = one.clone();
                self.remove_range(start, self.caret);
                self.insert_str(&one);
            }
            many => {
                let common = common_prefix(many);
                if common.chars().count() > typed {
                    self.remove_range(start, self.caret);
                    self.insert_str(&common);
                }
                self.completion = Some(Completion {
                    start,
                    candidates: candidates.clone(),
                    next: 0,
                    cycling: false,
                });
            }
        }
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut prefix: Vec<char> = first.chars().collect();
    for word in &words[1..] {
        let same = prefix
            .iter()
            .zip(word.chars())
            .take_while(|(a, b)| **a == *b)
            .count();
        prefix.truncate(same);
    }
    prefix.into_iter().collect()
}

/// The search language's completions for the text before the caret: a field name (with
/// its `:`) for the term being typed, or a value of an enum field after `field:` (and
/// after each `,`). Matching ignores case.
pub(crate) fn search_candidates(before: &str) -> (usize, Vec<String>) {
    let term_start = before
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let term = &before[term_start..];
    let chars_before = |bytes: usize| before[..bytes].chars().count();
    let matching = |words: Vec<String>, typed: &str| -> Vec<String> {
        let typed = typed.to_lowercase();
        words
            .into_iter()
            .filter(|w| w.to_lowercase().starts_with(&typed))
            .collect()
    };
    match term.split_once(':') {
        Some((field, values)) => {
            let part_start = values.rfind(',').map_or(0, |i| i + 1);
            let part = &values[part_start..];
            let start = term_start + field.len() + 1 + part_start;
            let values: Vec<String> = crate::api::query::enum_values(field)
                .into_iter()
                .map(str::to_string)
                .collect();
            (chars_before(start), matching(values, part))
        }
        None => {
            let fields: Vec<String> = crate::api::query::SEARCH_FIELDS
                .iter()
                .map(|f| format!("{f}:"))
                .collect();
            (chars_before(term_start), matching(fields, term))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::app::line_edit::LineEdit;

    fn completed(text: &str) -> LineEditor {
        let mut l = LineEditor::new(text);
        l.complete(search_candidates);
        l
    }

    #[test]
    fn tab_completes_field_names_and_enum_values() {
        assert_eq!(completed("sta").text, "status:");
        assert_eq!(completed("退款 status:pe").text, "退款 status:pending");
        assert_eq!(completed("ticketStatus:3,so").text, "ticketStatus:3,solved");
        assert_eq!(completed("status:待").text, "status:待回应");
        assert_eq!(completed("PRIORITYL").text, "priorityLevel:");
        // Nothing matches: nothing changes.
        let none = completed("zzz");
        assert_eq!((none.text.as_str(), none.completion), ("zzz", None));
        assert_eq!(completed("servicerUserId:1").text, "servicerUserId:1");
    }

    #[test]
    fn several_candidates_give_their_common_prefix_then_cycle() {
        let mut l = completed("tick");
        assert_eq!(l.text, "ticket");
        let shown = l.completion.clone().unwrap().candidates;
        assert!(shown.contains(&"ticketStatus:".to_string()), "{shown:?}");
        assert!(shown.contains(&"ticketId:".to_string()), "{shown:?}");
        l.complete(search_candidates);
        assert_eq!(l.text, shown[0]);
        l.complete(search_candidates);
        assert_eq!(l.text, shown[1]);
        assert_eq!(l.caret, shown[1].chars().count());
        // Typing ends the cycle; the next Tab completes afresh.
        l.apply(&LineEdit::Insert('x'));
        assert!(l.completion.is_none());
    }
}
