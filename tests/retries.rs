//! Retries with backoff for transient failures only: a device that comes up after the first
//! attempt is polled on the second; rejected credentials and a silent CLI are never retried.

mod common;

use fleetpoll::runner::{PollStatus, RunOptions};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::{serve, DeviceSpec, Scenario, SIM_USERNAME};
use fleetpoll::Platform;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

fn plan(inv_text: &str, dir: &Path) -> fleetpoll::plan::Plan {
    common::sim::secret_files(dir);
    common::health_plan(&common::write(dir, "inv.yaml", inv_text))
}

fn header(retries: u32) -> String {
    let fp = common::sim::fingerprint();
    format!(
        "defaults:\n  username: {SIM_USERNAME}\n  password: {{file: pw}}\n  enable_secret: {{file: en}}\n  retries: {retries}\n  retry_backoff: 300ms\n  timeouts: {{connect: 2s, auth: 5s, prompt: 2s, command: 5s, device: 60s}}\n  ssh: {{host_key_policy: pinned, host_key_fingerprint: \"{fp}\"}}\ndevices:\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_comes_up_late_is_polled_on_a_retry() {
    // The runner's log line: the test wakes once `late` failed transiently and will retry.
    common::log::capture();
    // Bound but not listening: the first attempt is refused. Listening starts on the same
    // socket once the runner says it will retry, well within the 2 s backoff.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        common::log::wait_for("late", "transient failure; retrying").await;
        let l = socket.listen(64).unwrap();
        let spec = DeviceSpec::new("late", Platform::CiscoIos, Scenario::Healthy);
        serve(l, Arc::new(spec), t).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let inv = header(2)
        + &format!("  - {{name: late, host: 127.0.0.1, port: {port}, platform: cisco_ios}}\n");
    let inv = inv.replace("retry_backoff: 300ms", "retry_backoff: 2s");
    let t0 = Instant::now();
    let r = common::run(&plan(&inv, dir.path()), &RunOptions::default()).await;
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
    let fleet = common::sim::fleet(vec![
        DeviceSpec::new("gone", Platform::CiscoIos, Scenario::RefuseConnection),
        DeviceSpec::new("badpw", Platform::CiscoAsa, Scenario::WrongCredentials),
        DeviceSpec::new("mute", Platform::CiscoIos, Scenario::NoPrompt),
    ])
    .await;
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
    let r = common::run(&plan(&inv, dir.path()), &RunOptions::default()).await;
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
