//! Setup shared by the integration tests: a plan from an inventory file and a playbook (the
//! built-in health playbook by default), and a sweep of it. Each test file takes what it
//! needs (`mod common;`), so unused helpers are expected.
#![allow(dead_code)]

use fleetpoll::inventory::Inventory;
use fleetpoll::plan::Plan;
use fleetpoll::runner::{DeviceReport, RunOptions, Runner};
use std::path::Path;

/// The built-in health playbook.
pub const HEALTH: &str = include_str!("../../playbooks/health.yaml");

/// The plan of an already loaded inventory with the health playbook.
pub fn health_plan_of(inv: Inventory) -> Plan {
    let pb = fleetpoll::playbook::parse_text(Path::new("health.yaml"), HEALTH)
        .unwrap_or_else(|e| panic!("health playbook: {e}"));
    fleetpoll::plan::from_parts(inv, pb, None).unwrap_or_else(|e| panic!("plan: {e}"))
}

/// Load `inventory` (a file the test wrote) and plan it with the health playbook.
pub fn health_plan(inventory: &Path) -> Plan {
    let inv = fleetpoll::inventory::load(inventory)
        .unwrap_or_else(|e| panic!("{}: {e}", inventory.display()));
    health_plan_of(inv)
}

/// Poll every device of `plan`.
pub async fn run(plan: &Plan, opts: &RunOptions) -> Vec<DeviceReport> {
    Runner::new().run(plan, opts, |_| {}).await
}
