//! The one error type of the emulator and its catalogue of CRM.COM codes.
//! Every failure, from a bad token to an unknown path, becomes an `ApiError`;
//! `envelope::error_reply` is the only place that turns it into HTTP.

use std::fmt;

/// Result of every handler and parser.
pub type ApiResult<T> = Result<T, ApiError>;

/// Every way a request can fail, one variant per CRM.COM error code.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Token missing, malformed, unknown, signed by someone else, or released.
    InvalidToken,
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

/// Entities that can be "not found", each with its CRM.COM module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    AccessToken,
    AccountsReceivable,
    RewardsParticipant,
    AccessTokenClassification,
    Unit,
}

impl Entity {
    fn code(self) -> &'static str {
        match self {
            Entity::AccessToken => codes::ACCESS_TOKEN_NOT_FOUND,
            Entity::AccountsReceivable => codes::ACCOUNTS_RECEIVABLE_NOT_FOUND,
            Entity::RewardsParticipant => codes::REWARDS_PARTICIPANT_NOT_FOUND,
            Entity::AccessTokenClassification => codes::CLASSIFICATION_NOT_FOUND,
            Entity::Unit => codes::UNIT_NOT_FOUND,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Entity::AccessToken => "access token",
            Entity::AccountsReceivable => "accounts receivable",
            Entity::RewardsParticipant => "rewards participant",
            Entity::AccessTokenClassification => "access token classification",
            Entity::Unit => "unit",
        }
    }
}

/// The CRM.COM error codes, one constant each.
pub mod codes {
    pub const INVALID_TOKEN: &str = "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDTOKENEXCEPTION";
    pub const TOKEN_EXPIRED: &str = "COM.CRM.EXCEPTION.AUTHENTICATION.TOKENEXPIREDEXCEPTION";
    pub const INVALID_CREDENTIALS: &str =
        "COM.CRM.EXCEPTION.AUTHENTICATION.INVALIDCREDENTIALSEXCEPTION";
    pub const INVALID_REQUEST: &str = "COM.CRM.EXCEPTION.WEBAPI.INVALIDREQUESTEXCEPTION";
    pub const MANDATORY_PARAMETER: &str = "COM.CRM.EXCEPTION.WEBAPI.MANDATORYPARAMETEREXCEPTION";
    pub const AT_LEAST_ONE_SEMI_OPTIONAL: &str =
        "COM.CRM.EXCEPTION.WEBAPI.ATLEASTONESEMIOPTIONALPARAMETEREXCEPTION";
    pub const ONLY_ONE_SEMI_OPTIONAL: &str =
        "COM.CRM.EXCEPTION.WEBAPI.ONLYONESEMIOPTIONALPARAMETEREXCEPTION";
    pub const INVALID_PARAMETER_VALUE: &str =
        "COM.CRM.EXCEPTION.WEBAPI.INVALIDPARAMETERVALUEEXCEPTION";
    pub const METHOD_NOT_SUPPORTED: &str = "COM.CRM.EXCEPTION.WEBAPI.METHODNOTSUPPORTEDEXCEPTION";
    pub const PAYLOAD_TOO_LARGE: &str = "COM.CRM.EXCEPTION.WEBAPI.PAYLOADTOOLARGEEXCEPTION";
    pub const REQUEST_TIMEOUT: &str = "COM.CRM.EXCEPTION.WEBAPI.REQUESTTIMEOUTEXCEPTION";
    pub const ACCESS_TOKEN_NOT_FOUND: &str =
        "COM.CRM.EXCEPTION.ACCESSTOKENS.ACCESSTOKENNOTFOUNDEXCEPTION";
    pub const ACCOUNTS_RECEIVABLE_NOT_FOUND: &str =
        "COM.CRM.EXCEPTION.ACCOUNTSRECEIVABLE.ACCOUNTSRECEIVABLENOTFOUNDEXCEPTION";
    pub const REWARDS_PARTICIPANT_NOT_FOUND: &str =
        "COM.CRM.EXCEPTION.REWARDS.REWARDSPARTICIPANTNOTFOUNDEXCEPTION";
    pub const CLASSIFICATION_NOT_FOUND: &str =
        "COM.CRM.EXCEPTION.ACCESSTOKENS.ACCESSTOKENCLASSIFICATIONNOTFOUNDEXCEPTION";
    pub const UNIT_NOT_FOUND: &str = "COM.CRM.EXCEPTION.SECURITY.UNITNOTFOUNDEXCEPTION";
    pub const INVALID_LIFE_CYCLE_STATE: &str =
        "COM.CRM.EXCEPTION.ACCESSTOKENS.INVALIDLIFECYCLESTATEEXCEPTION";
    pub const INVALID_VERIFICATION_CODE: &str =
        "COM.CRM.EXCEPTION.ACCESSTOKENS.INVALIDVERIFICATIONCODEEXCEPTION";
    pub const DUPLICATE_ACCESS_TOKEN: &str =
        "COM.CRM.EXCEPTION.ACCESSTOKENS.DUPLICATEACCESSTOKENEXCEPTION";
    pub const REWARDS_PARTICIPANT_NOT_OWNED: &str =
        "COM.CRM.EXCEPTION.ACCESSTOKENS.REWARDSPARTICIPANTNOTOWNEDEXCEPTION";
    pub const TOO_MANY_ATTEMPTS: &str = "COM.CRM.EXCEPTION.ACCESSTOKENS.TOOMANYATTEMPTSEXCEPTION";
    pub const ONE_TIME_PASSWORD_EXPIRED: &str =
        "COM.CRM.EXCEPTION.ACCESSTOKENS.ONETIMEPASSWORDEXPIREDEXCEPTION";
    pub const SCHEMA_VIOLATION: &str = "COM.CRM.EXCEPTION.EMULATOR.SCHEMAVIOLATIONEXCEPTION";
    pub const INTERNAL_ERROR: &str = "COM.CRM.EXCEPTION.EMULATOR.INTERNALERROREXCEPTION";
    pub const ADMIN_REQUEST: &str = "COM.CRM.EXCEPTION.EMULATOR.INVALIDADMINREQUESTEXCEPTION";
    pub const ADMIN_NOT_FOUND: &str = "COM.CRM.EXCEPTION.EMULATOR.ADMINNOTFOUNDEXCEPTION";
    pub const ADMIN_FORBIDDEN: &str = "COM.CRM.EXCEPTION.EMULATOR.ADMINFORBIDDENEXCEPTION";
    pub const LIMIT_REACHED: &str = "COM.CRM.EXCEPTION.EMULATOR.LIMITREACHEDEXCEPTION";
    pub const HOST_NOT_ALLOWED: &str = "COM.CRM.EXCEPTION.EMULATOR.HOSTNOTALLOWEDEXCEPTION";
    pub const ORIGIN_NOT_ALLOWED: &str = "COM.CRM.EXCEPTION.EMULATOR.ORIGINNOTALLOWEDEXCEPTION";
}

