//! ASA failover: a unit not Active / Standby Ready (also per Active/Active group), failover Off
//! on a configured pair, and nothing when no pair is configured.

use super::*;

fn f(name: &str) -> Vec<Finding> {
    run(
        ASA,
        "show failover",
        &fixture("cisco_asa", "show_failover", name),
    )
}

#[test]
fn failover_rules() {
    assert!(f("asa9_active_standby_ready.txt").is_empty());
    assert!(f("asa_off_not_configured.txt").is_empty());
    let fs = f("asa9_standby_failed_crlf.txt");
    assert_eq!(codes(&fs), ["FAILOVER_NOT_READY"]);
    assert_eq!(
        fs[0].evidence,
        "other host: Primary - Failed (expected Active or Standby Ready)"
    );
    let fs = f("asa9_active_active_off_configured.txt");
    assert_eq!(codes(&fs), ["FAILOVER_DISABLED"]);
    assert_eq!(
        fs[0].evidence,
        "Failover Off, Failover LAN Interface: folink GigabitEthernet0/5 (down)"
    );
    // Active/Active, On: each group that is not ready is one finding.
    let fs = run(
        ASA,
        "show failover",
        "Failover On\nFailover LAN Interface: fo Gi0/5 (up)\n This host: Primary\n  Group 1 State: Active\n  Group 2 State: Standby Ready\n Other host: Secondary\n  Group 1 State: Cold Standby\n  Group 2 State: Active\n",
    );
    assert_eq!(codes(&fs), ["FAILOVER_NOT_READY"]);
    assert!(
        fs[0].evidence.contains("Secondary group 1 - Cold Standby"),
        "{}",
        fs[0].evidence
    );
    // This unit itself in Sync Config.
    let fs = run(
        ASA,
        "show failover",
        "Failover On\nFailover unit Secondary\nFailover LAN Interface: fo Gi0/5 (up)\n This host: Secondary - Sync Config\n Other host: Primary - Active\n",
    );
    assert_eq!(codes(&fs), ["FAILOVER_NOT_READY"]);
    assert!(
        fs[0]
            .message
            .contains("this host (Secondary) is Sync Config"),
        "{}",
        fs[0].message
    );
}
