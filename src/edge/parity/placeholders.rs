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
    /// Numbers already used by an earlier run appending to the same file.
    used_before: usize,
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
    /// Placeholders numbered after those of `existing` (a recording being
    /// appended to), so one number never stands for two secrets in a file.
    pub fn after(existing: &str) -> Placeholders {
        let used_before = existing
            .match_indices(PREFIX)
            .filter_map(|(at, _)| {
                let rest = &existing[at + PREFIX.len()..];
                let end = rest.find(">>")?;
                rest[..end].rsplit(':').next()?.parse::<usize>().ok()
            })
            .max()
            .unwrap_or(0);
        Placeholders {
            by_value: HashMap::new(),
            used_before,
        }
    }

    /// The placeholder of `value`, a secret of kind `kind` (the name it
    /// came under, lower-cased): `<<secret:password:1>>`.
    pub fn of(&mut self, kind: &str, value: &str) -> String {
        if is_placeholder(value) {
            return value.to_string();
        }
        let next = self.used_before + self.by_value.len() + 1;
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
                // A name/value pair (`{"key": "password", "value": …}`).
                let named_secret = ["key", "name"]
                    .iter()
                    .filter_map(|k| map.get(*k).and_then(Value::as_str))
                    .find(|name| is_secret(name))
                    .map(str::to_string);
                for (key, v) in map.iter_mut() {
                    if is_secret(key) {
                        self.scrub_secret(key, v);
                    } else if let (Some(kind), "value") = (&named_secret, key.as_str()) {
                        self.scrub_secret(kind, v);
                    } else {
                        self.scrub_json(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::String(text) if text.contains("eyJ") => *text = self.scrub_text(text),
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

    /// Free text with every JWT in it replaced (an error description
    /// that quotes the token).
    fn scrub_text(&mut self, text: &str) -> String {
        if is_jwt(text) {
            return self.of("token", text);
        }
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                word.push(c);
                continue;
            }
            let trimmed = word.trim_end_matches('.');
            if is_jwt(trimmed) {
                let tail = word[trimmed.len()..].to_string();
                out.push_str(&self.of("token", trimmed));
                out.push_str(&tail);
            } else {
                out.push_str(&word);
            }
            word.clear();
            out.push(c);
        }
        out.pop();
        out
    }

    /// One `name=value` piece of a query or path: after the first secret
    /// name in CRM.COM's nested form
    /// (`access_token_identifier=pass_code=…`), everything is the secret,
    /// `=`, `%3D` and `;` included; a JWT is one wherever it is.
    fn scrub_piece(&mut self, piece: &str) -> String {
        let decoded = percent_encoding::percent_decode_str(piece).decode_utf8_lossy();
        let mut offset = 0;
        while let Some(at) = decoded[offset..].find('=') {
            let name = &decoded[offset..offset + at];
            if is_secret(name) {
                let value = &decoded[offset + at + 1..];
                return format!("{}{}", &decoded[..offset + at + 1], self.of(name, value));
            }
            offset += at + 1;
        }
        let value = &decoded[offset..];
        if is_jwt(value) {
            return format!("{}{}", &decoded[..offset], self.of("token", value));
        }
        piece.to_string()
    }

    /// A query string with the value of every secret name replaced, also
    /// inside CRM.COM's nested identifiers, and every JWT.
    pub fn scrub_query(&mut self, query: &str) -> String {
        query
            .split('&')
            .map(|piece| self.scrub_piece(piece))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// A path with its secret pieces replaced: a client that joins its
    /// query with `&` or `;` sends `…/list&token=…`, and a JWT may be a
    /// segment.
    pub fn scrub_path(&mut self, path: &str) -> String {
        let mut out = String::with_capacity(path.len());
        let mut piece = String::new();
        for c in path.chars() {
            if matches!(c, '/' | ';' | '&' | ',') {
                out.push_str(&self.scrub_piece(&piece));
                piece.clear();
                out.push(c);
            } else {
                piece.push(c);
            }
        }
        out.push_str(&self.scrub_piece(&piece));
        out
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
        // A value with `=` (base64 padding, `%3D`) or `;` is a secret whole.
        let padded = p.scrub_query("token=dGhlLXJlYWw%3D&accounts_receivable_identifier=access_token_identifier=one_time_password=99%3D7;x=1");
        assert!(
            !padded.contains("dGhl") && !padded.contains("99=7") && !padded.contains("x=1"),
            "{padded}"
        );
        assert_eq!(
            p.scrub_path("/crmapi/rest/v2/list&token=SECRETC;password=SECRETD"),
            "/crmapi/rest/v2/list&token=<<secret:token:7>>;password=<<secret:password:8>>"
        );
        let mut text = json!({"status": {"description": format!("Token {jwt}. is expired")},
                              "udf": [{"key": "password", "value": "KVSECRET"}], "pwd": "P1"});
        p.scrub_json(&mut text);
        assert!(
            !text.to_string().contains("eyJ")
                && !text.to_string().contains("KVSECRET")
                && !text.to_string().contains("P1"),
            "{text}"
        );
        // Appending to a file numbers on.
        assert_eq!(
            Placeholders::after("x <<secret:token:41>> y").of("token", "new"),
            "<<secret:token:42>>"
        );
    }
}
