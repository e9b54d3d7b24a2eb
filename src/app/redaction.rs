//! Secrets out of everything the emulator keeps or shows besides the
//! documented replies (the journal, the request log): which names are
//! secrets, and a JSON value with their values replaced.

use serde_json::{Map, Value};

/// Shown instead of every secret.
pub const REDACTED: &str = "<redacted>";

/// What every secret name holds once folded (lower case, letters and digits
/// only): login tokens and JWTs, passwords (one-time passwords too), pass
/// codes (`random_pass_code`, `new-pass-code`), verification codes, web API
/// and other keys, and anything called a secret.
const SECRET_FRAGMENTS: [&str; 5] = ["jwt", "password", "passcode", "verificationcode", "secret"];

/// Folded names that are secrets only as a whole or as a name's end
/// (`token`, `refresh_token`, `otp`, `web_api_key`), not inside longer
/// ones (`access_token_identifier`, `keyword`).
const SECRET_ENDINGS: [&str; 4] = ["token", "otp", "key", "authorization"];

/// `Pass-Code`, `PASS_CODE` and `passCode` all fold to `passcode`.
fn folded(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a parameter or reply key names a secret, whatever its case and
/// its `_`, `-` or other separators: `token`, `TOKEN`, `Password`,
/// `one-time-password`, `random_pass_code`, `web_api_key`.
pub fn is_secret(key: &str) -> bool {
    let key = folded(key);
    SECRET_FRAGMENTS.iter().any(|f| key.contains(f))
        || SECRET_ENDINGS.iter().any(|e| key.ends_with(e))
}

/// Whether a string value carries a secret by name, as a GET query's nested
/// identifiers do: `one_time_password=036246`, or
/// `access_token_identifier=pass_code=1234` (any name before the last `=`).
pub(crate) fn names_a_secret(value: &str) -> bool {
    let mut parts = value.split('=');
    parts.next_back();
    parts.any(is_secret)
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

/// Replaces the value of every secret key, at any depth, and every string
/// that names a secret before an `=` (a nested GET value).
pub fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if is_secret(&k) && !v.is_null() {
                        Value::String(REDACTED.into())
                    } else {
                        redact(v)
                    };
                    (k, v)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::String(text) if names_a_secret(&text) => Value::String(REDACTED.into()),
        other => other,
    }
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
    fn nested_get_values_that_name_a_secret_are_redacted() {
        let params = Params::from_query(
            "TOKEN=t0k&accounts_receivable_identifier=access_token_identifier%3Done_time_password%3D036246&n=a=b",
        )
        .expect("query");
        let text = redact(Value::Object(params.as_map().clone())).to_string();
        assert!(!text.contains("t0k") && !text.contains("036246"), "{text}");
        assert!(text.contains("a=b"), "{text}");
    }
}
