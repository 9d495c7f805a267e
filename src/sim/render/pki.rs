//! Simulated certificates and ASA failover (issue 13), in the real formats `parse::pki` and
//! `parse::failover` read: IOS / IOS-XE `show crypto pki certificates [verbose]`, ASA `show
//! crypto ca certificates` and `show failover`.
//!
//! Certificate dates follow the simulated clock (the real date, UTC midnight): healthy devices hold an
//! identity certificate with 200–400 days left and a CA with years left; `CertExpiring` leaves
//! the identity certificate 10 days, `CertExpired` ended it 5 days ago. Failover: an ASA is the
//! Active primary of a pair with its mate Standby Ready; `FailoverStandbyFailed` fails the mate.

use super::mix;
use crate::sim::scenario::{RenderCtx, Scenario};
use crate::Platform;
use chrono::{DateTime, Duration, Utc};
use std::fmt::Write as _;

/// The commands this family answers (canonical spelling).
pub const COMMANDS: &[&str] = &[
    "show crypto pki certificates",
    "show crypto pki certificates verbose",
    "show crypto ca certificates",
    "show failover",
];

fn canonical(command: &str) -> Option<&'static str> {
    super::canonical(COMMANDS, command)
}

pub fn render(ctx: &RenderCtx<'_>, command: &str) -> Option<String> {
    let ios = matches!(ctx.platform, Platform::CiscoIos | Platform::CiscoXe);
    let asa = ctx.platform == Platform::CiscoAsa;
    Some(match canonical(command)? {
        "show crypto pki certificates" if ios => certificates(ctx, today(), false),
        "show crypto pki certificates verbose" if ios => certificates(ctx, today(), true),
        "show crypto ca certificates" if asa => certificates(ctx, today(), false),
        "show failover" if asa => failover(ctx),
        _ => return None,
    })
}

/// Midnight UTC of the simulated clock: certificate dates stay the same between two
/// snapshots taken the same day (a diff sees no change), and move with the real date.
fn today() -> DateTime<Utc> {
    let now = Utc::now();
    now - Duration::seconds(now.timestamp().rem_euclid(86_400))
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S UTC %b %-d %Y").to_string()
}

/// The certificates of one device at `now`.
pub fn certificates(ctx: &RenderCtx<'_>, now: DateTime<Utc>, verbose: bool) -> String {
    let s = ctx.seed;
    let asa = ctx.platform == Platform::CiscoAsa;
    let host = ctx.hostname;
    let left = match ctx.scenario {
        Scenario::CertExpiring => Duration::days(10),
        Scenario::CertExpired => -Duration::days(5),
        _ => Duration::days(200 + (mix(s, 70) % 200) as i64),
    };
    let id_end = now + left;
    let id_start = id_end - Duration::days(365);
    let ca_start = now - Duration::days(800 + (mix(s, 71) % 400) as i64);
    let ca_end = ca_start + Duration::days(3652);
    let serial = format!("{:X}", 0x100 + mix(s, 72) % 0xF00);
    let (sn, issuer, subject, storage) = if asa {
        (
            "Certificate Serial Number:",
            "Issuer Name:",
            "Subject Name:",
            "  Storage:       config\n".to_string(),
        )
    } else {
        (
            "Certificate Serial Number (hex):",
            "Issuer:",
            "Subject:",
            format!("  Storage: nvram:SimIssuingC#{serial}.cer\n"),
        )
    };
    let mut o = String::new();
    let _ = writeln!(o, "Certificate\n  Status: Available");
    let _ = writeln!(o, "  {sn} {serial}\n  Certificate Usage: General Purpose");
    if asa {
        let _ = writeln!(o, "  Public Key Type: RSA (2048 bits)");
        let _ = writeln!(o, "  Signature Algorithm: SHA256 with RSA Encryption");
    }
    let _ = writeln!(o, "  {issuer} \n    cn=Sim Issuing CA\n    o=Example");
    if asa {
        let _ = writeln!(o, "  {subject}\n    hostname={host}\n    cn={host}.example");
    } else {
        let _ = writeln!(
            o,
            "  {subject}\n    Name: {host}.example\n    hostname={host}.example"
        );
    }
    let _ = writeln!(o, "  Validity Date: ");
    let _ = writeln!(o, "    start date: {}", date(id_start));
    let _ = writeln!(o, "    end   date: {}", date(id_end));
    if verbose {
        let _ = writeln!(o, "  Subject Key Info:\n    Public Key Algorithm: rsaEncryption\n    RSA Public Key: (2048 bit)");
        let _ = writeln!(o, "  Signature Algorithm: SHA256 with RSA Encryption");
        let _ = writeln!(o, "  X509v3 extensions:\n    X509v3 Key Usage: A0000000\n      Digital Signature\n      Key Encipherment");
    }
    if asa {
        o.push_str(&storage);
        let _ = writeln!(o, "  Associated Trustpoints: TP-VPN \n");
    } else {
        let _ = writeln!(o, "  Associated Trustpoints: TP-VPN ");
        o.push_str(&storage);
        o.push('\n');
    }
    let _ = writeln!(o, "CA Certificate\n  Status: Available");
    let _ = writeln!(o, "  {sn} 01\n  Certificate Usage: Signature");
    let _ = writeln!(o, "  {issuer} \n    cn=Sim Issuing CA\n    o=Example");
    let _ = writeln!(o, "  {subject} \n    cn=Sim Issuing CA\n    o=Example");
    let _ = writeln!(o, "  Validity Date: ");
    let _ = writeln!(o, "    start date: {}", date(ca_start));
    let _ = writeln!(o, "    end   date: {}", date(ca_end));
    if asa {
        o.push_str("  Storage:       config\n  Associated Trustpoints: TP-VPN \n");
    } else {
        o.push_str("  Associated Trustpoints: TP-VPN \n  Storage: nvram:SimIssuingC#1CA.cer\n");
    }
    o
}

