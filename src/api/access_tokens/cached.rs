//! Each token's reply object, checked against its schema and serialised once,
//! then kept in the token's slot until the token changes. Reads (show, list,
//! get_not_associated) answer from these bytes, so a reply costs neither a
//! `Value`, nor a schema check, nor serialisation.

use super::reply::render_reply;
use crate::api::call::Context;
use crate::api::envelope::Framed;
use crate::core::error::ApiResult;
use crate::domain::access_token::cached::Filled;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::Reference;

/// The token's reply object as checked JSON bytes in a success envelope:
/// kept ones, or made now (and kept while the budget allows).
pub fn reply_bytes(
    cx: &Context,
    reference: &Reference,
    filled: &Filled,
    token: &AccessToken,
) -> ApiResult<Framed> {
    if let Some(bytes) = token.cached.get() {
        return Ok(Framed::kept(bytes.clone()));
    }
    let framed = render_reply(cx, reference, token)?;
    token.cached.keep(filled, framed.whole().clone());
    Ok(framed)
}

/// A JSON array of reply objects, in a success envelope, written into
/// one allocation of its exact size (growing it copied a list's replies
/// twice).
pub fn array(items: impl IntoIterator<Item = ApiResult<Framed>>) -> ApiResult<Framed> {
    let items = items
        .into_iter()
        .map(|item| item.map(|framed| framed.data()))
        .collect::<ApiResult<Vec<_>>>()?;
    let size = items.iter().map(|data| data.len() + 1).sum::<usize>() + 2;
    Framed::write(size, |out| {
        out.push(b'[');
        for (i, data) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(data);
        }
        out.push(b']');
        Ok(())
    })
}
