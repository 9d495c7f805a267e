//! Simulator scenarios end to end: `playbooks/health.yaml` → render → parse → rules (per
//! record, then the device rules), every scenario on every platform shows its symptom and
//! nothing else.

use super::*;

/// Every finding code for one simulated device, and the commands whose output did not parse
/// (or the findings of one device that share a code and subject: the history could not tell
/// them apart).
fn simulate(platform: Platform, scenario: Scenario, seed: u64) -> (BTreeSet<String>, Vec<String>) {
    let pb = fleetpoll::playbook::load(Path::new(common::HEALTH_PLAYBOOK))
        .expect("playbooks/health.yaml loads");
    let ctx = RenderCtx {
        platform,
        scenario,
        hostname: "sim-01",
        seed,
        drift: Default::default(),
    };
    let mut codes = BTreeSet::new();
    let mut identities = BTreeSet::new();
    let mut broken = Vec::new();
    let mut records: Vec<(String, Record)> = Vec::new();
    for c in pb.commands_for(platform) {
        let cmd = parse::normalize_command(&c.command);
        let Some(text) = fleetpoll::sim::render::render(&ctx, &cmd) else {
            broken.push(format!("{cmd}: not rendered"));
            continue;
        };
        let Some(spec) = c.parser else { continue };
        match (spec.parse)(&text) {
            Ok(r) => {
                for f in findings(&r, platform) {
                    if !identities.insert((f.code.clone(), f.subject.clone())) {
                        broken.push(format!(
                            "{cmd}: two {} findings about {}",
                            f.code, f.subject
                        ));
                    }
                    codes.insert(f.code);
                }
                records.push((c.command.clone(), r));
            }
            Err(e) => broken.push(format!("{cmd}: {e}")),
        }
    }
    // The rules over several records of the device (licences against sessions).
    let refs: Vec<(&str, &Record)> = records.iter().map(|(c, r)| (c.as_str(), r)).collect();
    fleetpoll::health::rules::check_device(&refs, platform, &Thresholds::default(), &mut |f| {
        codes.insert(f.code);
    });
    (codes, broken)
}

/// What each fault scenario must show, per platform (`None`: renders a healthy device there),
/// and which other codes may come along with it.
fn expected(
    platform: Platform,
    scenario: Scenario,
) -> (&'static [&'static str], &'static [&'static str]) {
    use Scenario::*;
    let ios = platform.family() == IOS;
    let asa = platform == ASA;
    let wae = platform == WAAS;
    match scenario {
        IkePskMismatch if asa => (&["IKE_PSK_MISMATCH"], &[]),
        // IOS plays the mismatch as MM_NO_STATE; its dead crypto map entry may count send errors.
        IkePskMismatch if ios => (&["IKE_P1_STUCK"], &["IPSEC_ERRORS"]),
        IkeAggressiveStuck if asa || ios => (&["IKE_AGGRESSIVE_STUCK"], &["IPSEC_ERRORS"]),
        IkeXauthOnL2l if ios => (&["IKE_XAUTH_ON_L2L"], &["IPSEC_ERRORS"]),
        IpsecOneWay if asa || ios => (&["IPSEC_ONE_WAY"], &["IPSEC_ERRORS"]),
        CermTxLimit if ios => (&["CERM_TX_NEAR_LIMIT"], &[]),
        CermTunnelLimit if ios => (&["CERM_TUNNELS_NEAR_LIMIT"], &[]),
        AspExpiredVpnContext if asa => (&["ASA_EXPIRED_VPN_CONTEXT"], &[]),
        CertExpiring if asa || ios => (&["CERT_EXPIRING"], &[]),
        CertExpired if asa || ios => (&["CERT_EXPIRED"], &[]),
        FailoverStandbyFailed if asa => (&["FAILOVER_NOT_READY"], &[]),
        // The one-way peer's IPsec SA shows the same symptom on its counters (decaps 0).
        L2lOneWay if asa => (&["VPN_ONE_WAY_L2L", "IPSEC_NO_DECAPS"], &[]),
        CryptoSessionDown if ios => (&["CRYPTO_SESSION_DOWN"], &[]),
        Ikev2StuckInNeg if asa || ios => (&["IKEV2_SA_NOT_READY"], &[]),
        AnyconnectLicenseNearLimit if asa => (&["ANYCONNECT_LICENSE_NEAR_LIMIT"], &[]),
        RedundancyNotReady if platform == XE => (&["REDUNDANCY_NOT_READY"], &[]),
        DmvpnSpokeNhrp if ios => (&["DMVPN_PEER_DOWN"], &[]),
        MapiLicenseShutdown if wae => (
            &["MAPI_LICENSE_SHUTDOWN", "LICENSE_ENTERPRISE_MISSING"],
            &["EMAPI_VERIFY_FAILED"],
        ),
        MapiEncryptedHandoff if wae => (&["MAPI_ENCRYPTED_HANDOFF"], &[]),
        MapiOverload if wae => (&["MAPI_NEAR_MAX_CONNECTIONS"], &[]),
        EmapiVerifyFailed if wae => (&["EMAPI_VERIFY_FAILED"], &[]),
        CmsStoreClosed if wae => (&["CMS_STORE_CLOSED"], &[]),
        // health.yaml polls `show ntp status` on every platform.
        NtpUnsynced => (&["NTP_UNSYNCED"], &[]),
        _ => (&[], &[]),
    }
}

#[test]
fn every_scenario_on_every_platform_shows_its_symptom_and_nothing_else() {
    let mut problems = Vec::new();
    for &scenario in Scenario::ALL {
        for platform in Platform::ALL {
            let (must, may) = expected(platform, scenario);
            for seed in [0u64, 1, 2, 3, 7, 42, 99, 1234, 65_535, u64::MAX] {
                let (got, broken) = simulate(platform, scenario, seed);
                let label = format!("{scenario} on {platform} seed {seed}");
                if !broken.is_empty() {
                    problems.push(format!("{label}: {broken:?}"));
                }
                for m in must {
                    if !got.contains(*m) {
                        problems.push(format!("{label}: missing {m}, got {got:?}"));
                    }
                }
                for g in &got {
                    if !must.contains(&g.as_str()) && !may.contains(&g.as_str()) {
                        problems.push(format!("{label}: unexpected {g}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ntp_unsynced_on_the_asa_is_seen_in_ntp_status() {
    let ctx = RenderCtx {
        platform: ASA,
        scenario: Scenario::NtpUnsynced,
        hostname: "sim-asa",
        seed: 5,
        drift: Default::default(),
    };
    let text = fleetpoll::sim::render::render(&ctx, "show ntp status").expect("rendered");
    assert_eq!(codes(&run(ASA, "show ntp status", &text)), ["NTP_UNSYNCED"]);
}
