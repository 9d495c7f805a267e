//! Unit tests of `crypto`.

use super::*;
use crate::parse::asa::{AspDrop, VpnSessiondbSummary};
use crate::parse::isakmp::IkeState;
use crate::parse::{lookup, Record};

fn ctx(platform: Platform, scenario: Scenario, seed: u64) -> RenderCtx<'static> {
    RenderCtx {
        platform,
        scenario,
        hostname: "sim-vpn-03",
        seed,
        drift: Default::default(),
    }
}

/// Render, parse with the registered parser, and return the record and the metrics.
fn parsed(c: &RenderCtx<'_>, cmd: &str) -> (Record, Vec<(&'static str, Option<String>)>) {
    let out =
        render(c, cmd).unwrap_or_else(|| panic!("{:?} renders nothing for {cmd}", c.platform));
    let spec =
        lookup(c.platform, cmd).unwrap_or_else(|| panic!("no parser for {:?} {cmd}", c.platform));
    let rec = (spec.parse)(&out).unwrap_or_else(|e| {
        panic!(
            "{:?} {:?} seed {} `{cmd}`: {e}\n{out}",
            c.platform, c.scenario, c.seed
        )
    });
    let metrics = spec
        .metrics
        .iter()
        .map(|m| (m.name, (m.get)(&rec)))
        .collect();
    (rec, metrics)
}

