//! `fields_set`: keep only the named top-level fields of a reply. Naming an
//! object keeps it whole; unknown names are ignored (as CRM.COM does).

use serde_json::Value;

/// Projects an object, or each object of an array, onto `names`.
pub fn project(data: &mut Value, names: &[String]) {
    match data {
        Value::Object(map) => map.retain(|key, _| names.iter().any(|n| n == key)),
        Value::Array(items) => items.iter_mut().for_each(|item| project(item, names)),
        _ => {}
    }
}

/// Keeps the access-token reply fields `release` has (of one object or of
/// each in a list).
pub fn keep_release_fields(data: &mut Value, release: crate::core::release::Release) {
    match data {
        Value::Object(map) => map.retain(|key, _| release.has_reply_field(key)),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| keep_release_fields(item, release)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_named_top_level_fields_whole_and_ignores_unknown_names() {
        let mut data =
            json!([{"id": "1", "number": "2", "accounts_receivable": {"id": "a", "name": "n"}}]);
        project(
            &mut data,
            &["id".into(), "accounts_receivable".into(), "nope".into()],
        );
        assert_eq!(
            data,
            json!([{"id": "1", "accounts_receivable": {"id": "a", "name": "n"}}])
        );
    }
}
