//! The CRM.COM access-token entity: its data, indexes, rendering and methods.

pub mod entity;
pub mod read;
pub mod render;
pub mod store;

use crate::error::{ApiError, ApiResult, Entity};
use crate::identifiers::AccessTokenKey;
use entity::AccessToken;
use store::AccessTokenStore;

/// Finds the token a client names. An identifier given with a pass code must
/// match it; a mismatch answers "not found", as CRM.COM does, so that a
/// client cannot tell a wrong pass code from a wrong identifier.
pub fn find<'a>(store: &'a AccessTokenStore, key: &AccessTokenKey) -> ApiResult<&'a AccessToken> {
    let not_found = ApiError::NotFound(Entity::AccessToken);
    match key {
        AccessTokenKey::AuthenticationCode(code) => {
            store.by_authentication_code(code).ok_or(not_found)
        }
        AccessTokenKey::Identifier {
            identifier,
            pass_code,
        } => {
            let token = store.by_identifier(identifier).ok_or(not_found.clone())?;
            match pass_code {
                None => Ok(token),
                Some(pass_code) => match &token.pass_code_hash {
                    Some(hash) if hash.matches(pass_code) => Ok(token),
                    _ => Err(not_found),
                },
            }
        }
    }
}
