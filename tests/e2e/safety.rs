//! The clinical safety log (docs/clinical-safety.md): one test per control, named after the
//! hazard it guards against. Fixtures are small edits to a copy of the shipped project.

use crate::common::{Fixture, pdf_text, squash};

/// Letters that rest on clinical judgement about a patient.
const CLINICAL: [&str; 5] = [
    "declining-unfunded-work",
    "private-consultant-nhs-referral",
    "referral-letter",
    "reply-irrelevant-information-request",
    "reply-rejected-referral",
];

/// A built letter's text, with Markdown's curly apostrophes made straight.
fn letter_text(fx: &Fixture, ods: &str, slug: &str) -> String {
    plain_quotes(&squash(&pdf_text(&fx.out(&format!("practices/{ods}/letters/{slug}.pdf")))))
}

/// The body of every shipped document of one folder, without its front matter.
fn bodies(folder: &str) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content").join(folder);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let body = text.trim_start_matches("---\n").split_once("\n---\n").unwrap().1.to_string();
        out.push((path.file_name().unwrap().to_string_lossy().into_owned(), body));
    }
    assert!(!out.is_empty());
    out
}

const REJECTED: &str = "- recipient_name: Dr A Consultant\n  recipient_organisation: UHL\n  \
    recipient_address: [Glenfield Hospital, Leicester]\n  patient_name: Jane Doe\n  nhs_number: 9434765919\n  \
    date_of_birth: 1960-02-01\n  service: Cardiology\n  referral_date: 2026-11-03\n  rejection_date: 2026-11-10\n  \
    rejection_reason: No proforma\n  patient_reference: R1\n";

#[test]
fn clinical_letters_are_never_signed_by_a_practice_manager() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--practice", "Z90004"]).ok();
    for slug in CLINICAL {
        let text = letter_text(&fx, "Z90004", slug);
        assert!(!text.contains("Joanne Okafor") && !text.contains("Practice Manager"), "{slug}: {text}");
        for blank in ["Clinician's name", "Clinician's role", "GMC or NMC number"] {
            assert!(text.contains(blank), "{slug}: no blank for {blank}: {text}");
        }
    }
    let dsa = letter_text(&fx, "Z90004", "data-sharing-agreement");
    assert!(dsa.contains("Mrs Joanne Okafor Practice Manager"), "practice letters keep the signatory: {dsa}");
}

#[test]
fn every_shipped_letter_says_who_signs_it() {
    for (name, _) in bodies("letters") {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/letters").join(&name);
        let text = std::fs::read_to_string(path).unwrap();
        let slug = name.trim_end_matches(".md");
        let clinical = text.contains("\nsigned_by: clinician\n");
        assert_eq!(clinical, CLINICAL.contains(&slug), "{name}: signed_by");
    }
}

#[test]
fn check_refuses_a_clinical_letter_that_names_the_signatory() {
    let fx = Fixture::shipped();
    fx.write(
        "content/letters/sick-note.md",
        "---\nkind: letter\ntitle: T\nsigned_by: clinician\n---\nIn my clinical opinion...\n\n{{ practice.signatory.name }}\n",
    );
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/letters/sick-note.md:8:1"), "{}", run.stderr);
    assert!(run.stderr.contains("clinical letter cannot name"), "{}", run.stderr);
}

#[test]
fn merged_clinical_letters_are_signed_by_a_registered_clinician_only() {
    let fx = Fixture::shipped();
    let merge = |ods: &str, extra: &str| {
        fx.write("r.yaml", &format!("{REJECTED}  {extra}\n"));
        fx.run(&["merge", "reply-rejected-referral", "--practice", ods, "--data", "r.yaml", "--out", ods])
    };
    merge("Z90001", "clinician: \"9900102\"").ok();
    let text = squash(&pdf_text(&fx.path("Z90001/R1.pdf")));
    assert!(text.contains("Dr Owen Castellano Salaried GP GMC 9900102"), "{text}");
    assert!(!text.contains("Priya"), "{text}");

    let run = merge("Z90004", "clinician: Mrs Joanne Okafor");
    assert_eq!(run.code, 1, "the practice manager is not a clinician: {}", run.stderr);
    assert!(run.stderr.contains("not one of the clinicians"), "{}", run.stderr);
    let run = merge("Z90004", "clinician_name: Mrs Joanne Okafor");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("GMC or NMC number"), "{}", run.stderr);
    let run = merge("Z90004", "clinician_name: Dr Locum\n  clinician_registration: \"1234\"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    merge(
        "Z90004",
        "clinician_name: Dr Locum\n  clinician_role: Locum GP\n  clinician_registration: \"9900999\"",
    )
    .ok();
    let text = squash(&pdf_text(&fx.path("Z90004/R1.pdf")));
    assert!(text.contains("Dr Locum Locum GP GMC 9900999"), "{text}");
}

#[test]
fn private_consultant_letter_keeps_suspected_cancer_with_the_gp_the_same_day() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet"]).ok();
    let text = letter_text(&fx, "Z90001", "private-consultant-nhs-referral");
    assert!(text.contains("This letter is not for suspected cancer"), "{text}");
    assert!(text.contains("the same day"), "{text}");
    assert!(!text.to_lowercase().contains("make the urgent referral yourself"), "{text}");
    let guide = squash(&pdf_text(&fx.out("guide/llr-lmc-guide-2026-27.pdf")));
    assert!(guide.contains("the GP makes the urgent suspected cancer referral the same day"), "{guide}");
}

