//! Where the emulator listens: the `--bind` address and port, and for the
//! IPv4 loopback (the default) the IPv6 loopback on the same port too, so
//! a client that resolves `localhost` to `::1` first is answered.

use std::net::{Ipv4Addr, Ipv6Addr, TcpListener};

/// The listeners for `bind`:`port`; the first is the one asked for, whose
/// failure is the error. The IPv6 loopback is added when it can be bound
/// (a machine without IPv6, or a port another program holds there, keeps
/// the IPv4 one alone).
pub fn listeners(bind: &str, port: u16) -> std::io::Result<Vec<TcpListener>> {
    // `localhost` may resolve to `::1` first: bind both loopbacks by
    // address, IPv4 first, so that `127.0.0.1` always answers.
    let first = if bind == "localhost" {
        TcpListener::bind((Ipv4Addr::LOCALHOST, port))?
    } else {
        TcpListener::bind((bind, port))?
    };
    let mut all = vec![first];
    if matches!(bind, "127.0.0.1" | "localhost") {
        let port = all[0].local_addr()?.port();
        match TcpListener::bind((Ipv6Addr::LOCALHOST, port)) {
            Ok(v6) => all.push(v6),
            Err(e) => tracing::debug!("not also listening on [::1]:{port}: {e}"),
        }
    }
    Ok(all)
}

/// `bind` as the host of a URL: an IPv6 address in brackets
/// (`http://[::1]:8080`).
pub fn url_host(bind: &str) -> String {
    if bind.contains(':') && !bind.starts_with('[') {
        format!("[{bind}]")
    } else {
        bind.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_are_bracketed_in_urls() {
        assert_eq!(url_host("::1"), "[::1]");
        assert_eq!(url_host("127.0.0.1"), "127.0.0.1");
        assert_eq!(url_host("localhost"), "localhost");
        assert_eq!(url_host("[::1]"), "[::1]");
    }
}
