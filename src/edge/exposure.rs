//! Who may talk to the emulator besides a local client: the `Host` header
//! must name the emulator (so a web page cannot reach it through DNS
//! rebinding), and a browser page may call it only from an origin CORS
//! allows. A request that passes gets the CORS headers its origin needs.

use crate::core::config::Config;
use crate::core::error::{ApiError, ApiResult};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;
use actix_web::HttpRequest;
use std::net::IpAddr;

/// The rules, computed once from the configuration.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// Lower-case host names and addresses answered besides `localhost`.
    hosts: Vec<String>,
    any_host: bool,
    /// Bound to every address (`0.0.0.0`, `::`): any IP literal names us.
    any_address: bool,
    /// Bound to loopback (`127.0.0.1`, `::1`, `localhost`).
    loopback: bool,
    /// Exact origins allowed besides local ones, lower-case, no trailing `/`.
    origins: Vec<String>,
    any_origin: bool,
    /// Serving HTTPS (`--tls`): local `https://` origins are local too.
    tls: bool,
}

/// What CORS grants a request from a browser origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// Not a cross-origin browser request: no CORS headers.
    None,
    /// This origin, with credentials (the `Authorization` header).
    Origin(String),
    /// `--cors-origin '*'`: any origin, never with credentials.
    Any,
}

