//! The method table: every emulated CRM.COM method declared once, named as
//! in the CRM.COM docs. Routing, the release gate, the OpenAPI document, the
//! request schemas and the README's method and release tables are all made
//! from these declarations (see ARCHITECTURE.md, "Adding a CRM.COM method").

use crate::api::access_tokens::{lifecycle, pass_code, read, write};
use crate::api::authentication;
use crate::api::call::Handler;
use crate::api::consumer::{
    accounts_receivable, communications, contact_information, rewards_participants, wallets,
};
use crate::api::identifiers::TOP_LEVEL_ACCESS_TOKEN;
use crate::api::schemas::ReplySchema;
use crate::core::error::Entity;
#[cfg(test)]
use crate::core::release::Release;
use crate::core::release_facts::since::*;

pub use crate::api::method::{later, Method, Verb, API_PREFIX};

/// The defaults every declaration starts from: an access-token method of a
/// login session that answers one access token and takes `fields_set`.
const ACCESS_TOKENS: Method = Method {
    path: "",
    verb: Verb::Post,
    summary: "",
    since: R5,
    deprecated: "R18",
    handler: Handler::Session(read::show),
    reply: ReplySchema::ACCESS_TOKEN,
    fields_set: true,
    empty_body_ok: false,
    application_key: false,
    tag: "access_tokens",
    resolves: &[Entity::AccessToken],
    semi_optional: &[],
    later_parameters: &[],
    later_fields: &[],
    notes: "",
};

/// The login methods' defaults: no session, no `fields_set`.
const AUTHENTICATION: Method = Method {
    tag: "authentication",
    resolves: &[Entity::Unit],
    deprecated: "—",
    reply: ReplySchema::LOGIN,
    fields_set: false,
    handler: Handler::Public(authentication::token),
    ..ACCESS_TOKENS
};

/// The consumer methods' defaults: a read of one entity of a login
/// session, taking `fields_set` (`api::consumer`).
const CONSUMER: Method = Method {
    since: R5,
    deprecated: "—",
    resolves: &[],
    ..ACCESS_TOKENS
};

