//! ASA multiple-context mode (`asa_contexts`), from the plan to the CSV: what the plan refuses
//! (the setting on another platform, a name that is not one safe word, a playbook that
//! navigates), and sweeps of a simulated multiple-context ASA over SSH: one row per context
//! (`device/context`) with its own health and findings, a listed context the device lacks as
//! its own failed row, the lines the device was sent (read-only, plus exactly the two
//! navigation forms, ending back in the system execution space), and the binary's CSV,
//! findings, exit status and snapshot.

mod common;

use common::bin;
use common::sim::{fleet, spec};
use common::{row, table};
use fleetpoll::health::Health;
use fleetpoll::runner::{DeviceReport, PollStatus, RunOptions};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::{command_log, RunningFleet, Scenario};
use fleetpoll::Platform;
use std::path::{Path, PathBuf};

const FAST: &str = "{connect: 5s, auth: 8s, prompt: 5s, enable: 5s, command: 10s, device: 90s}";

// ---- the plan ------------------------------------------------------------------------------

fn plan_error(device_extra: &str) -> fleetpoll::error::ConfigError {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "defaults:\n  username: u\n  password: {{env: PATH}}\ndevices:\n  - name: d1\n    host: 192.0.2.1\n{device_extra}"
    );
    let path = common::write(dir.path(), "inv.yaml", &text);
    fleetpoll::inventory::load(&path).expect_err(device_extra)
}

#[test]
fn asa_contexts_on_another_platform_is_refused_with_file_line_field() {
    let e = plan_error("    platform: cisco_ios\n    asa_contexts: all\n");
    assert_eq!(e.line, Some(8), "{e}");
    assert_eq!(e.field.as_deref(), Some("devices[0].asa_contexts"));
    assert!(e.message.contains("applies to cisco_asa"), "{e}");
    assert!(e.message.contains("device `d1` is cisco_ios"), "{e}");
    assert!(e.to_string().contains("inv.yaml:8"), "{e}");
    // Inherited from a group: located where it is written, naming the device.
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "inv.yaml",
        "defaults:\n  username: u\n  password: {env: PATH}\ngroups:\n  fw:\n    asa_contexts: [admin]\ndevices:\n  - {name: w1, host: 192.0.2.2, platform: cisco_waas, groups: [fw]}\n",
    );
    let e = fleetpoll::inventory::load(&path).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("groups.fw.asa_contexts"));
    assert_eq!(e.line, Some(6));
    assert!(e.message.contains("device `w1` is cisco_waas"), "{e}");
}

