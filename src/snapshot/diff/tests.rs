//! Tests of the entry points (devices, command status, `--ignore`, playbook compatibility),
//! and the helpers the per-family test modules share: snapshots and devices built in memory.

use super::*;
use crate::snapshot::load::LoadedDevice;
use crate::snapshot::{CommandMeta, DeviceMeta, ManifestDevice, PlaybookInfo};
use serde_json::json;
use std::collections::BTreeMap;

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
}

pub(super) fn rec(v: serde_json::Value) -> Record {
    serde_json::from_value(v).unwrap()
}

fn manifest(playbook: &str, commands_sha: &str, file_sha: &str) -> Manifest {
    Manifest {
        format: crate::snapshot::FORMAT.into(),
        format_version: crate::snapshot::FORMAT_VERSION,
        fleetpoll_version: "0.1.0".into(),
        started_at: t(0),
        completed_at: t(1),
        inventory: "inv.yaml".into(),
        limit: None,
        playbook: PlaybookInfo {
            name: playbook.into(),
            path: "playbooks/snapshot.yaml".into(),
            sha256: file_sha.into(),
            commands_sha256: commands_sha.into(),
            commands: BTreeMap::new(),
        },
        devices: Vec::<ManifestDevice>::new(),
        files: BTreeMap::new(),
    }
}

/// A device; `cmds` are (command, status, record).
pub(super) fn dev(
    name: &str,
    polled: bool,
    at: i64,
    cmds: Vec<(&str, &str, Option<Record>)>,
) -> LoadedDevice {
    let meta = DeviceMeta {
        device: name.into(),
        host: "127.0.0.1".into(),
        port: 22,
        platform: crate::Platform::CiscoIos,
        site: None,
        groups: vec![],
        poll_status: if polled { "polled" } else { "failed" }.into(),
        failed_stage: None,
        error_class: None,
        error: (!polled).then(|| "cannot connect: refused".to_string()),
        started_at: Some(t(at)),
        finished_at: Some(t(at + 1)),
        duration_ms: 1000,
        hostname: None,
        software_version: None,
        ssh_algorithms: None,
        commands: cmds
            .iter()
            .map(|(c, st, _)| CommandMeta {
                command: c.to_string(),
                parser: None,
                status: st.to_string(),
                error: None,
                duration_ms: 1,
                truncated: false,
                truncated_by: None,
                raw_file: None,
                record_file: None,
                redacted_lines: 0,
            })
            .collect(),
    };
    LoadedDevice {
        meta,
        records: cmds.into_iter().map(|(_, _, r)| r).collect(),
    }
}

pub(super) fn snap(devices: Vec<LoadedDevice>) -> Snapshot {
    Snapshot {
        dir: "x".into(),
        manifest: manifest("snapshot", "c", "f"),
        manifest_sha256: "0".repeat(64),
        devices,
    }
}

/// (severity, key) of every change between one command's two records, 1 h apart.
pub(super) fn one(
    cmd: &str,
    b: serde_json::Value,
    a: serde_json::Value,
) -> Vec<(Severity, String)> {
    one_at(cmd, b, a, 3600)
}

pub(super) fn one_at(
    cmd: &str,
    b: serde_json::Value,
    a: serde_json::Value,
    secs: i64,
) -> Vec<(Severity, String)> {
    let b = snap(vec![dev("d", true, 0, vec![(cmd, "ok", Some(rec(b)))])]);
    let a = snap(vec![dev("d", true, secs, vec![(cmd, "ok", Some(rec(a)))])]);
    keys(&diff(&b, &a, &DiffOptions::default()).unwrap())
}

fn keys(r: &DiffReport) -> Vec<(Severity, String)> {
    r.changes
        .iter()
        .map(|c| (c.severity, c.key.clone()))
        .collect()
}

pub(super) use Severity::{Improvement as I, Neutral as N, Regression as R};

pub(super) fn k(s: &str) -> String {
    s.to_string()
}

