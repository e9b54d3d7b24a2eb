//! Secrets replaced by stable placeholders before a recording touches
//! disk: every value of a secret name (`app::redaction::is_secret`: login
//! tokens, passwords, pass codes, verification codes, one-time passwords,
//! keys, a communication's content), every JWT wherever it is, and the
//! `Authorization` header's credential. One value always gets the same
//! placeholder in one recording, so `compare` can follow a login token from
//! the reply that made it to the calls that use it.

use crate::app::redaction::is_secret;
use serde_json::Value;
use std::collections::HashMap;

/// The text every placeholder starts with.
pub const PREFIX: &str = "<<secret:";

/// The placeholders of one recording, by the secret they stand for.
#[derive(Debug, Default)]
pub struct Placeholders {
    by_value: HashMap<String, String>,
}

/// Whether `text` is a placeholder.
pub fn is_placeholder(text: &str) -> bool {
    text.starts_with(PREFIX) && text.ends_with(">>")
}

/// Whether `text` is a JWT (`eyJ…` with two dots), a login token whatever
/// name it travels under.
fn is_jwt(text: &str) -> bool {
    text.starts_with("eyJ") && text.matches('.').count() == 2 && !text.contains(' ')
}

impl Placeholders {
    /// The placeholder of `value`, a secret of kind `kind` (the name it
    /// came under, lower-cased): `<<secret:password:1>>`.
    pub fn of(&mut self, kind: &str, value: &str) -> String {
        if is_placeholder(value) {
            return value.to_string();
        }
        let next = self.by_value.len() + 1;
        self.by_value
            .entry(value.to_string())
            .or_insert_with(|| {
                let kind: String = kind
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .collect();
                format!("{PREFIX}{kind}:{next}>>")
            })
            .clone()
    }

    /// Replaces, in place, the value of every secret name (strings and
    /// numbers, at any depth) and every JWT.
    pub fn scrub_json(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if is_secret(key) {
                        self.scrub_secret(key, v);
                    } else {
                        self.scrub_json(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::String(text) if is_jwt(text) => *text = self.of("token", text),
            _ => {}
        }
    }

    /// Every string or number under a secret name, at any depth.
    fn scrub_secret(&mut self, kind: &str, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.of(kind, text),
            Value::Number(n) => *value = Value::String(self.of(kind, &n.to_string())),
            Value::Object(map) => map.values_mut().for_each(|v| self.scrub_secret(kind, v)),
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_secret(kind, v)),
            _ => {}
        }
    }

    /// A query string with the value of every secret name replaced, also
    /// inside CRM.COM's nested identifiers
    /// (`access_token_identifier=pass_code=1234`), and every JWT.
    pub fn scrub_query(&mut self, query: &str) -> String {
        query
            .split('&')
            .map(|pair| {
                let decoded = percent_encoding::percent_decode_str(pair).decode_utf8_lossy();
                let parts: Vec<&str> = decoded.split('=').collect();
                let Some((value, names)) = parts.split_last() else {
                    return pair.to_string();
                };
                match names.iter().rev().find(|n| is_secret(n)) {
                    Some(kind) => format!("{}={}", names.join("="), self.of(kind, value)),
                    None if is_jwt(value) => {
                        format!("{}={}", names.join("="), self.of("token", value))
                    }
                    None => pair.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The `Authorization` header with its credential replaced:
    /// `Basic <<secret:authorization:1>>`.
    pub fn scrub_authorization(&mut self, header: &str) -> String {
        match header.split_once(' ') {
            Some((scheme, credential)) => {
                format!("{scheme} {}", self.of("authorization", credential.trim()))
            }
            None => self.of("authorization", header),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_secret_keeps_one_placeholder_wherever_it_travels() {
        let mut p = Placeholders::default();
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJvcmciOiJ4In0.c2ln";
        let mut reply = json!({"data": {"token": jwt, "nested": [{"Pass-Code": 1234}],
                                        "note": jwt, "number": "ACT1"}});
        p.scrub_json(&mut reply);
        let token = reply["data"]["token"]
            .as_str()
            .expect("a placeholder")
            .to_string();
        assert!(is_placeholder(&token), "{reply}");
        assert_eq!(reply["data"]["note"], token.as_str());
        assert_eq!(
            reply["data"]["nested"][0]["Pass-Code"],
            "<<secret:pass_code:1>>"
        );
        assert_eq!(reply["data"]["number"], "ACT1");
        let query = p.scrub_query(&format!(
            "token={jwt}&access_token_identifier=pass_code=99&number=5"
        ));
        assert_eq!(
            query,
            format!(
                "token={token}&access_token_identifier=pass_code=<<secret:pass_code:3>>&number=5"
            )
        );
        assert_eq!(
            p.scrub_authorization("Basic QUJDOg=="),
            "Basic <<secret:authorization:4>>"
        );
        assert_eq!(
            p.scrub_authorization("Basic QUJDOg=="),
            "Basic <<secret:authorization:4>>"
        );
    }
}
