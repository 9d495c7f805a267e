//! Fleet sweep benchmark: N simulated devices answering every line after a fixed latency,
//! swept with the health playbook at a given concurrency, once per SSH profile (what a kind
//! of Cisco image offers: `platforms/ssh_profiles.yaml`). Per profile it prints wall time
//! against the floor `latency × ceil(Σ round trips / concurrency)`, the poller's CPU seconds
//! and CPU per device (handshake and session), its peak RSS and the round trips per device.
//!
//! The fleet runs in `fleetpoll simulate` processes (one by default), so CPU and memory are
//! the poller's alone. Environment:
//! - `FLEETPOLL_BENCH_PROFILES=iosxe,asa` (default: modern,iosxe,asa,ios15,waas,mix);
//! - `FLEETPOLL_BENCH_SIMULATORS=2` splits the fleet over two simulator processes;
//! - `FLEETPOLL_BENCH_RAMP=0` opens the first wave all at once (as `poll --ramp`; default:
//!   the poller's default ramp).
//!
//! cargo bench --bench fleet_sweep [-- DEVICES CONCURRENCY LATENCY_MS]
//! e.g. FLEETPOLL_BENCH_PROFILES=mix FLEETPOLL_BENCH_SIMULATORS=2 cargo bench --bench fleet_sweep -- 10000 1000 50

use fleetpoll::runner::{PollStatus, RunOptions, Runner};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Start a new peak-RSS measurement (Linux ≥ 4.0: writing 5 to clear_refs resets VmHWM).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// User + system CPU of this process, all threads (`/proc/self/stat`, USER_HZ = 100).
fn process_cpu() -> Duration {
    stat_cpu(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default())
}

