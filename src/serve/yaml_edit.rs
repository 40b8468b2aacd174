//! Editing a practice profile's YAML text in place, one key at a time, so that everything the
//! form did not change (comments, key order, quoting, blank lines) stays exactly as written.
//! Only the lines of a changed key are rewritten; a flow mapping that gets a changed child
//! is rewritten as a block mapping.

use std::ops::Range;

use serde_json::{Map, Value};

/// The top-level keys and values of `text`, in file order.
pub fn values(text: &str) -> Result<Map<String, Value>, String> {
    match serde_saphyr::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the profile is not a mapping of keys to values".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// A scalar as the form shows it.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

pub fn is_scalar(v: &Value) -> bool {
    scalar_text(v).is_some()
}

/// Writes `new` as a YAML scalar of the same type as `old`: plain where that reads back as
/// the same string, otherwise double-quoted (JSON string syntax is valid YAML).
pub fn yaml_scalar(old: &Value, new: &str) -> String {
    let quoted = || serde_json::to_string(new).unwrap_or_else(|_| "\"\"".into());
    match old {
        Value::Bool(_) if new == "true" || new == "false" => new.to_string(),
        Value::Number(_) if new.parse::<f64>().is_ok() && plain_safe(new, true) => new.to_string(),
        _ if plain_safe(new, false) => new.to_string(),
        _ => quoted(),
    }
}

fn plain_safe(s: &str, number_ok: bool) -> bool {
    let special = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    !s.is_empty()
        && s.starts_with(|c: char| c.is_alphanumeric())
        && !s.ends_with(' ')
        && s.chars().all(|c| c.is_alphanumeric() || " .,@/_+()'&-".contains(c))
        && !s.contains("  ")
        && !special.contains(&s.to_ascii_lowercase().as_str())
        && (number_ok || s.parse::<f64>().is_err())
}

/// Where a trailing comment starts in a line's value part: a `#` after whitespace, outside
/// quotes.
fn comment_start(rest: &str) -> Option<usize> {
    let (mut single, mut double, mut prev_space) = (false, false, true);
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if double => {
                chars.next();
            }
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev_space => return Some(i),
            _ => {}
        }
        prev_space = c == ' ' || c == '\t';
    }
    None
}

struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines { lines: text.split_inclusive('\n').collect() }
    }

    fn indent(line: &str) -> usize {
        line.len() - line.trim_start_matches([' ', '\t']).len()
    }

    fn is_filler(line: &str) -> bool {
        let t = line.trim();
        t.is_empty() || t.starts_with('#')
    }

    /// Line `i` is `key:` (or `key: value`) at indentation `indent`.
    fn key_at(line: &str, key: &str, indent: usize) -> bool {
        Self::indent(line) == indent
            && line[indent..].strip_prefix(key).is_some_and(|r| r.trim_start_matches(' ').starts_with(':'))
    }

    /// The lines of the value that starts on line `start`: it runs on while lines are indented
    /// deeper than `indent` (or, at the top level, are block-sequence items). Trailing comment
    /// lines belong to what follows.
    fn block_end(&self, start: usize, indent: usize) -> usize {
        let mut end = start + 1;
        for j in start + 1..self.lines.len() {
            let line = self.lines[j];
            if Self::is_filler(line) {
                continue;
            }
            let deeper = Self::indent(line) > indent;
            let item = indent == 0 && Self::indent(line) == 0 && line.starts_with('-');
            if deeper || item {
                end = j + 1;
            } else {
                break;
            }
        }
        end
    }

    fn top_level(&self, key: &str) -> Option<Range<usize>> {
        let start = self.lines.iter().position(|l| Self::key_at(l, key, 0))?;
        Some(start..self.block_end(start, 0))
    }

    /// `parent.child` inside a block mapping.
    fn nested(&self, parent: &Range<usize>, child: &str) -> Option<Range<usize>> {
        let indent = self.lines[parent.start + 1..parent.end]
            .iter()
            .find(|l| !Self::is_filler(l))
            .map(|l| Self::indent(l))?;
        let start = (parent.start + 1..parent.end).find(|&j| Self::key_at(self.lines[j], child, indent))?;
        Some(start..self.block_end(start, indent).min(parent.end))
    }

    /// The key line's value text (after the colon, before any comment) and its comment.
    fn split_key_line(line: &str) -> (&str, &str) {
        let rest = line.split_once(':').map_or("", |(_, r)| r).trim_end_matches(['\n', '\r']);
        match comment_start(rest) {
            Some(i) => (rest[..i].trim(), rest[i..].trim_end()),
            None => (rest.trim(), ""),
        }
    }

    fn replace(&self, range: Range<usize>, with: &str) -> String {
        let mut out: String = self.lines[..range.start].concat();
        out.push_str(with);
        out.push_str(&self.lines[range.end..].concat());
        out
    }
}

