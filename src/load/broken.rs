//! Who a profile that failed to load belongs to, as far as its ODS code and name can be read
//! leniently: serve still lists it (so it can be opened and mended) and notify names it among
//! the practices it cannot write to.

use std::path::Path;

/// A broken profile's ODS code and name (the code when it has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenProfile {
    pub ods: String,
    pub name: String,
}

/// The ODS code and name of the profile at `path`, when it is a profile whose code reads.
pub fn profile(path: &Path) -> Option<BrokenProfile> {
    let is_profile = path.parent().is_some_and(|d| d.ends_with("content/practices"))
        && path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !is_profile {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let map = match serde_saphyr::from_str::<serde_json::Value>(&text).ok()? {
        serde_json::Value::Object(map) => map,
        _ => return None,
    };
    let ods = map.get("ods_code").and_then(|v| v.as_str()).filter(|o| super::config::is_ods(o))?;
    let name = map.get("name").and_then(|v| v.as_str()).unwrap_or(ods).to_string();
    Some(BrokenProfile { ods: ods.to_string(), name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_profile_still_names_its_practice() {
        let dir = tempfile::tempdir().unwrap();
        let practices = dir.path().join("content/practices");
        std::fs::create_dir_all(&practices).unwrap();
        let path = practices.join("a.yaml");
        std::fs::write(&path, "ods_code: Z90001\nname: Alder\nemail: not an address\nbrand_colour: 12\n")
            .unwrap();
        assert_eq!(profile(&path), Some(BrokenProfile { ods: "Z90001".into(), name: "Alder".into() }));
        std::fs::write(&path, "ods_code: nonsense\n").unwrap();
        assert_eq!(profile(&path), None);
        assert_eq!(profile(&dir.path().join("content/lmc.yaml")), None);
    }
}
