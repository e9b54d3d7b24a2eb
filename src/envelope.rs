//! The only place replies are written: the CRM.COM `status`/`data` envelope,
//! for success and for every error, on the CRM.COM methods and the admin API.

use crate::error::ApiError;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use serde_json::{json, Value};
use std::borrow::Cow;

const JSON: &str = "application/json";

/// A reply before it becomes HTTP, so the journal can keep its bytes.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub status: u16,
    /// `status.code` of the body (borrowed but for injected faults' codes,
    /// so a reply costs no allocation for it).
    pub code: Cow<'static, str>,
    pub body: Bytes,
    allow: Option<String>,
}

impl Rendered {
    pub fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut reply = HttpResponse::build(status);
        if let Some(allow) = self.allow {
            reply.insert_header(("Allow", allow));
        }
        reply.content_type(JSON).body(self.body)
    }
}

/// `{"status": OK, "data": data}`, or only the status when `data` is `None`.
pub fn ok(data: Option<&Value>) -> Rendered {
    match data.map(serde_json::to_vec).transpose() {
        Ok(bytes) => ok_serialised(bytes.as_deref(), false),
        Err(_) => error(&ApiError::Internal("reply could not be serialised".into())),
    }
}

const OK_STATUS: &[u8] = br#"{"status":{"code":"OK","message":"","description":""}"#;
/// The success status of releases before R9 (the 2014–2015 examples).
const OK_STATUS_NULLS: &[u8] = br#"{"status":{"code":"OK","message":null,"description":null}"#;

/// `ok` of `data` already serialised; `nulls`: the status of releases
/// before R9.
pub fn ok_serialised(data: Option<&[u8]>, nulls: bool) -> Rendered {
    let data = data.unwrap_or_default();
    let status = if nulls { OK_STATUS_NULLS } else { OK_STATUS };
    let mut body = Vec::with_capacity(status.len() + data.len() + 10);
    body.extend_from_slice(status);
    if !data.is_empty() {
        body.extend_from_slice(br#","data":"#);
        body.extend_from_slice(data);
    }
    body.push(b'}');
    Rendered {
        status: 200,
        code: Cow::Borrowed("OK"),
        body: body.into(),
        allow: None,
    }
}

/// The error envelope: a non-OK `status` and no `data` key.
pub fn error(err: &ApiError) -> Rendered {
    let body = json!({
        "status": {
            "code": err.code(),
            "message": err.message(),
            "description": err.description(),
        }
    });
    let allow = match err {
        ApiError::WrongHttpMethod { allowed, .. } => Some(allowed.replace(" or ", ", ")),
        _ => None,
    };
    Rendered {
        status: err.http_status(),
        code: err.static_code(),
        body: body.to_string().into(),
        allow,
    }
}
