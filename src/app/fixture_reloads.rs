//! What `--watch`'s reloads of the fixtures did so far, as
//! `/__admin/health` shows it (`app::fixture_reload` does them).

/// What the reloads did so far (`/__admin/health`'s `fixtures`).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Reloads {
    /// Good loads since start.
    pub loaded: u64,
    /// When the last good load happened (RFC 3339, the machine's clock).
    pub loaded_at: Option<String>,
    /// Organisations moved to the new fixtures by the last good load.
    pub moved: usize,
    /// Organisations that had changed, so keep their data until their
    /// next reset.
    pub waiting: usize,
    /// Why the last load was refused, while no good load followed it.
    pub error: Option<String>,
}
