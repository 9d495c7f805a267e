//! Stop signals through the binary, with real signals: SIGTERM, SIGHUP and SIGINT each stop
//! starting devices, give in-flight ones the grace and write every output whole (exit 2); a
//! second signal cuts the grace short; `timeout -s TERM` against hung devices; a snapshot is
//! refused, never half written. Every signal is sent on an event read from the debug log.

mod common;

use common::sim::fleet_of as fleet;
use common::table::column;
use fleetpoll::sim::{RunningFleet, Scenario};
use fleetpoll::Platform;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// ok-1 answers, hung-1 never shows a prompt, hung-2 waits for the only slot (`-c 1`).
async fn hung_fleet(dir: &Path) -> (RunningFleet, PathBuf) {
    let f = fleet(&[
        ("ok-1", Platform::CiscoIos, Scenario::Healthy),
        ("hung-1", Platform::CiscoIos, Scenario::NoPrompt),
        ("hung-2", Platform::CiscoAsa, Scenario::NoPrompt),
    ])
    .await;
    let inv = common::sim::inventory(&f, &dir.join("inv.yaml"), "{prompt: 10m, device: 1h}");
    (f, inv)
}

fn spawn(args: &[&str]) -> Child {
    common::bin::fleetpoll()
        .args(["-vv", "--log-format", "json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn kill(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "kill -{sig} {pid} failed");
}

/// Read the child's stderr to its end; each `(needle, signal)` step sends `signal` once a
/// line contains every part of `needle`, in order. Returns stderr and how many were sent.
/// A watchdog kills the child after 5 minutes so a hang fails the test instead of the suite.
async fn drive(mut child: Child, steps: Vec<(Vec<&'static str>, &'static str)>) -> Finished {
    let stderr = child.stderr.take().unwrap();
    let pid = child.id();
    let watchdog = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(300)).await;
        kill(pid, "KILL");
    });
    let (text, sent) = tokio::task::spawn_blocking(move || {
        let mut all = String::new();
        let mut next = 0;
        for line in std::io::BufReader::new(stderr).lines() {
            let line = line.unwrap_or_default();
            if let Some((needle, sig)) = steps.get(next) {
                if needle.iter().all(|n| line.contains(n)) {
                    kill(pid, sig);
                    next += 1;
                }
            }
            all.push_str(&line);
            all.push('\n');
        }
        (all, next)
    })
    .await
    .unwrap();
    let out = child.wait_with_output().unwrap();
    watchdog.abort();
    Finished {
        code: out.status.code(),
        stderr: text,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        sent,
    }
}

struct Finished {
    code: Option<i32>,
    stderr: String,
    stdout: String,
    sent: usize,
}

const HUNG_1_WAITS: &[&str] = &["waiting for the first prompt", "hung-1"];

