//! The admin API under `/__admin` (never under `/crmapi`): one table of
//! routes, the access rule, and the dispatcher that answers every admin call
//! with the same envelope as the CRM.COM methods.

mod call;
mod controls;
mod demo;
pub mod openapi;
pub mod routes;
mod tenants;
mod ui;

pub use routes::{AdminRoute, ADMIN_PREFIX, ADMIN_ROUTES};

use crate::api::envelope;
use crate::app::state::AppState;
use crate::core::config::AdminSecret;
use crate::core::error::{ApiError, ApiResult};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use call::AdminCall;
use percent_encoding::percent_decode_str;
use routes::Answer;

/// Admin bodies may carry a whole tenant's state, so they get more room
/// than CRM.COM requests.
pub const ADMIN_MAX_BODY: usize = 64 * 1024 * 1024;

/// The header that carries `--admin-secret` (or `Authorization: Bearer`).
pub const SECRET_HEADER: &str = "x-admin-secret";

/// The path after `/__admin/`, if `path` is an admin path.
pub fn admin_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(ADMIN_PREFIX)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

/// The `{…}` values if `pattern` matches the decoded `segments`.
fn matches(pattern: &str, segments: &[String]) -> Option<Vec<String>> {
    let parts: Vec<&str> = pattern.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut args = Vec::new();
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') {
            if segment.is_empty() {
                return None;
            }
            args.push(segment.clone());
        } else if part != segment {
            return None;
        }
    }
    Some(args)
}

/// The route and its arguments, or the 404/405 error.
fn route_of(verb: &str, rest: &str) -> ApiResult<(&'static AdminRoute, Vec<String>)> {
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let candidates: Vec<(&AdminRoute, Vec<String>)> = ADMIN_ROUTES
        .iter()
        .filter_map(|r| matches(r.path, &segments).map(|args| (r, args)))
        .collect();
    if candidates.is_empty() {
        return Err(ApiError::MethodNotSupported {
            path: format!("{ADMIN_PREFIX}/{rest}"),
            unknown_path: true,
        });
    }
    let allowed: Vec<&str> = candidates.iter().map(|(r, _)| r.verb).collect();
    candidates
        .into_iter()
        .find(|(r, _)| r.verb == verb)
        .ok_or_else(|| ApiError::WrongHttpMethod {
            path: format!("{ADMIN_PREFIX}/{rest}"),
            allowed: allowed.join(" or "),
        })
}

/// Whether the admin API answers this request: always on a loopback bind
/// without a secret; with `--admin-secret`, only to requests that carry it.
pub fn check_access(bind: &str, secret: Option<&str>, presented: Option<&str>) -> ApiResult<()> {
    match secret {
        Some(secret) => {
            let ok = presented.is_some_and(|p| crate::core::secret::secrets_equal(p, secret));
            if ok {
                Ok(())
            } else {
                Err(ApiError::AdminForbidden(
                    "send the --admin-secret value in the X-Admin-Secret header",
                ))
            }
        }
        None if is_loopback(bind) => Ok(()),
        None => Err(ApiError::AdminForbidden(
            "the emulator is bound to a non-loopback address: start it with --admin-secret",
        )),
    }
}

/// Whether `bind` only reaches this machine.
pub fn is_loopback(bind: &str) -> bool {
    bind.eq_ignore_ascii_case("localhost")
        || bind
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The secret a request presents, from either header.
fn presented_secret(req: &HttpRequest) -> Option<&str> {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    header(SECRET_HEADER).or_else(|| {
        header(header::AUTHORIZATION.as_str()).and_then(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim())
        })
    })
}

/// Answers one admin request.
pub async fn dispatch(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    rest: &str,
) -> HttpResponse {
    let config = &state.config;
    if ui::is_page(req.method().as_str(), rest) {
        return ui::page();
    }
    let result = async {
        check_access(
            &config.bind,
            config.admin_secret.as_ref().map(AdminSecret::as_str),
            presented_secret(req),
        )?;
        let (route, args) = route_of(req.method().as_str(), rest)?;
        let limit = ADMIN_MAX_BODY.max(config.max_body_bytes);
        let body = crate::edge::body::read_body(req, payload, limit, config).await?;
        let call = AdminCall {
            args,
            query: req.query_string(),
            body: &body,
        };
        match route.answer {
            Answer::Handler(handler) => {
                crate::core::error::guarded(|| handler(state, &call)).map(|data| (false, data))
            }
            // Tools import the document as it is, without the envelope.
            Answer::Document => Ok((true, crate::edge::openapi::document())),
        }
    }
    .await;
    match result {
        Ok((true, data)) => HttpResponse::Ok().json(data),
        Ok((false, data)) => envelope::ok(Some(&data)).into_response(),
        Err(e) => envelope::error(&e.for_admin()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_binds_open_the_admin_api_without_a_secret() {
        assert!(check_access("127.0.0.1", None, None).is_ok());
        assert!(check_access("::1", None, None).is_ok());
        assert!(check_access("localhost", None, None).is_ok());
        assert!(check_access("0.0.0.0", None, None).is_err());
        assert!(check_access("192.168.1.5", None, None).is_err());
        assert!(check_access("0.0.0.0", Some("s3"), Some("s3")).is_ok());
        assert!(check_access("127.0.0.1", Some("s3"), None).is_err());
        assert!(check_access("127.0.0.1", Some("s3"), Some("s4")).is_err());
    }

    #[test]
    fn paths_match_their_patterns_with_decoded_arguments() {
        let (route, args) =
            route_of("POST", "tenants/Acme%20Ltd/snapshots/demo/restore/").expect("route");
        assert_eq!(
            route.path,
            "tenants/{organisation}/snapshots/{name}/restore"
        );
        assert_eq!(args, ["Acme Ltd", "demo"]);
        assert!(matches!(
            route_of("PATCH", "clock"),
            Err(ApiError::WrongHttpMethod { allowed, .. }) if allowed == "GET or POST"
        ));
        assert!(matches!(
            route_of("GET", "nope"),
            Err(ApiError::MethodNotSupported { .. })
        ));
    }
}