#[test]
fn declining_letter_offers_grounds_a_time_critical_clause_and_a_copy_to_the_patient() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet"]).ok();
    let text = letter_text(&fx, "Z90001", "declining-unfunded-work");
    for option in [
        "It is not part of the services we provide",
        "The ICB has not commissioned",
        "Under the NHS Standard Contract it is your service's own work",
        "Because a delay could have put the patient at risk, we have done this work",
        "Copy: the patient.",
    ] {
        assert!(text.contains(option), "no {option:?} to tick: {text}");
    }
    fx.write(
        "d.yaml",
        "- recipient_name: Dr B\n  recipient_organisation: UHL\n  recipient_address: [Leicester]\n  \
         patient_name: Pat Q\n  nhs_number: 9434765919\n  date_of_birth: 1980-05-06\n  request_date: 2026-11-20\n  \
         work_requested: post-operative blood tests\n  grounds: not-in-contract | provider-duty\n  \
         done_this_time: \"yes\"\n  patient_reference: D1\n  clinician: Dr Priya Raman-Hughes\n",
    );
    let run = fx.run(&[
        "merge",
        "declining-unfunded-work",
        "--practice",
        "Z90001",
        "--data",
        "d.yaml",
        "--out",
        "m",
    ]);
    let merged = squash(&pdf_text(&fx.path("m/D1.pdf")));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(merged.contains("It is not part of the services we provide"), "{merged}");
    assert!(merged.contains("your service's own work"), "{merged}");
    assert!(!merged.contains("The ICB has not commissioned"), "only the chosen grounds: {merged}");
    assert!(merged.contains("we have done this work on this occasion"), "{merged}");
    assert!(!merged.contains("Copy: the patient"), "an empty optional choice prints nothing: {merged}");
    let guide = squash(&pdf_text(&fx.out("guide/llr-lmc-guide-2026-27.pdf")));
    assert!(guide.contains("do the work first and raise it afterwards"), "{guide}");
}

#[test]
fn letters_make_no_fixed_claims_about_what_the_patient_was_told() {
    for (name, body) in bodies("letters") {
        let lower = squash(&body).to_lowercase();
        for claim in [
            "we have told the patient",
            "the patient knows",
            "patient has agreed",
            "they have agreed",
            "we have let the patient know",
        ] {
            assert!(!lower.contains(claim), "{name}: {claim:?} must be a choice, not fixed text");
        }
    }
}

#[test]
fn reply_letters_carry_references_and_say_who_is_responsible() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--practice", "Z90003"]).ok();
    for slug in ["reply-rejected-referral", "reply-irrelevant-information-request"] {
        let text = letter_text(&fx, "Z90003", slug);
        assert!(text.contains("UBRN") && text.contains("hospital number"), "{slug}: {text}");
        assert!(text.contains("remains responsible"), "{slug}: {text}");
    }
    for slug in ["private-consultant-nhs-referral", "referral-letter", "declining-unfunded-work"] {
        let text = letter_text(&fx, "Z90003", slug).to_lowercase();
        assert!(text.contains("responsib"), "{slug} says who holds responsibility: {text}");
    }
}

#[test]
fn the_referral_letter_fits_on_one_page() {
    // The stress-test practice has the longest name and address of any profile.
    let fx = Fixture::shipped_with_stress_test();
    fx.run(&["build", "--quiet", "--practice", "Z90002"]).ok();
    let text = pdf_text(&fx.out("practices/Z90002/letters/referral-letter.pdf"));
    assert!(squash(&text).contains("Page 1 of 1"), "{text}");
}

#[test]
fn opt_in_posters_are_built_only_for_practices_that_name_them() {
    let fx = Fixture::shipped();
    let all = crate::common::practice_yaml("Z90002", "All Posters Surgery") + "posters: all\n";
    fx.write("content/practices/z90002-all.yaml", &all);
    fx.run(&["build", "--quiet"]).ok();
    for slug in ["safe-daily-limits", "fifteen-minute-appointments"] {
        // Z90001 lists both by name; Z90002 says `posters: all`; Z90005 takes the default.
        assert!(fx.out(&format!("practices/Z90001/posters/{slug}.pdf")).exists(), "{slug}");
        for ods in ["Z90002", "Z90005"] {
            for rel in [format!("posters/{slug}.pdf"), format!("social/{slug}-square.png")] {
                assert!(!fx.out(&format!("practices/{ods}/{rel}")).exists(), "{ods} {rel}");
            }
        }
    }
    assert!(fx.out("practices/Z90005/posters/where-to-get-help.pdf").exists());
    // English posters; a translation's opt_in must match its English poster's (checked by
    // `translation`).
    for (name, body) in bodies("posters").into_iter().filter(|(n, _)| n.matches('.').count() == 1) {
        let states_own_arrangements = body.contains("our doctors") || body.contains("Our GP slots");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/posters").join(&name);
        let opt_in = std::fs::read_to_string(path).unwrap().contains("\nopt_in: true\n");
        assert_eq!(states_own_arrangements, opt_in, "{name}: opt_in");
    }
}

