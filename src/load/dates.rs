//! Dates as the documents show them ("1 April 2025"), parsed from ISO or UK forms, and the
//! one place the clock and `SOURCE_DATE_EPOCH` are read.

use time::{Date, Month};

/// The date `SOURCE_DATE_EPOCH` names, when it is set: builds that honour it are
/// reproducible.
pub fn source_date() -> Option<Date> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    Some(time::OffsetDateTime::from_unix_timestamp(secs).ok()?.date())
}

/// Today in UTC, or `SOURCE_DATE_EPOCH`'s date when it is set.
pub fn today() -> Date {
    source_date().unwrap_or_else(|| time::OffsetDateTime::now_utc().date())
}

/// `YYYY-MM-DD`.
pub fn parse_iso(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// ISO, or the UK forms people type and spreadsheets export: `25/11/2026`, `25-11-2026`,
/// `25.11.2026`, `25 November 2026`, `25 Nov 2026`.
pub fn parse_uk(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Some(date) = parse_iso(text) {
        return Some(date);
    }
    let numeric: Vec<&str> = text.split(['/', '-', '.']).collect();
    if numeric.len() == 3 {
        let d: u8 = numeric[0].trim().parse().ok()?;
        let m: u8 = numeric[1].trim().parse().ok()?;
        let mut y: i32 = numeric[2].trim().parse().ok()?;
        if numeric[2].trim().len() == 2 {
            y += 2000;
        }
        return Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() == 3 {
        let d: u8 = words[0].trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()?;
        let month = month_from_name(words[1])?;
        let y: i32 = words[2].parse().ok()?;
        return Date::from_calendar_date(y, month, d).ok();
    }
    None
}

fn month_from_name(name: &str) -> Option<Month> {
    let lower = name.to_ascii_lowercase();
    let key = lower.get(..3)?;
    let month = (1..=12u8)
        .map(|m| Month::try_from(m).unwrap())
        .find(|m| m.to_string().to_ascii_lowercase().starts_with(key))?;
    // "Sept" and full names are fine; "Janxyz" is not.
    let full = month.to_string().to_ascii_lowercase();
    (full.starts_with(&lower) || lower == "sept").then_some(month)
}

/// "1 April 2025".
pub fn long(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_uk_forms() {
        let want = Date::from_calendar_date(2026, Month::November, 25).unwrap();
        for text in [
            "2026-11-25",
            "25/11/2026",
            "25-11-2026",
            "25.11.2026",
            "25/11/26",
            "25 November 2026",
            "25 Nov 2026",
            "25th Nov 2026",
        ] {
            assert_eq!(parse_uk(text), Some(want), "{text}");
        }
        for text in ["11/25/2026", "31/02/2026", "yesterday", "25 Novxyz 2026", ""] {
            assert_eq!(parse_uk(text), None, "{text}");
        }
    }

    #[test]
    fn long_form() {
        assert_eq!(long(parse_iso("2025-04-01").unwrap()), "1 April 2025");
    }
}
