//! A tenant's access tokens with every index CRM.COM looks them up by
//! (id, authentication code, identifier, accounts receivable, rewards
//! participant, number). Indexes change only through `insert` and `replace`,
//! so they always agree with the tokens; the tenant's lock makes each change
//! atomic.
//!
//! Memory is kept small for tenants of a million tokens, and no insert
//! stalls the tenant: tokens live in one chunked vector (they are never
//! removed), the unique indexes are hash tables of positions that hash the
//! token's own field rather than a copy of it, and number order is
//! positions in sorted chunks.

use super::cached::Filled;
use super::chunked::ChunkedVec;
use super::entity::AccessToken;
use super::number_key::{compare_keyed, slot_in, NumberKey};
use super::number_order::{NumberOrder, Slot};
use super::unique::{Field, Unique};
use crate::core::error::{ApiError, ApiResult};
use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};

/// Prefix and width of numbers the emulator allocates: `ACT` + 10 digits.
const NUMBER_PREFIX: &str = "ACT";
const NUMBER_DIGITS: usize = 10;

/// A change `check_insert` or `check_replace` found allowed, and where it
/// goes: `apply` makes it.
#[derive(Debug, Clone, Copy)]
pub enum Checked {
    Insert(Slot, u32),
    Replace(u32),
}

#[derive(Clone, Default)]
pub struct AccessTokenStore {
    tokens: ChunkedVec<AccessToken>,
    /// Each token's number, split for ordering (parsing it on every
    /// comparison was a tenth of a create).
    keys: ChunkedVec<NumberKey>,
    /// Positions in number order.
    by_number: NumberOrder,
    by_id: Unique,
    by_auth_code: Unique,
    by_identifier: Unique,
    /// Positions per owner, each list in number order.
    by_accounts_receivable: HashMap<String, Vec<u32>>,
    by_rewards_participant: HashMap<String, Vec<u32>>,
    /// Tokens holding a one-time password (few at any time): OTPs are salted
    /// hashes, so a lookup by OTP checks each of these.
    with_otp: BTreeSet<u32>,
    highest_allocated: u64,
    /// How many tokens hold their serialised reply.
    filled: Filled,
    hasher: RandomState,
}

impl std::fmt::Debug for AccessTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AccessTokenStore({} tokens)", self.tokens.len())
    }
}

impl AccessTokenStore {
    /// The count of tokens holding their serialised reply.
    pub fn filled(&self) -> &Filled {
        &self.filled
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
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

    fn find(&self, field: Field, value: &str) -> Option<u32> {
        let index = match field {
            Field::Id => &self.by_id,
            Field::AuthenticationCode => &self.by_auth_code,
            Field::Identifier => &self.by_identifier,
        };
        index.find(&self.tokens, &self.hasher, field, value)
    }

    /// Where `number` would go in number order; `Ok` when it is taken.
    fn number_slot(&self, number: &str) -> Result<(), Slot> {
        let key = NumberKey::of(number);
        let (tokens, keys) = (&self.tokens, &self.keys);
        self.by_number
            .find(|at| compare_keyed(&tokens[at as usize].number, keys[at as usize], number, key))
    }

    /// Checks what `insert` would refuse, without changing anything; the
    /// answer places the token (a tenant checks a shared store before it
    /// copies it, then inserts into the copy: `StoreWriter::insert`).
    pub fn check_insert(&self, token: &AccessToken) -> ApiResult<Checked> {
        let slot = match self.number_slot(&token.number) {
            Err(slot) if self.find(Field::Id, &token.id).is_none() => slot,
            _ => return Err(ApiError::DuplicateAccessToken { field: "number" }),
        };
        self.check_unique(token, None)?;
        let at = u32::try_from(self.tokens.len())
            .map_err(|_| ApiError::Internal("too many access tokens".into()))?;
        Ok(Checked::Insert(slot, at))
    }

    /// Checks what replacing the token of the same id by `token` (moving
    /// its indexes) would refuse, without changing anything: a new
    /// authentication code or identifier of another token.
    pub fn check_replace(&self, token: &AccessToken) -> ApiResult<Checked> {
        let at = self
            .find(Field::Id, &token.id)
            .ok_or(ApiError::NotFound(crate::core::error::Entity::AccessToken))?;
        if token.number != self.tokens[at as usize].number {
            return Err(ApiError::Internal("a token's number cannot change".into()));
        }
        self.check_unique(token, Some(at))?;
        Ok(Checked::Replace(at))
    }

    /// Adds a token, refusing a duplicate id, number, authentication code or
    /// identifier. Nothing changes when it refuses.
    pub fn insert(&mut self, token: AccessToken) -> ApiResult<()> {
        let checked = self.check_insert(&token)?;
        self.apply(checked, token);
        Ok(())
    }

    /// Makes a change checked on this store, or on an identical one (the
    /// shared store this one was copied from).
    pub fn apply(&mut self, checked: Checked, token: AccessToken) {
        match checked {
            Checked::Insert(slot, at) => {
                if let Some(digits) = token.number.strip_prefix(NUMBER_PREFIX) {
                    if digits.len() == NUMBER_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
                        let value = digits.parse().unwrap_or(0);
                        self.highest_allocated = self.highest_allocated.max(value);
                    }
                }
                self.keys.push(NumberKey::of(&token.number));
                self.tokens.push(token);
                self.by_number.insert(slot, at);
                self.by_id.insert(&self.tokens, &self.hasher, Field::Id, at);
                self.index(at);
            }
            Checked::Replace(at) => {
                self.unindex(at);
                self.filled.forget(&self.tokens[at as usize].cached);
                self.tokens[at as usize] = token;
                self.index(at);
            }
        }
    }

