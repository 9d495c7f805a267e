//! Sharded sweeps through the binary, as a Kubernetes Indexed Job runs them: N processes with
//! the same arguments (`--shards N`), each told its index by JOB_COMPLETION_INDEX, writing
//! into one shared folder, then `fleetpoll merge`. The merge equals one unsharded run apart
//! from timings; a shard killed mid-run (SIGKILL, sent when the log shows its hanging device
//! waiting for a prompt: an event, not a sleep) gives its devices as `not_run` rows naming it.

mod common;

use common::sim::{fleet, spec};
use fleetpoll::sim::Scenario;
use fleetpoll::Platform;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const N: u32 = 3;
/// Prompt timeout long enough that `hang-1` only ends when its shard is killed.
const TIMEOUTS: &str =
    "{connect: 5s, auth: 10s, prompt: 10m, enable: 10s, command: 30s, device: 1h}";
/// Every run but the one with the killed shard leaves the hanging device out.
const WITHOUT_HANG: &str = "!hang-1";

async fn sim_fleet() -> fleetpoll::sim::RunningFleet {
    fleet(vec![
        spec("rtr-ok-1", Platform::CiscoIos, Scenario::Healthy),
        spec("rtr-ok-2", Platform::CiscoIos, Scenario::Healthy),
        spec("xe-ok", Platform::CiscoXe, Scenario::Healthy),
        spec("asa-psk", Platform::CiscoAsa, Scenario::IkePskMismatch),
        spec("rtr-cerm", Platform::CiscoIos, Scenario::CermTxLimit),
        spec("wae-ok", Platform::CiscoWaas, Scenario::Healthy),
        spec("rtr-refuse", Platform::CiscoIos, Scenario::RefuseConnection),
        spec("asa-mc", Platform::CiscoAsa, Scenario::MultiContext),
        spec("cert-soon", Platform::CiscoAsa, Scenario::CertExpiring),
        spec("hang-1", Platform::CiscoIos, Scenario::NoPrompt),
        spec("rtr-ok-3", Platform::CiscoIos, Scenario::Healthy),
        spec("spoke-nhrp", Platform::CiscoIos, Scenario::DmvpnSpokeNhrp),
    ])
    .await
}