#[test]
fn the_advice_and_guidance_poster_has_a_safety_net() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--practice", "Z90006"]).ok();
    let text = squash(&pdf_text(&fx.out("practices/Z90006/posters/advice-and-guidance.pdf")));
    assert!(
        text.contains("If you have heard nothing in two weeks, please call us on 0116 496 0606"),
        "{text}"
    );
}

#[test]
fn posters_avoid_alarming_wording() {
    for (name, body) in bodies("posters") {
        let lower = body.to_lowercase();
        for phrase in ["tired doctor", "miss things", "mistake", "dangerous", "unsafe"] {
            assert!(!lower.contains(phrase), "{name}: {phrase:?}");
        }
    }
}

#[test]
fn every_built_poster_tells_patients_about_999_and_111() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--practice", "Z90001"]).ok();
    let mut checked = 0;
    for entry in std::fs::read_dir(fx.out("practices/Z90001/posters")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let text = squash(&pdf_text(&path));
            assert!(text.contains("999") && text.contains("111"), "{}: {text}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 12, "{checked}");
}

#[test]
fn poster_footers_speak_to_patients() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--practice", "Z90001"]).ok();
    let text = squash(&pdf_text(&fx.out("practices/Z90001/posters/where-to-get-help.pdf")));
    assert!(!text.contains("in line with advice from"), "{text}");
}

#[test]
fn the_ag_text_is_ascii_first_person_plural_for_every_practice() {
    let fx = Fixture::shipped();
    fx.write(
        "content/practices/z90009-accents.yaml",
        "ods_code: Z90009\nname: \"Síân’s Surgery – Łódź Road\"\naddress: [1 Road]\npostcode: LE1 1AA\n\
         phone: \"0116 496 0909\"\nemail: a@example.org\nbrand_colour: \"#005EB8\"\nsignatory: {name: A, role: B}\n",
    );
    fx.run(&["build", "--quiet"]).ok();
    let mut checked = 0;
    for entry in std::fs::read_dir(fx.out("practices")).unwrap() {
        let path = entry.unwrap().path().join("ag-disclaimer.txt");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.is_ascii(), "{}: {text}", path.display());
        assert!(text.contains("we pre-authorise you") && !text.contains("pre-authorises"), "{text}");
        checked += 1;
    }
    // The five shipped sample practices and Z90009.
    assert_eq!(checked, 6);
    let text = fx.read("output/practices/Z90009/ag-disclaimer.txt");
    assert!(text.contains("Sian's Surgery - Lodz Road"), "{text}");
    let guide = squash(&pdf_text(&fx.out("guide/llr-lmc-guide-2026-27.pdf")));
    assert!(guide.contains("you have told the patient that the request may become a referral"), "{guide}");
}

#[test]
fn check_refuses_ag_wording_that_is_not_ascii() {
    let fx = Fixture::shipped();
    fx.write(
        "content/ag-disclaimer.md",
        "---\nkind: ag-disclaimer\ntitle: T\n---\nWe pre-authorise you \u{2014} thank you.\n",
    );
    let run = fx.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/ag-disclaimer.md:5:22"), "{}", run.stderr);
    assert!(run.stderr.contains("not plain ASCII"), "{}", run.stderr);
}

#[test]
fn the_guide_states_the_corrected_facts() {
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet"]).ok();
    let text = plain_quotes(&squash(&pdf_text(&fx.out("guide/llr-lmc-guide-2026-27.pdf"))));
    for fact in [
        "The referendum, March 2024",
        "GPs and GP registrars",
        "2024/25 contract",
        "The ballot, summer 2024",
        "GP partners were then asked",
        "would continue as local action",
        "the BMA's own page lists nine",
        "25 per clinician",
        "25 patient contacts for each GP each day",
        "Data Provision Notice",
        "cannot be declined",
        "campaigning around GP contracts in England",
        "how to take part in GP collective action",
        "collective action page",
    ] {
        assert!(text.contains(fact), "the guide does not say {fact:?}");
    }
    let all: String = bodies("guide").into_iter().map(|(_, body)| body).collect();
    for url in [
        "https://www.bma.org.uk/our-campaigns/gp-campaigns/england/",
        "https://www.llrlmc.co.uk/guidance/collective-action/",
    ] {
        assert!(all.contains(url), "the guide links to {url}");
    }
    for (name, body) in bodies("guide") {
        assert!(
            !body.lines().any(|l| l.starts_with('>')),
            "{name}: the guide's own words are not a quotation"
        );
    }
}

#[test]
fn nothing_a_practice_hands_out_still_describes_the_ended_ag_service() {
    for folder in ["posters", "letters"] {
        for (name, body) in bodies(folder) {
            for stale in ["£20", "enhanced service", "2025/26"] {
                assert!(!body.contains(stale), "{folder}/{name} still says {stale:?}");
            }
        }
    }
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet"]).ok();
    let text = squash(&pdf_text(&fx.out("guide/llr-lmc-guide-2026-27.pdf")));
    let ag = text.rfind("Advice & Guidance under the 2026/27 contract").expect("A&G section");
    assert!(
        text[ag..].contains("For the record: the 2025/26 enhanced service (ended 31 March 2026)"),
        "the A&G section keeps the enhanced service only as an ended record"
    );
    assert!(text.contains("global sum"), "and says what replaced it");
}

