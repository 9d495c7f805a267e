//! Secrets never leave the process: a sweep at trace log level, with failures that put
//! credentials to use (wrong password, wrong enable secret), leaves the password and the
//! enable secret in no CSV, JSONL, findings, snapshot file, log line or error message.

mod common;

use fleetpoll::sim::{DeviceSpec, Scenario, SIM_ENABLE_SECRET, SIM_PASSWORD};
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
    let fleet = common::sim::fleet(vec![
        DeviceSpec::new("ok", Platform::CiscoIos, Scenario::Healthy),
        DeviceSpec::new("asa", Platform::CiscoAsa, Scenario::IkePskMismatch),
        DeviceSpec::new("badpw", Platform::CiscoIos, Scenario::WrongCredentials),
        DeviceSpec::new("badenable", Platform::CiscoAsa, Scenario::WrongEnableSecret),
        DeviceSpec::new("wae", Platform::CiscoWaas, Scenario::MapiLicenseShutdown),
    ])
    .await;
    let inv_dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let inv = common::sim::default_inventory(&fleet, &inv_dir.path().join("inv.yaml"));
    let o = out.path().to_path_buf();
    let inv2 = inv.clone();
    let (poll, snap) = tokio::task::spawn_blocking(move || {
        let run = |args: Vec<String>| {
            common::bin::output(common::bin::fleetpoll().args(args).env("RUST_LOG", "trace"))
        };
        let s = |p: &Path| p.display().to_string();
        let poll = run(vec![
            "-vvv".into(),
            "poll".into(),
            "-i".into(),
            s(&inv2),
            "-p".into(),
            common::HEALTH_PLAYBOOK.into(),
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
            common::SNAPSHOT_PLAYBOOK.into(),
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

/// Everything fleetpoll types at a prompt is one line: a secret or username with a line break
/// (or any control character) is refused when the plan is built, naming file, line and field,
/// never the value.
#[test]
fn multi_line_credentials_are_refused_at_plan_time_without_printing_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("en"), "s3cret-x\nconfigure terminal\n").unwrap();
    std::fs::write(dir.path().join("pw"), "pw-fine\n").unwrap();
    let cases = [
        // (the device's credentials, the field named, text that must not appear)
        (
            "password: {file: pw}\n    enable_secret: {file: en}",
            "enable_secret",
            "s3cret-x",
        ),
        ("password: \"pa\\u0085ss-y\"", "password", "ss-y"),
        ("password: \"p\\u2028w-z\"", "password", "w-z"),
        ("password: \"p\\x1bw-q\"", "password", "w-q"),
        ("password: \"p\\x7fw-r\"", "password", "w-r"),
    ];
    for (creds, field, secret) in cases {
        let text = format!(
            "devices:\n  - name: r1\n    host: 192.0.2.1\n    platform: cisco_ios\n    username: u\n    {creds}\n"
        );
        let path = dir.path().join("inv.yaml");
        std::fs::write(&path, &text).unwrap();
        let e = fleetpoll::inventory::load(&path)
            .expect_err("a multi-line credential must be refused")
            .to_string();
        assert!(e.contains("inv.yaml:"), "{e}");
        assert!(e.contains(field), "{field}: {e}");
        assert!(e.contains("must be one line"), "{e}");
        assert!(!e.contains(secret), "the value leaked: {e}");
    }
    let text = "devices:\n  - name: r1\n    host: 192.0.2.1\n    platform: cisco_ios\n    username: \"u\\r\\nconfigure terminal\"\n    password: {file: pw}\n";
    let path = dir.path().join("inv2.yaml");
    std::fs::write(&path, text).unwrap();
    let e = fleetpoll::inventory::load(&path).unwrap_err().to_string();
    assert!(e.contains("inv2.yaml:5"), "the username's line: {e}");
    assert!(e.contains("username") && e.contains("U+000D"), "{e}");
    // A trailing newline of a secret file is the file's, not the secret's: still accepted.
    let text = "devices:\n  - name: r1\n    host: 192.0.2.1\n    platform: cisco_ios\n    username: u\n    password: {file: pw}\n";
    std::fs::write(&path, text).unwrap();
    fleetpoll::inventory::load(&path).expect("pw-fine\\n is one line");
}

/// A key file that is garbage or a folder fails the plan (file, line, field), before any
/// connection and before any output is (over)written; a real key passes.
#[test]
fn unusable_key_files_are_refused_at_plan_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("garbage"), "not a key at all\n").unwrap();
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/host_keys/rsa2048");
    let mut cases = vec![
        ("garbage".to_string(), false),
        ("folder".to_string(), false),
        (real.to_string(), true),
    ];
    // An encrypted key without key_passphrase cannot be used by either transport.
    let enc = dir.path().join("enc");
    if keygen_encrypted(&enc, "a-passphrase") {
        cases.push((enc.display().to_string(), false));
    }
    for (key, ok) in cases {
        let text = format!(
            "devices:\n  - name: r1\n    host: 192.0.2.1\n    platform: cisco_ios\n    username: u\n    key_file: {key}\n"
        );
        let path = dir.path().join("inv.yaml");
        std::fs::write(&path, text).unwrap();
        match fleetpoll::inventory::load(&path) {
            Ok(_) => assert!(ok, "{key} must be refused"),
            Err(e) => {
                let e = e.to_string();
                assert!(!ok, "{key}: {e}");
                assert!(e.contains("inv.yaml:6"), "{key}: {e}");
                assert!(e.contains("key_file"), "{key}: {e}");
            }
        }
    }
}

