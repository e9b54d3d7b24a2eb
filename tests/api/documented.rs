//! Compares a reply with a documented example from the seed page: every
//! documented field must be present, and every documented value equal,
//! except at paths the caller lists with the reason the docs disagree.

use serde_json::Value;
use std::path::Path;

/// Loads `tests/examples/<name>`.
pub fn example(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/examples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn ignored(path: &str, ignore: &[&str]) -> bool {
    ignore
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}.")))
}

/// Collects the differences between the documented value and ours.
fn compare(path: &str, doc: &Value, ours: &Value, ignore: &[&str], problems: &mut Vec<String>) {
    match (doc, ours) {
        (Value::Object(d), Value::Object(o)) => {
            for (key, dv) in d {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match o.get(key) {
                    Some(ov) => compare(&sub, dv, ov, ignore, problems),
                    None => problems.push(format!("{sub}: documented but missing")),
                }
            }
        }
        (Value::Array(d), Value::Array(o)) => {
            if d.len() != o.len() && !ignored(path, ignore) {
                problems.push(format!(
                    "{path}: {} documented items, {} in the reply",
                    d.len(),
                    o.len()
                ));
            }
            for dv in d {
                // Items are matched by id, since the docs' order is not ours.
                let ov = o.iter().find(|ov| ov.get("id") == dv.get("id"));
                match ov {
                    Some(ov) => compare(&format!("{path}[]"), dv, ov, ignore, problems),
                    None => problems.push(format!(
                        "{path}: item {} missing",
                        dv.get("id").unwrap_or(&Value::Null)
                    )),
                }
            }
        }
        (Value::Object(_), _) | (Value::Array(_), _)
            if !ours.is_null() || !ignored(path, ignore) =>
        {
            problems.push(format!("{path}: documented {doc}, reply {ours}"));
        }
        _ => {
            if doc != ours && !ignored(path, ignore) {
                problems.push(format!("{path}: documented {doc}, reply {ours}"));
            }
        }
    }
}

/// Panics with every difference found.
pub fn assert_documented(doc: &Value, ours: &Value, ignore: &[&str]) {
    let mut problems = Vec::new();
    compare("", doc, ours, ignore, &mut problems);
    assert!(
        problems.is_empty(),
        "reply differs from the documented example:\n  {}\nreply: {ours}",
        problems.join("\n  ")
    );
}