#[test]
fn devices_reachability_and_presence() {
    let b = snap(vec![
        dev("up-down", true, 0, vec![]),
        dev("down-up", false, 0, vec![]),
        dev("down-down", false, 0, vec![]),
        dev("gone", true, 0, vec![]),
    ]);
    let a = snap(vec![
        dev("up-down", false, 9, vec![]),
        dev("down-up", true, 9, vec![]),
        dev("down-down", false, 9, vec![]),
        dev("new", true, 9, vec![]),
    ]);
    let r = diff(&b, &a, &DiffOptions::default()).unwrap();
    assert_eq!(
        keys(&r),
        vec![
            (R, k("up-down/reachable")),
            (I, k("down-up/reachable")),
            (R, k("gone/in_snapshot")),
            (N, k("new/in_snapshot")),
        ]
    );
    assert!(r.regressed());
    assert_eq!(r.changes[0].before.as_deref(), Some("polled"));
    assert_eq!(
        r.changes[0].after.as_deref(),
        Some("failed: cannot connect: refused")
    );
}

#[test]
fn command_status_changes() {
    let v = || {
        Some(rec(
            json!({"record": "ntp_status", "enabled": true, "synchronized": true, "servers": [], "peers": []}),
        ))
    };
    let b = snap(vec![dev(
        "d",
        true,
        0,
        vec![
            ("c1", "ok", v()),
            ("c2", "timeout", None),
            ("c3", "raw", None),
            ("c4", "ok", v()),
        ],
    )]);
    let a = snap(vec![dev(
        "d",
        true,
        9,
        vec![
            ("c1", "parse_failed", None),
            ("c2", "ok", v()),
            ("c3", "rejected", None),
            ("c5", "ok", v()),
        ],
    )]);
    assert_eq!(
        keys(
            &diff(
                &b,
                &a,
                &DiffOptions {
                    allow_playbook_change: true,
                    ..DiffOptions::default()
                }
            )
            .unwrap()
        ),
        vec![
            (R, k("d/c1/status")),
            (I, k("d/c2/status")),
            (R, k("d/c3/status")),
            (N, k("d/c4/captured")),
            (N, k("d/c5/captured")),
        ]
    );
}

// Spans several families (WAAS license, CMS, eMAPI verify; NTP, compared in the dispatch;
// version), so it stays with the entry-point tests.
#[test]
fn license_cms_verify_ntp_version_rules() {
    let lic = |e: &str, t: &str| json!({"record": "license", "licenses": [{"name": "Enterprise", "status": e}, {"name": "Transport", "status": t}]});
    assert_eq!(
        one(
            "show license",
            lic("active", "not active"),
            lic("not active", "active")
        ),
        vec![
            (R, k("d/show license/license Enterprise/status")),
            (I, k("d/show license/license Transport/status"))
        ]
    );
    let cms = |i: bool, o: bool| json!({"record": "cms_secure_store", "status": "x", "initialized": i, "open": o});
    assert_eq!(
        one("show cms secure store", cms(true, true), cms(true, false)),
        vec![(R, k("d/show cms secure store/open"))]
    );
    let ver = |s: &str| json!({"record": "mapi_encryption_verify", "groups": [{"role": "EDGE", "components": [{"name": "NTP State", "status": s, "reasons": [], "details": []}]}]});
    let c = "accelerator mapi verify encryption-settings";
    assert_eq!(
        one(c, ver("OK"), ver("FAILED")),
        vec![(R, format!("d/{c}/edge NTP State/status"))]
    );
    assert_eq!(
        one(c, ver("FAILED"), ver("OK")),
        vec![(I, format!("d/{c}/edge NTP State/status"))]
    );
    let ntp = |s: bool| json!({"record": "ntp_status", "enabled": true, "synchronized": s, "servers": [], "peers": []});
    assert_eq!(
        one("show ntp status", ntp(true), ntp(false)),
        vec![(R, k("d/show ntp status/synchronized"))]
    );
    assert_eq!(
        one("show ntp status", ntp(false), ntp(true)),
        vec![(I, k("d/show ntp status/synchronized"))]
    );
    let v = |ver: &str, up: u64| json!({"record": "version", "os": "ios", "version": ver, "uptime_s": up, "serial": "FTX1"});
    assert_eq!(
        one("show version", v("15.1(4)M8", 10_000), v("15.5(3)M", 60)),
        vec![
            (N, k("d/show version/sw_version")),
            (N, k("d/show version/reloaded"))
        ]
    );
    assert_eq!(
        one(
            "show version",
            v("15.1(4)M8", 10_000),
            v("15.1(4)M8", 13_600)
        ),
        vec![]
    );
}

