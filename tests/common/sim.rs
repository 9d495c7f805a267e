//! Simulated devices and fleets for the tests: every device answers with a 1 ms latency
//! unless a test says otherwise, and a fleet's inventory is written by `siminv`.

use fleetpoll::cli::siminv;
use fleetpoll::plan::Plan;
use fleetpoll::sim::{spawn_fleet, DeviceSpec, RunningFleet, Scenario};
use fleetpoll::Platform;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The timeouts `siminv::write` gives a simulated fleet's inventory.
pub const DEFAULT_TIMEOUTS: &str = siminv::DEFAULT_TIMEOUTS;

/// A simulated device answering with a 1 ms latency.
pub fn spec(name: &str, platform: Platform, scenario: Scenario) -> DeviceSpec {
    let mut s = DeviceSpec::new(name, platform, scenario);
    s.latency = Duration::from_millis(1);
    s
}

/// Start `specs` on loopback.
pub async fn fleet(specs: Vec<DeviceSpec>) -> RunningFleet {
    spawn_fleet(specs)
        .await
        .unwrap_or_else(|e| panic!("spawn fleet: {e}"))
}

/// Start one [`spec`] per `(name, platform, scenario)`.
pub async fn fleet_of(devices: &[(&str, Platform, Scenario)]) -> RunningFleet {
    fleet(devices.iter().map(|(n, p, s)| spec(n, *p, *s)).collect()).await
}

/// Write the fleet's inventory at `path` (its secret files beside it) with the `timeouts:`
/// flow mapping given; returns `path`.
pub fn inventory(fleet: &RunningFleet, path: &Path, timeouts: &str) -> PathBuf {
    siminv::write_with(fleet, path, timeouts).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// [`inventory`] with the timeouts `siminv::write` gives.
pub fn default_inventory(fleet: &RunningFleet, path: &Path) -> PathBuf {
    inventory(fleet, path, DEFAULT_TIMEOUTS)
}

/// The fleet's inventory `dir/inv.yaml` with `timeouts`, planned with the health playbook.
pub fn health_plan(fleet: &RunningFleet, dir: &Path, timeouts: &str) -> Plan {
    super::health_plan(&inventory(fleet, &dir.join("inv.yaml"), timeouts))
}

/// The simulated fleet's password and enable secret in `dir/pw` and `dir/en`, for
/// inventories a test writes itself (`password: {file: pw}`, `enable_secret: {file: en}`).
pub fn secret_files(dir: &Path) {
    std::fs::write(dir.join("pw"), fleetpoll::sim::SIM_PASSWORD).unwrap();
    std::fs::write(dir.join("en"), fleetpoll::sim::SIM_ENABLE_SECRET).unwrap();
}

/// The fingerprint of the host key every simulated device presents.
pub fn fingerprint() -> String {
    fleetpoll::session::transport::ssh::fingerprint(&fleetpoll::sim::host_public_key())
}
