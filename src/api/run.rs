//! Runs one CRM.COM method once its request is read: the token check's
//! outcome, the release gate, `fields_set`, the handler, the reply's schema
//! check and its shaping for an older release and for `fields_set`.

use crate::api::call::{Context, Handler, Reply, Request};
use crate::api::envelope::Framed;
use crate::api::fields_set;
use crate::api::methods::Method;
use crate::core::error::{ApiError, ApiResult};
use crate::core::release::Release;
use crate::domain::session::Caller;

/// A route's handler with what it needs: a session route carries the
/// outcome of its token check, made before faults are applied.
pub enum Bound {
    Public(fn(&Context, &Request) -> ApiResult<Reply>),
    Session(
        fn(&Context, &Caller, &Request) -> ApiResult<Reply>,
        ApiResult<Caller>,
    ),
}

impl Bound {
    pub fn of(cx: &Context, route: &Method, request: &Request) -> Bound {
        match route.handler {
            Handler::Public(handler) => Bound::Public(handler),
            Handler::Session(handler) => Bound::Session(
                handler,
                cx.authenticate(&request.params, request.authorization),
            ),
        }
    }
}

/// Runs one CRM.COM method: handler, schema check, `fields_set`. Answers the
/// serialised `data` in its envelope, if any.
pub fn run(
    cx: &Context,
    route: &Method,
    request: &Request,
    bound: Bound,
    release: Release,
) -> ApiResult<Option<Framed>> {
    let available = || {
        if route.available_in(release) {
            Ok(())
        } else {
            Err(ApiError::NotInRelease {
                path: route.path,
                release,
            })
        }
    };
    // fields_set is read before the handler runs, so a bad one never follows
    // a write; for session routes the token is checked before both.
    let fields = || {
        if route.fields_set {
            request.params.fields_set()
        } else {
            Ok(None)
        }
    };
    let (reply, fields) = match bound {
        Bound::Session(handler, caller) => {
            let caller = caller?;
            available()?;
            let fields = fields()?;
            (handler(cx, &caller, request)?, fields)
        }
        Bound::Public(handler) => {
            available()?;
            let fields = fields()?;
            (handler(cx, request)?, fields)
        }
    };
    // An older release lacks some access-token fields: its replies are
    // shaped, then checked against its own schema, once.
    let older = !release.has_every_reply_field() && route.reply.access_tokens;
    let later_fields = route.missing_fields(release).next().is_some();
    match reply {
        Reply::StatusOnly => Ok(None),
        Reply::Checked(framed) if fields.is_none() && !older && !later_fields => Ok(Some(framed)),
        // Projection and older releases are rare: they work on a parsed copy.
        Reply::Checked(framed) => {
            let mut data = serde_json::from_slice(&framed.data())
                .map_err(|_| ApiError::Internal("a kept reply is not JSON".into()))?;
            without_later_fields(route, release, &mut data);
            finish(cx, route, data, fields, older.then_some(release))
        }
        Reply::Data(mut data) => {
            if !older {
                check(cx, route, cx.schemas.check_data(route.reply, &data))?;
            }
            without_later_fields(route, release, &mut data);
            finish(cx, route, data, fields, older.then_some(release))
        }
    }
}

/// Leaves out of a reply object (or of each in a list) the fields its
/// method gained after `release`.
fn without_later_fields(route: &Method, release: Release, data: &mut serde_json::Value) {
    let missing: Vec<&str> = route.missing_fields(release).collect();
    if missing.is_empty() {
        return;
    }
    let objects: Vec<&mut serde_json::Value> = match data {
        serde_json::Value::Array(items) => items.iter_mut().collect(),
        one => vec![one],
    };
    for object in objects {
        if let Some(map) = object.as_object_mut() {
            for name in &missing {
                map.remove(*name);
            }
        }
    }
}

/// A schema violation in a reply: the error with `--strict-schemas`, else
/// logged and the reply sent.
fn check(cx: &Context, route: &Method, result: Result<(), String>) -> ApiResult<()> {
    if let Err(violation) = result {
        if cx.config.strict_schemas {
            return Err(ApiError::SchemaViolation(format!(
                "{}: {violation}",
                route.path
            )));
        }
        tracing::warn!(
            "schema violation in the reply of {}: {violation}",
            route.path
        );
    }
    Ok(())
}

/// Shapes a reply for an `older` release (checking it against that
/// release's schema) and for `fields_set`, and serialises it.
fn finish(
    cx: &Context,
    route: &Method,
    mut data: serde_json::Value,
    fields: Option<Vec<String>>,
    older: Option<Release>,
) -> ApiResult<Option<Framed>> {
    if let Some(release) = older {
        fields_set::keep_release_fields(&mut data, release);
        let checked = cx.schemas.check_data_in(release, route.reply, &data);
        check(cx, route, checked)?;
    }
    if let Some(names) = fields {
        fields_set::project(&mut data, &names);
    }
    Framed::write(1024, |out| serde_json::to_writer(out, &data))
        .map(Some)
        .map_err(|_| ApiError::Internal("reply could not be serialised".into()))
}
