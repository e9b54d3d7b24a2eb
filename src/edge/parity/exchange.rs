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
    /// The request's `Content-Type`, if it sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
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

/// Reads every exchange of a recording; the error names the line. A last
/// line cut short (a proxy killed while writing) is left out with a
/// warning; a recording with no exchange is an error, so a client that
/// never used the proxy does not pass for one that matched.
pub fn read(path: &Path) -> Result<Vec<Exchange>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let lines: Vec<String> = std::io::BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let mut exchanges = Vec::new();
    for (number, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(exchange) => exchanges.push(exchange),
            Err(e) if e.is_eof() && Some(number) == last => {
                eprintln!(
                    "warning: {}:{}: the last line is cut short; left out",
                    path.display(),
                    number + 1
                );
            }
            Err(e) => return Err(format!("{}:{}: {e}", path.display(), number + 1)),
        }
    }
    if exchanges.is_empty() {
        return Err(format!("{}: no exchange recorded", path.display()));
    }
    Ok(exchanges)
}
