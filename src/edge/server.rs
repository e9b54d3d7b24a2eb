//! The HTTP server: every request passes the gate (Host, CORS, the request
//! log); the OpenAPI document, the admin scope and, for everything else,
//! the CRM.COM call answer it.

use crate::app::state::AppState;
use crate::edge::exposure::Exposure;
use crate::edge::{admin, crm_call, gate, openapi};
use actix_web::dev::Server;
use actix_web::http::KeepAlive;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
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

/// Builds the HTTP server on an already bound listener.
pub fn serve(state: Arc<AppState>, listener: TcpListener, stop: StopOn) -> std::io::Result<Server> {
    let data = web::Data::from(state.clone());
    // The Host and CORS rules are the edge's: the state does not hold them.
    let exposure = Arc::new(Exposure::new(&state.config));
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(from_fn({
                let exposure = exposure.clone();
                move |req, next| gate::gate(exposure.clone(), req, next)
            }))
            .route(openapi::PATH, web::to(openapi::reply))
            .service(admin::scope())
            .default_service(web::to(crm_call::crm_call))
    })
    .keep_alive(match state.config.keep_alive_secs {
        0 => KeepAlive::Disabled,
        secs => KeepAlive::Timeout(Duration::from_secs(secs)),
    })
    .client_request_timeout(Duration::from_millis(state.config.header_timeout_ms))
    .shutdown_timeout(state.config.shutdown_timeout_secs)
    .listen(listener)?;
    if let Some(workers) = state.config.workers {
        server = server.workers(workers.max(1));
    }
    server = match stop {
        StopOn::Signals(stopping) => server.shutdown_signal(stopping),
        StopOn::Handle => server.disable_signals(),
    };
    Ok(server.run())
}
