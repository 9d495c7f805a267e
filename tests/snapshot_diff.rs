//! Snapshot and diff end to end: snapshot a simulated fleet, change scenarios (a peer goes
//! down, the MAPI AO shuts down, a device stops answering), snapshot again, diff, and check
//! the exact regressions; plus integrity (tampering), permissions, redaction, atomicity and
//! the binary's exit statuses.

mod common;

use common::bin::{code, run, run_async, stderr, stdout};
use fleetpoll::parse::Record;
use fleetpoll::plan::Plan;
use fleetpoll::playbook::builtin::Source;
use fleetpoll::runner::{DeviceReport, RunOptions};
use fleetpoll::sim::{DeviceSpec, RunningFleet, Scenario};
use fleetpoll::snapshot::{self, DiffOptions, Severity, SnapshotError, WriteOptions};
use fleetpoll::Platform;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FAST: &str = "{connect: 3s, auth: 5s, prompt: 2s, enable: 3s, command: 2s, device: 30s}";
const PLAYBOOK: &str = common::SNAPSHOT_PLAYBOOK;
/// A device name with a `/`: its folder must be made filesystem-safe.
const SLASHED: &str = "dc1/wae-02";

fn spec(name: &str, platform: Platform, scenario: Scenario) -> DeviceSpec {
    let mut s = common::sim::spec(name, platform, scenario);
    // The prompt shows the hostname, which cannot hold a `/`; the inventory name can.
    s.hostname = name.rsplit('/').next().unwrap_or(name).to_string();
    s
}

/// The fleet before and after the change: rtr-01 loses a peer, wae-01's MAPI AO shuts down
/// (licensing), asa-01 stops answering; rtr-02, asa-02 and dc1/wae-02 stay as they were.
fn fleet_specs(after: bool) -> Vec<DeviceSpec> {
    let (rtr, wae, asa) = if after {
        (
            Scenario::PeerDown,
            Scenario::MapiLicenseShutdown,
            Scenario::RefuseConnection,
        )
    } else {
        (Scenario::Healthy, Scenario::Healthy, Scenario::Healthy)
    };
    vec![
        spec("rtr-01", Platform::CiscoIos, rtr),
        spec("wae-01", Platform::CiscoWaas, wae),
        spec("asa-01", Platform::CiscoAsa, asa),
        spec("rtr-02", Platform::CiscoIos, Scenario::Healthy),
        spec("asa-02", Platform::CiscoAsa, Scenario::Healthy),
        spec(SLASHED, Platform::CiscoWaas, Scenario::Healthy),
    ]
}

const UNCHANGED: &[&str] = &["rtr-02", "asa-02", SLASHED];

