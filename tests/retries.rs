//! Retries with backoff for transient failures only: a device that comes up after the first
//! attempt is polled on the second; rejected credentials and a silent CLI are never retried.

mod common;

use fleetpoll::runner::{PollStatus, RunOptions, Runner};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::{serve, spawn_fleet, DeviceSpec, Scenario, SIM_PASSWORD, SIM_USERNAME};
use fleetpoll::Platform;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

fn plan(inv_text: &str, dir: &Path) -> fleetpoll::plan::Plan {
    std::fs::write(dir.join("pw"), SIM_PASSWORD).unwrap();
    std::fs::write(dir.join("en"), fleetpoll::sim::SIM_ENABLE_SECRET).unwrap();
    let path = dir.join("inv.yaml");
    std::fs::write(&path, inv_text).unwrap();
    common::health_plan(&path)
}

fn header(retries: u32) -> String {
    let fp = fleetpoll::session::transport::ssh::fingerprint(&fleetpoll::sim::host_public_key());
    format!(
        "defaults:\n  username: {SIM_USERNAME}\n  password: {{file: pw}}\n  enable_secret: {{file: en}}\n  retries: {retries}\n  retry_backoff: 300ms\n  timeouts: {{connect: 2s, auth: 5s, prompt: 2s, command: 5s, device: 60s}}\n  ssh: {{host_key_policy: pinned, host_key_fingerprint: \"{fp}\"}}\ndevices:\n"
    )
}

/// Wakes the test once the runner logs that `device` failed transiently and will retry.
struct OnRetry {
    device: &'static str,
    retrying: Arc<tokio::sync::Notify>,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for OnRetry {
    fn on_event(&self, e: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        #[derive(Default)]
        struct Fields {
            message: String,
            device: String,
        }
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
                match f.name() {
                    "message" => self.message = format!("{v:?}"),
                    "device" => self.device = format!("{v:?}"),
                    _ => {}
                }
            }
        }
        let mut f = Fields::default();
        e.record(&mut f);
        if f.device == self.device && f.message.contains("transient failure; retrying") {
            // A permit is kept when nobody waits yet: the event cannot be missed.
            self.retrying.notify_one();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_comes_up_late_is_polled_on_a_retry() {
    use tracing_subscriber::layer::SubscriberExt;
    let retrying = Arc::new(tokio::sync::Notify::new());
    let layer = OnRetry {
        device: "late",
        retrying: retrying.clone(),
    };
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .expect("the only subscriber of this test binary");
    // Bound but not listening: the first attempt is refused. Listening starts on the same
    // socket once the runner says it will retry, well within the 2 s backoff.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        retrying.notified().await;
        let l = socket.listen(64).unwrap();
        let spec = DeviceSpec::new("late", Platform::CiscoIos, Scenario::Healthy);
        serve(l, Arc::new(spec), t).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let inv = header(2)
        + &format!("  - {{name: late, host: 127.0.0.1, port: {port}, platform: cisco_ios}}\n");
    let inv = inv.replace("retry_backoff: 300ms", "retry_backoff: 2s");
    let t0 = Instant::now();
    let r = Runner::new()
        .run(&plan(&inv, dir.path()), &RunOptions::default(), |_| {})
        .await;
    assert_eq!(r[0].poll_status, PollStatus::Polled, "{:?}", r[0].error);
    assert_eq!(r[0].attempts, 2, "refused once, then polled");
    assert!(
        t0.elapsed() >= Duration::from_secs(2),
        "waited for the backoff"
    );
    token.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_transient_failures_are_retried() {
    let fleet = spawn_fleet(vec![
        DeviceSpec::new("gone", Platform::CiscoIos, Scenario::RefuseConnection),
        DeviceSpec::new("badpw", Platform::CiscoAsa, Scenario::WrongCredentials),
        DeviceSpec::new("mute", Platform::CiscoIos, Scenario::NoPrompt),
    ])
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut inv = header(2);
    for d in &fleet.devices {
        inv += &format!(
            "  - {{name: {}, host: 127.0.0.1, port: {}, platform: {}}}\n",
            d.spec.name,
            d.addr.port(),
            d.spec.platform
        );
    }
    let t0 = Instant::now();
    let r = Runner::new()
        .run(&plan(&inv, dir.path()), &RunOptions::default(), |_| {})
        .await;
    assert_eq!(
        (r[0].error_class, r[0].attempts),
        (Some(ErrorClass::Unreachable), 3),
        "1 + 2 retries"
    );
    assert_eq!(
        (r[1].error_class, r[1].attempts),
        (Some(ErrorClass::AuthFailed), 1),
        "never retry a rejected login"
    );
    assert_eq!(
        (r[2].failed_stage, r[2].attempts),
        (Some(Stage::Prompt), 1),
        "never retry once logged in"
    );
    // Backoff 300 ms then 600 ms for the refused device; all devices run in parallel.
    assert!(
        t0.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t0.elapsed()
    );
    fleet.shutdown().await;
}
