//! `crmcom-emulator capture`: the entities a recording saw (access tokens,
//! accounts receivable, contacts, rewards participants, units, users,
//! classifications, countries) as a fixtures directory `--fixtures`
//! loads. Personal data is scrubbed (`fake`): names, e-mails, phones,
//! identity numbers and identifiers that are e-mails or phones, the same
//! input always giving the same output, ids kept, so references hold. The
//! directory is loaded and checked as the emulator loads any fixtures
//! before `capture` says it is done.

use crate::edge::parity::exchange::Exchange;
use crate::edge::parity::fake;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a recording saw, by fixture file, by id, in fixture shape.
#[derive(Debug, Default)]
pub struct Captured {
    files: BTreeMap<&'static str, BTreeMap<String, Value>>,
}

/// The fixture files whose shipped entries stay beside the captured ones:
/// the emulator's own login user, units and countries must still resolve.
const MERGED: [&str; 3] = ["users.json", "units.json", "countries.json"];

/// The files a capture always writes (empty when the recording saw none):
/// a shipped file left beside captured ones would name shipped accounts
/// the capture replaced. Wallets and communications of the shipped
/// accounts then start empty, as the loader does for any directory that
/// brings its own accounts.
const WRITTEN: [&str; 8] = [
    "access_tokens.json",
    "accounts_receivable.json",
    "contact_information.json",
    "rewards_participants.json",
    "access_token_classifications.json",
    "users.json",
    "units.json",
    "countries.json",
];

/// The pass code of every captured token with an identifier (pass codes
/// are never recorded): the shipped fixtures' own.
pub const PASS_CODE: &str = "1234";

/// A shipped fixture file, parsed (`[]` for a name that is not one).
fn shipped(file: &str) -> Value {
    crate::app::fixtures::FILES
        .iter()
        .find(|(name, _)| *name == file)
        .and_then(|(_, text)| serde_json::from_str(text).ok())
        .unwrap_or_else(|| json!([]))
}

/// The shipped fixtures' first user, parsed once (every captured log asks
/// for its id and unit).
fn shipped_user_field(field: &str) -> String {
    static USER: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let user = USER.get_or_init(|| shipped("users.json")[0].clone());
    user[field].as_str().unwrap_or_default().to_string()
}

/// The unit of the shipped fixtures' first user: a captured user's unit.
fn shipped_unit() -> String {
    shipped_user_field("default_unit_id")
}

/// The shipped fixtures' first user.
fn shipped_user() -> String {
    shipped_user_field("id")
}

/// `make` of each element of the array `object[key]` (none if absent).
fn each(object: &Value, key: &str, make: impl Fn(&Value) -> Value) -> Vec<Value> {
    object
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(make)
        .collect()
}

