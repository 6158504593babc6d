//! A canned reply's variables (`{contact}`, `{ticket_id}`, `{subject}`, `{agent}`,
//! `{today}`) filled in one pass: the text is read once, left to right, and a value put in
//! is never read again, so a subject that holds `{agent}` stays as typed. Shared by the
//! composer's picker and `tickets update --reply-snippet`.

/// A variable a snippet may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Var {
    Contact,
    TicketId,
    Subject,
    Agent,
    Today,
}

impl Var {
    pub const ALL: [Var; 5] = [
        Var::Contact,
        Var::TicketId,
        Var::Subject,
        Var::Agent,
        Var::Today,
    ];

    /// The name written between braces.
    pub fn name(self) -> &'static str {
        match self {
            Var::Contact => "contact",
            Var::TicketId => "ticket_id",
            Var::Subject => "subject",
            Var::Agent => "agent",
            Var::Today => "today",
        }
    }
}

/// A text with its variables filled: those whose value was not known are left as written
/// (`{contact}`), named in `unknown` once each, in the order first met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub text: String,
    pub unknown: Vec<Var>,
}

/// Fills `text`'s variables with `value` in one pass. Braces that name no variable stay as
/// they are.
pub fn fill(text: &str, value: impl Fn(Var) -> Option<String>) -> Filled {
    let mut out = String::with_capacity(text.len());
    let mut unknown = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let var = after.find('}').and_then(|close| {
            let name = &after[..close];
            Var::ALL
                .iter()
                .find(|v| v.name() == name)
                .map(|v| (*v, close))
        });
        match var {
            Some((var, close)) => {
                match value(var) {
                    Some(filled) => out.push_str(&filled),
                    None => {
                        out.push_str(&rest[open..open + close + 2]);
                        if !unknown.contains(&var) {
                            unknown.push(var);
                        }
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Filled { text: out, unknown }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_never_reads_a_value_again() {
        let filled = fill("Re {subject} by {agent} {x} {", |var| match var {
            Var::Subject => Some("{agent} 的问题".into()),
            Var::Agent => Some("张三".into()),
            _ => None,
        });
        assert_eq!(filled.text, "Re {agent} 的问题 by 张三 {x} {");
        assert!(filled.unknown.is_empty());
    }

    #[test]
    fn an_unknown_value_stays_visible_and_is_named_once() {
        let filled = fill("{contact}, hi {contact} #{ticket_id}", |var| {
            (var == Var::TicketId).then(|| "7".to_string())
        });
        assert_eq!(filled.text, "{contact}, hi {contact} #7");
        assert_eq!(filled.unknown, vec![Var::Contact]);
    }
}