fn plan_for(fleet: &RunningFleet, inv: &Path) -> Plan {
    let inv = common::sim::inventory(fleet, inv, FAST);
    fleetpoll::plan::build(&inv, &Source::File(PLAYBOOK.into()), None).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every folder 0700 and every file 0600, recursively.
#[cfg(unix)]
fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", dir.display());
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            assert_private(&p);
        } else {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", p.display());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

fn record<'a>(snap: &'a snapshot::Snapshot, device: &str, command: &str) -> &'a Record {
    snap.device(device)
        .unwrap()
        .command(command)
        .unwrap()
        .1
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_change_diff_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();

    // ---- BEFORE: a healthy fleet, snapshotted through the library ----
    let fleet = common::sim::fleet(fleet_specs(false)).await;
    let plan = plan_for(&fleet, &root.join("inv-before.yaml"));
    let started = chrono::Utc::now();
    let reports = common::run(&plan, &RunOptions::default()).await;
    fleet.shutdown().await;
    for r in &reports {
        assert!(r.polled(), "{}: {:?}", r.device, r.error);
    }
    let before = root.join("before");
    let w = snapshot::write(&before, &plan, &reports, started, &WriteOptions::default()).unwrap();
    check_layout(&before, &w);
    write_failures_leave_nothing(root, &plan, &reports, &before, started);
    redaction_in_stored_raw(root, &plan, &reports, started);

    // ---- AFTER: same names, changed scenarios, new ports; through the binary ----
    let fleet = common::sim::fleet(fleet_specs(true)).await;
    let inv_after = common::sim::inventory(&fleet, &root.join("inv-after.yaml"), FAST);
    let after = root.join("after");
    let o = run_async(
        [
            "snapshot",
            "-i",
            s(&inv_after),
            "-p",
            PLAYBOOK,
            "--out-dir",
            s(&after),
        ]
        .map(String::from)
        .to_vec(),
    )
    .await;
    fleet.shutdown().await;
    assert_eq!(code(&o), 2, "a device was not polled: {}", stderr(&o));
    assert_eq!(stdout(&o).trim(), s(&after), "stdout names the snapshot");
    assert!(stderr(&o).contains("manifest sha256"), "{}", stderr(&o));
    #[cfg(unix)]
    assert_private(&after);

    // The device that stopped answering is recorded with its error, not missing.
    let a = snapshot::load(&after).unwrap();
    let asa = a.device("asa-01").unwrap();
    assert_eq!(asa.meta.poll_status, "failed");
    assert!(
        asa.meta.error.as_deref().unwrap().contains("refused"),
        "{:?}",
        asa.meta.error
    );
    assert_eq!(
        asa.meta.error_class,
        Some(fleetpoll::session::error::ErrorClass::Unreachable)
    );
    let m = a
        .manifest
        .devices
        .iter()
        .find(|d| d.name == "asa-01")
        .unwrap();
    assert_eq!(m.poll_status, "failed");
    assert!(m.error.is_some());

    // ---- the diff: exactly these regressions ----
    let b = snapshot::load(&before).unwrap();
    let d = snapshot::diff(&b, &a, &DiffOptions::default()).unwrap();
    let got: BTreeSet<String> = d
        .changes
        .iter()
        .filter(|c| c.severity == Severity::Regression)
        .map(|c| c.key.clone())
        .collect();
    let want = expected_regressions(&b, &a);
    assert_eq!(got, want, "all changes: {:#?}", d.changes);
    for dev in UNCHANGED {
        let any: Vec<_> = d.changes.iter().filter(|c| c.device == *dev).collect();
        assert!(any.is_empty(), "{dev} did not change: {any:#?}");
    }
    // Counters move, but are never reported as raw increases.
    assert!(d
        .changes
        .iter()
        .all(|c| !c.field.contains("handled") && !c.field.contains("pkts")));

    binary_diff(&before, &after, root, &want);
    tampering_is_reported(&after, root);
    incompatible_playbooks_exit_3(&before, root);
}

/// The regressions the scenario changes must give, and nothing else.
fn expected_regressions(b: &snapshot::Snapshot, a: &snapshot::Snapshot) -> BTreeSet<String> {
    let mut want = BTreeSet::new();
    // rtr-01 (PeerDown): the one peer that vanished, from phase 1, phase 2 and the sessions.
    let peers = |s: &snapshot::Snapshot| -> BTreeSet<String> {
        match record(s, "rtr-01", "show crypto isakmp sa") {
            Record::IsakmpSa(r) => r
                .sas
                .iter()
                .filter_map(|sa| sa.remote().map(str::to_string))
                .collect(),
            other => panic!("{other:?}"),
        }
    };
    let gone: Vec<String> = peers(b).difference(&peers(a)).cloned().collect();
    assert_eq!(gone.len(), 1, "PeerDown drops one peer: {gone:?}");
    let p = &gone[0];
    // Phase 1 is read twice by the snapshot playbook: the table and the IOS `detail` form.
    for cmd in ["show crypto isakmp sa", "show crypto isakmp sa detail"] {
        want.insert(format!("rtr-01/{cmd}/peer {p} ikev1/presence"));
    }
    // The crypto session of that peer (crypto map on GigabitEthernet0/1) is gone too.
    want.insert(format!(
        "rtr-01/show crypto session detail/session {p} GigabitEthernet0/1/presence"
    ));
    let Record::IpsecSa(ipsec) = record(b, "rtr-01", "show crypto ipsec sa") else {
        panic!()
    };
    let ident = |i: &Option<fleetpoll::parse::ipsec::Ident>| {
        let i = i.as_ref().unwrap();
        format!("{}/{}/{}/{}", i.addr, i.mask, i.prot, i.port)
    };
    for e in ipsec
        .entries
        .iter()
        .filter(|e| e.current_peer.as_deref() == Some(p))
    {
        want.insert(format!(
            "rtr-01/show crypto ipsec sa/sa {p} {} {}/presence",
            ident(&e.local_ident),
            ident(&e.remote_ident)
        ));
    }
    // wae-01 (MapiLicenseShutdown): Enterprise license gone, every AO shut down and
    // unlicensed, the MAPI AO unregistered, eMAPI edge checks failing.
    let w = "wae-01";
    want.insert(format!("{w}/show license/license Enterprise/status"));
    for ao in [
        "cifs",
        "epm",
        "http",
        "ica",
        "mapi",
        "nfs",
        "ssl",
        "video",
        "wan-secure",
    ] {
        want.insert(format!("{w}/show accelerator/ao {ao}/oper_state"));
        want.insert(format!("{w}/show accelerator/ao {ao}/licensed"));
    }
    for ao in ["wafs-core", "wafs-edge"] {
        // Not running before either: only the license is lost.
        want.insert(format!("{w}/show accelerator/ao {ao}/licensed"));
    }
    for f in ["oper_state", "licensed", "registration"] {
        want.insert(format!("{w}/show accelerator mapi/{f}"));
    }
    for c in [
        "Mapi Accelerator State",
        "SSL Accelerator State",
        "Wan-secure State",
    ] {
        want.insert(format!(
            "{w}/accelerator mapi verify encryption-settings/edge {c}/status"
        ));
    }
    // asa-01 (RefuseConnection): one regression, not one per peer.
    want.insert("asa-01/reachable".into());
    want
}

