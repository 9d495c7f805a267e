//! What one simulated device is ([`DeviceSpec`]): platform, scenario, credentials, latency,
//! SSH profile, and the fleet's standard credentials. A leaf of `sim`: the device model, the
//! server and the fleet builders all read it.

use super::scenario::{Drift, Scenario};
use super::ssh_profile::SshProfile;
use crate::Platform;
use std::time::Duration;

/// Username every simulated device accepts.
pub const SIM_USERNAME: &str = "fleetpoll";
/// Password every simulated device accepts (except `WrongCredentials` devices).
pub const SIM_PASSWORD: &str = "sim-password";
/// Enable secret of simulated devices that have one.
pub const SIM_ENABLE_SECRET: &str = "sim-enable";
/// The password a `WrongCredentials` device's spec carries (it rejects every attempt anyway).
pub const WRONG_PASSWORD: &str = "not-the-inventory-password";
/// Latency of the demo fleet's devices.
pub const DEMO_LATENCY: Duration = Duration::from_millis(20);
/// Default size of a `HugeOutput` device's large output (50 MB).
pub const HUGE_OUTPUT_BYTES: usize = 50 * 1000 * 1000;

/// One simulated device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSpec {
    /// Inventory name.
    pub name: String,
    pub platform: Platform,
    /// What the prompt shows.
    pub hostname: String,
    pub scenario: Scenario,
    pub username: String,
    pub password: String,
    /// `None`: login lands in privileged mode and `enable` asks nothing.
    pub enable_secret: Option<String>,
    /// Slept before the first prompt and before the reply to each Enter.
    pub latency: Duration,
    /// Varies addresses and counters between devices, deterministically.
    pub seed: u64,
    /// `HugeOutput`: about how many bytes its large output has ([`HUGE_OUTPUT_BYTES`] by
    /// default). It is generated and sent in chunks, never held in memory whole.
    pub huge_output_bytes: usize,
    /// The SSH algorithms it offers (`modern` unless set).
    pub ssh_profile: SshProfile,
    /// ASA multiple-context mode: its security contexts, the admin context first (the login
    /// lands there). Empty: single mode. `MultiContext` devices get [`default_contexts`].
    pub contexts: Vec<SimContext>,
    /// How this run's device differs from the seeded one (uptime, grown counters).
    pub drift: Drift,
}

/// One security context of a simulated multiple-context ASA: its name and what its outputs
/// show (each context renders as a device of its own playing that scenario).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimContext {
    pub name: String,
    pub scenario: Scenario,
}

/// The contexts of a `MultiContext` device: `admin` and `ctx-a` healthy, `ctx-b` with a
/// one-way LAN-to-LAN tunnel (ASA 9.5(2)+ runs site-to-site VPN in multiple-context mode), so
/// its finding shows on that context's row only.
pub fn default_contexts() -> Vec<SimContext> {
    [
        ("admin", Scenario::Healthy),
        ("ctx-a", Scenario::Healthy),
        ("ctx-b", Scenario::L2lOneWay),
    ]
    .into_iter()
    .map(|(name, scenario)| SimContext {
        name: name.to_string(),
        scenario,
    })
    .collect()
}

impl DeviceSpec {
    /// A healthy device with the fleet's standard credentials and an enable secret.
    pub fn new(name: &str, platform: Platform, scenario: Scenario) -> DeviceSpec {
        let password = if scenario == Scenario::WrongCredentials {
            WRONG_PASSWORD
        } else {
            SIM_PASSWORD
        };
        DeviceSpec {
            name: name.to_string(),
            platform,
            hostname: name.to_string(),
            scenario,
            username: SIM_USERNAME.to_string(),
            password: password.to_string(),
            enable_secret: Some(SIM_ENABLE_SECRET.to_string()),
            latency: Duration::ZERO,
            seed: seed_for(name),
            huge_output_bytes: HUGE_OUTPUT_BYTES,
            ssh_profile: SshProfile::Modern,
            contexts: if scenario == Scenario::MultiContext && platform == Platform::CiscoAsa {
                default_contexts()
            } else {
                Vec::new()
            },
            drift: Drift::default(),
        }
    }

    pub(super) fn privileged_login(mut self) -> Self {
        self.enable_secret = None;
        self
    }

    pub(super) fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
}

/// Which SSH profile each device of a fleet offers: one for all, or `mix`, where each
/// platform's devices cycle through the images of that platform (`ssh_profiles.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SshProfileChoice {
    Mix,
    One(SshProfile),
}

impl std::str::FromStr for SshProfileChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "mix" {
            Ok(SshProfileChoice::Mix)
        } else {
            s.parse().map(SshProfileChoice::One)
        }
    }
}

/// Set every spec's SSH profile by `choice`.
pub fn apply_ssh_profiles(specs: &mut [DeviceSpec], choice: SshProfileChoice) {
    let mut seen: std::collections::HashMap<Platform, usize> = Default::default();
    for d in specs {
        let k = seen.entry(d.platform).or_default();
        d.ssh_profile = match choice {
            SshProfileChoice::One(p) => p,
            SshProfileChoice::Mix => SshProfile::for_device(d.platform, *k),
        };
        *k += 1;
    }
}

/// Deterministic per-name seed (FNV-1a), so a device prints the same counters every run.
pub fn seed_for(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
