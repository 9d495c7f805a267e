//! Sharded sweep and merge benchmark: DEVICES simulated devices in one inventory, swept by
//! SHARDS `fleetpoll poll --shard K/N --out-dir` processes one after the other (each at
//! CONCURRENCY), then `fleetpoll merge` of the shard folders into one CSV, findings and
//! Prometheus file. Prints per shard its devices, wall time and peak RSS, then the merge's
//! wall time and peak RSS, and checks the merged CSV has every device, in inventory order.
//!
//! Every device has a fixed address 127.X.Y.Z:2222 (more devices than one address has ports),
//! so the inventory stays the same while only the running shard's devices are served, by a
//! simulator in this process (the pollers are other processes: their CPU and memory are their
//! own). Peak RSS is the child's VmHWM, sampled every 20 ms until it exits.
//!
//! cargo bench --bench shard_sweep [-- DEVICES SHARDS CONCURRENCY LATENCY_MS]
//! e.g. cargo bench --bench shard_sweep -- 100000 10 1000 20
//! `FLEETPOLL_BENCH_KEEP=DIR` keeps the inventory and outputs in DIR.

use fleetpoll::sim::{
    fleet_specs, spawn_fleet_at, Scenario, SIM_ENABLE_SECRET, SIM_PASSWORD, SIM_USERNAME,
};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PORT: u16 = 2222;

/// Device `i`'s address: 127.16.0.1 on, 250 per /24, never .0 or .255.
fn addr(i: usize) -> SocketAddr {
    let a = 16 + (i / 62_500) as u8;
    let b = ((i / 250) % 250) as u8;
    let c = (i % 250) as u8 + 1;
    SocketAddr::from((Ipv4Addr::new(127, a, b, c), PORT))
}

fn write_inventory(dir: &Path, specs: &[fleetpoll::sim::DeviceSpec]) -> PathBuf {
    std::fs::write(dir.join("pw"), SIM_PASSWORD).expect("pw");
    std::fs::write(dir.join("en"), SIM_ENABLE_SECRET).expect("en");
    let fp = fleetpoll::session::transport::ssh::fingerprint(&fleetpoll::sim::host_public_key());
    let mut s = String::with_capacity(specs.len() * 96);
    let _ = writeln!(s, "defaults:\n  username: {SIM_USERNAME}\n  password: {{file: pw}}\n  enable_secret: {{file: en}}");
    let _ = writeln!(
        s,
        "  timeouts: {{connect: 30s, auth: 60s, prompt: 60s, command: 60s, device: 600s}}"
    );
    let _ = writeln!(
        s,
        "  ssh: {{host_key_policy: pinned, host_key_fingerprint: \"{fp}\"}}"
    );
    let _ = writeln!(s, "devices:");
    for (i, d) in specs.iter().enumerate() {
        let a = addr(i);
        let _ = writeln!(
            s,
            "  - {{name: {}, host: {}, port: {}, platform: {}, site: site-{}}}",
            d.name,
            a.ip(),
            a.port(),
            d.platform,
            i / 100
        );
    }
    let p = dir.join("inv.yaml");
    std::fs::write(&p, s).expect("inventory");
    p
}

fn vm_hwm_mb(pid: u32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Run `cmd` to its end; its exit code, wall time and sampled peak RSS.
fn measure(mut cmd: std::process::Command) -> (Option<i32>, Duration, f64) {
    let t0 = Instant::now();
    let mut child = cmd.spawn().expect("spawn fleetpoll");
    let mut peak: f64 = 0.0;
    loop {
        if let Some(m) = vm_hwm_mb(child.id()) {
            peak = peak.max(m);
        }
        if let Some(st) = child.try_wait().expect("wait") {
            return (st.code(), t0.elapsed(), peak);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(10_000);
    let shards = args.get(1).copied().unwrap_or(10) as u32;
    let conc = args.get(2).copied().unwrap_or(1000);
    let latency = Duration::from_millis(args.get(3).copied().unwrap_or(20) as u64);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = std::env::var_os("FLEETPOLL_BENCH_KEEP")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("dir");
    let specs = fleet_specs(n, Some(Scenario::Healthy), latency);
    let inv = write_inventory(&dir, &specs);
    let run = dir.join("run");
    let _ = std::fs::remove_dir_all(&run);
    println!(
        "{n} devices, {shards} shards in sequence, concurrency {conc}, latency {} ms",
        latency.as_millis()
    );
    println!("| shard | devices | wall | peak RSS | exit |\n|---|---|---|---|---|");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let owners: Vec<u32> = specs
        .iter()
        .map(|d| fleetpoll::shard::owner(&format!("name={}", d.name), shards))
        .collect();
    let mut sweep_wall = Duration::ZERO;
    for k in 0..shards {
        let mine: Vec<_> = specs
            .iter()
            .enumerate()
            .filter(|(i, _)| owners[*i] == k)
            .map(|(i, d)| (d.clone(), addr(i)))
            .collect();
        let count = mine.len();
        let fleet = rt
            .block_on(spawn_fleet_at(mine))
            .expect("spawn the shard's devices");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fleetpoll"));
        cmd.current_dir(&dir)
            .args(["-q", "poll", "-i"])
            .arg(&inv)
            .args([
                "-c",
                &conc.to_string(),
                "--shard",
                &format!("{k}/{shards}"),
                "--out-dir",
            ])
            .arg(&run);
        let (code, wall, rss) = measure(cmd);
        sweep_wall += wall;
        rt.block_on(fleet.shutdown());
        println!(
            "| {k}/{shards} | {count} | {:.1} s | {rss:.1} MB | {} |",
            wall.as_secs_f64(),
            code.map_or("killed".into(), |c| c.to_string())
        );
    }
    println!("sweep, all shards: {:.1} s", sweep_wall.as_secs_f64());
    let out = dir.join("merged");
    std::fs::create_dir_all(&out).expect("out");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fleetpoll"));
    cmd.current_dir(&dir)
        .args(["merge"])
        .arg(&run)
        .arg("-i")
        .arg(&inv)
        .arg("-o")
        .arg(out.join("health.csv"))
        .arg("--findings")
        .arg(out.join("findings.csv"))
        .arg("--prometheus")
        .arg(out.join("fleetpoll.prom"));
    let (code, wall, rss) = measure(cmd);
    let csv = std::fs::read_to_string(out.join("health.csv")).expect("merged csv");
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let status = rd
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "poll_status")
        .expect("poll_status");
    let mut rows = 0;
    let mut polled = 0;
    let mut order_ok = true;
    for (rec, spec) in rd.records().zip(&specs) {
        let rec = rec.expect("row");
        rows += 1;
        polled += usize::from(&rec[status] == "polled");
        order_ok &= rec[0] == spec.name;
    }
    println!(
        "merge: {rows} rows ({polled} polled), inventory order {}, {:.2} s wall, peak RSS {rss:.1} MB, exit {}",
        if order_ok { "yes" } else { "NO" },
        wall.as_secs_f64(),
        code.map_or("killed".into(), |c| c.to_string())
    );
    assert_eq!(rows, n, "the merged CSV has every device");
    assert!(order_ok, "rows in inventory order");
}