/// `fleetpoll poll` as pod `index` of the Indexed Job runs it: same arguments for every pod.
fn shard_cmd(inv: &Path, out: &Path, index: u32, limit: Option<&str>) -> Command {
    let mut c = common::bin::fleetpoll();
    c.env("JOB_COMPLETION_INDEX", index.to_string())
        .args(["-vv", "--log-format", "json", "poll", "-i"])
        .arg(inv)
        .args([
            "-c",
            "4",
            "--shards",
            &N.to_string(),
            "--run-id",
            "job-1",
            "--out-dir",
        ])
        .arg(out);
    if let Some(l) = limit {
        c.args(["--limit", l]);
    }
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Run every shard of `out` at once; the shard owning `kill_when` is sent SIGKILL as soon as
/// its log shows that device waiting for its first prompt. Returns each shard's exit code
/// (None when killed).
async fn run_shards(
    inv: &Path,
    out: &Path,
    limit: Option<&str>,
    kill_when: Option<&'static str>,
) -> Vec<Option<i32>> {
    let mut handles = Vec::new();
    for k in 0..N {
        let mut child = shard_cmd(inv, out, k, limit).spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        handles.push(tokio::task::spawn_blocking(move || {
            let pid = child.id();
            let mut log = String::new();
            for line in std::io::BufReader::new(stderr).lines() {
                let line = line.unwrap_or_default();
                if let Some(dev) = kill_when {
                    if line.contains("waiting for the first prompt") && line.contains(dev) {
                        let _ = Command::new("kill")
                            .args(["-KILL", &pid.to_string()])
                            .status();
                    }
                }
                log.push_str(&line);
                log.push('\n');
            }
            let status = child.wait().unwrap();
            (status.code(), log)
        }));
    }
    let mut codes = Vec::new();
    for h in handles {
        let (code, log) = h.await.unwrap();
        if code == Some(3) {
            panic!("a shard could not run: {log}");
        }
        codes.push(code);
    }
    codes
}

fn merge(dir: &Path, inv: &Path, limit: Option<&str>, out: &Path) -> std::process::Output {
    let mut c = common::bin::fleetpoll();
    c.arg("merge").arg(dir).arg("-i").arg(inv);
    if let Some(l) = limit {
        c.args(["--limit", l]);
    }
    c.arg("-o")
        .arg(out.join("health.csv"))
        .arg("--findings")
        .arg(out.join("findings.csv"))
        .arg("--prometheus")
        .arg(out.join("fleetpoll.prom"));
    common::bin::output(&mut c)
}

/// The CSV's rows with the timing cells blanked.
fn rows_without_timings(csv: &Path) -> Vec<Vec<String>> {
    let (h, rows) = common::table::read(csv);
    let timing: Vec<usize> = ["started_at", "duration_ms"]
        .iter()
        .map(|c| common::table::position(&h, c))
        .collect();
    std::iter::once(h)
        .chain(rows)
        .enumerate()
        .map(|(i, r)| {
            r.iter()
                .enumerate()
                .map(|(j, c)| {
                    if i > 0 && timing.contains(&j) {
                        String::new()
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect()
}

/// The findings CSV with the device clock readings some evidence quotes (`10:28:17.799`)
/// blanked: the runs asked the simulated clocks at different moments.
fn findings_without_clock(p: &Path) -> String {
    let re = regex::Regex::new(r"\d\d:\d\d:\d\d\.\d+").unwrap();
    re.replace_all(&std::fs::read_to_string(p).unwrap(), "HH:MM:SS")
        .into_owned()
}

/// The Prometheus text but the run's own timing gauges.
fn prom_without_timings(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .filter(|l| {
            !l.contains("fleetpoll_run_duration_seconds")
                && !l.contains("fleetpoll_last_run_timestamp_seconds")
        })
        .map(String::from)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_merge_of_an_indexed_job_equals_one_run_and_marks_a_killed_shard() {
    let dir = tempfile::tempdir().unwrap();
    let f = sim_fleet().await;
    let inv = common::sim::inventory(&f, &dir.path().join("inv.yaml"), TIMEOUTS);
    let d = |n: &str| -> PathBuf {
        let p = dir.path().join(n);
        std::fs::create_dir_all(&p).unwrap();
        p
    };
    let (single, run_a, merged_a, run_b, merged_b) = (
        d("single"),
        d("run-a"),
        d("merged-a"),
        d("run-b"),
        d("merged-b"),
    );

    // One unsharded run: the reference.
    let mut c = common::bin::fleetpoll();
    c.args(["-q", "poll", "-i"])
        .arg(&inv)
        .args(["-c", "4", "--limit", WITHOUT_HANG, "-o"])
        .arg(single.join("health.csv"))
        .arg("--findings")
        .arg(single.join("findings.csv"))
        .arg("--prometheus")
        .arg(single.join("fleetpoll.prom"));
    let reference = common::bin::output_async(c).await;
    let reference_code = common::bin::code(&reference);
    assert_eq!(reference_code, 2, "{}", common::bin::stderr(&reference));

    // The same selection in N shards, all finishing.
    let codes = run_shards(&inv, &run_a, Some(WITHOUT_HANG), None).await;
    assert!(codes.iter().all(|c| c.is_some()), "{codes:?}");
    for k in 0..N {
        let m = fleetpoll::shard::manifest::read(&run_a.join(format!("shard-{k}-of-{N}"))).unwrap();
        assert_eq!(m.shard.index, k);
        assert_eq!(m.run_id.as_deref(), Some("job-1"));
        assert_eq!(Some(m.exit_status), codes[k as usize]);
    }
    let o = merge(&run_a, &inv, Some(WITHOUT_HANG), &merged_a);
    assert_eq!(
        common::bin::code(&o),
        reference_code,
        "{}",
        common::bin::stderr(&o)
    );
    assert_eq!(
        rows_without_timings(&merged_a.join("health.csv")),
        rows_without_timings(&single.join("health.csv"))
    );
    assert_eq!(
        findings_without_clock(&merged_a.join("findings.csv")),
        findings_without_clock(&single.join("findings.csv"))
    );
    assert_eq!(
        prom_without_timings(&merged_a.join("fleetpoll.prom")),
        prom_without_timings(&single.join("fleetpoll.prom"))
    );
    // Merged with another selection than the shards polled: refused, not silently wrong.
    let o = merge(&run_a, &inv, None, &merged_b);
    assert_eq!(common::bin::code(&o), 3, "{}", common::bin::stderr(&o));
    assert!(
        common::bin::stderr(&o).contains("another device selection"),
        "{}",
        common::bin::stderr(&o)
    );
    assert!(!merged_b.join("health.csv").exists(), "nothing written");
    // Only the shards of the run asked for count: another run id makes every device not_run.
    let mut c = common::bin::fleetpoll();
    c.arg("merge").arg(&run_a).arg("-i").arg(&inv).args([
        "--limit",
        WITHOUT_HANG,
        "--run-id",
        "job-0",
        "-o",
    ]);
    c.arg(merged_b.join("other-run.csv"));
    let o = common::bin::output(&mut c);
    assert_eq!(common::bin::code(&o), 2, "{}", common::bin::stderr(&o));
    let statuses = common::table::column(&merged_b.join("other-run.csv"), "poll_status");
    assert_eq!(
        statuses.len(),
        11,
        "one row per device (no contexts known): {statuses:?}"
    );
    assert!(statuses.iter().all(|s| s == "not_run"), "{statuses:?}");
    assert!(
        common::bin::stderr(&o).contains("stale"),
        "{}",
        common::bin::stderr(&o)
    );
    std::fs::remove_file(merged_b.join("other-run.csv")).unwrap();
    // Rows per context came through the merge (the manifest's row counts).
    let (_, single_rows) = common::table::read(&single.join("health.csv"));
    let asa_mc_rows = single_rows
        .iter()
        .filter(|r| r[0].starts_with("asa-mc/"))
        .count();
    assert!(
        asa_mc_rows > 1,
        "the multiple-context ASA gives a row per context"
    );

    // The whole inventory, hang-1 included; the shard owning it is killed mid-run. A stale
    // folder of that shard from another run must not be read: the shard clears its manifest.
    let victim = fleetpoll::shard::owner("name=hang-1", N);
    let folder = format!("shard-{victim}-of-{N}");
    std::fs::create_dir_all(run_b.join(&folder)).unwrap();
    for file in [
        "health.csv",
        "findings.csv",
        "fleetpoll.prom",
        "manifest.json",
    ] {
        std::fs::copy(
            run_a.join(&folder).join(file),
            run_b.join(&folder).join(file),
        )
        .unwrap();
    }
    let codes = run_shards(&inv, &run_b, None, Some("hang-1")).await;
    assert_eq!(
        codes[victim as usize], None,
        "the victim was killed: {codes:?}"
    );
    assert!(!run_b.join(&folder).join("manifest.json").exists());
    let o = merge(&run_b, &inv, None, &merged_b);
    let err = common::bin::stderr(&o);
    assert_eq!(common::bin::code(&o), 2, "{err}");
    assert!(
        err.contains(&format!("shard {victim}/{N} did not report")),
        "{err}"
    );

    let (h, rows) = common::table::read(&merged_b.join("health.csv"));
    let at = |c: &str| common::table::position(&h, c);
    let inv_order: Vec<String> = fleetpoll::inventory::load(&inv)
        .unwrap()
        .hosts
        .iter()
        .map(|h| h.name.clone())
        .collect();
    // Rows in inventory order (context rows under their ASA), every device present.
    let devices: Vec<&str> =
        rows.iter()
            .map(|r| r[0].split('/').next().unwrap())
            .fold(Vec::new(), |mut v, n| {
                if v.last() != Some(&n) {
                    v.push(n);
                }
                v
            });
    assert_eq!(devices, inv_order);
    let reference: std::collections::HashMap<String, Vec<String>> =
        rows_without_timings(&single.join("health.csv"))
            .into_iter()
            .skip(1)
            .map(|r| (r[0].clone(), r))
            .collect();
    let merged_rows = rows_without_timings(&merged_b.join("health.csv"));
    for (r, raw) in merged_rows.iter().skip(1).zip(&rows) {
        let device = r[0].split('/').next().unwrap();
        if fleetpoll::shard::owner(&format!("name={device}"), N) == victim {
            assert_eq!(&raw[at("poll_status")], "not_run", "{raw:?}");
            assert_eq!(&raw[at("health")], "unknown");
            assert!(
                raw[at("error_message")].contains(&format!("shard {victim} of {N}")),
                "{raw:?}"
            );
        } else {
            // Adding hang-1 to the selection moved no other device: the rows of the shards
            // that finished are the unsharded run's.
            assert_eq!(Some(r), reference.get(&r[0]), "{}", r[0]);
        }
    }
    assert!(rows.iter().any(|r| &r[at("poll_status")] == "not_run"));
    drop(f);
}

/// A shard sees only its part of the fleet: recording it in a history would resolve the
/// other shards' findings, so `--history` with a shard is refused before anything connects.
#[test]
fn a_shard_refuses_a_history() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.yaml");
    std::fs::write(
        &inv,
        "defaults:\n  username: u\n  password: p\ndevices:\n  - {name: r1, host: 192.0.2.1, platform: cisco_ios}\n",
    )
    .unwrap();
    let db = dir.path().join("history.sqlite");
    let out = common::bin::output(
        shard_cmd(&inv, &dir.path().join("out"), 0, None)
            .arg("--history")
            .arg(&db)
            .stderr(Stdio::piped()),
    );
    assert_eq!(common::bin::code(&out), 3);
    assert!(
        common::bin::stderr(&out).contains("--history cannot be used with --shard"),
        "{}",
        common::bin::stderr(&out)
    );
    assert!(!db.exists());
}
