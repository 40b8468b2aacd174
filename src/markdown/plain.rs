//! [`Doc`] → plain text, for outputs pasted into other systems.

use super::doc::{Block, Doc, Inline};

/// The whole document: its blocks, then the notes it refers to, as "[n] text".
pub(crate) fn document(doc: &Doc) -> String {
    let mut parts = vec![blocks(&doc.blocks, "\n\n")];
    for (i, note) in doc.notes.iter().enumerate() {
        let body = blocks(&note.blocks, "\n\n");
        parts.push(indent_after_first(&format!("[{}] ", i + 1), &body));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n\n")
}

fn blocks(blocks: &[Block], separator: &str) -> String {
    let mut parts: Vec<String> = blocks.iter().map(block).collect();
    parts.retain(|p| !p.is_empty());
    parts.join(separator)
}

fn block(block: &Block) -> String {
    match block {
        Block::Para(i) | Block::Plain(i) | Block::Heading { content: i, .. } => inlines(i),
        Block::Code { text, .. } | Block::RawText(text) => text.trim_end_matches('\n').to_owned(),
        Block::List { start, tight, items } => {
            let separator = if *tight { "\n" } else { "\n\n" };
            let items: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let marker = match start {
                        Some(start) => format!("{}. ", start.saturating_add(index as u64)),
                        None => "- ".to_owned(),
                    };
                    indent_after_first(&marker, &blocks(item, separator))
                })
                .collect();
            items.join(separator)
        }
        Block::NoteInPlace { label, blocks: content } => format!("[^{label}]: {}", blocks(content, "\n\n")),
        Block::Table { head, rows, .. } => {
            let all = (!head.is_empty()).then_some(head).into_iter().chain(rows);
            let lines: Vec<String> = all
                .map(|row| {
                    let mut cells: Vec<String> = row.iter().map(|c| inlines(c)).collect();
                    // Short rows are padded with empty cells, which need no separator.
                    while cells.last().is_some_and(|c| c.is_empty()) {
                        cells.pop();
                    }
                    cells.join(" | ")
                })
                .collect();
            lines.join("\n")
        }
        Block::Terms { items, .. } => {
            let mut lines = Vec::new();
            for item in items {
                lines.push(inlines(&item.term));
                for definition in &item.definitions {
                    lines.push(indent_after_first("  ", &blocks(definition, "\n\n")));
                }
            }
            lines.retain(|l| !l.trim().is_empty());
            lines.join("\n")
        }
        Block::Quote(content) => blocks(content, "\n\n"),
        // A rule separates blocks, which the blank line already does.
        Block::Rule => String::new(),
    }
}

fn inlines(content: &[Inline]) -> String {
    let mut out = String::new();
    for i in content {
        match i {
            Inline::Text { text, .. } | Inline::Unbroken { text, .. } | Inline::Code(text) => {
                out.push_str(text)
            }
            Inline::Field(field) => match &field.value {
                Some(value) => out.push_str(value),
                // Only ever shown by a caller that allows blanks: see `to_plain_text`.
                None => out.push_str(&format!("[{}]", field.label)),
            },
            Inline::NoteRef(n) => out.push_str(&format!("[{n}]")),
            Inline::SoftBreak => out.push(' '),
            Inline::HardBreak => out.push('\n'),
            Inline::Task(done) => out.push_str(if *done { "[x] " } else { "[ ] " }),
            Inline::Style(_, content) => out.push_str(&inlines(content)),
            Inline::Link(link) => {
                out.push_str(&inlines(&link.content));
                if let Some(address) = &link.shown {
                    out.push_str(&format!(" ({address})"));
                }
            }
            Inline::Image { alt, .. } => out.push_str(alt),
        }
    }
    out
}

/// Puts `marker` before the first line and indents the others to line up with it.
fn indent_after_first(marker: &str, body: &str) -> String {
    let indent = " ".repeat(marker.chars().count());
    let mut out = String::with_capacity(body.len() + marker.len());
    out.push_str(marker);
    for (i, line) in body.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
    out
}
