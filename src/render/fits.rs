//! Where a poster's body search ended, kept for the rest of the load.
//!
//! A poster's body is set at the largest type size that fills its room, and typst finds that
//! size by laying the body out at several sizes: most of a poster's typesetting time. Every
//! practice's copy of a poster has the same body, and most have a room of the same size (the
//! room changes only with what is around it: a practice name that wraps, a logo), so the
//! search would end at the same step again. The poster template (`known-fits` in
//! `theme/poster.typ.tera`) takes the steps found so far and skips the search in a room of
//! exactly the same size; the step comes back in the `<poster-fit>` metadata after a search.
//!
//! A step is reused only under the same [`key`]: the same template, format, language and
//! body markup, and the same value in each field the body shows. Those, with the room, are
//! everything the search reads, so a poster comes out the same whichever practice's poster
//! ran first, and the same as from the emitted source, which keeps the list empty and
//! searches.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::load::fields::Values;
use crate::markdown::typst_escape as escape;

/// The line of the poster template that [`Fits::apply`] fills in.
const EMPTY: &str = "\n#let known-fits = ()\n";

/// Rooms remembered for one key. Rooms differ with the practice name's length and the logo;
/// a handful cover a whole LMC, and a key past this many is simply searched.
const ROOMS_PER_KEY: usize = 16;

/// A room's size in points and the step the search chose in it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fit {
    width: f64,
    height: f64,
    step: i64,
}