// The 2026/27 edition's hazards (H16 onwards): each reads what a build of the shipped sample
// made, once for all of them.

/// The shipped project with its archive, built once for every test below.
fn built() -> &'static Fixture {
    static BUILT: std::sync::LazyLock<Fixture> = std::sync::LazyLock::new(|| {
        let fx = Fixture::shipped_with_editions();
        // What practices receive: the sample approved, as an LMC would before sending it.
        fx.approve_all();
        fx.run(&["build", "--quiet", "--packs"]).ok();
        fx
    });
    &BUILT
}

fn guide_pdf() -> String {
    plain_quotes(&squash(&pdf_text(&built().out("guide/llr-lmc-guide-2026-27.pdf"))))
}

/// Markdown's smart punctuation curls apostrophes; the phrases below are written straight.
fn plain_quotes(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
}

fn guide_web() -> String {
    let html = std::fs::read_to_string(built().out("guide/llr-lmc-guide-2026-27.html")).unwrap();
    plain_quotes(&squash(&html.replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&")))
}

/// Every phrase of `must` in `text`, none of `never`.
fn says(what: &str, text: &str, must: &[&str], never: &[&str]) {
    for phrase in must {
        assert!(text.contains(phrase), "{what} does not say {phrase:?}");
    }
    for phrase in never {
        assert!(!text.contains(phrase), "{what} still says {phrase:?}");
    }
}

#[test]
fn the_guide_states_the_2026_27_access_duties() {
    let must = [
        "it must deal with it that day",
        "by the end of the next core-hours period",
        "Urgent work never waits.",
        "would now breach the contract",
        "now a breach",
        "routine work may wait on a list; urgent work never does",
        "Reading it under the 2026/27 contract",
    ];
    let never = [
        "Continues as part of safe working",
        "brought one change that matters",
        "has given no reason to drop them",
    ];
    says("the guide PDF", &guide_pdf(), &must, &never);
    says("the web guide", &guide_web(), &must, &never);
}

#[test]
fn the_guide_gives_the_vote_as_a_national_figure() {
    says(
        "the guide",
        &guide_pdf(),
        &["98.9%", "no separate result for LLR has been published"],
        &["98.9% in LLR"],
    );
}

#[test]
fn every_guide_section_shows_its_sources_and_change_note() {
    let (pdf, web) = (guide_pdf(), guide_web());
    // Long addresses break across lines in the PDF.
    let pdf_unbroken: String = pdf.split_whitespace().collect();
    says(
        "the guide",
        &pdf,
        &["£1.28 per weighted patient", "does not print a telephone number or e-mail address for the LMC"],
        &["26 September 2024", "£5.35"],
    );
    let fx = built();
    let sections = std::fs::read_dir(fx.path("content/guide")).unwrap();
    let mut notes = 0;
    for file in sections {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        let front = text.split("\n---").next().unwrap();
        assert!(front.contains("\nsources:"), "a guide section without sources: {front}");
        // Each source's address is shown under its section, in the PDF and on the page.
        for url in front.lines().filter_map(|l| l.trim().strip_prefix("url: ")) {
            assert!(web.contains(&format!("href=\"{url}\"")), "the web guide does not link {url}");
            assert!(pdf_unbroken.contains(url.trim_end_matches('/')), "the PDF does not show {url}");
        }
        notes += usize::from(front.contains("\nchange_note:"));
    }
    assert!(notes > 0, "no section carries a change note");
    assert_eq!(pdf.matches("What changed:").count(), notes, "each change note shows under its section");
    assert!(web.contains("What changed:</strong>"));
}

#[test]
fn the_guide_says_when_to_refer_without_advice_and_guidance() {
    says(
        "the guide",
        &guide_web(),
        &[
            "before, or instead of, a referral for planned care",
            "where no A&G service exists",
            "note in the record why you referred without A&G",
            "Never use A&G for suspected cancer",
        ],
        &["you can always refer directly"],
    );
}

#[test]
fn the_ag_advice_is_llr_lmcs_own() {
    let fx = built();
    let retired = source_number(
        fx,
        "10-advice-and-guidance",
        "https://www.sslmcs.co.uk/resources/gp-contract-2026-27/ag-retired/",
    );
    let rcgp = source_number(
        fx,
        "10-advice-and-guidance",
        "https://www.pslhub.org/learn/patient-safety-in-health-and-care/patient-management/care-pathways/rcgp-general-practice-requests-for-advice-and-guidance-updated-march-2026-r14281/",
    );
    let credited = format!("does not meet the patient's need [{retired}][{rcgp}]");
    says(
        "the guide",
        &guide_web(),
        &["Where a point comes from another body's guidance, the source is cited.", &credited],
        &["The LMC's advice on using it has not changed", "This is the LMC's advice for practices in LLR"],
    );
}

#[test]
fn the_referral_letter_is_not_for_suspected_cancer_and_goes_with_e_rs() {
    let letter = letter_text(built(), "Z90001", "referral-letter");
    says(
        "the referral letter",
        &letter,
        &[
            "This is not an urgent suspected cancer referral: those reach you on the PRISM form.",
            "Where the referral is on e-RS, this letter is attached to it",
        ],
        &["We never use this letter", "please do not return it because it is not on one"],
    );
    says(
        "the guide",
        &guide_web(),
        &["First outpatient referrals go through e-RS", "Urgent suspected cancer uses the PRISM form"],
        &[],
    );
}

#[test]
fn the_irrelevant_information_reply_never_refuses_a_cancer_pathway_test() {
    let letter = letter_text(built(), "Z90001", "reply-irrelevant-information-request");
    says("the reply", &letter, &["such as FIT", "we never use this letter to decline those"], &[]);
    says(
        "the guide",
        &guide_web(),
        &["for turning down a test that a suspected cancer pathway requires before referral"],
        &[],
    );
}

#[test]
fn the_guide_keeps_optimiserx_safety_alerts() {
    says(
        "the guide",
        &guide_web(),
        &[
            "Cost prompts may be ignored",
            "Safety alerts are always acted on",
            "keep it running while that agreement stands",
        ],
        &["leave it on and ignore its prompts"],
    );
}

#[test]
fn every_paste_instruction_says_when_to_paste_the_ag_wording() {
    let fx = built();
    let bytes = std::fs::read(fx.out("packs/Z90001.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut readme = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("README.txt").unwrap(), &mut readme).unwrap();
    says(
        "the pack's README",
        &squash(&readme),
        &["only when you have answered yes to letting the provider convert the request into a referral"],
        &["into each e-RS Advice"],
    );
}

#[test]
fn whats_new_never_offers_a_draft_translation_for_publication() {
    let fx = built();
    let page = |ods: &str| squash(&pdf_text(&fx.out(&format!("practices/{ods}/whats-new.pdf"))));
    // Z90005 asks for no other language: its pack holds no translation, so its page lists none.
    let no_languages = page("Z90005");
    for title in ["અમે દરરોજ", "Dlaczego"] {
        assert!(!no_languages.contains(title), "Z90005's page lists a translation it does not get");
    }
    let all_languages = page("Z90001");
    says("Z90001's what's-new page", &all_languages, &["Draft translation"], &[]);
}

#[test]
fn translated_posters_give_999_and_111_in_their_language() {
    let fx = built();
    // Shaped scripts come back from a PDF in glyph order, so only Polish is read word for
    // word; every language must have lost the English band.
    for lang in ["gu", "pa", "pl", "ur"] {
        for poster in ["safe-daily-limits", "where-to-get-help"] {
            let text = squash(&pdf_text(&fx.out(&format!("practices/Z90001/posters/{poster}.{lang}.pdf"))));
            let words: &[&str] = if lang == "pl" { &["Nagły przypadek?"] } else { &[] };
            says(&format!("{poster}.{lang}"), &text, &["999", "111"], &["Emergency?", "Not sure?"]);
            says(&format!("{poster}.{lang}"), &text, words, &[]);
        }
    }
}

#[test]
fn the_safe_limit_poster_never_turns_away_urgent_patients() {
    let text = squash(&pdf_text(&built().out("practices/Z90001/posters/safe-daily-limits.pdf")));
    says(
        "the safe-limit poster",
        &text,
        &["tries to see at most 25 people a day", "It never stops us helping you with something urgent"],
        &["sees up to 25 people a day"],
    );
    let ag = squash(&pdf_text(&built().out("practices/Z90006/posters/advice-and-guidance.pdf")));
    let phone = practice_numbers(built()).into_iter().find(|(ods, _, _)| ods == "Z90006").unwrap().1;
    says(
        "the A&G poster",
        &ag,
        &[
            &format!(
                "If you start to feel worse while you wait, do not wait for the reply: call us on {phone}"
            ),
            &format!("If you have heard nothing in two weeks, please call us on {phone}"),
        ],
        &[],
    );
}

#[test]
fn the_stress_test_practice_is_marked_in_every_output() {
    // The shipped content holds no test profile; the stress test's lives among the fixtures.
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/practices");
    for entry in std::fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains("TEST PRACTICE"),
                "{} is a test profile among the samples",
                path.display()
            );
        }
    }
    assert!(
        !built().out("practices/Z90002").exists(),
        "a build of the shipped content made the test practice"
    );
    let fx = Fixture::shipped_with_stress_test();
    fx.run(&["build", "--quiet", "--practice", "Z90002"]).ok();
    let dir = fx.out("practices/Z90002");
    let mut checked = 0;
    for entry in walk(&dir) {
        let text = match entry.extension().and_then(|e| e.to_str()) {
            Some("pdf") => squash(&pdf_text(&entry)),
            Some("txt") => std::fs::read_to_string(&entry).unwrap(),
            _ => continue,
        };
        assert!(text.contains("TEST PRACTICE"), "{} does not say it is a test practice", entry.display());
        checked += 1;
    }
    assert!(checked > 5, "the test practice's outputs were checked ({checked})");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

// The content review of 7 December 2026 (issue 32): H29 onwards. Expectations come from the
// content (a profile's numbers, a letter's `use_when`, a section's list of sources); what is
// checked is what a build made of it.

/// A front-matter value of `file` (relative to the fixture), plain or folded (`>-`).
fn front_value(fx: &Fixture, file: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(fx.path(file)).unwrap();
    let front = text.trim_start_matches("---\n").split("\n---\n").next().unwrap().to_string();
    let mut lines = front.lines();
    let first = lines.find(|l| l.starts_with(&format!("{key}:")))?;
    let value = first[key.len() + 1..].trim();
    if value != ">-" && value != ">" {
        return Some(value.trim_matches('"').to_string());
    }
    let folded: Vec<&str> = lines.take_while(|l| l.starts_with("  ")).map(str::trim).collect();
    Some(folded.join(" "))
}

/// The number `section` cites `url` by: its place in the section's `sources:`.
fn source_number(fx: &Fixture, section: &str, url: &str) -> usize {
    let text = std::fs::read_to_string(fx.path(&format!("content/guide/{section}.md"))).unwrap();
    let front = text.split("\n---").next().unwrap();
    let urls: Vec<&str> = front.lines().filter_map(|l| l.trim().strip_prefix("url: ")).collect();
    urls.iter().position(|u| *u == url).unwrap_or_else(|| panic!("{section} does not list {url}")) + 1
}

/// The text of a built Word letter, paragraphs joined.
fn word_text(fx: &Fixture, ods: &str, slug: &str) -> String {
    let path = fx.out(&format!("practices/{ods}/letters/{slug}.docx"));
    let paragraphs = crate::docx::paragraphs(&path);
    plain_quotes(&squash(&paragraphs.into_iter().map(|(_, text)| text).collect::<Vec<_>>().join(" ")))
}

/// The README of a built practice's pack.
fn pack_readme(fx: &Fixture, ods: &str) -> String {
    let bytes = std::fs::read(fx.out(&format!("packs/{ods}.zip"))).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut readme = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("README.txt").unwrap(), &mut readme).unwrap();
    squash(&readme)
}

/// Every shipped practice profile, as (ODS code, patients' number, professional line if any).
fn practice_numbers(fx: &Fixture) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fx.path("content/practices")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}:")))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        out.push((value("ods_code").unwrap(), value("phone").unwrap(), value("professional_phone")));
    }
    assert!(out.len() >= 3);
    out
}

