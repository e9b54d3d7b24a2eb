//! The fields create and update take, read from the request with their
//! CRM.COM types: text (a JSON string, or a number taken as its text, as the
//! Java API coerces it), floats (a number or a numeric string) and dates
//! (`YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`).

use crate::api::params::Params;
use crate::core::error::{ApiError, ApiResult};
use crate::domain::access_token::entity::{UdfType, UdfValue, Udfs, UDF_FIELDS};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde_json::Value;

/// What a request says about one field: nothing, null, or a value. Update
/// keeps, clears or sets accordingly; create treats null as not sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    /// The value, if one was sent.
    pub fn value(self) -> Option<T> {
        match self {
            Change::Set(v) => Some(v),
            _ => None,
        }
    }

    /// The same change, with a sent value transformed (a pass code hashed).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Change<U> {
        match self {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(v) => Change::Set(f(v)),
        }
    }

    pub fn is_set(&self) -> bool {
        matches!(self, Change::Set(_))
    }
}

/// A text field. An empty string is refused: CRM.COM codes and identifiers
/// are never empty.
pub fn text(params: &Params, name: &str) -> ApiResult<Change<String>> {
    if !params.is_present(name) {
        return Ok(Change::Keep);
    }
    match params.get(name) {
        None => Ok(Change::Clear),
        Some(value) => match text_value(value) {
            Some(s) if s.is_empty() => Err(ApiError::invalid(name, "must not be empty")),
            Some(s) => Ok(Change::Set(s)),
            None => Err(ApiError::invalid(name, "a string is expected")),
        },
    }
}

/// A mandatory text field (a verification code, a new pass code).
pub fn required_text(params: &Params, name: &str) -> ApiResult<String> {
    text(params, name)?
        .value()
        .ok_or_else(|| ApiError::MandatoryParameter(name.to_string()))
}

fn text_value(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn float_value(value: &Value) -> Option<f64> {
    let f = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    f.is_finite().then_some(f)
}

/// Parses a CRM.COM date; the reply form has whole seconds.
pub fn parse_date(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    // Years outside 1..=9999 cannot be written back as YYYY-MM-DD.
    (1..=9999).contains(&parsed.year()).then_some(())?;
    parsed.with_nanosecond(0)
}

/// The user-defined fields a request sends, in `UDF_FIELDS` order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UdfChanges(Vec<(&'static str, UdfValue)>);

impl UdfChanges {
    /// Reads every udf field the request sends, checking its type.
    pub fn read(params: &Params) -> ApiResult<UdfChanges> {
        let mut changes = Vec::new();
        for (name, kind) in UDF_FIELDS {
            if !params.is_present(name) {
                continue;
            }
            let value = params.get(name);
            let parsed = match kind {
                UdfType::Text => UdfValue::Text(match value {
                    None => None,
                    Some(v) => Some(
                        text_value(v)
                            .ok_or_else(|| ApiError::invalid(name, "a string is expected"))?,
                    ),
                }),
                UdfType::Float => UdfValue::Float(match value {
                    None => None,
                    Some(v) => Some(
                        float_value(v)
                            .ok_or_else(|| ApiError::invalid(name, "a number is expected"))?,
                    ),
                }),
                UdfType::Date => UdfValue::Date(match value {
                    None => None,
                    Some(v) => Some(v.as_str().and_then(parse_date).ok_or_else(|| {
                        ApiError::invalid(name, "a date YYYY-MM-DDTHH:MM:SS is expected")
                    })?),
                }),
            };
            changes.push((name, parsed));
        }
        Ok(UdfChanges(changes))
    }

    /// Writes the sent fields into `udf`, leaving the others as they are.
    pub fn apply(self, udf: &mut Udfs) {
        for (name, value) in self.0 {
            udf.set(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Value) -> Params {
        Params::from_body(v.to_string().as_bytes(), None, false).expect("params")
    }

    #[test]
    fn text_tells_absent_null_and_value_apart() {
        let p = params(json!({"a": null, "b": "x", "c": 7, "d": "", "e": [1]}));
        assert_eq!(text(&p, "missing"), Ok(Change::Keep));
        assert_eq!(text(&p, "a"), Ok(Change::Clear));
        assert_eq!(text(&p, "b"), Ok(Change::Set("x".into())));
        assert_eq!(text(&p, "c"), Ok(Change::Set("7".into())));
        assert!(text(&p, "d").is_err());
        assert!(text(&p, "e").is_err());
    }

    #[test]
    fn udfs_are_typed_and_only_sent_ones_change() {
        let p = params(json!({
            "udf_string_1": "s", "udf_float_2": "2.5", "udf_date_3": "2016-05-20",
            "udf_string_4": null
        }));
        let mut udf = Udfs {
            udf_string_4: Some("old".into()),
            udf_string_5: Some("kept".into()),
            ..Udfs::default()
        };
        UdfChanges::read(&p).expect("udfs").apply(&mut udf);
        assert_eq!(udf.udf_string_1.as_deref(), Some("s"));
        assert_eq!(udf.udf_float_2, Some(2.5));
        assert_eq!(
            udf.udf_date_3.map(|d| d.to_string()).as_deref(),
            Some("2016-05-20 00:00:00")
        );
        assert_eq!(udf.udf_string_4, None);
        assert_eq!(udf.udf_string_5.as_deref(), Some("kept"));
        for bad in [
            json!({"udf_float_1": "abc"}),
            json!({"udf_float_1": true}),
            json!({"udf_float_1": "NaN"}),
            json!({"udf_date_1": "20/05/2016"}),
            json!({"udf_date_1": 20160520}),
            json!({"udf_string_1": {"a": 1}}),
        ] {
            assert!(
                matches!(
                    UdfChanges::read(&params(bad.clone())),
                    Err(ApiError::InvalidParameterValue { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn dates_keep_whole_seconds() {
        assert_eq!(
            parse_date("2016-05-20T10:04:41.987").map(|d| d.to_string()),
            Some("2016-05-20 10:04:41".into())
        );
        assert_eq!(
            parse_date("2016-05-20 10:04:41").map(|d| d.to_string()),
            Some("2016-05-20 10:04:41".into())
        );
        assert_eq!(parse_date("2016-13-01"), None);
        for out_of_range in ["-0001-01-01", "+10000-01-01", "0000-01-01T00:00:00"] {
            assert_eq!(parse_date(out_of_range), None, "{out_of_range}");
        }
    }
}
