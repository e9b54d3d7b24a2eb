//! Embedding: start an emulator inside a Rust test suite, on a free loopback
//! port, and have it stop when the handle is dropped.

use crate::config::Config;
use crate::state::AppState;
use actix_web::dev::ServerHandle;
use std::net::TcpListener;
use std::sync::Arc;
use std::thread::JoinHandle;

/// A running emulator. Dropping it stops the server and frees its port.
///
/// ```
/// let emulator = crmcom_emulator::Emulator::start(Default::default()).expect("start");
/// assert!(emulator.uri().starts_with("http://127.0.0.1:"));
/// ```
pub struct Emulator {
    uri: String,
    port: u16,
    state: Arc<AppState>,
    handle: ServerHandle,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("uri", &self.uri).finish()
    }
}

impl Emulator {
    /// Loads the fixtures, binds `config.bind:config.port` and serves on a
    /// thread of its own, so it works from plain `#[test]` and from async
    /// tests alike.
    pub fn start(config: Config) -> Result<Emulator, String> {
        let listener = TcpListener::bind((config.bind.as_str(), config.port))
            .map_err(|e| format!("cannot listen on {}:{}: {e}", config.bind, config.port))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let uri = format!("http://{}:{port}", config.bind);
        let state = Arc::new(AppState::new(config)?);
        let (tx, rx) = std::sync::mpsc::channel();
        let server_state = state.clone();
        let thread = std::thread::Builder::new()
            .name("crmcom-emulator".into())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let server = crate::server::serve(server_state, listener)?;
                    let _ = tx.send(server.handle());
                    server.await
                })
            })
            .map_err(|e| e.to_string())?;
        let handle = rx
            .recv()
            .map_err(|_| "the emulator failed to start".to_string())?;
        Ok(Emulator {
            uri,
            port,
            state,
            handle,
            thread: Some(thread),
        })
    }

    /// Base URI, e.g. `http://127.0.0.1:41234`.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state, for tests that steer the clock or inspect tenants.
    pub fn state(&self) -> &AppState {
        &self.state
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The stop command is sent at once; the returned future only waits
        // for it, which joining the thread does too.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
