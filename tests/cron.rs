//! The nightly-audit contract, through the binary: exit statuses, --findings, --lock,
//! --deadline with hung devices, and stderr fit for cron (no animation, -q, JSON logs).

mod common;

use common::sim::fleet_of as fleet;
use common::table::column;
use fleetpoll::sim::{RunningFleet, Scenario};
use fleetpoll::Platform;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Run {
    code: i32,
    stderr: String,
    csv: PathBuf,
    elapsed: Duration,
}

async fn poll(fleet: &RunningFleet, dir: &Path, timeouts: &str, extra: &[&str]) -> Run {
    let inv = common::sim::inventory(fleet, &dir.join("inv.yaml"), timeouts);
    let csv = dir.join("health.csv");
    let mut cmd = common::bin::fleetpoll();
    cmd.arg("poll")
        .arg("-i")
        .arg(&inv)
        .args(["-p", common::HEALTH_PLAYBOOK, "-o"])
        .arg(&csv)
        .args(extra);
    let t0 = Instant::now();
    let out = common::bin::output_async(cmd).await;
    Run {
        code: common::bin::code(&out),
        stderr: common::bin::stderr(&out),
        csv,
        elapsed: t0.elapsed(),
    }
}

const T: &str = "{connect: 5s, auth: 8s, prompt: 5s, command: 8s, device: 60s}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses_follow_health() {
    use Platform::*;
    let dir = tempfile::tempdir().unwrap();
    let ok = fleet(&[
        ("r", CiscoIos, Scenario::Healthy),
        ("a", CiscoAsa, Scenario::Healthy),
        ("w", CiscoWaas, Scenario::Healthy),
    ])
    .await;
    let r = poll(&ok, dir.path(), T, &["-q"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(column(&r.csv, "health"), ["ok", "ok", "ok"]);
    assert!(
        r.stderr.is_empty(),
        "-q prints nothing on success: {:?}",
        r.stderr
    );

    let warn = fleet(&[
        ("r", CiscoIos, Scenario::Healthy),
        ("cerm", CiscoIos, Scenario::CermTxLimit),
    ])
    .await;
    let findings = dir.path().join("findings.csv");
    let r = poll(
        &warn,
        dir.path(),
        T,
        &["--findings", findings.to_str().unwrap()],
    )
    .await;
    assert_eq!(r.code, 1, "warnings only: {}", r.stderr);
    assert_eq!(column(&r.csv, "findings"), ["", "CERM_TX_NEAR_LIMIT"]);
    let mut rd = csv::Reader::from_path(&findings).unwrap();
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        fleetpoll::report::findings::COLUMNS
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (&rows[0][0], &rows[0][2], &rows[0][3]),
        ("cerm", "warning", "CERM_TX_NEAR_LIMIT")
    );
    assert!(
        rows[0][5].contains("85000") && !rows[0][6].is_empty(),
        "evidence and remediation: {:?}",
        rows[0]
    );

    let crit = fleet(&[
        ("a", CiscoAsa, Scenario::IkePskMismatch),
        ("cerm", CiscoIos, Scenario::CermTxLimit),
    ])
    .await;
    let r = poll(&crit, dir.path(), T, &[]).await;
    assert_eq!(r.code, 2, "critical finding: {}", r.stderr);
    let crit_pos = r
        .stderr
        .find("Critical findings")
        .expect("summary lists critical findings");
    let warn_pos = r.stderr.find("Warnings").expect("and warnings");
    assert!(crit_pos < warn_pos, "critical first");

    let down = fleet(&[
        ("r", CiscoIos, Scenario::Healthy),
        ("gone", CiscoIos, Scenario::RefuseConnection),
    ])
    .await;
    let r = poll(&down, dir.path(), T, &[]).await;
    assert_eq!(r.code, 2, "device not polled: {}", r.stderr);
    assert_eq!(column(&r.csv, "health"), ["ok", "unknown"]);
    // Not a terminal: no progress animation, no colour.
    assert!(
        !r.stderr.contains('\r') && !r.stderr.contains("\x1b["),
        "{:?}",
        r.stderr
    );
    for f in [ok, warn, crit, down] {
        f.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_refuses_a_second_run_and_takes_over_a_stale_one() {
    let f = fleet(&[("r", Platform::CiscoIos, Scenario::Healthy)]).await;
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("fleetpoll.lock");
    let held = fleetpoll::lock::acquire(&lock).unwrap();
    let r = poll(&f, dir.path(), T, &["--lock", lock.to_str().unwrap()]).await;
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("another fleetpoll run")
            && r.stderr.contains(&format!("pid {}", std::process::id())),
        "{}",
        r.stderr
    );
    assert!(!r.csv.exists(), "nothing written");
    assert!(r.elapsed < Duration::from_secs(5), "exits at once");
    drop(held);
    std::fs::write(&lock, "4000000000\n").unwrap();
    let r = poll(&f, dir.path(), T, &["--lock", lock.to_str().unwrap()]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("stale lock") && r.stderr.contains("4000000000"),
        "{}",
        r.stderr
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadline_bounds_a_fleet_with_hung_devices() {
    use Platform::*;
    let f = fleet(&[
        ("ok-1", CiscoIos, Scenario::Healthy),
        ("hung-1", CiscoIos, Scenario::NoPrompt),
        ("stall-1", CiscoAsa, Scenario::StallMidOutput),
        ("ok-2", CiscoWaas, Scenario::Healthy),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let r = poll(
        &f,
        dir.path(),
        "{prompt: 10m, command: 10m, device: 1h}",
        &[
            "--deadline",
            "4s",
            "--jsonl",
            dir.path().join("h.jsonl").to_str().unwrap(),
        ],
    )
    .await;
    assert!(
        r.elapsed < Duration::from_secs(12),
        "deadline not honoured: {:?}",
        r.elapsed
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        column(&r.csv, "device"),
        ["ok-1", "hung-1", "stall-1", "ok-2"],
        "complete, in order"
    );
    assert_eq!(
        column(&r.csv, "poll_status"),
        ["polled", "deadline", "deadline", "polled"]
    );
    assert_eq!(
        column(&r.csv, "failed_stage"),
        ["", "prompt", "command", ""]
    );
    let jsonl = std::fs::read_to_string(dir.path().join("h.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 4);
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_on_request() {
    let f = fleet(&[("r", Platform::CiscoIos, Scenario::Healthy)]).await;
    let dir = tempfile::tempdir().unwrap();
    let r = poll(&f, dir.path(), T, &["-v", "--log-format", "json"]).await;
    assert_eq!(r.code, 0);
    let logs: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with('{')).collect();
    assert!(!logs.is_empty(), "{}", r.stderr);
    for l in logs {
        serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"));
    }
    f.shutdown().await;
}
