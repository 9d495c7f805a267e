//! Size and query time of a year of run history: DEVICES simulated devices (default 1000)
//! polled every night for NIGHTS nights (default 365), each night written through the real
//! store (`Recorder::open` → `judge` → `commit`, one transaction), then the file size and
//! `history findings --open` timed (the library query and the binary). Targets: under 300 MB
//! and under 1 s.
//!
//! The fleet: platforms in turn (IOS, IOS-XE, ASA, WAAS), each device's outputs rendered by
//! the simulator and parsed and judged like a poll (about 34 metric columns on IOS / ASA, 19 on
//! WAAS). A fault scenario starts on 20 % of them; each night a healthy device turns faulty
//! with 0.5 % chance and a faulty one heals with 2 % (so about 20 % stay faulty), 1 % cannot
//! be reached, 5 % of the VPN devices count new IPsec errors, 0.3 % reload (uptime and counters
//! start over). Uptime and NTP offset change every night, and so (pessimistically) does the
//! evidence text of every finding, as a counter quoted in it would.
//!
//! `cargo bench --bench history [-- DEVICES NIGHTS]`

use fleetpoll::history::{query, History, Recorder, RunMeta};
use fleetpoll::outcome::{DeviceReport, PollStatus};
use fleetpoll::playbook::Playbook;
use fleetpoll::session::driver::{CommandOk, CommandRun};
use fleetpoll::sim::scenario::{Drift, RenderCtx};
use fleetpoll::sim::Scenario;
use fleetpoll::Platform;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;

const FAULTS: &[Scenario] = &[
    Scenario::IkePskMismatch,
    Scenario::IkeAggressiveStuck,
    Scenario::IkeXauthOnL2l,
    Scenario::IpsecOneWay,
    Scenario::CermTxLimit,
    Scenario::CermTunnelLimit,
    Scenario::MapiLicenseShutdown,
    Scenario::MapiEncryptedHandoff,
    Scenario::MapiOverload,
    Scenario::EmapiVerifyFailed,
    Scenario::CmsStoreClosed,
    Scenario::NtpUnsynced,
    Scenario::AspExpiredVpnContext,
    Scenario::CryptoSessionDown,
    Scenario::DmvpnSpokeNhrp,
    Scenario::CertExpiring,
    Scenario::CertExpired,
    Scenario::FailoverStandbyFailed,
    Scenario::L2lOneWay,
];

struct Dev {
    name: String,
    platform: Platform,
    scenario: Scenario,
    seed: u64,
    uptime: u64,
    growth: u64,
    /// Its report as last rendered (re-rendered when the scenario changes).
    report: DeviceReport,
}