fn metric(ms: &[(&'static str, Option<String>)], name: &str) -> String {
    ms.iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no metric {name}"))
}

const SEEDS: &[u64] = &[0, 1, 2, 7, 42, 255, 1_000_003, u64::MAX];

#[test]
fn not_my_command_or_platform() {
    let ios = ctx(Platform::CiscoIos, Scenario::Healthy, 1);
    let asa = ctx(Platform::CiscoAsa, Scenario::Healthy, 1);
    let waas = ctx(Platform::CiscoWaas, Scenario::Healthy, 1);
    assert!(render(&ios, "show version").is_none());
    assert!(render(&ios, "show asp drop").is_none());
    assert!(render(&ios, "show vpn-sessiondb summary").is_none());
    assert!(render(&asa, "show platform cerm-information").is_none());
    assert!(render(&ios, "show crypto isakmp sa count").is_none());
    for c in COMMANDS {
        assert!(render(&waas, c).is_none(), "{c}");
    }
    assert!(render(&ios, "sh cry isa sa").is_some());
    assert!(render(&asa, "sh cry ipsec sa peer 10.1.10.2").is_some());
}

#[test]
fn every_scenario_platform_and_command_parses_to_the_scenario_values() {
    let platforms = [Platform::CiscoIos, Platform::CiscoXe, Platform::CiscoAsa];
    for &platform in &platforms {
        let asa = platform == Platform::CiscoAsa;
        for &scenario in Scenario::ALL {
            for &seed in SEEDS {
                let c = ctx(platform, scenario, seed);
                let label = format!("{platform} {scenario} seed {seed}");
                let healthy_n = Dev::new(&ctx(platform, Scenario::Healthy, seed))
                    .peers
                    .len();

                // Phase 1.
                let (rec, ms) = parsed(&c, "show crypto isakmp sa");
                let Record::IsakmpSa(mut ike) = rec else {
                    panic!("{label}: not an isakmp record")
                };
                // The IKEv2 SAs: their own command, and (ASA) the isakmp output's IKEv2 section.
                let (Record::Ikev2Sas(v2), _) = parsed(&c, "show crypto ikev2 sa") else {
                    panic!("{label}: not an ikev2 sa record")
                };
                let (v2_total, v2_down) = if asa {
                    (v2.sas.len(), v2.not_ready())
                } else {
                    (0, 0)
                };
                let in_isakmp = ike.sas.iter().filter(|s| s.ike_version == Some(2));
                assert_eq!(in_isakmp.count(), v2_total, "{label}");
                ike.sas.retain(|s| s.ike_version != Some(2));
                let total = metric(&ms, "ike_sa_total").parse::<usize>().unwrap_or(0) - v2_total;
                let down = metric(&ms, "ike_sa_down").parse::<usize>().unwrap_or(0) - v2_down;
                let down = down.to_string();
                let count = |s: IkeState| {
                    ike.sas
                        .iter()
                        .filter(|x| x.state == Some(s.clone()))
                        .count()
                };
                let want_total = if scenario == Scenario::PeerDown {
                    healthy_n - 1
                } else {
                    healthy_n
                };
                assert_eq!(total, want_total, "{label}");
                assert!((2..=4).contains(&healthy_n), "{label}");
                match scenario {
                    Scenario::IkePskMismatch if asa => {
                        assert_eq!(count(IkeState::MmWaitMsg6), 1, "{label}");
                        assert_eq!(down, "1", "{label}");
                    }
                    Scenario::IkePskMismatch => {
                        assert_eq!(count(IkeState::MmNoState), 1, "{label}");
                        assert_eq!(down, "1", "{label}");
                    }
                    Scenario::IkeAggressiveStuck => {
                        assert_eq!(count(IkeState::AgInitExch), 1, "{label}");
                        assert_eq!(down, "1", "{label}");
                    }
                    Scenario::IkeXauthOnL2l if !asa => {
                        assert_eq!(count(IkeState::ConfXauth), 1, "{label}");
                        assert_eq!(down, "1", "{label}");
                    }
                    _ => assert_eq!(down, "0", "{label}"),
                }
                if asa {
                    assert_eq!(ike.total_ike_sa, Some(want_total as u64), "{label}");
                    assert!(ike.sas.iter().all(|s| s.peer.is_some()), "{label}");
                    let (Record::IsakmpSa(v1), _) = parsed(&c, "show crypto ikev1 sa") else {
                        panic!("{label}: ikev1")
                    };
                    assert_eq!(v1.sas.len(), want_total, "{label}");
                } else {
                    assert!(
                        ike.sas.iter().all(|s| s
                            .dst
                            .as_deref()
                            .is_some_and(|d| d.starts_with(&format!("10.{}.", seed % 256)))),
                        "{label}"
                    );
                }

                // `detail`: every negotiated SA (IOS) / every SA with its state (ASA).
                let (Record::IsakmpSa(det), _) = parsed(&c, "show crypto isakmp sa detail") else {
                    panic!("{label}: isakmp detail")
                };
                if asa {
                    assert_eq!(det.sas.len(), want_total + v2_total, "{label}");
                    assert_eq!(det.up(), ike.up() + v2.ready(), "{label}");
                } else {
                    assert_eq!(det.sas.len(), ike.up(), "{label}");
                    assert_eq!(det.down(), 0, "{label}");
                }

                // Phase 2.
                let (rec, ms) = parsed(&c, "show crypto ipsec sa");
                let Record::IpsecSa(ipsec) = rec else {
                    panic!("{label}: not an ipsec record")
                };
                let up = ike.up();
                let want_one_way = if scenario == Scenario::IpsecOneWay {
                    "1"
                } else {
                    "0"
                };
                assert_eq!(metric(&ms, "ipsec_one_way"), want_one_way, "{label}");
                let with_sas = ipsec
                    .entries
                    .iter()
                    .filter(|e| !e.inbound.is_empty())
                    .count();
                assert_eq!(with_sas, up, "{label}");
                assert!(
                    ipsec
                        .entries
                        .iter()
                        .all(|e| e.inbound.len() == e.outbound.len()),
                    "{label}"
                );
                if !asa {
                    assert_eq!(ipsec.entries.len(), want_total, "{label}");
                }
                // `peer X` shows that peer only; `detail` parses too.
                if let Some(first) = ipsec.entries.first().and_then(|e| e.current_peer.clone()) {
                    let (Record::IpsecSa(one), _) =
                        parsed(&c, &format!("show crypto ipsec sa peer {first}"))
                    else {
                        panic!("{label}: peer")
                    };
                    assert_eq!(one.entries.len(), 1, "{label}");
                }
                let (Record::IpsecSa(det), _) = parsed(&c, "show crypto ipsec sa detail") else {
                    panic!("{label}: detail")
                };
                assert_eq!(det.entries.len(), ipsec.entries.len(), "{label}");

                if asa {
                    let (rec, ms) = parsed(&c, "show vpn-sessiondb summary");
                    let Record::VpnSessiondbSummary(VpnSessiondbSummary { .. }) = rec else {
                        panic!("{label}: vpn")
                    };
                    assert_eq!(metric(&ms, "vpn_l2l_active"), up.to_string(), "{label}");
                    let ac_active = metric(&ms, "vpn_anyconnect_active");
                    // The session tables list the same peers / sessions.
                    let want_l2l_one_way = if scenario == Scenario::L2lOneWay {
                        "1"
                    } else {
                        "0"
                    };
                    let no_decaps = ipsec
                        .entries
                        .iter()
                        .filter(|e| {
                            e.pkts_decaps == Some(0) && e.pkts_encaps.is_some_and(|x| x > 0)
                        })
                        .count();
                    assert_eq!(no_decaps.to_string(), want_l2l_one_way, "{label}");
                    for cmd in ["show vpn-sessiondb l2l", "show vpn-sessiondb detail l2l"] {
                        let (Record::VpnL2l(l2l), ms) = parsed(&c, cmd) else {
                            panic!("{label}: {cmd}")
                        };
                        assert_eq!(metric(&ms, "vpn_l2l_sessions"), up.to_string(), "{label}");
                        assert_eq!(metric(&ms, "vpn_l2l_one_way"), want_l2l_one_way, "{label}");
                        for s in &l2l.sessions {
                            let peer = s.peer();
                            let e = ipsec
                                .entries
                                .iter()
                                .find(|e| e.current_peer.as_deref() == Some(peer.as_str()))
                                .unwrap_or_else(|| panic!("{label}: {peer} not in ipsec sa"));
                            assert_eq!(s.bytes_tx == Some(0), e.pkts_encaps == Some(0), "{label}");
                            assert_eq!(s.bytes_rx == Some(0), e.pkts_decaps == Some(0), "{label}");
                            if cmd.contains("detail") {
                                assert_eq!(s.ipsec.len(), 1, "{label}");
                                assert_eq!(s.ipsec[0].pkts_tx, e.pkts_encaps, "{label}");
                                assert_eq!(s.ipsec[0].pkts_rx, e.pkts_decaps, "{label}");
                            }
                        }
                    }
                    let (_, ms) = parsed(&c, "show vpn-sessiondb anyconnect");
                    assert_eq!(metric(&ms, "vpn_anyconnect_sessions"), ac_active, "{label}");
                    let (rec, ms) = parsed(&c, "show asp drop");
                    let Record::AspDrop(AspDrop { .. }) = rec else {
                        panic!("{label}: asp")
                    };
                    let expired: u64 = metric(&ms, "asp_expired_vpn_context").parse().unwrap_or(0);
                    if scenario == Scenario::AspExpiredVpnContext {
                        assert!(expired >= 100_000, "{label}");
                    } else {
                        assert_eq!(expired, 0, "{label}");
                    }
                } else {
                    let (Record::Cerm(cerm), ms) = parsed(&c, "show platform cerm-information")
                    else {
                        panic!("{label}: cerm")
                    };
                    assert!(cerm.enabled, "{label}");
                    assert_eq!(metric(&ms, "cerm_tx_kbps_max"), "85000", "{label}");
                    assert_eq!(metric(&ms, "cerm_tunnels_max"), "225", "{label}");
                    let tx: u64 = metric(&ms, "cerm_tx_kbps_available").parse().unwrap_or(0);
                    let tunnels: u64 = metric(&ms, "cerm_tunnels_available").parse().unwrap_or(0);
                    match scenario {
                        Scenario::CermTxLimit => assert_eq!(tx, 0, "{label}"),
                        _ => assert!(tx > 0, "{label}"),
                    }
                    match scenario {
                        Scenario::CermTunnelLimit => assert_eq!(tunnels, 3, "{label}"),
                        _ => assert!(tunnels > 200, "{label}"),
                    }
                }
            }
        }
    }
}

#[test]
fn deterministic_per_seed_and_varied_between_seeds() {
    let a = ctx(Platform::CiscoAsa, Scenario::Healthy, 5);
    let b = ctx(Platform::CiscoAsa, Scenario::Healthy, 6);
    for cmd in [
        "show crypto isakmp sa",
        "show crypto ipsec sa",
        "show asp drop",
    ] {
        assert_eq!(render(&a, cmd), render(&a, cmd));
        assert_ne!(render(&a, cmd), render(&b, cmd), "{cmd}");
    }
    let ios = ctx(Platform::CiscoIos, Scenario::Healthy, 77);
    let out = render(&ios, "show crypto isakmp sa").unwrap_or_default();
    assert!(out.contains("10.77.10.2"), "{out}");
}

#[test]
fn ikev2_sa_plain_and_detail_agree_and_only_the_stuck_scenario_is_a_finding() {
    use crate::health::rules::{check_record, Thresholds};
    use crate::parse::ikev2_sa::Ikev2SaStatus;
    let mut saw_rekey = false;
    for platform in [Platform::CiscoIos, Platform::CiscoXe, Platform::CiscoAsa] {
        let asa = platform == Platform::CiscoAsa;
        for scenario in [
            Scenario::Healthy,
            Scenario::Ikev2StuckInNeg,
            Scenario::PeerDown,
        ] {
            for &seed in SEEDS {
                let c = ctx(platform, scenario, seed);
                let label = format!("{platform} {scenario} seed {seed}");
                let (Record::Ikev2Sas(plain), ms) = parsed(&c, "show crypto ikev2 sa") else {
                    panic!("{label}: not an ikev2 sa record")
                };
                let detail_cmd = if asa {
                    "show crypto ikev2 sa detail"
                } else {
                    "show crypto ikev2 sa detailed"
                };
                let (Record::Ikev2Sas(det), _) = parsed(&c, detail_cmd) else {
                    panic!("{label}: detail")
                };
                assert!(!plain.sas.is_empty(), "{label}");
                let key = |r: &crate::parse::ikev2_sa::Ikev2Sas| {
                    r.sas
                        .iter()
                        .map(|s| (s.tunnel_id, s.remote.clone(), s.status.clone()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(key(&plain), key(&det), "{label}");
                assert!(det.sas.iter().all(|s| s.local_spi.is_some()), "{label}");
                let rekey = plain.sas.iter().any(|s| s.status == Ikev2SaStatus::Delete);
                saw_rekey |= rekey;
                let in_neg = plain
                    .sas
                    .iter()
                    .filter(|s| s.status == Ikev2SaStatus::InNeg)
                    .count();
                let stuck = scenario == Scenario::Ikev2StuckInNeg;
                assert_eq!(in_neg, usize::from(stuck), "{label}");
                assert_eq!(
                    metric(&ms, "ikev2_sa_not_ready"),
                    (usize::from(stuck) + usize::from(rekey)).to_string(),
                    "{label}"
                );
                if asa {
                    // Every READY session carries its child SA; counts match what is printed.
                    for s in &plain.sas {
                        assert!(s.ike_count.is_some(), "{label}");
                    }
                    let children: u64 = plain
                        .sas
                        .iter()
                        .filter(|s| s.is_ready())
                        .filter_map(|s| s.child_count)
                        .sum();
                    assert_eq!(plain.child_sas() as u64, children, "{label}");
                    assert_eq!(
                        det.sas
                            .iter()
                            .flat_map(|s| &s.child_sas)
                            .filter(|c| c.mode.as_deref() == Some("tunnel"))
                            .count(),
                        plain.child_sas(),
                        "{label}"
                    );
                }
                let mut codes = Vec::new();
                check_record(
                    &Record::Ikev2Sas(plain.clone()),
                    platform,
                    &Thresholds::default(),
                    &mut |f| codes.push((f.code, f.severity)),
                );
                let want = if stuck {
                    vec![(
                        "IKEV2_SA_NOT_READY".to_string(),
                        crate::outcome::Severity::Critical,
                    )]
                } else {
                    vec![]
                };
                assert_eq!(codes, want, "{label}");
            }
        }
    }
    assert!(saw_rekey, "some seed shows a rekey in progress");
    let ios = ctx(Platform::CiscoIos, Scenario::Healthy, 1);
    assert!(render(&ios, "sh cry ikev2 sa det").is_some());
    assert!(render(&ios, "show crypto ikev2 sa remote 10.1.1.1").is_none());
}

#[test]
fn asa_vpn_contexts_load_balancing_and_webvpn() {
    for &seed in SEEDS {
        let c = ctx(Platform::CiscoAsa, Scenario::Healthy, seed);
        let up = Dev::new(&c).up_peers().count();
        for cmd in [
            "show asp table vpn-context",
            "show asp table vpn-context detail",
        ] {
            let (rec, ms) = parsed(&c, cmd);
            let Record::AspVpnContext(v) = rec else {
                panic!("{cmd}")
            };
            assert_eq!(v.contexts.len(), 2 * up, "{cmd} seed {seed}");
            assert_eq!(metric(&ms, "vpn_contexts_not_up"), "0");
            assert_eq!(v.contexts.iter().filter(|x| x.is_inbound()).count(), up);
        }
        let (rec, _) = parsed(&c, "show asp table vpn-context detail");
        let Record::AspVpnContext(v) = rec else {
            panic!()
        };
        // The contexts are the IPsec SAs: the inbound one counts the SA's decaps.
        let Record::IpsecSa(sa) = parsed(&c, "show crypto ipsec sa").0 else {
            panic!()
        };
        let decaps: u64 = sa.entries.iter().map(|e| e.pkts_decaps.unwrap_or(0)).sum();
        let inbound: u64 = v
            .contexts
            .iter()
            .filter(|x| x.is_inbound())
            .filter_map(|x| x.pkts)
            .sum();
        assert_eq!(inbound, decaps, "seed {seed}");
        let (rec, ms) = parsed(&c, "show vpn load-balancing");
        let Record::VpnLoadBalancing(lb) = rec else {
            panic!()
        };
        assert!(!lb.enabled() && lb.peers.is_empty());
        assert_eq!(metric(&ms, "vpn_lb_status"), "Disabled");
        let Record::VpnWebvpn(w) = parsed(&c, "show vpn-sessiondb webvpn").0 else {
            panic!()
        };
        assert!(w.sessions.is_empty());
        // AnyConnect near its licence: 225–235 active sessions.
        let near = ctx(
            Platform::CiscoAsa,
            Scenario::AnyconnectLicenseNearLimit,
            seed,
        );
        let (_, ms) = parsed(&near, "show vpn-sessiondb summary");
        let n: u64 = metric(&ms, "vpn_anyconnect_active").parse().unwrap();
        assert!((225..=235).contains(&n), "{n}");
    }
    assert!(render(
        &ctx(Platform::CiscoIos, Scenario::Healthy, 1),
        "show vpn load-balancing"
    )
    .is_none());
}
