//! How long one access token's reply takes to render, check and serialise
//! (`render_reply`, the heart of a create), in nanoseconds: the median of
//! 15 batches of 20,000 renders of each fixture token, one thread.
//!
//! `cargo run --release --features testing --example render_cost`

use crmcom_emulator::testing::{render_reply, AppState};
use crmcom_emulator::Config;
use std::time::Instant;

fn main() {
    let state = AppState::new(Config::default()).expect("state");
    let tenant = state.tenant("render-cost").expect("tenant");
    let tokens: Vec<_> = tenant.access_tokens.read().iter().cloned().collect();
    let cx = state.context();
    let mut batches = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        let mut bytes = 0;
        for _ in 0..20_000 / tokens.len().max(1) {
            for token in &tokens {
                bytes += render_reply(&cx, &tenant.reference, token)
                    .expect("render")
                    .whole()
                    .len();
            }
        }
        let renders = (20_000 / tokens.len().max(1)) * tokens.len();
        batches.push(started.elapsed().as_nanos() as f64 / renders as f64);
        std::hint::black_box(bytes);
    }
    batches.sort_by(f64::total_cmp);
    println!(
        "render_reply: median {:.0} ns, fastest {:.0} ns ({} fixture tokens)",
        batches[batches.len() / 2],
        batches[0],
        tokens.len()
    );
}
