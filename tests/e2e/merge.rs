//! End-to-end: `lmcpress merge`, one letter per recipient.

use crate::common::{Fixture, pdf_text, squash};

const LETTER: &str = "reply-rejected-referral";

fn header(fx: &Fixture) -> String {
    fx.run(&["merge", LETTER, "--header"]).ok().stdout.trim().to_string()
}

#[test]
fn header_lists_the_letters_fields() {
    let fx = Fixture::shipped();
    let h = header(&fx);
    assert!(h.starts_with("recipient_name,recipient_role,"), "{h}");
    assert!(h.contains(",nhs_number,") && h.contains(",patient_reference,"), "{h}");
}

#[test]
fn merge_makes_one_private_pdf_per_good_row_and_names_bad_rows_without_values() {
    let fx = Fixture::shipped();
    let h = header(&fx);
    // Excel's habits: byte-order mark, semicolons, Windows line endings.
    let rows = [
        "Dr A Consultant;;UHL;Leicester Royal Infirmary|Leicester;Jane Doe;943 476 5919;01/02/1960;Cardiology;3/11/2026;10 Nov 2026;No proforma;AB/123",
        "Dr B;;UHL;Glenfield;John Roe;1234567890;31/02/1970;Respiratory;1/1/2026;2/1/2026;Form missing;AB/124",
        "Dr C;Consultant;UHL;Glenfield;Mary Major;401 023 2137;1/3/1955;Respiratory;1/1/2026;2/1/2026;Form missing;AB/123",
    ];
    let csv = format!("\u{feff}{}\r\n{}\r\n", h.replace(',', ";"), rows.join("\r\n"));
    fx.write("recipients.csv", &csv);
    let run = fx.run(&[
        "merge",
        LETTER,
        "--practice",
        "z90001",
        "--data",
        "recipients.csv",
        "--combined",
        "--out",
        "merged",
    ]);
    assert_eq!(run.code, 1, "one bad row fails the run: {}", run.stderr);
    assert!(run.stderr.contains("row 3: `nhs_number` is not a valid NHS number"), "{}", run.stderr);
    assert!(run.stderr.contains("`date_of_birth` is not a date"), "{}", run.stderr);
    for secret in ["John Roe", "1234567890", "31/02/1970", "Jane Doe"] {
        assert!(
            !run.stderr.contains(secret) && !run.stdout.contains(secret),
            "{secret} leaked: {}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("merged 2 letters of 3 rows"), "{}", run.stderr);

    let first = squash(&pdf_text(&fx.path("merged/AB-123.pdf")));
    assert!(first.contains("Re: Jane Doe, NHS number 943 476 5919, referral to Cardiology"), "{first}");
    assert!(first.contains("Leicester Royal Infirmary Leicester"), "{first}");
    assert!(first.contains("On 3 November 2026 we referred"), "{first}");
    assert!(!first.contains("Recipient's role"), "an empty optional field shows nothing: {first}");
    let second = squash(&pdf_text(&fx.path("merged/AB-123-2.pdf")));
    assert!(second.contains("Mary Major"), "a repeated file name is made unique");
    assert!(!fx.path("merged/AB-124.pdf").exists());

    let combined = squash(&pdf_text(&fx.path(&format!("merged/{LETTER}-combined.pdf"))));
    let (jane, mary) = (combined.find("Jane Doe").unwrap(), combined.find("Mary Major").unwrap());
    assert!(jane < mary, "rows stay in order");
    assert_eq!(combined.matches("Page 1 of 1").count(), 2, "{combined}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fx.path("merged/AB-123.pdf")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let manifest = fx.path("output/.lmcpress-manifest.json");
    assert!(!manifest.exists() || !std::fs::read_to_string(manifest).unwrap().contains("Jane"));
}

#[test]
fn wrong_columns_are_reported_before_any_typesetting() {
    let fx = Fixture::shipped();
    fx.write("r.csv", "patient_name,nhs,clinic_name\nA,B,C\n");
    let run = fx.run(&["merge", LETTER, "--practice", "Z90001", "--data", "r.csv", "--out", "m"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("missing columns: recipient_name"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown columns: nhs, clinic_name"), "{}", run.stderr);
    assert!(run.stderr.contains("the letter expects the columns:"), "{}", run.stderr);
    assert!(!fx.path("m").exists());
}

#[test]
fn yaml_recipients_and_unknown_letters() {
    let fx = Fixture::shipped();
    fx.write(
        "r.yaml",
        "- recipient_name: Dr Z\n  recipient_organisation: Private Clinic\n  recipient_address: [1 Road, Town]\n  patient_name: Pat Q\n  nhs_number: 9434765919\n  date_of_birth: 1980-05-06\n  letter_date: 2026-11-20\n  nhs_service: Dermatology\n  patient_reference: Q1\n",
    );
    fx.run(&[
        "merge",
        "private-consultant-nhs-referral",
        "--practice",
        "Z90003",
        "--data",
        "r.yaml",
        "--out",
        "m",
    ])
    .ok();
    let text = squash(&pdf_text(&fx.path("m/Q1.pdf")));
    assert!(text.contains("Pat Q") && text.contains("6 May 1980"), "{text}");
    let run = fx.run(&["merge", "reply-rejected-referal", "--header"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("did you mean `reply-rejected-referral`?"), "{}", run.stderr);
    fx.write("bad.csv", "a\n\u{0}");
    std::fs::write(fx.path("latin1.csv"), b"patient_name\nG\xe9rard\n").unwrap();
    let run = fx.run(&["merge", LETTER, "--practice", "Z90001", "--data", "latin1.csv"]);
    assert!(run.stderr.contains("not UTF-8"), "{}", run.stderr);
}
