//! The dashboard at `/__admin/ui`: one page, embedded in the binary, with
//! no build step and nothing fetched from outside. It holds no data itself:
//! everything it shows comes from the admin API, under the admin API's
//! protection (it sends `X-Admin-Secret` when the person gives it one).

use actix_web::HttpResponse;

const PAGE: &str = include_str!("dashboard.html");

/// Where the dashboard lives, after `/__admin/`.
pub const PATH: &str = "ui";

pub fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // The page loads nothing from elsewhere and is never framed.
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(PAGE)
}
