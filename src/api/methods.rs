//! The route table: every emulated CRM.COM method, named as in the CRM.COM
//! docs, with its HTTP verb, handler and reply schema. Adding a method is
//! adding a line here.

use crate::api::access_tokens::{lifecycle, pass_code, read, write};
use crate::api::authentication;
use crate::api::call::Handler;
use crate::api::schemas::ReplySchema;

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
