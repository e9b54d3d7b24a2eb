//! The admin API under `/__admin` (never under `/crmapi`): one table of
//! routes, the access rule, and the dispatcher that answers every admin call
//! with the same envelope as the CRM.COM methods.

mod controls;
mod demo;
pub mod openapi;
mod tenants;
mod ui;

use crate::api::envelope;
use crate::app::state::AppState;
use crate::core::config::AdminSecret;
use crate::core::error::{ApiError, ApiResult};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where the admin API lives.
pub const ADMIN_PREFIX: &str = "/__admin";

/// Admin bodies may carry a whole tenant's state, so they get more room
/// than CRM.COM requests.
pub const ADMIN_MAX_BODY: usize = 64 * 1024 * 1024;

/// The header that carries `--admin-secret` (or `Authorization: Bearer`).
pub const SECRET_HEADER: &str = "x-admin-secret";

/// One admin call: the path's `{…}` values in order, the query and the body.
pub struct AdminCall<'a> {
    pub args: Vec<String>,
    pub query: &'a str,
    pub body: &'a [u8],
}

impl AdminCall<'_> {
    /// The body as `T`; an empty body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self) -> ApiResult<T> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            self.body
        };
        serde_json::from_slice(body).map_err(|e| ApiError::admin(format!("body: {e}")))
    }

    /// The query as name → value (later duplicates win).
    pub fn query(&self) -> ApiResult<serde_json::Map<String, Value>> {
        crate::api::params::Params::from_query(self.query).map(|p| p.as_map().clone())
    }
}

/// A whole-number parameter of a `query`, when given.
fn query_number(query: &serde_json::Map<String, Value>, name: &str) -> ApiResult<Option<u64>> {
    query
        .get(name)
        .and_then(Value::as_str)
        .map(|text| {
            text.parse::<u64>()
                .map_err(|_| ApiError::admin(format!("{name}: a whole number is expected")))
        })
        .transpose()
}

type AdminHandler = fn(&AppState, &AdminCall) -> ApiResult<Value>;

/// An admin route: verb, path after `/__admin/` (`{name}` matches one
/// segment), what it does, and its handler.
pub struct AdminRoute {
    pub verb: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    handler: AdminHandler,
    /// Answers its data alone, without the envelope (the OpenAPI document,
    /// which tools import as is).
    bare: bool,
}

const fn r(
    verb: &'static str,
    path: &'static str,
    summary: &'static str,
    handler: AdminHandler,
) -> AdminRoute {
    AdminRoute {
        verb,
        path,
        summary,
        handler,
        bare: false,
    }
}

/// Every admin route; the README's admin table follows this order.
pub const ADMIN_ROUTES: &[AdminRoute] = &[
    r(
        "GET",
        "health",
        "Readiness, version, emulated release and tenant count",
        tenants::health,
    ),
    r(
        "GET",
        "tenants",
        "Every tenant with its counts",
        tenants::list,
    ),
    r(
        "POST",
        "reset",
        "Every tenant back to the fixtures",
        tenants::reset_all,
    ),
    r(
        "POST",
        "tenants/{organisation}/reset",
        "One tenant back to the fixtures (created if new)",
        tenants::reset,
    ),
    r(
        "DELETE",
        "tenants/{organisation}",
        "Remove a tenant and end its sessions",
        tenants::delete,
    ),
    r(
        "GET",
        "tenants/{organisation}/state",
        "Export a tenant's state (pass codes as hashes)",
        tenants::export,
    ),
    r(
        "PUT",
        "tenants/{organisation}/state",
        "Import a tenant's state (replaces it, checked first)",
        tenants::import,
    ),
    r(
        "GET",
        "tenants/{organisation}/release",
        "The CRM.COM release a tenant is answered as",
        tenants::release,
    ),
    r(
        "PUT",
        "tenants/{organisation}/release",
        "Answer a tenant as another release ({\"release\": \"R8\"}; null: back to --release)",
        tenants::set_release,
    ),
    r(
        "PUT",
        "tenants/{organisation}/dataset",
        "Seed a tenant with a dataset ({\"dataset\": \"small\", \"seed\": 7}; null: the start data) and reset it to it",
        demo::set_dataset,
    ),
    r(
        "GET",
        "tenants/{organisation}/access_tokens",
        "A tenant's access tokens with their accounts receivable (?q= search, ?limit=)",
        demo::access_tokens,
    ),
    r(
        "GET",
        "tenants/{organisation}/snapshots",
        "A tenant's saved snapshots",
        tenants::snapshots,
    ),
    r(
        "POST",
        "tenants/{organisation}/snapshots/{name}",
        "Save the tenant's state as a snapshot",
        tenants::save_snapshot,
    ),
    r(
        "POST",
        "tenants/{organisation}/snapshots/{name}/restore",
        "Restore a snapshot into the tenant",
        tenants::restore_snapshot,
    ),
    r(
        "DELETE",
        "tenants/{organisation}/snapshots/{name}",
        "Delete a snapshot",
        tenants::delete_snapshot,
    ),
    r(
        "GET",
        "clock",
        "The emulator's clock, or a tenant's (?organisation=)",
        controls::clock_show,
    ),
    r(
        "POST",
        "clock",
        "Freeze, set, advance or reset the clock (optionally one tenant's)",
        controls::clock_change,
    ),
    r(
        "GET",
        "seed",
        "The seed new tenants derive their generators from",
        controls::seed_show,
    ),
    r(
        "POST",
        "seed",
        "Reseed the generators (all, or one tenant's)",
        controls::seed_change,
    ),
    r(
        "POST",
        "tokens/expire",
        "Expire login sessions now, by token or by organisation",
        controls::expire_tokens,
    ),
    r(
        "GET",
        "journal",
        "Recorded CRM.COM calls, secrets redacted, with filters",
        controls::journal_show,
    ),
    r(
        "DELETE",
        "journal",
        "Empty the journal",
        controls::journal_clear,
    ),
    r(
        "GET",
        "faults",
        "The fault rules with their counters",
        controls::faults_show,
    ),
    r("POST", "faults", "Add a fault rule", controls::fault_add),
    r(
        "DELETE",
        "faults",
        "Remove every fault rule",
        controls::faults_clear,
    ),
    r(
        "DELETE",
        "faults/{id}",
        "Remove one fault rule",
        controls::fault_remove,
    ),
    AdminRoute {
        bare: true,
        ..r(
            "GET",
            "openapi.json",
            "This API as an OpenAPI 3.1 document (no envelope)",
            openapi::serve,
        )
    },
];

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
        crate::core::error::guarded(|| (route.handler)(state, &call)).map(|data| (route.bare, data))
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
