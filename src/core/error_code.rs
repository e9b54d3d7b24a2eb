//! The catalogue of error codes the emulator answers: one row per code,
//! with the HTTP status it answers and the situation the README's table
//! gives. `ApiError` names the row of each of its variants.

/// One error code: its `status.code`, the HTTP status it answers (a
/// `METHOD_NOT_SUPPORTED` for an unknown path or verb answers 404 or 405
/// instead, see `ApiError::http_status`), and when it is answered.
///
/// ```
/// use crmcom_emulator::codes;
///
/// assert_eq!(
///     codes::TOKEN_EXPIRED.code,
///     "COM.CRM.EXCEPTION.AUTHENTICATION.TOKENEXPIREDEXCEPTION"
/// );
/// assert_eq!(codes::TOKEN_EXPIRED.http_status, 200);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    pub code: &'static str,
    pub http_status: u16,
    pub situation: &'static str,
}

const fn row(code: &'static str, http_status: u16, situation: &'static str) -> ErrorCode {
    ErrorCode {
        code,
        http_status,
        situation,
    }
}

pub const INVALID_TOKEN: ErrorCode = row(
    "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDTOKENEXCEPTION",
    200,
    "token missing, malformed, unknown or released; or not a consumer login where one is needed; `description` says which (a token sent as `Authorization: Bearer` is named as the wrong place), never echoing the token",
);

pub const TOKEN_EXPIRED: ErrorCode = row(
    "COM.CRM.EXCEPTION.AUTHENTICATION.TOKENEXPIREDEXCEPTION",
    200,
    "token expired on the emulator's clock",
);

pub const INVALID_CREDENTIALS: ErrorCode = row(
    "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDCREDENTIALSEXCEPTION",
    200,
    "login with wrong username, password, key or organisation",
);

pub const INVALID_REQUEST: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.INVALIDREQUESTEXCEPTION",
    200,
    "body not JSON, not an object, not UTF-8, wrong content type, undecodable query",
);

pub const MANDATORY_PARAMETER: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.MANDATORYPARAMETEREXCEPTION",
    200,
    "mandatory parameter missing",
);

pub const AT_LEAST_ONE_SEMI_OPTIONAL: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.ATLEASTONESEMIOPTIONALPARAMETEREXCEPTION",
    200,
    "none of the semi-optional parameters given",
);

pub const ONLY_ONE_SEMI_OPTIONAL: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.ONLYONESEMIOPTIONALPARAMETEREXCEPTION",
    200,
    "more than one semi-optional parameter given",
);

pub const INVALID_PARAMETER_VALUE: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.INVALIDPARAMETERVALUEEXCEPTION",
    200,
    "wrong type or value (not a number, bad enum, bad date)",
);

pub const METHOD_NOT_SUPPORTED: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.METHODNOTSUPPORTEDEXCEPTION",
    200,
    "method not in the emulated release; also an unknown path (HTTP 404) and a wrong verb (HTTP 405)",
);

pub const PAYLOAD_TOO_LARGE: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.PAYLOADTOOLARGEEXCEPTION",
    413,
    "body over the size limit",
);

pub const REQUEST_TIMEOUT: ErrorCode = row(
    "COM.CRM.EXCEPTION.WEBAPI.REQUESTTIMEOUTEXCEPTION",
    408,
    "body not received within `--body-timeout-ms`",
);

pub const ACCESS_TOKEN_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.ACCESSTOKENNOTFOUNDEXCEPTION",
    200,
    "access token not found, or identifier and pass code do not match",
);

pub const ACCOUNTS_RECEIVABLE_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCOUNTSRECEIVABLE.ACCOUNTSRECEIVABLENOTFOUNDEXCEPTION",
    200,
    "accounts receivable not found",
);

pub const REWARDS_PARTICIPANT_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.REWARDS.REWARDSPARTICIPANTNOTFOUNDEXCEPTION",
    200,
    "rewards participant not found",
);

pub const CLASSIFICATION_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.ACCESSTOKENCLASSIFICATIONNOTFOUNDEXCEPTION",
    200,
    "access token classification not found",
);

pub const UNIT_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.SECURITY.UNITNOTFOUNDEXCEPTION",
    200,
    "login names a unit that does not exist",
);

pub const CONTACT_INFORMATION_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.CONTACTINFORMATION.CONTACTINFORMATIONNOTFOUNDEXCEPTION",
    200,
    "contact information not found",
);

pub const WALLET_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.WALLETS.WALLETNOTFOUNDEXCEPTION",
    200,
    "wallet not found, or the accounts receivable has no effective wallet",
);

pub const COMMUNICATION_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.COMMUNICATIONS.COMMUNICATIONNOTFOUNDEXCEPTION",
    200,
    "communication not found",
);

pub const COMMUNICATION_CATEGORY_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.COMMUNICATIONS.COMMUNICATIONCATEGORYNOTFOUNDEXCEPTION",
    200,
    "communication category not found (the emulator has none)",
);

pub const INVALID_LIFE_CYCLE_STATE: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.INVALIDLIFECYCLESTATEEXCEPTION",
    200,
    "action not allowed in the token's life-cycle state",
);

