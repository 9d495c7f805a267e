//! Fleets of simulated devices: what each device is ([`DeviceSpec`]), the ready-made demo
//! fleet and generated fleets of any size, and [`spawn_fleet`], which binds one loopback port
//! per device and serves it until [`RunningFleet::shutdown`].
//!
//! Credentials: every generated device expects [`SIM_USERNAME`] / [`SIM_PASSWORD`] and, when
//! it has one, the enable secret [`SIM_ENABLE_SECRET`]. A `WrongCredentials` device rejects
//! every authentication attempt whatever is sent, and its spec also carries a different
//! password ([`WRONG_PASSWORD`]), so an inventory holding the fleet's usual credentials is
//! wrong for it in both senses.

pub use super::spec::{
    apply_ssh_profiles, default_contexts, seed_for, DeviceSpec, SimContext, SshProfileChoice,
    DEMO_LATENCY, HUGE_OUTPUT_BYTES, SIM_ENABLE_SECRET, SIM_PASSWORD, SIM_USERNAME, WRONG_PASSWORD,
};

use super::scenario::Scenario;
use super::server;
use crate::Platform;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A device being served (or, for `RefuseConnection`, a reserved port nobody listens on).
#[derive(Debug, Clone)]
pub struct RunningDevice {
    pub spec: DeviceSpec,
    pub addr: SocketAddr,
}

/// A fleet being served. Dropping it stops the servers too; [`RunningFleet::shutdown`] also
/// waits until every listener has stopped.
#[derive(Debug)]
pub struct RunningFleet {
    pub devices: Vec<RunningDevice>,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    /// Bound, never listening: connects to these ports are refused, and the ports stay
    /// reserved so no other listener takes them.
    refusing: Vec<TcpSocket>,
}

impl RunningFleet {
    /// The device with this inventory name.
    pub fn device(&self, name: &str) -> Option<&RunningDevice> {
        self.devices.iter().find(|d| d.spec.name == name)
    }

    /// A token cancelled when the fleet shuts down (e.g. to tie other tasks to it).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Stop accepting, disconnect open sessions, and wait for the listeners to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        for t in std::mem::take(&mut self.tasks) {
            let _ = t.await;
        }
        self.refusing.clear();
    }
}

