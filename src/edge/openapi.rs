//! The OpenAPI 3.1 document of everything the emulator answers, generated
//! from the route tables (`methods::METHODS`, `admin::ADMIN_ROUTES`) and the
//! JSON Schemas under `schemas/`, so it is never written twice. Served at
//! `GET /openapi.json` (and `/__admin/openapi.json`), committed as
//! `openapi.json`.
//!
//! Each schema file becomes one component, named after its path
//! (`replies/access_token.json` → `replies_access_token`), and each of its
//! `$defs` another (`common_status`), their `$ref`s rewritten to point
//! inside the document. A reply projected by `fields_set`
//! may lack fields, so methods that take `fields_set` also accept a copy of
//! their reply schema without `required` (suffix `_projected`).

use crate::api::methods::reply_schemas;
use crate::api::methods::{Method, Verb, API_PREFIX, METHODS};
use crate::api::requests::{self, request_schema};
use crate::api::schemas::SHARED;
use crate::core::release_facts::since_text;
use serde_json::{json, Map, Value};

const COMPONENTS: &str = "#/components/schemas/";
const PROJECTED: &str = "_projected";

/// `replies/access_token.json` → `replies_access_token`.
fn component_name(file: &str) -> String {
    file.trim_end_matches(".json").replace('/', "_")
}

/// A schema file's `$ref` as a reference to a top-level component:
/// `#/$defs/x` in `common.json` and `../common.json#/$defs/x` both become
/// `common_x`, `../access_token.json` becomes `access_token`. Every
/// component is top-level: some OpenAPI tools (Prism) cannot follow
/// references into a component's own `$defs`.
fn rewrite_ref(reference: &str, own: &str, suffix: &str) -> String {
    let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let base = if file.is_empty() {
        own.to_string()
    } else {
        component_name(file.trim_start_matches("../"))
    };
    match pointer.strip_prefix("/$defs/") {
        Some(def) => format!("{COMPONENTS}{base}_{def}{suffix}"),
        None => format!("{COMPONENTS}{base}{suffix}"),
    }
}

/// A schema (a file or one of its `$defs`) as a component: no `$id`,
/// `$schema` or `$defs` (those become components of their own), references
/// rewritten; with `projected`, no `required` anywhere and references to the
/// projected copies.
fn component(value: &Value, own: &str, projected: bool) -> Value {
    let suffix = if projected { PROJECTED } else { "" };
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                match key.as_str() {
                    "$id" | "$schema" | "$defs" | "methods" => {}
                    "required" if projected => {}
                    "$ref" => {
                        let reference = v.as_str().unwrap_or_default();
                        out.insert(key.clone(), json!(rewrite_ref(reference, own, suffix)));
                    }
                    _ => {
                        out.insert(key.clone(), component(v, own, projected));
                    }
                }
            }
            // `$ref` beside other keywords is JSON Schema 2020-12, but
            // some OpenAPI tools (Redocly, Prism) read a `$ref` as the
            // whole schema and drop its neighbours; `allOf` says the same
            // to all of them (`unevaluatedProperties` sees into it).
            if out.len() > 1 {
                if let Some(reference) = out.remove("$ref") {
                    let mut all = vec![json!({"$ref": reference})];
                    if let Some(Value::Array(more)) = out.remove("allOf") {
                        all.extend(more);
                    }
                    out.insert("allOf".into(), Value::Array(all));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| component(v, own, projected)).collect())
        }
        other => other.clone(),
    }
}

/// Every schema file and each of its `$defs` as components (with projected
/// copies of the reply schemas), plus the request of each method, keyed
/// `request_<path>`.
fn schema_components() -> Map<String, Value> {
    let mut components = Map::new();
    let replies = reply_schemas();
    let files = SHARED
        .iter()
        .copied()
        .chain(replies.iter().map(|r| (r.file, r.text)));
    for (file, text) in files {
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let name = component_name(file);
        let requests = file == "requests.json";
        let variants: &[bool] = if requests { &[false] } else { &[false, true] };
        for &projected in variants {
            let suffix = if projected { PROJECTED } else { "" };
            if !requests {
                components.insert(
                    format!("{name}{suffix}"),
                    component(&value, &name, projected),
                );
            }
            for (def, schema) in value["$defs"].as_object().into_iter().flatten() {
                components.insert(
                    format!("{name}_{def}{suffix}"),
                    component(schema, &name, projected),
                );
            }
        }
    }
    for method in METHODS {
        components.insert(
            request_component(method.path),
            component(&request_schema(method), "requests", false),
        );
    }
    components
}

fn request_component(path: &str) -> String {
    format!("request_{}", path.replace('/', "_"))
}

fn envelope_ref(name: &str) -> Value {
    json!({"$ref": format!("{COMPONENTS}{name}")})
}

