//! The binary itself: exit statuses, bad input refused before anything is written, and a
//! real sweep of a simulated fleet through `fleetpoll poll`.

mod common;

use common::bin::{code, run};
use fleetpoll::sim::Scenario;
use fleetpoll::Platform;

const PLAYBOOK: &str = common::HEALTH_PLAYBOOK;

#[test]
fn help_teaches_and_usage_errors_exit_3() {
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0);
    let help = String::from_utf8_lossy(&o.stdout);
    for s in [
        "poll",
        "demo",
        "simulate",
        "check",
        "parse",
        "Examples:",
        "Exit status",
    ] {
        assert!(help.contains(s), "--help lacks {s}");
    }
    assert_eq!(code(&run(&["poll", "--bogus"])), 3);
    assert_eq!(code(&run(&["nosuchcommand"])), 3);
    assert_eq!(code(&run(&["poll"])), 3, "missing --inventory");
}

fn bad_inventory_case(inv: &str, expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let inv_path = dir.path().join("inv.yaml");
    std::fs::write(&inv_path, inv).unwrap();
    let out = dir.path().join("health.csv");
    let o = run(&[
        "poll",
        "-i",
        inv_path.to_str().unwrap(),
        "-p",
        PLAYBOOK,
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 3, "{err}");
    assert!(err.contains(expect), "stderr {err:?} lacks {expect:?}");
    assert!(err.contains("inv.yaml:"), "names the file: {err}");
    assert!(!out.exists(), "no output may be created");
}

#[test]
fn bad_inventories_exit_3_with_location_and_write_nothing() {
    bad_inventory_case("devices: [\n", "inv.yaml");
    bad_inventory_case(
        "devices:\n  - name: a\n    host: h\n    platfrom: x\n",
        "unknown field `platfrom`",
    );
    bad_inventory_case("defaults: {username: u, password: p}\ndevices:\n  - name: a\n    host: h\n    platform: cisco_nxos\n", "inv.yaml:5:15");
    bad_inventory_case("defaults: {username: u, password: p, platform: cisco_ios}\ndevices:\n  - {name: a, host: h}\n  - {name: a, host: h}\n", "duplicate device name");
    bad_inventory_case("defaults: {username: u, password: p, platform: cisco_ios}\ndevices:\n  - name: a\n    host: h\n    groups: [nope]\n", "group `nope`");
    bad_inventory_case("defaults: {username: u, password: {env: FLEETPOLL_TEST_UNSET_VAR}, platform: cisco_ios}\ndevices:\n  - {name: a, host: h}\n", "FLEETPOLL_TEST_UNSET_VAR is not set");
    bad_inventory_case("defaults: {username: u, key_file: /nonexistent/key, platform: cisco_ios}\ndevices:\n  - {name: a, host: h}\n", "/nonexistent/key");
}

#[test]
fn non_read_only_playbook_and_unwritable_output_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.yaml");
    std::fs::write(&inv, "defaults: {username: u, password: p, platform: cisco_ios}\ndevices:\n  - {name: a, host: 127.0.0.1}\n").unwrap();
    let pb = dir.path().join("pb.yaml");
    std::fs::write(&pb, "name: x\nplatforms:\n  cisco_ios:\n    commands:\n      - command: show version\n      - command: clear crypto sa\n").unwrap();
    let out = dir.path().join("h.csv");
    std::fs::write(&out, "previous run\n").unwrap();
    let o = run(&[
        "poll",
        "-i",
        inv.to_str().unwrap(),
        "-p",
        pb.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 3);
    assert!(
        err.contains("pb.yaml:6:") && err.contains("not a read-only command"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous run\n",
        "not truncated"
    );

    let o = run(&[
        "poll",
        "-i",
        inv.to_str().unwrap(),
        "-p",
        PLAYBOOK,
        "-o",
        "/nonexistent-dir/h.csv",
    ]);
    assert_eq!(code(&o), 3);
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent-dir/h.csv"));
}

#[test]
fn check_prints_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.yaml");
    std::fs::write(&inv, "defaults: {username: u, password: {env: HOME}}\njump_hosts:\n  bastion1: {host: 192.0.2.1, ssh: {host_key_policy: strict}}\ndevices:\n  - {name: fw1, host: 10.1.1.1, platform: cisco_asa, ssh: {algorithms: legacy, jump: [bastion1]}}\n  - {name: wae1, host: 10.1.1.2, platform: cisco_waas, transport: openssh}\n").unwrap();
    let o = run(&["check", "-i", inv.to_str().unwrap(), "-p", PLAYBOOK]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("fw1") && s.contains("cisco_asa") && s.contains("show crypto isakmp sa"),
        "{s}"
    );
    assert!(
        s.contains("csv columns: device,host,port,platform,poll_status"),
        "{s}"
    );
    let fw = s.lines().find(|l| l.contains("fw1")).unwrap();
    assert!(
        fw.contains("transport=native")
            && fw.contains("algorithms=legacy")
            && fw.contains("host_key=accept-new")
            && fw.contains("jump=bastion1(192.0.2.1:22)"),
        "{fw}"
    );
    let wae = s.lines().find(|l| l.contains("wae1 ")).unwrap();
    assert!(
        wae.contains("transport=openssh")
            && wae.contains("algorithms=modern")
            && wae.contains("jump=direct"),
        "{wae}"
    );
}

#[test]
fn limit_takes_ansible_operators_and_refuses_unknown_groups() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.yaml");
    std::fs::write(&inv, "defaults: {username: u, password: {env: HOME}}\ngroups: {lab: {}, core: {}}\ndevices:\n  - {name: xe-1, host: 10.0.0.1, site: dc1, platform: cisco_xe}\n  - {name: xe-lab, host: 10.0.0.2, site: dc1, platform: cisco_xe, groups: [lab]}\n  - {name: asa-1, host: 10.0.0.3, site: dc1, platform: cisco_asa}\n  - {name: xe-2, host: 10.0.0.4, site: dc2, platform: cisco_xe}\n").unwrap();
    let inv_s = inv.to_str().unwrap();
    let o = run(&[
        "check",
        "-i",
        inv_s,
        "-p",
        PLAYBOOK,
        "--limit",
        "site:dc1,&platform:cisco_xe,!group:lab",
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    let devices: Vec<&str> = s
        .lines()
        .skip_while(|l| *l != "devices:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(devices, ["xe-1"], "{s}");

    let out = dir.path().join("health.csv");
    let o = run(&[
        "poll",
        "-i",
        inv_s,
        "-p",
        PLAYBOOK,
        "-o",
        out.to_str().unwrap(),
        "--limit",
        "xe-*,!group:dc9",
    ]);
    assert_eq!(code(&o), 3);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!("error: --limit `!group:dc9`: no group `dc9` in {inv_s} (groups: core, lab)\n")
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn parse_prints_json_and_rejects_unknown_commands() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cerm.txt");
    std::fs::write(&f, "Crypto Export Restrictions Manager(CERM) Information:\nCERM functionality: ENABLED\n----------------------------------------------------------------\nResource                  Maximum Limit        Available\n----------------------------------------------------------------\nTx Bandwidth(in kbps)     85000                1200\nRx Bandwidth(in kbps)     85000                85000\nNumber of tunnels         225                  220\nNumber of TLS sessions    1000                 1000\n").unwrap();
    let o = run(&[
        "parse",
        "--platform",
        "cisco_ios",
        "--command",
        "show platform cerm-information",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = v.to_string();
    assert!(
        s.contains("1200") && s.contains("85000") && s.contains("220"),
        "{s}"
    );
    let o = run(&[
        "parse",
        "--platform",
        "cisco_ios",
        "--command",
        "show nonsense",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 3);
}

/// A saved terminal capture that stops at the pager is parsed for what it holds, and the
/// record says it is partial (exit 1, a warning on stderr).
#[test]
fn parse_marks_a_capture_cut_at_the_pager() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("isakmp.txt");
    std::fs::write(
        &f,
        "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\
         192.0.2.2       192.0.2.1       QM_IDLE           1001 ACTIVE\n --More-- \n",
    )
    .unwrap();
    let o = run(&[
        "parse",
        "--platform",
        "cisco_ios",
        "--command",
        "show crypto isakmp sa",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["truncated"], true, "{v}");
    assert_eq!(v["truncated_by"], "pager", "{v}");
    assert!(v.to_string().contains("192.0.2.2"), "{v}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("pager"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poll_binary_writes_csv_and_exits_2_when_a_device_is_not_polled() {
    let fleet = common::sim::fleet_of(&[
        ("wae-1", Platform::CiscoWaas, Scenario::Healthy),
        ("gone-1", Platform::CiscoIos, Scenario::RefuseConnection),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let inv = common::sim::default_inventory(&fleet, &dir.path().join("sim.yaml"));
    let csv = dir.path().join("out.csv");
    let jsonl = dir.path().join("out.jsonl");
    let args: Vec<String> = vec![
        "-q".into(),
        "poll".into(),
        "-i".into(),
        inv.display().to_string(),
        "-p".into(),
        PLAYBOOK.into(),
        "-o".into(),
        csv.display().to_string(),
        "--jsonl".into(),
        jsonl.display().to_string(),
        "--include-raw".into(),
    ];
    let o = common::bin::run_async(args).await;
    assert_eq!(code(&o), 2, "{}", String::from_utf8_lossy(&o.stderr));
    let mut rd = csv::Reader::from_path(&csv).unwrap();
    let headers = rd.headers().unwrap().clone();
    let fixed = fleetpoll::report::FIXED_COLUMNS;
    assert_eq!(
        &headers.iter().take(fixed.len()).collect::<Vec<_>>(),
        &fixed
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    let col = |r: &csv::StringRecord, name: &str| {
        r.get(headers.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_string()
    };
    assert_eq!(col(&rows[0], "device"), "wae-1");
    assert_eq!(col(&rows[0], "poll_status"), "polled");
    assert_eq!(col(&rows[0], "mapi_oper_state"), "Running");
    assert_eq!(col(&rows[1], "poll_status"), "failed");
    assert_eq!(col(&rows[1], "failed_stage"), "connect");
    assert_eq!(col(&rows[1], "error"), "unreachable");
    assert_eq!(col(&rows[0], "error_message"), "");
    let j = std::fs::read_to_string(&jsonl).unwrap();
    assert_eq!(j.lines().count(), 2);
    // The CSV's reason is the JSONL's error, and it says where the connection went.
    let gone: serde_json::Value = serde_json::from_str(j.lines().nth(1).unwrap()).unwrap();
    let reason = col(&rows[1], "error_message");
    assert_eq!(Some(reason.as_str()), gone["error"].as_str());
    let addr = fleet.device("gone-1").unwrap().addr;
    assert!(
        reason.starts_with(&format!("cannot connect: 127.0.0.1:{}: ", addr.port())),
        "{reason}"
    );
    assert!(
        j.contains("\"raw\""),
        "--include-raw puts raw output in the JSONL"
    );
    for text in [
        std::fs::read_to_string(&csv).unwrap(),
        j,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    ] {
        assert!(
            !text.contains(fleetpoll::sim::SIM_PASSWORD)
                && !text.contains(fleetpoll::sim::SIM_ENABLE_SECRET)
        );
    }
    fleet.shutdown().await;
}
