//! One admin call as its handler sees it: the path's values, the query and
//! the body.

use crate::core::error::{ApiError, ApiResult};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One admin call: the path's `{…}` values in order, the query and the body.
pub struct AdminCall<'a> {
    pub args: Vec<String>,
    pub query: &'a str,
    pub body: &'a [u8],
}

impl AdminCall<'_> {
    /// The body as `T`; an empty body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self) -> ApiResult<T> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            self.body
        };
        serde_json::from_slice(body).map_err(|e| ApiError::admin(format!("body: {e}")))
    }

    /// The query as name → value (later duplicates win).
    pub fn query(&self) -> ApiResult<serde_json::Map<String, Value>> {
        crate::api::params::Params::from_query(self.query).map(|p| p.as_map().clone())
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
