//! Fleet sweep benchmark: N simulated devices answering every line after a fixed latency,
//! swept with the health playbook at a given concurrency. Prints wall time against the floor
//! `round trips per device × latency × ceil(N / concurrency)` and the process's peak memory
//! (simulated fleet included).
//!
//! cargo bench --bench fleet_sweep [-- DEVICES CONCURRENCY LATENCY_MS]

use fleetpoll::cli::siminv;
use fleetpoll::runner::{PollStatus, RunOptions, Runner};
use fleetpoll::sim::{spawn_fleet, DeviceSpec, Scenario};
use fleetpoll::Platform;
use std::time::{Duration, Instant};

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let conc: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let latency = Duration::from_millis(args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50));
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let specs: Vec<DeviceSpec> = (0..n)
            .map(|i| {
                let mut d = DeviceSpec::new(&format!("rtr-{i:05}"), Platform::CiscoIos, Scenario::Healthy);
                d.latency = latency;
                d
            })
            .collect();
        let enable = specs[0].enable_secret.is_some();
        let fleet = spawn_fleet(specs).await.expect("fleet");
        let dir = tempfile::tempdir().expect("tempdir");
        let inv = siminv::write_with(&fleet, &dir.path().join("bench.yaml"), "{connect: 30s, auth: 60s, prompt: 60s, command: 60s, device: 600s}")
            .expect("inventory");
        let inv = fleetpoll::inventory::load(&inv).expect("load");
        let pb = fleetpoll::playbook::parse_text(
            std::path::Path::new("health.yaml"),
            include_str!("../playbooks/health.yaml"),
        )
        .expect("playbook");
        let plan = fleetpoll::plan::from_parts(inv, pb, None).expect("plan");
        let commands = plan.playbook.commands_for(Platform::CiscoIos).len();
        // first prompt + (enable + secret) + paging off + one per command
        let round_trips = 1 + if enable { 2 } else { 0 } + 1 + commands;
        let waves = n.div_ceil(conc);
        let floor = latency * (round_trips * waves) as u32;
        let opts = RunOptions { concurrency: conc, ..RunOptions::default() };
        let t0 = Instant::now();
        let reports = Runner::new().run(&plan, &opts, |_| {}).await;
        let wall = t0.elapsed();
        let polled = reports.iter().filter(|r| r.poll_status == PollStatus::Polled).count();
        let clean = reports.iter().filter(|r| r.command_errors().is_empty()).count();
        println!("fleet_sweep: devices={n} concurrency={conc} latency={}ms round_trips/device={round_trips}", latency.as_millis());
        println!("fleet_sweep: polled={polled}/{n} without command errors={clean}/{n}");
        println!(
            "fleet_sweep: wall={:.3}s floor={:.3}s ratio={:.3} peak_rss={:.1}MB (fleet and poller in one process)",
            wall.as_secs_f64(),
            floor.as_secs_f64(),
            wall.as_secs_f64() / floor.as_secs_f64(),
            peak_rss_mb().unwrap_or(f64::NAN)
        );
        fleet.shutdown().await;
    });
}
