//! The request schema of each method. `schemas/requests.json` states each
//! method's own parameters; what every method of a kind takes (the login
//! `token`, `fields_set`) and the summary come from its declaration.

use crate::api::call::Handler;
use crate::api::methods::Method;
use crate::api::schemas::SHARED;
use serde_json::{json, Value};
use std::sync::LazyLock;

/// `schemas/requests.json`, parsed (`Null` if it were not JSON, which the
/// schema compilation at start refuses first).
pub fn file() -> &'static Value {
    static FILE: LazyLock<Value> = LazyLock::new(|| {
        SHARED
            .iter()
            .find(|(f, _)| *f == "requests.json")
            .and_then(|(_, text)| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null)
    });
    &FILE
}

/// The whole request schema of `method`, its `$ref`s pointing into
/// `requests.json`'s `$defs`.
pub fn request_schema(method: &Method) -> Value {
    let mut schema = file()["methods"][method.path].clone();
    if !schema.is_object() {
        schema = json!({"type": "object", "properties": {}});
    }
    schema["title"] = json!(method.summary);
    if matches!(method.handler, Handler::Session(_)) {
        schema["properties"]["token"] = json!({"$ref": "#/$defs/token"});
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        let mut with_token = vec![json!("token")];
        with_token.extend(required.into_iter().filter(|r| r != "token"));
        schema["required"] = Value::Array(with_token);
    }
    if method.fields_set {
        schema["properties"]["fields_set"] = json!({"$ref": "#/$defs/fields_set"});
    }
    schema
}