#[test]
fn the_rejected_referral_reply_is_never_for_suspected_cancer() {
    let fx = built();
    let exclusion =
        ["The referral was not for suspected cancer", "not a missing test that a cancer pathway needs"];
    says(
        "the rejected-referral reply (PDF)",
        &letter_text(fx, "Z90001", "reply-rejected-referral"),
        &exclusion,
        &[],
    );
    says(
        "the rejected-referral reply (Word)",
        &word_text(fx, "Z90001", "reply-rejected-referral"),
        &exclusion,
        &[],
    );
    // The web page sets "never" in bold, so the phrases stop short of it.
    let must = [
        "for an urgent suspected cancer referral, or for one returned because a test the cancer pathway needs",
        "resend that on the PRISM form",
    ];
    says("the guide PDF", &guide_pdf(), &must, &[]);
    says("the web guide", &guide_web(), &must, &[]);
}

#[test]
fn the_declining_letter_never_declines_cancer_pathway_work() {
    let fx = built();
    let exclusion = ["not for a test or action that an urgent suspected cancer pathway requires"];
    says(
        "the declining letter (PDF)",
        &letter_text(fx, "Z90001", "declining-unfunded-work"),
        &exclusion,
        &[],
    );
    says("the declining letter (Word)", &word_text(fx, "Z90001", "declining-unfunded-work"), &exclusion, &[]);
    let must = ["Never decline work that a cancer pathway needs."];
    says("the guide PDF", &guide_pdf(), &must, &[]);
    says("the web guide", &guide_web(), &must, &[]);
}

