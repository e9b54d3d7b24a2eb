//! What fixtures, datasets and imports must satisfy for the consumer
//! methods: every entity renders to a reply its method's schema accepts,
//! so a read never answers a schema violation for data the emulator took.

use super::{
    accounts_receivable, communications, contact_information, rewards_participants, wallets,
};
use crate::api::schemas::{ReplySchema, Schemas};
use crate::domain::reference::{Communication, Reference};
use serde_json::Value;

/// Every accounts receivable, contact, participant, wallet and fixture
/// communication of `reference` against its reply schema; the problem
/// names the fixture file and the entity.
pub fn entities(schemas: &Schemas, reference: &Reference) -> Result<(), String> {
    let check = |schema: ReplySchema, data: &Value, file: &str, id: &str| {
        schemas
            .check_data(schema, data)
            .map_err(|e| format!("{file}: {id}: {e}"))
    };
    for ar in &reference.accounts_receivable {
        let data = accounts_receivable::render(reference, ar);
        check(
            ReplySchema::ACCOUNTS_RECEIVABLE,
            &data,
            "accounts_receivable.json",
            &ar.id,
        )?;
    }
    for c in &reference.contacts {
        let data = contact_information::render(reference, c);
        check(
            ReplySchema::CONTACT_INFORMATION,
            &data,
            "contact_information.json",
            &c.id,
        )?;
    }
    for p in &reference.rewards_participants {
        let data = rewards_participants::render(reference, p);
        check(
            ReplySchema::REWARDS_PARTICIPANT,
            &data,
            "rewards_participants.json",
            &p.id,
        )?;
    }
    for w in &reference.wallets {
        let data = wallets::render(reference, w, w.balance);
        check(ReplySchema::WALLET, &data, "wallets.json", &w.id)?;
    }
    sent(schemas, reference, &reference.communications)
        .map_err(|e| format!("communications.json: {e}"))
}

/// Communications (the fixtures', or those a state document says were
/// sent) against the communication schema; the problem names the number.
pub fn sent(
    schemas: &Schemas,
    reference: &Reference,
    sent: &[Communication],
) -> Result<(), String> {
    for c in sent {
        let data = communications::render(reference, c);
        schemas
            .check_data(ReplySchema::COMMUNICATION, &data)
            .map_err(|e| format!("{}: {e}", c.number))?;
    }
    Ok(())
}
