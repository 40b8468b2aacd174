//! Edition names: `2026/27` as people write them, `2026-27` as folder and file names.

use std::fmt;

/// A contract year, named by the year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EditionName {
    start: u16,
}

impl EditionName {
    /// Reads `2026/27`, or the slug `2026-27`; the four-digit second year (`2026/2027`) is
    /// accepted too. The second year must follow the first.
    /// The error is the message then a `hint:` line, as the command line shows it.
    pub fn parse(text: &str) -> Result<EditionName, String> {
        Self::read(text).map_err(|p| format!("{}\nhint: {}", p.message, p.hints.join("; ")))
    }

    /// [`EditionName::parse`] with the problem's hint kept apart.
    pub fn read(text: &str) -> Result<EditionName, crate::diag::Problem> {
        let t = text.trim();
        let refuse = || {
            crate::diag::Problem::general(format!("`{t}` is not an edition name")).hint(
                "write the contract year as YEAR/YY, such as 2026/27 (the second year is the one after the first)",
            )
        };
        let (first, second) = t.split_once(['/', '-']).ok_or_else(refuse)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if first.len() != 4 || !digits(first) || !digits(second) {
            return Err(refuse());
        }
        let start: u16 = first.parse().map_err(|_| refuse())?;
        let follows = match second.len() {
            2 => second.parse::<u16>().ok() == Some((start + 1) % 100),
            4 => second.parse::<u16>().ok() == Some(start + 1),
            _ => false,
        };
        if !follows || start < 1900 {
            return Err(refuse());
        }
        Ok(EditionName { start })
    }

    /// `2026-27`: the archive folder's name.
    pub fn slug(&self) -> String {
        format!("{}-{:02}", self.start, (self.start + 1) % 100)
    }

    /// The day the contract year starts: 1 April of its first year.
    pub fn starts(&self) -> time::Date {
        time::Date::from_calendar_date(i32::from(self.start), time::Month::April, 1)
            .unwrap_or(time::Date::MIN)
    }

    /// The edition after this one.
    pub fn next(&self) -> EditionName {
        EditionName { start: self.start + 1 }
    }
}

impl fmt::Display for EditionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.start, (self.start + 1) % 100)
    }
}

impl serde::Serialize for EditionName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs() {
        let n = EditionName::parse("2026/27").unwrap();
        assert_eq!(n.slug(), "2026-27");
        assert_eq!(n.to_string(), "2026/27");
        assert_eq!(EditionName::parse("2026-27").unwrap(), n);
        assert_eq!(EditionName::parse(" 2026/2027 ").unwrap(), n);
        assert_eq!(EditionName::parse("2099/00").unwrap().slug(), "2099-00");
        assert_eq!(n.next().to_string(), "2027/28");
        assert!(EditionName::parse("2025/26").unwrap() < n);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in ["", "2026", "2026/28", "26/27", "2026/7", "next", "2026/27/28", "２０２６/27", "2026/+7"]
        {
            let err = EditionName::parse(bad).unwrap_err();
            assert!(err.contains("is not an edition name") && err.contains("2026/27"), "{bad}: {err}");
        }
    }
}
