//! Secrets never leave the process: a sweep at trace log level, with failures that put
//! credentials to use (wrong password, wrong enable secret), leaves the password and the
//! enable secret in no CSV, JSONL, findings, snapshot file, log line or error message.

use fleetpoll::cli::siminv;
use fleetpoll::sim::{spawn_fleet, DeviceSpec, Scenario, SIM_ENABLE_SECRET, SIM_PASSWORD};
use fleetpoll::Platform;
use std::path::Path;

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_any_output_at_trace_level() {
    let fleet = spawn_fleet(vec![
        DeviceSpec::new("ok", Platform::CiscoIos, Scenario::Healthy),
        DeviceSpec::new("asa", Platform::CiscoAsa, Scenario::IkePskMismatch),
        DeviceSpec::new("badpw", Platform::CiscoIos, Scenario::WrongCredentials),
        DeviceSpec::new("badenable", Platform::CiscoAsa, Scenario::WrongEnableSecret),
        DeviceSpec::new("wae", Platform::CiscoWaas, Scenario::MapiLicenseShutdown),
    ])
    .await
    .unwrap();
    let inv_dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let inv = siminv::write(&fleet, &inv_dir.path().join("inv.yaml")).unwrap();
    let o = out.path().to_path_buf();
    let inv2 = inv.clone();
    let (poll, snap) = tokio::task::spawn_blocking(move || {
        let run = |args: Vec<String>| {
            std::process::Command::new(env!("CARGO_BIN_EXE_fleetpoll"))
                .args(args)
                .env("RUST_LOG", "trace")
                .output()
                .unwrap()
        };
        let s = |p: &Path| p.display().to_string();
        let poll = run(vec![
            "-vvv".into(),
            "poll".into(),
            "-i".into(),
            s(&inv2),
            "-p".into(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/playbooks/health.yaml").into(),
            "-o".into(),
            s(&o.join("health.csv")),
            "--jsonl".into(),
            s(&o.join("health.jsonl")),
            "--include-raw".into(),
            "--findings".into(),
            s(&o.join("findings.csv")),
        ]);
        let snap = run(vec![
            "-vvv".into(),
            "snapshot".into(),
            "-i".into(),
            s(&inv2),
            "-p".into(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/playbooks/snapshot.yaml").into(),
            "--out-dir".into(),
            s(&o.join("snap")),
        ]);
        (poll, snap)
    })
    .await
    .unwrap();
    assert_eq!(
        poll.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&poll.stderr)
    );
    let poll_err = String::from_utf8_lossy(&poll.stderr).into_owned();
    assert!(
        poll_err.lines().count() > 20,
        "trace logging was on: {poll_err}"
    );
    assert!(
        poll_err.contains("enable secret rejected"),
        "the enable failure is reported: {poll_err}"
    );
    let mut texts = vec![
        ("poll stderr".to_string(), poll_err),
        (
            "poll stdout".to_string(),
            String::from_utf8_lossy(&poll.stdout).into_owned(),
        ),
        (
            "snapshot stderr".to_string(),
            String::from_utf8_lossy(&snap.stderr).into_owned(),
        ),
        (
            "snapshot stdout".to_string(),
            String::from_utf8_lossy(&snap.stdout).into_owned(),
        ),
    ];
    let mut files = Vec::new();
    files_under(out.path(), &mut files);
    assert!(files.len() > 10, "outputs were written: {files:?}");
    for f in files {
        texts.push((
            f.display().to_string(),
            String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned(),
        ));
    }
    for (what, text) in &texts {
        for secret in [SIM_PASSWORD, SIM_ENABLE_SECRET] {
            assert!(!text.contains(secret), "{what} contains a secret");
        }
    }
    fleet.shutdown().await;
}