    fn check_unique(&self, token: &AccessToken, own: Option<u32>) -> ApiResult<()> {
        let taken =
            |field: Field, value: &str| self.find(field, value).is_some_and(|at| Some(at) != own);
        if taken(Field::AuthenticationCode, &token.authentication_code) {
            return Err(ApiError::DuplicateAccessToken {
                field: "authentication_code",
            });
        }
        if let Some(identifier) = &token.identifier {
            if taken(Field::Identifier, identifier) {
                return Err(ApiError::DuplicateAccessToken {
                    field: "identifier",
                });
            }
        }
        Ok(())
    }

    /// Indexes the token at `at` by everything but its id and number, which
    /// never change.
    fn index(&mut self, at: u32) {
        let (tokens, keys, hasher) = (&self.tokens, &self.keys, &self.hasher);
        self.by_auth_code
            .insert(tokens, hasher, Field::AuthenticationCode, at);
        self.by_identifier
            .insert(tokens, hasher, Field::Identifier, at);
        let token = &tokens[at as usize];
        let add = |index: &mut HashMap<String, Vec<u32>>, owner: &String| {
            // Looked up first: `entry` would copy the owner's id every time.
            let list = match index.get_mut(owner) {
                Some(list) => list,
                None => index.entry(owner.clone()).or_default(),
            };
            let slot = slot_in(list, tokens, keys, &token.number).unwrap_or_else(|free| free);
            list.insert(slot, at);
        };
        if let Some(ar) = &token.accounts_receivable_id {
            add(&mut self.by_accounts_receivable, ar);
        }
        if let Some(rp) = &token.rewards_participant_id {
            add(&mut self.by_rewards_participant, rp);
        }
        if token.one_time_password.is_some() {
            self.with_otp.insert(at);
        }
    }

