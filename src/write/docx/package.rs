//! The last step of a Word letter: docx-rs's package parts, with what it cannot set written
//! in (title and language in the core properties, en-GB as the text language, the logo's
//! description), packed with fixed timestamps so the same letter gives the same bytes.

use std::io::Cursor;

use anyhow::Context;
use docx_rs::Docx;

pub(super) struct Meta {
    pub title: String,
    pub creator: String,
    /// `YYYY-MM-DD`, or none to leave the dates out.
    pub date: Option<String>,
    pub logo_alt: Option<String>,
    /// Who approved the letter ("Approved by ..."), or that it is a draft.
    pub description: Option<String>,
}

pub const LANGUAGE: &str = "en-GB";

/// Escapes text for XML content and attribute values: the web page's escaper, as XML and
/// HTML escape alike.
use crate::render::html::escape::attr as escape;

fn core(meta: &Meta) -> Vec<u8> {
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
        r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
    ));
    xml.push_str(&format!("<dc:title>{}</dc:title>", escape(&meta.title)));
    xml.push_str(&format!("<dc:creator>{}</dc:creator>", escape(&meta.creator)));
    if let Some(description) = &meta.description {
        xml.push_str(&format!("<dc:description>{}</dc:description>", escape(description)));
    }
    xml.push_str(&format!("<dc:language>{LANGUAGE}</dc:language>"));
    xml.push_str("<cp:lastModifiedBy>lmcpress</cp:lastModifiedBy><cp:revision>1</cp:revision>");
    if let Some(date) = &meta.date {
        for element in ["created", "modified"] {
            xml.push_str(&format!(
                r#"<dcterms:{element} xsi:type="dcterms:W3CDTF">{}T00:00:00Z</dcterms:{element}>"#,
                escape(date)
            ));
        }
    }
    xml.push_str("</cp:coreProperties>");
    xml.into_bytes()
}

/// Sets en-GB as the language of all text, in the document defaults.
fn with_language(styles: &[u8]) -> anyhow::Result<Vec<u8>> {
    let text = std::str::from_utf8(styles).context("docx-rs wrote styles that are not UTF-8")?;
    let lang = format!(r#"<w:lang w:val="{LANGUAGE}" w:eastAsia="{LANGUAGE}" w:bidi="ar-SA" />"#);
    let patched = if text.contains("<w:rPrDefault><w:rPr />") {
        text.replacen("<w:rPrDefault><w:rPr />", &format!("<w:rPrDefault><w:rPr>{lang}</w:rPr>"), 1)
    } else if let Some(at) = text.find("</w:rPr></w:rPrDefault>") {
        // `w:lang` comes late in a run's properties: after the font, size and colour.
        format!("{}{lang}{}", &text[..at], &text[at..])
    } else {
        anyhow::bail!("docx-rs wrote styles without default run properties");
    };
    Ok(patched.into_bytes())
}

/// Gives the letterhead's logo a description for screen readers.
fn with_logo_alt(header: &[u8], alt: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(header);
    text.replacen(r#"name="Figure""#, &format!(r#"name="Logo" descr="{}""#, escape(alt)), 1).into_bytes()
}

pub(super) fn write(docx: Docx, meta: &Meta) -> anyhow::Result<Vec<u8>> {
    let mut xml = docx.build();
    xml.doc_props.core = core(meta);
    xml.styles = with_language(&xml.styles)?;
    if let Some(alt) = &meta.logo_alt {
        for header in &mut xml.headers {
            *header = with_logo_alt(header, alt);
        }
    }
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).context("failed to write the Word file")?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(escape(r#"<a & "b" 'c'> ]]>"#), "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt; ]]&gt;");
    }

    #[test]
    fn language_goes_into_the_default_run_properties() {
        let empty = with_language(b"<w:docDefaults><w:rPrDefault><w:rPr /></w:rPrDefault>").unwrap();
        assert!(String::from_utf8(empty).unwrap().contains(r#"<w:rPr><w:lang w:val="en-GB""#));
        let full =
            with_language(b"<w:rPrDefault><w:rPr><w:sz w:val=\"22\" /></w:rPr></w:rPrDefault>").unwrap();
        assert!(String::from_utf8(full).unwrap().contains(r#"<w:sz w:val="22" /><w:lang w:val="en-GB""#));
        assert!(with_language(b"<w:styles />").is_err());
    }
}
