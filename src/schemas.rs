//! The JSON Schemas under `schemas/`, embedded and compiled once. Every reply's
//! `data` is checked against its method's schema before it is sent.

use jsonschema::{Registry, Validator};
use serde_json::{json, Value};
use std::collections::HashMap;

const BASE: &str = "https://crmcom-emulator.local/schemas/";

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../schemas/", $name)))),*]
    };
}

/// Every schema file, by path under `schemas/`, with its content.
pub const FILES: &[(&str, &str)] = embedded!(
    "common.json",
    "access_token.json",
    "access_token_classification.json",
    "replies/access_token.json",
    "replies/access_token_list.json",
    "replies/classification_list.json",
    "replies/login.json",
    "replies/empty.json",
    "replies/status_only.json",
    "replies/reset_pass_code.json",
    "replies/one_time_password.json",
    "requests.json",
);

/// Names of the reply schemas (`schemas/replies/<name>.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplySchema {
    AccessToken,
    AccessTokenList,
    ClassificationList,
    Login,
    Empty,
    StatusOnly,
    ResetPassCode,
    OneTimePassword,
}

impl ReplySchema {
    pub const ALL: [ReplySchema; 8] = [
        ReplySchema::AccessToken,
        ReplySchema::AccessTokenList,
        ReplySchema::ClassificationList,
        ReplySchema::Login,
        ReplySchema::Empty,
        ReplySchema::StatusOnly,
        ReplySchema::ResetPassCode,
        ReplySchema::OneTimePassword,
    ];

    pub fn file(self) -> &'static str {
        match self {
            ReplySchema::AccessToken => "replies/access_token.json",
            ReplySchema::AccessTokenList => "replies/access_token_list.json",
            ReplySchema::ClassificationList => "replies/classification_list.json",
            ReplySchema::Login => "replies/login.json",
            ReplySchema::Empty => "replies/empty.json",
            ReplySchema::StatusOnly => "replies/status_only.json",
            ReplySchema::ResetPassCode => "replies/reset_pass_code.json",
            ReplySchema::OneTimePassword => "replies/one_time_password.json",
        }
    }
}

/// Compiled validators: one for each schema file, one for each reply's
/// `data`, and one for error envelopes.
pub struct Schemas {
    documents: HashMap<&'static str, Validator>,
    data: HashMap<ReplySchema, Validator>,
    error: Validator,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Schemas(..)")
    }
}

/// A schema failure, described by locations only: the instance's values are
/// left out so a secret can never reach a log line through it.
fn describe(validator: &Validator, instance: &Value) -> Result<(), String> {
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
    /// Parses and compiles every embedded schema.
    pub fn load() -> Result<Schemas, String> {
        let mut documents = Vec::new();
        for (name, text) in FILES {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("schemas/{name}: {e}"))?;
            documents.push((format!("{BASE}{name}"), value));
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
        for (name, _) in FILES {
            documents.insert(*name, compile(format!("{BASE}{name}"))?);
        }
        let mut data = HashMap::new();
        for schema in ReplySchema::ALL {
            if schema != ReplySchema::StatusOnly {
                let uri = format!("{BASE}{}#/properties/data", schema.file());
                data.insert(schema, compile(uri)?);
            }
        }
        Ok(Schemas {
            documents,
            data,
            error: compile(format!("{BASE}common.json#/$defs/error_envelope"))?,
        })
    }

    /// Checks a reply's `data` against its schema.
    pub fn check_data(&self, schema: ReplySchema, data: &Value) -> Result<(), String> {
        match self.data.get(&schema) {
            Some(validator) => describe(validator, data),
            None => Ok(()),
        }
    }

    /// Checks a whole success envelope (tests and contract checks).
    pub fn check_envelope(&self, schema: ReplySchema, reply: &Value) -> Result<(), String> {
        self.check_by_file(schema.file(), reply)
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

    /// Checks one access-token object.
    pub fn check_access_token(&self, token: &Value) -> Result<(), String> {
        self.check_by_file("access_token.json", token)
    }
}
