//! This process's own log as events a test can wait for: [`capture`] installs a subscriber
//! (the test binary's only global one) that keeps every event naming a `device` at debug level
//! or above, and [`wait_for`] returns once such a line has been logged — before or after the
//! call, so it cannot be missed.

use std::sync::{LazyLock, Mutex, Once};
use tokio::sync::watch;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

#[derive(Default)]
struct Seen {
    /// `(device, message)` of every event recorded so far.
    lines: Mutex<Vec<(String, String)>>,
    /// Bumped after each new line.
    changed: watch::Sender<u64>,
}

static SEEN: LazyLock<Seen> = LazyLock::new(Seen::default);
static INSTALL: Once = Once::new();

struct Recorder;

#[derive(Default)]
struct Fields {
    message: String,
    device: String,
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, f: &tracing::field::Field, v: &str) {
        match f.name() {
            "message" => self.message = v.to_string(),
            "device" => self.device = v.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
        match f.name() {
            "message" => self.message = format!("{v:?}"),
            "device" => self.device = format!("{v:?}"),
            _ => {}
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_event(&self, e: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut f = Fields::default();
        e.record(&mut f);
        if f.device.is_empty() {
            return;
        }
        SEEN.lines.lock().unwrap().push((f.device, f.message));
        SEEN.changed.send_modify(|n| *n += 1);
    }
}

/// Start keeping this process's log lines; call it before anything logs what a test waits for.
pub fn capture() {
    INSTALL.call_once(|| {
        let layer = Recorder.with_filter(tracing_subscriber::filter::LevelFilter::DEBUG);
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("the only global subscriber of this test binary");
    });
}

/// Wait until a line about `device` whose message contains `needle` has been logged (since
/// [`capture`]).
pub async fn wait_for(device: &str, needle: &str) {
    capture();
    let mut rx = SEEN.changed.subscribe();
    loop {
        let seen = SEEN
            .lines
            .lock()
            .unwrap()
            .iter()
            .any(|(d, m)| d == device && m.contains(needle));
        if seen {
            return;
        }
        // The sender is a static: it is never dropped.
        let _ = rx.changed().await;
    }
}
