//! The HTTP server: every request is first made canonical (HEAD as GET,
//! empty path segments merged, unreserved characters decoded), then passes
//! the gate (Host, CORS, the request log); the OpenAPI document, the admin
//! scope and, for everything else, the CRM.COM call answer it.
//!
//! Built from actix-server and actix-http (what actix-web's `HttpServer`
//! is made of) for one thing `HttpServer` does not let an application set:
//! the `Expect: 100-continue` answer, so that a body declared over the limit
//! is refused with the 413 envelope before the client sends it.

use crate::api::envelope;
use crate::app::state::AppState;
use crate::core::error::ApiError;
use crate::edge::admin::{ADMIN_MAX_BODY, ADMIN_PREFIX};
use crate::edge::exposure::Exposure;
use crate::edge::{admin, canonical, crm_call, gate, openapi, root};
use actix_http::{HttpMessage as _, HttpService, KeepAlive, Request, Response};
use actix_service::{fn_service, map_config};
use actix_web::body::BoxBody;
use actix_web::dev::{AppConfig, Server};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{web, App};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

/// What stops the server besides its handle.
pub enum StopOn {
    /// This future: the binary's stopping signals (`signals::stopping`).
    Signals(futures_util::future::BoxFuture<'static, ()>),
    /// Only the handle (an embedded emulator leaves its host's signals alone).
    Handle,
}

/// A refused `Expect: 100-continue`: the reply sent instead of `100`.
struct Refused(Response<BoxBody>);

impl From<Refused> for Response<BoxBody> {
    fn from(refused: Refused) -> Self {
        refused.0
    }
}

/// Answers `Expect: 100-continue`: on, unless the declared body is over the
/// limit of its path, which is answered with the 413 envelope at once (the
/// connection then closes, its body unread).
fn expect_continue(req: Request, max_body_bytes: usize) -> Result<Request, Refused> {
    let limit = if canonical::routed_path(req.path()).starts_with(ADMIN_PREFIX) {
        ADMIN_MAX_BODY.max(max_body_bytes)
    } else {
        max_body_bytes
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => {
            let reply = envelope::error(&ApiError::PayloadTooLarge { limit }).into_response();
            Err(Refused(reply.into()))
        }
        _ => Ok(req),
    }
}

/// Builds the HTTP server on already bound listeners; HTTPS with `tls`
/// (`edge::tls`).
pub fn serve(
    state: Arc<AppState>,
    listeners: Vec<TcpListener>,
    stop: StopOn,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> std::io::Result<Server> {
    let data = web::Data::from(state.clone());
    // The Host and CORS rules are the edge's: the state does not hold them.
    let exposure = Arc::new(Exposure::new(&state.config));
    let app = move || {
        App::new()
            .app_data(data.clone())
            .wrap(from_fn({
                let exposure = exposure.clone();
                move |req, next| gate::gate(exposure.clone(), req, next)
            }))
            .route(openapi::PATH, web::to(openapi::reply))
            .service(
                web::resource("/")
                    .route(web::get().to(root::reply))
                    .default_service(web::to(crm_call::crm_call)),
            )
            .service(admin::scope())
            .default_service(web::to(crm_call::crm_call))
    };
    let config = &state.config;
    let keep_alive = match config.keep_alive_secs {
        0 => KeepAlive::Disabled,
        secs => KeepAlive::Timeout(Duration::from_secs(secs)),
    };
    let header_timeout = Duration::from_millis(config.header_timeout_ms);
    let max_body_bytes = config.max_body_bytes;
    let mut builder = actix_server::Server::build().shutdown_timeout(config.shutdown_timeout_secs);
    if let Some(workers) = config.workers {
        builder = builder.workers(workers.max(1));
    }
    // Idle keep-alive connections close as soon as a stop begins (what
    // `HttpServer` does with the same signal), rather than holding the
    // stop for the whole shutdown timeout.
    let shutdown = builder.graceful_shutdown_signal();
    // One HTTP service per connection, over TCP or over TLS (the same
    // service; the two transports differ in type, hence the macro).
    macro_rules! http_service {
        ($shutdown:expr, $addr:expr, $app:expr) => {{
            let shutdown = $shutdown.clone();
            HttpService::build()
                .graceful_shutdown_signal(move || {
                    let signal = shutdown.clone();
                    async move { signal.notified().await }
                })
                .keep_alive(keep_alive)
                .client_request_timeout(header_timeout)
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr($addr)
                .expect(fn_service(move |req: Request| async move {
                    expect_continue(req, max_body_bytes)
                }))
                .finish(map_config($app(), |_| AppConfig::default()))
        }};
    }
    for listener in listeners {
        let addr = listener.local_addr()?;
        let app = app.clone();
        let shutdown = shutdown.clone();
        builder = match &tls {
            None => builder.listen("crmcom-emulator", listener, move || {
                http_service!(shutdown, addr, app).tcp()
            })?,
            Some(tls) => {
                let tls = tls.clone();
                builder.listen("crmcom-emulator", listener, move || {
                    http_service!(shutdown, addr, app).rustls_0_23((*tls).clone())
                })?
            }
        };
    }
    builder = match stop {
        StopOn::Signals(stopping) => builder.shutdown_signal(stopping),
        StopOn::Handle => builder.disable_signals(),
    };
    Ok(builder.run())
}
