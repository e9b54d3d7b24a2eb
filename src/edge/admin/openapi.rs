//! The admin API's part of the OpenAPI document (the whole document is
//! made in `edge/openapi.rs`), generated from `ADMIN_ROUTES` so it cannot
//! drift from what the dispatcher serves.

use super::routes::{Answer, ADMIN_PREFIX, ADMIN_ROUTES};
use serde_json::{json, Value};

/// The request body each admin route takes, if any.
fn request_body(verb: &str, path: &str) -> Option<Value> {
    let schema = match (verb, path) {
        ("PUT", "tenants/{organisation}/state") => {
            json!({"$ref": "#/components/schemas/TenantState"})
        }
        ("POST", "clock") => json!({
            "type": "object", "additionalProperties": false,
            "properties": {
                "organisation": {"type": "string"},
                "reset": {"type": "boolean"},
                "freeze": {"type": "boolean"},
                "set": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"},
                "advance_seconds": {"type": "integer"}
            }
        }),
        ("PUT", "tenants/{organisation}/release") => json!({
            "type": "object", "additionalProperties": false, "required": ["release"],
            "properties": {
                "release": {"type": ["string", "null"], "pattern": "^[Rr]?[0-9]+(\\.[0-9]+){0,2}$"}
            }
        }),
        ("PUT", "tenants/{organisation}/dataset") => json!({
            "type": "object", "additionalProperties": false,
            "properties": {
                "dataset": {"type": ["string", "null"], "enum": ["small", "large", null]},
                "seed": {"type": "integer", "minimum": 0}
            }
        }),
        ("POST", "seed") => json!({
            "type": "object", "additionalProperties": false,
            "properties": {
                "seed": {"type": ["integer", "null"], "minimum": 0},
                "organisation": {"type": "string"}
            }
        }),
        ("POST", "tokens/expire") => json!({
            "type": "object",
            "properties": {"token": {"type": "string"}, "organisation": {"type": "string"}},
            "oneOf": [{"required": ["token"]}, {"required": ["organisation"]}]
        }),
        ("POST", "faults") => json!({
            "type": "object", "additionalProperties": false,
            "properties": {
                "method": {"type": "string"},
                "organisation": {"type": "string"},
                "latency_ms": {"oneOf": [
                    {"type": "integer", "minimum": 0, "maximum": 300000},
                    {"type": "object", "required": ["min", "max"], "properties": {
                        "min": {"type": "integer", "minimum": 0},
                        "max": {"type": "integer", "maximum": 300000}}}
                ]},
                "error_code": {"type": "string"},
                "message": {"type": "string"},
                "http_status": {"type": "integer", "minimum": 500, "maximum": 599},
                "drop_connection": {"type": "boolean"},
                "panic": {"type": "boolean"},
                "probability": {"type": "number", "minimum": 0, "maximum": 1},
                "count": {"type": "integer", "minimum": 0}
            }
        }),
        _ => return None,
    };
    Some(json!({"required": true, "content": {"application/json": {"schema": schema}}}))
}

fn operation(verb: &str, path: &str, summary: &str, bare: bool) -> Value {
    let parameters: Vec<Value> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    let envelope = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}})
    };
    let mut op = json!({
        "summary": summary,
        "operationId": format!("{}_{}", verb.to_lowercase(),
            path.replace(['{', '}'], "").replace('/', "_")),
        "parameters": parameters,
        "responses": {
            "200": envelope("OK: `data` holds the answer"),
            "400": envelope("The request cannot be carried out"),
            "403": envelope("Admin API closed to this request"),
            "404": envelope("Unknown tenant, snapshot, fault or path"),
        },
        "security": [{}, {"AdminSecret": []}],
    });
    if bare {
        op["responses"]["200"] = json!({"description": "The document itself, without the envelope",
            "content": {"application/json": {"schema": {"type": "object"}}}});
    }
    if let Some(body) = request_body(verb, path) {
        op["requestBody"] = body;
    }
    op
}

/// The admin routes, by path.
pub fn paths() -> Vec<(String, Value)> {
    let mut paths: Vec<(String, Value)> = Vec::new();
    for route in ADMIN_ROUTES {
        let path = format!("{ADMIN_PREFIX}/{}", route.path);
        let bare = matches!(route.answer, Answer::Document);
        let operation = operation(route.verb, route.path, route.summary, bare);
        match paths.iter_mut().find(|(p, _)| *p == path) {
            Some((_, item)) => item[route.verb.to_lowercase()] = operation,
            None => {
                let mut item = json!({});
                item[route.verb.to_lowercase()] = operation;
                paths.push((path, item));
            }
        }
    }
    paths
}

/// The schemas the admin routes refer to.
pub fn schemas() -> Vec<(String, Value)> {
    vec![
        (
            "Envelope".into(),
            json!({
                "type": "object",
                "required": ["status"],
                "properties": {
                    "status": {
                        "type": "object",
                        "required": ["code", "message", "description"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "description": {"type": "string"}
                        }
                    },
                    "data": {}
                }
            }),
        ),
        (
            "TenantState".into(),
            json!({
                "type": "object",
                "required": ["format", "organisation", "reference", "access_tokens"],
                "properties": {
                    "format": {"const": crate::app::snapshot::STATE_FORMAT},
                    "organisation": {"type": "string"},
                    "reference": {"type": "object"},
                    "access_tokens": {"type": "array", "items": {"type": "object"}}
                }
            }),
        ),
    ]
}
