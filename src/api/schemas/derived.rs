//! Schemas made from the files rather than written: a token's own fields
//! (embedded objects left open), and each older release's era of the
//! access-token schemas (fields it does not have yet left out).

use super::files::{Embedded, ReplySchema, BASE, SHARED};
use crate::core::release::Release;
use serde_json::Value;

/// Removes the names `left_out` from the object schema's `required`.
fn drop_required(schema: &mut Value, left_out: impl Fn(&str) -> bool) {
    if let Some(required) = schema["required"].as_array_mut() {
        required.retain(|name| !name.as_str().is_some_and(&left_out));
    }
}

/// `access_token.json` with the embedded objects' properties accepting
/// anything and not required, nor the user-defined fields: the schema of
/// what `render::render_own` gives.
pub(super) const OWN_FIELDS: &str = "access_token_own_fields.json";

/// One of the shared schema files, parsed.
fn parsed_file(file: &str) -> Result<Value, String> {
    let text = SHARED
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| *text)
        .ok_or_else(|| format!("schemas: no {file}"))?;
    serde_json::from_str(text).map_err(|e| format!("schemas/{file}: {e}"))
}

pub(super) fn own_fields_schema() -> Result<Value, String> {
    let mut schema = parsed_file("access_token.json")?;
    schema["$id"] = Value::String(format!("{BASE}{OWN_FIELDS}"));
    for embedded in Embedded::ALL {
        let property = &mut schema["$defs"]["base"]["properties"][embedded.property()];
        if property.is_null() {
            return Err(format!(
                "schemas: access_token.json has no {}",
                embedded.property()
            ));
        }
        *property = Value::Bool(true);
    }
    // The log keeps its own rule, with its units and users left open and
    // its references made relative to common.json.
    let common = parsed_file("common.json")?;
    let mut log = common["$defs"]["log_information"].clone();
    let Some(properties) = log["properties"].as_object_mut() else {
        return Err("schemas: common.json has no log_information properties".into());
    };
    for (name, rule) in properties.iter_mut() {
        if Embedded::in_log(name).is_some() {
            *rule = Value::Bool(true);
        } else if let Some(local) = rule["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            rule["$ref"] = Value::String(format!("common.json#{local}"));
        }
    }
    // The renderer leaves out what it writes in afterwards (the embedded
    // objects) and user-defined fields while none is set (each accepts null).
    drop_required(&mut log, |name| Embedded::in_log(name).is_some());
    schema["$defs"]["base"]["properties"]["log_information"] = log;
    drop_required(&mut schema["$defs"]["base"], |name| {
        name.starts_with("udf_") || Embedded::ALL.iter().any(|e| e.property() == name)
    });
    Ok(schema)
}

/// A schema file's name in a release's reply-field era:
/// `replies/access_token_list.json` → `replies/access_token_list.R8.json`.
pub(super) fn era_name(file: &str, era: Release) -> String {
    let stem = file.strip_suffix(".json").unwrap_or(file);
    format!("{stem}.{era}.json")
}

/// `access_token.json` without the reply fields `era` does not have yet,
/// which its closing `unevaluatedProperties` then refuses.
pub(super) fn era_schema(era: Release) -> Result<Value, String> {
    let mut schema = parsed_file("access_token.json")?;
    schema["$id"] = Value::String(format!("{BASE}{}", era_name("access_token.json", era)));
    let base = &mut schema["$defs"]["base"];
    if let Some(properties) = base["properties"].as_object_mut() {
        properties.retain(|name, _| era.has_reply_field(name));
    }
    drop_required(base, |name| !era.has_reply_field(name));
    Ok(schema)
}

/// A reply schema of access tokens (`file`) referring to the era's
/// `access_token.json` instead, so every such reply is checked whole.
pub(super) fn era_reply_schema(reply: &ReplySchema, era: Release) -> Result<Value, String> {
    fn point_at_era(value: &mut Value, era: Release) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    match inner {
                        Value::String(target) if key == "$ref" => {
                            if let Some(rest) = target.strip_prefix("../access_token.json") {
                                *target =
                                    format!("../{}{rest}", era_name("access_token.json", era));
                            }
                        }
                        _ => point_at_era(inner, era),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| point_at_era(i, era)),
            _ => {}
        }
    }
    let mut schema: Value =
        serde_json::from_str(reply.text).map_err(|e| format!("schemas/{}: {e}", reply.file))?;
    schema["$id"] = Value::String(format!("{BASE}{}", era_name(reply.file, era)));
    point_at_era(&mut schema, era);
    Ok(schema)
}