/// Render, parse and judge one device as a poll would.
fn assess(d: &Dev, pb: &Playbook) -> DeviceReport {
    let ctx = RenderCtx {
        platform: d.platform,
        scenario: d.scenario,
        hostname: &d.name,
        seed: d.seed,
        drift: Drift {
            uptime_s: Some(d.uptime),
            counter_growth: d.growth,
        },
    };
    let planned = pb.commands_for(d.platform);
    let runs = planned
        .iter()
        .map(|c| CommandRun {
            command: c.command.clone(),
            result: Ok(CommandOk {
                text: fleetpoll::sim::render::render(
                    &ctx,
                    &fleetpoll::parse::normalize_command(&c.command),
                )
                .unwrap_or_default(),
                truncated: false,
            }),
            duration: Duration::from_millis(40),
            partial: None,
        })
        .collect();
    let mut r = DeviceReport::blank(&d.name, "192.0.2.1", 22, d.platform);
    r.poll_status = PollStatus::Polled;
    r.attempts = 1;
    r.duration_ms = 2_000;
    r.site = Some(format!("site-{}", d.seed % 40));
    r.ssh_algorithms = Some(
        "kex=diffie-hellman-group14-sha256 hostkey=ssh-rsa cipher=aes256-ctr mac=hmac-sha2-256"
            .into(),
    );
    fleetpoll::assess::device(&mut r, runs, planned, &pb.health);
    for c in &mut r.commands {
        c.record = None;
    }
    r
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let devices = args.first().copied().unwrap_or(1000) as usize;
    let nights = args.get(1).copied().unwrap_or(365) as i64;
    let pb = fleetpoll::playbook::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/playbooks/health.yaml"
    )))
    .expect("playbooks/health.yaml");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.sqlite");
    let mut rng = rand::rngs::StdRng::seed_from_u64(14);
    let platforms = [
        Platform::CiscoIos,
        Platform::CiscoXe,
        Platform::CiscoAsa,
        Platform::CiscoWaas,
    ];
    let fault_for = |p: Platform, rng: &mut rand::rngs::StdRng| loop {
        let s = FAULTS[rng.gen_range(0..FAULTS.len())];
        if fleetpoll::sim::applies_to(s, p) {
            return s;
        }
    };
    let t0 = Instant::now();
    let mut fleet: Vec<Dev> = (0..devices)
        .map(|i| {
            let platform = platforms[i % platforms.len()];
            let name = format!("{}-{i:05}", platform.id());
            let scenario = if rng.gen_bool(0.2) {
                fault_for(platform, &mut rng)
            } else {
                Scenario::Healthy
            };
            let mut d = Dev {
                seed: fleetpoll::sim::spec::seed_for(&name),
                name,
                platform,
                scenario,
                uptime: rng.gen_range(DAY as u64..400 * DAY as u64),
                growth: 0,
                report: DeviceReport::blank("", "", 0, platform),
            };
            d.report = assess(&d, &pb);
            d
        })
        .collect();
    println!(
        "{devices} devices rendered, parsed and judged in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let start = chrono::DateTime::parse_from_rfc3339("2025-01-01T02:00:00Z")
        .expect("date")
        .with_timezone(&chrono::Utc);
    let meta = |night: i64| RunMeta {
        started_at: start + chrono::Duration::seconds(night * DAY),
        inventory_path: "/etc/fleetpoll/fleet.yaml".into(),
        inventory_sha256: "0".repeat(64),
        playbook_name: "health".into(),
        playbook_sha256: pb.sha256.clone(),
        limit: None,
        shard: None,
    };
    let mut write_time = Duration::ZERO;
    let t_all = Instant::now();
    for night in 0..nights {
        let mut reports = Vec::with_capacity(devices);
        for d in &mut fleet {
            let vpn = d.platform != Platform::CiscoWaas;
            let mut rerender = false;
            if d.scenario == Scenario::Healthy && rng.gen_bool(0.005) {
                d.scenario = fault_for(d.platform, &mut rng);
                rerender = true;
            } else if d.scenario != Scenario::Healthy && rng.gen_bool(0.02) {
                d.scenario = Scenario::Healthy;
                rerender = true;
            }
            if rng.gen_bool(0.003) {
                d.uptime = rng.gen_range(300..3_600);
                d.growth = 0;
                rerender = true;
            } else {
                d.uptime += DAY as u64;
            }
            if vpn && rng.gen_bool(0.05) {
                d.growth += rng.gen_range(1..200);
                rerender = true;
            }
            if rerender {
                d.report = assess(d, &pb);
            }
            let mut r = d.report.clone();
            if rng.gen_bool(0.01) {
                let mut down = DeviceReport::blank(&r.device, &r.host, r.port, r.platform);
                down.error_class = Some(fleetpoll::session::error::ErrorClass::Unreachable);
                down.error = Some("cannot connect: connection refused".into());
                reports.push(down);
                continue;
            }
            r.metrics.insert("uptime_s", d.uptime.to_string());
            r.uptime_s = Some(d.uptime);
            r.metrics
                .insert("ntp_offset_ms", format!("{:.3}", rng.gen_range(-9.0..9.0)));
            for f in &mut r.findings {
                f.evidence.push_str(&format!(" (night {night})"));
            }
            reports.push(r);
        }
        let t = Instant::now();
        let rec = Recorder::open(&db, Duration::from_secs(10), meta(night)).expect("open");
        let judged = rec.judge(&mut reports, &pb.health).expect("judge");
        judged
            .commit(&reports, fleetpoll::cli::exit::CRITICAL, t.elapsed())
            .expect("commit");
        write_time += t.elapsed();
        if (night + 1) % 73 == 0 {
            println!(
                "  night {:>3}: {:>6.1} MB so far",
                night + 1,
                size(&db) as f64 / 1e6
            );
        }
    }
    let bytes = size(&db);
    println!(
        "{nights} nights written in {:.1} s ({:.0} ms per night: judge + write + commit)",
        t_all.elapsed().as_secs_f64(),
        write_time.as_secs_f64() * 1000.0 / nights as f64
    );
    let h = History::open_existing(&db, Duration::from_secs(10)).expect("reopen");
    for table in [
        "runs",
        "polls",
        "metric_spans",
        "counters",
        "issues",
        "sightings",
        "texts",
    ] {
        let n: i64 = h
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count");
        println!("  {table:<13} {n:>10} rows");
    }
    println!(
        "history file: {:.1} MB (target: < 300 MB)",
        bytes as f64 / 1e6
    );
    drop(h);
    let filter = query::FindingFilter {
        open: true,
        ..Default::default()
    };
    let mut best = Duration::MAX;
    let mut open = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let h = History::open_existing(&db, Duration::from_secs(10)).expect("open");
        open = query::findings(&h, &filter).expect("query").len();
        best = best.min(t.elapsed());
    }
    println!(
        "history findings --open (library, open + query): {open} findings in {:.1} ms (best of 5; target: < 1 s)",
        best.as_secs_f64() * 1000.0
    );
    let bin = env!("CARGO_BIN_EXE_fleetpoll");
    let t = Instant::now();
    let out = std::process::Command::new(bin)
        .args(["history", "findings", "--open", "--format", "csv", "-H"])
        .arg(&db)
        .output()
        .expect("run fleetpoll");
    println!(
        "`fleetpoll history findings --open` (the binary, cold process): exit {}, {} lines in {:.1} ms",
        out.status.code().unwrap_or(-1),
        out.stdout.iter().filter(|b| **b == b'\n').count(),
        t.elapsed().as_secs_f64() * 1000.0
    );
}

/// The database with its WAL and shared-memory files.
fn size(db: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| {
            let mut p = db.as_os_str().to_owned();
            p.push(s);
            std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
        })
        .sum()
}
