//! JSON with its secrets redacted, as the journal keeps it: a request's
//! parsed parameters serialised with their secrets replaced (one pass, no
//! copy of the tree), and bytes that were not parsed yet (a body a method
//! refused, a reply that holds a secret) parsed once, then the same.

use crate::app::redaction::{is_secret, names_a_secret, REDACTED};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

/// `json` with the value of every secret key (at any depth, whatever its
/// case or separators) and every string naming a secret before an `=`
/// replaced by `"<redacted>"`; compact. `None` when `json` is not one
/// JSON value (a UTF-8 byte-order mark before it is allowed). The parsed
/// tree lives only while this runs: the journal keeps the text.
pub fn redacted_json(json: &[u8]) -> Option<Vec<u8>> {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    let value: Value = serde_json::from_slice(json).ok()?;
    let mut out = serde_json::to_vec(&Redacting(&value)).ok()?;
    // The journal keeps this buffer and counts its length: no room left
    // over that it would not count.
    out.shrink_to_fit();
    Some(out)
}

/// An already parsed object (a request's parameters) as redacted JSON, by
/// the rules of `redacted_json`: one serialisation, no second parse.
pub fn redacted_object_json(object: &Map<String, Value>) -> Vec<u8> {
    serde_json::to_vec(&RedactingObject(object)).unwrap_or_default()
}

/// Serialises the object it holds with its secrets redacted.
struct RedactingObject<'a>(&'a Map<String, Value>);

impl Serialize for RedactingObject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            if is_secret(key) && !value.is_null() {
                out.serialize_entry(key, REDACTED)?;
            } else {
                out.serialize_entry(key, &Redacting(value))?;
            }
        }
        out.end()
    }
}

/// Serialises the value it holds with its secrets redacted.
struct Redacting<'a>(&'a Value);

impl Serialize for Redacting<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => RedactingObject(map).serialize(s),
            Value::Array(items) => {
                let mut out = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Redacting(item))?;
                }
                out.end()
            }
            Value::String(text) if names_a_secret(text) => s.serialize_str(REDACTED),
            other => other.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn redacted(value: &Value) -> Value {
        let bytes = redacted_json(value.to_string().as_bytes()).expect("JSON");
        serde_json::from_slice(&bytes).expect("JSON out")
    }

    #[test]
    fn secrets_are_redacted_at_any_depth_and_everything_else_is_kept() {
        let value = json!({
            "Token": "T1", "number": 3, "ok": true, "none": null, "f": 1.5, "neg": -2,
            "access_token_identifier": {"identifier": "i", "PASS-CODE": {"deep": [1, 2]}},
            "list": [{"password": "p"}, "one_time_password=036246", "a=b", []],
            "verification_code": null, "escaped": "a\"b\\c\n"
        });
        let out = redacted(&value);
        assert_eq!(
            out,
            json!({
                "Token": "<redacted>", "number": 3, "ok": true, "none": null, "f": 1.5, "neg": -2,
                "access_token_identifier": {"identifier": "i", "PASS-CODE": "<redacted>"},
                "list": [{"password": "<redacted>"}, "<redacted>", "a=b", []],
                "verification_code": null, "escaped": "a\"b\\c\n"
            })
        );
    }

    #[test]
    fn a_parsed_value_is_redacted_as_its_text_would_be() {
        let value = json!({"Token": "T1", "id": {"pass_code": "p", "number": "1"},
            "q": "one_time_password=036246", "n": null, "password": null});
        let text = redacted_json(value.to_string().as_bytes()).expect("JSON");
        assert_eq!(
            redacted_object_json(value.as_object().expect("object")),
            text
        );
    }

    #[test]
    fn not_one_json_value_is_none_and_a_byte_order_mark_is_allowed() {
        assert_eq!(redacted_json(b"{\"a\":1} x"), None);
        assert_eq!(redacted_json(b"{\"a\":"), None);
        assert_eq!(
            redacted_json(b"\xEF\xBB\xBF[0, 0]"),
            Some(b"[0,0]".to_vec())
        );
    }
}
