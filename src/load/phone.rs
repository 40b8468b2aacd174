//! UK phone numbers, judged with libphonenumber's data (the `phonenumber` crate, a port of
//! Google's library) rather than a pattern of our own: a number patients are told to call
//! must be one that can be dialled.

use phonenumber::Mode;
use phonenumber::country::Id;

/// What is wrong with a phone number, and how it should be written when that can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Not a phone number at all (letters, words, nothing): an error. A number of digits that
    /// libphonenumber does not know as a UK number in use is only a warning, since the data
    /// may lag behind a newly opened range.
    pub is_error: bool,
    pub message: String,
    pub hint: String,
}

/// A number longer than this is a paste gone wrong, not a phone number.
const MAX_LEN: usize = 40;

/// `Ok(written)` for a valid UK number (`written` is how it is usually written, such as
/// `0116 496 0123`), else what is wrong with it.
pub fn check_uk(number: &str) -> Result<String, Fault> {
    let trimmed = number.trim();
    if let Some(written) = valid(trimmed) {
        return Ok(written);
    }
    let hint = match valid(&look_alikes(trimmed)) {
        // Letters O and I typed for the digits 0 and 1.
        Some(written) if trimmed.chars().any(|c| c.is_ascii_alphabetic()) => {
            format!("did you mean `{written}`? (letters O and I are not the digits 0 and 1)")
        }
        _ => "write a UK number patients can dial, with its area code, such as `0116 496 0123` \
              or `+44 116 496 0123`"
            .to_string(),
    };
    let message = if trimmed.is_empty() {
        "the phone number is empty".to_string()
    } else if !trimmed.chars().any(|c| c.is_ascii_digit()) {
        format!("`{trimmed}` is not a phone number")
    } else {
        format!("`{trimmed}` is not a valid UK phone number")
    };
    let is_error = !trimmed.chars().all(|c| c.is_ascii_digit() || " +()-.".contains(c))
        || trimmed.chars().filter(char::is_ascii_digit).count() < 3;
    Err(Fault { is_error, message, hint })
}

/// The number as usually written (national format for UK numbers, international otherwise),
/// if libphonenumber finds it valid.
fn valid(number: &str) -> Option<String> {
    if number.is_empty() || number.len() > MAX_LEN {
        return None;
    }
    if !number.chars().all(|c| c.is_ascii_digit() || " +()-.".contains(c)) {
        return None;
    }
    // The library once panicked on odd input (whisperfish/rust-phonenumber#32, #43, both
    // fixed); bad input here must never end the program.
    let owned = number.to_string();
    std::panic::catch_unwind(move || {
        let parsed = phonenumber::parse(Some(Id::GB), &owned).ok()?;
        if !phonenumber::is_valid(&parsed) {
            return None;
        }
        let mode = if parsed.code().value() == 44 { Mode::National } else { Mode::International };
        Some(parsed.format().mode(mode).to_string())
    })
    .ok()
    .flatten()
}

/// Starts building libphonenumber's metadata on a thread of its own, once per process. The
/// crate parses every pattern of every country the first time any number is checked (about a
/// tenth of a no-op build of 1,000 practices); begun before the project is read, that work
/// overlaps reading and parsing the profiles instead of stalling the first check while the
/// other workers wait on it.
pub fn warm_up_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let started = std::thread::Builder::new().name("lmcpress-phone-data".into()).spawn(|| {
            // A panic here would recur, and be caught, in the first check (see `valid`).
            std::panic::catch_unwind(|| {
                let _ = &*phonenumber::metadata::DATABASE;
            })
            .ok();
        });
        // A thread that cannot start only means the first check builds the metadata itself.
        drop(started);
    });
}

/// The letters people type for digits: O for 0, I and l for 1.
fn look_alikes(number: &str) -> String {
    number
        .chars()
        .map(|c| match c {
            'O' | 'o' => '0',
            'I' | 'l' => '1',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_numbers_pass_and_are_written_the_usual_way() {
        assert_eq!(check_uk("0116 255 9090").unwrap(), "0116 255 9090");
        assert_eq!(check_uk("01162559090").unwrap(), "0116 255 9090");
        assert_eq!(check_uk("+44 116 255 9090").unwrap(), "0116 255 9090");
        assert_eq!(check_uk("020 7946 0000").unwrap(), "020 7946 0000");
        assert_eq!(check_uk("07911 123456").unwrap(), "07911 123456");
    }

    #[test]
    fn letters_for_digits_are_caught_with_the_number_as_meant() {
        let fault = check_uk("0116 496 OI23").unwrap_err();
        assert!(fault.message.contains("not a valid UK phone number"), "{fault:?}");
        assert!(fault.hint.contains("`0116 496 0123`"), "{fault:?}");
        assert!(fault.is_error);
        // Digits that are no number in use: a warning, since the data may lag.
        assert!(!check_uk("0116 496 01234").unwrap_err().is_error);
    }

    #[test]
    fn words_and_short_numbers_are_refused() {
        let fault = check_uk("call reception").unwrap_err();
        assert_eq!(fault.message, "`call reception` is not a phone number");
        assert!(fault.is_error);
        assert!(fault.hint.contains("0116 496 0123"));
        assert!(check_uk("0116 496").is_err());
        assert!(check_uk("").is_err());
        assert!(check_uk(&"1".repeat(500)).is_err());
        for odd in ["  2 22#:", "003-836-4618x3001", "+", "++44", "()", "0"] {
            assert!(check_uk(odd).is_err(), "{odd}");
        }
    }
}
