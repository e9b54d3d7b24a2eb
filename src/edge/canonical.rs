//! Requests as servlet containers see them, before anything routes them:
//! HEAD is answered as GET without the body (on every GET route), and
//! percent-encoded unreserved characters in the path are decoded (RFC 3986
//! §6.2.2.2: `access%5Ftokens` is `access_tokens`, while `%2F` stays a
//! literal), and empty segments merge (`v2//authentication` is
//! `v2/authentication`).

use actix_web::dev::ServiceRequest;
use actix_web::http::uri::{PathAndQuery, Uri};
use actix_web::http::Method;
use actix_web::HttpMessage as _;

/// The verb a request was sent with, when `make_canonical` changed it.
#[derive(Clone)]
struct SentMethod(Method);

/// The verb the client sent (`HEAD` for one answered as `GET`).
pub fn sent_method(req: &actix_web::HttpRequest) -> Method {
    use actix_web::HttpMessage as _;
    req.extensions()
        .get::<SentMethod>()
        .map_or_else(|| req.method().clone(), |sent| sent.0.clone())
}

/// Makes `req` canonical, before routing: the gate calls it first (one
/// middleware less on every request than a layer of its own).
pub fn make_canonical(req: &mut ServiceRequest) {
    // The connection remembers the request was HEAD and sends no body;
    // the log and the journal read it back from `SentMethod`.
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
        req.extensions_mut().insert(SentMethod(Method::HEAD));
    }
    if let Some(path) = canonical_path(req.path()) {
        let mut parts = req.head().uri.clone().into_parts();
        let with_query = match parts.path_and_query.as_ref().and_then(|pq| pq.query()) {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        // Decoding only unreserved characters keeps a valid path valid.
        if let Some(uri) = PathAndQuery::from_maybe_shared(with_query)
            .ok()
            .and_then(|pq| {
                parts.path_and_query = Some(pq);
                Uri::from_parts(parts).ok()
            })
        {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        }
    }
}

/// `path` as routing sees it: unreserved characters decoded and empty
/// segments merged (also for decisions made before this middleware runs,
/// such as the `Expect: 100-continue` answer).
pub fn routed_path(path: &str) -> String {
    canonical_path(path).unwrap_or_else(|| path.to_string())
}

/// `path` made canonical, or `None` when it already is (nearly always:
/// the check is two scans). Merging by hand rather than through actix's
/// `NormalizePath`, whose regular expression ran on every request and cost
/// about 5 % of the show figure (BENCHMARKS.md, 12:27 profile).
fn canonical_path(path: &str) -> Option<String> {
    let decoded = decoded_unreserved(path);
    let current = decoded.as_deref().unwrap_or(path);
    if !current.contains("//") {
        return decoded;
    }
    let mut merged = String::with_capacity(current.len());
    for c in current.chars() {
        if !(c == '/' && merged.ends_with('/')) {
            merged.push(c);
        }
    }
    Some(merged)
}

/// `path` with every `%XX` that encodes an unreserved character (letters,
/// digits, `-`, `.`, `_`, `~`) decoded; `None` when there is none.
fn decoded_unreserved(path: &str) -> Option<String> {
    if !path.contains('%') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| path.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(|b| b.is_ascii_alphanumeric() || b"-._~".contains(b));
        match decoded {
            Some(b) => {
                out.push(char::from(b));
                changed = true;
                i += 3;
            }
            None => {
                let len = path[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&path[i..i + len]);
                i += len;
            }
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_are_decoded() {
        assert_eq!(
            decoded_unreserved("/crmapi/rest/v2/access%5Ftokens/list").as_deref(),
            Some("/crmapi/rest/v2/access_tokens/list")
        );
        assert_eq!(decoded_unreserved("/a%2Fb%20c%25").as_deref(), None);
        assert_eq!(
            decoded_unreserved("/%61%2f%7E%2D%2e").as_deref(),
            Some("/a%2f~-.")
        );
        assert_eq!(decoded_unreserved("/plain"), None);
        assert_eq!(decoded_unreserved("/%6"), None);
    }

    #[test]
    fn the_routed_path_is_decoded_and_merged() {
        assert_eq!(routed_path("//%5F_admin//tenants/x"), "/__admin/tenants/x");
        assert_eq!(routed_path("/a/b/"), "/a/b/");
        assert_eq!(canonical_path("/crmapi/rest/v2/access_tokens/show"), None);
        assert_eq!(canonical_path("/a//b///c").as_deref(), Some("/a/b/c"));
    }
}