#[test]
fn urgent_call_backs_reach_the_professional_line_or_say_they_will_not() {
    let fx = built();
    let mut with_line = 0;
    let mut without = 0;
    for (ods, phone, line) in practice_numbers(fx) {
        for slug in ["private-consultant-nhs-referral", "declining-unfunded-work"] {
            for (format, text) in [("PDF", letter_text(fx, &ods, slug)), ("Word", word_text(fx, &ods, slug))]
            {
                let what = format!("{ods}'s {slug} ({format})");
                match &line {
                    Some(line) => says(
                        &what,
                        &text,
                        &[&format!(
                            "on {line}, our line for health professionals, which does not go through"
                        )],
                        &[&format!("on {phone} the same day"), "the number our patients use"],
                    ),
                    None => says(
                        &what,
                        &text,
                        &[
                            &format!("{phone}. This is the number our patients use"),
                            "say at once that you are a clinician",
                        ],
                        &["our line for health professionals"],
                    ),
                }
            }
        }
        if line.is_some() {
            with_line += 1
        } else {
            without += 1
        }
        says(
            &format!("{ods}'s private consultant letter"),
            &letter_text(fx, &ods, "private-consultant-nhs-referral"),
            &["This letter is not for suspected cancer or any other urgent need."],
            &[],
        );
    }
    assert!(with_line > 0 && without > 0, "the samples show both kinds of practice");
}