#[test]
fn ignore_matches_whole_keys_or_field_names() {
    let v = |ver: &str| json!({"record": "version", "os": "ios", "version": ver});
    let b = snap(vec![
        dev(
            "rtr-01",
            true,
            0,
            vec![("show version", "ok", Some(rec(v("1"))))],
        ),
        dev("rtr-02", true, 0, vec![]),
    ]);
    let a = snap(vec![
        dev(
            "rtr-01",
            true,
            9,
            vec![("show version", "ok", Some(rec(v("2"))))],
        ),
        dev("rtr-02", false, 9, vec![]),
    ]);
    let with = |pats: &[&str]| {
        let o = DiffOptions {
            ignore: pats
                .iter()
                .map(|p| glob::Pattern::new(p).unwrap())
                .collect(),
            ..DiffOptions::default()
        };
        let r = diff(&b, &a, &o).unwrap();
        (keys(&r), r.ignored)
    };
    assert_eq!(with(&[]).0.len(), 2);
    assert_eq!(with(&["sw_version"]), (vec![(R, k("rtr-02/reachable"))], 1));
    assert_eq!(with(&["rtr-01/show version/sw_version"]).1, 1);
    assert_eq!(
        with(&["rtr-02/*"]),
        (vec![(N, k("rtr-01/show version/sw_version"))], 1)
    );
    assert_eq!(with(&["*"]).1, 2);
    assert_eq!(with(&["sw_*", "reach*"]).0, vec![]);
}

#[test]
fn playbook_compatibility() {
    let m = |n: &str, c: &str, f: &str| manifest(n, c, f);
    assert!(check_compatible(
        &m("snapshot", "c1", "f1"),
        &m("snapshot", "c1", "f1"),
        false
    )
    .unwrap()
    .is_empty());
    let notes = check_compatible(
        &m("snapshot", "c1", "f1"),
        &m("snapshot", "c1", "f2"),
        false,
    )
    .unwrap();
    assert!(notes[0].contains("same commands"), "{notes:?}");
    let e = check_compatible(&m("snapshot", "c1", "f1"), &m("health", "c1", "f1"), false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("different playbooks") && e.contains("--allow-playbook-change"),
        "{e}"
    );
    assert!(check_compatible(
        &m("snapshot", "c1", "f1"),
        &m("snapshot", "c2", "f1"),
        false
    )
    .is_err());
    let notes =
        check_compatible(&m("snapshot", "c1", "f1"), &m("health", "c2", "f2"), true).unwrap();
    assert!(notes[0].contains("only commands run in both"), "{notes:?}");
}

/// A cut-short capture is not compared record by record: the SAs past the cut would read as
/// gone. One neutral `complete` change says why.
#[test]
fn a_truncated_side_is_not_compared() {
    let c = "show crypto isakmp sa";
    let ike = |peers: &[&str]| {
        let sas: Vec<_> = peers
            .iter()
            .map(|p| json!({"ike_version": 1, "peer": p, "state": "MM_ACTIVE"}))
            .collect();
        Some(rec(json!({"record": "isakmp_sa", "sas": sas})))
    };
    let b = snap(vec![dev(
        "d",
        true,
        0,
        vec![(c, "ok", ike(&["10.0.0.1", "10.0.0.2"]))],
    )]);
    let mut after = dev("d", true, 9, vec![(c, "ok", ike(&["10.0.0.1"]))]);
    let whole = snap(vec![after.clone()]);
    assert_eq!(
        keys(&diff(&b, &whole, &DiffOptions::default()).unwrap()),
        vec![(R, k("d/show crypto isakmp sa/peer 10.0.0.2 ikev1/presence"))]
    );
    after.meta.commands[0].truncated = true;
    after.meta.commands[0].truncated_by = Some(crate::outcome::Cut::OutputCap);
    let r = diff(&b, &snap(vec![after]), &DiffOptions::default()).unwrap();
    assert_eq!(keys(&r), vec![(N, k("d/show crypto isakmp sa/complete"))]);
    assert!(
        r.changes[0].message.contains("in AFTER"),
        "{:?}",
        r.changes[0]
    );
}
