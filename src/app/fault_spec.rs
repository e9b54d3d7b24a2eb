//! A fault rule as a client asks for it (`POST /__admin/faults`), checked
//! before it is stored, and the calls it applies to.

use crate::api::methods;
use crate::core::error::ApiError;
use serde::{Deserialize, Serialize};

/// Longest latency a fault may add: long enough for any client timeout test.
pub const MAX_LATENCY_MS: u64 = 300_000;

/// A fixed latency, or one drawn evenly from a range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Latency {
    Fixed(u64),
    Range { min: u64, max: u64 },
}

/// A fault as a client asks for it (`POST /__admin/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSpec {
    /// A CRM.COM method (`access_tokens/show`); absent or `*` for every one.
    pub method: Option<String>,
    /// Only calls of this organisation; absent for all.
    pub organisation: Option<String>,
    pub latency_ms: Option<Latency>,
    /// Answer this `status.code` instead of the real reply.
    pub error_code: Option<String>,
    /// `status.message` to go with `error_code`.
    pub message: Option<String>,
    /// Answer with this HTTP status (500–599) and the error envelope.
    pub http_status: Option<u16>,
    /// Close the connection without a reply.
    pub drop_connection: bool,
    /// Make the method's handler panic, to see the emulator recover: the
    /// reply is the HTTP 500 envelope and the server keeps serving.
    pub panic: bool,
    /// Chance that a matching call is hit, 0 to 1 (default 1).
    pub probability: Option<f64>,
    /// Hit only this many calls; absent for every matching call.
    pub count: Option<u64>,
}

impl FaultSpec {
    /// Refuses a rule that could not act as asked, naming the field.
    pub fn check(&self) -> Result<(), ApiError> {
        let bad = |field: &str, reason: &str| Err(ApiError::admin(format!("{field}: {reason}")));
        if let Some(method) = self.method.as_deref() {
            if method != "*" && methods::find(method).is_none() {
                return bad("method", "not an emulated CRM.COM method (or \"*\")");
            }
        }
        match self.latency_ms {
            Some(Latency::Fixed(ms)) if ms > MAX_LATENCY_MS => {
                return bad("latency_ms", "at most 300000");
            }
            Some(Latency::Range { min, max }) if min > max || max > MAX_LATENCY_MS => {
                return bad("latency_ms", "min <= max <= 300000 expected");
            }
            _ => {}
        }
        if let Some(code) = self.error_code.as_deref() {
            let printable = code.chars().all(|c| c.is_ascii_graphic());
            if code.is_empty() || code.len() > 200 || !printable || code == "OK" {
                return bad("error_code", "1 to 200 printable characters, not OK");
            }
        }
        if self.message.as_ref().is_some_and(|m| m.len() > 1000) {
            return bad("message", "at most 1000 characters");
        }
        if self.http_status.is_some_and(|s| !(500..=599).contains(&s)) {
            return bad("http_status", "500 to 599 expected");
        }
        if self.drop_connection && (self.error_code.is_some() || self.http_status.is_some()) {
            return bad("drop_connection", "cannot be combined with a reply");
        }
        if self.panic
            && (self.drop_connection || self.error_code.is_some() || self.http_status.is_some())
        {
            return bad(
                "panic",
                "cannot be combined with a reply or a dropped connection",
            );
        }
        if self
            .probability
            .is_some_and(|p| !(0.0..=1.0).contains(&p) || p.is_nan())
        {
            return bad("probability", "0 to 1 expected");
        }
        let acts = self.latency_ms.is_some()
            || self.error_code.is_some()
            || self.http_status.is_some()
            || self.drop_connection
            || self.panic;
        if !acts {
            return bad(
                "fault",
                "name at least one of latency_ms, error_code, http_status, drop_connection, panic",
            );
        }
        Ok(())
    }

    pub(crate) fn applies_to(&self, method: &str, organisation: Option<&str>) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m == "*" || m == method);
        let org_ok = self.organisation.as_deref().is_none_or(|want| {
            organisation.is_some_and(|o| o.trim().eq_ignore_ascii_case(want.trim()))
        });
        method_ok && org_ok
    }
}
