//! The benchmark's ceiling: the least an actix-web JSON handler can do. It
//! parses each request body into a `serde_json::Value` and answers a
//! document of the same size as the emulator's reply, serialised from a
//! `Value` on every request. It runs with the emulator's worker count and
//! HTTP settings, so `bench/run.sh` can print every figure as a ratio to it.
//!
//! `cargo run --release --example ceiling -- PORT REPLY.json`

use actix_web::http::header::ContentType;
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse, HttpServer};
use serde_json::Value;

async fn answer(document: web::Data<Value>, body: Bytes) -> HttpResponse {
    // The same work a JSON API does at least: read the request, write a
    // reply. A body that is not JSON is still answered, as the bench sends
    // only valid ones.
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    std::hint::black_box(&request);
    match serde_json::to_vec(document.get_ref()) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type(ContentType::json())
            .body(bytes),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(18190);
    let path = args
        .next()
        .ok_or_else(|| std::io::Error::other("usage: ceiling PORT REPLY.json"))?;
    let text = std::fs::read_to_string(&path)?;
    let document: Value = serde_json::from_str(&text).map_err(std::io::Error::other)?;
    let document = web::Data::new(document);
    HttpServer::new(move || {
        App::new()
            .app_data(document.clone())
            .default_service(web::to(answer))
    })
    .workers(2)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
