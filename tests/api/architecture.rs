//! The layer rule of ARCHITECTURE.md, checked over the source: no module
//! names a module of a layer above its own, and no two modules name each
//! other through any chain (no import cycle). A module is one file; a
//! folder's `mod.rs` is the folder's module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const MAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ARCHITECTURE.md");

/// The layers, top first, as ARCHITECTURE.md's `layers` block lists them.
fn layers() -> Vec<String> {
    let map = std::fs::read_to_string(MAP).expect("ARCHITECTURE.md");
    let block = map
        .split("```text layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("ARCHITECTURE.md has a ```text layers block");
    block
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `api/access_tokens/read.rs` → `["api", "access_tokens", "read"]`;
/// `api/mod.rs` → `["api"]`.
fn module_of(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(SRC).expect("under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The paths a `use` tree names, from its text after the root keyword:
/// `a::b`, or `a::{b, c::d}` (groups nest).
fn expand(tree: &str) -> Vec<String> {
    let path_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let end = tree.find(|c| !path_char(c)).unwrap_or(tree.len());
    let (head, rest) = tree.split_at(end);
    if !rest.starts_with('{') {
        return vec![head.to_string()];
    }
    // The group's items, split at its own commas.
    let (mut depth, mut items, mut start) = (0, Vec::new(), 1);
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    items.push(&rest[start..i]);
                    break;
                }
            }
            ',' if depth == 1 => {
                items.push(&rest[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .flat_map(|item| expand(item.trim()))
        .map(|tail| format!("{head}{tail}"))
        .collect()
}

/// Every `crate::a::b` and `super::c` path a file names, as module parts
/// from the crate root (comments and strings included: a doc link that
/// names a module above is a smell too).
fn named_paths(module: &[String], is_mod_rs: bool, text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (at, _) in text
        .match_indices("crate::")
        .chain(text.match_indices("super::"))
    {
        if at > 0
            && text[..at]
                .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == ':')
        {
            continue;
        }
        for path in expand(&text[at..]) {
            let mut parts: Vec<String> = path
                .split("::")
                .filter(|p| !p.is_empty() && *p != "self")
                .map(str::to_string)
                .collect();
            let base: Vec<String> = match parts.first().map(String::as_str) {
                Some("crate") => {
                    parts.remove(0);
                    Vec::new()
                }
                // `super` in `a/b.rs` is `a`; in `a/b/mod.rs` it is `a` too;
                // each further `super` goes one up.
                Some("super") => {
                    let mut base = module.to_vec();
                    let _ = is_mod_rs;
                    while parts.first().is_some_and(|p| p == "super") {
                        parts.remove(0);
                        base.pop();
                    }
                    base
                }
                _ => continue,
            };
            found.push(base.into_iter().chain(parts).collect());
        }
    }
    found
}

/// `text` without the items marked `#[cfg(test)]` (a test module, a test
/// helper, a test-only import): unit tests may build their data with any
/// layer; the rule is for the code that ships. An item ends at its `;` or
/// at the brace that closes its first `{`.
fn without_test_items(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        let item = &rest[at..];
        let (mut depth, mut end) = (0usize, item.len());
        for (i, c) in item.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    kept.push_str(rest);
    kept
}

/// The longest prefix of `path` that is a module of `modules`.
fn resolve<'m>(path: &[String], modules: &'m BTreeSet<Vec<String>>) -> Option<&'m Vec<String>> {
    (1..=path.len()).rev().find_map(|n| modules.get(&path[..n]))
}

/// Every file of `src/`, with the module it is.
fn modules() -> Vec<(PathBuf, Vec<String>)> {
    let mut all = Vec::new();
    files(Path::new(SRC), &mut all);
    all.into_iter()
        .map(|f| {
            let m = module_of(&f);
            (f, m)
        })
        .collect()
}

/// The `crate::`/`super::` paths no module resolves: a path through the
/// crate root's re-exports (`crate::Config`), say, which would hide which
/// layer it reaches.
fn unresolved() -> Vec<String> {
    let all = modules();
    let known: BTreeSet<Vec<String>> = all.iter().map(|(_, m)| m.clone()).collect();
    let mut out = Vec::new();
    for (file, module) in &all {
        let text = without_test_items(&std::fs::read_to_string(file).expect("a source file"));
        let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
        for path in named_paths(module, is_mod_rs, &text) {
            if resolve(&path, &known).is_none() {
                out.push(format!("{}: crate::{}", file.display(), path.join("::")));
            }
        }
    }
    out
}

