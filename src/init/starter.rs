//! The starter project's files, compiled in (`starter/` in the repository, less its notes).

/// Every file of the starter project: its path in the new project, and its text.
pub const FILES: [(&str, &str); 12] = embedded_files!(
    "../../starter/",
    [
        "README.md",
        "content/ag-disclaimer.md",
        "content/guide/01-about-this-guide.md",
        "content/guide/02-working-safely.md",
        "content/guide/03-contact-the-lmc.md",
        "content/letters/reply-hospital-task.md",
        "content/letters/reply-information-request.md",
        "content/lmc.yaml",
        "content/posters/help-us-help-you.md",
        "content/posters/where-to-get-help.md",
        "content/practices/z99901-juniper-row.yaml",
        "content/practices/z99902-kingfisher-park.yaml",
    ]
);

#[cfg(test)]
mod tests {
    #[test]
    fn every_starter_file_is_compiled_in() {
        let on_disk: Vec<String> =
            crate::theme::files_in("starter").into_iter().filter(|n| n != "TOKENS.md").collect();
        let compiled: Vec<&str> = super::FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, compiled, "list every file of starter/ in init::FILES, in name order");
    }
}
