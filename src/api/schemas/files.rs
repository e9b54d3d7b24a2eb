//! The schema files: those replies share, embedded, and one constant per
//! reply schema (`ReplySchema`); the reference objects a token's reply
//! embeds (`Embedded`), each checked apart.

pub(super) const BASE: &str = "https://crmcom-emulator.local/schemas/";

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../schemas/", $name)))),*]
    };
}

/// The schema files replies share, by path under `schemas/`, with their
/// content; each reply schema is a `ReplySchema` constant.
pub const SHARED: &[(&str, &str)] = embedded!(
    "common.json",
    "access_token.json",
    "access_token_classification.json",
    "consumer.json",
    "requests.json",
);

/// A method's reply schema: `schemas/replies/<name>.json`, embedded.
#[derive(Debug, Clone, Copy)]
pub struct ReplySchema {
    /// Path under `schemas/`.
    pub file: &'static str,
    pub text: &'static str,
    /// Whether `data` is access-token objects (or one with a field added),
    /// so an older release's reply is checked against its era's schema.
    pub access_tokens: bool,
    /// Whether the reply has `data` (a status-only reply has none).
    pub data: bool,
}

/// One reply schema constant: the file under `schemas/replies/`, whether
/// its `data` is access tokens, whether it has `data`.
macro_rules! reply {
    ($name:literal, $tokens:literal, $data:literal) => {
        ReplySchema {
            file: concat!("replies/", $name),
            text: include_str!(concat!("../../../schemas/replies/", $name)),
            access_tokens: $tokens,
            data: $data,
        }
    };
}

impl ReplySchema {
    pub const ACCESS_TOKEN: ReplySchema = reply!("access_token.json", true, true);
    pub const ACCESS_TOKEN_LIST: ReplySchema = reply!("access_token_list.json", true, true);
    /// One access token with `random_pass_code` added.
    pub const RESET_PASS_CODE: ReplySchema = reply!("reset_pass_code.json", true, true);
    pub const CLASSIFICATION_LIST: ReplySchema = reply!("classification_list.json", false, true);
    pub const LOGIN: ReplySchema = reply!("login.json", false, true);
    pub const EMPTY: ReplySchema = reply!("empty.json", false, true);
    pub const STATUS_ONLY: ReplySchema = reply!("status_only.json", false, false);
    pub const ONE_TIME_PASSWORD: ReplySchema = reply!("one_time_password.json", false, true);
    pub const ACCOUNTS_RECEIVABLE: ReplySchema = reply!("accounts_receivable.json", false, true);
    pub const CONTACT_INFORMATION: ReplySchema = reply!("contact_information.json", false, true);
    pub const REWARDS_PARTICIPANT: ReplySchema = reply!("rewards_participant.json", false, true);
    pub const WALLET: ReplySchema = reply!("wallet.json", false, true);
    pub const WALLET_BALANCE: ReplySchema = reply!("wallet_balance.json", false, true);
    pub const COMMUNICATION: ReplySchema = reply!("communication.json", false, true);
    pub const COMMUNICATION_LIST: ReplySchema = reply!("communication_list.json", false, true);
}

/// Two reply schemas are the same file.
impl PartialEq for ReplySchema {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file
    }
}

impl Eq for ReplySchema {}

/// The reference objects an access token's reply embeds. They never change
/// in a tenant, so each is checked once, when first serialised, and a
/// token's own fields are checked against `access_token.json` with these
/// properties left open (see `Schemas::check_token_own_fields`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Embedded {
    AccountsReceivable,
    RewardParticipant,
    Classification,
    VerifiedByUser,
    /// The units and users of `log_information`.
    LogUnit,
    LogUser,
}

impl Embedded {
    /// The four a token's reply holds at its top level.
    pub const ALL: [Embedded; 4] = [
        Embedded::AccountsReceivable,
        Embedded::RewardParticipant,
        Embedded::Classification,
        Embedded::VerifiedByUser,
    ];
    pub(super) const LOG: [Embedded; 2] = [Embedded::LogUnit, Embedded::LogUser];

    /// The token's property holding it (the first four).
    pub fn property(self) -> &'static str {
        match self {
            Embedded::AccountsReceivable => "accounts_receivable",
            Embedded::RewardParticipant => "reward_participant",
            Embedded::Classification => "classification",
            Embedded::VerifiedByUser => "verified_by_user",
            Embedded::LogUnit => "created_by_unit",
            Embedded::LogUser => "created_by_user",
        }
    }

    /// Which embedded object a property of `log_information` holds.
    pub fn in_log(property: &str) -> Option<Embedded> {
        match property {
            "created_by_unit" | "updated_by_unit" => Some(Embedded::LogUnit),
            "created_by_user" | "updated_by_user" => Some(Embedded::LogUser),
            _ => None,
        }
    }

    pub(super) fn definition(self) -> &'static str {
        match self {
            Embedded::AccountsReceivable => "accounts_receivable",
            Embedded::RewardParticipant => "reward_participant",
            Embedded::Classification => "classification_short",
            Embedded::VerifiedByUser | Embedded::LogUser => "user",
            Embedded::LogUnit => "unit",
        }
    }
}