/// Module → the modules it names.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut all = Vec::new();
    files(Path::new(SRC), &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|f| module_of(f)).collect();
    let mut edges = BTreeMap::new();
    for file in &all {
        let module = module_of(file);
        let text = std::fs::read_to_string(file).expect("a source file");
        let text = without_test_items(&text);
        let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
        let named: BTreeSet<Vec<String>> = named_paths(&module, is_mod_rs, &text)
            .iter()
            .filter_map(|p| resolve(p, &modules))
            // A module naming its own children (or itself) is no import.
            .filter(|target| !target.starts_with(&module))
            .cloned()
            .collect();
        edges.insert(module, named);
    }
    edges
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let layers = layers();
    assert!(layers.len() >= 3, "the layers block lists the layers");
    let upward = upward(&graph(), &layers);
    assert!(
        upward.is_empty(),
        "imports pointing up:\n{}",
        upward.join("\n")
    );
}

/// Each edge of `graph` that points to a higher layer, or out of every
/// layer, as "a names b".
fn upward(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>, layers: &[String]) -> Vec<String> {
    let rank = |module: &[String]| {
        module
            .first()
            .and_then(|top| layers.iter().position(|l| l == top))
    };
    let mut upward = Vec::new();
    for (module, named) in graph {
        // lib.rs and main.rs sit above every layer.
        let Some(own) = rank(module) else { continue };
        for target in named {
            match rank(target) {
                Some(theirs) if theirs < own => {
                    upward.push(format!("{} names {}", module.join("::"), target.join("::")))
                }
                Some(_) => {}
                None => upward.push(format!(
                    "{} names {}, which is in no layer",
                    module.join("::"),
                    target.join("::")
                )),
            }
        }
    }
    upward
}

#[test]
fn every_path_names_a_module_and_every_file_is_in_a_layer() {
    let unresolved = unresolved();
    assert!(
        unresolved.is_empty(),
        "paths that name no module:\n{}",
        unresolved.join("\n")
    );
    let layers = layers();
    let outside: Vec<String> = modules()
        .into_iter()
        .filter(|(_, m)| !matches!(m.as_slice(), [root] if root == "lib" || root == "main"))
        .filter(|(_, m)| !m.first().is_some_and(|top| layers.contains(top)))
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(
        outside.is_empty(),
        "files in no layer:\n{}",
        outside.join("\n")
    );
}

#[test]
fn the_check_reads_grouped_paths_and_sees_an_upward_import() {
    let module = |m: &str| m.split("::").map(str::to_string).collect::<Vec<_>>();
    let named = named_paths(
        &module("api::access_tokens::read"),
        false,
        "use super::{cached::array, entity};\nuse crate::app::state::AppState;",
    );
    let mut named: Vec<String> = named.iter().map(|p| p.join("::")).collect();
    named.sort();
    assert_eq!(
        named,
        [
            "api::access_tokens::cached::array",
            "api::access_tokens::entity",
            "app::state::AppState"
        ]
    );
    let layers: Vec<String> = ["edge", "app", "api"].map(String::from).to_vec();
    let graph = BTreeMap::from([(
        module("api::read"),
        BTreeSet::from([module("app::state"), module("api::call")]),
    )]);
    assert_eq!(upward(&graph, &layers), ["api::read names app::state"]);
    let skipped = without_test_items(
        "use a;\n#[cfg(test)]\nuse crate::app::x;\nfn f() {}\n#[cfg(test)]\nmod tests { fn g() { {} } }\nfn h() {}",
    );
    assert_eq!(skipped, "use a;\n\nfn f() {}\n\nfn h() {}");
    let up = named_paths(&module("api::a::b"), false, "use super::super::core::x;");
    assert_eq!(up, [module("api::core::x")]);
}

#[test]
fn no_two_modules_import_each_other_through_any_chain() {
    let graph = graph();
    // A module is in a cycle when it can reach itself.
    let mut cycles = BTreeSet::new();
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Vec<String>> = graph[start].iter().collect();
        while let Some(module) = stack.pop() {
            if module == start {
                cycles.insert(start.join("::"));
                break;
            }
            if seen.insert(module) {
                stack.extend(graph.get(module).into_iter().flatten());
            }
        }
    }
    let cycles: Vec<String> = cycles.into_iter().collect();
    assert!(
        cycles.is_empty(),
        "modules in an import cycle:\n{}",
        cycles.join("\n")
    );
}
