//! Fleet sweep benchmark: N simulated IOS routers answering every line after a fixed latency,
//! swept with the health playbook at a given concurrency. Prints wall time against the floor
//! `round trips per device × latency × ceil(N / concurrency)` and peak memory.
//!
//! By default the fleet runs in a separate `fleetpoll simulate` process, so the peak memory
//! printed is the poller's alone; FLEETPOLL_BENCH_IN_PROCESS=1 runs both in this process.
//!
//! cargo bench --bench fleet_sweep [-- DEVICES CONCURRENCY LATENCY_MS]

use fleetpoll::runner::{PollStatus, RunOptions, Runner};
use fleetpoll::sim::{spawn_fleet, DeviceSpec, Scenario};
use fleetpoll::Platform;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

const TIMEOUTS: &str = "{connect: 30s, auth: 60s, prompt: 60s, command: 60s, device: 600s}";

fn plan(inv: &Path, limit: Option<usize>) -> fleetpoll::plan::Plan {
    let text = std::fs::read_to_string(inv).expect("inventory");
    // Generous timeouts: the bench measures throughput, not failure handling.
    let text = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("timeouts:") {
                format!("  timeouts: {TIMEOUTS}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let inv = fleetpoll::inventory::parse(inv, &text).expect("load");
    let pb = fleetpoll::playbook::parse_text(
        Path::new("health.yaml"),
        include_str!("../playbooks/health.yaml"),
    )
    .expect("playbook");
    let mut plan = fleetpoll::plan::from_parts(inv, pb, None).expect("plan");
    if let Some(n) = limit {
        plan.hosts.truncate(n);
    }
    plan
}

/// Start `fleetpoll simulate` and wait for its inventory.
fn start_external(n: usize, latency: Duration, dir: &Path) -> (std::process::Child, PathBuf) {
    let inv = dir.join("bench.yaml");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_fleetpoll"))
        .args([
            "-q",
            "simulate",
            "--platform",
            "cisco_ios",
            "--scenario",
            "healthy",
        ])
        .arg("--devices")
        .arg(n.to_string())
        .arg("--latency-ms")
        .arg(latency.as_millis().to_string())
        .arg("--inventory-out")
        .arg(&inv)
        .spawn()
        .expect("spawn fleetpoll simulate");
    let t0 = Instant::now();
    while !inv.exists() {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "simulate did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, inv)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let conc: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let latency = Duration::from_millis(args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50));
    let in_process = std::env::var_os("FLEETPOLL_BENCH_IN_PROCESS").is_some();
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let (fleet, child, inv) = if in_process {
            let specs: Vec<DeviceSpec> = (0..n)
                .map(|i| {
                    let mut d = DeviceSpec::new(&format!("rtr-{i:05}"), Platform::CiscoIos, Scenario::Healthy);
                    d.latency = latency;
                    d
                })
                .collect();
            let fleet = spawn_fleet(specs).await.expect("fleet");
            let inv = fleetpoll::cli::siminv::write(&fleet, &dir.path().join("bench.yaml")).expect("inventory");
            (Some(fleet), None, inv)
        } else {
            let (child, inv) = start_external(n, latency, dir.path());
            (None, Some(child), inv)
        };
        let plan_all = plan(&inv, None);
        let commands = plan_all.playbook.commands_for(Platform::CiscoIos).len();
        let enable = plan_all.hosts[0].enable_secret.is_some();
        // first prompt + (enable, secret) + paging off + one per command
        let round_trips = 1 + if enable { 2 } else { 0 } + 1 + commands;
        let floor = latency * (round_trips * n.div_ceil(conc)) as u32;
        let opts = RunOptions { concurrency: conc, ..RunOptions::default() };
        // Warm-up on one device, so one-off costs (regex compilation, lazy statics) are not
        // charged to the sweep.
        Runner::new().run(&plan(&inv, Some(1)), &opts, |_| {}).await;
        let t0 = Instant::now();
        let reports = Runner::new().run(&plan_all, &opts, |_| {}).await;
        let wall = t0.elapsed();
        let polled = reports.iter().filter(|r| r.poll_status == PollStatus::Polled).count();
        let clean = reports.iter().filter(|r| r.command_errors().is_empty()).count();
        println!(
            "fleet_sweep: devices={n} concurrency={conc} latency={}ms round_trips/device={round_trips} fleet={}",
            latency.as_millis(),
            if in_process { "in-process" } else { "separate process" }
        );
        println!("fleet_sweep: polled={polled}/{n} without command errors={clean}/{n}");
        println!(
            "fleet_sweep: wall={:.3}s floor={:.3}s ratio={:.3} peak_rss={:.1}MB ({})",
            wall.as_secs_f64(),
            floor.as_secs_f64(),
            wall.as_secs_f64() / floor.as_secs_f64(),
            peak_rss_mb().unwrap_or(f64::NAN),
            if in_process { "poller and fleet" } else { "poller only" }
        );
        if let Some(f) = fleet {
            f.shutdown().await;
        }
        if let Some(mut c) = child {
            let _ = c.kill();
            let _ = c.wait();
        }
    });
}
