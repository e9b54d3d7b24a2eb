//! The one error type of the emulator. Every failure, from a bad token to
//! an unknown path, becomes an `ApiError`, which names its row of the
//! catalogue (`core::error_code`); `api::envelope::error` is the only place
//! that turns it into a reply.

/// Result of every handler and parser.
pub type ApiResult<T> = Result<T, ApiError>;

/// Every way a request can fail; each variant answers one row of the
/// catalogue (`ErrorCode`).
///
/// ```
/// use crmcom_emulator::{codes, ApiError};
///
/// let error = ApiError::TokenExpired;
/// assert_eq!(error.code(), codes::TOKEN_EXPIRED.code);
/// assert_eq!(error.http_status(), 200);
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {}", self.code(), self.description())]
#[non_exhaustive]
pub enum ApiError {
    /// Token missing, malformed, unknown, signed by someone else, or
    /// released; the reason is the description (it never holds the token).
    InvalidToken(&'static str),
    /// A valid token, but not a consumer-application login, on a method that
    /// acts for the consumer (change_pass_code).
    ConsumerSessionRequired,
    /// Token well formed and known, but past its expiry on the emulator's clock.
    TokenExpired,
    /// Login with a wrong username, password, key or organisation.
    InvalidCredentials,
    /// Body is not JSON, not an object, not UTF-8, or the query is undecodable.
    InvalidRequest(String),
    /// A mandatory parameter is absent (or null).
    MandatoryParameter(String),
    /// None of a group of semi-optional parameters was given.
    AtLeastOneSemiOptional(Vec<&'static str>),
    /// More than one of a group of semi-optional parameters was given.
    OnlyOneSemiOptional(Vec<&'static str>),
    /// A parameter has the wrong type or an impossible value.
    InvalidParameterValue { parameter: String, reason: String },
    /// The path names no CRM.COM method (HTTP 404), or the method does not
    /// exist in the emulated release (HTTP 200).
    MethodNotSupported { path: String, unknown_path: bool },
    /// The method exists only in other releases than the caller's (HTTP 200).
    NotInRelease {
        path: &'static str,
        release: crate::core::release::Release,
    },
    /// The path exists but not for this HTTP verb (HTTP 405).
    WrongHttpMethod { path: String, allowed: String },
    /// The body is larger than the configured limit (HTTP 413).
    PayloadTooLarge { limit: usize },
    /// The body did not arrive within `--body-timeout-ms` (HTTP 408).
    RequestTimeout { limit_ms: u64 },
    /// A configured capacity is full: tenants, live sessions or access
    /// tokens in one tenant. `flag` names the option that raises it.
    LimitReached {
        what: &'static str,
        flag: &'static str,
        limit: usize,
    },
    /// The `Host` header names neither the bound address, `localhost`, nor
    /// an `--allowed-host` (DNS rebinding protection; HTTP 403).
    HostNotAllowed(String),
    /// A browser request from an origin CORS does not allow (HTTP 403).
    OriginNotAllowed(String),
    /// A referenced entity does not exist in the tenant.
    NotFound(Entity),
    /// The access token's life-cycle state does not allow the action.
    InvalidLifeCycleState {
        action: &'static str,
        state: &'static str,
    },
    /// The verification code does not match.
    InvalidVerificationCode,
    /// Authentication code or identifier already used in the tenant.
    DuplicateAccessToken { field: &'static str },
    /// The rewards participant does not belong to the given accounts receivable.
    RewardsParticipantNotOwned,
    /// Too many consecutive wrong secrets on one access token.
    TooManyAttempts,
    /// The one-time password was right but its validity has passed.
    OneTimePasswordExpired,
    /// Strict mode: a reply failed its JSON Schema.
    SchemaViolation(String),
    /// A bug or an injected failure (HTTP 500).
    Internal(String),
    /// A fault rule answered instead of the method (`/__admin/faults`).
    InjectedFault {
        code: String,
        message: String,
        http_status: u16,
        fault: u64,
    },
    /// An admin request that cannot be carried out as sent (HTTP 400).
    AdminRequest(String),
    /// An admin request names a tenant, snapshot or fault that does not
    /// exist (HTTP 404).
    AdminNotFound(String),
    /// An admin route on an exposed bind without `--admin-secret`, or
    /// without the right secret (HTTP 403).
    AdminForbidden(&'static str),
}

/// Entities that can be "not found", each with its own CRM.COM code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entity {
    /// `ACCESSTOKENNOTFOUNDEXCEPTION`
    AccessToken,
    /// `ACCOUNTSRECEIVABLENOTFOUNDEXCEPTION`
    AccountsReceivable,
    /// `REWARDSPARTICIPANTNOTFOUNDEXCEPTION`
    RewardsParticipant,
    /// `ACCESSTOKENCLASSIFICATIONNOTFOUNDEXCEPTION`
    AccessTokenClassification,
    /// `UNITNOTFOUNDEXCEPTION`
    Unit,
    /// `CONTACTINFORMATIONNOTFOUNDEXCEPTION`
    ContactInformation,
    /// `WALLETNOTFOUNDEXCEPTION`
    Wallet,
    /// `COMMUNICATIONNOTFOUNDEXCEPTION`
    Communication,
    /// `COMMUNICATIONCATEGORYNOTFOUNDEXCEPTION`
    CommunicationCategory,
}

impl Entity {
    /// Its not-found row of the catalogue.
    pub(crate) fn code(self) -> ErrorCode {
        match self {
            Entity::AccessToken => codes::ACCESS_TOKEN_NOT_FOUND,
            Entity::AccountsReceivable => codes::ACCOUNTS_RECEIVABLE_NOT_FOUND,
            Entity::RewardsParticipant => codes::REWARDS_PARTICIPANT_NOT_FOUND,
            Entity::AccessTokenClassification => codes::CLASSIFICATION_NOT_FOUND,
            Entity::Unit => codes::UNIT_NOT_FOUND,
            Entity::ContactInformation => codes::CONTACT_INFORMATION_NOT_FOUND,
            Entity::Wallet => codes::WALLET_NOT_FOUND,
            Entity::Communication => codes::COMMUNICATION_NOT_FOUND,
            Entity::CommunicationCategory => codes::COMMUNICATION_CATEGORY_NOT_FOUND,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Entity::AccessToken => "access token",
            Entity::AccountsReceivable => "accounts receivable",
            Entity::RewardsParticipant => "rewards participant",
            Entity::AccessTokenClassification => "access token classification",
            Entity::Unit => "unit",
            Entity::ContactInformation => "contact information",
            Entity::Wallet => "wallet",
            Entity::Communication => "communication",
            Entity::CommunicationCategory => "communication category",
        }
    }
}

use crate::core::error_code as codes;
use crate::core::error_code::ErrorCode;
#[cfg(test)]
use crate::core::error_code::CATALOGUE;

impl ApiError {
    /// The `status.code`, borrowed when it is one of the catalogue's.
    pub(crate) fn static_code(&self) -> std::borrow::Cow<'static, str> {
        match self {
            ApiError::InjectedFault { code, .. } => std::borrow::Cow::Owned(code.clone()),
            other => std::borrow::Cow::Borrowed(other.row().code),
        }
    }

    /// The CRM.COM `status.code`.
    pub fn code(&self) -> &str {
        match self {
            ApiError::InjectedFault { code, .. } => code,
            other => other.row().code,
        }
    }

    /// The error's row of the catalogue (an injected fault answers its own
    /// code and status instead).
    pub(crate) fn row(&self) -> ErrorCode {
        use ApiError::*;
        match self {
            InvalidToken(_) | ConsumerSessionRequired => codes::INVALID_TOKEN,
            TokenExpired => codes::TOKEN_EXPIRED,
            InvalidCredentials => codes::INVALID_CREDENTIALS,
            InvalidRequest(_) => codes::INVALID_REQUEST,
            MandatoryParameter(_) => codes::MANDATORY_PARAMETER,
            AtLeastOneSemiOptional(_) => codes::AT_LEAST_ONE_SEMI_OPTIONAL,
            OnlyOneSemiOptional(_) => codes::ONLY_ONE_SEMI_OPTIONAL,
            InvalidParameterValue { .. } => codes::INVALID_PARAMETER_VALUE,
            MethodNotSupported { .. } | WrongHttpMethod { .. } | NotInRelease { .. } => {
                codes::METHOD_NOT_SUPPORTED
            }
            PayloadTooLarge { .. } => codes::PAYLOAD_TOO_LARGE,
            RequestTimeout { .. } => codes::REQUEST_TIMEOUT,
            LimitReached { .. } => codes::LIMIT_REACHED,
            HostNotAllowed(_) => codes::HOST_NOT_ALLOWED,
            OriginNotAllowed(_) => codes::ORIGIN_NOT_ALLOWED,
            NotFound(entity) => entity.code(),
            InvalidLifeCycleState { .. } => codes::INVALID_LIFE_CYCLE_STATE,
            InvalidVerificationCode => codes::INVALID_VERIFICATION_CODE,
            DuplicateAccessToken { .. } => codes::DUPLICATE_ACCESS_TOKEN,
            RewardsParticipantNotOwned => codes::REWARDS_PARTICIPANT_NOT_OWNED,
            TooManyAttempts => codes::TOO_MANY_ATTEMPTS,
            OneTimePasswordExpired => codes::ONE_TIME_PASSWORD_EXPIRED,
            SchemaViolation(_) => codes::SCHEMA_VIOLATION,
            Internal(_) => codes::INTERNAL_ERROR,
            InjectedFault { .. } => codes::INTERNAL_ERROR,
            AdminRequest(_) => codes::ADMIN_REQUEST,
            AdminNotFound(_) => codes::ADMIN_NOT_FOUND,
            AdminForbidden(_) => codes::ADMIN_FORBIDDEN,
        }
    }

    /// HTTP status: its row's (200 for every business error, as CRM.COM
    /// clients expect), but 404 for an unknown path and 405 for a wrong
    /// verb, which share `METHOD_NOT_SUPPORTED` with a method missing from
    /// the release.
    pub fn http_status(&self) -> u16 {
        match self {
            ApiError::MethodNotSupported {
                unknown_path: true, ..
            } => 404,
            ApiError::WrongHttpMethod { .. } => 405,
            ApiError::InjectedFault { http_status, .. } => *http_status,
            other => other.row().http_status,
        }
    }

    /// `status.message`: one readable sentence for the end user.
    pub fn message(&self) -> String {
        use ApiError::*;
        match self {
            InvalidToken(_) => "The token is not valid".into(),
            ConsumerSessionRequired => "The token does not identify a consumer".into(),
            TokenExpired => "The token has expired".into(),
            InvalidCredentials => "The credentials are not valid".into(),
            InvalidRequest(_) => "The request is not valid".into(),
            MandatoryParameter(p) => format!("The parameter {p} is mandatory"),
            AtLeastOneSemiOptional(_) => {
                "One of the semi-optional parameters must be specified".into()
            }
            OnlyOneSemiOptional(_) => "Only one of the semi-optional parameters is allowed".into(),
            InvalidParameterValue { parameter, .. } => {
                format!("The value of the parameter {parameter} is not valid")
            }
            MethodNotSupported { .. } | NotInRelease { .. } => "The method is not supported".into(),
            WrongHttpMethod { .. } => "The HTTP method is not supported for this method".into(),
            PayloadTooLarge { .. } => "The request body is too large".into(),
            RequestTimeout { .. } => "The request body did not arrive in time".into(),
            LimitReached { what, .. } => format!("The emulator holds as many {what} as it may"),
            HostNotAllowed(_) => "The Host header is not allowed".into(),
            OriginNotAllowed(_) => "The Origin is not allowed".into(),
            NotFound(entity) => format!("The {} was not found", entity.label()),
            InvalidLifeCycleState { action, .. } => {
                format!("The access token cannot be {action} in its current life cycle state")
            }
            InvalidVerificationCode => "The verification code is not valid".into(),
            DuplicateAccessToken { field } => {
                format!("An access token with the same {field} already exists")
            }
            RewardsParticipantNotOwned => {
                "The rewards participant is not owned by the accounts receivable".into()
            }
            TooManyAttempts => "Too many failed attempts on this access token".into(),
            OneTimePasswordExpired => "The one-time password has expired".into(),
            SchemaViolation(_) => "The emulator produced a reply that breaks its schema".into(),
            Internal(_) => "Internal error".into(),
            InjectedFault { message, .. } => message.clone(),
            AdminRequest(_) => "The admin request is not valid".into(),
            AdminNotFound(_) => "Not found".into(),
            AdminForbidden(_) => "The admin API is not open to this request".into(),
        }
    }

    /// `status.description`: the parameter or value at fault. Never carries a
    /// secret: callers put only names and public values in it.
    pub fn description(&self) -> String {
        use ApiError::*;
        match self {
            InvalidRequest(d) | SchemaViolation(d) | Internal(d) | AdminRequest(d)
            | AdminNotFound(d) => d.clone(),
            AdminForbidden(why) | InvalidToken(why) => (*why).to_string(),
            TokenExpired => {
                "the token's lifetime (--token-lifetime) has passed on the emulator's clock; log in again".into()
            }
            InjectedFault { fault, .. } => format!("injected by fault {fault}"),
            MandatoryParameter(p) => p.clone(),
            AtLeastOneSemiOptional(g) | OnlyOneSemiOptional(g) => g.join(", "),
            InvalidParameterValue { parameter, reason } => format!("{parameter}: {reason}"),
            MethodNotSupported { path, .. } => path.clone(),
            NotInRelease { path, release } => {
                format!("{path} does not exist in CRM.COM {release}")
            }
            WrongHttpMethod { path, allowed } => format!("{path} accepts {allowed} only"),
            PayloadTooLarge { limit } => format!("the limit is {limit} bytes"),
            RequestTimeout { limit_ms } => format!("the limit is {limit_ms} ms"),
            LimitReached { flag, limit, .. } => {
                format!("the limit is {limit}; raise it with {flag}")
            }
            HostNotAllowed(host) => {
                format!("Host {host:?}; allow it with --allowed-host")
            }
            OriginNotAllowed(origin) => {
                format!("Origin {origin:?}; allow it with --cors-origin")
            }
            InvalidLifeCycleState { state, .. } => format!("life_cycle_state: {state}"),
            DuplicateAccessToken { field } => (*field).to_string(),
            NotFound(entity) => entity.label().to_string(),
            OneTimePasswordExpired => "one_time_password".into(),
            ConsumerSessionRequired => {
                "log in with authentication/consumer_application_key/token".into()
            }
            _ => String::new(),
        }
    }

    /// The error as the admin API answers it: a CRM.COM business error
    /// (HTTP 200, like a reached limit or a bad query) becomes the admin
    /// API's HTTP 400 with the same description; the others stay.
    pub(crate) fn for_admin(self) -> ApiError {
        if self.http_status() == 200 {
            let description = self.description();
            ApiError::AdminRequest(if description.is_empty() {
                self.message()
            } else {
                description
            })
        } else {
            self
        }
    }

    /// Shorthand for an admin request that cannot be carried out.
    pub(crate) fn admin(description: impl Into<String>) -> Self {
        ApiError::AdminRequest(description.into())
    }

    /// Shorthand for a wrong-type or wrong-value parameter.
    pub(crate) fn invalid(parameter: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError::InvalidParameterValue {
            parameter: parameter.into(),
            reason: reason.into(),
        }
    }
}

/// Runs a handler; a panic becomes the HTTP 500 internal error, so one bug
/// costs one reply, not the connection or the worker. The panic's message
/// goes to the log (the panic hook prints it), never into the reply.
pub fn guarded<T>(handler: impl FnOnce() -> ApiResult<T>) -> ApiResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(handler)).unwrap_or_else(|_| {
        tracing::error!("a handler panicked; answered HTTP 500");
        Err(ApiError::Internal(
            "the emulator failed while answering; the server keeps serving".into(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::release::Release;

    /// One of each variant: the match in `row` makes each name a row; this
    /// makes sure each named row is in the catalogue the README shows.
    #[test]
    fn every_error_answers_a_row_of_the_catalogue() {
        let text = || String::from("x");
        let every = [
            ApiError::InvalidToken("x"),
            ApiError::ConsumerSessionRequired,
            ApiError::TokenExpired,
            ApiError::InvalidCredentials,
            ApiError::InvalidRequest(text()),
            ApiError::MandatoryParameter(text()),
            ApiError::AtLeastOneSemiOptional(vec!["a"]),
            ApiError::OnlyOneSemiOptional(vec!["a"]),
            ApiError::invalid("a", "b"),
            ApiError::MethodNotSupported {
                path: text(),
                unknown_path: true,
            },
            ApiError::NotInRelease {
                path: "p",
                release: Release::OLDEST,
            },
            ApiError::WrongHttpMethod {
                path: text(),
                allowed: text(),
            },
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::RequestTimeout { limit_ms: 1 },
            ApiError::LimitReached {
                what: "w",
                flag: "f",
                limit: 1,
            },
            ApiError::HostNotAllowed(text()),
            ApiError::OriginNotAllowed(text()),
            ApiError::NotFound(Entity::AccessToken),
            ApiError::NotFound(Entity::AccountsReceivable),
            ApiError::NotFound(Entity::RewardsParticipant),
            ApiError::NotFound(Entity::AccessTokenClassification),
            ApiError::NotFound(Entity::Unit),
            ApiError::NotFound(Entity::ContactInformation),
            ApiError::NotFound(Entity::Wallet),
            ApiError::NotFound(Entity::Communication),
            ApiError::NotFound(Entity::CommunicationCategory),
            ApiError::InvalidLifeCycleState {
                action: "a",
                state: "s",
            },
            ApiError::InvalidVerificationCode,
            ApiError::DuplicateAccessToken { field: "f" },
            ApiError::RewardsParticipantNotOwned,
            ApiError::TooManyAttempts,
            ApiError::OneTimePasswordExpired,
            ApiError::SchemaViolation(text()),
            ApiError::Internal(text()),
            ApiError::AdminRequest(text()),
            ApiError::AdminNotFound(text()),
            ApiError::AdminForbidden("f"),
        ];
        let mut answered: Vec<&str> = every.iter().map(|e| e.row().code).collect();
        for error in &every {
            assert!(CATALOGUE.contains(&error.row()), "{error:?}");
        }
        answered.sort_unstable();
        answered.dedup();
        assert_eq!(answered.len(), CATALOGUE.len(), "a row no error answers");
        assert_eq!(every[9].http_status(), 404);
        assert_eq!(every[10].http_status(), 200);
        assert_eq!(every[11].http_status(), 405);
        assert_eq!(every[13].http_status(), 408);
    }
}
