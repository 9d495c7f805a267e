//! A default that works anywhere: without `-p`, from a folder with no `playbooks/`, `check`,
//! `poll` and `snapshot` use the playbooks built into the binary and say so; a local copy
//! still wins; `fleetpoll playbook show NAME` prints a built-in exactly.

mod common;

use common::bin::{code, run_in, stderr, stdout};
use fleetpoll::sim::Scenario;
use fleetpoll::Platform;

const HEALTH: &str = common::HEALTH;
const SNAPSHOT: &str = include_str!("../playbooks/snapshot.yaml");
const HEALTH_NOTE: &str =
    "using the built-in health playbook; `fleetpoll playbook show health` prints it\n";
const SNAPSHOT_NOTE: &str =
    "using the built-in snapshot playbook; `fleetpoll playbook show snapshot` prints it\n";

const INV: &str = "defaults: {username: u, password: {env: HOME}, platform: cisco_ios}\ndevices:\n  - {name: r1, host: 192.0.2.1}\n";

#[test]
fn check_without_a_playbooks_folder_uses_the_built_in_health_playbook_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "inv.yaml", INV);
    let o = run_in(dir.path(), &["check", "-i", "inv.yaml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), HEALTH_NOTE);
    let sha = fleetpoll::util::sha256_hex(HEALTH.as_bytes());
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        format!(
            "inventory inv.yaml: 1 devices; playbook <built-in health> (health), sha256 {}",
            &sha[..12]
        )
    );
    assert!(
        stdout(&o).contains("show crypto isakmp sa"),
        "{}",
        stdout(&o)
    );

    let o = run_in(dir.path(), &["-q", "check", "-i", "inv.yaml"]);
    assert_eq!(
        (code(&o), stderr(&o)),
        (0, String::new()),
        "-q hides the note"
    );
}

#[test]
fn an_explicit_missing_playbook_is_still_an_error() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "inv.yaml", INV);
    let o = run_in(
        dir.path(),
        &["check", "-i", "inv.yaml", "-p", "missing.yaml"],
    );
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).starts_with("error: missing.yaml: cannot read playbook: "),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("built-in"), "{}", stderr(&o));
}

#[test]
fn a_playbooks_folder_in_the_current_folder_wins_over_the_built_in() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "inv.yaml", INV);
    std::fs::create_dir(dir.path().join("playbooks")).unwrap();
    std::fs::write(
        dir.path().join("playbooks/health.yaml"),
        "name: local\nplatforms:\n  cisco_ios:\n    commands:\n      - command: show version\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["check", "-i", "inv.yaml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert!(
        stdout(&o)
            .starts_with("inventory inv.yaml: 1 devices; playbook playbooks/health.yaml (local), "),
        "{}",
        stdout(&o)
    );
    // A broken local copy is reported, not silently replaced by the built-in.
    std::fs::write(dir.path().join("playbooks/health.yaml"), "name: [\n").unwrap();
    let o = run_in(dir.path(), &["check", "-i", "inv.yaml"]);
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).starts_with("error: playbooks/health.yaml:"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn playbook_show_prints_each_built_in_exactly_and_list_names_them() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("health", HEALTH), ("snapshot", SNAPSHOT)] {
        let o = run_in(dir.path(), &["playbook", "show", name]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(o.stdout, text.as_bytes(), "{name}");
        assert_eq!(stderr(&o), "");
    }
    let o = run_in(dir.path(), &["playbook", "show", "nightly"]);
    assert_eq!(code(&o), 3);
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "error: no built-in playbook `nightly` (built-in: health, snapshot)\n"
    );
    let o = run_in(dir.path(), &["playbook", "list"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "health     nightly health audit; the default of poll and check\n\
         snapshot   every command fleetpoll can parse, for before/after diffs; the default of snapshot\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poll_and_snapshot_from_an_empty_folder_use_the_built_in_playbooks() {
    let fleet = common::sim::fleet_of(&[
        ("wae-1", Platform::CiscoWaas, Scenario::Healthy),
        ("rtr-1", Platform::CiscoIos, Scenario::Healthy),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    common::sim::default_inventory(&fleet, &dir.path().join("sim.yaml"));
    let cwd = dir.path().to_path_buf();
    let o = tokio::task::spawn_blocking(move || {
        let poll = run_in(&cwd, &["poll", "-i", "sim.yaml", "-o", "health.csv"]);
        let snap = run_in(&cwd, &["snapshot", "-i", "sim.yaml", "--out-dir", "snap"]);
        (poll, snap)
    })
    .await
    .unwrap();
    fleet.shutdown().await;
    let (poll, snap) = o;

    assert_eq!(code(&poll), 0, "{}", stderr(&poll));
    assert!(stderr(&poll).starts_with(HEALTH_NOTE), "{}", stderr(&poll));
    let mut rd = csv::Reader::from_path(dir.path().join("health.csv")).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let pb = fleetpoll::playbook::builtin::HEALTH.parse().unwrap();
    let want: Vec<&str> = fleetpoll::report::FIXED_COLUMNS
        .iter()
        .copied()
        .chain(pb.columns())
        .collect();
    assert_eq!(header, want, "the built-in health playbook's columns");
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let status = header.iter().position(|h| h == "poll_status").unwrap();
    let mapi = header.iter().position(|h| h == "mapi_oper_state").unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| (&r[0], &r[status], &r[mapi]))
            .collect::<Vec<_>>(),
        [("wae-1", "polled", "Running"), ("rtr-1", "polled", "")]
    );

    assert_eq!(code(&snap), 0, "{}", stderr(&snap));
    assert!(
        stderr(&snap).starts_with(SNAPSHOT_NOTE),
        "{}",
        stderr(&snap)
    );
    assert_eq!(stdout(&snap), "snap\n");
    let m: fleetpoll::snapshot::Manifest =
        serde_json::from_slice(&std::fs::read(dir.path().join("snap/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        (m.playbook.name.as_str(), m.playbook.path.as_str()),
        ("snapshot", "<built-in snapshot>")
    );
    assert_eq!(
        m.playbook.sha256,
        fleetpoll::util::sha256_hex(SNAPSHOT.as_bytes()),
        "the same playbook as the file, so diff accepts a snapshot of either"
    );
}
