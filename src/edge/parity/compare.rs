//! `crmcom-emulator compare`: a recording replayed, in order, against a
//! fresh in-process emulator. Placeholders and volatile values take the
//! emulator's own values as its replies reveal them (its login token, the
//! codes it generates, the numbers of what the recording created), logins
//! use the emulator's own credentials, and each reply is compared with the
//! recorded one: HTTP status, CRM.COM code (naming both), keys present or
//! missing, types, and every value the rules do not call volatile.

use crate::edge::emulator::Emulator;
use crate::edge::parity::exchange::Exchange;
use crate::edge::parity::placeholders::is_placeholder;
use crate::edge::parity::rules::Rules;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// One difference between the recorded reply and the emulator's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// The call's place in the recording, from 1.
    pub call: usize,
    /// The CRM.COM method (`access_tokens/show`).
    pub method: String,
    /// What differs: `status`, `code`, `missing`, `extra`, `type`, `value`.
    pub kind: &'static str,
    /// Where in the reply (`data.life_cycle_state`; empty for the status).
    pub path: String,
    /// The recorded value (absent: `null`).
    pub recorded: Value,
    /// The emulator's value (absent: `null`).
    pub emulator: Value,
}

/// What a comparison found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Calls replayed.
    pub calls: usize,
    /// Every difference, in call order.
    pub differences: Vec<Difference>,
}

/// What stands for what: a placeholder or a volatile recorded value, and
/// the emulator's value for it.
#[derive(Debug, Default)]
struct Bindings(HashMap<String, Value>);

impl Bindings {
    fn bind(&mut self, recorded: &Value, ours: &Value) {
        let text = recorded.as_str().filter(|t| !t.is_empty());
        if let (Some(text), false) = (text, ours.is_null()) {
            self.0
                .entry(text.to_string())
                .or_insert_with(|| ours.clone());
        }
    }

