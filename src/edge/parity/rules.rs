//! Which reply values `compare` treats as volatile: `parity/rules.json`
//! (embedded), plus any file a user gives with `--rules`.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The rules every comparison starts from.
pub const DEFAULT: &str = include_str!("../../../parity/rules.json");

/// Volatile paths, for every method (`*`) and per CRM.COM method.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    volatile: HashMap<String, Vec<String>>,
    /// What the file says about itself.
    #[serde(default, rename = "$comment")]
    _comment: Option<String>,
}

impl Rules {
    /// The embedded rules with those of `extra` (a file of the same shape)
    /// added; the error names the file.
    pub fn load(extra: Option<&Path>) -> Result<Rules, String> {
        let mut rules: Rules =
            serde_json::from_str(DEFAULT).map_err(|e| format!("parity/rules.json: {e}"))?;
        if let Some(path) = extra {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let more: Rules =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            for (method, paths) in more.volatile {
                rules.volatile.entry(method).or_default().extend(paths);
            }
        }
        Ok(rules)
    }

    /// Whether the value at `path` (`data.items[3].id`) of `method`'s reply
    /// is volatile.
    pub fn volatile(&self, method: &str, path: &str) -> bool {
        let general = generalised(path);
        ["*", method]
            .iter()
            .filter_map(|m| self.volatile.get(*m))
            .flatten()
            .any(|pattern| matches(pattern, &general))
    }
}

/// `data.items[3].id` → `data.items[].id`.
fn generalised(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// `**.x` matches `x` at any depth; any other pattern the whole path.
fn matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_prefix("**.") {
        Some(tail) => path == tail || path.ends_with(&format!(".{tail}")),
        None => pattern == path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_at_any_depth_or_whole_and_indexes_are_any() {
        let rules = Rules::load(None).expect("the embedded rules");
        assert!(rules.volatile("access_tokens/show", "data.log_information.created_date"));
        assert!(rules.volatile("access_tokens/create", "data.number"));
        assert!(!rules.volatile("access_tokens/show", "data.number"));
        assert!(rules.volatile("communications/list", "data[7].id"));
        assert!(!rules.volatile("communications/list", "data[7].content_type"));
    }
}
