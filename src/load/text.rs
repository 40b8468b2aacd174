//! Text files as Windows tools save them: a byte-order mark in front and CRLF line ends.
//! Every reader of a user's text file goes through here, so front matter, YAML, Markdown
//! and templates see one spelling. Lines and columns are unchanged (a line's `\r` is at its
//! end), so problems point at the same places in the file on disk.

use std::io;
use std::path::Path;

/// A UTF-8 text file with any byte-order mark dropped and CRLF line ends made LF.
pub fn read(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path).map(normalise)
}

/// `text` with any byte-order mark dropped and CRLF line ends made LF.
pub fn normalise(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.contains('\r') { text.replace("\r\n", "\n") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_file_reads_as_the_same_text() {
        let windows = "\u{feff}---\r\nkind: poster\r\n---\r\nBody\r\n".to_string();
        assert_eq!(normalise(windows), "---\nkind: poster\n---\nBody\n");
        // A lone carriage return is content, not a line end.
        assert_eq!(normalise("a\rb".into()), "a\rb");
        assert_eq!(normalise("plain\n".into()), "plain\n");
    }
}