pub const INVALID_VERIFICATION_CODE: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.INVALIDVERIFICATIONCODEEXCEPTION",
    200,
    "wrong verification code",
);

pub const DUPLICATE_ACCESS_TOKEN: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.DUPLICATEACCESSTOKENEXCEPTION",
    200,
    "authentication code or identifier already used",
);

pub const REWARDS_PARTICIPANT_NOT_OWNED: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.REWARDSPARTICIPANTNOTOWNEDEXCEPTION",
    200,
    "rewards participant not owned by the given accounts receivable",
);

pub const TOO_MANY_ATTEMPTS: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.TOOMANYATTEMPTSEXCEPTION",
    200,
    "too many failed secret attempts on one token, or wrong one-time passwords in one organisation",
);

pub const ONE_TIME_PASSWORD_EXPIRED: ErrorCode = row(
    "COM.CRM.EXCEPTION.ACCESSTOKENS.ONETIMEPASSWORDEXPIREDEXCEPTION",
    200,
    "the one-time password named in an accounts receivable identifier has expired",
);

pub const SCHEMA_VIOLATION: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.SCHEMAVIOLATIONEXCEPTION",
    200,
    "emulator only: a reply failed its JSON Schema (strict mode)",
);

pub const INTERNAL_ERROR: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.INTERNALERROREXCEPTION",
    500,
    "emulator only: internal failure, or an injected HTTP 500 that names no code",
);

pub const ADMIN_REQUEST: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.INVALIDADMINREQUESTEXCEPTION",
    400,
    "emulator only: an admin request that cannot be carried out",
);

pub const ADMIN_NOT_FOUND: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.ADMINNOTFOUNDEXCEPTION",
    404,
    "emulator only: the admin request names an unknown tenant, snapshot or fault",
);

pub const ADMIN_FORBIDDEN: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.ADMINFORBIDDENEXCEPTION",
    403,
    "emulator only: admin route refused: exposed bind without `--admin-secret`, or wrong secret",
);

pub const LIMIT_REACHED: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.LIMITREACHEDEXCEPTION",
    200,
    "emulator only: `--max-tenants`, `--max-sessions` or `--max-access-tokens` reached; the description names the flag",
);

pub const HOST_NOT_ALLOWED: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.HOSTNOTALLOWEDEXCEPTION",
    403,
    "emulator only: `Host` header not the bound address, `localhost` or an `--allowed-host`",
);

pub const ORIGIN_NOT_ALLOWED: ErrorCode = row(
    "COM.CRM.EXCEPTION.EMULATOR.ORIGINNOTALLOWEDEXCEPTION",
    403,
    "emulator only: browser `Origin` not allowed by CORS",
);

/// Every row, in the order the README shows them. A test keeps the README
/// in step, and one that every `ApiError` answers a row of it.
pub const CATALOGUE: &[ErrorCode] = &[
    INVALID_TOKEN,
    TOKEN_EXPIRED,
    INVALID_CREDENTIALS,
    INVALID_REQUEST,
    MANDATORY_PARAMETER,
    AT_LEAST_ONE_SEMI_OPTIONAL,
    ONLY_ONE_SEMI_OPTIONAL,
    INVALID_PARAMETER_VALUE,
    METHOD_NOT_SUPPORTED,
    PAYLOAD_TOO_LARGE,
    REQUEST_TIMEOUT,
    ACCESS_TOKEN_NOT_FOUND,
    ACCOUNTS_RECEIVABLE_NOT_FOUND,
    REWARDS_PARTICIPANT_NOT_FOUND,
    CLASSIFICATION_NOT_FOUND,
    UNIT_NOT_FOUND,
    CONTACT_INFORMATION_NOT_FOUND,
    WALLET_NOT_FOUND,
    COMMUNICATION_NOT_FOUND,
    COMMUNICATION_CATEGORY_NOT_FOUND,
    INVALID_LIFE_CYCLE_STATE,
    INVALID_VERIFICATION_CODE,
    DUPLICATE_ACCESS_TOKEN,
    REWARDS_PARTICIPANT_NOT_OWNED,
    TOO_MANY_ATTEMPTS,
    ONE_TIME_PASSWORD_EXPIRED,
    SCHEMA_VIOLATION,
    INTERNAL_ERROR,
    ADMIN_REQUEST,
    ADMIN_NOT_FOUND,
    ADMIN_FORBIDDEN,
    LIMIT_REACHED,
    HOST_NOT_ALLOWED,
    ORIGIN_NOT_ALLOWED,
];

/// The README's table of error codes.
#[cfg(test)]
fn markdown_table() -> String {
    let mut out = String::from("| code | HTTP status | situation |\n|---|---|---|\n");
    for row in CATALOGUE {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            row.code, row.http_status, row.situation
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_the_readme_shows_the_table() {
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
        let readme = include_str!("../../README.md");
        let table = markdown_table();
        assert!(
            readme.contains(&table),
            "README.md must contain error_code::markdown_table() verbatim:\n{table}"
        );
    }
}
