//! The parity harness with a second emulator as the "real" CRM.COM:
//! recording through the proxy, comparing a recording with the emulator in
//! the same and in older releases, a fault upstream, and no secret of the
//! upstream session in any file the harness writes.

use crate::helpers::{request_to, spawn_with, Started, TestApp};
use crmcom_emulator::testing::{shows_reply_field, success_status_is_text, METHODS};
use crmcom_emulator::{Config, Release};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The upstream's own secrets: none of them may reach a file the harness
/// writes.
const PASSWORD: &str = "Upstream-Pa55word";
const PASS_CODE: &str = "Parity-Pass-77";
const WEB_API_KEY: &str = "EE73C0AE64524371B5DDEFF5F7BB2192";

/// A directory of its own for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crmcom-parity-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An upstream whose user has a password of its own.
fn upstream(dir: &Path) -> TestApp {
    let fixtures = dir.join("upstream-fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    let mut users: Value = serde_json::from_str(include_str!("../../fixtures/users.json")).unwrap();
    users[0]["password"] = PASSWORD.into();
    std::fs::write(fixtures.join("users.json"), users.to_string()).unwrap();
    spawn_with(Config {
        fixtures: Some(fixtures),
        seed: Some(5),
        ..Config::default()
    })
}

/// The proxy, recording to `out`, in front of `upstream`.
struct Proxy(Started, u16);

impl Proxy {
    fn start(upstream: &TestApp, out: &Path) -> Proxy {
        let started = Started::start(
            &[
                "record",
                "--upstream",
                &format!("http://127.0.0.1:{}", upstream.emulator.port()),
                "--out",
                out.to_str().unwrap(),
                "--port",
                "0",
            ],
            &[],
        );
        let port = started
            .port()
            .unwrap_or_else(|| panic!("record: {}", started.first));
        Proxy(started, port)
    }

    /// Sends one call through the proxy; answers (status, raw body).
    fn call(
        &self,
        verb: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> (u16, Vec<u8>) {
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let mut all = vec![("Content-Type", "application/json")];
        all.extend_from_slice(headers);
        let reply = request_to(self.1, verb, path, &all, &body);
        (reply.status, reply.body.clone())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.child.kill();
        let _ = self.0.child.wait();
    }
}

const API: &str = "/crmapi/rest/v2";

/// A session of a consumer app's back office, through the proxy: what it
/// sent and got, in order, plus every secret the upstream gave out.
fn session(proxy: &Proxy) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let mut seen = Vec::new();
    let mut secrets = vec![
        PASSWORD.to_string(),
        PASS_CODE.to_string(),
        WEB_API_KEY.to_string(),
    ];
    let mut post = |method: &str, body: Value, headers: &[(&str, &str)]| {
        let (status, bytes) = proxy.call("POST", &format!("{API}/{method}"), headers, &body);
        assert_eq!(status, 200, "{method}");
        seen.push((method.to_string(), bytes.clone()));
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    let login = post(
        "authentication/token",
        json!({"username": "MPAdministrator", "password": PASSWORD, "organisation": "parity"}),
        &[],
    );
    let token = login["data"]["token"].as_str().unwrap().to_string();
    secrets.push(token.clone());
    let shown = post(
        "access_tokens/show",
        json!({"token": token, "access_token_identifier": {"authentication_code": "7"}}),
        &[],
    );
    secrets.push(
        shown["data"]["verification_code"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    post(
        "access_tokens/create",
        json!({"token": token, "identifier": "parity@example.com", "pass_code": PASS_CODE,
               "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
        &[],
    );
    let otp = post(
        "access_tokens/generate_otp",
        json!({"token": token, "access_token_identifier": {"authentication_code": "117"}}),
        &[],
    );
    secrets.push(
        otp["data"]["one_time_password"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let reset = post(
        "access_tokens/reset_verification_code",
        json!({"token": token, "authentication_code": "7"}),
        &[],
    );
    secrets.push(
        reset["data"]["verification_code"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let basic = format!("Basic {}", base64_of(&format!("{WEB_API_KEY}:")));
    let key_login = post(
        "authentication/web_api_key/token",
        json!({"organisation": "parity"}),
        &[("Authorization", basic.as_str())],
    );
    secrets.push(key_login["data"]["token"].as_str().unwrap().to_string());
    secrets.push(basic);
    let query = format!("token={token}&accounts_receivable_identifier=number=ACR0000000007");
    let (status, bytes) = proxy.call(
        "GET",
        &format!("{API}/access_tokens/list?{query}"),
        &[],
        &Value::Null,
    );
    assert_eq!(status, 200);
    seen.push(("access_tokens/list".into(), bytes));
    let (_, bytes) = proxy.call(
        "GET",
        &format!("{API}/access_tokens/configuration/classifications/list?token={token}"),
        &[],
        &Value::Null,
    );
    seen.push((
        "access_tokens/configuration/classifications/list".into(),
        bytes,
    ));
    (seen, secrets)
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Runs `compare` on `recording` with `args`; answers its JSON report and
/// exit code.
fn compare(recording: &Path, args: &[&str]) -> (Value, i32) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crmcom-emulator"))
        .arg("compare")
        .arg(recording)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code().unwrap_or(-1))
}

/// Every line of the recording.
fn recording(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `recorded` equals `direct` but where it holds a placeholder, which must
/// stand for a string or number.
fn same_but_placeholders(recorded: &Value, direct: &Value, path: &str) {
    match (recorded, direct) {
        (Value::String(r), d) if r.starts_with("<<secret:") => {
            assert!(d.is_string() || d.is_number(), "{path}: {d}")
        }
        (Value::Object(r), Value::Object(d)) => {
            assert_eq!(r.len(), d.len(), "{path}");
            for (k, v) in r {
                same_but_placeholders(v, &d[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(r), Value::Array(d)) => {
            assert_eq!(r.len(), d.len(), "{path}");
            for (i, (a, b)) in r.iter().zip(d).enumerate() {
                same_but_placeholders(a, b, &format!("{path}[{i}]"));
            }
        }
        (r, d) => assert_eq!(r, d, "{path}"),
    }
}

#[test]
fn a_recording_answers_as_upstream_compares_clean_and_holds_no_secret() {
    let dir = scratch("clean");
    let upstream = upstream(&dir);
    let file = dir.join("session.jsonl");
    let proxy = Proxy::start(&upstream, &file);
    let (seen, secrets) = session(&proxy);

    // The proxy answers byte for byte what the upstream answers: a read
    // made through it and directly.
    // (with the session's own login: the recording knows it)
    let token = &secrets[3];
    let show = json!({"token": token, "access_token_identifier": {"authentication_code": "117"}});
    let (_, through) = proxy.call("POST", &format!("{API}/access_tokens/show"), &[], &show);
    let direct = request_to(
        upstream.emulator.port(),
        "POST",
        &format!("{API}/access_tokens/show"),
        &[("Content-Type", "application/json")],
        show.to_string().as_bytes(),
    );
    assert_eq!(through, direct.body);
    drop(proxy);

    // Each recorded reply is what the client got, secrets replaced.
    let lines = recording(&file);
    assert_eq!(lines.len(), seen.len() + 1);
    for (line, (method, bytes)) in lines.iter().zip(&seen) {
        assert!(line["path"].as_str().unwrap().ends_with(method.as_str()));
        let got: Value = serde_json::from_slice(bytes).unwrap();
        same_but_placeholders(&line["reply"], &got, method);
    }
    // The login token is one placeholder wherever it went.
    let placeholder = lines[0]["reply"]["data"]["token"].as_str().unwrap();
    assert_eq!(lines[1]["request"]["token"], placeholder);
    assert!(
        lines[6]["query"].as_str().unwrap().contains(placeholder),
        "{}",
        lines[6]
    );

    // The same release: nothing differs.
    let (report, code) = compare(&file, &[]);
    assert_eq!(report["differences"], json!([]), "{report}");
    assert_eq!((report["calls"].clone(), code), (json!(lines.len()), 0));

    // No secret of the upstream session in the recording or the reports.
    let human = std::process::Command::new(env!("CARGO_BIN_EXE_crmcom-emulator"))
        .args(["compare", file.to_str().unwrap(), "--release", "R8"])
        .output()
        .unwrap();
    let written = [
        std::fs::read_to_string(&file).unwrap(),
        report.to_string(),
        String::from_utf8_lossy(&human.stdout).into_owned(),
    ];
    for secret in &secrets {
        for text in &written {
            assert!(!text.contains(secret.as_str()), "{secret} written");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_older_emulator_differs_exactly_as_the_release_table_says() {
    let dir = scratch("releases");
    let upstream = upstream(&dir);
    let file = dir.join("session.jsonl");
    let proxy = Proxy::start(&upstream, &file);
    session(&proxy);
    drop(proxy);
    let lines = recording(&file);
    for release in ["R8", "R13"] {
        let older = Release::parse(release).unwrap();
        let mut predicted = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let path = line["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("/crmapi/rest/v2/");
            let method = METHODS.iter().find(|m| m.path == path).unwrap();
            let call = i + 1;
            if !method.available_in(older) {
                predicted.push((call, "code".to_string(), "status.code".to_string()));
                continue;
            }
            if !success_status_is_text(older) {
                predicted.push((call, "type".into(), "status.description".into()));
                predicted.push((call, "type".into(), "status.message".into()));
            }
            let token_reply = path.starts_with("access_tokens/") && !path.contains("configuration");
            let data = &line["reply"]["data"];
            let objects: Vec<(String, &Value)> = match data {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("data[{i}]"), v))
                    .collect(),
                other => vec![("data".to_string(), other)],
            };
            for (at, object) in objects {
                for key in object.as_object().into_iter().flatten().map(|(k, _)| k) {
                    let later = method.missing_fields(older).any(|f| f == key)
                        || (token_reply && !shows_reply_field(older, key));
                    if later {
                        predicted.push((call, "missing".into(), format!("{at}.{key}")));
                    }
                }
            }
        }
        let (report, code) = compare(&file, &["--release", release]);
        let mut found: Vec<(usize, String, String)> = report["differences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    usize::try_from(d["call"].as_u64().unwrap()).unwrap(),
                    d["kind"].as_str().unwrap().to_string(),
                    d["path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        found.sort();
        predicted.sort();
        assert_eq!(found, predicted, "{release}: {report}");
        assert_eq!(code, if predicted.is_empty() { 0 } else { 1 });
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_different_error_code_upstream_is_the_one_difference_and_names_both_codes() {
    let dir = scratch("fault");
    let upstream = upstream(&dir);
    upstream.admin_ok(
        "POST",
        "faults",
        Some(
            &json!({"method": "access_tokens/configuration/classifications/list",
            "error_code": "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDTOKENEXCEPTION", "count": 1}),
        ),
    );
    let file = dir.join("session.jsonl");
    let proxy = Proxy::start(&upstream, &file);
    session(&proxy);
    drop(proxy);
    let (report, code) = compare(&file, &[]);
    let differences = report["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 1, "{report}");
    let only = &differences[0];
    assert_eq!(
        (
            only["call"].clone(),
            only["method"].clone(),
            only["kind"].clone()
        ),
        (
            json!(8),
            json!("access_tokens/configuration/classifications/list"),
            json!("code")
        )
    );
    assert_eq!(
        only["recorded"],
        "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDTOKENEXCEPTION"
    );
    assert_eq!(only["emulator"], "OK");
    assert_eq!(code, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `capture` of `recording` into `to`.
fn capture(recording: &Path, to: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_crmcom-emulator"))
        .arg("capture")
        .arg(recording)
        .arg("--to")
        .arg(to)
        .output()
        .unwrap()
}

/// Every value a recording's replies hold under a personal field.
fn personal_values(lines: &[Value]) -> std::collections::BTreeSet<String> {
    const PERSONAL: [&str; 12] = [
        "first_name",
        "middle_name",
        "last_name",
        "name",
        "person_name",
        "company_name",
        "email",
        "email_address",
        "id_number",
        "passport_number",
        "social_security_number",
        "identifier",
    ];
    const NOT_PEOPLE: [&str; 10] = [
        "country_of_residence",
        "id_issued_by_country",
        "passport_issued_by_country",
        "created_by_unit",
        "updated_by_unit",
        "classification",
        "privacy_level",
        "industry",
        "industry_sector",
        "currency",
    ];
    fn walk(value: &Value, key: &str, out: &mut std::collections::BTreeSet<String>) {
        match value {
            // Countries, units, classifications, currencies: not people.
            Value::Object(_) if NOT_PEOPLE.contains(&key) => {}
            Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, k, out)),
            Value::Array(items) => items.iter().for_each(|v| walk(v, key, out)),
            Value::String(text) if PERSONAL.contains(&key) && text.len() > 3 => {
                out.insert(text.clone());
            }
            Value::String(text) if key == "number" && text.starts_with('+') => {
                out.insert(text.clone());
            }
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for line in lines {
        walk(&line["reply"], "", &mut out);
    }
    out
}

#[test]
fn a_capture_of_a_dataset_loads_as_fixtures_and_holds_none_of_its_people() {
    let dir = scratch("capture");
    let upstream = spawn_with(Config {
        dataset: Some(crmcom_emulator::Dataset::parse("small").unwrap()),
        seed: Some(9),
        ..Config::default()
    });
    let file = dir.join("session.jsonl");
    let proxy = Proxy::start(&upstream, &file);
    let (_, login) = {
        let (status, bytes) = proxy.call(
            "POST",
            &format!("{API}/authentication/token"),
            &[],
            &json!({"username": "MPAdministrator", "password": "1234", "organisation": "demo"}),
        );
        (status, serde_json::from_slice::<Value>(&bytes).unwrap())
    };
    let token = login["data"]["token"].as_str().unwrap().to_string();
    // The generated accounts (ACR005000 on), their tokens, owners and contacts.
    for number in ["ACR005000", "ACR005001", "ACR005002", "ACR005003"] {
        let query = format!("token={token}&accounts_receivable_identifier=number={number}");
        proxy.call(
            "GET",
            &format!("{API}/access_tokens/list?{query}"),
            &[],
            &Value::Null,
        );
        let (_, bytes) = proxy.call(
            "POST",
            &format!("{API}/accounts_receivable/show"),
            &[],
            &json!({"token": token, "accounts_receivable_identifier": {"number": number}}),
        );
        let account: Value = serde_json::from_slice(&bytes).unwrap();
        let owner = account["data"]["account_owner"]["id"].as_str().unwrap();
        proxy.call(
            "GET",
            &format!("{API}/contact_information/show?token={token}&contact_information_identifier=id={owner}"),
            &[],
            &Value::Null,
        );
    }
    drop(proxy);

    let to = dir.join("captured");
    let out = capture(&file, &to);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "access_tokens.json",
        "accounts_receivable.json",
        "contact_information.json",
    ] {
        let entities: Value =
            serde_json::from_str(&std::fs::read_to_string(to.join(file)).unwrap()).unwrap();
        assert!(
            entities.as_array().unwrap().len() >= 4,
            "{file}: {entities}"
        );
    }

    // It loads as fixtures: the captured account answers, with its tokens.
    let captured = spawn_with(Config {
        fixtures: Some(to.clone()),
        ..Config::default()
    });
    let token = captured.login("captured");
    let (_, listed) = captured.get(
        "access_tokens/list",
        &format!("token={token}&accounts_receivable_identifier=number=ACR005000"),
    );
    assert_eq!(listed["status"]["code"], "OK", "{listed}");
    assert!(!listed["data"].as_array().unwrap().is_empty(), "{listed}");

    // None of the upstream's people: every name, e-mail, phone and
    // identity number the recording holds (but what the emulator ships,
    // which the capture keeps for its own logins) is gone.
    let shipped: String = ["users.json", "units.json", "countries.json"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("fixtures")
                    .join(f),
            )
            .unwrap()
        })
        .collect();
    let people: Vec<String> = personal_values(&recording(&file))
        .into_iter()
        .filter(|v| !shipped.contains(v.as_str()))
        .collect();
    assert!(people.len() > 20, "{people:?}");
    let written: String = std::fs::read_dir(&to)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for person in &people {
        assert!(
            !written.contains(person.as_str()),
            "{person} is in the capture"
        );
    }
    // The same recording captures to the same files.
    let again = dir.join("again");
    assert!(capture(&file, &again).status.success());
    for entry in std::fs::read_dir(&to).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(again.join(name)).unwrap(),
            "{name:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_consumer_session_with_refused_logins_and_an_emailed_password_compares_clean() {
    let dir = scratch("consumer");
    let upstream = spawn_with(Config::default());
    let file = dir.join("session.jsonl");
    let proxy = Proxy::start(&upstream, &file);
    let key = format!("Basic {}", base64_of("C0A5F1E2D3B4A5968778695A4B3C2D1E:"));
    let post = |method: &str, body: Value, headers: &[(&str, &str)]| -> Value {
        let (_, bytes) = proxy.call("POST", &format!("{API}/{method}"), headers, &body);
        serde_json::from_slice(&bytes).unwrap()
    };
    let org = json!("consumer-parity");
    let code = |reply: &Value| reply["status"]["code"].as_str().unwrap().to_string();
    // A refused login and a refused key stay refused when replayed.
    let refused = post(
        "authentication/token",
        json!({"username": "MPAdministrator", "password": "wrong", "organisation": org}),
        &[],
    );
    assert_eq!(
        code(&refused),
        "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDCREDENTIALSEXCEPTION"
    );
    let bad_key = format!("Basic {}", base64_of("DEADBEEF:"));
    post(
        "authentication/web_api_key/token",
        json!({"organisation": org}),
        &[("Authorization", bad_key.as_str())],
    );
    let login = post(
        "authentication/token",
        json!({"username": "MPAdministrator", "password": "1234", "organisation": org}),
        &[],
    );
    let token = login["data"]["token"].as_str().unwrap().to_string();
    // A consumer of a token that existed before, by its pass code.
    let existing = post(
        "authentication/consumer_application_key/token",
        json!({"organisation": org, "access_token_identifier": {"identifier": "pk6@crm.com", "pass_code": "1234"}}),
        &[("Authorization", key.as_str())],
    );
    assert_eq!(code(&existing), "OK", "{existing}");
    // The README's forgotten pass code: an e-mailed one-time password.
    post(
        "access_tokens/create",
        json!({"token": token, "identifier": "kathy.app@example.com", "pass_code": "first-1",
               "accounts_receivable_identifier": {"number": "ACR0000000007"}}),
        &[],
    );
    post(
        "access_tokens/forgot_pass_code",
        json!({"token": token, "identifier": "kathy.app@example.com"}),
        &[],
    );
    let outbox = upstream.admin_ok(
        "GET",
        "tenants/consumer-parity/outbox?recipient=kathy.app",
        None,
    );
    let content = outbox["communications"][0]["content"].as_str().unwrap();
    let otp: String = content
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .unwrap()
        .to_string();
    let app = post(
        "authentication/consumer_application_key/token",
        json!({"organisation": org, "access_token_identifier": {"one_time_password": otp}}),
        &[("Authorization", key.as_str())],
    );
    assert_eq!(code(&app), "OK", "{app}");
    let changed = post(
        "access_tokens/change_pass_code",
        json!({"token": app["data"]["token"], "pass_code": "second-2"}),
        &[],
    );
    assert_eq!(code(&changed), "OK", "{changed}");
    drop(proxy);

    let (report, exit) = compare(&file, &[]);
    assert_eq!(report["differences"], json!([]), "{report}");
    assert_eq!(exit, 0);
    let recorded = std::fs::read_to_string(&file).unwrap();
    for secret in [otp.as_str(), "first-1", "second-2", token.as_str()] {
        assert!(!recorded.contains(secret), "{secret} recorded");
    }

    // One show is enough for a capture that loads (the files it does not
    // see are written empty, not left to the shipped ones).
    let single = dir.join("single.jsonl");
    let proxy = Proxy::start(&upstream, &single);
    proxy.call(
        "POST",
        &format!("{API}/access_tokens/show"),
        &[],
        &json!({"token": token, "access_token_identifier": {"authentication_code": "7"}}),
    );
    drop(proxy);
    let out = capture(&single, &dir.join("captured"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A second capture into the same directory is refused, not mixed in.
    let again = capture(&single, &dir.join("captured"));
    assert_eq!(again.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
