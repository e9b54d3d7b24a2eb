//! The JSON Schemas under `schemas/`, embedded and compiled once. Every reply's
//! `data` is checked against its method's schema before it is sent.

mod derived;
mod files;

pub use files::{Embedded, ReplySchema, SHARED};

use crate::core::release::Release;
use derived::{era_name, era_reply_schema, era_schema, own_fields_schema, OWN_FIELDS};
use files::BASE;
use jsonschema::{Registry, Validator};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Compiled validators: one for each schema file, one for each reply's
/// `data`, one for error envelopes, and those of `Embedded`.
pub struct Schemas {
    documents: HashMap<&'static str, Validator>,
    /// By reply schema file.
    data: HashMap<&'static str, Validator>,
    /// The error envelope (tests and contract checks).
    #[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
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
    #[cfg(any(test, feature = "testing"))]
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
    #[cfg(any(test, feature = "testing"))]
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
