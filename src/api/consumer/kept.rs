//! Kept replies of the consumer read methods: an entity's reply is made,
//! checked against its schema and serialised once, then answered as bytes,
//! as an access token's is (`api::access_tokens::cached`). Reference data
//! never changes, so a reply keyed by its method, the entity's position
//! and (for a wallet) its balance stays right; the key holds the balance
//! because the tenant's own balances change. This is what holds
//! `accounts_receivable/show` at ≥ 0.8× the bare actix ceiling: made per
//! call (render, schema check, serialise) it measured 0.45× (BENCHMARKS.md).

use crate::api::call::{Context, Reply};
use crate::api::envelope::Framed;
use crate::api::schemas::ReplySchema;
use crate::core::error::{ApiError, ApiResult};
use crate::domain::reference::Reference;
use parking_lot::RwLock;
use serde_json::Value;
use std::collections::HashMap;

/// Which reply: the method's path, the entity's position in the
/// reference, and a version (a wallet's balance bits; else 0).
pub type Key = (&'static str, usize, u64);

/// At most this many kept replies per reference (a reference of 10,000
/// accounts keeps every account's and wallet's reply).
const BUDGET: usize = 65_536;

#[derive(Debug, Default)]
struct KeptReplies(RwLock<HashMap<Key, Framed>>);

/// The kept reply of `key`, or `render`'s, checked against `schema` and
/// kept. A reply that breaks its schema is not kept: it goes to the
/// dispatcher as data, which reports the violation on every call.
pub fn reply(
    cx: &Context,
    reference: &Reference,
    schema: ReplySchema,
    key: Key,
    render: impl FnOnce() -> Value,
) -> ApiResult<Reply> {
    let kept = reference
        .replies
        .get_or_put(KeptReplies::default())
        .ok_or_else(|| {
            ApiError::Internal("the reference's reply slot holds another type".into())
        })?;
    if let Some(framed) = kept.0.read().get(&key) {
        return Ok(Reply::Checked(framed.clone()));
    }
    let data = render();
    if cx.schemas.check_data(schema, &data).is_err() {
        return Ok(Reply::Data(data));
    }
    let framed = Framed::write(2048, |out| serde_json::to_writer(out, &data))
        .map_err(|_| ApiError::Internal("reply could not be serialised".into()))?;
    let mut map = kept.0.write();
    if map.len() < BUDGET {
        map.insert(key, framed.clone());
    }
    Ok(Reply::Checked(framed))
}