/// `ssh-keygen -N pass`: an encrypted ed25519 key; false (with a note) without ssh-keygen.
fn keygen_encrypted(path: &Path, pass: &str) -> bool {
    let made = common::ssh_keygen(path, "ed25519", pass).is_ok();
    if !made {
        eprintln!("SKIP: no ssh-keygen; encrypted keys are not tested");
    }
    made
}

/// An encrypted key is decrypted at plan time with its key_passphrase: once per file for every
/// device sharing it; a wrong passphrase or none fails the plan with file, line and field, and
/// the passphrase is never printed.
#[test]
fn encrypted_keys_are_decrypted_at_plan_time() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("id_enc");
    if !keygen_encrypted(&key, "correct-horse-7") {
        return;
    }
    std::fs::write(dir.path().join("pass"), "correct-horse-7\n").unwrap();
    std::fs::write(dir.path().join("wrong"), "wrong-horse-8\n").unwrap();
    let inv = |pass: &str| {
        format!(
            "defaults:\n  platform: cisco_ios\n  username: u\n  key_file: id_enc\n{pass}devices:\n  - {{name: r1, host: 192.0.2.1}}\n  - {{name: r2, host: 192.0.2.2}}\n"
        )
    };
    let path = dir.path().join("inv.yaml");

    std::fs::write(&path, inv("  key_passphrase: {file: pass}\n")).unwrap();
    let loaded = fleetpoll::inventory::load(&path).unwrap();
    let keys: Vec<_> = loaded
        .hosts
        .iter()
        .map(|h| h.key.as_ref().expect("decrypted").key.clone())
        .collect();
    assert!(
        std::sync::Arc::ptr_eq(&keys[0], &keys[1]),
        "one decryption shared by both devices"
    );
    assert_eq!(keys[0].algorithm().as_str(), "ssh-ed25519");
    let shown = format!("{:?}", loaded.hosts[0]);
    assert!(!shown.contains("correct-horse"), "{shown}");

    std::fs::write(&path, inv("  key_passphrase: {file: wrong}\n")).unwrap();
    let e = fleetpoll::inventory::load(&path).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{}:5:3: defaults.key_passphrase: the passphrase does not decrypt key file {}",
            path.display(),
            key.display()
        )),
        "{e}"
    );
    assert!(!e.contains("horse"), "the passphrase leaked: {e}");

    std::fs::write(&path, inv("")).unwrap();
    let e = fleetpoll::inventory::load(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}:4:3: defaults.key_file: key file {} is encrypted: set key_passphrase ({{env: VAR}}, {{file: PATH}} or {{prompt: true}}) beside key_file, or load the key into ssh-agent and leave key_file out",
            path.display(),
            key.display()
        )
    );
}
