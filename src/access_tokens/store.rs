//! A tenant's access tokens with every index CRM.COM looks them up by
//! (authentication code, identifier, accounts receivable, rewards participant,
//! number). Indexes change only through `insert` and `replace`, so they always
//! agree with the tokens; the tenant's lock makes each change atomic.

use super::entity::AccessToken;
use crate::error::{ApiError, ApiResult};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Orders numbers as CRM.COM installs write them ("35", "ACT0000000142"):
/// by letter prefix, then by numeric value, then by the text itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumberKey {
    prefix: String,
    value: u64,
    text: String,
}

impl NumberKey {
    pub fn of(number: &str) -> Self {
        let split = number
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(number.len());
        let (prefix, digits) = number.split_at(split);
        NumberKey {
            prefix: prefix.to_string(),
            value: digits.parse().unwrap_or(u64::MAX),
            text: number.to_string(),
        }
    }
}

/// Prefix and width of numbers the emulator allocates: `ACT` + 10 digits.
const NUMBER_PREFIX: &str = "ACT";
const NUMBER_DIGITS: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct AccessTokenStore {
    by_number: BTreeMap<NumberKey, AccessToken>,
    number_of_id: HashMap<String, NumberKey>,
    by_auth_code: HashMap<String, NumberKey>,
    by_identifier: HashMap<String, NumberKey>,
    by_accounts_receivable: HashMap<String, BTreeSet<NumberKey>>,
    by_rewards_participant: HashMap<String, BTreeSet<NumberKey>>,
    /// Tokens holding a one-time password (few at any time): OTPs are salted
    /// hashes, so a lookup by OTP checks each of these.
    with_otp: BTreeSet<NumberKey>,
    highest_allocated: u64,
}

impl AccessTokenStore {
    pub fn len(&self) -> usize {
        self.by_number.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_number.is_empty()
    }

    /// The next free number, `ACT` + 10 digits after the highest in the store.
    /// Call it and `insert` under the same write lock.
    pub fn next_number(&self) -> String {
        format!(
            "{NUMBER_PREFIX}{:0width$}",
            self.highest_allocated + 1,
            width = NUMBER_DIGITS
        )
    }

    /// Adds a token, refusing a duplicate id, number, authentication code or
    /// identifier. Nothing changes when it refuses.
    pub fn insert(&mut self, token: AccessToken) -> ApiResult<()> {
        let key = NumberKey::of(&token.number);
        if self.by_number.contains_key(&key) || self.number_of_id.contains_key(&token.id) {
            return Err(ApiError::DuplicateAccessToken { field: "number" });
        }
        self.check_unique(&token, None)?;
        self.index(&key, &token);
        if key.prefix == NUMBER_PREFIX && key.text.len() == NUMBER_PREFIX.len() + NUMBER_DIGITS {
            self.highest_allocated = self.highest_allocated.max(key.value);
        }
        self.number_of_id.insert(token.id.clone(), key.clone());
        self.by_number.insert(key, token);
        Ok(())
    }

    /// Replaces the token with the same id by `token`, moving its indexes.
    /// Refuses (changing nothing) if the new authentication code or identifier
    /// belongs to another token.
    pub fn replace(&mut self, token: AccessToken) -> ApiResult<()> {
        let key = self
            .number_of_id
            .get(&token.id)
            .cloned()
            .ok_or(ApiError::NotFound(crate::error::Entity::AccessToken))?;
        self.check_unique(&token, Some(&key))?;
        if let Some(old) = self.by_number.remove(&key) {
            self.unindex(&key, &old);
        }
        self.index(&key, &token);
        self.by_number.insert(key, token);
        Ok(())
    }

    fn check_unique(&self, token: &AccessToken, own: Option<&NumberKey>) -> ApiResult<()> {
        let taken = |index: &HashMap<String, NumberKey>, value: &str| {
            index.get(value).is_some_and(|k| Some(k) != own)
        };
        if taken(&self.by_auth_code, &token.authentication_code) {
            return Err(ApiError::DuplicateAccessToken {
                field: "authentication_code",
            });
        }
        if let Some(identifier) = &token.identifier {
            if taken(&self.by_identifier, identifier) {
                return Err(ApiError::DuplicateAccessToken {
                    field: "identifier",
                });
            }
        }
        Ok(())
    }

    fn index(&mut self, key: &NumberKey, token: &AccessToken) {
        self.by_auth_code
            .insert(token.authentication_code.clone(), key.clone());
        if let Some(identifier) = &token.identifier {
            self.by_identifier.insert(identifier.clone(), key.clone());
        }
        if let Some(ar) = &token.accounts_receivable_id {
            self.by_accounts_receivable
                .entry(ar.clone())
                .or_default()
                .insert(key.clone());
        }
        if let Some(rp) = &token.rewards_participant_id {
            self.by_rewards_participant
                .entry(rp.clone())
                .or_default()
                .insert(key.clone());
        }
        if token.one_time_password.is_some() {
            self.with_otp.insert(key.clone());
        }
    }

