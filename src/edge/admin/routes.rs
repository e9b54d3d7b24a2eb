//! Every admin route in one table: verb, path, summary and handler. The
//! dispatcher matches it, the OpenAPI document and the README list it.

use super::call::AdminCall;
use super::{accounts, controls, demo, tenants};
use crate::app::state::AppState;
use crate::core::error::ApiResult;
use serde_json::Value;

/// Where the admin API lives.
pub const ADMIN_PREFIX: &str = "/__admin";

type AdminHandler = fn(&AppState, &AdminCall) -> ApiResult<Value>;

/// What an admin route answers.
#[derive(Clone, Copy)]
pub enum Answer {
    /// Its handler's data, in the envelope.
    Handler(AdminHandler),
    /// Its handler's data, already serialised, in the envelope (the
    /// journal, written from its kept text).
    Serialised(fn(&AppState, &AdminCall) -> ApiResult<Vec<u8>>),
    /// The OpenAPI document alone, without the envelope (made by the
    /// dispatcher, since the document is made from this table).
    Document,
}

/// An admin route: verb, path after `/__admin/` (`{name}` matches one
/// segment), what it does, and what it answers.
pub struct AdminRoute {
    pub verb: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub answer: Answer,
    /// Answers without `--admin-secret`: the health check, which a
    /// container's `HEALTHCHECK` and an orchestrator's probe ask with no
    /// credentials, and which holds nothing but counts.
    pub open: bool,
}

const fn r(
    verb: &'static str,
    path: &'static str,
    summary: &'static str,
    handler: AdminHandler,
) -> AdminRoute {
    AdminRoute {
        verb,
        path,
        summary,
        answer: Answer::Handler(handler),
        open: false,
    }
}

/// Every admin route; the README's admin table follows this order.
pub const ADMIN_ROUTES: &[AdminRoute] = &[
    AdminRoute {
        verb: "GET",
        path: "health",
        summary: "Readiness, version, emulated release, tenant count and the fixtures' reload state (needs no admin secret)",
        answer: Answer::Handler(tenants::health),
        open: true,
    },
    r(
        "GET",
        "tenants",
        "Every tenant with its counts",
        tenants::list,
    ),
    r(
        "POST",
        "reset",
        "Every tenant back to the fixtures",
        tenants::reset_all,
    ),
    r(
        "POST",
        "tenants/{organisation}/reset",
        "One tenant back to the fixtures (created if new)",
        tenants::reset,
    ),
    r(
        "DELETE",
        "tenants/{organisation}",
        "Remove a tenant and end its sessions",
        tenants::delete,
    ),
    r(
        "GET",
        "tenants/{organisation}/state",
        "Export a tenant's state (pass codes as hashes)",
        tenants::export,
    ),
    r(
        "PUT",
        "tenants/{organisation}/state",
        "Import a tenant's state (replaces it, checked first)",
        tenants::import,
    ),
    r(
        "GET",
        "tenants/{organisation}/release",
        "The CRM.COM release a tenant is answered as",
        tenants::release,
    ),
    r(
        "PUT",
        "tenants/{organisation}/release",
        "Answer a tenant as another release ({\"release\": \"R8\"}; null: back to --release)",
        tenants::set_release,
    ),
    r(
        "PUT",
        "tenants/{organisation}/dataset",
        "Seed a tenant with a dataset ({\"dataset\": \"small\", \"seed\": 7}; null: the start data) and reset it to it",
        demo::set_dataset,
    ),
    r(
        "GET",
        "tenants/{organisation}/access_tokens",
        "A tenant's access tokens with their accounts receivable (?q= search, ?limit=, ?order=newest)",
        demo::access_tokens,
    ),
    r(
        "GET",
        "tenants/{organisation}/access_tokens/{number}",
        "One access token as access_tokens/show answers it",
        accounts::access_token,
    ),
    r(
        "GET",
        "tenants/{organisation}/accounts",
        "A tenant's accounts receivable with their owner's e-mail and wallet (?q= number, name or e-mail, ?limit=)",
        accounts::list,
    ),
    r(
        "GET",
        "tenants/{organisation}/accounts/{number}",
        "One accounts receivable with its contact, participants, wallet and tokens, each as the API answers it",
        accounts::show,
    ),
    r(
        "GET",
        "tenants/{organisation}/outbox",
        "What the tenant's CRM.COM sent (verification codes, forgot-pass-code e-mails), newest first (?recipient=, ?limit=)",
        accounts::outbox,
    ),
    r(
        "PUT",
        "tenants/{organisation}/wallets/{number}/balance",
        "Set a wallet's balance ({\"balance\": 120}); answers the wallet",
        accounts::set_balance,
    ),
    r(
        "GET",
        "tenants/{organisation}/snapshots",
        "A tenant's saved snapshots",
        tenants::snapshots,
    ),
    r(
        "POST",
        "tenants/{organisation}/snapshots/{name}",
        "Save the tenant's state as a snapshot",
        tenants::save_snapshot,
    ),
    r(
        "POST",
        "tenants/{organisation}/snapshots/{name}/restore",
        "Restore a snapshot into the tenant",
        tenants::restore_snapshot,
    ),
    r(
        "DELETE",
        "tenants/{organisation}/snapshots/{name}",
        "Delete a snapshot",
        tenants::delete_snapshot,
    ),
    r(
        "GET",
        "clock",
        "The emulator's clock, or a tenant's (?organisation=)",
        controls::clock_show,
    ),
    r(
        "POST",
        "clock",
        "Freeze, set, advance or reset the clock (optionally one tenant's)",
        controls::clock_change,
    ),
    r(
        "GET",
        "seed",
        "The seed new tenants derive their generators from",
        controls::seed_show,
    ),
    r(
        "POST",
        "seed",
        "Reseed the generators (all, or one tenant's)",
        controls::seed_change,
    ),
    r(
        "POST",
        "tokens/expire",
        "Expire login sessions now, by token or by organisation",
        controls::expire_tokens,
    ),
    AdminRoute {
        verb: "GET",
        path: "journal",
        summary: "Recorded CRM.COM calls, secrets redacted, with filters, a page at a time",
        answer: Answer::Serialised(controls::journal_show),
        open: false,
    },
    r(
        "DELETE",
        "journal",
        "Empty the journal",
        controls::journal_clear,
    ),
    r(
        "GET",
        "faults",
        "The fault rules with their counters",
        controls::faults_show,
    ),
    r("POST", "faults", "Add a fault rule", controls::fault_add),
    r(
        "DELETE",
        "faults",
        "Remove every fault rule",
        controls::faults_clear,
    ),
    r(
        "DELETE",
        "faults/{id}",
        "Remove one fault rule",
        controls::fault_remove,
    ),
    AdminRoute {
        verb: "GET",
        path: "openapi.json",
        summary: "This API as an OpenAPI 3.1 document (no envelope)",
        answer: Answer::Document,
        open: false,
    },
];