/// A string field of `object`, if it has one.
fn text<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// An id of a nested object (`null` when there is none).
fn id_of(object: &Value, key: &str) -> Value {
    object
        .get(key)
        .and_then(|o| o.get("id"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// `value` scrubbed by `how` when it is a string.
fn scrubbed(value: Option<&Value>, how: fn(&str) -> String) -> Value {
    match value.and_then(Value::as_str) {
        Some(real) => Value::String(how(real)),
        None => Value::Null,
    }
}

/// A token's identifier is what a person logs in with (an e-mail, a phone,
/// a user name, a card or ID number): always replaced, by its kind.
fn scrub_identifier(value: Option<&Value>) -> Value {
    match value.and_then(Value::as_str) {
        Some(real) if real.contains('@') => Value::String(fake::email(real)),
        Some(real) if real.starts_with('+') => Value::String(fake::phone(real)),
        Some(real) => Value::String(format!("ID{}", fake::digits(real, real.len().clamp(6, 16)))),
        None => Value::Null,
    }
}

impl Captured {
    /// Keeps `entity`, unless a fuller copy of it (more values) was seen:
    /// a contact shown by its own method beats the copy inside an account.
    fn keep(&mut self, file: &'static str, id: Option<&str>, entity: Value) {
        let Some(id) = id else { return };
        let entities = self.files.entry(file).or_default();
        let fuller = entities
            .get(id)
            .is_some_and(|seen| known_values(seen) > known_values(&entity));
        if !fuller {
            entities.insert(id.to_string(), entity);
        }
    }

    /// Walks `value`, found under `key` in a reply of `method` (`top` for
    /// the reply's `data` itself or its elements).
    fn visit(&mut self, method: &str, key: &str, value: &Value, top: bool) {
        match value {
            Value::Array(items) => {
                for item in items {
                    self.visit(method, key, item, top);
                }
                return;
            }
            Value::Object(_) => {}
            _ => return,
        }
        let is = |m: &str| top && method == m;
        match key {
            "created_by_unit" | "updated_by_unit" => self.unit(value),
            "created_by_user" | "updated_by_user" | "verified_by_user" => self.user(value),
            "account_owner" => self.contact(value),
            "accounts_receivable" => self.accounts_receivable(value),
            "reward_participant" => self.participant(value),
            "classification" => self.classification(value),
            "country_of_residence" | "id_issued_by_country" | "passport_issued_by_country" => {
                self.country(value)
            }
            _ if top
                && method.starts_with("access_tokens/")
                && value.get("authentication_code").is_some() =>
            {
                self.token(value)
            }
            _ if is("accounts_receivable/show") => self.accounts_receivable(value),
            _ if is("contact_information/show") => self.contact(value),
            _ if is("rewards_participants/show") => self.participant(value),
            _ if is("access_tokens/configuration/classifications/list") => {
                self.classification(value)
            }
            _ => {}
        }
        for (child, inner) in value.as_object().into_iter().flatten() {
            self.visit(method, child, inner, false);
        }
    }

    fn unit(&mut self, u: &Value) {
        let unit = json!({
            "id": u["id"], "name": u["name"], "group_name": u["group_name"],
            "community_name": u["community_name"], "alternative_code": u["alternative_code"],
            "description": u["description"],
        });
        self.keep("units.json", text(u, "id"), unit);
    }

    fn user(&mut self, u: &Value) {
        let id = text(u, "id").unwrap_or_default();
        let user = json!({
            "id": id,
            "username": format!("user-{}", fake::digits(id, 6)),
            "person_name": scrubbed(u.get("person_name"), fake::name),
            "email": scrubbed(u.get("email"), fake::email),
            "password": null,
            "default_unit_id": null,
        });
        self.keep("users.json", Some(id), user);
    }

    fn country(&mut self, c: &Value) {
        let country = json!({
            "id": c["id"], "name": c["name"], "two_character_code": c["two_character_code"],
            "three_character_code": c["three_character_code"], "alternative_code": c["alternative_code"],
        });
        self.keep("countries.json", text(c, "id"), country);
    }

    fn contact(&mut self, c: &Value) {
        let real_name = text(c, "name").or(text(c, "last_name")).unwrap_or_default();
        let d = c.get("demographics").cloned().unwrap_or(Value::Null);
        let demographics = if d.is_object() {
            json!({
                "gender": fake::gender(d.get("gender"), real_name),
                "passport_issued_by_country": id_of(&d, "passport_issued_by_country"),
                "social_security_number": scrubbed(d.get("social_security_number"), |r| fake::digits(r, r.len().max(4))),
                "passport_number": scrubbed(d.get("passport_number"), |r| fake::digits(r, r.len().max(4))),
                "industry_sector": null,
                "country_of_residence": id_of(&d, "country_of_residence"),
                "name_day": fake::day_month(d.get("name_day"), real_name),
                "date_of_birth": fake::day_month(d.get("date_of_birth"), real_name),
                "id_number": scrubbed(d.get("id_number"), |r| fake::digits(r, r.len().max(4))),
                "industry": null,
                "id_issued_by_country": id_of(&d, "id_issued_by_country"),
            })
        } else {
            Value::Null
        };
        let emails = each(c, "emails_set", |e| {
            json!({"id": e["id"], "type": e["type"],
                   "email_address": scrubbed(e.get("email_address"), fake::email)})
        });
        let phones = each(c, "phones_set", |p| {
            json!({"id": p["id"], "type": p["type"],
                   "number": scrubbed(p.get("number"), fake::phone),
                   "country_code": p["country_code"]})
        });
        let contact = json!({
            "id": c["id"], "type": c["type"], "life_cycle_state": c["life_cycle_state"],
            "name": if c["name"].is_null() { Value::Null } else { fake::name(real_name).into() },
            "title": c["title"],
            "first_name": scrubbed(c.get("first_name"), fake::first_name),
            "middle_name": scrubbed(c.get("middle_name"), fake::first_name),
            "last_name": scrubbed(c.get("last_name"), fake::last_name),
            "company_name": scrubbed(c.get("company_name"), fake::name),
            "demographics": demographics,
            "company_profile": null,
            "number": c["number"],
            "preferred_language": c["preferred_language"],
            "emails": emails,
            "phones": phones,
        });
        self.keep("contact_information.json", text(c, "id"), contact);
    }

    fn accounts_receivable(&mut self, a: &Value) {
        let owner = id_of(a, "account_owner");
        let mut account = json!({
            "id": a["id"], "number": a["number"],
            "name": scrubbed(a.get("name"), fake::name),
            "life_cycle_state": a["life_cycle_state"],
            "account_owner_id": owner,
        });
        // Fields a full reply (accounts_receivable/show) adds.
        for key in [
            "balance",
            "opening_balance",
            "outstanding_amount",
            "credit_limit",
            "credit_period",
        ] {
            if let Some(value) = a.get(key).filter(|v| v.is_number()) {
                account[key] = value.clone();
            }
        }
        if let Some(kind) = a.get("type").filter(|v| v.is_string()) {
            account["type"] = kind.clone();
        }
        self.keep("accounts_receivable.json", text(a, "id"), account);
    }

    fn participant(&mut self, p: &Value) {
        let participant = json!({
            "id": p["id"], "number": p["number"],
            "accounts_receivable_id": id_of(p, "accounts_receivable"),
        });
        self.keep("rewards_participants.json", text(p, "id"), participant);
    }

    fn classification(&mut self, c: &Value) {
        let log = c.get("log_information").cloned().unwrap_or(Value::Null);
        let classification = json!({
            "id": c["id"], "name": c["name"], "alternative_code": c["alternative_code"],
            "description": c["description"],
            "requires_verification": c.get("requires_verification").cloned().unwrap_or(Value::Null),
            "log_information": log_refs(&log),
        });
        self.keep(
            "access_token_classifications.json",
            text(c, "id"),
            classification,
        );
    }

    fn token(&mut self, t: &Value) {
        let identifier = scrub_identifier(t.get("identifier"));
        let pending = text(t, "life_cycle_state") == Some("PENDING_VERIFICATION");
        let id = text(t, "id").unwrap_or_default();
        let token = json!({
            "id": id, "number": t["number"], "life_cycle_state": t["life_cycle_state"],
            "authentication_code": t["authentication_code"],
            // Secrets are never recorded: the shipped fixtures' pass code,
            // and a verification code drawn from the id.
            "pass_code": if identifier.is_null() { Value::Null } else { PASS_CODE.into() },
            "identifier": identifier,
            "verification_code": if pending { Value::String(fake::digits(id, 6)) } else { Value::Null },
            "verified_date": iso_date(t.get("verified_date")),
            "verified_by_user_id": id_of(t, "verified_by_user"),
            "accounts_receivable_id": id_of(t, "accounts_receivable"),
            "rewards_participant_id": id_of(t, "reward_participant"),
            "classification_id": id_of(t, "classification"),
            "log_information": log_refs(t.get("log_information").unwrap_or(&Value::Null)),
        });
        self.keep("access_tokens.json", Some(id), token);
    }
}

/// A reply's `verified_date` (Java's `Fri Nov 27 16:08:56 UTC 2015`, as
/// CRM.COM shows it) as fixtures hold dates (`2015-11-27T16:08:56`); the
/// zone is dropped, as CRM.COM's other dates carry none.
fn iso_date(value: Option<&Value>) -> Value {
    let Some(text) = value.and_then(Value::as_str) else {
        return Value::Null;
    };
    let without_zone: Vec<&str> = text
        .split_whitespace()
        .filter(|part| !part.chars().all(|c| c.is_ascii_uppercase()) || part.len() > 4)
        .collect();
    chrono::NaiveDateTime::parse_from_str(&without_zone.join(" "), "%a %b %d %H:%M:%S %Y")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map(|at| Value::String(at.format("%Y-%m-%dT%H:%M:%S").to_string()))
        .unwrap_or(Value::Null)
}

/// How many values (not `null`) `value` holds, at any depth.
fn known_values(value: &Value) -> usize {
    match value {
        Value::Null => 0,
        Value::Object(map) => map.values().map(known_values).sum(),
        Value::Array(items) => items.iter().map(known_values).sum(),
        _ => 1,
    }
}

/// When an entity was seen without its log (a classification inside a
/// token): a date before any CRM.COM data, and the shipped unit and user.
const UNKNOWN_DATE: &str = "2000-01-01T00:00:00";

/// A reply's `log_information` as fixtures hold it: ids, not objects;
/// what it does not show, `UNKNOWN_DATE` and the shipped unit and user.
fn log_refs(log: &Value) -> Value {
    let or = |value: Value, default: &str| match value {
        Value::Null => Value::String(default.to_string()),
        value => value,
    };
    let (unit, user) = (shipped_unit(), shipped_user());
    json!({
        "created_date": or(log["created_date"].clone(), UNKNOWN_DATE),
        "updated_date": or(log["updated_date"].clone(), UNKNOWN_DATE),
        "created_by_unit_id": or(id_of(log, "created_by_unit"), &unit),
        "updated_by_unit_id": or(id_of(log, "updated_by_unit"), &unit),
        "created_by_user_id": or(id_of(log, "created_by_user"), &user),
        "updated_by_user_id": or(id_of(log, "updated_by_user"), &user),
    })
}

/// Everything `exchanges` saw, in fixture shape.
pub fn capture(exchanges: &[Exchange]) -> Captured {
    let mut captured = Captured::default();
    for exchange in exchanges {
        if exchange.reply["status"]["code"] == "OK" {
            captured.visit(exchange.crm_method(), "data", &exchange.reply["data"], true);
        }
    }
    captured
}

impl Captured {
    /// Writes the fixture files into `dir` (made if missing): the captured
    /// entities, and for users, units and countries the shipped ones
    /// beside them (a captured user never replaces a shipped one, whose
    /// login the emulator's keys use). A user's unit it never showed is the
    /// shipped admin unit.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut written = Vec::new();
        let none = BTreeMap::new();
        for file in WRITTEN {
            let entities = self.files.get(file).unwrap_or(&none);
            let mut list: Vec<Value> = Vec::new();
            if MERGED.contains(&file) {
                list = shipped(file).as_array().cloned().unwrap_or_default();
            }
            let known: Vec<String> = list
                .iter()
                .filter_map(|e| text(e, "id").map(str::to_string))
                .collect();
            let default_unit = shipped_unit();
            for (id, entity) in entities {
                if known.contains(id) {
                    continue;
                }
                let mut entity = entity.clone();
                if file == "users.json" && entity["default_unit_id"].is_null() {
                    entity["default_unit_id"] = default_unit.clone().into();
                }
                list.push(entity);
            }
            let path = dir.join(file);
            let text = serde_json::to_string_pretty(&Value::Array(list)).unwrap_or_default();
            std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }

    /// How many entities of each file.
    pub fn counts(&self) -> Map<String, Value> {
        self.files
            .iter()
            .map(|(file, entities)| (file.to_string(), entities.len().into()))
            .collect()
    }
}

/// Runs `capture FILE --to DIR`: writes the directory, then loads it as
/// `--fixtures` would; exit code 0, or 2 with the problem.
pub fn run(file: &Path, to: &Path) -> ExitCode {
    let outcome = (|| {
        // A directory of its own: files of an earlier capture left beside
        // these would be loaded with them.
        if std::fs::read_dir(to).is_ok_and(|mut entries| entries.next().is_some()) {
            return Err(format!(
                "{}: not empty; capture writes into a new or empty directory",
                to.display()
            ));
        }
        let exchanges = crate::edge::parity::exchange::read(file)?;
        let captured = capture(&exchanges);
        let written = captured.write(to)?;
        let loaded = crate::app::state::AppState::new(crate::core::config::Config {
            fixtures: Some(to.to_path_buf()),
            ..crate::core::config::Config::default()
        });
        if let Err(problem) = loaded {
            // Nothing half-made stays.
            for path in written {
                let _ = std::fs::remove_file(path);
            }
            return Err(format!("the captured fixtures do not load: {problem}"));
        }
        Ok::<_, String>(captured.counts())
    })();
    match outcome {
        Ok(counts) => {
            println!(
                "captured into {} (personal data scrubbed; loads with --fixtures): {}",
                to.display(),
                Value::Object(counts)
            );
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("crmcom-emulator capture: {problem}");
            ExitCode::from(2)
        }
    }
}
