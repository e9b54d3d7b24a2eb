//! The entities of a consumer's account beyond its accounts receivable:
//! currencies, wallets and the communications CRM.COM sends.

use super::entities::{LogRefs, UdfSet, UdfValues};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

fn effective() -> String {
    "EFFECTIVE".into()
}

/// A currency wallets and rewards count in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Currency {
    pub id: String,
    /// ISO 4217 (`EUR`).
    pub code: String,
    pub prefix_symbol: Option<String>,
    pub suffix_symbol: Option<String>,
    pub integer_part_name: Option<String>,
    pub decimal_part_name: Option<String>,
}

/// A wallet: the stored value of an accounts receivable (its rewards
/// points or prepaid money). Its balance as the fixtures hold it; a
/// tenant's own balance, once set, is in `Tenant::wallet_balances`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wallet {
    pub id: String,
    pub number: String,
    pub accounts_receivable_id: String,
    pub currency_id: String,
    /// EFFECTIVE or CANCELLED.
    #[serde(default = "effective")]
    pub life_cycle_state: String,
    /// In the wallet's currency.
    pub balance: f64,
    #[serde(default)]
    pub opening_balance: f64,
    #[serde(default)]
    pub opening_balance_date: Option<NaiveDateTime>,
    #[serde(default)]
    pub udf: UdfValues,
    #[serde(default)]
    pub log_information: Option<LogRefs>,
}

impl Wallet {
    pub const UDF: UdfSet = UdfSet::USUAL;
}

/// A communication: a message CRM.COM sent to (or received from) a
/// contact. The fixtures hold the documented example (`CM000680`); those
/// the emulator sends (verification codes, forgotten pass codes) are the
/// tenant's outbox (`domain::outbox`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    pub id: String,
    pub number: String,
    /// The contact it was sent to; `None` when the message went to an
    /// access token's identifier with no contact behind it.
    pub contact_id: Option<String>,
    /// OUTGOING or INCOMING.
    pub direction: String,
    /// EMAIL, SMS, PHONE, LETTER or FACE_TO_FACE.
    pub media: String,
    /// The e-mail address or phone number it went to.
    pub recipient: Option<String>,
    pub subject: Option<String>,
    /// The message, with the code or link it carries.
    pub content: Option<String>,
    /// DRAFT or COMPLETE.
    pub life_cycle_state: String,
    #[serde(default)]
    pub viewed: bool,
    #[serde(default)]
    pub viewed_on: Option<NaiveDateTime>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub udf: UdfValues,
    pub log_information: LogRefs,
}

impl Communication {
    /// The documented example shows `udf_string_1..2` and
    /// `udf_float_1..4`; the strings up to 8 are the emulator's decision.
    pub const UDF: UdfSet = UdfSet {
        strings: 8,
        floats: 4,
        dates: 0,
    };
}