fn with_comment(line: String, comment: &str) -> String {
    if comment.is_empty() { format!("{line}\n") } else { format!("{line} {comment}\n") }
}

/// The 1-based line range of a form field (`key` or `parent.child`) in `text`.
pub fn field_lines(text: &str, name: &str) -> Option<Range<usize>> {
    let lines = Lines::new(text);
    let range = match name.split_once('.') {
        None => lines.top_level(name)?,
        Some((parent, child)) => {
            let p = lines.top_level(parent)?;
            lines.nested(&p, child).unwrap_or(p)
        }
    };
    Some(range.start + 1..range.end + 1)
}

/// Sets top-level `key` to the scalar `new` (typed like `old`). Appends the key if absent.
pub fn set_scalar(text: &str, key: &str, old: &Value, new: &str) -> String {
    let lines = Lines::new(text);
    let value = yaml_scalar(old, new);
    match lines.top_level(key) {
        Some(range) => {
            let (_, comment) = Lines::split_key_line(lines.lines[range.start]);
            lines.replace(range, &with_comment(format!("{key}: {value}"), comment))
        }
        None => {
            let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
            format!("{text}{sep}{key}: {value}\n")
        }
    }
}

/// `text` without top-level `key` and its block (unchanged when there is no such key).
pub fn remove_key(text: &str, key: &str) -> String {
    let lines = Lines::new(text);
    match lines.top_level(key) {
        Some(range) => lines.replace(range, ""),
        None => text.to_string(),
    }
}

/// Sets top-level `key` to a list of strings, keeping flow (`[a, b]`) or block style.
pub fn set_list(text: &str, key: &str, items: &[String]) -> Option<String> {
    let lines = Lines::new(text);
    let range = lines.top_level(key)?;
    let (inline, comment) = Lines::split_key_line(lines.lines[range.start]);
    let quoted: Vec<String> = items.iter().map(|i| yaml_scalar(&Value::String(String::new()), i)).collect();
    if !inline.is_empty() || items.is_empty() {
        return Some(lines.replace(range, &with_comment(format!("{key}: [{}]", quoted.join(", ")), comment)));
    }
    let first = lines.lines[range.start + 1..range.end].iter().find(|l| !Lines::is_filler(l))?;
    let prefix = &first[..Lines::indent(first)];
    let mut block = with_comment(format!("{key}:"), comment);
    for q in quoted {
        block.push_str(&format!("{prefix}- {q}\n"));
    }
    Some(lines.replace(range, &block))
}

/// Sets `parent.child` to the scalar `new`. A flow mapping parent (`{a: 1, b: 2}`) becomes a
/// block mapping holding `merged` (the parent's values with the change applied).
pub fn set_nested(
    text: &str,
    parent: &str,
    child: &str,
    old: &Value,
    new: &str,
    merged: &Map<String, Value>,
) -> Option<String> {
    let lines = Lines::new(text);
    let prange = lines.top_level(parent)?;
    let (inline, comment) = Lines::split_key_line(lines.lines[prange.start]);
    if !inline.is_empty() {
        let mut block = with_comment(format!("{parent}:"), comment);
        for (k, v) in merged {
            let text = scalar_text(v)?;
            block.push_str(&format!("  {k}: {}\n", yaml_scalar(v, &text)));
        }
        return Some(lines.replace(prange, &block));
    }
    let range = lines.nested(&prange, child)?;
    let line = lines.lines[range.start];
    let indent = &line[..Lines::indent(line)];
    let (_, comment) = Lines::split_key_line(line);
    Some(lines.replace(range, &with_comment(format!("{indent}{child}: {}", yaml_scalar(old, new)), comment)))
}

