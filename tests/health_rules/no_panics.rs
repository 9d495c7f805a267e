//! No panics on anything a parser accepts: every parsed fixture and the real-device corpus
//! through the rules with extreme thresholds, and numeric records from proptest.

use super::*;

fn extreme_thresholds() -> Vec<Thresholds> {
    vec![
        Thresholds::default(),
        Thresholds {
            cerm_available_pct: 0.0,
            ipsec_errors_max: 0,
            ipsec_errors_pct: 0.0,
            ipsec_one_way_min_pkts: 0,
            asp_expired_vpn_context_max: 0,
            vpn_load_pct: 0.0,
            mapi_active_pct: 0.0,
            mapi_dropped_max: 0,
            mapi_dropped_pct: 0.0,
            mapi_optimized_pct: 0.0,
            mapi_secured_max: 0,
            mapi_unsupported_max: 0,
            ntp_offset_ms_max: 0.0,
            cert_expiry_days: 0,
            ikev2_not_ready_secs: 0,
            anyconnect_license_pct: 0.0,
            anyconnect_license_critical_pct: 0.0,
            ipsec_errors_per_hour: 0.0,
            mapi_drops_per_hour: 0.0,
            asp_expired_vpn_context_per_hour: 0.0,
        },
        Thresholds {
            cerm_available_pct: 100.0,
            ipsec_errors_max: u64::MAX,
            ipsec_errors_pct: 100.0,
            ipsec_one_way_min_pkts: u64::MAX,
            asp_expired_vpn_context_max: u64::MAX,
            vpn_load_pct: 100.0,
            mapi_active_pct: 100.0,
            mapi_dropped_max: u64::MAX,
            mapi_dropped_pct: 100.0,
            mapi_optimized_pct: 100.0,
            mapi_secured_max: u64::MAX,
            mapi_unsupported_max: u64::MAX,
            ntp_offset_ms_max: f64::MAX,
            cert_expiry_days: 3650,
            ikev2_not_ready_secs: 86_400,
            anyconnect_license_pct: 100.0,
            anyconnect_license_critical_pct: 100.0,
            ipsec_errors_per_hour: f64::MAX,
            mapi_drops_per_hour: f64::MAX,
            asp_expired_vpn_context_per_hour: f64::MAX,
        },
    ]
}

#[test]
fn every_parsed_fixture_runs_through_the_rules_without_panicking() {
    let mut judged = 0;
    // Every parsed record of each platform as one device, for the device rules.
    let mut device: Vec<(Platform, String, Record)> = Vec::new();
    for case in common::fixtures::cases(&common::fixtures::local(), "txt") {
        let Some(platform) = case.platform else {
            continue;
        };
        let Some(spec) = parse::lookup(platform, &case.command) else {
            continue;
        };
        let text = std::fs::read_to_string(&case.path).unwrap();
        let Ok(r) = (spec.parse)(&text) else { continue };
        for t in extreme_thresholds() {
            assert!(t.validate().is_ok());
            let _ = findings_with(&r, platform, &t);
        }
        device.push((platform, case.command.clone(), r));
        judged += 1;
    }
    for t in extreme_thresholds() {
        for p in Platform::ALL {
            let recs: Vec<(&str, &Record)> = device
                .iter()
                .filter(|(q, _, _)| *q == p)
                .map(|(_, c, r)| (c.as_str(), r))
                .collect();
            fleetpoll::health::rules::check_device(&recs, p, &t, &mut |_| {});
        }
    }
    assert!(judged > 80, "only {judged} fixtures judged");
}

mod props {
    use super::*;
    use fleetpoll::parse::cerm::{Cerm, CermLimit};
    use fleetpoll::parse::ipsec::{IpsecSa, IpsecSaEntry};
    use fleetpoll::parse::waas::{AoGlobal, MapiStats};
    use proptest::prelude::*;

    fn num() -> impl Strategy<Value = u64> {
        prop_oneof![
            Just(0u64),
            Just(1u64),
            Just(u64::MAX),
            0u64..10_000,
            any::<u64>()
        ]
    }

