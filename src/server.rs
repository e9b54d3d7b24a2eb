//! The HTTP side: one dispatcher that routes every request through the route
//! table, so unknown paths, wrong verbs, oversize and malformed bodies all
//! answer the same envelope as business errors.

use crate::envelope;
use crate::error::{ApiError, ApiResult};
use crate::fields_set;
use crate::params::Params;
use crate::routes::{self, Handler, Reply, Request, Route, Verb, API_PREFIX};
use crate::state::AppState;
use actix_web::dev::Server;
use actix_web::http::{header, Method};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use futures_util::StreamExt;
use std::net::TcpListener;
use std::sync::Arc;

/// Reads the body, refusing more than `limit` bytes.
async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> ApiResult<Vec<u8>> {
    let too_large = ApiError::PayloadTooLarge { limit };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large);
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::InvalidRequest("the request body could not be read".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The route for this request, or the 404/405 error.
fn route_of(req: &HttpRequest) -> ApiResult<&'static Route> {
    let path = req.path();
    let not_found = || ApiError::MethodNotSupported {
        path: path.to_string(),
        unknown_path: true,
    };
    let route = path
        .strip_prefix(API_PREFIX)
        .and_then(routes::find)
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
async fn params_of(
    req: &HttpRequest,
    payload: web::Payload,
    route: &Route,
    limit: usize,
) -> ApiResult<Params> {
    let body = read_body(req, payload, limit).await?;
    if req.method() == Method::GET {
        return Params::from_query(req.query_string());
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("invalid"));
    Params::from_body(&body, content_type, route.empty_body_ok)
}

/// Runs one CRM.COM method: handler, schema check, `fields_set`, envelope.
fn run(state: &AppState, route: &Route, request: &Request) -> ApiResult<Option<serde_json::Value>> {
    // fields_set is read before the handler runs, so a bad one never follows
    // a write; for session routes the token is checked before both.
    let fields = || {
        if route.fields_set {
            request.params.fields_set()
        } else {
            Ok(None)
        }
    };
    let (reply, fields) = match route.handler {
        Handler::Public(handler) => {
            let fields = fields()?;
            (handler(state, request)?, fields)
        }
        Handler::Session(handler) => {
            let caller = state.authenticate(&request.params)?;
            let fields = fields()?;
            (handler(state, &caller, request)?, fields)
        }
    };
    match reply {
        Reply::StatusOnly => Ok(None),
        Reply::Data(mut data) => {
            if let Err(violation) = state.schemas.check_data(route.schema, &data) {
                if state.config.strict_schemas {
                    return Err(ApiError::SchemaViolation(format!(
                        "{}: {violation}",
                        route.path
                    )));
                }
                eprintln!(
                    "schema violation in the reply of {}: {violation}",
                    route.path
                );
            }
            if let Some(names) = fields {
                fields_set::project(&mut data, &names);
            }
            Ok(Some(data))
        }
    }
}

async fn dispatch(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let route = match route_of(&req) {
        Ok(route) => route,
        Err(e) => return envelope::error(&e).into_response(),
    };
    let params = match params_of(&req, payload, route, state.config.max_body_bytes).await {
        Ok(params) => params,
        Err(e) => return envelope::error(&e).into_response(),
    };
    let request = Request {
        params,
        authorization: req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    };
    envelope::result(&run(&state, route, &request)).into_response()
}

/// Builds the HTTP server on an already bound listener.
pub fn serve(state: Arc<AppState>, listener: TcpListener) -> std::io::Result<Server> {
    let data = web::Data::from(state.clone());
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::to(dispatch))
    })
    .listen(listener)?;
    if let Some(workers) = state.config.workers {
        server = server.workers(workers.max(1));
    }
    Ok(server.run())
}