/// Sets top-level `key` to a block list of mappings (such as `clinicians:`), each written
/// with its keys in the order given and its empty values left out; no items removes the key.
/// The key keeps its place and its comment; comments inside the old list go with it, since
/// its items may have been removed or reordered.
pub fn set_mappings(text: &str, key: &str, items: &[Vec<(&str, String)>]) -> String {
    if items.is_empty() {
        return remove_key(text, key);
    }
    let lines = Lines::new(text);
    let comment = lines.top_level(key).map_or("", |r| Lines::split_key_line(lines.lines[r.start]).1);
    let mut block = with_comment(format!("{key}:"), comment);
    for item in items {
        let mut first = true;
        for (k, v) in item.iter().filter(|(_, v)| !v.is_empty()) {
            let lead = if first { "  - " } else { "    " };
            first = false;
            block.push_str(&format!("{lead}{k}: {}\n", yaml_scalar(&Value::String(String::new()), v)));
        }
    }
    match lines.top_level(key) {
        Some(range) => lines.replace(range, &block),
        None => {
            let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
            format!("{text}{sep}{block}")
        }
    }
}

/// The 1-based line ranges of the items of the top-level block list `key`, in order; none for
/// a flow list (`[...]`) or a missing key.
pub fn item_lines(text: &str, key: &str) -> Vec<Range<usize>> {
    let lines = Lines::new(text);
    let Some(range) = lines.top_level(key) else { return Vec::new() };
    let is_item = |j: &usize| {
        let t = lines.lines[*j].trim_start();
        t.starts_with("- ") || t.trim_end() == "-"
    };
    let items: Vec<usize> = (range.start + 1..range.end).filter(is_item).collect();
    let Some(indent) = items.iter().map(|&j| Lines::indent(lines.lines[j])).min() else { return Vec::new() };
    let starts: Vec<usize> = items.into_iter().filter(|&j| Lines::indent(lines.lines[j]) == indent).collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| start + 1..starts.get(i + 1).copied().unwrap_or(range.end) + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PROFILE: &str = "# Sample practice\nods_code: Z90001 # never changes\nname: \"Old & Co\"\n\
        address: [\"1 High St\", Leicester]\nphone: \"0116 496 0101\"   # front desk\n\
        brand_colour: \"#003087\"\nsignatory:\n  # who signs letters\n  name: Dr A\n  role: GP\n\
        # posters follow\nposters:\n  - a\n  - b\n";

    fn get(text: &str, key: &str) -> Value {
        values(text).unwrap()[key].clone()
    }

    #[test]
    fn scalar_edit_keeps_comments_and_order() {
        let v = values(PROFILE).unwrap();
        let out = set_scalar(PROFILE, "phone", &v["phone"], "0116 000 0000");
        assert!(out.contains("phone: 0116 000 0000 # front desk\n"), "{out}");
        assert_eq!(get(&out, "phone"), "0116 000 0000");
        let changed: Vec<_> = PROFILE.lines().zip(out.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(changed.len(), 1, "{out}");
        let keys: Vec<_> = values(&out).unwrap().keys().cloned().collect();
        let before: Vec<_> = v.keys().cloned().collect();
        assert_eq!(keys, before);
    }

    #[test]
    fn values_that_need_quotes_get_them() {
        let v = values(PROFILE).unwrap();
        for new in ["#00FF00", "a: b", "true", "0116", "- x", "'q'", "x # y", " lead", "null", "@at"] {
            let out = set_scalar(PROFILE, "name", &v["name"], new);
            assert_eq!(get(&out, "name"), Value::String(new.into()), "{new}: {out}");
        }
    }

    #[test]
    fn nested_block_and_flow_mappings() {
        let v = values(PROFILE).unwrap();
        let sig = v["signatory"].as_object().unwrap();
        let mut merged = sig.clone();
        merged.insert("role".into(), "Partner: senior".into());
        let out = set_nested(PROFILE, "signatory", "role", &sig["role"], "Partner: senior", &merged).unwrap();
        assert!(out.contains("  # who signs letters\n  name: Dr A\n"), "{out}");
        assert_eq!(get(&out, "signatory")["role"], "Partner: senior");
        assert_eq!(get(&out, "posters"), serde_json::json!(["a", "b"]));

        let flow = "name: x\nsignatory: {name: Dr A, role: GP} # signs\nphone: 1\n";
        let sig = values(flow).unwrap()["signatory"].as_object().unwrap().clone();
        let mut merged = sig.clone();
        merged.insert("name".into(), "Dr B".into());
        let out = set_nested(flow, "signatory", "name", &sig["name"], "Dr B", &merged).unwrap();
        assert_eq!(get(&out, "signatory"), serde_json::json!({"name": "Dr B", "role": "GP"}));
        assert!(out.starts_with("name: x\nsignatory: # signs\n") && out.ends_with("phone: 1\n"), "{out}");
    }

    #[test]
    fn lists_keep_their_style() {
        let items = vec!["2 Low St".to_string(), "Leicester: city".to_string()];
        let out = set_list(PROFILE, "address", &items).unwrap();
        assert_eq!(get(&out, "address"), serde_json::json!(items));
        assert!(out.contains("address: ["), "{out}");
        let out = set_list(PROFILE, "posters", &items[..1]).unwrap();
        assert!(out.contains("posters:\n  - 2 Low St\n"), "{out}");
        assert_eq!(get(&out, "posters"), serde_json::json!(["2 Low St"]));
    }

    #[test]
    fn field_lines_point_at_keys() {
        assert_eq!(field_lines(PROFILE, "phone"), Some(5..6));
        assert_eq!(field_lines(PROFILE, "signatory.role"), Some(10..11));
        assert_eq!(field_lines(PROFILE, "posters"), Some(12..15));
        assert_eq!(field_lines(PROFILE, "website"), None);
    }

    #[test]
    fn lists_of_mappings_are_written_whole() {
        let text = "name: x\nclinicians: # who signs\n  - name: Dr A\n    gmc: \"1234567\"\n  - {name: B, nmc: 12A3456E}\nphone: 1\n";
        assert_eq!(item_lines(text, "clinicians"), vec![3..5, 5..6]);
        let items = vec![vec![
            ("name", "Dr C: locum".to_string()),
            ("role", "GP".to_string()),
            ("gmc", "7654321".to_string()),
            ("nmc", String::new()),
        ]];
        let out = set_mappings(text, "clinicians", &items);
        assert!(
            out.starts_with("name: x\nclinicians: # who signs\n  - name: ") && out.ends_with("phone: 1\n"),
            "{out}"
        );
        assert_eq!(
            get(&out, "clinicians"),
            serde_json::json!([{"name": "Dr C: locum", "role": "GP", "gmc": "7654321"}])
        );
        assert_eq!(item_lines(&out, "clinicians"), vec![3..6]);
        let gone = set_mappings(&out, "clinicians", &[]);
        assert_eq!(gone, "name: x\nphone: 1\n");
        let added = set_mappings(&gone, "clinicians", &items);
        assert_eq!(get(&added, "clinicians")[0]["gmc"], "7654321");
    }

    #[test]
    fn missing_key_is_appended() {
        let out = set_scalar("name: x", "website", &Value::Null, "www.example.org");
        assert_eq!(get(&out, "website"), "www.example.org");
    }

    proptest! {
        #[test]
        fn any_scalar_reads_back_as_written(new in "\\PC{0,40}") {
            let v = values(PROFILE).unwrap();
            let out = set_scalar(PROFILE, "name", &v["name"], &new);
            prop_assert_eq!(get(&out, "name"), Value::String(new.clone()));
            prop_assert_eq!(get(&out, "signatory"), v["signatory"].clone());
            let out = set_scalar(PROFILE, "postcode", &Value::Null, &new);
            prop_assert_eq!(get(&out, "postcode"), Value::String(new));
        }
    }
}
