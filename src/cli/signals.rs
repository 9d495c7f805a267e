//! Stop signals for the commands that sweep: SIGINT, SIGTERM and SIGHUP are caught from the
//! moment the command starts (so none gets the default action, death without outputs) and
//! forwarded to the run's [`Stopper`]; a second one cuts the grace short.

use crate::runner::{Signal, StopReason, Stopper};
use tokio::sync::mpsc;

/// The signals caught so far, in order; nothing is lost between `install` and the run.
pub struct Signals {
    rx: mpsc::UnboundedReceiver<Signal>,
}

/// Catch SIGINT, SIGTERM and SIGHUP for the rest of the process.
pub fn install() -> Signals {
    let (tx, rx) = mpsc::unbounded_channel();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        for (kind, sig) in [
            (SignalKind::interrupt(), Signal::Int),
            (SignalKind::terminate(), Signal::Term),
            (SignalKind::hangup(), Signal::Hup),
        ] {
            // Registered here, synchronously: from now on the signal is ours.
            match signal(kind) {
                Ok(mut s) => {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        while s.recv().await.is_some() {
                            if tx.send(sig).is_err() {
                                break;
                            }
                        }
                    });
                }
                Err(e) => tracing::warn!("cannot catch {}: {e}", sig.name()),
            }
        }
    }
    #[cfg(not(unix))]
    {
        let tx = tx.clone();
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if tx.send(Signal::Int).is_err() {
                    break;
                }
            }
        });
    }
    Signals { rx }
}

impl Signals {
    /// Forward every signal to `stopper` until the returned task is aborted. The first one
    /// logs `what` (what stopping means for this command); later ones cut the grace short.
    pub fn forward(
        mut self,
        stopper: Stopper,
        what: &'static str,
        grace: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            while let Some(sig) = self.rx.recv().await {
                if stopper.stop(StopReason::Signal(sig)) {
                    tracing::warn!(
                        "{}: {what}; in-flight devices get {} (another signal cuts it short)",
                        sig.name(),
                        humantime(grace)
                    );
                } else {
                    tracing::warn!(
                        "{} again: cutting the grace short, writing the outputs",
                        sig.name()
                    );
                }
            }
        })
    }
}

fn humantime(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => format!("{} ms", d.as_millis()),
        1..=119 => format!("{s} s"),
        _ => format!("{} min", s / 60),
    }
}
