//! The only place replies are written: the CRM.COM `status`/`data` envelope,
//! for success and for every error, on the CRM.COM methods and the admin API.

use crate::core::error::ApiError;
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

/// What comes before a success reply's `data`.
const OK_DATA_PREFIX: &[u8] = br#"{"status":{"code":"OK","message":"","description":""},"data":"#;
const DATA_KEY: &[u8] = br#","data":"#;
/// The success status alone: the prefix without its `data` key.
const OK_STATUS: &[u8] = OK_DATA_PREFIX
    .split_at(OK_DATA_PREFIX.len() - DATA_KEY.len())
    .0;
/// The success status of releases before R9 (the 2014–2015 examples).
const OK_STATUS_NULLS: &[u8] = br#"{"status":{"code":"OK","message":null,"description":null}"#;

/// A success reply written with its envelope around the `data`, so that an
/// unchanged reply goes out as it was kept, without a copy: copying 3 KB
/// into a fresh envelope, then freeing it when the journal dropped it, was a
/// twentieth of a show's time. The `data` is a slice of the same bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Framed(Bytes);

impl Framed {
    /// A reply kept as `Framed::whole` bytes (a token's cache slot).
    pub fn kept(whole: Bytes) -> Framed {
        Framed(whole)
    }

    /// The envelope with `data` from `write`, which `capacity` should fit.
    pub fn write<E>(
        capacity: usize,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<Framed, E> {
        let mut out = Vec::with_capacity(OK_DATA_PREFIX.len() + capacity + 1);
        out.extend_from_slice(OK_DATA_PREFIX);
        write(&mut out)?;
        out.push(b'}');
        // Kept for long (a token's cache slot, the journal): no room left
        // over that those who count its length would not see.
        if out.capacity() - out.len() > 1024 {
            out.shrink_to_fit();
        }
        Ok(Framed(out.into()))
    }

    /// The `data` alone, sharing the bytes.
    pub fn data(&self) -> Bytes {
        self.0.slice(OK_DATA_PREFIX.len()..self.0.len() - 1)
    }

    /// The whole body, envelope included.
    pub fn whole(&self) -> &Bytes {
        &self.0
    }
}

/// The success reply of framed `data`; `nulls`: the status of releases
/// before R9, which needs a new envelope.
pub fn ok_framed(data: &Framed, nulls: bool) -> Rendered {
    if nulls {
        return ok_serialised(Some(&data.data()), true);
    }
    Rendered {
        status: 200,
        code: Cow::Borrowed("OK"),
        body: data.whole().clone(),
        allow: None,
    }
}

/// `ok` of `data` already serialised; `nulls`: the status of releases
/// before R9.
pub fn ok_serialised(data: Option<&[u8]>, nulls: bool) -> Rendered {
    let data = data.unwrap_or_default();
    let status = if nulls { OK_STATUS_NULLS } else { OK_STATUS };
    let mut body = Vec::with_capacity(status.len() + data.len() + 10);
    body.extend_from_slice(status);
    if !data.is_empty() {
        body.extend_from_slice(DATA_KEY);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_framed_reply_is_the_envelope_of_its_data() {
        let framed = Framed::write(8, |out| {
            out.extend_from_slice(br#"{"a":[1,2]}"#);
            Ok::<(), ()>(())
        })
        .expect("written");
        assert_eq!(&framed.data()[..], br#"{"a":[1,2]}"#);
        for nulls in [false, true] {
            let framed_body = ok_framed(&framed, nulls).body;
            let serialised_body = ok_serialised(Some(&framed.data()), nulls).body;
            assert_eq!(framed_body, serialised_body, "nulls: {nulls}");
        }
        let whole: Value = serde_json::from_slice(framed.whole()).expect("JSON");
        assert_eq!(whole["data"]["a"][1], 2);
        assert_eq!(whole["status"]["code"], "OK");
    }
}