impl Drop for RunningFleet {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Serve every spec on its own `127.0.0.1:0` port. `RefuseConnection` devices get a port that
/// is bound but never listens, so connecting to it is refused.
pub async fn spawn_fleet(specs: Vec<DeviceSpec>) -> std::io::Result<RunningFleet> {
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    spawn_fleet_at(specs.into_iter().map(|s| (s, loopback)).collect()).await
}

/// [`spawn_fleet`] with each device at the address given: fixed addresses let a fleet larger
/// than one address's ports (the 100,000-device shard bench: 127.x.y.z:2222) keep the same
/// inventory while only part of it runs at a time.
pub async fn spawn_fleet_at(specs: Vec<(DeviceSpec, SocketAddr)>) -> std::io::Result<RunningFleet> {
    let shutdown = CancellationToken::new();
    let mut fleet = RunningFleet {
        devices: Vec::with_capacity(specs.len()),
        shutdown: shutdown.clone(),
        tasks: Vec::with_capacity(specs.len()),
        refusing: Vec::new(),
    };
    for (spec, loopback) in specs {
        if spec.scenario == Scenario::RefuseConnection {
            let socket = TcpSocket::new_v4()?;
            socket.bind(loopback)?;
            let addr = socket.local_addr()?;
            fleet.refusing.push(socket);
            fleet.devices.push(RunningDevice { spec, addr });
            continue;
        }
        let listener = TcpListener::bind(loopback).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(spec.clone());
        fleet.tasks.push(tokio::spawn(server::serve(
            listener,
            shared,
            shutdown.child_token(),
        )));
        fleet.devices.push(RunningDevice { spec, addr });
    }
    Ok(fleet)
}

/// The demo fleet: seventeen devices, most of them showing one documented problem.
///
/// | name | platform | scenario |
/// |---|---|---|
/// | rtr-hq-01 | cisco_ios | healthy (enable secret) |
/// | rtr-branch-02 | cisco_ios | healthy (lands privileged) |
/// | xe-core-01 | cisco_xe | healthy (lands privileged) |
/// | rtr-branch-03 | cisco_ios | CERM Tx bandwidth limit reached |
/// | rtr-branch-04 | cisco_ios | one-way IPsec SA (encaps 0, decaps > 0) |
/// | asa-edge-01 | cisco_asa | healthy |
/// | asa-dc-01 | cisco_asa | one IKE peer in MM_WAIT_MSG6 (pre-shared key mismatch) |
/// | wae-branch-01 | cisco_waas | healthy |
/// | wae-branch-02 | cisco_waas | MAPI AO Config Enabled, Operational Shutdown |
/// | wae-dc-01 | cisco_waas | secured MAPI connections handed off to the generic AO |
/// | xe-hub-05 | cisco_xe | DMVPN hub with a spoke held in NHRP |
/// | rtr-branch-06 | cisco_ios | a crypto session DOWN |
/// | asa-dc-02 | cisco_asa | failover standby Failed |
/// | asa-edge-02 | cisco_asa | identity certificate expiring in 10 days |
/// | asa-vpn-04 | cisco_asa | an IKEv2 peer held in IN-NEG, no READY SA |
/// | rtr-lab-09 | cisco_ios | refuses connections |
/// | asa-branch-03 | cisco_asa | rejects the credentials (see the module docs) |
/// | asa-mc-01 | cisco_asa | multiple-context mode: `admin`, `ctx-a` healthy, `ctx-b` one-way L2L (one row each) |
pub fn demo_specs() -> Vec<DeviceSpec> {
    use Platform::*;
    use Scenario::*;
    let l = DEMO_LATENCY;
    vec![
        DeviceSpec::new("rtr-hq-01", CiscoIos, Healthy).latency(l),
        DeviceSpec::new("rtr-branch-02", CiscoIos, Healthy)
            .privileged_login()
            .latency(l),
        DeviceSpec::new("xe-core-01", CiscoXe, Healthy)
            .privileged_login()
            .latency(l),
        DeviceSpec::new("rtr-branch-03", CiscoIos, CermTxLimit).latency(l),
        DeviceSpec::new("rtr-branch-04", CiscoIos, IpsecOneWay).latency(l),
        DeviceSpec::new("asa-edge-01", CiscoAsa, Healthy).latency(l),
        DeviceSpec::new("asa-dc-01", CiscoAsa, IkePskMismatch).latency(l),
        DeviceSpec::new("wae-branch-01", CiscoWaas, Healthy).latency(l),
        DeviceSpec::new("wae-branch-02", CiscoWaas, MapiLicenseShutdown).latency(l),
        DeviceSpec::new("wae-dc-01", CiscoWaas, MapiEncryptedHandoff).latency(l),
        // The VPN estate's findings (issue 13): a DMVPN hub with a spoke stuck in NHRP, a crypto session down,
        // a failover pair whose standby failed, a certificate about to expire.
        DeviceSpec::new("xe-hub-05", CiscoXe, DmvpnSpokeNhrp).latency(l),
        DeviceSpec::new("rtr-branch-06", CiscoIos, CryptoSessionDown).latency(l),
        DeviceSpec::new("asa-dc-02", CiscoAsa, FailoverStandbyFailed).latency(l),
        DeviceSpec::new("asa-edge-02", CiscoAsa, CertExpiring).latency(l),
        // An IKEv2 peer whose SA never leaves IN-NEG (issue 13: IKEV2_SA_NOT_READY).
        DeviceSpec::new("asa-vpn-04", CiscoAsa, Ikev2StuckInNeg).latency(l),
        // AnyConnect sessions near the licensed peers; a dual-RP router whose standby is cold.
        DeviceSpec::new("asa-vpn-03", CiscoAsa, AnyconnectLicenseNearLimit).latency(l),
        DeviceSpec::new("xe-core-02", CiscoXe, RedundancyNotReady).latency(l),
        DeviceSpec::new("rtr-lab-09", CiscoIos, RefuseConnection).latency(l),
        DeviceSpec::new("asa-branch-03", CiscoAsa, WrongCredentials).latency(l),
        // Multiple-context mode (issue 13): one row per security context.
        DeviceSpec::new("asa-mc-01", CiscoAsa, MultiContext).latency(l),
    ]
}

/// Whether `scenario` means something on `platform` (session-level scenarios and NTP apply
/// everywhere; crypto ones, including the huge `show crypto ipsec sa`, on IOS/XE and ASA;
/// CERM on IOS/XE; MAPI/CMS on WAAS; a context change on the ASA).
pub fn applies_to(scenario: Scenario, platform: Platform) -> bool {
    use Scenario::*;
    let fam = platform.family();
    match scenario {
        Healthy | NtpUnsynced | RefuseConnection | WrongCredentials | WrongEnableSecret
        | NoPrompt | StallMidOutput | Blackhole | BannerThenSilence | KbdInteractiveOnly
        | DisconnectMidOutput | PagerStuck | Garbage | SlowDrip | SlowCommand => true,
        IkePskMismatch | IkeAggressiveStuck | IpsecOneWay | PeerDown | HugeOutput
        | CertExpiring | CertExpired | Ikev2StuckInNeg => fam != Platform::CiscoWaas,
        ContextChange => fam == Platform::CiscoAsa,
        IkeXauthOnL2l | CermTxLimit | CermTunnelLimit => fam == Platform::CiscoIos,
        AspExpiredVpnContext
        | FailoverStandbyFailed
        | L2lOneWay
        | MultiContext
        | AnyconnectLicenseNearLimit => fam == Platform::CiscoAsa,
        RedundancyNotReady => platform == Platform::CiscoXe,
        CryptoSessionDown | DmvpnSpokeNhrp => fam == Platform::CiscoIos,
        MapiLicenseShutdown | MapiEncryptedHandoff | MapiOverload | EmapiVerifyFailed
        | CmsStoreClosed => fam == Platform::CiscoWaas,
    }
}

/// `n` generated devices named `<kind>-NNNN` (`rtr`, `asa`, `wae`, `xe`).
///
/// Platforms cycle IOS, ASA, WAAS, XE. With `Some(scenario)` every device plays it, and the
/// platforms cycle only over those it applies to. With `None` (a mix), the k-th device of a
/// platform is healthy when k is even, and otherwise plays the next of that platform's fault
/// scenarios in [`Scenario::ALL`] order. Every third device logs in privileged (no enable
/// secret) unless it plays `WrongEnableSecret`; the rest have [`SIM_ENABLE_SECRET`].
pub fn fleet_specs(n: usize, scenario: Option<Scenario>, latency: Duration) -> Vec<DeviceSpec> {
    let all = [
        Platform::CiscoIos,
        Platform::CiscoAsa,
        Platform::CiscoWaas,
        Platform::CiscoXe,
    ];
    let platforms: Vec<Platform> = match scenario {
        Some(s) => all.into_iter().filter(|p| applies_to(s, *p)).collect(),
        None => all.to_vec(),
    };
    if platforms.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            let np = platforms.len();
            let platform = platforms[i % np];
            let k = i / np;
            let sc = scenario.unwrap_or_else(|| {
                let faults: Vec<Scenario> = Scenario::ALL
                    .iter()
                    .copied()
                    .filter(|s| *s != Scenario::Healthy && applies_to(*s, platform))
                    .collect();
                if k.is_multiple_of(2) || faults.is_empty() {
                    Scenario::Healthy
                } else {
                    faults[(k / 2) % faults.len()]
                }
            });
            let kind = match platform {
                Platform::CiscoIos => "rtr",
                Platform::CiscoAsa => "asa",
                Platform::CiscoWaas => "wae",
                Platform::CiscoXe => "xe",
            };
            let name = format!("{kind}-{:04}", i + 1);
            let mut spec = DeviceSpec::new(&name, platform, sc).latency(latency);
            if i % 3 == 2 && sc != Scenario::WrongEnableSecret {
                spec = spec.privileged_login();
            }
            spec
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_fleet_covers_the_brief() {
        let d = demo_specs();
        assert_eq!(d.len(), 20);
        let has = |p: Platform, s: Scenario| d.iter().any(|x| x.platform == p && x.scenario == s);
        assert!(has(Platform::CiscoIos, Scenario::Healthy));
        assert!(has(Platform::CiscoAsa, Scenario::IkePskMismatch));
        assert!(has(Platform::CiscoIos, Scenario::CermTxLimit));
        assert!(has(Platform::CiscoWaas, Scenario::MapiLicenseShutdown));
        assert!(has(Platform::CiscoWaas, Scenario::MapiEncryptedHandoff));
        assert!(has(Platform::CiscoWaas, Scenario::Healthy));
        assert!(has(Platform::CiscoAsa, Scenario::Healthy));
        assert!(has(Platform::CiscoXe, Scenario::Healthy));
        assert!(has(Platform::CiscoXe, Scenario::DmvpnSpokeNhrp));
        assert!(has(Platform::CiscoIos, Scenario::CryptoSessionDown));
        assert!(has(Platform::CiscoAsa, Scenario::FailoverStandbyFailed));
        assert!(has(Platform::CiscoAsa, Scenario::CertExpiring));
        assert!(d
            .iter()
            .any(|x| x.scenario == Scenario::MultiContext && x.contexts.len() == 3));
        assert!(has(Platform::CiscoAsa, Scenario::Ikev2StuckInNeg));
        assert!(has(
            Platform::CiscoAsa,
            Scenario::AnyconnectLicenseNearLimit
        ));
        assert!(has(Platform::CiscoXe, Scenario::RedundancyNotReady));
        let wrong = d.iter().find(|x| x.scenario == Scenario::WrongCredentials);
        assert!(wrong.is_some_and(|w| w.password != SIM_PASSWORD));
        assert!(d.iter().any(|x| x.scenario == Scenario::RefuseConnection));
        let mut names: Vec<&str> = d.iter().map(|x| x.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), d.len());
    }

