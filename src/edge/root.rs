//! `GET /`: where things are, for someone who opens the emulator's address
//! in a browser or with curl first.

use crate::api::envelope;
use crate::api::methods::API_PREFIX;
use crate::app::state::AppState;
use crate::edge::admin::ADMIN_PREFIX;
use actix_web::{web, HttpResponse};
use serde_json::json;

/// The envelope with the API prefix, the dashboard, the OpenAPI document,
/// the admin API's health and the emulated release.
pub async fn reply(state: web::Data<AppState>) -> HttpResponse {
    let data = json!({
        "name": "crmcom-emulator",
        "version": env!("CARGO_PKG_VERSION"),
        "release": state.config.release.to_string(),
        "api": API_PREFIX,
        "dashboard": format!("{ADMIN_PREFIX}/ui"),
        "openapi": crate::edge::openapi::PATH,
        "admin": format!("{ADMIN_PREFIX}/health"),
    });
    envelope::ok(Some(&data)).into_response()
}