    fn opt() -> impl Strategy<Value = Option<u64>> {
        prop::option::of(num())
    }

    fn pct() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), Just(100.0), 0.0f64..=100.0]
    }

    fn thresholds() -> impl Strategy<Value = Thresholds> {
        (
            pct(),
            num(),
            pct(),
            num(),
            num(),
            pct(),
            pct(),
            (num(), pct(), pct(), num(), num()),
        )
            .prop_map(
                |(cerm, emax, epct, minp, asp, vpn, active, (dmax, dpct, opt, sec, uns))| {
                    Thresholds {
                        cerm_available_pct: cerm,
                        ipsec_errors_max: emax,
                        ipsec_errors_pct: epct,
                        ipsec_one_way_min_pkts: minp,
                        asp_expired_vpn_context_max: asp,
                        vpn_load_pct: vpn,
                        mapi_active_pct: active,
                        mapi_dropped_max: dmax,
                        mapi_dropped_pct: dpct,
                        mapi_optimized_pct: opt,
                        mapi_secured_max: sec,
                        mapi_unsupported_max: uns,
                        ntp_offset_ms_max: 1000.0,
                        cert_expiry_days: uns % 3651,
                        ikev2_not_ready_secs: sec % 86_401,
                        anyconnect_license_pct: vpn,
                        anyconnect_license_critical_pct: vpn,
                        ..Thresholds::default()
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn numeric_records_never_panic(
            t in thresholds(),
            counters in prop::collection::vec(opt(), 16),
            enabled in any::<bool>(),
        ) {
            prop_assert!(t.validate().is_ok());
            let c = |i: usize| counters.get(i).copied().flatten();
            let lim = |i: usize| Some(CermLimit { maximum: c(i).unwrap_or(0), available: c(i + 1).unwrap_or(0) });
            let recs = [
                Record::Cerm(Cerm { enabled, tx_kbps: lim(0), rx_kbps: lim(2), tunnels: lim(4), tls_sessions: lim(6), ..Default::default() }),
                Record::IpsecSa(IpsecSa { entries: vec![IpsecSaEntry {
                    pkts_encaps: c(0), pkts_decaps: c(1), send_errors: c(2), recv_errors: c(3), ..Default::default()
                }] }),
                Record::MapiStats(MapiStats {
                    global: AoGlobal {
                        total_handled: c(4), total_optimized: c(5), total_dropped: c(6),
                        current_active: c(7), max_active: c(8), total_handed_off: c(9), ..Default::default()
                    },
                    secured_connections: c(10), lower_than_2000_sessions: c(11), higher_than_2007_sessions: c(12),
                    ..Default::default()
                }),
            ];
            for r in &recs {
                for p in Platform::ALL {
                    let _ = findings_with(r, p, &t);
                }
            }
        }
    }
}

/// The real-device corpus (`../shared/fixtures`, when present): every raw output a registered
/// parser reads goes through the rules without panicking; the findings are printed for review
/// (`cargo test --test health_rules real_device -- --nocapture`).
#[test]
fn real_device_corpus_runs_through_the_rules() {
    let root = common::fixtures::shared_root();
    if !root.is_dir() {
        eprintln!("note: {} not found, corpus sweep skipped", root.display());
        return;
    }
    for case in common::fixtures::cases(&root, "raw") {
        let Some(platform) = case.platform else {
            continue;
        };
        let Some(spec) = parse::lookup(platform, &case.command) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&case.path) else {
            continue;
        };
        let Ok(r) = (spec.parse)(&text) else { continue };
        for t in extreme_thresholds() {
            let _ = findings_with(&r, platform, &t);
        }
        for f in findings(&r, platform) {
            println!(
                "{}/{}: {} {}",
                platform,
                case.path.file_name().unwrap_or_default().to_string_lossy(),
                f.code,
                f.evidence
            );
        }
    }
}
