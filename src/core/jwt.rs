//! CRM.COM login tokens: HS256 JWTs whose claims look like the real ones
//! (`usr`, `org`, `oun`, `jti`, and `exp`/`iat` as strings of epoch seconds).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The claims CRM.COM puts in a login token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub usr: String,
    pub org: String,
    pub oun: String,
    /// Accounts receivable id, only on consumer-application logins.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ari: Option<String>,
    /// Contact information id of the consumer, on consumer-application logins.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cii: Option<String>,
    pub exp: String,
    pub iat: String,
    pub jti: String,
}

const HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// Signs `claims` with `key`.
pub fn encode(claims: &Claims, key: &[u8]) -> String {
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let mut token = String::with_capacity(256);
    token.push_str(&URL_SAFE_NO_PAD.encode(HEADER));
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(payload));
    let mut mac = mac(key);
    mac.update(token.as_bytes());
    let signature = mac.finalize().into_bytes();
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

/// Checks the signature (in constant time) and returns the claims, or `None`
/// for anything that is not a token this process signed.
pub fn decode(token: &str, key: &[u8]) -> Option<Claims> {
    let (signed, signature) = token.rsplit_once('.')?;
    let (header, payload) = signed.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = mac(key);
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature).ok()?;
    let header = URL_SAFE_NO_PAD.decode(header).ok()?;
    if header != HEADER.as_bytes() {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            usr: "MPAdministrator".into(),
            org: "demo".into(),
            oun: "1".into(),
            ari: None,
            cii: None,
            exp: "1495720582".into(),
            iat: "1495713382".into(),
            jti: "C972949E8FF14E229F58291ABE3C2663".into(),
        }
    }

    #[test]
    fn a_signed_token_decodes_to_its_claims() {
        let token = encode(&claims(), b"secret");
        assert!(token.len() > 32);
        assert_eq!(decode(&token, b"secret"), Some(claims()));
    }

    #[test]
    fn a_tampered_or_foreign_token_is_refused() {
        let token = encode(&claims(), b"secret");
        assert_eq!(decode(&token, b"other"), None);
        let mut forged = claims();
        forged.org = "victim".into();
        let forged_payload =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap_or_default());
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(decode(&tampered, b"secret"), None);
        assert_eq!(decode("641070EA9DF042E48CDA1B6414ACABC5", b"secret"), None);
    }
}
