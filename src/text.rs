//! Untrusted text: cleaning server strings once where they enter the model, and display
//! widths in terminal columns (CJK counts two).

/// Makes a string from the server inert. (Issue 6 completes the rules; this is the entry
/// point every decoder calls.)
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}