fn check_layout(dir: &Path, w: &snapshot::Written) {
    #[cfg(unix)]
    assert_private(dir);
    let m: snapshot::Manifest =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m.format, "fleetpoll-snapshot");
    assert_eq!(m.fleetpoll_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(m.playbook.name, "snapshot");
    let pb = std::fs::read(PLAYBOOK).unwrap();
    assert_eq!(m.playbook.sha256, fleetpoll::util::sha256_hex(&pb));
    let names: Vec<&str> = m.devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["rtr-01", "wae-01", "asa-01", "rtr-02", "asa-02", SLASHED],
        "inventory order"
    );
    // Every file on disk but the manifest is listed with its hash, and nothing else.
    let mut on_disk = BTreeSet::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_str().unwrap().to_string());
            }
        }
    }
    walk(dir, dir, &mut on_disk);
    on_disk.remove("manifest.json");
    assert_eq!(on_disk, m.files.keys().cloned().collect::<BTreeSet<_>>());
    assert_eq!(w.files, m.files.len() + 1);
    for (rel, h) in &m.files {
        assert_eq!(
            &fleetpoll::util::sha256_hex(&std::fs::read(dir.join(rel)).unwrap()),
            h,
            "{rel}"
        );
    }
    // The slashed name got a safe folder of its own.
    let slashed = m.devices.iter().find(|d| d.name == SLASHED).unwrap();
    assert!(
        slashed.dir.starts_with("devices/dc1_wae-02-"),
        "{}",
        slashed.dir
    );
    assert_eq!(slashed.dir.matches('/').count(), 1);
    // Per device: meta with timestamps, version, null SSH algorithms; raw + record per command.
    let rtr: snapshot::DeviceMeta =
        serde_json::from_slice(&std::fs::read(dir.join("devices/rtr-01/meta.json")).unwrap())
            .unwrap();
    assert_eq!(rtr.poll_status, "polled");
    assert!(rtr.started_at.unwrap() <= rtr.finished_at.unwrap());
    assert!(rtr
        .software_version
        .as_deref()
        .is_some_and(|v| !v.is_empty()));
    let raw_meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("devices/rtr-01/meta.json")).unwrap())
            .unwrap();
    let algos = raw_meta["ssh_algorithms"].as_str().unwrap_or_default();
    assert!(
        algos.starts_with("kex=") && algos.contains(" cipher="),
        "negotiated algorithms recorded: {algos}"
    );
    let ver = &rtr.commands[0];
    assert_eq!(ver.command, "show version");
    assert_eq!(
        ver.raw_file.as_deref(),
        Some("devices/rtr-01/01_show_version.txt")
    );
    assert_eq!(
        ver.record_file.as_deref(),
        Some("devices/rtr-01/01_show_version.json")
    );
    let raw = std::fs::read_to_string(dir.join("devices/rtr-01/01_show_version.txt")).unwrap();
    assert!(raw.contains("Cisco IOS"), "{raw}");
    let rec: Record = serde_json::from_slice(
        &std::fs::read(dir.join("devices/rtr-01/01_show_version.json")).unwrap(),
    )
    .unwrap();
    assert!(matches!(rec, Record::Version(_)));
    // Same playbook command list as the manifest says.
    let ios: Vec<&str> = m.playbook.commands["cisco_ios"]
        .iter()
        .map(|c| c.command.as_str())
        .collect();
    assert_eq!(
        rtr.commands
            .iter()
            .map(|c| c.command.as_str())
            .collect::<Vec<_>>(),
        ios
    );
}

