//! The README's method and release tables, made from the declarations (a
//! test keeps the README's copies in step).

use crate::api::method::{LaterParameter, Method};
use crate::api::methods::{Verb, METHODS};

/// The README's method table.
pub fn method_table() -> String {
    let mut out = String::from("| method | verb | notes |\n|---|---|---|\n");
    for m in METHODS {
        let verb = match m.verb {
            Verb::Any => "POST (GET tolerated)",
            verb => verb.as_str(),
        };
        out.push_str(&format!("| `{}` | {verb} | {} |\n", m.path, m.notes));
    }
    out
}

/// The README's release table: each method and its later parameters, then
/// the facts of `core::release`.
/// A release table row for each parameter or reply field (`what`) that
/// came after its method, as `of` lists them, method by method.
fn later_rows(out: &mut String, what: &str, of: fn(&Method) -> &[LaterParameter]) {
    for m in METHODS {
        for later in of(m) {
            out.push_str(&format!(
                "| {what} `{}` of `{}` | {} |  | {} |\n",
                later.name,
                m.path,
                crate::core::release_facts::since_text(later.since),
                later.note
            ));
        }
    }
}

pub fn release_table() -> String {
    let mut out = String::from("| what | since | deprecated from | note |\n|---|---|---|---|\n");
    for m in METHODS {
        out.push_str(&format!(
            "| method `{}` | {} | {} |  |\n",
            m.path,
            crate::core::release_facts::since_text(m.since),
            m.deprecated
        ));
    }
    later_rows(&mut out, "parameter", |m| m.later_parameters);
    later_rows(&mut out, "reply field", |m| m.later_fields);
    out.extend(crate::core::release_facts::fact_rows());
    out
}