    /// `value` with every bound string replaced by what it stands for.
    fn apply(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => self.0.get(text).cloned().unwrap_or_else(|| value.clone()),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.apply(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.apply(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// A query string with every bound value replaced (after the last `=`
    /// of each pair).
    fn apply_query(&self, query: &str) -> String {
        query
            .split('&')
            .map(|pair| match pair.rsplit_once('=') {
                Some((names, value)) => match self.0.get(value) {
                    Some(Value::String(ours)) => format!(
                        "{names}={}",
                        percent_encoding::utf8_percent_encode(ours, QUERY_VALUE)
                    ),
                    Some(other) if !other.is_null() => format!("{names}={other}"),
                    _ => pair.to_string(),
                },
                None => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What a query value must escape.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'&')
    .add(b'+')
    .add(b'#')
    .add(b'%');

/// The credentials the emulator's logins use instead of the recorded ones.
struct OwnCredentials {
    username: String,
    password: String,
    web_api_key: Option<String>,
    consumer_key: Option<String>,
}

impl OwnCredentials {
    fn of(emulator: &Emulator) -> Result<OwnCredentials, String> {
        let fixtures = emulator.shared_state().fixtures();
        let reference = &fixtures.reference;
        let user = reference
            .users
            .iter()
            .find(|u| u.password.is_some())
            .ok_or("the fixtures have no user with a password")?;
        Ok(OwnCredentials {
            username: user.username.clone(),
            password: user.password.clone().unwrap_or_default(),
            web_api_key: reference.web_api_keys.first().map(|k| k.key.clone()),
            consumer_key: reference
                .consumer_application_keys
                .first()
                .map(|k| k.key.clone()),
        })
    }
}

/// Replays `exchanges` against `emulator` (fresh: one organisation per
/// comparison), its logins to `organisation` when given.
pub fn compare(
    emulator: &Emulator,
    exchanges: &[Exchange],
    organisation: Option<&str>,
    rules: &Rules,
) -> Result<Report, String> {
    let own = OwnCredentials::of(emulator)?;
    let agent = ureq::AgentBuilder::new().build();
    let mut bindings = Bindings::default();
    let mut differences = Vec::new();
    for (index, exchange) in exchanges.iter().enumerate() {
        let method = exchange.crm_method().to_string();
        let (request, authorization) =
            own_request(exchange, &own, organisation, &mut bindings, emulator);
        let query = bindings.apply_query(&exchange.query);
        let url = match query.is_empty() {
            true => format!("{}{}", emulator.uri(), exchange.path),
            false => format!("{}{}?{query}", emulator.uri(), exchange.path),
        };
        let mut call = agent.request(&exchange.method, &url);
        if let Some(authorization) = &authorization {
            call = call.set("Authorization", authorization);
        }
        // The content type the client sent, or none, as it sent it.
        if let Some(content_type) = &exchange.content_type {
            call = call.set("Content-Type", content_type);
        }
        let answer = match &request {
            Value::Null => call.call(),
            Value::String(text) => call.send_string(text),
            body => call.send_string(&body.to_string()),
        };
        let (status, text) = match answer {
            Ok(reply) | Err(ureq::Error::Status(_, reply)) => {
                let status = reply.status();
                (
                    status,
                    reply.into_string().map_err(|e| format!("{url}: {e}"))?,
                )
            }
            Err(e) => return Err(format!("the emulator did not answer {url}: {e}")),
        };
        // No body (a HEAD) is `null`, as the recording keeps it.
        let ours: Value = match text.is_empty() {
            true => Value::Null,
            false => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        };
        let mut found = Vec::new();
        if status != exchange.status {
            found.push(difference(
                "status",
                "",
                exchange.status.into(),
                status.into(),
            ));
        }
        let (recorded_code, our_code) =
            (&exchange.reply["status"]["code"], &ours["status"]["code"]);
        if recorded_code != our_code {
            // A different answer altogether: its data would differ anyway.
            found.push(difference(
                "code",
                "status.code",
                recorded_code.clone(),
                our_code.clone(),
            ));
        } else {
            walk(
                &exchange.reply,
                &ours,
                "",
                &method,
                rules,
                &mut bindings,
                &mut found,
            );
        }
        differences.extend(found.into_iter().map(|mut d| {
            d.call = index + 1;
            d.method = method.clone();
            // A type difference holds type names, not values.
            if d.kind != "type" {
                d.emulator = without_secrets(&d.path, d.emulator);
            }
            d
        }));
    }
    Ok(Report {
        calls: exchanges.len(),
        differences,
    })
}

/// The request as the emulator gets it: bound values in, and a login's
/// credentials and organisation the emulator's own.
fn own_request(
    exchange: &Exchange,
    own: &OwnCredentials,
    organisation: Option<&str>,
    bindings: &mut Bindings,
    emulator: &Emulator,
) -> (Value, Option<String>) {
    bind_unknown_secrets(&exchange.request, bindings, emulator);
    let mut request = bindings.apply(&exchange.request);
    let mut authorization = exchange.authorization.clone();
    let method = exchange.crm_method();
    // A login the recording saw refused is replayed as it was sent.
    let logged_in = exchange.reply["status"]["code"] == "OK";
    if let (Some(body), true) = (request.as_object_mut(), logged_in) {
        if method.starts_with("authentication/") {
            if let Some(organisation) = organisation {
                body.insert("organisation".into(), organisation.into());
            }
        }
        if method == "authentication/token" {
            body.insert("username".into(), own.username.clone().into());
            body.insert("password".into(), own.password.clone().into());
        }
    }
    let key = match method {
        "authentication/web_api_key/token" => own.web_api_key.as_deref(),
        "authentication/consumer_application_key/token" => own.consumer_key.as_deref(),
        _ => None,
    };
    if let (Some(key), Some(_), true) = (key, &authorization, logged_in) {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{key}:"));
        authorization = Some(format!("Basic {encoded}"));
    }
    (request, authorization)
}

/// Secrets a request sends that no reply revealed: the pass code of a
/// token that existed before the recording (the emulator's tokens have the
/// shipped fixtures' pass code, as a capture's do), and a one-time password
/// CRM.COM e-mailed (the emulator's newest message holds its own).
fn bind_unknown_secrets(request: &Value, bindings: &mut Bindings, emulator: &Emulator) {
    let Value::Object(map) = request else {
        if let Value::Array(items) = request {
            items
                .iter()
                .for_each(|v| bind_unknown_secrets(v, bindings, emulator));
        }
        return;
    };
    for (key, value) in map {
        match value.as_str() {
            // By the name it is sent under: one secret may have been a
            // password before it was a pass code.
            Some(text) if is_placeholder(text) && !bindings.0.contains_key(text) => {
                let folded = key.to_ascii_lowercase().replace(['_', '-'], "");
                if folded == "passcode" {
                    let pass_code = crate::edge::parity::capture::PASS_CODE;
                    bindings.0.insert(text.to_string(), pass_code.into());
                } else if folded == "onetimepassword" {
                    if let Some(otp) = newest_code_sent(emulator) {
                        bindings.0.insert(text.to_string(), otp.into());
                    }
                }
            }
            _ => bind_unknown_secrets(value, bindings, emulator),
        }
    }
}

/// The six-digit code in the newest message any organisation of the
/// emulator sent (a comparison runs one session at a time).
fn newest_code_sent(emulator: &Emulator) -> Option<String> {
    let state = emulator.shared_state();
    let newest = state
        .tenants
        .iter()
        .filter_map(|t| t.outbox.all().last().cloned())
        .max_by(|a, b| a.number.cmp(&b.number))?;
    let content = newest.content.as_deref()?;
    content
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_string)
}

/// The emulator's side of a difference as a report may show it: the value
/// of a secret name (an extra `verification_code`, a login token inside an
/// extra object) redacted as the journal redacts it. The recorded side
/// holds placeholders already.
fn without_secrets(path: &str, value: Value) -> Value {
    let key = path.rsplit('.').next().unwrap_or(path);
    let key = key.split('[').next().unwrap_or(key).to_string();
    let mut wrapped = serde_json::Map::new();
    wrapped.insert(key.clone(), value);
    let redacted = crate::app::redacted_json::redacted_object_json(&wrapped);
    serde_json::from_slice::<Value>(&redacted)
        .ok()
        .and_then(|mut object| object.get_mut(&key).map(Value::take))
        .unwrap_or(Value::Null)
}

fn difference(kind: &'static str, path: &str, recorded: Value, emulator: Value) -> Difference {
    Difference {
        call: 0,
        method: String::new(),
        kind,
        path: path.to_string(),
        recorded,
        emulator,
    }
}

/// The JSON type's name, for a type difference.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether a volatile value at `path` stands for the emulator's in later
/// calls: ids, numbers and codes the emulator generated (`data.number`,
/// `data[2].id`), not words (`status.message`, a life cycle state a user's
/// rule calls volatile), which would stand for the wrong thing elsewhere.
fn binds(path: &str) -> bool {
    let key = path.rsplit('.').next().unwrap_or(path);
    let key = key.split('[').next().unwrap_or(key);
    !path.starts_with("status.")
        && (key == "id"
            || key.ends_with("_id")
            || key == "number"
            || key.ends_with("_number")
            || key.ends_with("code")
            || key == "token")
}

/// Compares `recorded` with `ours` at `path`, binding placeholders and
/// volatile values on the way.
fn walk(
    recorded: &Value,
    ours: &Value,
    path: &str,
    method: &str,
    rules: &Rules,
    bindings: &mut Bindings,
    found: &mut Vec<Difference>,
) {
    let placeholder = recorded.as_str().is_some_and(is_placeholder);
    if placeholder || rules.volatile(method, path) {
        // A secret or a volatile value: the same type, any value; it now
        // stands for ours.
        let same_type = type_name(recorded) == type_name(ours)
            || (placeholder && matches!(ours, Value::String(_) | Value::Number(_)));
        if !same_type {
            found.push(difference(
                "type",
                path,
                type_name(recorded).into(),
                type_name(ours).into(),
            ));
        }
        if placeholder || binds(path) {
            bindings.bind(recorded, ours);
        }
        return;
    }
    // A value the recording made earlier (a created token's id) is the
    // emulator's value for it here.
    if let Some(bound) = recorded.as_str().and_then(|text| bindings.0.get(text)) {
        if bound != ours {
            found.push(difference("value", path, recorded.clone(), ours.clone()));
        }
        return;
    }
    let at = |key: &str| match path {
        "" => key.to_string(),
        _ => format!("{path}.{key}"),
    };
    match (recorded, ours) {
        (Value::Object(r), Value::Object(o)) => {
            for (key, value) in r {
                match o.get(key) {
                    Some(mine) => walk(value, mine, &at(key), method, rules, bindings, found),
                    None => found.push(difference("missing", &at(key), value.clone(), Value::Null)),
                }
            }
            for (key, value) in o.iter().filter(|(k, _)| !r.contains_key(*k)) {
                found.push(difference("extra", &at(key), Value::Null, value.clone()));
            }
        }
        (Value::Array(r), Value::Array(o)) => {
            if r.len() != o.len() {
                found.push(difference(
                    "value",
                    &format!("{path}.length"),
                    r.len().into(),
                    o.len().into(),
                ));
            }
            for (i, (value, mine)) in r.iter().zip(o).enumerate() {
                walk(
                    value,
                    mine,
                    &format!("{path}[{i}]"),
                    method,
                    rules,
                    bindings,
                    found,
                );
            }
        }
        (r, o) if type_name(r) != type_name(o) => {
            found.push(difference("type", path, r.clone(), o.clone()));
        }
        (Value::Number(r), Value::Number(o)) if r.as_f64() == o.as_f64() => {}
        (r, o) if r != o => found.push(difference("value", path, r.clone(), o.clone())),
        _ => {}
    }
}

/// The report as a person reads it: one block per differing call.
pub fn human(report: &Report) -> String {
    let differing: std::collections::BTreeSet<usize> =
        report.differences.iter().map(|d| d.call).collect();
    let mut out = format!(
        "{} calls replayed, {} differ\n",
        report.calls,
        differing.len()
    );
    let mut last = 0;
    for d in &report.differences {
        if d.call != last {
            out.push_str(&format!("\ncall {} {}\n", d.call, d.method));
            last = d.call;
        }
        let line = match d.kind {
            "code" => format!(
                "  code: CRM.COM answered {}, the emulator {}",
                d.recorded, d.emulator
            ),
            "status" => format!(
                "  HTTP status: CRM.COM {}, the emulator {}",
                d.recorded, d.emulator
            ),
            "missing" => format!("  {}: missing in the emulator's reply", shown_path(&d.path)),
            "extra" => format!("  {}: only in the emulator's reply", shown_path(&d.path)),
            "type" => format!(
                "  {}: CRM.COM gave {}, the emulator {}",
                shown_path(&d.path),
                with_article(&type_name_of(&d.recorded)),
                with_article(&type_name_of(&d.emulator))
            ),
            _ => format!(
                "  {}: CRM.COM {}, the emulator {}",
                d.path, d.recorded, d.emulator
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `an object`, `a string`, `null`.
fn with_article(name: &str) -> String {
    match name {
        "null" => "null".into(),
        "object" | "array" => format!("an {name}"),
        other => format!("a {other}"),
    }
}

/// The reply itself is `(the reply)`.
fn shown_path(path: &str) -> &str {
    if path.is_empty() {
        "(the reply)"
    } else {
        path
    }
}

/// A type difference keeps the types' names for volatile values and the
/// values themselves otherwise.
fn type_name_of(value: &Value) -> String {
    match value {
        Value::String(name)
            if ["null", "boolean", "number", "string", "array", "object"]
                .contains(&name.as_str()) =>
        {
            name.clone()
        }
        other => type_name(other).to_string(),
    }
}

/// What `compare` is told.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// The recording.
    pub file: std::path::PathBuf,
    /// The release the emulator answers as (else `--release`'s default).
    pub release: Option<crate::core::release::Release>,
    /// The organisation its logins open (else the recorded one).
    pub organisation: Option<String>,
    /// More volatile paths (`parity/rules.json`'s shape).
    pub rules: Option<std::path::PathBuf>,
    /// The emulator's other flags, as given before the subcommand
    /// (`--fixtures` of a capture, `--dataset`, `--seed`, `--release`).
    pub config: crate::core::config::Config,
    /// The report as JSON instead of text.
    pub json: bool,
}

/// Runs a comparison and prints its report: exit code 0 when nothing
/// differs, 1 when something does, 2 when it cannot run.
pub fn run(options: CompareOptions) -> std::process::ExitCode {
    use std::process::ExitCode;
    let outcome = (|| {
        let exchanges = crate::edge::parity::exchange::read(&options.file)?;
        let rules = Rules::load(options.rules.as_deref())?;
        // In process, on a free loopback port, keeping nothing.
        let mut config = crate::core::config::Config {
            bind: "127.0.0.1".into(),
            port: 0,
            state_dir: None,
            tls: false,
            tls_cert: None,
            tls_key: None,
            watch: false,
            admin_secret: None,
            log: "off".into(),
            ..options.config.clone()
        };
        // `compare --release`, else the release the recording names, else
        // `--release` before the subcommand.
        let recorded = exchanges
            .iter()
            .find_map(|e| e.release.as_deref())
            .map(crate::core::release::Release::parse)
            .transpose()
            .map_err(|e| format!("the recording's release: {e}"))?;
        if let Some(release) = options.release.or(recorded) {
            config.release = release;
        }
        let emulator = Emulator::start(config).map_err(|e| e.to_string())?;
        compare(
            &emulator,
            &exchanges,
            options.organisation.as_deref(),
            &rules,
        )
    })();
    match outcome {
        Ok(report) => {
            let text = match options.json {
                true => serde_json::to_string_pretty(&report).unwrap_or_default(),
                false => human(&report),
            };
            println!("{}", text.trim_end());
            if report.differences.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(problem) => {
            eprintln!("crmcom-emulator compare: {problem}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_report_never_shows_the_emulators_secrets() {
        assert_eq!(
            without_secrets("data.verification_code", json!("273562")),
            json!("<redacted>")
        );
        let extra = without_secrets("data", json!({"token": "eyJx.eyJy.z", "number": "ACT1"}));
        assert_eq!(extra, json!({"token": "<redacted>", "number": "ACT1"}));
        assert_eq!(
            without_secrets("data[3].number", json!("ACT1")),
            json!("ACT1")
        );
    }
}
