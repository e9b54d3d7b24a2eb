//! User-defined fields in a reply: every field of the entity's set, `null`
//! where unset.

use crate::domain::reference::{UdfSet, UdfValues};
use serde_json::{Map, Value};

/// Adds `set`'s fields to `object`, with the values of `values`.
pub fn add(object: &mut Map<String, Value>, set: UdfSet, values: &UdfValues) {
    for name in set.names() {
        let value = values.get(&name).cloned().unwrap_or(Value::Null);
        object.insert(name, value);
    }
}
