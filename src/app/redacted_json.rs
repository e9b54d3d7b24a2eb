//! JSON copied with its secrets redacted in one pass, without building a
//! tree: the journal redacts every request as it records it, and a tree of
//! a 16 KiB body of small values costs some twenty times its size (a
//! journal read of such bodies once took half a gigabyte). serde_json's
//! own parser drives it; this file only decides what is written.

use crate::app::redaction::{is_secret, names_a_secret, REDACTED};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// `json` with the value of every secret key (at any depth, whatever its
/// case or separators) and every string naming a secret before an `=`
/// replaced by `"<redacted>"`; compact. `None` when `json` is not one
/// JSON value (a UTF-8 byte-order mark before it is allowed).
pub fn redacted_json(json: &[u8]) -> Option<Vec<u8>> {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    let mut out = Vec::with_capacity(json.len());
    let mut de = serde_json::Deserializer::from_slice(json);
    Copy { out: &mut out }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    // The journal keeps this buffer and counts its length: room left over
    // (a long secret redacted away) would be memory it does not count.
    if out.capacity() - out.len() > 1024 {
        out.shrink_to_fit();
    }
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

/// Writes the value it reads into `out`.
struct Copy<'o> {
    out: &'o mut Vec<u8>,
}

fn write_string(out: &mut Vec<u8>, text: &str) {
    // Writing a string to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

impl<'de> DeserializeSeed<'de> for Copy<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Copy<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        let _ = serde_json::to_writer(&mut *self.out, &v);
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        let _ = serde_json::to_writer(&mut *self.out, &v);
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        let _ = serde_json::to_writer(&mut *self.out, &v);
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        write_string(self.out, if names_a_secret(v) { REDACTED } else { v });
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.out.push(b'[');
        let mut first = true;
        loop {
            let before = self.out.len();
            if !first {
                self.out.push(b',');
            }
            if seq.next_element_seed(Copy { out: self.out })?.is_none() {
                self.out.truncate(before);
                break;
            }
            first = false;
        }
        self.out.push(b']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.out.push(b'{');
        let mut first = true;
        loop {
            let before = self.out.len();
            if !first {
                self.out.push(b',');
            }
            let Some(secret) = map.next_key_seed(Key { out: self.out })? else {
                self.out.truncate(before);
                break;
            };
            self.out.push(b':');
            if secret {
                map.next_value_seed(Hidden { out: self.out })?;
            } else {
                map.next_value_seed(Copy { out: self.out })?;
            }
            first = false;
        }
        self.out.push(b'}');
        Ok(())
    }
}

/// Writes a key; answers whether it names a secret.
struct Key<'o> {
    out: &'o mut Vec<u8>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Key<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        write_string(self.out, v);
        Ok(is_secret(v))
    }
}

/// A secret's value: `null` stays `null` (nothing is hidden), anything
/// else is read past and written as `"<redacted>"`.
struct Hidden<'o> {
    out: &'o mut Vec<u8>,
}

impl Hidden<'_> {
    fn hide<E>(self) -> Result<(), E> {
        write_string(self.out, REDACTED);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Hidden<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Hidden<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.hide()
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.hide()
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.hide()
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.hide()
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.hide()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.hide()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.hide()
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