#[test]
fn every_letter_says_when_to_use_it_where_practices_choose_it() {
    let fx = built();
    let readme = pack_readme(fx, "Z90001");
    let mut checked = 0;
    for entry in std::fs::read_dir(fx.path("content/letters")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let file = format!("content/letters/{name}");
        let when = front_value(fx, &file, "use_when").unwrap_or_else(|| panic!("{name} has no use_when"));
        let title = front_value(fx, &file, "title").unwrap();
        says("the pack's README", &readme, &[&squash(&format!("{title}: {when}"))], &[]);
        if front_value(fx, &file, "signed_by").as_deref() == Some("clinician") {
            assert!(
                when.contains("cancer") && (when.contains("Never") || when.contains("never")),
                "{name}: a clinical letter's use_when names the cancer cases it is never for: {when}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
}

#[test]
fn serve_shows_each_letters_use_when_beside_it() {
    // The shipped letters and one practice: serve builds only what the page needs.
    let fx = Fixture::shipped();
    for folder in ["guide", "posters"] {
        std::fs::remove_dir_all(fx.path(&format!("content/{folder}"))).unwrap();
    }
    for entry in std::fs::read_dir(fx.path("content/practices")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && !path.file_name().unwrap().to_string_lossy().starts_with("z90001") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let server = crate::serve::Server::start(&fx, &[]);
    let page = server.get("/practices/Z90001/", &[]);
    assert_eq!(page.status, 200);
    let html = squash(&page.text().replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&"));
    let mut checked = 0;
    for entry in std::fs::read_dir(fx.path("content/letters")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let when = front_value(&fx, &format!("content/letters/{name}"), "use_when").unwrap();
        says("serve's practice page", &html, &[&format!("<p class=\"use-when\">{}</p>", squash(&when))], &[]);
        checked += 1;
    }
    assert!(checked >= 6);
}

#[test]
fn the_guide_cites_sources_that_say_what_it_says() {
    let fx = built();
    let may = "https://www.llrlmc.co.uk/?p=3278";
    let vote = source_number(fx, "04-current-position", may);
    let referendum = source_number(fx, "02-background", "https://www.llrlmc.co.uk/gpreferendum");
    let kernow = source_number(fx, "02-background", "https://www.kernowlmc.co.uk/category/bma/");
    let fit = source_number(fx, "11-referrals", "https://www.nice.org.uk/guidance/dg56");
    let must = [
        format!("98.9% of those who voted rejected the changes [{vote}]"),
        format!("More than 99% of those who voted rejected it [{referendum}][{kernow}]"),
        "The referendum, March 2024".to_string(),
        "the BMA's own page lists nine".to_string(),
        format!("gastrointestinal referral [{fit}]"),
        format!("unexplained anal ulceration is referred without waiting for a FIT [{fit}]"),
        "Staffordshire and Stoke-on-Trent LMCs, for example, continue to support them".to_string(),
        "Where a point comes from another body's guidance, the source is cited.".to_string(),
    ];
    let must: Vec<&str> = must.iter().map(String::as_str).collect();
    let never = [
        "Both were used as collective action in 2024",
        "it does not say which one was dropped",
        "This is the LMC's advice for practices in LLR",
        "the contract does not tell a practice how many appointments to offer",
        "LMCs still support",
    ];
    says("the guide PDF", &guide_pdf(), &must, &never);
    says("the web guide", &guide_web(), &must, &never);
}

#[test]
fn the_guide_gives_the_advice_and_guidance_rules_in_force() {
    let pdf = guide_pdf();
    let title = "Advice & Guidance under the 2026/27 contract";
    let at = pdf.rfind(title).expect("the A&G section");
    let next = pdf[at..].find("Referrals and the GMC").unwrap_or(pdf.len() - at);
    let section = &pdf[at..at + next];
    let status = &section[..section.len().min(400)];
    assert!(status.contains("Current") && !status.contains("Ended"), "the A&G section is current: {status}");
    let must = [
        "single point of access",
        "by 1 October 2026",
        "A&G must not prevent a referral",
        "does not override the GP's clinical decision to refer",
        "The LMC will confirm these",
        "For the record: the 2025/26 enhanced service (ended 31 March 2026)",
    ];
    says("the A&G section", section, &must, &[]);
    says("the web guide", &guide_web(), &must, &[]);
}

#[test]
fn the_guide_asks_practices_to_review_the_data_sharing_they_already_do() {
    let must =
        ["withdraw from any data sharing that is not required", "agreements the practice has already signed"];
    says("the guide PDF", &guide_pdf(), &must, &[]);
    says("the web guide", &guide_web(), &must, &[]);
}

#[test]
fn the_safe_limits_table_never_sends_a_patient_away_to_call_back() {
    let must = ["Never ask them to call back another day."];
    let never = ["would like to try again tomorrow", "Do not ask them to."];
    says("the guide PDF", &guide_pdf(), &must, &never);
    says("the web guide", &guide_web(), &must, &never);
}

#[test]
fn no_shipped_poster_overflows_its_room() {
    // Every poster of a practice that takes them all, in every language, laid out as typst
    // lays it out: at the smallest type size the body must still fit above the 999/111 band.
    let fx = Fixture::shipped();
    fx.run(&["build", "--quiet", "--emit-typst", "--practice", "Z90001"]).ok();
    let mut checked = 0;
    for entry in std::fs::read_dir(fx.out("practices/Z90001/posters")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "typ") {
            continue;
        }
        let doc = crate::posters::compile(&fx, &path);
        let fit = crate::posters::metadata(&doc, "poster-fit");
        let (used, room) = (crate::posters::number(&fit, "used"), crate::posters::number(&fit, "room"));
        assert!(used <= room + 0.5, "{}: the body needs {used:.0} pt of a {room:.0} pt room", path.display());
        checked += 1;
    }
    assert!(checked >= 2 * 14, "{checked} posters checked");
}

#[test]
fn where_to_get_help_gives_mental_health_and_text_relay_routes() {
    let fx = built();
    let poster = |name: &str| squash(&pdf_text(&fx.out(&format!("practices/Z90001/posters/{name}.pdf"))));
    says(
        "where-to-get-help",
        &poster("where-to-get-help"),
        &[
            "call 111 and choose the mental health option",
            "If you are deaf or find it hard to speak, call 18001 111.",
        ],
        &[],
    );
    says(
        "where-to-get-help.pl",
        &poster("where-to-get-help.pl"),
        &["zdrowia psychicznego", "18001 111"],
        &[],
    );
    // Shaped scripts come back in glyph order, but the digits of the text relay number survive.
    for lang in ["gu", "pa", "ur"] {
        let text = poster(&format!("where-to-get-help.{lang}"));
        assert!(text.contains("18001"), "where-to-get-help.{lang} has no text relay number: {text}");
        assert!(text.matches("111").count() >= 4, "where-to-get-help.{lang} lost a 111 line: {text}");
    }
}

#[test]
fn the_ag_poster_promises_no_booking_the_gp_may_not_have_allowed() {
    let text = squash(&pdf_text(&built().out("practices/Z90006/posters/advice-and-guidance.pdf")));
    says(
        "the A&G poster",
        &text,
        &["we may ask them to set this up for you"],
        &["we ask them to set this up"],
    );
}

#[test]
fn the_guide_explains_icb_and_gpc_england() {
    let must = [
        "ICB Integrated care board: here NHS Leicester, Leicestershire and Rutland ICB",
        "GPC England The BMA's General Practitioners Committee England",
        "GPC England (the BMA's General Practitioners Committee England)",
        "the ICB (the integrated care board",
    ];
    says("the guide PDF", &guide_pdf(), &must, &[]);
}

#[test]
fn the_edition_is_dated_after_its_last_revision_and_the_archive_says_superseded() {
    let fx = built();
    let published = std::fs::read_to_string(fx.path("content/lmc.yaml"))
        .unwrap()
        .lines()
        .find_map(|l| l.trim().strip_prefix("published: ").map(|v| v.trim().to_string()))
        .unwrap();
    for entry in std::fs::read_dir(fx.path("content/guide")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let reviewed = front_value(fx, &format!("content/guide/{name}"), "reviewed").unwrap();
        assert!(
            reviewed <= published,
            "{name} was revised on {reviewed}, after the guide's date {published}"
        );
    }
    let (year, rest) = published.split_once('-').unwrap();
    let (month, day) = rest.split_once('-').unwrap();
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let long =
        format!("{} {} {year}", day.trim_start_matches('0'), months[month.parse::<usize>().unwrap() - 1]);
    let pdf = guide_pdf();
    let title_page = &pdf[..pdf.find("Contents").expect("a contents page")];
    says("the guide's title page", title_page, &[&format!("Published {long}")], &[]);
    let archive = std::fs::read_to_string(fx.path("editions/2025-26/lmc.yaml")).unwrap();
    assert!(archive.starts_with("# SUPERSEDED"), "{archive}");
    assert!(archive.contains("subtitle: \"Superseded by the 2026/27 edition."), "{archive}");
}

#[test]
fn clinical_letters_name_nmc_guidance_beside_the_gmcs() {
    let fx = built();
    for slug in ["reply-rejected-referral", "referral-letter", "reply-irrelevant-information-request"] {
        for (format, text) in
            [("PDF", letter_text(fx, "Z90001", slug)), ("Word", word_text(fx, "Z90001", slug))]
        {
            says(
                &format!("{slug} ({format})"),
                &text,
                &["GMC", "NMC Code"],
                &["the GMC's guidance on delegation and referral asks for"],
            );
        }
    }
}

#[test]
fn every_source_address_in_the_content_is_in_the_sources_table() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(repo.join("docs/sources.md")).unwrap();
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| http")).collect();
    let listed: std::collections::BTreeSet<&str> =
        rows.iter().filter_map(|row| row.trim_start_matches("| ").split(' ').next()).collect();
    let mut found = std::collections::BTreeSet::new();
    for entry in walk(&repo.join("content")) {
        if !entry.extension().is_some_and(|e| e == "md" || e == "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        for (at, _) in text.match_indices("http") {
            let rest = &text[at..];
            if !(rest.starts_with("https://") || rest.starts_with("http://")) {
                continue;
            }
            let end = rest.find(|c: char| c.is_whitespace() || ")]>\"'`".contains(c)).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            found.insert((url.to_string(), entry.display().to_string()));
        }
    }
    assert!(found.len() > 40, "the content's addresses were read ({})", found.len());
    for (url, file) in &found {
        assert!(listed.contains(url.as_str()), "{url} (in {file}) is not in docs/sources.md");
    }
    // Each row says what its source is cited for.
    for row in rows {
        let cells: Vec<&str> = row.split(" | ").collect();
        assert!(
            cells.len() >= 4 && cells[3].trim_end_matches(" |").len() > 10,
            "a row without its use: {row}"
        );
    }
}
