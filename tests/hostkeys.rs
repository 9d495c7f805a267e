//! Host-key policies against the simulated fleet: accept-new learns and then detects a change,
//! strict needs a known (possibly hashed) entry, pinned compares fingerprints, and
//! insecure-accept-any is warned about. A rejected key means no login.

mod common;

use common::sim::fingerprint;
use fleetpoll::runner::{DeviceReport, PollStatus, RunOptions};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::{RunningFleet, Scenario};
use fleetpoll::Platform;
use std::path::Path;

/// Some other device's key: what a man in the middle (or a replaced chassis) would present.
const OTHER_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINULyWcFZouxAUWromcboDvygI7SJLE5qYuDbZxNnn/e";

async fn fleet() -> RunningFleet {
    common::sim::fleet(vec![fleetpoll::sim::DeviceSpec::new(
        "rtr-1",
        Platform::CiscoIos,
        Scenario::Healthy,
    )])
    .await
}

/// Sweep with the given `ssh:` block (replacing the pinned one siminv writes).
async fn sweep(fleet: &RunningFleet, dir: &Path, ssh_block: &str) -> (DeviceReport, Vec<String>) {
    let path = common::sim::default_inventory(fleet, &dir.join("inv.yaml"));
    common::edit(&path, |text| {
        let start = text.find("  ssh:\n").unwrap();
        let end = start + text[start..].find("devices:").unwrap();
        format!("{}{}{}", &text[..start], ssh_block, &text[end..])
    });
    let plan = common::health_plan(&path);
    let warnings = plan.warnings.clone();
    let mut r = common::run(&plan, &RunOptions::default()).await;
    (r.remove(0), warnings)
}

fn host_key_failure(r: &DeviceReport) -> String {
    assert_eq!(r.poll_status, PollStatus::Failed, "{:?}", r.error);
    assert_eq!(r.failed_stage, Some(Stage::Auth));
    assert_eq!(r.error_class, Some(ErrorClass::HostKey), "{:?}", r.error);
    assert!(
        r.commands.is_empty() && r.hostname.is_none(),
        "no login after a rejected key"
    );
    r.error.clone().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_new_learns_then_refuses_a_changed_key() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let kh = dir.path().join("known_hosts");
    let block = format!(
        "  ssh:\n    host_key_policy: accept-new\n    known_hosts: {}\n",
        kh.display()
    );
    let (r, _) = sweep(&f, dir.path(), &block).await;
    assert_eq!(r.poll_status, PollStatus::Polled, "{:?}", r.error);
    let port = f.devices[0].addr.port();
    let learned = std::fs::read_to_string(&kh).unwrap();
    assert!(
        learned.contains(&format!("[127.0.0.1]:{port}")),
        "{learned}"
    );
    let (r, _) = sweep(&f, dir.path(), &block).await;
    assert_eq!(
        r.poll_status,
        PollStatus::Polled,
        "known key accepted again"
    );

    // The device now presents another key than the one learned.
    std::fs::write(&kh, format!("[127.0.0.1]:{port} {OTHER_KEY}\n")).unwrap();
    let (r, _) = sweep(&f, dir.path(), &block).await;
    let e = host_key_failure(&r);
    assert!(e.contains("HOST KEY CHANGED"), "{e}");
    assert!(e.contains(&fingerprint()), "names the offered key: {e}");
    assert!(
        e.contains("SHA256:") && e.matches("SHA256:").count() >= 2,
        "names the known key too: {e}"
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_needs_a_known_entry_and_reads_hashed_ones() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let kh = dir.path().join("known_hosts");
    std::fs::write(&kh, "").unwrap();
    let block = format!(
        "  ssh:\n    host_key_policy: strict\n    known_hosts: {}\n",
        kh.display()
    );
    let (r, _) = sweep(&f, dir.path(), &block).await;
    let e = host_key_failure(&r);
    assert!(e.contains("not in known_hosts"), "{e}");

    let port = f.devices[0].addr.port();
    let key = fleetpoll::sim::host_public_key().to_openssh().unwrap();
    std::fs::write(&kh, format!("[127.0.0.1]:{port} {key}\n")).unwrap();
    // Hash it the way `HashKnownHosts yes` does, when ssh-keygen is at hand.
    let hashed = std::process::Command::new("ssh-keygen")
        .arg("-H")
        .arg("-f")
        .arg(&kh)
        .output();
    if hashed.map(|o| o.status.success()).unwrap_or(false) {
        let text = std::fs::read_to_string(&kh).unwrap();
        assert!(text.starts_with("|1|"), "hashed entry: {text}");
    }
    let (r, _) = sweep(&f, dir.path(), &block).await;
    assert_eq!(r.poll_status, PollStatus::Polled, "{:?}", r.error);
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinned_and_insecure() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let wrong = "  ssh:\n    host_key_policy: pinned\n    host_key_fingerprint: \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n";
    let (r, _) = sweep(&f, dir.path(), wrong).await;
    let e = host_key_failure(&r);
    assert!(
        e.contains(&fingerprint()) && e.contains("does not match"),
        "{e}"
    );

    let right = format!(
        "  ssh:\n    host_key_policy: pinned\n    host_key_fingerprint: \"{}\"\n",
        fingerprint()
    );
    let (r, w) = sweep(&f, dir.path(), &right).await;
    assert_eq!(r.poll_status, PollStatus::Polled);
    assert!(w.is_empty(), "{w:?}");

    let (r, w) = sweep(
        &f,
        dir.path(),
        "  ssh:\n    host_key_policy: insecure-accept-any\n",
    )
    .await;
    assert_eq!(r.poll_status, PollStatus::Polled);
    assert!(
        w.iter()
            .any(|x| x.contains("INSECURE") && x.contains("rtr-1")),
        "{w:?}"
    );
    f.shutdown().await;
}