    fn unindex(&mut self, at: u32) {
        let token = &self.tokens[at as usize];
        self.with_otp.remove(&at);
        self.by_auth_code
            .remove(&self.hasher, &token.authentication_code, at);
        if let Some(identifier) = &token.identifier {
            self.by_identifier.remove(&self.hasher, identifier, at);
        }
        let drop_from = |index: &mut HashMap<String, Vec<u32>>, owner: &String| {
            if let Some(list) = index.get_mut(owner) {
                list.retain(|&other| other != at);
                if list.is_empty() {
                    index.remove(owner);
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

    fn at(&self, at: u32) -> &AccessToken {
        &self.tokens[at as usize]
    }

    pub fn by_id(&self, id: &str) -> Option<&AccessToken> {
        self.find(Field::Id, id).map(|at| self.at(at))
    }

    pub fn by_authentication_code(&self, code: &str) -> Option<&AccessToken> {
        self.find(Field::AuthenticationCode, code)
            .map(|at| self.at(at))
    }

    pub fn by_identifier(&self, identifier: &str) -> Option<&AccessToken> {
        self.find(Field::Identifier, identifier)
            .map(|at| self.at(at))
    }

    /// Tokens linked to the accounts receivable directly or through one of
    /// `participants` (its rewards participants), in number order.
    pub fn of_accounts_receivable<'a>(
        &'a self,
        ar_id: &str,
        participants: impl Iterator<Item = &'a str>,
    ) -> Vec<&'a AccessToken> {
        let mut found: Vec<u32> = self
            .by_accounts_receivable
            .get(ar_id)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        for rp in participants {
            found.extend(self.by_rewards_participant.get(rp).into_iter().flatten());
        }
        found.sort_by(|&a, &b| {
            let (ta, tb) = (a as usize, b as usize);
            compare_keyed(
                &self.tokens[ta].number,
                self.keys[ta],
                &self.tokens[tb].number,
                self.keys[tb],
            )
        });
        found.dedup();
        found.into_iter().map(|at| self.at(at)).collect()
    }

    /// Tokens linked to the rewards participant, in number order.
    pub fn of_rewards_participant(&self, rp_id: &str) -> Vec<&AccessToken> {
        self.by_rewards_participant
            .get(rp_id)
            .into_iter()
            .flatten()
            .map(|&at| self.at(at))
            .collect()
    }

    /// Tokens holding a one-time password (live or expired), in the order
    /// they were added.
    pub fn with_one_time_password(&self) -> impl Iterator<Item = &AccessToken> {
        self.with_otp.iter().map(|&at| self.at(at))
    }

    /// Every token, in number order.
    pub fn iter(&self) -> impl Iterator<Item = &AccessToken> {
        self.by_number.iter().map(|at| self.at(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access_token::entity::LifeCycleState;
    use crate::domain::reference::LogRefs;
    use std::cmp::Ordering;

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
            cached: Default::default(),
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

    fn compare_numbers(a: &str, b: &str) -> Ordering {
        compare_keyed(a, NumberKey::of(a), b, NumberKey::of(b))
    }

    #[test]
    fn numbers_order_by_prefix_then_value_then_text() {
        let mut numbers = vec![
            "ACT0000000010",
            "AT1",
            "35",
            "5",
            "ACT0000000009",
            "05",
            "B",
        ];
        numbers.sort_by(|a, b| compare_numbers(a, b));
        assert_eq!(
            numbers,
            [
                "05",
                "5",
                "35",
                "ACT0000000009",
                "ACT0000000010",
                "AT1",
                "B"
            ]
        );
        let mut store = AccessTokenStore::default();
        for (i, number) in ["ACT0000000010", "AT1", "35", "5", "ACT0000000009"]
            .iter()
            .enumerate()
        {
            store
                .insert(token(&format!("id{i}"), number, &format!("c{i}"), None))
                .expect("insert");
        }
        let listed: Vec<&str> = store.iter().map(|t| t.number.as_str()).collect();
        assert_eq!(listed, ["5", "35", "ACT0000000009", "ACT0000000010", "AT1"]);
    }

    #[test]
    fn an_owners_tokens_stay_in_number_order_whatever_the_insert_order() {
        // Mostly increasing ACT numbers with fixture-like ones among them,
        // so the search from the end meets every case: last, just before a
        // few, far back, first, and an equal number of another text.
        let mut numbers: Vec<String> = (0..300)
            .map(|i: u64| match i % 7 {
                0 => format!("AT{}", (i * 37) % 101),
                1 => format!("{}", (i * 53) % 89),
                2 => format!("0{}", (i * 53) % 89),
                _ => format!("ACT{:010}", i),
            })
            .collect();
        numbers.push("ACT0000000000".into());
        let mut store = AccessTokenStore::default();
        for (i, number) in numbers.iter().enumerate() {
            store
                .insert(token(&format!("id{i}"), number, &format!("c{i}"), None))
                .expect("insert");
        }
        numbers.sort_by(|a, b| compare_numbers(a, b));
        let listed: Vec<&str> = store
            .of_accounts_receivable("AR1", std::iter::empty())
            .iter()
            .map(|t| t.number.as_str())
            .collect();
        assert_eq!(listed, numbers);
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
        let checked = store.check_replace(&changed).expect("replace");
        store.apply(checked, changed);
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
