//! The README's method and release tables, made from the declarations (a
//! test keeps the README's copies in step).

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
    for m in METHODS {
        for p in m.later_parameters {
            out.push_str(&format!(
                "| parameter `{}` of `{}` | {} |  | {} |\n",
                p.name,
                m.path,
                crate::core::release_facts::since_text(p.since),
                p.note
            ));
        }
    }
    for m in METHODS {
        for f in m.later_fields {
            out.push_str(&format!(
                "| reply field `{}` of `{}` | {} |  | {} |\n",
                f.name,
                m.path,
                crate::core::release_facts::since_text(f.since),
                f.note
            ));
        }
    }
    out.extend(crate::core::release_facts::fact_rows());
    out
}