/// The methods: one declaration each.
pub const METHODS: &[Method] = &[
    Method {
        path: "authentication/token",
        summary: "Login with a user name and password",
        notes: "`username`, `password`, `organisation` (or the older `organization`), optional `unit` (a unit id)",
        handler: Handler::Public(authentication::token),
        ..AUTHENTICATION
    },
    Method {
        path: "authentication/web_api_key/token",
        verb: Verb::Any,
        summary: "Login with a web API key (HTTP Basic user name)",
        notes: "key via HTTP Basic; optional `unit`; `organisation` is an emulator extension",
        since: R10,
        handler: Handler::Public(authentication::web_api_key_token),
        empty_body_ok: true,
        application_key: true,
        ..AUTHENTICATION
    },
    Method {
        path: "authentication/consumer_application_key/token",
        resolves: &[Entity::Unit, Entity::AccessToken, Entity::AccountsReceivable],
        summary: "Login as a consumer: a consumer application key (HTTP Basic user name) and an effective access token",
        notes: "key via HTTP Basic, `access_token_identifier` (an effective token), optional `unit`, `organisation` (emulator extension); the session acts for that token's accounts receivable only (JWT claims `ari`, `cii`)",
        since: R15,
        handler: Handler::Public(authentication::consumer_application_key_token),
        application_key: true,
        ..AUTHENTICATION
    },
    Method {
        path: "authentication/token/release",
        resolves: &[],
        summary: "Ends the session of a login token",
        notes: "answers `data: {}`; the token is dead at once",
        since: R10,
        deprecated: "R12",
        handler: Handler::Public(authentication::release),
        reply: ReplySchema::EMPTY,
        ..AUTHENTICATION
    },
    Method {
        path: "access_tokens/show",
        summary: "One access token",
        notes: "`access_token_identifier`: `authentication_code`, or `identifier` with `pass_code`",
        handler: Handler::Session(read::show),
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/list",
        resolves: &[
            Entity::AccountsReceivable,
            Entity::RewardsParticipant,
            Entity::AccessTokenClassification,
        ],
        verb: Verb::Get,
        summary: "The access tokens of an accounts receivable, rewards participant or classification",
        notes: "exactly one of `accounts_receivable_identifier` (`id`, `number`, `name`) or `rewards_participant_identifier` (`id`, `number`); optional `classification_identifier` (`id`, `name`, `alternative_code`), `number_of_results`, `offset`",
        since: R8,
        handler: Handler::Session(read::list),
        reply: ReplySchema::ACCESS_TOKEN_LIST,
        semi_optional: &[read::LIST_OWNERS],
        later_parameters: &[
            later("number_of_results", R13, "before: ignored, every token listed"),
            later("offset", R13, "before: ignored"),
            later("classification_identifier", R10, "before: ignored, no filter"),
        ],
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/get_not_associated",
        resolves: &[],
        verb: Verb::Get,
        summary: "Access tokens not associated with an accounts receivable or rewards participant",
        notes: "`number` (how many to return), optional `life_cycle_state`",
        handler: Handler::Session(read::get_not_associated),
        reply: ReplySchema::ACCESS_TOKEN_LIST,
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/create",
        resolves: &[
            Entity::AccountsReceivable,
            Entity::RewardsParticipant,
            Entity::AccessTokenClassification,
            Entity::AccessToken,
        ],
        summary: "Creates an access token",
        notes: "optional `authentication_code` (generated, 32 hex, when absent); `identifier` and `pass_code` (see below); `accounts_receivable_identifier` (`id`, `number`, `name`, or R8's `access_token_identifier` of an effective token of it, which may be `{\"one_time_password\": \"…\"}`: a live OTP from `generate_otp`), `rewards_participant_identifier` (when both, the participant must be the accounts receivable's), `classification_identifier`; `udf_string_1..8`, `udf_float_1..4`, `udf_date_1..4`. Starts `EFFECTIVE`, or `PENDING_VERIFICATION` with a 6-digit verification code when the definition or the classification requires verification",
        handler: Handler::Session(write::create),
        later_parameters: &[
            later("accounts_receivable_identifier", R8, "before: ignored, the token is not linked"),
            later("rewards_participant_identifier", R8, "before: ignored"),
            later("classification_identifier", R10, "before: ignored"),
            later("udf_*", R10_1, "the 16 user-defined fields; before: ignored"),
        ],
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/update",
        summary: "Updates an access token: fields not sent stay, null clears",
        notes: "`access_token_identifier`; `authentication_code` (null regenerates it), `identifier`, `pass_code`, the udf fields: not sent stays, null clears",
        handler: Handler::Session(write::update),
        later_parameters: &[later("udf_*", R10_1, "before: ignored")],
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/verify",
        summary: "Verifies a pending access token with its verification code",
        notes: "`access_token_identifier`, `verification_code`, optional `pass_code` (becomes the pass code); `PENDING_VERIFICATION` → `EFFECTIVE`, sets `verified_date` and `verified_by_user`",
        since: R9,
        handler: Handler::Session(lifecycle::verify),
        later_parameters: &[later("pass_code", R14, "set the pass code at verification; before: ignored")],
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/reset_pass_code",
        summary: "Gives an access token a new random pass code",
        notes: "`authentication_code` or `identifier` (top level); `EFFECTIVE` only; the reply adds `random_pass_code` (6 digits), shown once",
        since: R9,
        deprecated: "R16.12, R17.10, R18",
        handler: Handler::Session(lifecycle::reset_pass_code),
        reply: ReplySchema::RESET_PASS_CODE,
        semi_optional: &[TOP_LEVEL_ACCESS_TOKEN],
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/reset_verification_code",
        summary: "Gives a pending access token a new verification code",
        notes: "`authentication_code` or `identifier` (top level); `PENDING_VERIFICATION` only; a new 6-digit `verification_code`",
        since: R12,
        handler: Handler::Session(lifecycle::reset_verification_code),
        semi_optional: &[TOP_LEVEL_ACCESS_TOKEN],
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/generate_otp",
        summary: "A one-time password for an effective access token",
        notes: "`access_token_identifier`; `EFFECTIVE` only; answers `id`, `number`, `one_time_password` (6 digits), `expiration_date`; a new OTP replaces the token's previous one",
        since: R13,
        handler: Handler::Session(lifecycle::generate_otp),
        reply: ReplySchema::ONE_TIME_PASSWORD,
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/set_as_effective",
        summary: "Not effective to effective",
        notes: "`access_token_identifier`; `NOT_EFFECTIVE` → `EFFECTIVE`",
        since: R13_1,
        handler: Handler::Session(lifecycle::set_as_effective),
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/set_as_not_effective",
        summary: "Effective to not effective",
        notes: "`access_token_identifier`; `EFFECTIVE` → `NOT_EFFECTIVE`",
        since: R13_1,
        handler: Handler::Session(lifecycle::set_as_not_effective),
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/forgot_pass_code",
        summary: "CRM.COM e-mails the consumer of an effective token a one-time password (to the outbox)",
        notes: "`identifier` of an `EFFECTIVE` token; status only (no `data` key); the e-mail, a communication in the outbox, carries a one-time password that the consumer login takes (`{\"one_time_password\": …}`) before `change_pass_code`",
        since: R16_12_AND_R17_10,
        handler: Handler::Session(pass_code::forgot_pass_code),
        reply: ReplySchema::STATUS_ONLY,
        fields_set: false,
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/change_pass_code",
        summary: "The consumer logged in with its access token sets a new pass code",
        notes: "`pass_code`; needs a consumer-application login token, and changes that consumer's own (`EFFECTIVE`) token; status only",
        since: R16_12_AND_R17_10,
        handler: Handler::Session(pass_code::change_pass_code),
        reply: ReplySchema::STATUS_ONLY,
        fields_set: false,
        ..ACCESS_TOKENS
    },
    Method {
        path: "access_tokens/configuration/classifications/list",
        resolves: &[],
        verb: Verb::Get,
        summary: "The access token classifications",
        since: R10,
        handler: Handler::Session(read::classifications_list),
        reply: ReplySchema::CLASSIFICATION_LIST,
        ..ACCESS_TOKENS
    },
    Method {
        path: "accounts_receivable/show",
        verb: Verb::Any,
        tag: "accounts_receivable",
        resolves: &[Entity::AccountsReceivable, Entity::AccessToken],
        summary: "One accounts receivable, with its owner, balances and log",
        notes: "`accounts_receivable_identifier`: `id`, `number`, `name`, or (POST, R8) `access_token_identifier` of an effective token of it (`authentication_code`, `identifier` with `pass_code`, or a live `one_time_password`); a consumer login reaches its own only",
        handler: Handler::Session(accounts_receivable::show),
        reply: ReplySchema::ACCOUNTS_RECEIVABLE,
        later_parameters: &[later(
            "accounts_receivable_identifier.access_token_identifier",
            R8,
            "before: ignored (then the identifier names nothing)",
        )],
        later_fields: &[
            later("opening_balance", R10, "before: absent"),
            later("opening_balance_date", R10, "before: absent"),
        ],
        ..CONSUMER
    },
    Method {
        path: "contact_information/show",
        verb: Verb::Get,
        tag: "contact_information",
        resolves: &[Entity::ContactInformation],
        summary: "One contact: name, demographics, e-mails, phones, language",
        notes: "`contact_information_identifier`: `id`, `number`, `id_number`, `passport_number`, `social_security_number`, `vat_registration_number` or `registration_number`; a consumer login reaches its account's owner only",
        handler: Handler::Session(contact_information::show),
        reply: ReplySchema::CONTACT_INFORMATION,
        later_fields: &[later("preferred_language", R12, "before: absent")],
        ..CONSUMER
    },
    Method {
        path: "rewards_participants/show",
        tag: "rewards_participants",
        resolves: &[Entity::RewardsParticipant, Entity::AccessToken],
        summary: "One rewards participant, with its accounts receivable and sign-up",
        notes: "`rewards_participant_identifier`: `id`, `number`, or `access_token_identifier` of an effective token (its participant, else its account's first); POST from R5 (GET before); tiers, schemes and spend settings are not emulated (null or empty)",
        deprecated: "R17",
        handler: Handler::Session(rewards_participants::show),
        reply: ReplySchema::REWARDS_PARTICIPANT,
        later_fields: &[
            later("life_cycle_state", R12, "before: absent"),
            later("currency", R10, "before: absent"),
            later("auto_spend_authorisation", R11, "before: absent"),
        ],
        ..CONSUMER
    },
    Method {
        path: "wallets/show",
        tag: "wallets",
        resolves: &[
            Entity::AccountsReceivable,
            Entity::RewardsParticipant,
            Entity::Wallet,
            Entity::AccessToken,
        ],
        summary: "The effective wallet of an accounts receivable or rewards participant",
        notes: "exactly one of `accounts_receivable_identifier` or `rewards_participant_identifier` (each also by `access_token_identifier`); the balance is the one the admin API set, else the fixtures'",
        since: R10_1,
        deprecated: "R17",
        handler: Handler::Session(wallets::show),
        reply: ReplySchema::WALLET,
        semi_optional: &[wallets::SHOW_OWNERS],
        later_fields: &[
            later("opening_balance", R12_1, "before: absent"),
            later("opening_balance_date", R12_1, "before: absent"),
            later("alternative_balance", R14_2, "before: absent"),
            later("opening_alternative_balance", R14_2, "before: absent"),
        ],
        ..CONSUMER
    },
    Method {
        path: "wallets/get_balance",
        tag: "wallets",
        resolves: &[
            Entity::AccountsReceivable,
            Entity::RewardsParticipant,
            Entity::Wallet,
            Entity::AccessToken,
        ],
        summary: "A wallet's balance, by the wallet, its accounts receivable or its participant",
        notes: "exactly one of `wallet_identifier` (`id`, `number`), `accounts_receivable_identifier` or `rewards_participant_identifier`; optional `as_of_date` (today or later; balances do not move with time here), `no_allotments_included` (R14.17, accepted)",
        since: R12,
        handler: Handler::Session(wallets::get_balance),
        reply: ReplySchema::WALLET_BALANCE,
        semi_optional: &[wallets::BALANCE_OWNERS],
        later_parameters: &[later(
            "no_allotments_included",
            R14_17,
            "before: ignored",
        )],
        later_fields: &[later("alternative_balance", R14_2, "before: absent")],
        ..CONSUMER
    },
    Method {
        path: "communications/list",
        verb: Verb::Get,
        tag: "communications",
        resolves: &[Entity::ContactInformation, Entity::CommunicationCategory],
        summary: "A contact's communications, newest first: what CRM.COM sent it",
        notes: "exactly one of `contact_information_identifier` or `category_identifier` (the emulator has no categories: not found); optional `direction` (INCOMING, OUTGOING), `media` (EMAIL, SMS, PHONE, LETTER, FACE_TO_FACE), `number_of_results`, `offset`; includes the verification codes and forgot-pass-code e-mails the emulator sent",
        since: R4,
        handler: Handler::Session(communications::list),
        reply: ReplySchema::COMMUNICATION_LIST,
        semi_optional: &[communications::LIST_BY],
        later_parameters: &[
            later("number_of_results", R13, "before: ignored, every one listed"),
            later("offset", R13, "before: ignored"),
        ],
        later_fields: &[
            later("viewed", R12_2, "before: absent"),
            later("viewed_on", R12_2, "before: absent"),
        ],
        ..CONSUMER
    },
    Method {
        path: "communications/show",
        verb: Verb::Get,
        tag: "communications",
        resolves: &[Entity::Communication],
        summary: "One communication, with its contact",
        notes: "`communication_identifier`: `id` or `number`",
        since: R4,
        handler: Handler::Session(communications::show),
        reply: ReplySchema::COMMUNICATION,
        later_fields: &[
            later("viewed", R12_2, "before: absent"),
            later("viewed_on", R12_2, "before: absent"),
        ],
        ..CONSUMER
    },
];

