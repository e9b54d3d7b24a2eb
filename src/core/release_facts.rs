//! The release-dependent facts that belong to no one method (`FACTS`:
//! reply fields, behaviours, parameters of every method), and what a
//! release makes of them. When each method and its own parameters appear is
//! stated in its declaration (`api::methods`); the README's release table
//! joins both (`api::method_tables::release_table`).

use crate::core::release::Release;
use std::sync::LazyLock;

/// Behaviour that changed between releases, beyond methods, parameters and
/// reply fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Login tokens are JWTs valid for two hours after issue, used or not.
    /// Before: 32 upper-case hex characters, valid until one hour unused.
    JwtLoginTokens,
    /// A successful reply's `status.message` and `description` are `""`.
    /// Before: `null`.
    EmptyStringSuccessStatus,
    /// A definition or classification may require verification, so a new
    /// token can be PENDING_VERIFICATION. Before: every new token is
    /// EFFECTIVE.
    PendingVerification,
    /// When the definition generates pass codes, create needs an accounts
    /// receivable or a rewards participant. Before: both optional.
    OwnerNeededForGeneratedPassCode,
}

/// What a fact is about.
// The text of a fact not emulated, and every note, are read only by the
// README's release table (`fact_rows`).
#[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    /// A request parameter of every method, by its path: `a.b` is key `b`
    /// inside object parameter `a`. (A method's own parameters, and the
    /// method itself, are stated in its declaration: `api::methods`.)
    Parameter(&'static str),
    /// A key of the access-token reply object (a trailing `*` as above).
    ReplyField(&'static str),
    Behaviour(Behaviour),
    /// A documented change the emulator does not emulate (listed so the
    /// table is complete; the README's "Not emulated yet" says more).
    NotEmulated(&'static str),
}

/// One release-dependent fact.
#[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub struct Fact {
    pub subject: Subject,
    /// The releases it appears in. Two entries mean two release lines (the
    /// docs' "R16.12.0 & R17.10.0"): the first holds from its release to the
    /// end of its major line, the last from its release on.
    pub since: &'static [Release],
    pub note: &'static str,
}

const fn fact(subject: Subject, since: &'static [Release], note: &'static str) -> Fact {
    Fact {
        subject,
        since,
        note,
    }
}

const fn param(name: &'static str, since: &'static [Release], note: &'static str) -> Fact {
    fact(Subject::Parameter(name), since, note)
}

/// A reply field that appears in `since` (absent before).
const fn field(name: &'static str, since: &'static [Release]) -> Fact {
    fact(Subject::ReplyField(name), since, "before: absent")
}

/// The release sets facts and method declarations name (`Fact::since`).
pub mod since {
    use crate::core::release::{r, Release};
    pub const R4: &[Release] = &[r(4, 0)];
    pub const R5: &[Release] = &[r(5, 0)];
    pub const R6: &[Release] = &[r(6, 0)];
    pub const R8: &[Release] = &[r(8, 0)];
    pub const R9: &[Release] = &[r(9, 0)];
    pub const R10: &[Release] = &[r(10, 0)];
    pub const R10_1: &[Release] = &[r(10, 1)];
    pub const R11: &[Release] = &[r(11, 0)];
    pub const R12: &[Release] = &[r(12, 0)];
    pub const R12_1: &[Release] = &[r(12, 1)];
    pub const R12_2: &[Release] = &[r(12, 2)];
    pub const R13: &[Release] = &[r(13, 0)];
    pub const R13_1: &[Release] = &[r(13, 1)];
    pub const R14: &[Release] = &[r(14, 0)];
    pub const R14_2: &[Release] = &[r(14, 2)];
    pub const R14_17: &[Release] = &[r(14, 17)];
    pub const R15: &[Release] = &[r(15, 0)];
    pub const R16_2: &[Release] = &[r(16, 2)];
    pub const R16_12_AND_R17_10: &[Release] = &[r(16, 12), r(17, 10)];
}
use since::*;

/// Every release-dependent fact the emulator follows, from the CRM.COM
/// pages' "Available from" tips and `shared/reference/crmcom-api.md` §2, §4.
pub const FACTS: &[Fact] = &[
    param(
        "fields_set",
        R10,
        "before: ignored, every field returned",
    ),
    param(
        "accounts_receivable_identifier.access_token_identifier.one_time_password",
        R13,
        "before: ignored",
    ),
    param(
        "rewards_participant_identifier.access_token_identifier.one_time_password",
        R13,
        "before: ignored",
    ),
    field("accounts_receivable", R8),
    field("reward_participant", R8),
    field("verification_code", R9),
    field("verified_date", R9),
    field("verified_by_user", R9),
    field("classification", R10),
    field("udf_*", R10_1),
    fact(
        Subject::Behaviour(Behaviour::EmptyStringSuccessStatus),
        R9,
        "a success's status.message and description are \"\"; before: null",
    ),
    fact(
        Subject::Behaviour(Behaviour::PendingVerification),
        R9,
        "a new token may be PENDING_VERIFICATION; before: always EFFECTIVE",
    ),
    fact(
        Subject::Behaviour(Behaviour::JwtLoginTokens),
        R12,
        "login tokens are JWTs valid 2 hours from issue (`--token-lifetime`); \
         before: 32 upper-case hex characters valid until 1 hour unused",
    ),
    fact(
        Subject::NotEmulated("parameter `access_token_identifier` of `authentication/token`"),
        R6,
        "log in by an access token",
    ),
    fact(
        Subject::NotEmulated("method `authentication/device_application_key/token`"),
        R15,
        "",
    ),
    fact(
        Subject::NotEmulated("reply field `card_last_4_digits`"),
        R15,
        "deprecated from R16.2; only for credit-card authentication codes",
    ),
    fact(
        Subject::NotEmulated("parameter and reply field `card_masked_number` of create and update"),
        R16_2,
        "only for credit-card authentication codes",
    ),
    fact(
        Subject::NotEmulated(
            "parameters `jwt` and `organisation` of `authentication/consumer_application_key/token`",
        ),
        R16_2,
        "`organisation` is accepted in every release as an emulator extension",
    ),
    fact(
        Subject::Behaviour(Behaviour::OwnerNeededForGeneratedPassCode),
        R14,
        "accounts_receivable_identifier / rewards_participant_identifier are \
         semi-optional when the definition generates pass codes; before: optional",
    ),
];

/// The newest release any fact appears in: from it on every fact holds, so
/// the checks of every call cost one comparison in the default release.
const LATEST_CHANGE: Release = latest(FACTS);

const fn latest(facts: &[Fact]) -> Release {
    const fn key(r: Release) -> u32 {
        (r.major as u32) << 16 | (r.minor as u32) << 8 | r.patch as u32
    }
    let mut newest = Release::OLDEST;
    let mut f = 0;
    while f < facts.len() {
        // What the emulator does not emulate changes nothing it does.
        let since = match facts[f].subject {
            Subject::NotEmulated(_) => &[],
            _ => facts[f].since,
        };
        let mut n = 0;
        while n < since.len() {
            if key(since[n]) > key(newest) {
                newest = since[n];
            }
            n += 1;
        }
        f += 1;
    }
    newest
}

/// Whether a fact that appears in `since` holds in `release`.
fn holds(since: &[Release], release: Release) -> bool {
    since
        .iter()
        .enumerate()
        .any(|(n, &from)| release >= from && (n + 1 == since.len() || release.major == from.major))
}

/// Whether `name` is `pattern` or matches its trailing `*`.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

impl Release {
    /// Whether a fact or method that appears in `since` holds in this
    /// release.
    pub(crate) fn within(self, since: &[Release]) -> bool {
        holds(since, self)
    }

    /// Whether `behaviour` holds in this release.
    pub(crate) fn has(self, behaviour: Behaviour) -> bool {
        self >= LATEST_CHANGE
            || FACTS
                .iter()
                .find(|f| matches!(f.subject, Subject::Behaviour(b) if b == behaviour))
                .is_none_or(|f| holds(f.since, self))
    }

    /// Parameter paths of every method this release does not know yet: an
    /// older server ignores them, so the emulator drops them before the
    /// handler (a method's own are in its declaration).
    pub(crate) fn missing_parameters(self) -> impl Iterator<Item = &'static str> {
        let facts = if self >= LATEST_CHANGE { &[] } else { FACTS };
        facts.iter().filter_map(move |f| match f.subject {
            Subject::Parameter(name) if !holds(f.since, self) => Some(name),
            _ => None,
        })
    }

    /// Whether the access-token reply object has key `name` in this release.
    pub(crate) fn has_reply_field(self, name: &str) -> bool {
        self >= LATEST_CHANGE
            || FACTS.iter().all(|f| match f.subject {
                Subject::ReplyField(pattern) if matches(pattern, name) => holds(f.since, self),
                _ => true,
            })
    }

    /// Whether every reply field exists (no projection needed).
    pub(crate) fn has_every_reply_field(self) -> bool {
        self >= LATEST_CHANGE
            || FACTS.iter().all(|f| match f.subject {
                Subject::ReplyField(_) => holds(f.since, self),
                _ => true,
            })
    }

    /// One release per distinct set of reply fields, oldest first: the
    /// releases whose reply schema differs from the one before.
    pub(crate) fn reply_field_eras() -> &'static [Release] {
        static ERAS: LazyLock<Vec<Release>> = LazyLock::new(|| {
            let mut eras: Vec<Release> = FACTS
                .iter()
                .filter(|f| matches!(f.subject, Subject::ReplyField(_)))
                .flat_map(|f| f.since.iter().copied())
                .chain([Release::OLDEST])
                .collect();
            eras.sort();
            eras.dedup();
            eras
        });
        &ERAS
    }

    /// The era (see `reply_field_eras`) this release's replies belong to.
    pub(crate) fn reply_field_era(self) -> Release {
        Release::reply_field_eras()
            .iter()
            .copied()
            .rfind(|&era| era <= self)
            .unwrap_or(Release::OLDEST)
    }
}