fn write_failures_leave_nothing(
    root: &Path,
    plan: &Plan,
    reports: &[DeviceReport],
    existing: &Path,
    started: chrono::DateTime<chrono::Utc>,
) {
    let broken = root.join("broken");
    let o = WriteOptions {
        fail_after_files: Some(5),
        ..WriteOptions::default()
    };
    let e = snapshot::write(&broken, plan, reports, started, &o).unwrap_err();
    assert!(e.to_string().contains("injected failure"), "{e}");
    assert!(!broken.exists(), "a failed write leaves no snapshot");
    let leftovers: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // An existing snapshot is never written over.
    let e =
        snapshot::write(existing, plan, reports, started, &WriteOptions::default()).unwrap_err();
    assert!(matches!(e, SnapshotError::Exists(_)), "{e}");
    // A killed run leaves only a hidden .partial- folder without a manifest: not a snapshot.
    let partial = snapshot::write::partial_dir(&root.join("killed")).unwrap();
    std::fs::create_dir(&partial).unwrap();
    let e = snapshot::load(&partial).unwrap_err();
    assert!(e.to_string().contains("no manifest.json"), "{e}");
    std::fs::remove_dir(&partial).unwrap();
}

fn redaction_in_stored_raw(
    root: &Path,
    plan: &Plan,
    reports: &[DeviceReport],
    started: chrono::DateTime<chrono::Utc>,
) {
    let config = "hostname rtr-02\n\
                  crypto isakmp key S3cr3t address 1.2.3.4\n\
                  tunnel-group 1.2.3.4 ipsec-attributes\n \
                  ikev1 pre-shared-key *\n\
                  username admin privilege 15 secret 9 $9$hUNT3r2\n\
                  interface GigabitEthernet0/0\n";
    let mut reports = reports.to_vec();
    let r = reports.iter_mut().find(|r| r.device == "rtr-02").unwrap();
    let c = &mut r.commands[1];
    c.command = "show running-config".into();
    c.raw = Some(config.into());
    c.record = None;
    // The same secret in a non-configuration output is kept as captured.
    let c = &mut r.commands[0];
    let version_raw = c.raw.clone().unwrap();
    let dir = root.join("redacted");
    let w = snapshot::write(&dir, plan, &reports, started, &WriteOptions::default()).unwrap();
    assert_eq!(w.redacted_lines, 3);
    let stored =
        std::fs::read_to_string(dir.join("devices/rtr-02/02_show_running-config.txt")).unwrap();
    for secret in ["S3cr3t", "$9$hUNT3r2", "pre-shared-key *"] {
        assert!(!stored.contains(secret), "{secret} stored: {stored}");
    }
    assert!(
        stored.contains("crypto isakmp key <redacted> address 1.2.3.4"),
        "{stored}"
    );
    assert!(
        stored.contains(" ikev1 pre-shared-key <redacted>"),
        "{stored}"
    );
    assert!(stored.contains("secret 9 <redacted>"), "{stored}");
    assert!(stored.contains("interface GigabitEthernet0/0"), "{stored}");
    let ver = std::fs::read_to_string(dir.join("devices/rtr-02/01_show_version.txt")).unwrap();
    assert_eq!(ver, version_raw);
    let snap = snapshot::load(&dir).unwrap();
    let (meta, _) = snap
        .device("rtr-02")
        .unwrap()
        .command("show running-config")
        .unwrap();
    assert_eq!(meta.redacted_lines, 3);
}

