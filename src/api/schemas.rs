//! The JSON Schemas under `schemas/`, embedded and compiled once. Every reply's
//! `data` is checked against its method's schema before it is sent.

use crate::core::release::Release;
use jsonschema::{Registry, Validator};
use serde_json::{json, Value};
use std::collections::HashMap;

const BASE: &str = "https://crmcom-emulator.local/schemas/";

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../schemas/", $name)))),*]
    };
}

/// The schema files replies share, by path under `schemas/`, with their
/// content; each reply schema is a `ReplySchema` constant.
pub const SHARED: &[(&str, &str)] = embedded!(
    "common.json",
    "access_token.json",
    "access_token_classification.json",
    "requests.json",
);

/// A method's reply schema: `schemas/replies/<name>.json`, embedded.
#[derive(Debug, Clone, Copy)]
pub struct ReplySchema {
    /// Path under `schemas/`.
    pub file: &'static str,
    pub text: &'static str,
    /// Whether `data` is access-token objects (or one with a field added),
    /// so an older release's reply is checked against its era's schema.
    pub access_tokens: bool,
    /// Whether the reply has `data` (a status-only reply has none).
    pub data: bool,
}

/// One reply schema constant: the file under `schemas/replies/`, whether
/// its `data` is access tokens, whether it has `data`.
macro_rules! reply {
    ($name:literal, $tokens:literal, $data:literal) => {
        ReplySchema {
            file: concat!("replies/", $name),
            text: include_str!(concat!("../../schemas/replies/", $name)),
            access_tokens: $tokens,
            data: $data,
        }
    };
}

impl ReplySchema {
    pub const ACCESS_TOKEN: ReplySchema = reply!("access_token.json", true, true);
    pub const ACCESS_TOKEN_LIST: ReplySchema = reply!("access_token_list.json", true, true);
    /// One access token with `random_pass_code` added.
    pub const RESET_PASS_CODE: ReplySchema = reply!("reset_pass_code.json", true, true);
    pub const CLASSIFICATION_LIST: ReplySchema = reply!("classification_list.json", false, true);
    pub const LOGIN: ReplySchema = reply!("login.json", false, true);
    pub const EMPTY: ReplySchema = reply!("empty.json", false, true);
    pub const STATUS_ONLY: ReplySchema = reply!("status_only.json", false, false);
    pub const ONE_TIME_PASSWORD: ReplySchema = reply!("one_time_password.json", false, true);
}

/// Two reply schemas are the same file.
impl PartialEq for ReplySchema {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file
    }
}

impl Eq for ReplySchema {}

/// The reference objects an access token's reply embeds. They never change
/// in a tenant, so each is checked once, when first serialised, and a
/// token's own fields are checked against `access_token.json` with these
/// properties left open (see `Schemas::check_token_own_fields`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Embedded {
    AccountsReceivable,
    RewardParticipant,
    Classification,
    VerifiedByUser,
    /// The units and users of `log_information`.
    LogUnit,
    LogUser,
}

impl Embedded {
    /// The four a token's reply holds at its top level.
    pub const ALL: [Embedded; 4] = [
        Embedded::AccountsReceivable,
        Embedded::RewardParticipant,
        Embedded::Classification,
        Embedded::VerifiedByUser,
    ];
    const LOG: [Embedded; 2] = [Embedded::LogUnit, Embedded::LogUser];

    /// The token's property holding it (the first four).
    pub fn property(self) -> &'static str {
        match self {
            Embedded::AccountsReceivable => "accounts_receivable",
            Embedded::RewardParticipant => "reward_participant",
            Embedded::Classification => "classification",
            Embedded::VerifiedByUser => "verified_by_user",
            Embedded::LogUnit => "created_by_unit",
            Embedded::LogUser => "created_by_user",
        }
    }

    /// Which embedded object a property of `log_information` holds.
    pub fn in_log(property: &str) -> Option<Embedded> {
        match property {
            "created_by_unit" | "updated_by_unit" => Some(Embedded::LogUnit),
            "created_by_user" | "updated_by_user" => Some(Embedded::LogUser),
            _ => None,
        }
    }

    fn definition(self) -> &'static str {
        match self {
            Embedded::AccountsReceivable => "accounts_receivable",
            Embedded::RewardParticipant => "reward_participant",
            Embedded::Classification => "classification_short",
            Embedded::VerifiedByUser | Embedded::LogUser => "user",
            Embedded::LogUnit => "unit",
        }
    }
}

