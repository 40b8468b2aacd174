//! Markdown tree → plain text, for outputs pasted into other systems.

use std::collections::BTreeMap;

use pulldown_cmark::Tag;

use super::Placeholder;
use super::placeholder::{self, Piece};
use super::tree::{self, Footnotes, Node};

pub(super) struct Plain<'r, 'a> {
    resolve: &'r dyn Fn(&str) -> Option<String>,
    footnotes: Footnotes<'r, 'a>,
    /// Footnote numbers in order of first reference.
    numbers: BTreeMap<String, usize>,
    /// Footnotes to list after the text, in number order.
    pending: Vec<(usize, &'r [Node<'a>])>,
    pub unresolved: Vec<Placeholder>,
}

impl<'r, 'a> Plain<'r, 'a> {
    pub fn new(nodes: &'r [Node<'a>], resolve: &'r dyn Fn(&str) -> Option<String>) -> Self {
        Plain {
            resolve,
            footnotes: Footnotes::collect(nodes),
            numbers: BTreeMap::new(),
            pending: Vec::new(),
            unresolved: Vec::new(),
        }
    }

    /// The whole document: its blocks, then the footnotes it refers to.
    pub fn document(&mut self, nodes: &'r [Node<'a>]) -> String {
        let mut parts = vec![self.blocks(nodes, "\n\n")];
        // Footnotes may refer to further footnotes, which join the end of the queue.
        let mut next = 0;
        while let Some(&(number, children)) = self.pending.get(next) {
            let body = self.blocks(children, "\n\n");
            let marker = format!("[{number}] ");
            parts.push(indent_after_first(&marker, &body));
            next += 1;
        }
        parts.retain(|p| !p.is_empty());
        parts.join("\n\n")
    }

    fn blocks(&mut self, nodes: &'r [Node<'a>], separator: &str) -> String {
        let mut parts: Vec<String> = tree::runs(nodes)
            .map(|run| match run {
                tree::Run::Inline(run) => self.inlines(run),
                tree::Run::Block(block) => self.block(block),
            })
            .collect();
        parts.retain(|p| !p.is_empty());
        parts.join(separator)
    }

    fn block(&mut self, node: &'r Node<'a>) -> String {
        let Node::Elem(tag, children) = node else {
            // A rule separates blocks, which the blank line already does.
            return if let Node::Rule = node {
                String::new()
            } else {
                self.inlines(std::slice::from_ref(node))
            };
        };
        match &**tag {
            Tag::Paragraph | Tag::Heading { .. } => self.inlines(children),
            Tag::CodeBlock(_) | Tag::HtmlBlock => {
                let mut text = String::new();
                tree::plain_inline_text(children, &mut text);
                text.trim_end_matches('\n').to_owned()
            }
            Tag::List(start) => {
                let tight = !children.iter().any(tree::has_paragraph);
                let separator = if tight { "\n" } else { "\n\n" };
                let mut items = Vec::new();
                for (index, item) in children.iter().enumerate() {
                    let Node::Elem(_, content) = item else { continue };
                    let marker = match start {
                        Some(start) => format!("{}. ", start.saturating_add(index as u64)),
                        None => "- ".to_owned(),
                    };
                    let body = self.blocks(content, separator);
                    items.push(indent_after_first(&marker, &body));
                }
                items.join(separator)
            }
            Tag::FootnoteDefinition(label) => {
                if self.footnotes.shown_at_references(node) {
                    String::new()
                } else {
                    let body = self.blocks(children, "\n\n");
                    format!("[^{label}]: {body}")
                }
            }
            Tag::Table(_) => {
                let mut lines = Vec::new();
                for row in children {
                    let Node::Elem(_, cells) = row else { continue };
                    let mut cells: Vec<String> = cells
                        .iter()
                        .map(|cell| match cell {
                            Node::Elem(_, content) => self.inlines(content),
                            other => self.inlines(std::slice::from_ref(other)),
                        })
                        .collect();
                    // Short rows are padded with empty cells, which need no separator.
                    while cells.last().is_some_and(|c| c.is_empty()) {
                        cells.pop();
                    }
                    lines.push(cells.join(" | "));
                }
                lines.join("\n")
            }
            Tag::DefinitionList => {
                let mut lines = Vec::new();
                for child in children {
                    let Node::Elem(tag, content) = child else { continue };
                    if let Tag::DefinitionListTitle = **tag {
                        lines.push(self.inlines(content));
                    } else {
                        let body = self.blocks(content, "\n\n");
                        lines.push(indent_after_first("  ", &body));
                    }
                }
                lines.retain(|l| !l.trim().is_empty());
                lines.join("\n")
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => self.inlines(std::slice::from_ref(node)),
            Tag::BlockQuote(_)
            | Tag::Item
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.blocks(children, "\n\n"),
        }
    }

    fn inlines(&mut self, nodes: &'r [Node<'a>]) -> String {
        let mut out = String::new();
        for node in nodes {
            self.inline(node, &mut out);
        }
        out
    }

    fn inline(&mut self, node: &'r Node<'a>, out: &mut String) {
        match node {
            Node::Text(text) => {
                for piece in placeholder::pieces(&text.text) {
                    match piece {
                        Piece::Literal(s) => out.push_str(s),
                        Piece::Placeholder { name, range } => match (self.resolve)(name) {
                            Some(value) => out.push_str(&value),
                            None => {
                                out.push_str(&text.text[range.clone()]);
                                self.unresolved.push(Placeholder {
                                    name: name.to_owned(),
                                    range: text.source_range(range),
                                });
                            }
                        },
                    }
                }
            }
            Node::Code(code) | Node::Html(code) => out.push_str(code),
            Node::FootnoteRef(label) => match self.footnotes.definition(label) {
                Some(children) => {
                    let key = tree::footnote_key(label);
                    let next = self.numbers.len() + 1;
                    let number = *self.numbers.entry(key).or_insert_with(|| {
                        self.pending.push((next, children));
                        next
                    });
                    out.push_str(&format!("[{number}]"));
                }
                None => out.push_str(&format!("[^{label}]")),
            },
            Node::SoftBreak => out.push(' '),
            Node::HardBreak => out.push('\n'),
            Node::TaskMarker(checked) => out.push_str(if *checked { "[x] " } else { "[ ] " }),
            Node::Rule => {}
            Node::Elem(tag, children) => match &**tag {
                Tag::Link { dest_url, .. } => {
                    let text = self.inlines(children);
                    out.push_str(&text);
                    // Autolinks and `[x](mailto:x)` already show their address.
                    let url = dest_url.trim_start_matches("mailto:");
                    if !url.is_empty() && url != text {
                        out.push_str(" (");
                        out.push_str(dest_url);
                        out.push(')');
                    }
                }
                Tag::Image { .. } => tree::plain_inline_text(children, out),
                Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript => {
                    let text = self.inlines(children);
                    out.push_str(&text);
                }
                _ => {
                    let text = self.block(node);
                    out.push_str(&text);
                }
            },
        }
    }
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
