//! The only place replies are written: the CRM.COM `status`/`data` envelope,
//! for success and for every error.

use crate::error::ApiError;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde_json::{json, Value};

const JSON: &str = "application/json";

/// `{"status": OK, "data": data}`, or only the status when `data` is `None`.
pub fn ok(data: Option<&Value>) -> HttpResponse {
    let mut body = Vec::with_capacity(1024);
    body.extend_from_slice(br#"{"status":{"code":"OK","message":"","description":""}"#);
    if let Some(data) = data {
        body.extend_from_slice(br#","data":"#);
        if serde_json::to_writer(&mut body, data).is_err() {
            return error(&ApiError::Internal("reply could not be serialised".into()));
        }
    }
    body.push(b'}');
    HttpResponse::Ok().content_type(JSON).body(body)
}

/// The error envelope: a non-OK `status` and no `data` key.
pub fn error(err: &ApiError) -> HttpResponse {
    let body = json!({
        "status": {
            "code": err.code(),
            "message": err.message(),
            "description": err.description(),
        }
    });
    let status = StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::OK);
    let mut reply = HttpResponse::build(status);
    if let ApiError::WrongHttpMethod { allowed, .. } = err {
        reply.insert_header(("Allow", allowed.replace(" or ", ", ")));
    }
    reply.content_type(JSON).body(body.to_string())
}
