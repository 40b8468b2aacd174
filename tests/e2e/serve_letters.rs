//! serve's image of a letter's first page: made from the project as it stood at the last
//! rebuild, which serve loads once per rebuild and shares between the practices asking.

use crate::serve::{Server, project};

fn letter_image_src(server: &Server, ods: &str) -> String {
    let html = server.get(&format!("/practices/{ods}/"), &[]).text();
    let tag = "<img class=\"letter-page\" src=\"";
    let at = html.find(tag).unwrap_or_else(|| panic!("no letter image on {ods}'s page:\n{html}")) + tag.len();
    html[at..at + html[at..].find('"').unwrap()].replace("&amp;", "&")
}

#[test]
fn a_letters_page_image_follows_each_rebuild_and_each_practice() {
    let (fx, _) = project();
    let server = Server::start(&fx, &[]);
    let get = |src: &str| {
        let image = server.get(src, &[]);
        assert_eq!((image.status, image.header("content-type")), (200, Some("image/png")), "{src}");
        image.body
    };
    let (a, b) = (letter_image_src(&server, "Z90001"), letter_image_src(&server, "Z90002"));
    let (first_a, first_b) = (get(&a), get(&b));
    // Each practice's letter carries its own letterhead, although the project is loaded once.
    assert_ne!(first_a, first_b, "two practices were shown the same letter image");
    assert_eq!(get(&a), first_a, "the same letter at the same rebuild changed");

    let letter = std::fs::read_dir(fx.path("content/letters")).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&letter).unwrap();
    // A line near the top of the body, so that it moves what the first page shows.
    let at = text.find("\n---\n").map(|i| i + 5).expect("front matter");
    let edited = format!("{}A sentence added after the images were made.\n\n{}", &text[..at], &text[at..]);
    std::fs::write(&letter, edited).unwrap();
    server.wait_log("changed: rebuilt");
    let after = get(&letter_image_src(&server, "Z90001"));
    assert_ne!(after, first_a, "the letter image did not follow the rebuild");
}
