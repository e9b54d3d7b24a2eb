//! What every request passes through, whatever answers it (an actix
//! middleware): the request made canonical (`edge::canonical`), the Host
//! and CORS rules, with refusals and preflights
//! answered here; the CORS headers of a granted origin; and the request
//! log line, which reads the call's outcome from the response.

use crate::api::envelope;
use crate::edge::exposure::{self, Exposure};
use crate::edge::request_log::{self, Outcome};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Instant;

/// The middleware, given the server's Host and CORS rules:
/// `from_fn(move |req, next| gate(exposure.clone(), req, next))`.
pub async fn gate(
    exposure: Arc<Exposure>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let arrived = Utc::now();
    crate::edge::canonical::make_canonical(&mut req);
    let grant = match exposure.admit(req.request()) {
        Ok(grant) => grant,
        Err(refused) => {
            let outcome = Outcome {
                code: Some(refused.static_code()),
                ..Outcome::default()
            };
            let response = envelope::error(&refused).into_response();
            return Ok(logged(
                req.into_response(response),
                (arrived, started),
                outcome,
            ));
        }
    };
    if exposure::is_preflight(req.request()) {
        let mut reply = HttpResponse::NoContent().finish();
        exposure::preflight_headers(req.request(), reply.headers_mut());
        exposure::private_network_headers(req.request(), &grant, reply.headers_mut());
        grant.apply(reply.headers_mut());
        return Ok(logged(
            req.into_response(reply),
            (arrived, started),
            Outcome::default(),
        ));
    }
    // actix turns a handler's or an extractor's error into a reply before
    // this (no request can be kept to do it here: routing needs the only
    // reference to it), so an `Err` does not happen.
    let mut response = next.call(req).await?.map_into_boxed_body();
    grant.apply(response.headers_mut());
    // What the CRM.COM call left for the log (admin calls leave nothing).
    let outcome = response
        .response_mut()
        .extensions_mut()
        .remove::<Outcome>()
        .unwrap_or_default();
    Ok(logged(response, (arrived, started), outcome))
}

/// Logs the call and hands its response on.
fn logged(
    response: ServiceResponse<BoxBody>,
    (arrived, started): (DateTime<Utc>, Instant),
    outcome: Outcome,
) -> ServiceResponse<BoxBody> {
    let status = response.status().as_u16();
    request_log::call(response.request(), status, arrived, started, &outcome);
    response
}