    #[test]
    fn fleet_specs_mix_is_deterministic_and_applicable() {
        // Large enough that every platform cycles through all its faults: 4 platforms, every
        // second device of a platform faulty.
        let most = Platform::ALL
            .iter()
            .map(|p| {
                Scenario::ALL
                    .iter()
                    .filter(|s| **s != Scenario::Healthy && applies_to(**s, *p))
                    .count()
            })
            .max()
            .unwrap_or(0);
        let n = (8 * most).max(200);
        let a = fleet_specs(n, None, Duration::from_millis(50));
        assert_eq!(a, fleet_specs(n, None, Duration::from_millis(50)));
        assert_eq!(a.len(), n);
        assert!(a.iter().all(|s| applies_to(s.scenario, s.platform)));
        assert!(a.iter().all(|s| s.latency == Duration::from_millis(50)));
        for p in Platform::ALL {
            assert!(a.iter().any(|s| s.platform == p));
        }
        // Every scenario shows up.
        for sc in Scenario::ALL {
            assert!(a.iter().any(|s| s.scenario == *sc), "{sc} missing");
        }
        assert_eq!(a[0].name, "rtr-0001");
        assert_eq!(a[1].name, "asa-0002");
    }

    #[test]
    fn fleet_specs_single_scenario_uses_applicable_platforms() {
        let w = fleet_specs(5, Some(Scenario::MapiOverload), Duration::ZERO);
        assert!(w.iter().all(|s| s.platform == Platform::CiscoWaas));
        let h = fleet_specs(8, Some(Scenario::Healthy), Duration::ZERO);
        assert!(h.iter().all(|s| s.scenario == Scenario::Healthy));
        assert_eq!(
            h.iter().filter(|s| s.platform == Platform::CiscoXe).count(),
            2
        );
    }
}
