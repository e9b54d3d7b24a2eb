//! One line of a recording: a call to CRM.COM and its answer, secrets
//! already replaced by placeholders (`placeholders`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::BufRead;
use std::path::Path;

/// One exchange with CRM.COM, as `record` writes it and `compare` reads
/// it (one JSON object per line).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Exchange {
    /// The HTTP verb.
    pub method: String,
    /// The path, without the query (`/crmapi/rest/v2/access_tokens/show`).
    pub path: String,
    /// The query string, without `?`, secrets replaced.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// The `Authorization` header, its credential replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
    /// The JSON body, secrets replaced (`null` without one; a body that is
    /// not JSON is kept as a string).
    #[serde(default)]
    pub request: Value,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The JSON reply, secrets replaced (a reply that is not JSON is kept
    /// as a string).
    pub reply: Value,
    /// How long the answer took, in milliseconds.
    pub elapsed_ms: u64,
    /// The upstream's CRM.COM release, when the recording was told it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
}

impl Exchange {
    /// The CRM.COM method: the path after `/crmapi/rest/v2/`.
    pub fn crm_method(&self) -> &str {
        self.path
            .trim_start_matches('/')
            .trim_start_matches("crmapi/rest/v2/")
    }
}

/// Reads every exchange of a recording; the error names the line.
pub fn read(path: &Path) -> Result<Vec<Exchange>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut exchanges = Vec::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let exchange = serde_json::from_str(&line)
            .map_err(|e| format!("{}:{}: {e}", path.display(), number + 1))?;
        exchanges.push(exchange);
    }
    Ok(exchanges)
}
