//! The signals that stop the binary: SIGTERM (service managers, `docker
//! stop`), SIGINT (Ctrl-C), SIGHUP (the terminal closing) and SIGQUIT. Each
//! stops the server gracefully, so `--state-dir` is closed cleanly and the
//! process exits 0. actix-web's own handling knows only the first three and
//! makes SIGINT a forced stop.

use std::future::Future;

/// Starts listening for the stopping signals at once (call it inside the
/// runtime, before saying the emulator is ready, so no signal falls
/// between the two); the future resolves when the first arrives, logging
/// which.
#[cfg(unix)]
pub fn stopping() -> impl Future<Output = ()> + Send + 'static {
    use std::task::Poll;
    use tokio::signal::unix::{signal, SignalKind};
    let kinds = [
        ("SIGTERM", SignalKind::terminate()),
        ("SIGINT", SignalKind::interrupt()),
        ("SIGHUP", SignalKind::hangup()),
        ("SIGQUIT", SignalKind::quit()),
    ];
    let mut streams: Vec<_> = kinds
        .into_iter()
        .filter_map(|(name, kind)| match signal(kind) {
            Ok(stream) => Some((name, stream)),
            Err(e) => {
                tracing::warn!("cannot listen for {name}: {e}");
                None
            }
        })
        .collect();
    async move {
        let name = std::future::poll_fn(|cx| {
            for (name, stream) in &mut streams {
                if stream.poll_recv(cx).is_ready() {
                    return Poll::Ready(*name);
                }
            }
            Poll::Pending
        })
        .await;
        tracing::info!("{name} received: stopping");
    }
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
pub fn stopping() -> impl Future<Output = ()> + Send + 'static {
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("Ctrl-C received: stopping");
    }
}
