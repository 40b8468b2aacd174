//! What must stay on one line: phone numbers and e-mail addresses. A reader dials or types
//! them, and one broken across lines ("call 0116 / 496 0123", "reception@high- /
//! street.example.org") is easily misread. [`runs`] finds them in a document's text and
//! [`is_contact`] judges a placeholder's value, so that the document model decides it once
//! and every format keeps them whole.

use std::ops::Range;

/// Fewest and most digits of a phone number written in groups: a UK number has 10 or 11
/// (`18001 111`, text relay, has 8), one written internationally up to 15.
const PHONE_DIGITS: Range<usize> = 8..16;

/// The ranges of `text` holding a phone number written in groups, or an e-mail address, in
/// order and apart.
pub fn runs(text: &str) -> Vec<Range<usize>> {
    let emails = emails(text);
    let apart = |p: &Range<usize>| !emails.iter().any(|e| e.start < p.end && p.start < e.end);
    let mut found: Vec<Range<usize>> = phones(text).into_iter().filter(apart).collect();
    found.extend(emails.iter().cloned());
    found.sort_by_key(|r| r.start);
    found
}

/// Whether a value is one phone number or one e-mail address, all of it: then it stays on
/// one line wherever it is shown.
pub fn is_contact(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty() && runs(value).first().is_some_and(|r| r.start == 0 && r.end == value.len())
}

/// Whether a placeholder's name says it holds a phone number or an e-mail address
/// (`practice.phone`, `lmc.email`, `practice.professional_phone`).
pub fn is_contact_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.ends_with("phone") || last.ends_with("email") || last.ends_with("e_mail")
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// E-mail addresses: a local part, `@`, and a domain with at least one dot.
fn emails(text: &str) -> Vec<Range<usize>> {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-'".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start =
            text[..at].char_indices().rev().take_while(|(_, c)| local(*c)).last().map_or(at, |(i, _)| i);
        let start = at - text[start..at].trim_start_matches(['.', '\'']).len();
        let after = at + 1;
        let end = text[after..].find(|c: char| !domain(c)).map_or(text.len(), |i| after + i);
        let end = after + text[after..end].trim_end_matches(['.', '-']).len();
        let name = &text[after..end];
        let apart = !out.iter().any(|r: &Range<usize>| r.end > start);
        if start < at && name.contains('.') && !name.starts_with(['.', '-']) && apart {
            out.push(start..end);
        }
    }
    out
}

/// Phone numbers written in groups (`0116 496 0123`, `(0116) 496 0123`, `+44 116 496 0123`,
/// `18001 111`): a number of one group cannot break, so only grouped ones are found. A UK
/// number starts with 0 or +; `18001` is text relay's prefix.
fn phones(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = matches!(bytes[i], b'+' | b'(' | b'0' | b'1')
            && !text[..i].chars().next_back().is_some_and(|c| is_word(c) || c == '+');
        if starts && let Some(end) = phone_at(text, i) {
            out.push(i..end);
            i = end;
        } else {
            i += 1;
        }
    }
    out.retain(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    out
}

/// The end of a grouped phone number starting at byte `start`, if one does.
fn phone_at(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start;
    if bytes[i] == b'+' {
        i += 1;
    }
    let mut digits = String::new();
    let mut groups = 0;
    let mut end = None;
    loop {
        let open = bytes.get(i) == Some(&b'(');
        if open {
            i += 1;
        }
        let group_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == group_start {
            break;
        }
        digits.push_str(&text[group_start..i]);
        if open {
            if bytes.get(i) != Some(&b')') {
                break;
            }
            i += 1;
        }
        groups += 1;
        end = Some(i);
        // One space (plain or no-break) or hyphen between groups.
        let sep = match text[i..].chars().next() {
            Some(c @ (' ' | '-' | '\u{a0}')) => c.len_utf8(),
            _ => break,
        };
        if !text[i + sep..].starts_with(|c: char| c.is_ascii_digit() || c == '(') {
            break;
        }
        i += sep;
    }
    let end = end?;
    let national = text[start..].starts_with(['+', '0', '(']) || digits.starts_with("18001");
    let ok = groups >= 2
        && national
        && PHONE_DIGITS.contains(&digits.len())
        && !text[end..].chars().next().is_some_and(is_word);
    ok.then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        runs(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_grouped_phone_numbers() {
        assert_eq!(found("call 0116 496 0123 today"), ["0116 496 0123"]);
        assert_eq!(found("call (0116) 496 0123."), ["(0116) 496 0123"]);
        assert_eq!(found("from abroad +44 116 496 0123"), ["+44 116 496 0123"]);
        assert_eq!(found("textphone 18001 111, or 111"), ["18001 111"]);
        assert_eq!(found("0300-123-4567"), ["0300-123-4567"]);
    }

    #[test]
    fn leaves_other_numbers_alone() {
        assert!(found("98.9% of 10 000 patients in 2026 2027").is_empty());
        assert!(found("call 111 or 999").is_empty());
        assert!(found("ref A0116 496 0123").is_empty());
        assert!(found("0116 496").is_empty(), "too few digits");
    }

    #[test]
    fn finds_email_addresses() {
        assert_eq!(
            found("write to reception@high-street.example.org."),
            ["reception@high-street.example.org"]
        );
        assert_eq!(found("(office@lmc.org.uk)"), ["office@lmc.org.uk"]);
        assert!(found("@ handle, a@b, x@.org").is_empty());
    }

    #[test]
    fn an_address_holding_digits_is_one_run() {
        assert_eq!(found("gp.01160 4960123@nhs.net"), ["4960123@nhs.net"]);
    }

    #[test]
    fn contacts_are_whole_values() {
        assert!(is_contact(" 0116 496 0123 "));
        assert!(is_contact("a@b.org"));
        assert!(!is_contact("call 0116 496 0123"));
        assert!(is_contact_name("practice.professional_phone"));
        assert!(is_contact_name("lmc.email"));
        assert!(!is_contact_name("practice.name"));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in
            ["+", "(", "0(", "é@é.é", "@", "a@", "+(0", "0 ", "0\u{a0}1", "1 8001 111", "ü0116 496 0123"]
        {
            let _ = runs(text);
        }
    }
}