fn binary_diff(before: &Path, after: &Path, root: &Path, want: &BTreeSet<String>) {
    let regressions = want.len();
    // Something regressed: 2, with the table on stdout.
    let csv = root.join("diff.csv");
    let o = run(&["diff", s(before), s(after), "--out", s(&csv)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains(&format!("REGRESSION ({regressions}):")),
        "{table}"
    );
    assert!(table.contains("asa-01/reachable"), "{table}");
    assert!(
        table.contains(&format!("{regressions} regression(s)")),
        "{table}"
    );
    let mut rd = csv::Reader::from_path(&csv).unwrap();
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "severity", "key", "device", "command", "subject", "field", "before", "after",
            "message"
        ]
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows.iter().filter(|r| &r[0] == "regression").count(),
        regressions
    );

    // JSON on stdout.
    let o = run(&["diff", s(before), s(after), "--format", "json"]);
    assert_eq!(code(&o), 2);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["regression"], regressions);
    assert_eq!(v["before"]["playbook"], "snapshot");

    // CSV on stdout.
    let o = run(&["diff", s(before), s(after), "--format", "csv"]);
    assert!(stdout(&o).starts_with("severity,key,"), "{}", stdout(&o));

    // Ignoring what the engineer expected to change: 0.
    let o = run(&[
        "diff",
        s(before),
        s(after),
        "--ignore",
        "rtr-01/*",
        "--ignore",
        "wae-01/*",
        "--ignore",
        "reachable",
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("ignored"), "{}", stdout(&o));

    // A snapshot against itself: 0, nothing changed.
    let o = run(&["diff", s(before), s(before)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("0 regression(s), 0 improvement(s), 0 neutral"),
        "{}",
        stdout(&o)
    );

    // After → before: the regressions come back as improvements (the sim's shut-down WAE
    // runs on the Transport license, which the healthy one does not: that one regresses).
    let o = run(&["diff", s(after), s(before), "--format", "json"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let back: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["severity"] == "regression")
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(back, ["wae-01/show license/license Transport/status"]);
    // Every regression comes back as an improvement, except the vanished peer and SA, which
    // come back as new (and up): neutral.
    let sev_of = |sev: &str| -> BTreeSet<String> {
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["severity"] == sev)
            .map(|c| c["key"].as_str().unwrap().to_string())
            .collect()
    };
    let (improved, neutral) = (sev_of("improvement"), sev_of("neutral"));
    assert_eq!(improved.len() + neutral.len(), regressions, "{v}");
    assert!(improved.iter().all(|k| want.contains(k)), "{improved:?}");
    assert_eq!(
        neutral,
        want.iter()
            .filter(|k| k.starts_with("rtr-01/"))
            .cloned()
            .collect()
    );

    // Bad --ignore glob: 3.
    assert_eq!(
        code(&run(&["diff", s(before), s(after), "--ignore", "[a-"])),
        3
    );
}

fn tampering_is_reported(after: &Path, root: &Path) {
    let t = root.join("tampered");
    copy_dir(after, &t);
    let rel = "devices/rtr-01/01_show_version.txt";
    let p = t.join(rel);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("edited\n");
    std::fs::write(&p, text).unwrap();
    match snapshot::load(&t) {
        Err(SnapshotError::Integrity { problems, .. }) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(
                problems[0].starts_with(rel) && problems[0].contains("sha256 mismatch"),
                "{problems:?}"
            );
        }
        other => panic!("tampering not reported: {other:?}"),
    }
    let o = run(&["diff", s(after), s(&t)]);
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert!(
        err.contains("AFTER snapshot") && err.contains(rel) && err.contains("integrity"),
        "{err}"
    );

    // A deleted record is reported too, by name.
    let rel2 = "devices/wae-01/04_show_license.json";
    std::fs::remove_file(t.join(rel2)).unwrap();
    let o = run(&["diff", s(&t), s(after)]);
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert!(
        err.contains("BEFORE snapshot")
            && err.contains(&format!("{rel2}: missing"))
            && err.contains(rel),
        "{err}"
    );
}

fn incompatible_playbooks_exit_3(before: &Path, root: &Path) {
    let other = root.join("other-playbook");
    copy_dir(before, &other);
    let mp = other.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mp).unwrap()).unwrap();
    m["playbook"]["name"] = "health".into();
    std::fs::write(&mp, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let o = run(&["diff", s(before), s(&other)]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("different playbooks"), "{}", stderr(&o));
    let o = run(&["diff", s(before), s(&other), "--allow-playbook-change"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: playbook changed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unreadable_snapshots_exit_3() {
    let tmp = tempfile::tempdir().unwrap();
    let missing: PathBuf = tmp.path().join("nope");
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = run(&["diff", s(&missing), s(&empty)]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("BEFORE snapshot"), "{}", stderr(&o));
    let o = run(&["diff", s(&empty), s(&empty)]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("no manifest.json"), "{}", stderr(&o));
    // Another layout version.
    std::fs::write(
        empty.join("manifest.json"),
        r#"{"format": "fleetpoll-snapshot", "format_version": 99}"#,
    )
    .unwrap();
    let o = run(&["diff", s(&empty), s(&empty)]);
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("version 99 is not supported"),
        "{}",
        stderr(&o)
    );
    // Snapshot refuses an existing destination before connecting to anything.
    let inv = tmp.path().join("inv.yaml");
    std::fs::write(
        &inv,
        "defaults: {username: u, password: p, platform: cisco_ios}\ndevices:\n  - {name: a, host: 192.0.2.1}\n",
    )
    .unwrap();
    let o = run(&["snapshot", "-i", s(&inv), "--out-dir", s(&empty)]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}
