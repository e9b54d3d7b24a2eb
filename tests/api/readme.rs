//! The README's shell blocks run as written (issue 19): every ```sh block
//! not marked `<!-- not run: why -->` on the line before it is run with
//! bash against an emulator, its `localhost:8080` pointed at that
//! emulator's port. They use curl and jq, which `.ci/run` installs.

use crate::helpers::spawn_app;
use std::process::Command;

/// The ```sh blocks of `text` that are meant to run, with their line.
fn runnable_blocks(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start() == "```sh" {
            let skipped = i > 0 && lines[i - 1].trim_start().starts_with("<!-- not run:");
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim_start() != "```" {
                end += 1;
            }
            if !skipped {
                blocks.push((start, lines[start..end].join("\n")));
            }
            i = end;
        }
        i += 1;
    }
    blocks
}

#[test]
fn every_shell_block_of_the_readme_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let blocks = runnable_blocks(&readme);
    assert!(blocks.len() >= 2, "the README has shell blocks to run");
    let app = spawn_app();
    let here = format!("127.0.0.1:{}", app.emulator.port());
    for (line, block) in blocks {
        let script = block
            .replace("localhost:8080", &here)
            .replace("127.0.0.1:8080", &here);
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", &script])
            .output()
            .expect("bash");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "README line {line}: exit {:?}\n{script}\nstdout: {stdout}\nstderr: {stderr}",
            out.status.code()
        );
        assert!(
            !stdout.contains("EXCEPTION"),
            "README line {line} answered an error:\n{stdout}"
        );
    }
}
