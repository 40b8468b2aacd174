//! pulldown-cmark's event stream folded into a tree.
//!
//! The renderers need to look ahead (is a list tight? how many table columns?
//! what is an image's alt text?) and placeholders can straddle Text events, so
//! the events are collected once into nodes with adjacent text merged.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

/// The Markdown dialect of lmcpress content.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
}

/// Where the first text inside `nodes` starts in the Markdown source.
pub(crate) fn first_source(nodes: &[Node<'_>]) -> Option<usize> {
    nodes.iter().find_map(|node| match node {
        Node::Text(text) => text.segments.first().map(|(_, range)| range.start),
        Node::Elem(_, children) => first_source(children),
        _ => None,
    })
}

#[derive(Debug)]
pub(crate) enum Node<'a> {
    Elem(Box<Tag<'a>>, Vec<Node<'a>>),
    Text(Text),
    Code(CowStr<'a>),
    /// Raw HTML, block or inline; shown as literal text.
    Html(CowStr<'a>),
    FootnoteRef(CowStr<'a>),
    SoftBreak,
    HardBreak,
    Rule,
    TaskMarker(bool),
}

/// Consecutive Text events as one string, remembering where each piece came from
/// so positions in the text can be mapped back to the Markdown source.
#[derive(Debug, Default)]
pub(crate) struct Text {
    pub text: String,
    /// (offset in `text`, source range) of each merged event.
    segments: Vec<(usize, Range<usize>)>,
}

impl Text {
    fn push(&mut self, s: &str, source: Range<usize>) {
        self.segments.push((self.text.len(), source));
        self.text.push_str(s);
    }

    /// Drops a leading `prefix` that was added to the source by the caller.
    pub fn strip_prefix(&mut self, prefix: &str) {
        if self.text.starts_with(prefix) {
            self.text.drain(..prefix.len());
            for (start, _) in &mut self.segments {
                *start = start.saturating_sub(prefix.len());
            }
        }
    }

    /// The source range of `range` (byte offsets in `self.text`).
    ///
    /// Where an event's text differs in length from its source (entities,
    /// backslash escapes, smart punctuation) the position is widened to the whole
    /// event, so the range always covers what the author wrote.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        self.source_pos(range.start, false)..self.source_pos(range.end, true)
    }

    fn source_pos(&self, pos: usize, is_end: bool) -> usize {
        let index = self
            .segments
            .iter()
            .rposition(|(start, _)| if is_end { *start < pos } else { *start <= pos })
            .unwrap_or(0);
        let Some((start, source)) = self.segments.get(index) else {
            return 0;
        };
        let end = self.segments.get(index + 1).map_or(self.text.len(), |(s, _)| *s);
        if end - start == source.len() {
            source.start + (pos - start)
        } else if is_end {
            source.end
        } else {
            source.start
        }
    }
}

/// The runs of text a reader of `body` sees, each with its range in `body`: entities and
/// escapes decoded, code as written, raw HTML shown as text. Checks of what can be shown
/// (glyphs) judge these, not the source.
pub fn visible_runs(body: &str) -> Vec<(Range<usize>, CowStr<'_>)> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => Some((range, t)),
            Event::InlineMath(t) | Event::DisplayMath(t) => Some((range, t)),
            _ => None,
        })
        .collect()
}

/// Every image `body` shows: its destination as written, and the range of the whole
/// `![description](destination)` in `body`, so a check can point at it.
pub fn images(body: &str) -> Vec<(String, Range<usize>)> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Image { dest_url, .. }) => Some((dest_url.to_string(), range)),
            _ => None,
        })
        .collect()
}

pub(crate) fn parse(md: &str) -> Vec<Node<'_>> {
    let mut stack: Vec<(Tag<'_>, Vec<Node<'_>>)> = Vec::new();
    let mut top = Vec::new();
    for (event, range) in Parser::new_ext(md, options()).into_offset_iter() {
        if let Event::Start(tag) = event {
            stack.push((tag, Vec::new()));
            continue;
        }
        let node = match event {
            Event::Start(_) => unreachable!("handled above"),
            Event::End(_) => match stack.pop() {
                Some((tag, children)) => Node::Elem(Box::new(tag), children),
                None => continue,
            },
            Event::Text(text) => {
                let siblings = stack.last_mut().map_or(&mut top, |(_, c)| c);
                if let Some(Node::Text(last)) = siblings.last_mut() {
                    last.push(&text, range);
                } else {
                    let mut merged = Text::default();
                    merged.push(&text, range);
                    siblings.push(Node::Text(merged));
                }
                continue;
            }
            Event::Code(code) => Node::Code(code),
            // Maths is not enabled; should it ever appear, it is shown as written.
            Event::Html(html)
            | Event::InlineHtml(html)
            | Event::InlineMath(html)
            | Event::DisplayMath(html) => Node::Html(html),
            Event::FootnoteReference(label) => Node::FootnoteRef(label),
            Event::SoftBreak => Node::SoftBreak,
            Event::HardBreak => Node::HardBreak,
            Event::Rule => Node::Rule,
            Event::TaskListMarker(checked) => Node::TaskMarker(checked),
        };
        stack.last_mut().map_or(&mut top, |(_, c)| c).push(node);
    }
    // Unbalanced events would be a pulldown-cmark bug; keep whatever was opened.
    while let Some((tag, children)) = stack.pop() {
        let node = Node::Elem(Box::new(tag), children);
        stack.last_mut().map_or(&mut top, |(_, c)| c).push(node);
    }
    top
}

