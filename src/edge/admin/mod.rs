//! The admin API under `/__admin` (never under `/crmapi`): an actix scope
//! made from the one table of routes, the access rule, and the answer of
//! every admin call in the same envelope as the CRM.COM methods.

mod accounts;
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
use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse};
use call::AdminCall;
use routes::Answer;

/// Admin bodies may carry a whole tenant's state, so they get more room
/// than CRM.COM requests.
pub const ADMIN_MAX_BODY: usize = 64 * 1024 * 1024;

/// The header that carries `--admin-secret` (or `Authorization: Bearer`).
pub const SECRET_HEADER: &str = "x-admin-secret";

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

/// The admin API as an actix scope: one resource per path of
/// `ADMIN_ROUTES` (with or without a trailing `/`), each verb a route; a
/// wrong verb answers the 405 envelope naming the allowed ones, an unknown
/// path the 404 envelope, both after the access rule.
pub fn scope() -> actix_web::Scope {
    // The page holds no data, so it answers before the access rule.
    let page = web::resource(vec![format!("/{}", ui::PATH), format!("/{}/", ui::PATH)])
        .route(web::get().to(|| async { ui::page() }))
        .default_service(web::to(unknown_path));
    let mut scope = web::scope(ADMIN_PREFIX).service(page);
    let mut paths: Vec<&'static str> = Vec::new();
    for route in ADMIN_ROUTES {
        if !paths.contains(&route.path) {
            paths.push(route.path);
        }
    }
    for path in paths {
        let mut resource = web::resource(vec![format!("/{path}"), format!("/{path}/")]);
        let mut allowed = Vec::new();
        for route in ADMIN_ROUTES.iter().filter(|r| r.path == path) {
            // Every verb of the table is a standard one (a test checks).
            let verb = Method::from_bytes(route.verb.as_bytes()).unwrap_or(Method::GET);
            resource = resource.route(web::method(verb).to(
                move |req: HttpRequest, payload: web::Payload, state: web::Data<AppState>| {
                    answer(route, req, payload, state)
                },
            ));
            allowed.push(route.verb);
        }
        let wrong_verb = move |req: HttpRequest, state: web::Data<AppState>| {
            let error = ApiError::WrongHttpMethod {
                path: crate::app::redaction::redacted_path(req.path()).into_owned(),
                allowed: allowed.join(" or "),
            };
            refuse(req, state, error)
        };
        scope = scope.service(resource.default_service(web::to(wrong_verb)));
    }
    scope.default_service(web::to(unknown_path))
}

/// No admin route has this path (the page has only GET): the 404 envelope,
/// after the access rule.
async fn unknown_path(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let error = ApiError::MethodNotSupported {
        path: crate::app::redaction::redacted_path(req.path()).into_owned(),
        unknown_path: true,
    };
    refuse(req, state, error).await
}

/// Whether this request may use the admin API (see `check_access`).
fn admitted(req: &HttpRequest, state: &AppState) -> ApiResult<()> {
    let config = &state.config;
    check_access(
        &config.bind,
        config.admin_secret.as_ref().map(AdminSecret::as_str),
        presented_secret(req),
    )
}

/// A request no route takes: the access rule's refusal first, else `error`.
async fn refuse(req: HttpRequest, state: web::Data<AppState>, error: ApiError) -> HttpResponse {
    let error = admitted(&req, &state).err().unwrap_or(error);
    envelope::error(&error.for_admin()).into_response()
}

/// Answers one admin call of `route`.
async fn answer(
    route: &'static AdminRoute,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let result = async {
        let config = &state.config;
        let body = if route.open {
            // Open to anyone: it reads no body (a stranger's 64 MiB, or a
            // gzip bomb, is never read or inflated).
            drop(payload);
            Default::default()
        } else {
            admitted(&req, &state)?;
            let limit = ADMIN_MAX_BODY.max(config.max_body_bytes);
            crate::edge::body::read_body(&req, payload, limit, config).await?
        };
        match route.answer {
            Answer::Handler(handler) => {
                let call = AdminCall {
                    req: &req,
                    body: &body,
                };
                let from = state.last_recorded();
                let data = crate::core::error::guarded(|| handler(&state, &call))?;
                // What the call changed is committed before it is answered.
                state
                    .committed_since(from)
                    .await
                    .map_err(ApiError::Internal)?;
                Ok(envelope::ok(Some(&data)).into_response())
            }
            Answer::Serialised(handler) => {
                let call = AdminCall {
                    req: &req,
                    body: &body,
                };
                let data = crate::core::error::guarded(|| handler(&state, &call))?;
                Ok(envelope::ok_serialised(Some(&data), false).into_response())
            }
            // Tools import the document as it is, without the envelope: the
            // bytes `/openapi.json` serves, made once.
            Answer::Document => Ok(HttpResponse::Ok()
                .content_type("application/json")
                .body(crate::edge::openapi::bytes())),
        }
    }
    .await;
    result.unwrap_or_else(|e: ApiError| envelope::error(&e.for_admin()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_admin_verb_is_a_standard_http_method() {
        for route in ADMIN_ROUTES {
            let verb = Method::from_bytes(route.verb.as_bytes()).expect(route.verb);
            assert_eq!(verb.as_str(), route.verb);
            assert!(["GET", "POST", "PUT", "DELETE"].contains(&route.verb));
        }
    }

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
}
