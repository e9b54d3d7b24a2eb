//! The admin API's OpenAPI 3.1 document, generated from `ADMIN_ROUTES` so it
//! cannot drift from what the dispatcher serves. Served at
//! `GET /__admin/openapi.json` and committed as `openapi/admin.json`.

use super::{AdminCall, ADMIN_PREFIX, ADMIN_ROUTES};
use crate::error::ApiResult;
use crate::state::AppState;
use serde_json::{json, Map, Value};

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

fn operation(verb: &str, path: &str, summary: &str) -> Value {
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
    if let Some(body) = request_body(verb, path) {
        op["requestBody"] = body;
    }
    op
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in ADMIN_ROUTES {
        let entry = paths
            .entry(format!("{ADMIN_PREFIX}/{}", route.path))
            .or_insert_with(|| json!({}));
        entry[route.verb.to_lowercase()] = operation(route.verb, route.path, route.summary);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "crmcom-emulator admin API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Test and demo controls of crmcom-emulator. Every reply is the CRM.COM envelope."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "AdminSecret": {"type": "apiKey", "in": "header", "name": "X-Admin-Secret"}
            },
            "schemas": {
                "Envelope": {
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
                },
                "TenantState": {
                    "type": "object",
                    "required": ["format", "organisation", "reference", "access_tokens"],
                    "properties": {
                        "format": {"const": crate::snapshot::STATE_FORMAT},
                        "organisation": {"type": "string"},
                        "reference": {"type": "object"},
                        "access_tokens": {"type": "array", "items": {"type": "object"}}
                    }
                }
            }
        }
    })
}

/// `GET /__admin/openapi.json`.
pub fn serve(_: &AppState, _: &AdminCall) -> ApiResult<Value> {
    Ok(document())
}
