//! Request parameters, whether they came as a POST JSON body or a GET query,
//! as one JSON object; and the typed readers every handler uses, so that every
//! method answers a bad parameter the same way.

use crate::core::error::{ApiError, ApiResult};
use percent_encoding::percent_decode;
use serde_json::{Map, Value};

/// The parameters of one request.
#[derive(Clone, Default)]
pub struct Params {
    map: Map<String, Value>,
}

/// Names only: values can be login tokens, pass codes or verification codes.
impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.map.keys()).finish()
    }
}

/// Content types accepted for a POST body. CRM.COM clients are sloppy here
/// (one sends `applicatio/json`), so anything mentioning json passes.
fn is_json_content_type(content_type: Option<&str>) -> bool {
    match content_type {
        None => true,
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("json") || ct.trim().is_empty()
        }
    }
}

impl Params {
    /// Parses a POST body. An empty body is an empty object only when
    /// `empty_ok` (the web API key login takes its key from a header).
    pub fn from_body(body: &[u8], content_type: Option<&str>, empty_ok: bool) -> ApiResult<Params> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return if empty_ok {
                Ok(Params::default())
            } else {
                Err(ApiError::InvalidRequest(
                    "the request body is empty; a JSON object is expected".into(),
                ))
            };
        }
        if !is_json_content_type(content_type) {
            return Err(ApiError::InvalidRequest(
                "the Content-Type must be application/json".into(),
            ));
        }
        // A byte-order mark before the JSON, as Java and .NET parsers allow.
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        let text = std::str::from_utf8(body)
            .map_err(|_| ApiError::InvalidRequest("the request body is not UTF-8".into()))?;
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ApiError::InvalidRequest(format!(
                "the request body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        match value {
            Value::Object(map) => Ok(Params { map }),
            _ => Err(ApiError::InvalidRequest(
                "the request body must be a JSON object".into(),
            )),
        }
    }

    /// Parses a GET query. `x_identifier=field=value` becomes the object
    /// `{"field": "value"}`; the inner `=` may be raw or percent-encoded.
    pub fn from_query(query: &str) -> ApiResult<Params> {
        let mut map = Map::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(raw_key)?;
            let value = decode(raw_value)?;
            // An identifier without `=` stays a string: the method reports it
            // when it reads the parameter, after checking the token.
            let value = match value.split_once('=') {
                Some((field, v)) if key.ends_with("_identifier") => {
                    let mut object = Map::new();
                    object.insert(field.to_string(), Value::String(v.to_string()));
                    Value::Object(object)
                }
                _ => Value::String(value),
            };
            if map.insert(key.clone(), value).is_some() {
                return Err(ApiError::invalid(
                    key,
                    "the parameter is given more than once",
                ));
            }
        }
        Ok(Params { map })
    }

    /// A parameter, `None` when absent or null.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// Whether the parameter is present at all, even as null.
    pub fn is_present(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Drops the parameter at `path`: `a.b` is key `b` inside object `a`, a
    /// trailing `*` drops every key of that prefix (what an older release
    /// does not know, it ignores).
    pub fn remove_path(&mut self, path: &str) {
        let mut map = &mut self.map;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                match part.strip_suffix('*') {
                    Some(prefix) => map.retain(|key, _| !key.starts_with(prefix)),
                    None => {
                        map.remove(part);
                    }
                }
                return;
            }
            match map.get_mut(part) {
                Some(Value::Object(inner)) => map = inner,
                _ => return,
            }
        }
    }

    /// The raw object (for rendering a journal or passing on).
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// An optional string parameter.
    pub fn opt_str(&self, name: &str) -> ApiResult<Option<&str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::invalid(name, "a string is expected")),
        }
    }

    /// A mandatory string parameter (absent, null or empty is missing).
    pub fn req_str(&self, name: &str) -> ApiResult<&str> {
        match self.opt_str(name)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::MandatoryParameter(name.to_string())),
        }
    }

    /// An optional whole number ≥ 0, as a JSON number or a numeric string
    /// (GET parameters are always strings).
    pub fn opt_count(&self, name: &str) -> ApiResult<Option<u64>> {
        let invalid = || ApiError::invalid(name, "a whole number of 0 or more is expected");
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(invalid),
            Some(Value::String(s)) => s.trim().parse::<u64>().map(Some).map_err(|_| invalid()),
            Some(_) => Err(invalid()),
        }
    }

    /// Which of a group of semi-optional parameters was given: exactly one
    /// must be.
    pub fn exactly_one(&self, group: &'static [&'static str]) -> ApiResult<&'static str> {
        let given: Vec<&'static str> = group
            .iter()
            .copied()
            .filter(|p| self.get(p).is_some())
            .collect();
        match given.as_slice() {
            [one] => Ok(one),
            [] => Err(ApiError::AtLeastOneSemiOptional(group.to_vec())),
            _ => Err(ApiError::OnlyOneSemiOptional(group.to_vec())),
        }
    }

    /// An optional boolean: `true`/`false`, or their text (GET parameters
    /// are always strings).
    pub fn opt_bool(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::invalid(name, "true or false is expected")),
        }
    }

    /// An optional identifier object (`{"number": "ACR000418"}`).
    pub fn opt_object(&self, name: &str) -> ApiResult<Option<&Map<String, Value>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(ApiError::invalid(
                name,
                "an identifier object is expected (in a GET query: field=value)",
            )),
        }
    }

    /// The `fields_set` parameter: top-level names, comma separated.
    pub fn fields_set(&self) -> ApiResult<Option<Vec<String>>> {
        let names: Vec<String> = match self.get("fields_set") {
            None => return Ok(None),
            Some(Value::String(s)) => s.split(',').map(|n| n.trim().to_string()).collect(),
            Some(_) => {
                return Err(ApiError::invalid(
                    "fields_set",
                    "a comma separated string of field names is expected",
                ))
            }
        };
        let names: Vec<String> = names.into_iter().filter(|n| !n.is_empty()).collect();
        Ok((!names.is_empty()).then_some(names))
    }
}