/// The replies a CRM.COM method can give: its own (projected when it takes
/// `fields_set`) or the error envelope, on HTTP 200; the error envelope on
/// every other status.
fn crm_responses(route: &Method) -> Value {
    let reply = component_name(route.reply.file);
    let mut ok = vec![envelope_ref(&reply)];
    if route.fields_set {
        ok.push(envelope_ref(&format!("{reply}{PROJECTED}")));
    }
    ok.push(envelope_ref("ErrorEnvelope"));
    let error = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": envelope_ref("ErrorEnvelope")}}})
    };
    json!({
        "200": {"description": "The reply, or a CRM.COM error: errors answer HTTP 200 with the error envelope",
                "content": {"application/json": {"schema": {"anyOf": ok}}}},
        "403": error("Host or Origin not allowed"),
        "404": error("Unknown path"),
        "405": error("Wrong HTTP verb"),
        "408": error("The body did not arrive in time"),
        "413": error("Body over the size limit"),
        "500": error("Internal error, or a fault injected through the admin API"),
    })
}

/// A GET method's parameters as query parameters; an identifier object
/// travels as `name=field=value`.
fn query_parameters(request: &Value, defs: &Value) -> Vec<Value> {
    let required: Vec<&str> = request["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut parameters = Vec::new();
    for (name, schema) in request["properties"].as_object().into_iter().flatten() {
        let def = schema["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .map(|d| &defs[d]);
        let schema = match def {
            Some(def) if def["type"] == "object" => {
                let fields: Vec<&str> = def["properties"]
                    .as_object()
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                json!({"type": "string", "pattern": format!("^({})=.+$", fields.join("|")),
                       "description": format!("field=value, the field one of {}", fields.join(", "))})
            }
            Some(def) => json!({"type": "string", "description": def["description"]}),
            None => schema.clone(),
        };
        parameters.push(json!({
            "name": name, "in": "query", "required": required.contains(&name.as_str()),
            "schema": schema,
        }));
    }
    parameters
}

/// What the declaration says beyond the parameters' types: its notes, the
/// semi-optional groups, the releases, its later parameters.
fn description(route: &Method) -> String {
    let mut text = route.notes.to_string();
    if !route.resolves.is_empty() {
        let codes: Vec<String> = route
            .resolves
            .iter()
            .map(|entity| format!("`{}`", entity.code().code))
            .collect();
        text.push_str(&format!(
            "\n\nAn identifier that names nothing answers {}.",
            codes.join(", ")
        ));
    }
    for group in route.semi_optional {
        text.push_str(&format!("\n\nExactly one of: {}.", group.join(", ")));
    }
    text.push_str(&format!(
        "\n\nIn CRM.COM from {}; deprecated from {}.",
        since_text(route.since),
        route.deprecated
    ));
    for later in route.later_parameters {
        text.push_str(&format!(
            "\n\n`{}` from {} ({}).",
            later.name,
            since_text(later.since),
            later.note
        ));
    }
    text.trim_start().to_string()
}

/// Every method's examples (`schemas/examples.json`, made by the test
/// `openapi_examples` from the documented requests): by method path, by
/// example name, a `summary`, the `request` and the `reply`.
fn examples() -> &'static Value {
    static EXAMPLES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EXAMPLES.get_or_init(|| {
        serde_json::from_str(include_str!("../../schemas/examples.json")).unwrap_or(Value::Null)
    })
}

/// The method's examples as OpenAPI Example objects of `part` (`request`
/// or `reply`).
fn example_objects(route: &Method, part: &str) -> Value {
    let mut objects = Map::new();
    for (name, example) in examples()[route.path].as_object().into_iter().flatten() {
        objects.insert(
            name.clone(),
            json!({"summary": example["summary"], "value": example[part]}),
        );
    }
    Value::Object(objects)
}

/// A GET parameter's example: the first example's value, an identifier
/// object as CRM.COM's `field=value`.
fn query_example(route: &Method, name: &str) -> Option<Value> {
    let first = examples()[route.path].as_object()?.values().next()?;
    match &first["request"][name] {
        Value::Null => None,
        Value::Object(fields) => {
            let (field, value) = fields.iter().next()?;
            Some(json!(format!(
                "{field}={}",
                value.as_str().map_or(value.to_string(), str::to_string)
            )))
        }
        value => Some(value.clone()),
    }
}

fn crm_operation(route: &Method, verb: Verb) -> Value {
    let mut op = json!({
        "operationId": format!("{}_{}", verb.as_str().to_lowercase(), route.path.replace('/', "_")),
        "summary": route.summary,
        "description": description(route),
        "tags": [route.tag],
        "responses": crm_responses(route),
    });
    match verb {
        Verb::Get => {
            let mut parameters =
                query_parameters(&request_schema(route), &requests::file()["$defs"]);
            for parameter in &mut parameters {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                if let Some(example) = query_example(route, &name) {
                    parameter["example"] = example;
                }
            }
            op["parameters"] = json!(parameters);
        }
        _ => {
            op["requestBody"] = json!({
                "required": !route.empty_body_ok,
                "content": {"application/json": {
                    "schema": envelope_ref(&request_component(route.path)),
                    "examples": example_objects(route, "request"),
                }}
            })
        }
    }
    op["responses"]["200"]["content"]["application/json"]["examples"] =
        example_objects(route, "reply");
    if route.application_key {
        op["security"] = json!([{"ApplicationKey": []}]);
    }
    op
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in METHODS {
        let mut item = Map::new();
        let verbs: &[Verb] = match route.verb {
            Verb::Any => &[Verb::Post, Verb::Get],
            Verb::Get => &[Verb::Get],
            Verb::Post => &[Verb::Post],
        };
        for verb in verbs {
            item.insert(verb.as_str().to_lowercase(), crm_operation(route, *verb));
        }
        paths.insert(format!("{API_PREFIX}{}", route.path), Value::Object(item));
    }
    for (path, item) in crate::edge::admin::openapi::paths() {
        paths.insert(path, item);
    }
    let mut schemas = schema_components();
    schemas.insert(
        "ErrorEnvelope".into(),
        json!({"$ref": format!("{COMPONENTS}common_error_envelope")}),
    );
    for (name, schema) in crate::edge::admin::openapi::schemas() {
        schemas.insert(name, schema);
    }
    let mut document = json!({
        "openapi": "3.1.0",
        "servers": [{
            "url": "{scheme}://{host}:{port}",
            "description": "The emulator as `npx crmcom-emulator`, `docker run -p 8080:8080` or `cargo run --release` start it",
            "variables": {
                "scheme": {"default": "http", "enum": ["http", "https"], "description": "`https` with `--tls`"},
                "host": {"default": "localhost", "description": "`localhost`, or a name given with `--allowed-host`"},
                "port": {"default": "8080", "description": "`--port`"}
            }
        }],
        // The CRM.COM methods' login token is a parameter, not a
        // credential OpenAPI can declare (see the description); the
        // application keys and the admin secret are declared per operation.
        "security": [{}],
        "info": {
            "title": "crmcom-emulator",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The CRM.COM Web API methods the emulator answers (logins, access tokens, and a consumer's account, contact, participant, wallet and communications), and its admin API. Every reply is the CRM.COM envelope; CRM.COM errors answer HTTP 200.\n\n**The login token.** `authentication/token` (a user name and password), `authentication/web_api_key/token` and `authentication/consumer_application_key/token` (an application key as the HTTP Basic user name) answer `data.token`, the login token. Every other CRM.COM method takes it as its `token` parameter: in the JSON body of a POST, in the query of a GET. It is not a header, so the operations declare it as a parameter, not as a security scheme. It lasts `--token-lifetime` seconds (from R12; before, until an hour unused), and `authentication/token/release` ends it.",
            "license": {"name": "MIT", "identifier": "MIT"}
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "AdminSecret": {"type": "apiKey", "in": "header", "name": "X-Admin-Secret"},
                "ApplicationKey": {"type": "http", "scheme": "basic",
                    "description": "A web API key or consumer application key as the Basic user name, no password. The shipped fixtures' web API key is `EE73C0AE64524371B5DDEFF5F7BB2192`, their consumer application key `C0A5F1E2D3B4A5968778695A4B3C2D1E`."}
            },
            "schemas": schemas
        }
    });
    keep_reachable_components(&mut document);
    document
}

/// Drops the components no operation reaches (a schema file of `$defs`
/// only, projected copies of replies without `fields_set`, the requests of
/// GET methods, which become query parameters).
fn keep_reachable_components(document: &mut Value) {
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => {
                            found.push(r.trim_start_matches(COMPONENTS).to_string())
                        }
                        _ => refs(v, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut pending = Vec::new();
    refs(&document["paths"], &mut pending);
    let mut reached = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            refs(&document["components"]["schemas"][&name], &mut pending);
        }
    }
    if let Some(schemas) = document["components"]["schemas"].as_object_mut() {
        schemas.retain(|name, _| reached.contains(name));
    }
}

/// Where the document is served.
pub const PATH: &str = "/openapi.json";

/// The document's bytes, built once.
pub fn bytes() -> actix_web::web::Bytes {
    static BYTES: std::sync::OnceLock<actix_web::web::Bytes> = std::sync::OnceLock::new();
    BYTES
        .get_or_init(|| serde_json::to_vec(&document()).unwrap_or_default().into())
        .clone()
}

/// `GET /openapi.json`; any other verb is the 405 envelope.
pub async fn reply(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    if req.method() != actix_web::http::Method::GET {
        let wrong = crate::core::error::ApiError::WrongHttpMethod {
            path: PATH.into(),
            allowed: "GET".into(),
        };
        return crate::api::envelope::error(&wrong).into_response();
    }
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(bytes())
}