#[test]
fn context_names_must_be_one_safe_word() {
    for (bad, field, why) in [
        (
            "[admin, \"ctx a\"]",
            "devices[0].asa_contexts[1]",
            "has ` ` at character 4",
        ),
        ("[\"a;reload\"]", "devices[0].asa_contexts[0]", "has `;`"),
        (
            "[\"a\\nconfigure terminal\"]",
            "devices[0].asa_contexts[0]",
            "has `\\n`",
        ),
        ("[system]", "devices[0].asa_contexts[0]", "reserves"),
        (
            "[\"-x\"]",
            "devices[0].asa_contexts[0]",
            "starts or ends with `-`",
        ),
        ("[a, b, a]", "devices[0].asa_contexts[2]", "listed twice"),
        ("[]", "devices[0].asa_contexts", "polls nothing"),
        ("every", "devices[0].asa_contexts", "write `all`"),
    ] {
        let e = plan_error(&format!(
            "    platform: cisco_asa\n    asa_contexts: {bad}\n"
        ));
        assert_eq!(e.field.as_deref(), Some(field), "{bad}: {e}");
        assert_eq!(e.line, Some(8), "{bad}: {e}");
        assert!(e.message.contains(why), "{bad}: {e}");
        assert!(!e.to_string().contains('\n'), "one line: {e}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "inv.yaml",
        "defaults:\n  username: u\n  password: {env: PATH}\n  platform: cisco_asa\ndevices:\n  - {name: fw1, host: 192.0.2.1, asa_contexts: [admin, CUST_066.dmz]}\n  - {name: fw2, host: 192.0.2.2, asa_contexts: all}\n  - {name: fw3, host: 192.0.2.3}\n",
    );
    let inv = common::load(&path);
    use fleetpoll::inventory::{ContextName, ContextSelection};
    let names = |n: &[&str]| {
        ContextSelection::Named(n.iter().map(|x| ContextName::new(x).unwrap()).collect())
    };
    assert_eq!(
        inv.hosts[0].asa_contexts,
        Some(names(&["admin", "CUST_066.dmz"]))
    );
    assert_eq!(inv.hosts[1].asa_contexts, Some(ContextSelection::All));
    assert_eq!(inv.hosts[2].asa_contexts, None);
}

#[test]
fn a_playbook_that_navigates_is_refused() {
    for line in [
        "changeto context x",
        "changeto system",
        "changeto context admin | include x",
        "show version\nchangeto context x",
    ] {
        let y = format!(
            "name: t\nplatforms:\n  cisco_asa:\n    commands:\n      - command: show version\n      - command: {line:?}\n"
        );
        let e = fleetpoll::playbook::parse_text(Path::new("pb.yaml"), &y).unwrap_err();
        assert_eq!(
            e.field.as_deref(),
            Some("platforms.cisco_asa.commands[1].command"),
            "{line:?}: {e}"
        );
        assert_eq!(e.line, Some(6), "{line:?}: {e}");
    }
}

// ---- sweeps over SSH -----------------------------------------------------------------------

/// The fleet's inventory with each device's `asa_contexts: all` replaced by `selection`.
fn inventory_with(fleet: &RunningFleet, dir: &Path, selection: Option<&str>) -> PathBuf {
    let inv = common::sim::inventory(fleet, &dir.join("inv.yaml"), FAST);
    if let Some(sel) = selection {
        common::edit(&inv, |t| {
            assert!(t.contains("asa_contexts: all"), "{t}");
            t.replace("asa_contexts: all", &format!("asa_contexts: {sel}"))
        });
    }
    inv
}

async fn sweep(inv: &Path) -> Vec<DeviceReport> {
    common::run(&common::health_plan(inv), &RunOptions::default()).await
}

fn codes(d: &DeviceReport) -> Vec<&str> {
    d.findings.iter().map(|f| f.code.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_context_is_its_own_row_with_its_own_findings() {
    command_log::watch("asa-mc");
    let f = fleet(vec![
        spec("rtr-1", Platform::CiscoIos, Scenario::Healthy),
        spec("asa-mc", Platform::CiscoAsa, Scenario::MultiContext),
        spec("asa-single", Platform::CiscoAsa, Scenario::Healthy),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let r = sweep(&inventory_with(&f, dir.path(), None)).await;
    let names: Vec<&str> = r.iter().map(|d| d.device.as_str()).collect();
    assert_eq!(
        names,
        [
            "rtr-1",
            "asa-mc/admin",
            "asa-mc/ctx-a",
            "asa-mc/ctx-b",
            "asa-single"
        ],
        "inventory order, contexts in `show context` order"
    );
    for name in ["asa-mc/admin", "asa-mc/ctx-a", "asa-mc/ctx-b"] {
        let d = row(&r, name);
        assert_eq!(d.poll_status, PollStatus::Polled, "{name}: {:?}", d.error);
        assert!(
            d.command_errors().is_empty(),
            "{name}: {:?}",
            d.command_errors()
        );
        let ctx = name.split('/').nth(1).unwrap();
        assert_eq!(d.context.as_deref(), Some(ctx));
        assert_eq!(
            d.hostname.as_deref(),
            Some(name),
            "the context's own prompt"
        );
        assert!(!d.commands.is_empty());
    }
    // The fault is ctx-b's alone.
    assert_eq!(
        row(&r, "asa-mc/admin").health,
        Health::Ok,
        "{:?}",
        codes(row(&r, "asa-mc/admin"))
    );
    assert_eq!(row(&r, "asa-mc/ctx-a").health, Health::Ok);
    assert!(codes(row(&r, "asa-mc/admin")).is_empty());
    assert!(codes(row(&r, "asa-mc/ctx-a")).is_empty());
    let b = row(&r, "asa-mc/ctx-b");
    assert!(codes(b).contains(&"VPN_ONE_WAY_L2L"), "{:?}", codes(b));
    assert_eq!(b.health, Health::Warning);
    assert_eq!(common::metric(b, "vpn_l2l_one_way"), "1");
    assert_eq!(
        common::metric(row(&r, "asa-mc/admin"), "vpn_l2l_one_way"),
        "0"
    );
    // Devices without `asa_contexts` are one row, as ever.
    assert_eq!(row(&r, "asa-single").context, None);
    assert_eq!(row(&r, "asa-single").poll_status, PollStatus::Polled);

    // What the device was sent: read-only lines and exactly the two navigation forms, the
    // playbook once per context, and back to the system execution space before `exit`.
    let lines = command_log::transcript("asa-mc");
    for l in &lines {
        assert_eq!(
            command_log::verdict(l),
            command_log::Verdict::ReadOnly,
            "{l:?} in {lines:?}"
        );
        if l.starts_with("changeto") {
            assert!(
                l == "changeto system"
                    || [
                        "changeto context admin",
                        "changeto context ctx-a",
                        "changeto context ctx-b"
                    ]
                    .contains(&l.as_str()),
                "{l}"
            );
        }
    }
    let nav: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|l| l.starts_with("changeto") || *l == "show context" || *l == "exit")
        .collect();
    assert_eq!(
        nav,
        [
            "changeto system",
            "show context",
            "changeto context admin",
            "changeto context ctx-a",
            "changeto context ctx-b",
            "changeto system",
            "exit"
        ]
    );
    let playbook = r[1].commands.len();
    let shows = lines.iter().filter(|l| l.starts_with("show ")).count();
    assert_eq!(
        shows,
        1 + 3 * playbook,
        "show context, then the playbook in each context"
    );
    // Paging off at login, and again in each context.
    assert_eq!(lines.iter().filter(|l| *l == "terminal pager 0").count(), 4);
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_contexts_are_the_rows_and_a_missing_one_fails_alone() {
    let f = fleet(vec![spec(
        "asa-mc-list",
        Platform::CiscoAsa,
        Scenario::MultiContext,
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    command_log::watch("asa-mc-list");
    let inv = inventory_with(&f, dir.path(), Some("[ctx-b, nosuch, admin]"));
    let r = sweep(&inv).await;
    let names: Vec<&str> = r.iter().map(|d| d.device.as_str()).collect();
    assert_eq!(
        names,
        [
            "asa-mc-list/ctx-b",
            "asa-mc-list/nosuch",
            "asa-mc-list/admin"
        ],
        "the inventory's order"
    );
    assert_eq!(r[0].poll_status, PollStatus::Polled);
    assert!(codes(&r[0]).contains(&"VPN_ONE_WAY_L2L"));
    assert_eq!(r[2].poll_status, PollStatus::Polled);
    assert_eq!(r[2].health, Health::Ok);
    let missing = &r[1];
    assert_eq!(missing.poll_status, PollStatus::Failed);
    assert_eq!(missing.error_class, Some(ErrorClass::NoSuchContext));
    assert_eq!(missing.failed_stage, Some(Stage::Context));
    assert_eq!(missing.health, Health::Unknown);
    let m = missing.error_message();
    assert!(
        m.contains("context `nosuch` is not configured") && m.contains("admin, ctx-a, ctx-b"),
        "{m}"
    );
    // A name the device does not list is never typed.
    let lines = command_log::transcript("asa-mc-list");
    assert!(!lines.iter().any(|l| l.contains("nosuch")), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l == "changeto context ctx-a"),
        "not listed: {lines:?}"
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_cannot_walk_fails_every_listed_row() {
    let f = fleet(vec![
        spec("asa-mc-single", Platform::CiscoAsa, Scenario::Healthy),
        spec(
            "asa-mc-refuse",
            Platform::CiscoAsa,
            Scenario::RefuseConnection,
        ),
        spec(
            "asa-mc-gone",
            Platform::CiscoAsa,
            Scenario::RefuseConnection,
        ),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let inv = common::sim::inventory(&f, &dir.path().join("inv.yaml"), FAST);
    // A single-mode ASA and an unreachable one, both told to walk listed contexts; one more
    // unreachable with `all` (whose contexts nobody knows).
    common::edit(&inv, |t| {
        let add = |t: String, name: &str, sel: &str| {
            let at = format!("  - name: {name}\n");
            assert!(t.contains(&at), "{t}");
            t.replace(&at, &format!("{at}    asa_contexts: {sel}\n"))
        };
        let t = add(t, "asa-mc-single", "[admin, ctx-a]");
        let t = add(t, "asa-mc-refuse", "[admin, ctx-a]");
        add(t, "asa-mc-gone", "all")
    });
    let text = std::fs::read_to_string(&inv).unwrap();
    assert_eq!(text.matches("asa_contexts").count(), 3, "{text}");
    let r = sweep(&inv).await;
    let names: Vec<&str> = r.iter().map(|d| d.device.as_str()).collect();
    assert_eq!(
        names,
        [
            "asa-mc-single/admin",
            "asa-mc-single/ctx-a",
            "asa-mc-refuse/admin",
            "asa-mc-refuse/ctx-a",
            "asa-mc-gone"
        ]
    );
    for d in &r[..2] {
        assert_eq!(d.poll_status, PollStatus::Failed, "{}", d.device);
        assert_eq!(d.error_class, Some(ErrorClass::Protocol));
        assert_eq!(d.failed_stage, Some(Stage::Context));
        let m = d.error_message();
        assert!(
            m.contains("refused `changeto system`") && m.contains("multiple-context mode"),
            "{m}"
        );
    }
    for d in &r[2..] {
        assert_eq!(d.poll_status, PollStatus::Failed, "{}", d.device);
        assert_eq!(d.error_class, Some(ErrorClass::Unreachable), "{}", d.device);
        assert_eq!(d.health, Health::Unknown);
    }
    f.shutdown().await;
}

/// The binary: the CSV's rows and columns, findings.csv, the exit status counting each
/// context's row, `--limit` by device name, and a snapshot per context that `diff` reads back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_writes_a_row_per_context_and_snapshots_them() {
    let f = fleet(vec![
        spec("asa-mc-bin", Platform::CiscoAsa, Scenario::MultiContext),
        spec("rtr-bin", Platform::CiscoIos, Scenario::Healthy),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory_with(&f, dir.path(), None);
    let inv_s = inv.to_str().unwrap().to_string();
    let csv = dir.path().join("health.csv");
    let findings = dir.path().join("findings.csv");
    let jsonl = dir.path().join("health.jsonl");
    let o = bin::run_async([
        "poll",
        "-q",
        "-i",
        &inv_s,
        "-p",
        common::HEALTH_PLAYBOOK,
        "-o",
        csv.to_str().unwrap(),
        "--findings",
        findings.to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
        "--limit",
        "asa-mc-bin",
    ])
    .await;
    assert_eq!(bin::code(&o), 1, "ctx-b's warning: {}", bin::stderr(&o));
    assert_eq!(
        table::column(&csv, "device"),
        ["asa-mc-bin/admin", "asa-mc-bin/ctx-a", "asa-mc-bin/ctx-b"],
        "--limit selects the device, with all its contexts"
    );
    assert_eq!(table::column(&csv, "health"), ["ok", "ok", "warning"]);
    assert_eq!(
        table::column(&csv, "poll_status"),
        ["polled", "polled", "polled"]
    );
    let fdev = table::column(&findings, "device");
    assert!(
        !fdev.is_empty() && fdev.iter().all(|d| d == "asa-mc-bin/ctx-b"),
        "{fdev:?}"
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["context"], "ctx-b");
    assert_eq!(lines[2]["device"], "asa-mc-bin/ctx-b");

    // Snapshots: one folder per context; two of the same fleet compare clean.
    let snap = |name: &str| dir.path().join(name);
    for s in ["before", "after"] {
        let o = bin::run_async([
            "snapshot",
            "-q",
            "-i",
            &inv_s,
            "-p",
            common::SNAPSHOT_PLAYBOOK,
            "--out-dir",
            snap(s).to_str().unwrap(),
        ])
        .await;
        // 1: ctx-b's warning, as for `poll`.
        assert_eq!(bin::code(&o), 1, "{}", bin::stderr(&o));
    }
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(snap("before").join("manifest.json")).unwrap(),
    )
    .unwrap();
    let devices: Vec<(&str, &str)> = manifest["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["dir"].as_str().unwrap()))
        .collect();
    assert_eq!(devices.len(), 4, "{devices:?}");
    for (name, d) in &devices[..3] {
        assert!(name.starts_with("asa-mc-bin/"), "{name}");
        assert!(
            !d.trim_start_matches("devices/").contains('/'),
            "slugged: {d}"
        );
        assert!(snap("before").join(d).join("meta.json").is_file(), "{d}");
    }
    let o = bin::run_async([
        "diff",
        snap("before").to_str().unwrap(),
        snap("after").to_str().unwrap(),
    ])
    .await;
    assert_eq!(bin::code(&o), 0, "{}{}", bin::stdout(&o), bin::stderr(&o));
    f.shutdown().await;
}
