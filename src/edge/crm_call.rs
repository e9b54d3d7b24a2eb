//! A CRM.COM call over HTTP: the method's declaration for the path and
//! verb, the body and parameters, faults, then `api::run` for the method
//! itself, the envelope and the journal; so unknown paths, wrong verbs,
//! oversize and malformed bodies answer the same envelope as business
//! errors.

use crate::api::call::{Request, Written};
use crate::api::envelope::{self, Framed};
use crate::api::methods::{self, Verb, API_PREFIX};
use crate::api::params::Params;
use crate::api::run::{run, Bound};
use crate::app::faults::Outcome;
use crate::app::journal::CallRecord;
use crate::app::journal_text;
use crate::app::state::AppState;
use crate::core::error::{guarded, ApiError, ApiResult};
use crate::core::release::Release;
use crate::core::release_facts::Behaviour;
use crate::edge::body::read_body;
use crate::edge::canonical;
use crate::edge::request_log;
use actix_web::http::{header, Method};
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use std::time::Instant;

/// The route for this request, or the 404/405 error.
fn route_of(req: &HttpRequest) -> ApiResult<&'static methods::Method> {
    let path = req.path();
    let not_found = || ApiError::MethodNotSupported {
        path: crate::app::redaction::redacted_path(path).into_owned(),
        unknown_path: true,
    };
    let route = path
        .strip_prefix(API_PREFIX)
        .and_then(methods::find)
        .ok_or_else(not_found)?;
    let verb_ok = match route.verb {
        Verb::Get => req.method() == Method::GET,
        Verb::Post => req.method() == Method::POST,
        Verb::Any => req.method() == Method::GET || req.method() == Method::POST,
    };
    if !verb_ok {
        return Err(ApiError::WrongHttpMethod {
            path: route.path.to_string(),
            allowed: route.verb.as_str().to_string(),
        });
    }
    Ok(route)
}

/// Reads the parameters: the query for GET, the JSON body for POST.
fn params_of(req: &HttpRequest, body: &[u8], route: &methods::Method) -> ApiResult<Params> {
    if req.method() == Method::GET {
        return Params::from_query(req.query_string());
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("invalid"));
    Params::from_body(body, content_type, route.empty_body_ok)
}

/// What the journal learns about a call while it is answered.
#[derive(Default)]
struct Trace {
    method: Option<&'static str>,
    organisation: Option<String>,
    fault: Option<u64>,
    body: Bytes,
    /// The request as the journal keeps it, made from the parsed
    /// parameters (redacted JSON text) when they parsed.
    journal_request: Option<Bytes>,
    /// The release the call is answered as.
    release: Option<Release>,
}

/// How a CRM.COM call ends.
enum Answer {
    Reply(ApiResult<Option<Framed>>),
    /// An injected fault closes the connection without a reply.
    Drop,
}

async fn answer(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    trace: &mut Trace,
) -> Answer {
    let route = match route_of(req) {
        Ok(route) => route,
        Err(e) => return Answer::Reply(Err(e)),
    };
    trace.method = Some(route.path);
    let body = match read_body(req, payload, state.config.max_body_bytes, &state.config).await {
        Ok(body) => body,
        Err(e) => return Answer::Reply(Err(e)),
    };
    trace.body = body.clone();
    let params = match params_of(req, &body, route) {
        Ok(params) => params,
        Err(e) => return Answer::Reply(Err(e)),
    };
    if state.journal.is_on() {
        // What was sent, before a release drops what it does not know.
        let sent = if body.is_empty() {
            req.query_string().len()
        } else {
            body.len()
        };
        trace.journal_request = Some(journal_text::params_json(params.as_map(), sent));
    }
    let mut request = Request {
        params,
        authorization: req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    };
    let written = Written::default();
    let cx = state.context_writing(&written);
    let bound = Bound::of(&cx, route, &request);
    trace.organisation = match &bound {
        Bound::Session(_, Ok(caller)) => Some(caller.tenant.organisation.clone()),
        Bound::Session(_, Err(_)) => None,
        // A login names its organisation in the body, or its key does.
        Bound::Public(_) => crate::api::authentication::login_organisation(&cx, &request),
    };
    let release = match (&bound, &trace.organisation) {
        (Bound::Session(_, Ok(caller)), _) => caller.release,
        (_, Some(organisation)) => state.release_of(organisation),
        (_, None) => state.config.release,
    };
    trace.release = Some(release);
    // What the release does not know yet, it ignores.
    for path in route.missing_parameters(release) {
        request.params.remove_path(path);
    }
    let mut panic = false;
    if let Some(hit) = state.faults.hit(route.path, trace.organisation.as_deref()) {
        trace.fault = Some(hit.fault);
        if let Some(latency) = hit.latency {
            actix_web::rt::time::sleep(latency).await;
        }
        match hit.outcome {
            Outcome::Proceed => {}
            Outcome::Panic => panic = true,
            Outcome::Fail(e) => return Answer::Reply(Err(e)),
            Outcome::Drop => return Answer::Drop,
        }
    }
    let result = guarded(|| {
        if panic {
            panic!("a fault rule made {} panic", route.path);
        }
        run(&cx, route, &request, bound, release)
    });
    // With --state-dir, what the call changed is committed before it is
    // answered.
    if let Err(problem) = state.committed(written.ticket()).await {
        return Answer::Reply(Err(ApiError::Internal(problem)));
    }
    Answer::Reply(result)
}

/// A reply whose body fails before its first byte: actix then closes the
/// connection, and the client sees it drop.
fn dropped_connection() -> HttpResponse {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by a fault"))
    });
    HttpResponse::Ok().streaming(failing)
}

/// Every request that is neither the admin API nor the OpenAPI document:
/// a CRM.COM call, answered, then journaled; its outcome is left in the
/// response for the request log.
pub async fn crm_call(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let started = Instant::now();
    let arrived = Utc::now();
    let req = &req;
    let state = &**state;
    let mut trace = Trace::default();
    let answer = answer(req, payload, state, &mut trace).await;
    let (response, status, code, reply) = match answer {
        Answer::Reply(result) => {
            let nulls = trace
                .release
                .is_some_and(|r| !r.has(Behaviour::EmptyStringSuccessStatus));
            let mut rendered = match &result {
                Ok(Some(data)) => envelope::ok_framed(data, nulls),
                Ok(None) => envelope::ok_serialised(None, nulls),
                Err(e) => envelope::error(e),
            };
            let reply = rendered.body.clone();
            let (status, code) = (rendered.status, std::mem::take(&mut rendered.code));
            (rendered.into_response(), status, code, reply)
        }
        Answer::Drop => (dropped_connection(), 0, "DROPPED".into(), Bytes::new()),
    };
    if state.journal.is_on() {
        let path;
        let sent = canonical::sent_method(req);
        let call = CallRecord {
            organisation: trace.organisation.as_deref(),
            method: match trace.method {
                Some(method) => method,
                None => {
                    path = crate::app::redaction::redacted_path(req.path());
                    &path
                }
            },
            http_method: sent.as_str(),
            http_status: status,
            status_code: &code,
            latency_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            fault: trace.fault,
        };
        let request = trace
            .journal_request
            .take()
            .unwrap_or_else(|| journal_text::request_json(&trace.body, req.query_string()));
        state.journal.record(arrived, call, request, &reply);
    }
    let mut response = response;
    response.extensions_mut().insert(request_log::Outcome {
        code: Some(code),
        organisation: trace.organisation,
    });
    response
}
