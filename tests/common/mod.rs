//! Setup shared by the integration tests. Each test file takes what it needs (`mod common;`,
//! or `#[path = "../common/mod.rs"] mod common;` from a test folder), so unused helpers are
//! expected.
//!
//! - here: plans (an inventory file or an [`Inventory`] with the built-in health playbook, or
//!   a playbook text), a sweep of a plan, a device's row and metric, editing a written file;
//! - [`sim`]: simulated devices with a 1 ms latency, fleets of them, their inventories;
//! - [`bin`]: the `fleetpoll` binary, its exit code and output;
//! - [`table`]: reading the CSV files the binary writes;
//! - [`fixtures`]: the fixture trees (`tests/fixtures`, the shared real-device corpus);
//! - [`nights`]: the run-history tests' three nights of a changing fleet;
//! - [`log`]: waiting for a line of this process's own log (an event, not a sleep);
//! - [`prom`]: reading a `--prometheus` file back with a real exposition-format parser;
//! - [`browser`]: a headless Chromium over WebDriver, for the HTML report tests;
//! - [`report`]: the demo's output and a 5,000-device page, for the HTML report tests.
#![allow(dead_code)]

pub mod bin;
pub mod browser;
pub mod fixtures;
pub mod log;
pub mod nights;
pub mod prom;
pub mod report;
pub mod sim;
pub mod table;

use fleetpoll::inventory::Inventory;
use fleetpoll::plan::Plan;
use fleetpoll::runner::{DeviceReport, RunOptions, Runner};
use std::path::{Path, PathBuf};

/// The built-in health playbook.
pub const HEALTH: &str = include_str!("../../playbooks/health.yaml");
/// The health playbook's file, for `-p`.
pub const HEALTH_PLAYBOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/playbooks/health.yaml");
/// The snapshot playbook's file, for `-p`.
pub const SNAPSHOT_PLAYBOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/playbooks/snapshot.yaml");

/// The plan of an already loaded inventory with a playbook given as text (`name` is the
/// file name its errors would carry).
pub fn plan_of(inv: Inventory, name: &str, playbook: &str) -> Plan {
    let pb = fleetpoll::playbook::parse_text(Path::new(name), playbook)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    fleetpoll::plan::from_parts(inv, pb, None).unwrap_or_else(|e| panic!("plan: {e}"))
}

/// The plan of an already loaded inventory with the health playbook.
pub fn health_plan_of(inv: Inventory) -> Plan {
    plan_of(inv, "health.yaml", HEALTH)
}

/// Load `inventory` (a file the test wrote).
pub fn load(inventory: &Path) -> Inventory {
    fleetpoll::inventory::load(inventory).unwrap_or_else(|e| panic!("{}: {e}", inventory.display()))
}

/// Load `inventory` (a file the test wrote) and plan it with the health playbook.
pub fn health_plan(inventory: &Path) -> Plan {
    health_plan_of(load(inventory))
}

/// Poll every device of `plan`.
pub async fn run(plan: &Plan, opts: &RunOptions) -> Vec<DeviceReport> {
    Runner::new().run(plan, opts, |_| {}).await
}

/// Poll every device of `plan`, `concurrency` at a time, the other options at their defaults.
pub async fn run_concurrently(plan: &Plan, concurrency: usize) -> Vec<DeviceReport> {
    let opts = RunOptions {
        concurrency,
        ..RunOptions::default()
    };
    run(plan, &opts).await
}

/// The report of the device named `name`.
#[track_caller]
pub fn row<'a>(reports: &'a [DeviceReport], name: &str) -> &'a DeviceReport {
    reports
        .iter()
        .find(|d| d.device == name)
        .unwrap_or_else(|| panic!("no report for {name}"))
}

/// A device's metric column, empty when it has none.
pub fn metric<'a>(d: &'a DeviceReport, m: &str) -> &'a str {
    d.metrics.get(m).map(String::as_str).unwrap_or("")
}

/// Write `text` to `dir/name`; returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

/// Rewrite the file at `path` with `edit` applied to its text.
pub fn edit(path: &Path, edit: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::fs::write(path, edit(text)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// `ssh-keygen -t kind -N pass -C fleetpoll-test -f path` (2048 bits for RSA); the error
/// says why it could not be made (no ssh-keygen, or its stderr).
pub fn ssh_keygen(path: &Path, kind: &str, pass: &str) -> Result<(), String> {
    let mut c = std::process::Command::new("ssh-keygen");
    c.args(["-q", "-t", kind, "-C", "fleetpoll-test", "-N", pass, "-f"])
        .arg(path);
    if kind == "rsa" {
        c.args(["-b", "2048"]);
    }
    match c.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{c:?}: {}\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => Err(format!("{c:?}: {e}")),
    }
}
