//! What one CRM.COM method's declaration states (`api::methods::METHODS`
//! holds them all), and the rules read from it: whether it exists in a
//! release, which of its parameters a release does not know yet.

use crate::api::call::Handler;
use crate::api::schemas::ReplySchema;
use crate::core::error::Entity;
use crate::core::release::Release;

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

/// A parameter of one method that appeared after the method did: an older
/// release ignores it (the dispatcher drops it before the handler).
#[derive(Debug, Clone, Copy)]
pub struct LaterParameter {
    /// Its name; a trailing `*` matches by prefix (`udf_*`).
    pub name: &'static str,
    pub since: &'static [Release],
    pub note: &'static str,
}

pub const fn later(
    name: &'static str,
    since: &'static [Release],
    note: &'static str,
) -> LaterParameter {
    LaterParameter { name, since, note }
}

/// Everything the emulator knows about one CRM.COM method.
#[derive(Debug, Clone, Copy)]
pub struct Method {
    /// Path after `/crmapi/rest/v2/`.
    pub path: &'static str,
    pub verb: Verb,
    /// One line: the OpenAPI summary.
    pub summary: &'static str,
    /// The releases it appears in (two: two release lines, see
    /// `Release::within`), and where the docs deprecate it (`—`: never).
    pub since: &'static [Release],
    pub deprecated: &'static str,
    pub handler: Handler,
    /// The schema every reply's `data` is checked against.
    pub reply: ReplySchema,
    /// Whether the method takes `fields_set`.
    pub fields_set: bool,
    /// Whether an empty POST body is a valid request.
    pub empty_body_ok: bool,
    /// Whether it takes an application key as the HTTP Basic user name.
    pub application_key: bool,
    /// The OpenAPI tag: the CRM.COM docs' section.
    pub tag: &'static str,
    /// The entities its identifiers resolve: it answers each one's
    /// not-found code for an identifier that names none.
    pub resolves: &'static [Entity],
    /// Groups of parameters of which exactly one is given.
    pub semi_optional: &'static [&'static [&'static str]],
    /// Its own parameters that came in later releases.
    pub later_parameters: &'static [LaterParameter],
    /// Fields of its reply objects that came in later releases: an older
    /// release's reply leaves them out (the note says what was before).
    pub later_fields: &'static [LaterParameter],
    /// The README's notes on its parameters and rules.
    pub notes: &'static str,
}

impl Method {
    /// Whether the method exists in `release`.
    pub fn available_in(&self, release: Release) -> bool {
        release.within(self.since)
    }

    /// Parameter paths `release` does not know yet: the method's own and
    /// those of every method.
    pub fn missing_parameters(&self, release: Release) -> impl Iterator<Item = &'static str> + '_ {
        self.later_parameters
            .iter()
            .filter(move |p| !release.within(p.since))
            .map(|p| p.name)
            .chain(release.missing_parameters())
    }

    /// Reply fields `release` does not show yet.
    pub fn missing_fields(&self, release: Release) -> impl Iterator<Item = &'static str> + '_ {
        self.later_fields
            .iter()
            .filter(move |f| !release.within(f.since))
            .map(|f| f.name)
    }
}