impl Exposure {
    pub fn new(config: &Config) -> Exposure {
        let bind = normalise_host(&config.bind);
        let any_address = bind.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        let mut hosts: Vec<String> = config
            .allowed_hosts
            .iter()
            .map(|h| normalise_host(h.trim()))
            .collect();
        hosts.push(bind);
        Exposure {
            loopback: crate::edge::admin::is_loopback(&config.bind),
            any_host: hosts.iter().any(|h| h == "*"),
            hosts,
            any_address,
            any_origin: config.cors_origins.iter().any(|o| o.trim() == "*"),
            tls: config.serves_tls(),
            origins: config
                .cors_origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }

    /// Checks the `Host` header and the `Origin`; says which CORS headers
    /// the reply carries. A request without `Host` (HTTP/1.0) passes: no
    /// browser sends one.
    pub fn admit(&self, req: &HttpRequest) -> ApiResult<Grant> {
        let host = header_text(req.headers(), header::HOST);
        if let Some(host) = host {
            if !self.host_allowed(host) {
                return Err(ApiError::HostNotAllowed(host.to_string()));
            }
        }
        let Some(origin) = header_text(req.headers(), header::ORIGIN) else {
            return Ok(Grant::None);
        };
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        // The emulator's own pages (the dashboard) are same-origin.
        if host.is_some_and(|h| same_origin(&origin, h)) {
            return Ok(Grant::None);
        }
        if local_origin(&origin, self.tls) || self.origins.contains(&origin) {
            return Ok(Grant::Origin(origin));
        }
        if self.any_origin {
            return Ok(Grant::Any);
        }
        Err(ApiError::OriginNotAllowed(origin))
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = normalise_host(strip_port(host));
        // A loopback bind listens on both loopbacks (and `localhost` is
        // either): a client that calls `[::1]` or `127.0.0.1` literally
        // names the emulator.
        self.any_host
            || name == "localhost"
            || self.hosts.contains(&name)
            || (self.loopback && (name == "127.0.0.1" || name == "::1"))
            || (self.any_address && name.parse::<IpAddr>().is_ok())
    }
}

impl Grant {
    /// Adds this grant's headers to a reply.
    pub fn apply(&self, headers: &mut HeaderMap) {
        let origin = match self {
            Grant::None => return,
            Grant::Any => HeaderValue::from_static("*"),
            Grant::Origin(origin) => match HeaderValue::from_str(origin) {
                Ok(value) => value,
                Err(_) => return,
            },
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
        if matches!(self, Grant::Origin(_)) {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
}

/// The warning printed at start when the emulator is reachable from other
/// machines.
pub fn bind_warning(bind: &str) -> Option<String> {
    if crate::edge::admin::is_loopback(bind) {
        return None;
    }
    Some(format!(
        "warning: bound to {bind}, so other machines can reach the emulator. It answers \
         only Host names given with --allowed-host{}; the admin API needs --admin-secret.",
        if Exposure::new(&Config {
            bind: bind.to_string(),
            ..Config::default()
        })
        .any_address
        {
            " or an IP address"
        } else {
            " or the bound address"
        }
    ))
}

/// A CORS preflight: `OPTIONS` naming the method the page wants to send.
pub fn is_preflight(req: &HttpRequest) -> bool {
    req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// The headers of a preflight reply (204): the methods and request headers
/// the emulator takes, cached by the browser for ten minutes.
pub fn preflight_headers(req: &HttpRequest, headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, DELETE"),
    );
    let requested = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("Content-Type, Authorization, X-Admin-Secret"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
}

/// Chrome's Private Network Access: a page on a public origin asks, in its
/// preflight, before it may call a server on the local machine. Granted to
/// the origins the CORS rules grant.
pub fn private_network_headers(req: &HttpRequest, grant: &Grant, headers: &mut HeaderMap) {
    let asked = req
        .headers()
        .get("access-control-request-private-network")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
    if asked && !matches!(grant, Grant::None) {
        headers.insert(
            header::HeaderName::from_static("access-control-allow-private-network"),
            HeaderValue::from_static("true"),
        );
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"))
}

/// `http://localhost`, `http://127.0.0.1` and `http://[::1]`, on any port;
/// with `tls` their `https://` origins too (an https dev server calls from
/// `https://localhost:5173`).
fn local_origin(origin: &str, tls: bool) -> bool {
    let https = if tls {
        origin.strip_prefix("https://")
    } else {
        None
    };
    let Some(rest) = origin.strip_prefix("http://").or(https) else {
        return false;
    };
    let host = strip_port(rest);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]") && port_ok(&rest[host.len()..])
}

/// Whether `origin` is `http://<host>` or `https://<host>` for the
/// request's own `Host` (the dashboard served over `--tls`).
fn same_origin(origin: &str, host: &str) -> bool {
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

/// After the host: nothing, or `:` and digits.
fn port_ok(rest: &str) -> bool {
    rest.is_empty()
        || rest
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `name:port` → `name`; `[v6]:port` → `[v6]`; a bare IPv6 address stays.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

/// Lower case, no trailing dot, IPv6 without brackets.
pub(crate) fn normalise_host(host: &str) -> String {
    host.trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposure(bind: &str, hosts: &[&str], origins: &[&str]) -> Exposure {
        Exposure::new(&Config {
            bind: bind.into(),
            allowed_hosts: hosts.iter().map(|s| s.to_string()).collect(),
            cors_origins: origins.iter().map(|s| s.to_string()).collect(),
            ..Config::default()
        })
    }

    #[test]
    fn hosts_on_a_loopback_bind() {
        let e = exposure("127.0.0.1", &["emulator.test"], &[]);
        for ok in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "localhost:1",
            "LOCALHOST",
            "emulator.test:80",
            "emulator.test.",
            "[::1]:8080",
        ] {
            assert!(e.host_allowed(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:8080",
            "10.0.0.1",
            "127.0.0.2",
            "localhost.evil",
            "",
        ] {
            assert!(!e.host_allowed(refused), "{refused}");
        }
    }

    #[test]
    fn a_wildcard_bind_answers_any_address_but_not_any_name() {
        let e = exposure("0.0.0.0", &[], &[]);
        assert!(e.host_allowed("192.168.1.5:8080"));
        assert!(e.host_allowed("[fe80::1]:8080"));
        assert!(!e.host_allowed("rebind.evil.example:8080"));
        assert!(exposure("0.0.0.0", &["*"], &[]).host_allowed("anything"));
    }

    #[test]
    fn local_origins_on_any_port_and_configured_ones_exactly() {
        assert!(local_origin("http://localhost:5173", false));
        assert!(local_origin("http://127.0.0.1", false));
        assert!(local_origin("http://[::1]:3000", false));
        assert!(!local_origin("https://localhost.evil.example", true));
        assert!(!local_origin("https://localhost:5173", false));
        assert!(local_origin("https://localhost:5173", true));
        assert!(local_origin("https://[::1]:8443", true));
        assert!(!local_origin("http://localhost.evil.example", false));
        assert!(!local_origin("http://localhost:80abc", false));
        let e = exposure("127.0.0.1", &[], &["https://App.Example/"]);
        assert!(e.origins.contains(&"https://app.example".to_string()));
    }

    #[test]
    fn only_a_non_loopback_bind_warns() {
        assert_eq!(bind_warning("127.0.0.1"), None);
        assert_eq!(bind_warning("::1"), None);
        assert_eq!(bind_warning("localhost"), None);
        let warning = bind_warning("0.0.0.0").expect("0.0.0.0 warns");
        assert!(
            warning.starts_with("warning: bound to 0.0.0.0"),
            "{warning}"
        );
        assert!(warning.contains("--allowed-host"), "{warning}");
        assert!(bind_warning("192.168.1.5").is_some());
    }

    #[test]
    fn ports_are_stripped_only_when_they_are_ports() {
        assert_eq!(strip_port("a:80"), "a");
        assert_eq!(strip_port("[::1]:80"), "[::1]");
        assert_eq!(strip_port("::1"), "::1");
        assert_eq!(strip_port("a:b"), "a:b");
    }
}
