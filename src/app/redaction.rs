//! Secrets out of everything the emulator keeps or shows besides the
//! documented replies (the journal, the request log): which names are
//! secrets, and a request path with their values replaced
//! (`app::redacted_json` redacts JSON by these names).

/// Shown instead of every secret.
pub const REDACTED: &str = "<redacted>";

/// What every secret name holds once folded (lower case, letters and digits
/// only): login tokens and JWTs, passwords (one-time passwords too), pass
/// codes (`random_pass_code`, `new-pass-code`), verification codes, web API
/// and other keys, and anything called a secret.
const SECRET_FRAGMENTS: [&str; 5] = ["jwt", "password", "passcode", "verificationcode", "secret"];

/// Folded names that are secrets as a whole or as a name's end (`token`,
/// `refresh_token`, `tokens`, `otp`, `web_api_key`, `pwd`, `card_pin`), not inside longer ones
/// (`access_token_identifier`, `keyword`).
const SECRET_ENDINGS: [&str; 11] = [
    "token",
    "tokens",
    "otp",
    "otps",
    "key",
    "keys",
    "authorization",
    "passwords",
    "pwd",
    "passwd",
    "pin",
];

/// Folded names that are secrets as a whole: a communication's `content`
/// carries the verification code or one-time password it sent.
const SECRET_NAMES: [&str; 1] = ["content"];

/// Folded names that are secrets as a name's start: `token_value`,
/// `otp_code`, `otpCode`.
const SECRET_STARTS: [&str; 2] = ["token", "otp"];

/// `Pass-Code`, `PASS_CODE` and `passCode` all fold to `passcode`.
fn folded(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `f` of `name` folded, without allocating for names up to 64 letters
/// and digits (the journal folds every key of every request it records).
fn with_folded<R>(name: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 64];
    let mut len = 0;
    for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
        if len == buf.len() {
            return f(&folded(name));
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    f(std::str::from_utf8(&buf[..len]).unwrap_or_default())
}

/// Whether a parameter or reply key names a secret, whatever its case and
/// its `_`, `-` or other separators: `token`, `TOKEN`, `Password`,
/// `one-time-password`, `random_pass_code`, `web_api_key`.
pub fn is_secret(key: &str) -> bool {
    with_folded(key, |key| {
        SECRET_FRAGMENTS.iter().any(|f| key.contains(f))
            || SECRET_ENDINGS.iter().any(|e| key.ends_with(e))
            || SECRET_STARTS.iter().any(|s| key.starts_with(s))
            || SECRET_NAMES.contains(&key)
    })
}

/// Whether a string value carries a secret by name, as a GET query's nested
/// identifiers do: `one_time_password=036246`, or
/// `access_token_identifier=pass_code=1234` (any name before the last `=`).
pub(crate) fn names_a_secret(value: &str) -> bool {
    let mut parts = value.split('=');
    parts.next_back();
    parts.any(is_secret)
}

/// A request path as the log, the journal and error descriptions show it:
/// a `name=value` piece whose name is a secret (a client that joins its
/// query with `&` or `;` sends `…/list&token=…`) has its value redacted,
/// and so does a segment that is a JWT (`eyJ…`, two dots).
pub fn redacted_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.contains('=') && !path.contains("eyJ") {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    let mut piece = String::new();
    let flush = |piece: &mut String, out: &mut String| {
        let decoded = percent_encoding::percent_decode_str(piece).decode_utf8_lossy();
        let jwt = decoded.starts_with("eyJ") && decoded.matches('.').count() == 2;
        match piece.split_once('=') {
            Some((name, _))
                if is_secret(&percent_encoding::percent_decode_str(name).decode_utf8_lossy()) =>
            {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ if jwt => out.push_str(REDACTED),
            _ => out.push_str(piece),
        }
        piece.clear();
    };
    for c in path.chars() {
        if matches!(c, '/' | ';' | '&' | '?' | ',') {
            flush(&mut piece, &mut out);
            out.push(c);
        } else {
            piece.push(c);
        }
    }
    flush(&mut piece, &mut out);
    std::borrow::Cow::Owned(out)
}

/// Whether some secret name may be in `text` at all (a cheap test, before
/// parsing a query or body to redact it).
pub fn may_hold_secret(text: &str) -> bool {
    let text = folded(text);
    SECRET_FRAGMENTS
        .iter()
        .chain(SECRET_ENDINGS.iter())
        .any(|f| text.contains(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::params::Params;

    #[test]
    fn secret_names_match_whatever_their_case_and_separators() {
        for name in [
            "token",
            "TOKEN",
            "Token",
            "Password",
            "PASSWORD",
            "pass_code",
            "Pass-Code",
            "passCode",
            "new_pass_code",
            "random_pass_code",
            "verification_code",
            "Verification-Code",
            "one_time_password",
            "ONE-TIME-PASSWORD",
            "otp",
            "jwt",
            "web_api_key",
            "X-Admin-Secret",
            "refresh_token",
            "Authorization",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in [
            "number",
            "identifier",
            "code",
            "status",
            "authentication_code",
            "name",
            "access_token_identifier",
            "description",
            "keyword_count",
        ] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn secrets_in_a_path_are_redacted() {
        for (path, shown) in [
            (
                "/crmapi/rest/v2/access_tokens/list&token=abc&x=1",
                "/crmapi/rest/v2/access_tokens/list&token=<redacted>&x=1",
            ),
            (
                "/crmapi/rest/v2/access_tokens/list;Pass_Code=9",
                "/crmapi/rest/v2/access_tokens/list;Pass_Code=<redacted>",
            ),
            (
                "/crmapi/rest/v2/eyJhbGc.eyJzdWI.c2ln/show",
                "/crmapi/rest/v2/<redacted>/show",
            ),
            (
                "/crmapi/rest/v2/access_tokens/show",
                "/crmapi/rest/v2/access_tokens/show",
            ),
            ("/a/number=5", "/a/number=5"),
        ] {
            assert_eq!(redacted_path(path), shown, "{path}");
        }
    }

    #[test]
    fn nested_get_values_that_name_a_secret_are_redacted() {
        let params = Params::from_query(
            "TOKEN=t0k&accounts_receivable_identifier=access_token_identifier%3Done_time_password%3D036246&n=a=b",
        )
        .expect("query");
        let text = String::from_utf8(crate::app::redacted_json::redacted_object_json(
            params.as_map(),
        ))
        .expect("UTF-8");
        assert!(!text.contains("t0k") && !text.contains("036246"), "{text}");
        assert!(text.contains("a=b"), "{text}");
    }
}