async fn one_signal_writes_everything(sig: &'static str, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (f, inv) = hung_fleet(dir.path()).await;
    let (csv, jsonl, findings, prom) = (
        dir.path().join("health.csv"),
        dir.path().join("health.jsonl"),
        dir.path().join("findings.csv"),
        dir.path().join("fleetpoll.prom"),
    );
    let child = spawn(&[
        "poll",
        "-c",
        "1",
        "-i",
        inv.to_str().unwrap(),
        "-o",
        csv.to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
        "--findings",
        findings.to_str().unwrap(),
        "--prometheus",
        prom.to_str().unwrap(),
    ]);
    let r = drive(child, vec![(HUNG_1_WAITS.to_vec(), sig)]).await;
    assert_eq!(r.sent, 1, "hung-1 never reached its prompt: {}", r.stderr);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(column(&csv, "device"), ["ok-1", "hung-1", "hung-2"]);
    assert_eq!(
        column(&csv, "poll_status"),
        ["polled", "interrupted", "interrupted"]
    );
    assert_eq!(column(&csv, "failed_stage"), ["", "prompt", ""]);
    assert_eq!(column(&csv, "error"), ["", "interrupted", "interrupted"]);
    assert_eq!(
        column(&csv, "error_message"),
        ["", &format!("interrupted ({name})"), "not started"]
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let devices: Vec<&str> = lines
        .iter()
        .map(|v| v["device"].as_str().unwrap())
        .collect();
    assert_eq!(devices, ["ok-1", "hung-1", "hung-2"]);
    assert_eq!(lines[1]["error"], format!("interrupted ({name})"));
    assert_eq!(lines[2]["error"], "not started");
    let header = std::fs::read_to_string(&findings).unwrap();
    assert!(header.starts_with("device,"), "findings.csv: {header}");
    let p = common::prom::parse_file(&prom);
    assert_eq!(
        p["fleetpoll_device_up"]
            .samples
            .iter()
            .map(|(_, v)| *v)
            .collect::<Vec<_>>(),
        [1.0, 0.0, 0.0]
    );
    assert_eq!(
        p["fleetpoll_devices"].value(&[("poll_status", "interrupted")]),
        2.0
    );
    assert_eq!(p["fleetpoll_exit_status"].value(&[]), 2.0);
    assert!(
        r.stderr.contains(&format!("{name}: stopping")),
        "{}",
        r.stderr
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_writes_every_output_whole() {
    one_signal_writes_everything("TERM", "SIGTERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_writes_every_output_whole() {
    one_signal_writes_everything("HUP", "SIGHUP").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_writes_every_output_whole() {
    one_signal_writes_everything("INT", "SIGINT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_cuts_the_grace_short() {
    let dir = tempfile::tempdir().unwrap();
    let (f, inv) = hung_fleet(dir.path()).await;
    let csv = dir.path().join("health.csv");
    // An hour of grace: only the second signal can end this run before the watchdog.
    let child = spawn(&[
        "poll",
        "-c",
        "1",
        "--grace",
        "1h",
        "-i",
        inv.to_str().unwrap(),
        "-o",
        csv.to_str().unwrap(),
    ]);
    let r = drive(
        child,
        vec![
            (HUNG_1_WAITS.to_vec(), "TERM"),
            (vec!["in-flight devices get 60 min"], "INT"),
        ],
    )
    .await;
    assert_eq!(r.sent, 2, "{}", r.stderr);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("SIGINT again: cutting the grace short"),
        "{}",
        r.stderr
    );
    assert_eq!(
        column(&csv, "poll_status"),
        ["polled", "interrupted", "interrupted"]
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_stopped_by_sigterm_still_prints_its_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let (f, inv) = hung_fleet(dir.path()).await;
    // -vv keeps the debug log on stderr in check mode: the signal is sent on its event.
    let child = spawn(&["poll", "--nagios", "-c", "1", "-i", inv.to_str().unwrap()]);
    let r = drive(child, vec![(HUNG_1_WAITS.to_vec(), "TERM")]).await;
    assert_eq!(r.sent, 1, "{}", r.stderr);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let line = r.stdout.strip_suffix('\n').unwrap_or_default();
    assert!(
        line.starts_with(
            "FLEETPOLL CRITICAL - 0 critical, 0 warning, 2 not polled of 3 (run interrupted) | "
        ) && !line.contains('\n'),
        "{:?}",
        r.stdout
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_against_hung_devices_leaves_a_complete_csv() {
    if Command::new("timeout").arg("--version").output().is_err() {
        eprintln!("skipped: no `timeout` (coreutils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let f = fleet(&[
        ("hung-1", Platform::CiscoIos, Scenario::NoPrompt),
        ("hung-2", Platform::CiscoAsa, Scenario::NoPrompt),
        ("hung-3", Platform::CiscoXe, Scenario::NoPrompt),
    ])
    .await;
    let inv = common::sim::inventory(
        &f,
        &dir.path().join("inv.yaml"),
        "{prompt: 10m, device: 1h}",
    );
    let csv = dir.path().join("health.csv");
    // Whenever the 5 s run out (before the plan, during logins or waiting for prompts), every
    // device gets a row and none is polled.
    let mut timeout = Command::new("timeout");
    timeout
        .args(["--preserve-status", "-s", "TERM", "-k", "120", "5"])
        .arg(common::bin::PATH)
        .args(["-q", "poll", "-c", "2", "--grace", "1s", "-i"])
        .arg(&inv)
        .arg("-o")
        .arg(&csv)
        .env_remove("RUST_LOG");
    let out = common::bin::output_async(timeout).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(column(&csv, "device"), ["hung-1", "hung-2", "hung-3"]);
    assert_eq!(column(&csv, "poll_status"), ["interrupted"; 3]);
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_snapshot_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (f, inv) = hung_fleet(dir.path()).await;
    let dest = dir.path().join("snap");
    let child = spawn(&[
        "snapshot",
        "-c",
        "1",
        "-i",
        inv.to_str().unwrap(),
        "--out-dir",
        dest.to_str().unwrap(),
    ]);
    let r = drive(child, vec![(HUNG_1_WAITS.to_vec(), "TERM")]).await;
    assert_eq!(r.sent, 1, "{}", r.stderr);
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(
        r.stderr.contains("interrupted: no snapshot written"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "stdout: {}", r.stdout);
    assert!(!dest.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    f.shutdown().await;
}