/// The catalogue: (code, situation) for every code the emulator can answer,
/// in the order the README shows them. A test keeps the README in step.
pub const CATALOGUE: &[(&str, &str)] = &[
    (
        codes::INVALID_TOKEN,
        "token missing, malformed, unknown or released; or not a consumer login where one is needed",
    ),
    (
        codes::TOKEN_EXPIRED,
        "token expired on the emulator's clock",
    ),
    (
        codes::INVALID_CREDENTIALS,
        "login with wrong username, password, key or organisation",
    ),
    (
        codes::INVALID_REQUEST,
        "body not JSON, not an object, not UTF-8, wrong content type, undecodable query",
    ),
    (codes::MANDATORY_PARAMETER, "mandatory parameter missing"),
    (
        codes::AT_LEAST_ONE_SEMI_OPTIONAL,
        "none of the semi-optional parameters given",
    ),
    (
        codes::ONLY_ONE_SEMI_OPTIONAL,
        "more than one semi-optional parameter given",
    ),
    (
        codes::INVALID_PARAMETER_VALUE,
        "wrong type or value (not a number, bad enum, bad date)",
    ),
    (
        codes::METHOD_NOT_SUPPORTED,
        "unknown path (HTTP 404), wrong verb (HTTP 405), or method not in the emulated release",
    ),
    (
        codes::PAYLOAD_TOO_LARGE,
        "body over the size limit (HTTP 413)",
    ),
    (
        codes::REQUEST_TIMEOUT,
        "body not received within --body-timeout-ms (HTTP 408)",
    ),
    (
        codes::ACCESS_TOKEN_NOT_FOUND,
        "access token not found, or identifier and pass code do not match",
    ),
    (
        codes::ACCOUNTS_RECEIVABLE_NOT_FOUND,
        "accounts receivable not found",
    ),
    (
        codes::REWARDS_PARTICIPANT_NOT_FOUND,
        "rewards participant not found",
    ),
    (
        codes::CLASSIFICATION_NOT_FOUND,
        "access token classification not found",
    ),
    (
        codes::UNIT_NOT_FOUND,
        "login names a unit that does not exist",
    ),
    (
        codes::INVALID_LIFE_CYCLE_STATE,
        "action not allowed in the token's life-cycle state",
    ),
    (codes::INVALID_VERIFICATION_CODE, "wrong verification code"),
    (
        codes::DUPLICATE_ACCESS_TOKEN,
        "authentication code or identifier already used",
    ),
    (
        codes::REWARDS_PARTICIPANT_NOT_OWNED,
        "rewards participant not owned by the given accounts receivable",
    ),
    (
        codes::TOO_MANY_ATTEMPTS,
        "too many failed secret attempts on one token",
    ),
    (
        codes::ONE_TIME_PASSWORD_EXPIRED,
        "the one-time password named in an accounts receivable identifier has expired",
    ),
    (
        codes::SCHEMA_VIOLATION,
        "emulator only: a reply failed its JSON Schema (strict mode)",
    ),
    (
        codes::INTERNAL_ERROR,
        "emulator only: internal failure (HTTP 500), or an injected HTTP 500 that names no code",
    ),
    (
        codes::ADMIN_REQUEST,
        "emulator only: an admin request that cannot be carried out (HTTP 400)",
    ),
    (
        codes::ADMIN_NOT_FOUND,
        "emulator only: the admin request names an unknown tenant, snapshot or fault (HTTP 404)",
    ),
    (
        codes::ADMIN_FORBIDDEN,
        "emulator only: admin route refused: exposed bind without --admin-secret, or wrong secret (HTTP 403)",
    ),
    (
        codes::LIMIT_REACHED,
        "emulator only: --max-tenants, --max-sessions or --max-access-tokens reached",
    ),
    (
        codes::HOST_NOT_ALLOWED,
        "emulator only: Host header not the bound address, localhost or an --allowed-host (HTTP 403)",
    ),
    (
        codes::ORIGIN_NOT_ALLOWED,
        "emulator only: browser Origin not allowed by CORS (HTTP 403)",
    ),
];