fn stat_cpu(s: &str) -> Duration {
    let after = s.rfind(')').map(|i| &s[i + 1..]).unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 of stat are the 12th and 13th after the command name.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// User + system CPU of another process so far.
fn child_cpu(pid: u32) -> Duration {
    stat_cpu(&std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default())
}

const TIMEOUTS: &str = "{connect: 30s, auth: 60s, prompt: 60s, command: 60s, device: 600s}";

fn plan(inv: &Path) -> fleetpoll::plan::Plan {
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
    fleetpoll::plan::from_parts(inv, pb, None).expect("plan")
}

/// Start `fleetpoll simulate` with `n` devices of `profile` and wait for its inventory.
fn start_simulator(n: usize, profile: &str, latency: Duration, inv: &Path) -> std::process::Child {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fleetpoll"));
    cmd.args([
        "-q",
        "simulate",
        "--scenario",
        "healthy",
        "--ssh-profile",
        profile,
    ]);
    if profile != "mix" {
        let p: fleetpoll::sim::SshProfile = profile.parse().expect("profile");
        cmd.arg("--platform").arg(p.platform().id());
    }
    let child = cmd
        .arg("--devices")
        .arg(n.to_string())
        .arg("--latency-ms")
        .arg(latency.as_millis().to_string())
        .arg("--inventory-out")
        .arg(inv)
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
    child
}

/// Shell round trips of one device: first prompt, enable + secret, paging off, commands.
fn round_trips(job: &fleetpoll::plan::PollJob) -> usize {
    let enable = if job.host.enable_secret.is_some() {
        2
    } else {
        0
    };
    1 + enable + 1 + job.commands.len()
}

async fn sweep_profile(profile: &str, n: usize, conc: usize, latency: Duration, sims: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut children = Vec::new();
    let mut invs: Vec<PathBuf> = Vec::new();
    for k in 0..sims {
        let share = n / sims + usize::from(k < n % sims);
        let inv = dir.path().join(format!("sim{k}.yaml"));
        children.push(start_simulator(share, profile, latency, &inv));
        invs.push(inv);
    }
    let mut plan_all = plan(&invs[0]);
    for (k, inv) in invs.iter().enumerate().skip(1) {
        let more = plan(inv);
        // The runner polls the jobs; `hosts` only mirrors them.
        plan_all.jobs.extend(more.jobs.into_iter().map(|mut j| {
            let h = std::sync::Arc::make_mut(&mut j.host);
            h.name = format!("s{k}-{}", h.name);
            j
        }));
    }
    plan_all.hosts = plan_all.jobs.iter().map(|j| j.host.clone()).collect();
    let total_rt: usize = plan_all.jobs.iter().map(round_trips).sum();
    let max_rt = plan_all.jobs.iter().map(round_trips).max().unwrap_or(0);
    let waves = total_rt.div_ceil(conc).max(max_rt);
    let floor = latency * waves as u32;
    // As `poll` writing a CSV: outputs and records are dropped once the device is judged.
    let opts = RunOptions {
        concurrency: conc,
        keep_raw: false,
        keep_records: false,
        // As `poll --ramp`: unset, the default ramp.
        ramp: std::env::var("FLEETPOLL_BENCH_RAMP")
            .ok()
            .map(|v| fleetpoll::runner::parse_ramp(&v).expect("FLEETPOLL_BENCH_RAMP")),
        ..RunOptions::default()
    };
    let ramp = opts.ramp_for(plan_all.jobs.len());
    // Warm-up on one device, so one-off costs (regex compilation, lazy statics) are not
    // charged to the sweep.
    let mut one = plan(&invs[0]);
    one.jobs.truncate(1);
    one.hosts.truncate(1);
    Runner::new().run(&one, &opts, |_| {}).await;
    reset_peak_rss();
    let cpu0 = process_cpu();
    let t0 = Instant::now();
    let reports = Runner::new().run(&plan_all, &opts, |_| {}).await;
    let wall = t0.elapsed();
    let cpu = process_cpu().saturating_sub(cpu0);
    let polled = reports
        .iter()
        .filter(|r| r.poll_status == PollStatus::Polled)
        .count();
    let clean = reports
        .iter()
        .filter(|r| r.command_errors().is_empty())
        .count();
    let mut kex: std::collections::BTreeMap<String, usize> = Default::default();
    for r in &reports {
        let k = r
            .ssh_algorithms
            .as_deref()
            .and_then(|a| a.split_whitespace().find_map(|f| f.strip_prefix("kex=")))
            .unwrap_or("none");
        *kex.entry(k.to_string()).or_default() += 1;
    }
    println!(
        "fleet_sweep[{profile}]: devices={n} concurrency={conc} ramp={}ms latency={}ms simulators={sims} round_trips/device={:.1} polled={polled}/{n} clean={clean}/{n}",
        ramp.as_millis(),
        latency.as_millis(),
        total_rt as f64 / n as f64,
    );
    println!(
        "fleet_sweep[{profile}]: wall={:.3}s floor={:.3}s ratio={:.3} client_cpu={:.2}s cpu/device={:.2}ms peak_rss={:.1}MB",
        wall.as_secs_f64(),
        floor.as_secs_f64(),
        wall.as_secs_f64() / floor.as_secs_f64(),
        cpu.as_secs_f64(),
        cpu.as_secs_f64() * 1e3 / n as f64,
        peak_rss_mb().unwrap_or(f64::NAN),
    );
    let kex: Vec<String> = kex.iter().map(|(k, v)| format!("{k}×{v}")).collect();
    println!("fleet_sweep[{profile}]: kex {}", kex.join(" "));
    let sim_cpu: Duration = children.iter().map(|c| child_cpu(c.id())).sum();
    println!(
        "fleet_sweep[{profile}]: simulator_cpu={:.2}s (whole life of the simulator processes)",
        sim_cpu.as_secs_f64()
    );
    for mut c in children {
        let _ = c.kill();
        let _ = c.wait();
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let conc: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let latency = Duration::from_millis(args.get(2).and_then(|a| a.parse().ok()).unwrap_or(50));
    let profiles = std::env::var("FLEETPOLL_BENCH_PROFILES")
        .unwrap_or_else(|_| "modern,iosxe,asa,ios15,waas,mix".into());
    let sims: usize = std::env::var("FLEETPOLL_BENCH_SIMULATORS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("fleet_sweep: release build, poller and simulator(s) on this machine; client figures are the poller process's own");
    for p in profiles.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        rt.block_on(sweep_profile(p, n, conc, latency, sims));
    }
}
