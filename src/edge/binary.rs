//! What the `crmcom-emulator` binary does once its flags are parsed: load
//! the fixtures, listen, say where and with which credentials, serve until
//! a signal, then keep the tenants if asked to.

use crate::app::state::AppState;
use crate::core::config::Config;
use crate::edge::{admin, exposure, request_log, server};
use std::process::ExitCode;
use std::sync::Arc;

/// A line on stdout, or on stderr for `say_err!`. A closed stream (a
/// reader that stopped, as `| head -1` does) loses the line; `println!`
/// would panic and take the emulator down with it.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The organisation made at start with `--dataset`.
const DEMO_ORGANISATION: &str = "demo";

/// Runs the emulator as the binary does, until SIGTERM, SIGINT, SIGHUP or
/// SIGQUIT: exit code 0 after any of them, 2 when it cannot start
/// (fixtures, schemas, state directory, port), 1 when serving or keeping
/// the state failed. It installs the process's `tracing`
/// subscriber (stderr, at `config.log`) and runs its own actix system, so
/// call it from `main`, not from inside an async runtime.
///
/// ```no_run
/// use clap::Parser;
///
/// fn main() -> std::process::ExitCode {
///     crmcom_emulator::run(crmcom_emulator::Config::parse())
/// }
/// ```
pub fn run(config: Config) -> ExitCode {
    request_log::install(&config.log);
    // The names before every variable followed its flag's.
    for (old, new) in [
        (
            "CRMCOM_EMULATOR_CORS_ORIGINS",
            "CRMCOM_EMULATOR_CORS_ORIGIN",
        ),
        (
            "CRMCOM_EMULATOR_ALLOWED_HOSTS",
            "CRMCOM_EMULATOR_ALLOWED_HOST",
        ),
    ] {
        if std::env::var_os(old).is_some() {
            say_err!("warning: {old} is not read: its name is {new} (every flag --x-y is CRMCOM_EMULATOR_X_Y)");
        }
    }
    let state = match AppState::new(config.clone()) {
        Ok(state) => Arc::new(state),
        Err(problem) => {
            say_err!("crmcom-emulator: {problem}");
            return ExitCode::from(2);
        }
    };
    let listeners = match crate::edge::listen::listeners(&config.bind, config.port) {
        Ok(listeners) => listeners,
        Err(e) => {
            say_err!(
                "crmcom-emulator: cannot listen on {}:{}: {e}",
                config.bind,
                config.port
            );
            return ExitCode::from(2);
        }
    };
    let port = listeners[0]
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(config.port);
    let tls = match crate::edge::tls::load(&config) {
        Ok(tls) => tls,
        Err(problem) => {
            say_err!("crmcom-emulator: {problem}");
            return ExitCode::from(2);
        }
    };
    let authority = tls
        .as_ref()
        .and_then(|t| t.authority.clone().map(|path| (path, t.names.join(", "))));
    let tls = tls.map(|t| t.server);
    // Watching while the server runs.
    let watcher = match config.watch {
        true => match crate::app::fixture_watch::watch(state.clone()) {
            Ok(watcher) => Some(watcher),
            Err(problem) => {
                say_err!("crmcom-emulator: {problem}");
                return ExitCode::from(2);
            }
        },
        false => None,
    };
    let served = actix_web::rt::System::new().block_on(async {
        // Listening for the signals before saying it is ready: a signal
        // sent as soon as the first line is read stops it cleanly too.
        let stopping = Box::pin(crate::edge::signals::stopping());
        announce(&config, port, &state, authority.as_ref());
        let stop = server::StopOn::Signals(stopping);
        match server::serve(state.clone(), listeners, stop, tls) {
            Ok(server) => server.await,
            Err(e) => Err(e),
        }
    });
    // The server has stopped (a signal): no more reloads; commit what is
    // left and close the state database.
    drop(watcher);
    let persisted = state.close_state_dir();
    request_log::flush();
    match (served, persisted) {
        (Ok(()), Ok(_)) => ExitCode::SUCCESS,
        (Err(e), _) => {
            say_err!("crmcom-emulator: {e}");
            ExitCode::FAILURE
        }
        (_, Err(e)) => {
            say_err!("crmcom-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The first lines: where the API, the admin API and the dashboard answer,
/// and with `--tls` the certificate authority to install on a device.
fn announce(
    config: &Config,
    port: u16,
    state: &AppState,
    authority: Option<&(std::path::PathBuf, String)>,
) {
    let host = crate::edge::listen::url_host(&config.bind);
    let scheme = if config.serves_tls() { "https" } else { "http" };
    say!("listening on {scheme}://{host}:{port}");
    if let Some((path, names)) = authority {
        say!(
            "TLS: certificate authority {} (install it on a simulator or device once to trust this emulator)",
            path.display()
        );
        say!("TLS: the certificate names {names} (add a name or LAN address with --allowed-host)");
    }
    if let Some(warning) = exposure::bind_warning(&config.bind) {
        say_err!("{warning}");
    }
    let admin_open = admin::check_access(&config.bind, None, None).is_ok();
    say!(
        "admin API: {scheme}://{host}:{port}/__admin/health{}",
        match (&config.admin_secret, admin_open) {
            (Some(_), _) => " (send X-Admin-Secret)",
            (None, true) => "",
            (None, false) => {
                " (only this health check answers: not a loopback bind and no --admin-secret)"
            }
        }
    );
    // With a dataset, one organisation is ready before any login, so the
    // dashboard has accounts to show at once.
    let ready = config
        .dataset
        .map(|dataset| match state.tenant(DEMO_ORGANISATION) {
            Ok(_) => format!(
                " (organisation \"{DEMO_ORGANISATION}\" holds the {} dataset; every organisation starts with it)",
                dataset.name()
            ),
            Err(e) => format!(" ({})", e.description()),
        })
        .unwrap_or_default();
    say!("dashboard: {scheme}://{host}:{port}/__admin/ui{ready}");
    print_credentials(state);
}

/// The shipped login credentials, so a new user can call the API at once.
fn print_credentials(state: &AppState) {
    let fixtures = state.fixtures();
    let reference = &fixtures.reference;
    for user in reference.users.iter().filter(|u| u.password.is_some()) {
        say!(
            "login: POST /crmapi/rest/v2/authentication/token {{\"username\":\"{}\",\"password\":\"{}\",\"organisation\":\"<any name; each is its own tenant>\"}}",
            user.username,
            user.password.as_deref().unwrap_or_default()
        );
    }
    for key in &reference.web_api_keys {
        say!(
            "web API key: {} (HTTP Basic user name; organisation \"{}\") for POST /crmapi/rest/v2/authentication/web_api_key/token",
            key.key, key.organisation
        );
    }
    for key in &reference.consumer_application_keys {
        say!(
            "consumer application key: {} (HTTP Basic user name, with an access_token_identifier) for POST /crmapi/rest/v2/authentication/consumer_application_key/token",
            key.key
        );
    }
}