/// Removes the names `left_out` from the object schema's `required`.
fn drop_required(schema: &mut Value, left_out: impl Fn(&str) -> bool) {
    if let Some(required) = schema["required"].as_array_mut() {
        required.retain(|name| !name.as_str().is_some_and(&left_out));
    }
}

/// `access_token.json` with the embedded objects' properties accepting
/// anything and not required, nor the user-defined fields: the schema of
/// what `render::render_own` gives.
const OWN_FIELDS: &str = "access_token_own_fields.json";

/// One of the shared schema files, parsed.
fn parsed_file(file: &str) -> Result<Value, String> {
    let text = SHARED
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| *text)
        .ok_or_else(|| format!("schemas: no {file}"))?;
    serde_json::from_str(text).map_err(|e| format!("schemas/{file}: {e}"))
}

fn own_fields_schema() -> Result<Value, String> {
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

/// Compiled validators: one for each schema file, one for each reply's
/// `data`, one for error envelopes, and those of `Embedded`.
pub struct Schemas {
    documents: HashMap<&'static str, Validator>,
    /// By reply schema file.
    data: HashMap<&'static str, Validator>,
    error: Validator,
    own_fields: Validator,
    embedded: HashMap<Embedded, Validator>,
    /// The `data` of the access-token replies of releases lacking some
    /// reply fields, by the first release of their era.
    data_eras: HashMap<(Release, &'static str), Validator>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Schemas(..)")
    }
}

/// A schema file's name in a release's reply-field era:
/// `replies/access_token_list.json` → `replies/access_token_list.R8.json`.
fn era_name(file: &str, era: Release) -> String {
    let stem = file.strip_suffix(".json").unwrap_or(file);
    format!("{stem}.{era}.json")
}

/// `access_token.json` without the reply fields `era` does not have yet,
/// which its closing `unevaluatedProperties` then refuses.
fn era_schema(era: Release) -> Result<Value, String> {
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
fn era_reply_schema(reply: &ReplySchema, era: Release) -> Result<Value, String> {
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

/// A schema failure, described by locations only: the instance's values are
/// left out so a secret can never reach a log line through it.
fn describe(validator: &Validator, instance: &Value) -> Result<(), String> {
    // The yes-or-no check skips building an error and stops at the first
    // failure; the error is made only for a reply that fails.
    if validator.is_valid(instance) {
        return Ok(());
    }
    match validator.validate(instance) {
        Ok(()) => Ok(()),
        Err(e) => Err(format!(
            "{} (at '{}', rule '{}')",
            e.masked(),
            e.instance_path(),
            e.schema_path()
        )),
    }
}

impl Schemas {
    /// Parses and compiles the shared schemas and `replies` (the methods'
    /// reply schemas, see `api::methods::reply_schemas`).
    pub fn load(replies: &[ReplySchema]) -> Result<Schemas, String> {
        let files: Vec<(&'static str, &'static str)> = SHARED
            .iter()
            .copied()
            .chain(replies.iter().map(|r| (r.file, r.text)))
            .collect();
        let mut documents = Vec::new();
        for (name, text) in &files {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("schemas/{name}: {e}"))?;
            documents.push((format!("{BASE}{name}"), value));
        }
        documents.push((format!("{BASE}{OWN_FIELDS}"), own_fields_schema()?));
        let eras: Vec<Release> = Release::reply_field_eras()
            .iter()
            .copied()
            .filter(|era| !era.has_every_reply_field())
            .collect();
        let token_replies: Vec<ReplySchema> = replies
            .iter()
            .copied()
            .filter(|s| s.access_tokens)
            .collect();
        for &era in &eras {
            let token = era_name("access_token.json", era);
            documents.push((format!("{BASE}{token}"), era_schema(era)?));
            for schema in &token_replies {
                let name = era_name(schema.file, era);
                documents.push((format!("{BASE}{name}"), era_reply_schema(schema, era)?));
            }
        }
        let registry = Registry::new()
            .extend(documents)
            .and_then(|b| b.prepare())
            .map_err(|e| format!("schemas: {e}"))?;
        let compile = |reference: String| {
            jsonschema::options()
                .with_registry(&registry)
                .build(&json!({ "$ref": reference }))
                .map_err(|e| format!("schemas: {reference}: {e}"))
        };
        let mut documents = HashMap::new();
        for (name, _) in &files {
            documents.insert(*name, compile(format!("{BASE}{name}"))?);
        }
        let mut data = HashMap::new();
        for schema in replies.iter().filter(|s| s.data) {
            let uri = format!("{BASE}{}#/properties/data", schema.file);
            data.insert(schema.file, compile(uri)?);
        }
        let mut embedded = HashMap::new();
        for kind in Embedded::ALL.into_iter().chain(Embedded::LOG) {
            let uri = format!("{BASE}common.json#/$defs/{}", kind.definition());
            embedded.insert(kind, compile(uri)?);
        }
        let mut data_eras = HashMap::new();
        for era in eras {
            for schema in &token_replies {
                let uri = format!("{BASE}{}#/properties/data", era_name(schema.file, era));
                data_eras.insert((era, schema.file), compile(uri)?);
            }
        }
        Ok(Schemas {
            data_eras,
            documents,
            data,
            error: compile(format!("{BASE}common.json#/$defs/error_envelope"))?,
            own_fields: compile(format!("{BASE}{OWN_FIELDS}"))?,
            embedded,
        })
    }

    /// Checks a reply's `data` against its schema.
    pub fn check_data(&self, schema: ReplySchema, data: &Value) -> Result<(), String> {
        match self.data.get(schema.file) {
            Some(validator) => describe(validator, data),
            None => Ok(()),
        }
    }

    /// Checks a whole success envelope (tests and contract checks).
    pub fn check_envelope(&self, schema: ReplySchema, reply: &Value) -> Result<(), String> {
        self.check_by_file(schema.file, reply)
    }

    /// Checks a value against the schema file `name` (a path under `schemas/`).
    pub fn check_by_file(&self, name: &str, value: &Value) -> Result<(), String> {
        match self.documents.get(name) {
            Some(validator) => describe(validator, value),
            None => Err(format!("no schema file {name}")),
        }
    }

    /// Checks an error envelope.
    pub fn check_error(&self, reply: &Value) -> Result<(), String> {
        describe(&self.error, reply)
    }

    /// Checks a reply's `data` as `release` shapes it: the access-token
    /// replies of releases lacking some fields have their own schemas.
    pub fn check_data_in(
        &self,
        release: Release,
        schema: ReplySchema,
        data: &Value,
    ) -> Result<(), String> {
        match self
            .data_eras
            .get(&(release.reply_field_era(), schema.file))
        {
            Some(validator) => describe(validator, data),
            None => self.check_data(schema, data),
        }
    }

    /// Checks an access token's own fields (every property but the
    /// `Embedded` ones, which are checked apart).
    pub fn check_token_own_fields(&self, token: &Value) -> Result<(), String> {
        describe(&self.own_fields, token)
    }

    /// Checks one embedded reference object.
    pub fn check_embedded(&self, kind: Embedded, value: &Value) -> Result<(), String> {
        match self.embedded.get(&kind) {
            Some(validator) => describe(validator, value),
            None => Ok(()),
        }
    }

    /// Checks one access-token object.
    pub fn check_access_token(&self, token: &Value) -> Result<(), String> {
        self.check_by_file("access_token.json", token)
    }
}

#[cfg(test)]
mod tests {
    use crate::api::access_tokens::render::render;
    use crate::api::fields_set::keep_release_fields;
    use crate::api::schemas::ReplySchema;
    use crate::app::state::with_first_token;
    use crate::core::release::Release;
    use serde_json::{json, Value};

    #[test]
    fn every_access_token_reply_has_a_schema_per_release() {
        let (state, tenant, token) = with_first_token("eras");
        let full = render(&tenant.reference, &token);
        let r9 = Release::parse("R9").expect("release");
        let mut reset = full.clone();
        reset["random_pass_code"] = json!("123456");
        let mut shaped = reset.clone();
        keep_release_fields(&mut shaped, r9);
        let mut list = Value::Array(vec![full.clone(), full]);
        let schemas = &state.schemas;
        assert!(schemas
            .check_data_in(r9, ReplySchema::RESET_PASS_CODE, &shaped)
            .is_ok());
        // Fields R9 lacks are refused in its replies.
        assert!(schemas
            .check_data_in(r9, ReplySchema::RESET_PASS_CODE, &reset)
            .is_err());
        assert!(schemas
            .check_data_in(r9, ReplySchema::ACCESS_TOKEN_LIST, &list)
            .is_err());
        keep_release_fields(&mut list, r9);
        assert!(schemas
            .check_data_in(r9, ReplySchema::ACCESS_TOKEN_LIST, &list)
            .is_ok());
        // The default release checks the full schema.
        assert!(schemas
            .check_data_in(Release::DEFAULT, ReplySchema::RESET_PASS_CODE, &reset)
            .is_ok());
    }
}
