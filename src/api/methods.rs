//! The route table: every emulated CRM.COM method, named as in the CRM.COM
//! docs, with its HTTP verb, handler and reply schema. Adding a method is
//! adding a line here.

use crate::api::access_tokens::{lifecycle, pass_code, read, write};
use crate::api::authentication;
use crate::api::envelope::Framed;
use crate::api::params::Params;
use crate::api::schemas::ReplySchema;
use crate::app::state::AppState;
use crate::core::error::ApiResult;
use crate::domain::session::Caller;
use serde_json::Value;

/// Where every CRM.COM method lives.
pub const API_PREFIX: &str = "/crmapi/rest/v2/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    /// Either; only the web API key login, which some clients call with GET.
    Any,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Any => "GET or POST",
        }
    }
}

/// What a handler receives. Its `Debug` shows no secret (see `Params`).
pub struct Request<'a> {
    pub params: Params,
    /// The `Authorization` header, for the key-based logins.
    pub authorization: Option<&'a str>,
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("params", &self.params)
            .field("authorization", &self.authorization.map(|_| "<redacted>"))
            .finish()
    }
}

/// What a handler answers on success.
#[derive(Debug)]
pub enum Reply {
    /// `data` holds this value.
    Data(Value),
    /// `data` is written in this envelope, already checked against the
    /// method's schema (kept replies of access tokens).
    Checked(Framed),
    /// Only `status`, no `data` key (forgot/change pass code).
    StatusOnly,
}

/// A method's handler. Access-token methods take the checked caller: the
/// dispatcher checks the token before anything else, so none can forget to.
#[derive(Clone, Copy)]
pub enum Handler {
    /// The login methods, which issue or release tokens themselves.
    Public(fn(&AppState, &Request) -> ApiResult<Reply>),
    /// Every method that needs a valid login token.
    Session(fn(&AppState, &Caller, &Request) -> ApiResult<Reply>),
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handler::Public(_) => "Public",
            Handler::Session(_) => "Session",
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// Path after `/crmapi/rest/v2/`.
    pub path: &'static str,
    pub verb: Verb,
    pub handler: Handler,
    pub schema: ReplySchema,
    /// Whether the method takes `fields_set`.
    pub fields_set: bool,
    /// Whether an empty POST body is a valid request.
    pub empty_body_ok: bool,
}

const fn route(path: &'static str, verb: Verb, handler: Handler, schema: ReplySchema) -> Route {
    Route {
        path,
        verb,
        handler,
        schema,
        // Every access-token method with data takes fields_set; the logins
        // and the status-only methods do not.
        fields_set: !matches!(
            schema,
            ReplySchema::Login | ReplySchema::Empty | ReplySchema::StatusOnly
        ),
        empty_body_ok: false,
    }
}

pub const ROUTES: &[Route] = &[
    route(
        "authentication/token",
        Verb::Post,
        Handler::Public(authentication::token),
        ReplySchema::Login,
    ),
    Route {
        empty_body_ok: true,
        ..route(
            "authentication/web_api_key/token",
            Verb::Any,
            Handler::Public(authentication::web_api_key_token),
            ReplySchema::Login,
        )
    },
    route(
        "authentication/consumer_application_key/token",
        Verb::Post,
        Handler::Public(authentication::consumer_application_key_token),
        ReplySchema::Login,
    ),
    route(
        "authentication/token/release",
        Verb::Post,
        Handler::Public(authentication::release),
        ReplySchema::Empty,
    ),
    route(
        "access_tokens/show",
        Verb::Post,
        Handler::Session(read::show),
        ReplySchema::AccessToken,
    ),
    route(
        "access_tokens/list",
        Verb::Get,
        Handler::Session(read::list),
        ReplySchema::AccessTokenList,
    ),
    route(
        "access_tokens/get_not_associated",
        Verb::Get,
        Handler::Session(read::get_not_associated),
        ReplySchema::AccessTokenList,
    ),
    route(
        "access_tokens/create",
        Verb::Post,
        Handler::Session(write::create),
        ReplySchema::AccessToken,
    ),
    route(
        "access_tokens/update",
        Verb::Post,
        Handler::Session(write::update),
        ReplySchema::AccessToken,
    ),
    route(
        "access_tokens/verify",
        Verb::Post,
        Handler::Session(lifecycle::verify),
        ReplySchema::AccessToken,
    ),
    route(
        "access_tokens/reset_pass_code",
        Verb::Post,
        Handler::Session(lifecycle::reset_pass_code),
        ReplySchema::ResetPassCode,
    ),
    route(
        "access_tokens/reset_verification_code",
        Verb::Post,
        Handler::Session(lifecycle::reset_verification_code),
        ReplySchema::AccessToken,
    ),
    route(
        "access_tokens/generate_otp",
        Verb::Post,
        Handler::Session(lifecycle::generate_otp),
        ReplySchema::OneTimePassword,
    ),
    route(
        "access_tokens/set_as_effective",
        Verb::Post,
        Handler::Session(lifecycle::set_as_effective),
        ReplySchema::AccessToken,
    ),
    route(
        "access_tokens/set_as_not_effective",
        Verb::Post,
        Handler::Session(lifecycle::set_as_not_effective),
        ReplySchema::AccessToken,
    ),
    route(
        "access_tokens/forgot_pass_code",
        Verb::Post,
        Handler::Session(pass_code::forgot_pass_code),
        ReplySchema::StatusOnly,
    ),
    route(
        "access_tokens/change_pass_code",
        Verb::Post,
        Handler::Session(pass_code::change_pass_code),
        ReplySchema::StatusOnly,
    ),
    route(
        "access_tokens/configuration/classifications/list",
        Verb::Get,
        Handler::Session(read::classifications_list),
        ReplySchema::ClassificationList,
    ),
];

/// The route for a path after the API prefix (a trailing `/` is tolerated).
pub fn find(path: &str) -> Option<&'static Route> {
    let path = path.strip_suffix('/').unwrap_or(path);
    ROUTES.iter().find(|r| r.path == path)
}
