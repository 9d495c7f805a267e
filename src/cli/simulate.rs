//! `fleetpoll simulate`: run a simulated fleet on loopback until Ctrl-C, and write the
//! inventory (plus 0600 credential files beside it) that reaches it.

use super::{exit, Ui};
use crate::sim::Scenario;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug)]
#[command(
    after_help = "Example:\n  fleetpoll simulate --devices 200 --inventory-out /tmp/sim.yaml --latency-ms 50 &\n  fleetpoll poll -i /tmp/sim.yaml -o /tmp/health.csv\n\n  # 1000 ASAs offering exactly dh-group14-sha256 with an RSA-2048 host key\n  fleetpoll simulate -n 1000 --platform cisco_asa --ssh-profile asa --inventory-out /tmp/asa.yaml"
)]
pub struct SimulateArgs {
    /// How many devices.
    #[arg(short = 'n', long, default_value_t = 12)]
    pub devices: usize,
    /// Where to write the inventory that reaches the fleet.
    #[arg(long, value_name = "FILE")]
    pub inventory_out: PathBuf,
    /// Delay before each reply, in milliseconds.
    #[arg(long, default_value_t = 20)]
    pub latency_ms: u64,
    /// One scenario for every device, or `mix` (cycles platforms and scenarios).
    #[arg(long, default_value = "mix", value_parser = parse_scenario)]
    pub scenario: ScenarioChoice,
    /// Only this platform (every device logs in to user mode and uses `enable`);
    /// default: platforms cycle.
    #[arg(long)]
    pub platform: Option<crate::Platform>,
    /// SSH algorithms the devices offer: modern, iosxe, asa, ios15, waas, or `mix` (each
    /// platform's devices get the images of that platform; see platforms/ssh_profiles.yaml).
    #[arg(long, value_name = "NAME|mix", default_value = "mix")]
    pub ssh_profile: crate::sim::SshProfileChoice,
}

#[derive(Debug, Clone, Copy)]
pub enum ScenarioChoice {
    Mix,
    One(Scenario),
}

fn parse_scenario(s: &str) -> Result<ScenarioChoice, String> {
    if s == "mix" {
        Ok(ScenarioChoice::Mix)
    } else {
        s.parse().map(ScenarioChoice::One)
    }
}

pub async fn run(a: SimulateArgs, ui: &Ui) -> i32 {
    if a.devices == 0 {
        return super::unusable("--devices must be at least 1");
    }
    let scenario = match a.scenario {
        ScenarioChoice::Mix => None,
        ScenarioChoice::One(s) => Some(s),
    };
    let latency = Duration::from_millis(a.latency_ms);
    let mut specs: Vec<crate::sim::DeviceSpec> = match a.platform {
        None => crate::sim::fleet_specs(a.devices, scenario, latency),
        Some(p) => {
            let sc = scenario.unwrap_or(Scenario::Healthy);
            if !crate::sim::applies_to(sc, p) {
                return super::unusable(format!("scenario {sc} does not apply to {p}"));
            }
            (0..a.devices)
                .map(|i| {
                    let mut d = crate::sim::DeviceSpec::new(
                        &format!("{}-{:05}", p.id().replace('_', "-"), i + 1),
                        p,
                        sc,
                    );
                    d.latency = latency;
                    d
                })
                .collect()
        }
    };
    crate::sim::apply_ssh_profiles(&mut specs, a.ssh_profile);
    let fleet = match crate::sim::spawn_fleet(specs).await {
        Ok(f) => f,
        Err(e) => return super::unusable(format!("cannot start the simulated fleet: {e}")),
    };
    if let Err(e) = super::siminv::write(&fleet, &a.inventory_out) {
        fleet.shutdown().await;
        return super::unusable(format!("cannot write {}: {e}", a.inventory_out.display()));
    }
    ui.note(format!(
        "simulating {} devices on 127.0.0.1 ({} ms latency); inventory: {}\npress Ctrl-C to stop",
        fleet.devices.len(),
        a.latency_ms,
        a.inventory_out.display()
    ));
    let _ = tokio::signal::ctrl_c().await;
    fleet.shutdown().await;
    exit::OK
}