/// ASA `show failover`: an Active/Standby pair, the mate `Failed` under
/// `FailoverStandbyFailed`.
pub fn failover(ctx: &RenderCtx<'_>) -> String {
    let s = ctx.seed;
    let other = if ctx.scenario == Scenario::FailoverStandbyFailed {
        "Failed"
    } else {
        "Standby Ready"
    };
    let net = 10 + mix(s, 80) % 200;
    let active = 3_600 + mix(s, 81) % 5_000_000;
    let mut o = String::new();
    o.push_str("Failover On \nFailover unit Primary\n");
    o.push_str("Failover LAN Interface: folink GigabitEthernet0/3 (up)\n");
    o.push_str("Reconnect timeout 0:00:00\nUnit Poll frequency 1 seconds, holdtime 15 seconds\n");
    o.push_str("Interface Poll frequency 5 seconds, holdtime 25 seconds\nInterface Policy 1\n");
    o.push_str("Monitored Interfaces 2 of 1049 maximum\n");
    o.push_str("Version: Ours 9.16(4)19, Mate 9.16(4)19\n");
    let last = Utc::now() - Duration::seconds(active as i64);
    let _ = writeln!(o, "Last Failover at: {}", date(last));
    let _ = writeln!(
        o,
        "\tThis host: Primary - Active \n\t\tActive time: {active} (sec)"
    );
    let _ = writeln!(
        o,
        "\t\t  Interface outside (203.0.113.{}): Normal (Monitored)",
        1 + net % 100
    );
    let _ = writeln!(
        o,
        "\t\t  Interface inside (10.{net}.0.1): Normal (Monitored)"
    );
    let _ = writeln!(
        o,
        "\tOther host: Secondary - {other} \n\t\tActive time: 0 (sec)"
    );
    let st = if other == "Failed" {
        "Failed (Waiting)"
    } else {
        "Normal (Monitored)"
    };
    let _ = writeln!(
        o,
        "\t\t  Interface outside (203.0.113.{}): {st}",
        2 + net % 100
    );
    let _ = writeln!(o, "\t\t  Interface inside (10.{net}.0.2): {st}");
    o.push_str(
        "\nStateful Failover Logical Update Statistics\n\tLink : folink GigabitEthernet0/3 (up)\n",
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{lookup, Record};

    fn ctx(platform: Platform, scenario: Scenario) -> RenderCtx<'static> {
        RenderCtx {
            platform,
            scenario,
            hostname: "sim-01",
            seed: 7,
            drift: Default::default(),
        }
    }

    #[test]
    fn rendered_outputs_parse_with_dates_relative_to_the_clock() {
        let now = Utc::now();
        for (p, cmd) in [
            (Platform::CiscoIos, "show crypto pki certificates"),
            (Platform::CiscoXe, "show crypto pki certificates verbose"),
            (Platform::CiscoAsa, "show crypto ca certificates"),
        ] {
            for (sc, lo, hi) in [
                (Scenario::Healthy, 199, 400),
                (Scenario::CertExpiring, 9, 10),
                (Scenario::CertExpired, -6, -5),
            ] {
                let text = render(&ctx(p, sc), cmd).unwrap();
                let Record::Certificates(r) = (lookup(p, cmd).unwrap().parse)(&text).unwrap()
                else {
                    panic!("not certificates")
                };
                assert_eq!(r.certificates.len(), 2, "{text}");
                let end = r.certificates[0].end.as_ref().unwrap().utc.unwrap();
                let days = (end - now).num_days();
                assert!((lo..=hi).contains(&days), "{p} {sc}: {days}");
            }
        }
        let text = render(
            &ctx(Platform::CiscoAsa, Scenario::FailoverStandbyFailed),
            "sh failover",
        )
        .unwrap();
        let Record::Failover(f) =
            (lookup(Platform::CiscoAsa, "show failover").unwrap().parse)(&text).unwrap()
        else {
            panic!("not failover")
        };
        assert_eq!(f.other_host.unwrap().state.as_deref(), Some("Failed"));
        assert!(render(&ctx(Platform::CiscoIos, Scenario::Healthy), "show failover").is_none());
    }
}