    fn unindex(&mut self, key: &NumberKey, token: &AccessToken) {
        self.with_otp.remove(key);
        self.by_auth_code.remove(&token.authentication_code);
        if let Some(identifier) = &token.identifier {
            self.by_identifier.remove(identifier);
        }
        let drop_from = |index: &mut HashMap<String, BTreeSet<NumberKey>>, id: &String| {
            if let Some(set) = index.get_mut(id) {
                set.remove(key);
                if set.is_empty() {
                    index.remove(id);
                }
            }
        };
        if let Some(ar) = &token.accounts_receivable_id {
            drop_from(&mut self.by_accounts_receivable, ar);
        }
        if let Some(rp) = &token.rewards_participant_id {
            drop_from(&mut self.by_rewards_participant, rp);
        }
    }

    pub fn by_id(&self, id: &str) -> Option<&AccessToken> {
        self.number_of_id
            .get(id)
            .and_then(|k| self.by_number.get(k))
    }

    pub fn by_authentication_code(&self, code: &str) -> Option<&AccessToken> {
        self.by_auth_code
            .get(code)
            .and_then(|k| self.by_number.get(k))
    }

    pub fn by_identifier(&self, identifier: &str) -> Option<&AccessToken> {
        self.by_identifier
            .get(identifier)
            .and_then(|k| self.by_number.get(k))
    }

    /// Tokens linked to the accounts receivable directly or through one of
    /// `participants` (its rewards participants), in number order.
    pub fn of_accounts_receivable<'a>(
        &'a self,
        ar_id: &str,
        participants: impl Iterator<Item = &'a str>,
    ) -> Vec<&'a AccessToken> {
        let mut keys: BTreeSet<&NumberKey> = self
            .by_accounts_receivable
            .get(ar_id)
            .into_iter()
            .flatten()
            .collect();
        for rp in participants {
            keys.extend(self.by_rewards_participant.get(rp).into_iter().flatten());
        }
        keys.into_iter()
            .filter_map(|k| self.by_number.get(k))
            .collect()
    }

    /// Tokens linked to the rewards participant, in number order.
    pub fn of_rewards_participant(&self, rp_id: &str) -> Vec<&AccessToken> {
        self.by_rewards_participant
            .get(rp_id)
            .into_iter()
            .flatten()
            .filter_map(|k| self.by_number.get(k))
            .collect()
    }

    /// Tokens holding a one-time password (live or expired), in number order.
    pub fn with_one_time_password(&self) -> impl Iterator<Item = &AccessToken> {
        self.with_otp.iter().filter_map(|k| self.by_number.get(k))
    }

    /// Every token, in number order.
    pub fn iter(&self) -> impl Iterator<Item = &AccessToken> {
        self.by_number.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access_tokens::entity::LifeCycleState;
    use crate::reference::LogRefs;

    fn token(id: &str, number: &str, code: &str, identifier: Option<&str>) -> AccessToken {
        AccessToken {
            id: id.into(),
            number: number.into(),
            life_cycle_state: LifeCycleState::Effective,
            authentication_code: code.into(),
            identifier: identifier.map(Into::into),
            pass_code_hash: None,
            verification_code: None,
            verified_date: None,
            verified_by_user_id: None,
            accounts_receivable_id: Some("AR1".into()),
            rewards_participant_id: None,
            classification_id: None,
            udf: Default::default(),
            one_time_password: None,
            log_information: LogRefs {
                created_date: Default::default(),
                updated_date: Default::default(),
                created_by_unit_id: "u".into(),
                updated_by_unit_id: "u".into(),
                created_by_user_id: "1".into(),
                updated_by_user_id: "1".into(),
            },
        }
    }

    #[test]
    fn numbers_continue_after_the_highest_act_number() {
        let mut store = AccessTokenStore::default();
        assert_eq!(store.next_number(), "ACT0000000001");
        store.insert(token("a", "35", "c1", None)).expect("insert");
        store
            .insert(token("b", "ACT0000000246", "c2", None))
            .expect("insert");
        assert_eq!(store.next_number(), "ACT0000000247");
    }

    #[test]
    fn duplicates_are_refused_and_change_nothing() {
        let mut store = AccessTokenStore::default();
        store
            .insert(token("a", "1", "code", Some("x")))
            .expect("insert");
        let err = store.insert(token("b", "2", "code", None));
        assert_eq!(
            err,
            Err(ApiError::DuplicateAccessToken {
                field: "authentication_code"
            })
        );
        let err = store.insert(token("b", "2", "other", Some("x")));
        assert_eq!(
            err,
            Err(ApiError::DuplicateAccessToken {
                field: "identifier"
            })
        );
        assert_eq!(store.len(), 1);
        assert!(store.by_authentication_code("other").is_none());
    }

    #[test]
    fn replace_moves_every_index_together() {
        let mut store = AccessTokenStore::default();
        store
            .insert(token("a", "1", "old", Some("x")))
            .expect("insert");
        let mut changed = token("a", "1", "new", Some("y"));
        changed.accounts_receivable_id = Some("AR2".into());
        store.replace(changed).expect("replace");
        assert!(store.by_authentication_code("old").is_none());
        assert!(store.by_identifier("x").is_none());
        assert_eq!(store.by_identifier("y").map(|t| t.id.as_str()), Some("a"));
        assert!(store
            .of_accounts_receivable("AR1", std::iter::empty())
            .is_empty());
        assert_eq!(
            store
                .of_accounts_receivable("AR2", std::iter::empty())
                .len(),
            1
        );
    }
}