/// The method for a path after the API prefix (a trailing `/` is tolerated).
pub fn find(path: &str) -> Option<&'static Method> {
    let path = path.strip_suffix('/').unwrap_or(path);
    METHODS.iter().find(|m| m.path == path)
}

/// The reply schemas of the methods, each once (what `Schemas::load`
/// compiles).
pub fn reply_schemas() -> Vec<ReplySchema> {
    let mut replies: Vec<ReplySchema> = Vec::new();
    for method in METHODS {
        if !replies.contains(&method.reply) {
            replies.push(method.reply);
        }
    }
    replies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::method_tables::{method_table, release_table};

    #[test]
    fn every_method_exists_in_the_default_release() {
        for method in METHODS {
            assert!(method.available_in(Release::DEFAULT), "{}", method.path);
        }
    }

    #[test]
    fn paths_are_unique_and_found() {
        for method in METHODS {
            let found = find(method.path).map(|m| m.path);
            assert_eq!(found, Some(method.path));
            assert_eq!(
                find(&format!("{}/", method.path)).map(|m| m.path),
                Some(method.path)
            );
        }
        assert!(find("access_tokens/nope").is_none());
    }

    #[test]
    fn later_parameters_are_dropped_only_before_their_release() {
        let list = find("access_tokens/list").expect("list");
        let r12 = Release::parse("R12").expect("R12");
        let missing: Vec<&str> = list.missing_parameters(r12).collect();
        assert_eq!(
            missing,
            [
                "number_of_results",
                "offset",
                // Parameters of every method (`core::release::FACTS`).
                "accounts_receivable_identifier.access_token_identifier.one_time_password",
                "rewards_participant_identifier.access_token_identifier.one_time_password"
            ]
        );
        assert_eq!(list.missing_parameters(Release::DEFAULT).count(), 0);
        assert!(!list.available_in(Release::parse("R7").expect("R7")));
    }

    #[test]
    fn semi_optional_and_later_parameters_are_parameters_of_their_method() {
        for method in METHODS {
            let schema = crate::api::requests::request_schema(method);
            let properties = schema["properties"].as_object().expect("properties");
            let named = method
                .semi_optional
                .iter()
                .flat_map(|group| group.iter())
                .chain(method.later_parameters.iter().map(|p| &p.name));
            for name in named {
                // A nested parameter (`a.b`) is known by its object `a`.
                let name = &name.split('.').next().unwrap_or(name);
                let known = match name.strip_suffix('*') {
                    Some(prefix) => properties.keys().any(|k| k.starts_with(prefix)),
                    None => properties.contains_key(*name),
                };
                assert!(known, "{}: {name} is not in requests.json", method.path);
            }
            // What the declaration adds, requests.json does not repeat.
            let own = &crate::api::requests::file()["methods"][method.path]["properties"];
            assert!(own.get("fields_set").is_none(), "{}", method.path);
            if matches!(method.handler, Handler::Session(_)) {
                assert!(own.get("token").is_none(), "{}", method.path);
                assert_eq!(schema["required"][0], "token", "{}", method.path);
            }
        }
    }

    #[test]
    fn the_readme_shows_both_tables() {
        let readme = include_str!("../../README.md");
        for (name, table) in [
            ("method_table", method_table()),
            ("release_table", release_table()),
        ] {
            assert!(
                readme.contains(&table),
                "README.md must contain api::methods::{name}() verbatim:\n{table}"
            );
        }
    }
}