/// Percent-decodes a query component (`+` is a space, as in HTML forms).
fn decode(raw: &str) -> ApiResult<String> {
    let bytes = raw.as_bytes();
    // Most components (a login token among them) need no decoding: one copy.
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Ok(raw.to_string());
    }
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%' {
            let valid = bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !valid {
                return Err(ApiError::InvalidRequest(
                    "the query string has a malformed percent-encoding".into(),
                ));
            }
        }
    }
    let spaced = raw.replace('+', " ");
    percent_decode(spaced.as_bytes())
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ApiError::InvalidRequest("the query string is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_remove_plain_nested_and_prefixed_parameters() {
        let body = json!({
            "token": "t", "udf_string_1": "a", "udf_float_2": 1, "udfx": 1,
            "accounts_receivable_identifier": {"access_token_identifier":
                {"authentication_code": "c", "one_time_password": "1"}},
            "offset": 3
        });
        let mut p = Params::from_body(body.to_string().as_bytes(), None, false).expect("parse");
        p.remove_path("offset");
        p.remove_path("udf_*");
        p.remove_path("accounts_receivable_identifier.access_token_identifier.one_time_password");
        p.remove_path("no.such.path");
        assert_eq!(
            Value::Object(p.as_map().clone()),
            json!({
                "token": "t", "udfx": 1,
                "accounts_receivable_identifier": {"access_token_identifier":
                    {"authentication_code": "c"}}
            })
        );
    }

    #[test]
    fn query_components_decode_plus_and_percent_and_keep_plain_text() {
        let p = Params::from_query("a=b+c&d=e%2Bf&g=plain_9-x.y~").expect("parse");
        assert_eq!(p.opt_str("a"), Ok(Some("b c")));
        assert_eq!(p.opt_str("d"), Ok(Some("e+f")));
        assert_eq!(p.opt_str("g"), Ok(Some("plain_9-x.y~")));
    }

    #[test]
    fn identifiers_in_a_query_become_objects_raw_or_encoded() {
        for q in [
            "token=t&accounts_receivable_identifier=number=ACR000418",
            "token=t&accounts_receivable_identifier=number%3DACR000418",
        ] {
            let p = Params::from_query(q).expect("parse");
            assert_eq!(
                p.get("accounts_receivable_identifier"),
                Some(&json!({"number": "ACR000418"}))
            );
            assert_eq!(p.opt_str("token"), Ok(Some("t")));
        }
    }

    #[test]
    fn bad_queries_are_refused() {
        assert!(matches!(
            Params::from_query("a=%zz"),
            Err(ApiError::InvalidRequest(_))
        ));
        assert!(matches!(
            Params::from_query("a=%ff"),
            Err(ApiError::InvalidRequest(_))
        ));
        assert!(matches!(
            Params::from_query("a=1&a=2"),
            Err(ApiError::InvalidParameterValue { .. })
        ));
        let p = Params::from_query("accounts_receivable_identifier=ACR1").expect("parse");
        assert!(matches!(
            p.opt_object("accounts_receivable_identifier"),
            Err(ApiError::InvalidParameterValue { .. })
        ));
    }

    #[test]
    fn bodies_must_be_json_objects() {
        assert!(Params::from_body(b"{\"token\":\"x\"}", Some("application/json"), false).is_ok());
        assert!(Params::from_body(b"{\"token\":\"x\"}", Some("applicatio/json"), false).is_ok());
        for bad in [&b"[1]"[..], b"\"x\"", b"{", b"{} x", b"\xff"] {
            assert!(matches!(
                Params::from_body(bad, None, false),
                Err(ApiError::InvalidRequest(_))
            ));
        }
        assert!(matches!(
            Params::from_body(b"{}", Some("text/xml"), false),
            Err(ApiError::InvalidRequest(_))
        ));
        assert!(Params::from_body(b"", None, true).is_ok());
        assert!(Params::from_body(b"", None, false).is_err());
    }

    #[test]
    fn debug_output_names_parameters_without_their_values() {
        let body = br#"{"token":"eyJ.secret","access_token_identifier":{"identifier":"x","pass_code":"p4ss"}}"#;
        let p = Params::from_body(body, None, false).expect("parse");
        let shown = format!("{p:?}");
        assert!(shown.contains("token") && shown.contains("access_token_identifier"));
        assert!(
            !shown.contains("eyJ.secret") && !shown.contains("p4ss"),
            "{shown}"
        );
    }

    #[test]
    fn counts_and_fields_set_are_typed() {
        let p = Params::from_query("n=5&m=-1&fields_set=id,%20number,,").expect("parse");
        assert_eq!(p.opt_count("n"), Ok(Some(5)));
        assert!(p.opt_count("m").is_err());
        assert_eq!(
            p.fields_set(),
            Ok(Some(vec!["id".to_string(), "number".to_string()]))
        );
    }
}
