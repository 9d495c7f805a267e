//! The three nights of the run-history tests (`tests/history.rs`, `tests/shards_history.rs`):
//! a fleet whose devices fail, recover, grow counters and reload from one night to the next,
//! a poll of it at a night's clock, and the findings and health rows that night wrote.

use super::bin::{code, stderr};
use super::table;
use fleetpoll::sim::scenario::Drift;
use fleetpoll::sim::{DeviceSpec, RunningFleet, Scenario};
use fleetpoll::Platform;
use std::path::{Path, PathBuf};

pub const DAY: u64 = 86_400;

/// The health playbook without `IPSEC_ERRORS` (the seeded totals of the simulator's SAs), so
/// that the rows are the ones each night is about.
pub fn playbook(dir: &Path) -> PathBuf {
    let p = dir.join("health.yaml");
    let text = format!("{}\nhealth:\n  disable: [IPSEC_ERRORS]\n", super::HEALTH);
    std::fs::write(&p, text).unwrap();
    p
}

pub fn night(n: u32) -> String {
    format!("2025-03-{:02}T02:00:00.000Z", n)
}

pub fn spec(
    name: &str,
    platform: Platform,
    scenario: Scenario,
    uptime: u64,
    growth: u64,
) -> DeviceSpec {
    let mut s = super::sim::spec(name, platform, scenario);
    s.drift = Drift {
        uptime_s: Some(uptime),
        counter_growth: growth,
    };
    s
}

/// The fleet of night `n` (1 to 3):
/// - rtr-vpn: a crypto session peer fails on night 2 and recovers on night 3;
/// - rtr-err: its first SA's #send / #recv errors grow by 500 between nights 1 and 2; it
///   reloads before night 3, whose counters (800, more than night 2's) count since then;
/// - asa-fo: its failover mate failed, every night;
/// - wae-1: near its MAPI connection maximum, unreachable on night 2.
pub async fn fleet(n: u32) -> RunningFleet {
    let d = u64::from(n) * DAY;
    let vpn = if n == 2 {
        Scenario::CryptoSessionDown
    } else {
        Scenario::Healthy
    };
    let (err_up, err_growth) = match n {
        1 => (40 * DAY, 0),
        2 => (41 * DAY, 500),
        _ => (600, 800),
    };
    let wae = if n == 2 {
        Scenario::RefuseConnection
    } else {
        Scenario::MapiOverload
    };
    super::sim::fleet(vec![
        spec("rtr-vpn", Platform::CiscoIos, vpn, 30 * DAY + d, 0),
        spec(
            "rtr-err",
            Platform::CiscoIos,
            Scenario::Healthy,
            err_up,
            err_growth,
        ),
        spec(
            "asa-fo",
            Platform::CiscoAsa,
            Scenario::FailoverStandbyFailed,
            90 * DAY + d,
            0,
        ),
        spec("wae-1", Platform::CiscoWaas, wae, 10 * DAY + d, 0),
    ])
    .await
}

pub struct Night {
    pub code: i32,
    pub stderr: String,
    /// (device, code, subject, status, first_seen, runs_open) of findings.csv.
    pub rows: Vec<(String, String, String, String, String, String)>,
    /// (device, health, new_findings, resolved_findings) of health.csv.
    pub health: Vec<(String, String, String, String)>,
}

/// Poll `f` at `at` with the history `db` in `dir`; `env` adds variables.
pub fn poll_cmd(f: &RunningFleet, dir: &Path, db: &Path, at: &str) -> std::process::Command {
    let inv = super::sim::default_inventory(f, &dir.join("inv.yaml"));
    let mut c = super::bin::fleetpoll();
    c.env(fleetpoll::history::NOW_ENV, at).args([
        "poll".as_ref(),
        "-i".as_ref(),
        inv.as_os_str(),
        "-p".as_ref(),
        playbook(dir).as_os_str(),
        "-o".as_ref(),
        dir.join("health.csv").as_os_str(),
        "-f".as_ref(),
        dir.join("findings.csv").as_os_str(),
        "--history".as_ref(),
        db.as_os_str(),
    ]);
    c
}

pub async fn poll(f: &RunningFleet, dir: &Path, db: &Path, at: &str) -> Night {
    let out = super::bin::output_async(poll_cmd(f, dir, db, at)).await;
    read_night(dir, &out)
}

pub fn read_night(dir: &Path, out: &std::process::Output) -> Night {
    let (h, rows) = table::read(&dir.join("findings.csv"));
    let col = |r: &csv::StringRecord, n: &str| r[table::position(&h, n)].to_string();
    let rows = rows
        .iter()
        .map(|r| {
            (
                col(r, "device"),
                col(r, "code"),
                col(r, "subject"),
                col(r, "status"),
                col(r, "first_seen"),
                col(r, "runs_open"),
            )
        })
        .collect();
    let (h, hrows) = table::read(&dir.join("health.csv"));
    let col = |r: &csv::StringRecord, n: &str| r[table::position(&h, n)].to_string();
    let health = hrows
        .iter()
        .map(|r| {
            (
                col(r, "device"),
                col(r, "health"),
                col(r, "new_findings"),
                col(r, "resolved_findings"),
            )
        })
        .collect();
    Night {
        code: code(out),
        stderr: stderr(out),
        rows,
        health,
    }
}