/// What decides a poster body's search, besides its room: `layout` names the template, the
/// format and the language (its code, direction and draft state), `body` is the body's typst
/// markup and `values` the practice's fields. `None` when the body shows an image: the markup
/// names only the file, not its size.
pub fn key(layout: &[&str], body: &str, values: &Values) -> Option<blake3::Hash> {
    if body.contains("#image(") {
        return None;
    }
    let mut hasher = blake3::Hasher::new();
    let mut part = |text: &str| {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    layout.iter().for_each(|l| part(l));
    part(body);
    for (name, value) in values {
        if body.contains(&format!("#field(\"{}\")", escape::string(name))) {
            part(name);
            part(&format!("{value:?}"));
        }
    }
    Some(hasher.finalize())
}

/// The steps found so far in this load, by key.
pub struct Fits {
    /// The templates' [`digest`](crate::render::templates::Templates::digest): a key says
    /// nothing of the template's text, so steps pass only between loads of the same templates.
    templates: blake3::Hash,
    known: Mutex<HashMap<blake3::Hash, Vec<Fit>>>,
}

impl Fits {
    /// None known yet, for sources rendered from templates with digest `templates`.
    pub fn new(templates: blake3::Hash) -> Fits {
        Fits { templates, known: Mutex::default() }
    }

    /// The steps found so far, leaving none here.
    pub fn take(&mut self) -> Fits {
        std::mem::replace(self, Fits::new(self.templates))
    }

    /// Takes the steps `earlier` found, when it was made for the same templates: `watch`
    /// hands them from one rebuild's load to the next, so a saved profile's posters skip the
    /// searches the last rebuild made (the values a key holds are read again each time).
    pub fn carry_over(&self, earlier: Fits) {
        if earlier.templates == self.templates {
            let earlier = earlier.known.into_inner().unwrap_or_else(|e| e.into_inner());
            let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
            for (key, fits) in earlier {
                known.entry(key).or_insert(fits);
            }
        }
    }

    /// `source` with the steps known for `key` in its `known-fits` list. A source without
    /// the template's empty list (a theme that removed it) comes back as it was.
    pub fn apply(&self, key: &blake3::Hash, source: String) -> String {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        let Some(fits) = known.get(key).filter(|f| !f.is_empty()) else { return source };
        let entries: String = fits
            .iter()
            .map(|f| format!("(width: {}pt, height: {}pt, step: {}), ", f.width, f.height, f.step))
            .collect();
        source.replacen(EMPTY, &format!("\n#let known-fits = ({entries})\n"), 1)
    }

    /// Keeps the step of a search from a poster's `<poster-fit>` metadata (ignored when the
    /// step was reused rather than searched for, or the metadata is not what the template
    /// writes).
    pub fn learn(&self, key: blake3::Hash, metadata: &[serde_json::Value]) {
        let [fit] = metadata else { return };
        if fit.get("searched").and_then(|s| s.as_bool()) != Some(true) {
            return;
        }
        let number = |name: &str| fit.get(name).and_then(|v| v.as_f64()).filter(|v| v.is_finite());
        let (Some(width), Some(height), Some(step)) =
            (number("width"), number("room"), fit.get("step").and_then(|s| s.as_i64()))
        else {
            return;
        };
        let fit = Fit { width, height, step };
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        let fits = known.entry(key).or_default();
        if fits.len() < ROOMS_PER_KEY && !fits.iter().any(|f| f.width == width && f.height == height) {
            fits.push(fit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::fields::FieldValue;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs.iter().map(|(k, v)| (k.to_string(), FieldValue::Text(v.to_string()))).collect()
    }

    #[test]
    fn a_key_follows_the_fields_the_body_shows_and_nothing_else() {
        let body = "Call #field(\"practice.phone\") today\\.";
        let a = values(&[("practice.phone", "0116 1"), ("practice.name", "A")]);
        let b = values(&[("practice.phone", "0116 1"), ("practice.name", "B")]);
        let c = values(&[("practice.phone", "0116 2"), ("practice.name", "A")]);
        let key = |v: &Values| key(&["poster", "a4", "en"], body, v);
        assert_eq!(key(&a), key(&b), "a name the body does not show changes nothing");
        assert_ne!(key(&a), key(&c), "the phone number the body shows is part of it");
        assert_ne!(key(&a), super::key(&["poster", "a3", "en"], body, &a));
        assert_ne!(key(&a), super::key(&["poster", "a4", "ur"], body, &a));
        assert_ne!(key(&a), super::key(&["leaflet", "a4", "en"], body, &a));
        assert_ne!(key(&a), super::key(&["poster", "a4", "en"], "Call us\\.", &a));
        assert_eq!(super::key(&["poster", "a4", "en"], "#image(\"/x.png\")", &a), None);
    }

    #[test]
    fn the_list_parts_cannot_run_together() {
        let v = Values::new();
        assert_ne!(key(&["a4", "en", "x"], "b", &v), key(&["a4", "enx"], "b", &v));
    }

    fn searched(width: f64, room: f64, step: i64) -> serde_json::Value {
        serde_json::json!({ "searched": true, "step": step, "size": 20.0, "width": width, "room": room })
    }

    #[test]
    fn a_learned_step_is_offered_for_its_room_exactly() {
        let fits = Fits::new(blake3::hash(b"templates"));
        let key = key(&["a4", "en"], "x", &Values::new()).unwrap();
        let source = "#let s = 1\n#let known-fits = ()\n#fitted[x]\n".to_string();
        assert_eq!(fits.apply(&key, source.clone()), source, "nothing known yet");
        fits.learn(key, &[searched(500.25, 349.99999999999994, 17)]);
        fits.learn(key, &[searched(500.25, 349.99999999999994, 17)]);
        let reused = serde_json::json!({ "searched": false, "step": 3, "width": 1.0, "room": 2.0 });
        fits.learn(key, &[reused]);
        assert_eq!(
            fits.apply(&key, source.clone()),
            "#let s = 1\n#let known-fits = ((width: 500.25pt, height: 349.99999999999994pt, step: 17), )\n#fitted[x]\n"
        );
        let other = super::key(&["a3", "en"], "x", &Values::new()).unwrap();
        assert_eq!(fits.apply(&other, source.clone()), source, "another key knows nothing");
    }

    #[test]
    fn steps_pass_to_the_next_load_only_from_the_same_templates() {
        let key = key(&["a4", "en"], "x", &Values::new()).unwrap();
        let source = "\n#let known-fits = ()\n".to_string();
        let earlier = || {
            let fits = Fits::new(blake3::hash(b"templates"));
            fits.learn(key, &[searched(1.0, 2.0, 3)]);
            fits
        };
        let same = Fits::new(blake3::hash(b"templates"));
        same.carry_over(earlier());
        assert_eq!(
            same.apply(&key, source.clone()),
            "\n#let known-fits = ((width: 1pt, height: 2pt, step: 3), )\n"
        );
        let edited = Fits::new(blake3::hash(b"templates, one edited"));
        edited.carry_over(earlier());
        assert_eq!(edited.apply(&key, source.clone()), source);
    }

    #[test]
    fn metadata_it_does_not_understand_teaches_nothing() {
        let fits = Fits::new(blake3::hash(b"templates"));
        let key = key(&["a4", "en"], "x", &Values::new()).unwrap();
        fits.learn(key, &[]);
        fits.learn(key, &[searched(1.0, 2.0, 3), searched(1.0, 2.0, 3)]);
        fits.learn(key, &[serde_json::json!({ "searched": true, "step": 3, "width": "wide", "room": 2.0 })]);
        fits.learn(key, &[serde_json::json!("not a dictionary")]);
        let source = "\n#let known-fits = ()\n".to_string();
        assert_eq!(fits.apply(&key, source.clone()), source);
    }
}