impl ApiError {
    /// The `status.code`, borrowed when it is one of the catalogue's.
    pub fn static_code(&self) -> std::borrow::Cow<'static, str> {
        match self {
            ApiError::InjectedFault { code, .. } => std::borrow::Cow::Owned(code.clone()),
            other => std::borrow::Cow::Borrowed(other.catalogue_code()),
        }
    }

    /// The CRM.COM `status.code`.
    pub fn code(&self) -> &str {
        match self {
            ApiError::InjectedFault { code, .. } => code,
            other => other.catalogue_code(),
        }
    }

    /// The code from the catalogue (an injected fault's own code aside).
    fn catalogue_code(&self) -> &'static str {
        use ApiError::*;
        match self {
            InvalidToken | ConsumerSessionRequired => codes::INVALID_TOKEN,
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

    /// HTTP status: 200 for every business error, as CRM.COM clients expect.
    pub fn http_status(&self) -> u16 {
        match self {
            ApiError::MethodNotSupported {
                unknown_path: true, ..
            } => 404,
            ApiError::WrongHttpMethod { .. } => 405,
            ApiError::PayloadTooLarge { .. } => 413,
            ApiError::RequestTimeout { .. } => 408,
            ApiError::HostNotAllowed(_) | ApiError::OriginNotAllowed(_) => 403,
            ApiError::Internal(_) => 500,
            ApiError::InjectedFault { http_status, .. } => *http_status,
            ApiError::AdminRequest(_) => 400,
            ApiError::AdminNotFound(_) => 404,
            ApiError::AdminForbidden(_) => 403,
            _ => 200,
        }
    }

    /// `status.message`: one readable sentence for the end user.
    pub fn message(&self) -> String {
        use ApiError::*;
        match self {
            InvalidToken => "The token is not valid".into(),
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
            AdminForbidden(why) => (*why).to_string(),
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
    pub fn for_admin(self) -> ApiError {
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
    pub fn admin(description: impl Into<String>) -> Self {
        ApiError::AdminRequest(description.into())
    }

    /// Shorthand for a wrong-type or wrong-value parameter.
    pub fn invalid(parameter: impl Into<String>, reason: impl Into<String>) -> Self {
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

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.description())
    }
}

impl std::error::Error for ApiError {}