/// Sibling nodes as every emitter takes them: a block on its own, or a run of inline nodes
/// read as one paragraph (a tight list item holds bare inline content).
pub(crate) enum Run<'n, 'a> {
    Block(&'n Node<'a>),
    Inline(&'n [Node<'a>]),
}

/// The runs of `nodes`, in order.
pub(crate) fn runs<'n, 'a>(nodes: &'n [Node<'a>]) -> impl Iterator<Item = Run<'n, 'a>> {
    let mut rest = nodes;
    std::iter::from_fn(move || {
        let first = rest.first()?;
        let len = if is_inline(first) { rest.iter().take_while(|n| is_inline(n)).count() } else { 1 };
        let (run, after) = rest.split_at(len);
        rest = after;
        Some(if is_inline(first) { Run::Inline(run) } else { Run::Block(first) })
    })
}

pub(crate) fn is_inline(node: &Node<'_>) -> bool {
    match node {
        Node::Elem(tag, _) => matches!(
            **tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Node::Rule => false,
        _ => true,
    }
}

/// Whether a list item or definition holds paragraphs, i.e. the list is loose.
pub(crate) fn has_paragraph(node: &Node<'_>) -> bool {
    match node {
        Node::Elem(_, children) => {
            children.iter().any(|c| matches!(c, Node::Elem(tag, _) if matches!(**tag, Tag::Paragraph)))
        }
        _ => false,
    }
}

/// Footnote labels match case-insensitively, as in pulldown-cmark.
pub(crate) fn footnote_key(label: &str) -> String {
    label.to_lowercase()
}

/// The document's footnote definitions and which are shown where referenced.
pub(crate) struct Footnotes<'r, 'a> {
    /// The first definition of each label; later ones are duplicates.
    definitions: BTreeMap<String, &'r Node<'a>>,
    /// Labels whose definition is shown at its references. The others are shown
    /// in place, as written, so their text is never lost.
    at_references: BTreeSet<String>,
}

impl<'r, 'a> Footnotes<'r, 'a> {
    pub fn collect(nodes: &'r [Node<'a>]) -> Self {
        let mut found = Found::default();
        found.walk(nodes, None);

        let mut definitions = BTreeMap::new();
        let mut first_index = BTreeMap::new();
        for (index, (key, node)) in found.definitions.iter().enumerate() {
            if !definitions.contains_key(key) {
                definitions.insert(key.clone(), *node);
                first_index.insert(index, key.clone());
            }
        }
        // References from the text (and from duplicate definitions, which are shown
        // in place) show their footnote, and so do references inside it, and so on.
        let mut refs_inside: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut pending = Vec::new();
        for (inside, key) in &found.references {
            match inside.and_then(|i| first_index.get(&i)) {
                Some(owner) if owner == key => {}
                Some(owner) => refs_inside.entry(owner).or_default().push(key),
                None => pending.push(key.as_str()),
            }
        }
        let mut at_references = BTreeSet::new();
        let mut in_place = BTreeSet::new();
        let mut unreached = first_index.values();
        loop {
            while let Some(key) = pending.pop() {
                if definitions.contains_key(key)
                    && !in_place.contains(key)
                    && at_references.insert(key.to_owned())
                {
                    pending.extend(refs_inside.get(key).into_iter().flatten());
                }
            }
            // A definition nothing reaches is shown in place; what it refers to
            // is then reached from there.
            match unreached.find(|key| !at_references.contains(*key)) {
                Some(key) => {
                    in_place.insert(key.as_str());
                    pending.extend(refs_inside.get(key.as_str()).into_iter().flatten());
                }
                None => break,
            }
        }
        Footnotes { definitions, at_references }
    }

    /// The content of the footnote a reference points to.
    pub fn definition(&self, label: &str) -> Option<&'r [Node<'a>]> {
        match self.definitions.get(&footnote_key(label)) {
            Some(Node::Elem(_, children)) => Some(children),
            _ => None,
        }
    }

    /// Whether the note of label key `key` is shown at its references (rather than in place).
    pub fn at_references(&self, key: &str) -> bool {
        self.at_references.contains(key)
    }

    /// The label as the first definition for `key` writes it.
    pub fn label(&self, key: &str) -> Option<&str> {
        match self.definitions.get(key) {
            Some(Node::Elem(tag, _)) => match &**tag {
                Tag::FootnoteDefinition(label) => Some(label),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `definition` is the first (the one references show) for its label.
    pub fn is_first(&self, definition: &Node<'a>) -> bool {
        let Node::Elem(tag, _) = definition else {
            return false;
        };
        let Tag::FootnoteDefinition(label) = &**tag else {
            return false;
        };
        self.definitions.get(&footnote_key(label)).is_some_and(|first| std::ptr::eq(*first, definition))
    }

    /// Whether `definition` is shown at its references, so nothing is shown where
    /// it is written. Unreferenced and duplicate definitions are shown in place,
    /// as written, rather than silently dropped.
    pub fn shown_at_references(&self, definition: &Node<'a>) -> bool {
        let Node::Elem(tag, _) = definition else {
            return false;
        };
        let Tag::FootnoteDefinition(label) = &**tag else {
            return false;
        };
        self.at_references.contains(&footnote_key(label)) && self.is_first(definition)
    }
}

#[derive(Default)]
struct Found<'r, 'a> {
    /// Every definition, in document order.
    definitions: Vec<(String, &'r Node<'a>)>,
    /// Every reference, with the index of the definition it is inside.
    references: Vec<(Option<usize>, String)>,
}

impl<'r, 'a> Found<'r, 'a> {
    fn walk(&mut self, nodes: &'r [Node<'a>], inside: Option<usize>) {
        for node in nodes {
            match node {
                Node::Elem(tag, children) => {
                    if let Tag::FootnoteDefinition(label) = &**tag {
                        self.definitions.push((footnote_key(label), node));
                        self.walk(children, Some(self.definitions.len() - 1));
                    } else if let Tag::Image { .. } = **tag {
                        // An image's description is shown as plain alt text, so a
                        // reference in it shows no footnote.
                    } else {
                        self.walk(children, inside);
                    }
                }
                Node::FootnoteRef(label) => self.references.push((inside, footnote_key(label))),
                _ => {}
            }
        }
    }
}

/// The text of inline nodes without any markup (image descriptions).
pub(crate) fn plain_inline_text(nodes: &[Node<'_>], out: &mut String) {
    for node in nodes {
        match node {
            Node::Elem(_, children) => plain_inline_text(children, out),
            Node::Text(text) => out.push_str(&text.text),
            Node::Code(code) | Node::Html(code) => out.push_str(code),
            Node::FootnoteRef(label) => {
                out.push_str("[^");
                out.push_str(label);
                out.push(']');
            }
            Node::SoftBreak | Node::HardBreak => out.push(' '),
            Node::Rule | Node::TaskMarker(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'n>(nodes: &'n [Node<'_>], out: &mut Vec<&'n Text>) {
        for node in nodes {
            match node {
                Node::Text(t) => out.push(t),
                Node::Elem(_, children) => texts(children, out),
                _ => {}
            }
        }
    }

    #[test]
    fn adjacent_text_events_are_merged() {
        let md = "a [b _c {{ x }} d\\* e";
        let nodes = parse(md);
        let mut found = Vec::new();
        texts(&nodes, &mut found);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "a [b _c {{ x }} d* e");
    }

    #[test]
    fn source_ranges_map_through_escapes() {
        let md = "x \\* {{ a }} &amp; {{ b }}";
        let nodes = parse(md);
        let mut found = Vec::new();
        texts(&nodes, &mut found);
        let text = found[0];
        let at = |needle: &str| {
            let start = text.text.find(needle).unwrap();
            text.source_range(start..start + needle.len())
        };
        assert_eq!(&md[at("{{ a }}")], "{{ a }}");
        assert_eq!(&md[at("{{ b }}")], "{{ b }}");
        // pulldown-cmark's range for an escaped character leaves out the backslash.
        assert_eq!(&md[at("*")], "*");
        assert_eq!(&md[at("&")], "&amp;");
    }

    #[test]
    fn footnotes_know_what_is_referenced() {
        let md = "a[^1] b[^self]\n\n[^1]: one\n\n[^UNUSED]: two\n\n[^self]: three\n\n[^1]: again\n";
        let nodes = parse(md);
        let footnotes = Footnotes::collect(&nodes);
        assert!(footnotes.definition("1").is_some());
        let defs: Vec<_> = nodes
            .iter()
            .filter(|n| matches!(n, Node::Elem(t, _) if matches!(**t, Tag::FootnoteDefinition(_))))
            .map(|n| footnotes.shown_at_references(n))
            .collect();
        assert_eq!(defs, [true, false, true, false]);
    }
}