/// `R16.12 & R17.10`: a fact's releases as the table writes them.
pub fn since_text(since: &[Release]) -> String {
    let since: Vec<String> = since.iter().map(ToString::to_string).collect();
    since.join(" & ")
}

/// The facts as rows of the README's release table (the methods' rows are
/// added by `api::methods::release_table`).
#[cfg(any(test, feature = "testing"))]
pub fn fact_rows() -> impl Iterator<Item = String> {
    FACTS.iter().map(|f| {
        let what = match f.subject {
            Subject::Parameter(name) => format!("parameter `{name}` (every method)"),
            Subject::ReplyField(name) => format!("reply field `{name}`"),
            Subject::Behaviour(b) => format!("behaviour `{b:?}`"),
            Subject::NotEmulated(what) => format!("{what} (not emulated)"),
        };
        format!("| {what} | {} |  | {} |\n", since_text(f.since), f.note)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(text: &str) -> Release {
        Release::parse(text).expect(text)
    }

    #[test]
    fn two_release_lines_hold_only_within_the_first_line_and_from_the_last() {
        let lines = since::R16_12_AND_R17_10;
        assert!(!rel("R16.11").within(lines));
        assert!(rel("R16.12").within(lines));
        assert!(!rel("R17").within(lines));
        assert!(!rel("R17.9").within(lines));
        assert!(rel("R17.10").within(lines));
        assert!(rel("R18").within(lines));
        assert!(Release::DEFAULT.has_every_reply_field());
    }

    #[test]
    fn the_latest_change_is_r14() {
        assert_eq!(LATEST_CHANGE, rel("R14"));
    }

    #[test]
    fn eras_split_where_reply_fields_change() {
        let eras: Vec<String> = Release::reply_field_eras()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(eras, ["R5", "R8", "R9", "R10", "R10.1"]);
        assert_eq!(rel("R9.5").reply_field_era(), rel("R9"));
        assert!(!rel("R10").has_reply_field("udf_string_1"));
        assert!(rel("R10").has_reply_field("classification"));
        assert!(rel("R10").has_reply_field("id"));
    }
}
