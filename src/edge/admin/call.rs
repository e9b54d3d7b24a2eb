//! One admin call as its handler sees it: its typed path values (actix's
//! own path extraction), the query and the body.

use crate::core::error::{ApiError, ApiResult};
use actix_web::HttpRequest;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// One admin call.
pub struct AdminCall<'a> {
    pub req: &'a HttpRequest,
    pub body: &'a [u8],
}

/// The `{organisation}` of a tenant's routes.
#[derive(Deserialize)]
pub struct TenantPath {
    pub organisation: String,
}

/// The `{organisation}` and `{name}` of a snapshot's routes.
#[derive(Deserialize)]
pub struct SnapshotPath {
    pub organisation: String,
    pub name: String,
}

/// The `{id}` of a fault rule's route.
#[derive(Deserialize)]
pub struct FaultPath {
    pub id: u64,
}

impl AdminCall<'_> {
    /// The path's values as `T`, percent-decoded (actix's `web::Path`
    /// deserializer); a value of the wrong type answers HTTP 400.
    pub fn path<T: DeserializeOwned>(&self) -> ApiResult<T> {
        self.req
            .match_info()
            .load::<T>()
            .map_err(|e| ApiError::admin(format!("path: {e}")))
    }

    /// The body as `T`; an empty body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self) -> ApiResult<T> {
        let body = self.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.body);
        let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            body
        };
        serde_json::from_slice(body).map_err(|e| ApiError::admin(format!("body: {e}")))
    }

    /// The query as name → value (later duplicates win).
    pub fn query(&self) -> ApiResult<serde_json::Map<String, Value>> {
        crate::api::params::Params::from_query(self.req.query_string()).map(|p| p.as_map().clone())
    }
}

/// A whole-number parameter of a `query`, when given.
pub fn query_number(query: &serde_json::Map<String, Value>, name: &str) -> ApiResult<Option<u64>> {
    query
        .get(name)
        .and_then(Value::as_str)
        .map(|text| {
            text.parse::<u64>()
                .map_err(|_| ApiError::admin(format!("{name}: a whole number is expected")))
        })
        .transpose()
}
