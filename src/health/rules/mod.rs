//! The rule catalogue: one small pure rule per symptom that `shared/docs/domain.md` documents,
//! each citing the section of the seed guide it comes from:
//!
//! * `004` = `shared/seeds/004_9e6ca9aee7557788.txt`, "Most common IPsec VPN problems" (ASA and
//!   IOS; its section headings are lost in the translation, so rules name the problem the
//!   guide describes);
//! * `000` = `shared/seeds/000_971983dc0a372fd1.txt`, "WAAS – MAPI AO troubleshooting".
//!
//! Every rule reads one typed record (rules never see raw text) and reports through `emit`,
//! but one: [`license`] compares a licence record with the session records of the same device
//! ([`check_device`]).
//! A rule states what it saw (`message`), the peer / counter with the observed value against
//! the threshold (`evidence`) and the guide's remedy in one sentence (`remediation`). Healthy
//! states (IKE `MM_ACTIVE`, `QM_IDLE`, IKEv2 `READY`, CERM disabled, ...) never produce a
//! finding, and no rule divides by a maximum without checking it first.
//!
//! Rules by family: [`ike`] (phase 1), [`ikev2_sa`] (IKEv2 SAs not READY beyond a rekey, from
//! issue 13 and RFC 7296), [`ipsec`] (phase 2 counters), [`cerm`] (ISR G2
//! export limits), [`asa`] (sessions, ASP drops), [`waas`] (MAPI AO, eMAPI), [`time`] (NTP),
//! [`pki`] (certificate expiry) and [`failover`] (ASA failover pair), the last two from issue 13
//! and the Cisco IOS / ASA command references rather than the seeds. [`growth`] judges no
//! record: it compares a device's cumulative counters with its previous run (`--history`).

mod asa;
mod cerm;
mod failover;
pub mod growth;
mod ike;
mod ikev2;
mod ikev2_sa;
mod inventory;
mod ipsec;
mod license;
mod pki;
mod redundancy;
mod textfsm;
mod time;
mod vpn;
mod waas;

use super::clock::DeviceClock;
use super::{Finding, Severity};
use crate::parse::Record;
use crate::Platform;
use serde::Deserialize;

pub const COMMAND_FAILED_REMEDIATION: &str =
    "Check that the command exists on this software version and that the account may run it; see the JSONL error.";

/// What a rule is, for `--help`, the README and validation of playbook codes.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: &'static str,
    /// The severity of its findings; a rule that grades them (`IKEV2_SA_NOT_READY`) gives the
    /// worst here and may emit a milder one.
    pub severity: Severity,
    pub summary: &'static str,
    pub remediation: &'static str,
    /// The seed section the rule comes from.
    pub source: &'static str,
}

impl RuleInfo {
    /// A finding of this rule about `subject` (see [`Finding::subject`]) with its default
    /// severity and remediation.
    fn finding(&self, subject: impl Into<String>, message: String, evidence: String) -> Finding {
        Finding {
            code: self.code.to_string(),
            severity: self.severity,
            subject: subject.into(),
            message,
            evidence,
            remediation: self.remediation.to_string(),
            command: None,
            standing: None,
        }
    }
}

/// `COMMAND_FAILED` is emitted by `health::evaluate` itself, not by a record rule.
pub const COMMAND_FAILED: RuleInfo = RuleInfo {
    code: "COMMAND_FAILED",
    severity: Severity::Warning,
    summary: "a command was rejected, timed out or its output did not parse",
    remediation: COMMAND_FAILED_REMEDIATION,
    source: "fleetpoll",
};

/// `OUTPUT_INCOMPLETE` is emitted by `health::evaluate` itself for an output cut short: its
/// record is not judged.
pub const OUTPUT_INCOMPLETE: RuleInfo = RuleInfo {
    code: "OUTPUT_INCOMPLETE",
    severity: Severity::Warning,
    summary: "a command's output was cut short (output cap, unanswered pager, session lost); its record was not judged",
    remediation: "Raise max_output_bytes for this device or command, make sure paging is off (`terminal length 0` / `terminal pager 0`), or narrow the command (`peer ADDR`); then poll again.",
    source: "fleetpoll",
};

/// The finding for a parsed output that was cut short.
pub fn incomplete(command: &str, cut: crate::outcome::Cut) -> Finding {
    OUTPUT_INCOMPLETE.finding(
        command,
        format!(
            "`{command}` output is incomplete (cut short by {}): not judged",
            cut.describe()
        ),
        format!("truncated_by={}", cut.id()),
    )
}

/// Every rule, in a stable order (phase 1, phase 2, CERM, ASA, WAAS, time, poller).
pub const RULES: &[RuleInfo] = &[
    ike::IKE_PSK_MISMATCH,
    ike::IKE_P1_STUCK,
    ike::IKE_AGGRESSIVE_STUCK,
    ike::IKE_XAUTH_ON_L2L,
    ikev2_sa::IKEV2_SA_NOT_READY,
    ipsec::IPSEC_ONE_WAY,
    ipsec::IPSEC_NO_DECAPS,
    ipsec::IPSEC_ERRORS,
    cerm::CERM_TX_NEAR_LIMIT,
    cerm::CERM_RX_NEAR_LIMIT,
    cerm::CERM_TUNNELS_NEAR_LIMIT,
    cerm::CERM_TLS_NEAR_LIMIT,
    asa::VPN_SESSION_LIMIT,
    license::ANYCONNECT_LICENSE_NEAR_LIMIT,
    asa::ASA_EXPIRED_VPN_CONTEXT,
    failover::FAILOVER_NOT_READY,
    failover::FAILOVER_DISABLED,
    redundancy::REDUNDANCY_NOT_READY,
    pki::CERT_EXPIRED,
    pki::CERT_EXPIRING,
    vpn::CRYPTO_SESSION_DOWN,
    vpn::DMVPN_PEER_DOWN,
    asa::VPN_ONE_WAY_L2L,
    waas::LICENSE_ENTERPRISE_MISSING,
    waas::MAPI_LICENSE_SHUTDOWN,
    waas::MAPI_NOT_RUNNING,
    waas::MAPI_EPM_NOT_RUNNING,
    waas::MAPI_ENCRYPTED_HANDOFF,
    waas::MAPI_NEAR_MAX_CONNECTIONS,
    waas::MAPI_DROPPED,
    waas::MAPI_HANDOFF_RATIO,
    waas::MAPI_UNSUPPORTED_CLIENTS,
    waas::EMAPI_VERIFY_FAILED,
    waas::CMS_STORE_CLOSED,
    time::NTP_UNSYNCED,
    time::NTP_OFFSET_HIGH,
    growth::IPSEC_ERRORS_GROWING,
    growth::MAPI_DROPS_GROWING,
    growth::ASA_EXPIRED_VPN_CONTEXT_GROWING,
    COMMAND_FAILED,
    OUTPUT_INCOMPLETE,
];

/// Thresholds from the playbook's `health.thresholds`, with documented defaults. Percentages
/// are numbers from 0 to 100 (`12.5` is allowed); counts are non-negative integers. Counters
/// on Cisco devices are cumulative since the last reload or `clear ... counters`, so count
/// thresholds compare against totals, not rates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// CERM (`show platform cerm-information`): a resource is near its export limit when
    /// `Available` is below this percentage of `Maximum Limit`. Percent; default `10`.
    pub cerm_available_pct: f64,
    /// `show crypto ipsec sa`: `#send errors` / `#recv errors` of one SA entry above this count
    /// may be reported (see `ipsec_errors_pct`). Count; default `0`.
    pub ipsec_errors_max: u64,
    /// `show crypto ipsec sa`: errors are reported only when they are also at least this
    /// percentage of the packets of that direction (send errors against `#pkts encaps` + send
    /// errors, receive errors against `#pkts decaps` + receive errors), so that a handful of
    /// errors over millions of packets (rekeys) is not a finding. `0` reports on the count
    /// alone. Percent; default `1`.
    pub ipsec_errors_pct: f64,
    /// `show crypto ipsec sa`: a one-way SA is reported when the direction that does carry
    /// traffic counts more than this many packets (`0`: the guide's rule, any traffic).
    /// Count; default `0`.
    pub ipsec_one_way_min_pkts: u64,
    /// `show asp drop` (ASA): `Expired VPN context` drops above this count. Count; default `0`.
    pub asp_expired_vpn_context_max: u64,
    /// `show vpn-sessiondb summary` (ASA): `Device Load` at or above this percentage of the
    /// device's VPN capacity. Percent; default `90`.
    pub vpn_load_pct: f64,
    /// `show statistics accelerator mapi`: `Current Active Connections` at or above this
    /// percentage of `Maximum Active Connections`. Percent; default `90`.
    pub mapi_active_pct: f64,
    /// `show statistics accelerator mapi`: `Total Dropped Connections` above this count may be
    /// reported (see `mapi_dropped_pct`). Count; default `0`.
    pub mapi_dropped_max: u64,
    /// `show statistics accelerator mapi`: dropped connections are reported only when they are
    /// also at least this percentage of `Total Handled Connections` (the guide's own healthy
    /// sample shows 1 dropped of 8615 handled). `0` reports on the count alone.
    /// Percent; default `1`.
    pub mapi_dropped_pct: f64,
    /// `show statistics accelerator mapi`: handled connections are expected to be optimized;
    /// reported when `Total Optimized Connections` is below this percentage of
    /// `Total Handled Connections`. `0` disables the check. Percent; default `90`.
    pub mapi_optimized_pct: f64,
    /// `show statistics accelerator mapi` `Secured Connections`, and `TGDL` (generic AO) rows
    /// of `show statistics connection optimized mapi`: encrypted MAPI connections handed off
    /// to the generic AO, tolerated up to this count. Count; default `0`.
    pub mapi_secured_max: u64,
    /// `show statistics accelerator mapi`: `Lower than 2000` + `Higher than 2007` sessions
    /// tolerated up to this count. Count; default `0`.
    pub mapi_unsupported_max: u64,
    /// `show ntp status`: absolute clock offset of a synchronized device above this many
    /// milliseconds (Kerberos fails at 5 minutes of skew; a synchronized clock is normally
    /// within a few ms). Milliseconds; default `1000`.
    pub ntp_offset_ms_max: f64,
    /// ASA licensed VPN peers (`show license all`, or the device's own licence accounting)
    /// against the active sessions that use them: `ANYCONNECT_LICENSE_NEAR_LIMIT` warns at or
    /// above this percentage. 80 leaves a fifth of the licence for the day's peak: the nightly
    /// audit sees the night's sessions, and remote-access peaks are commonly well above them.
    /// Percent; default `80`.
    pub anyconnect_license_pct: f64,
    /// The same finding is critical at or above this percentage (and at the limit): 95 % is
    /// a handful of sessions from refusals on the common 25–250 peer licences. At least
    /// `anyconnect_license_pct`. Percent; default `95`.
    pub anyconnect_license_critical_pct: f64,
    /// `show crypto pki certificates` / `show crypto ca certificates`: a certificate whose end
    /// date is at most this many days after the device's clock is expiring (`CERT_EXPIRING`).
    /// Days, 0 to 3650; default `30`.
    pub cert_expiry_days: u64,
    /// `show crypto ikev2 sa`: how long a non-READY IKEv2 SA may outlast the rekey of a peer
    /// that does have a READY SA (`IKEV2_SA_NOT_READY`, warning): a `DELETE` SA beside a
    /// replacement READY for longer than this, or a negotiating SA whose active time is above
    /// it. A peer with no READY SA at all is reported whatever this is. Seconds, 0 to 86400;
    /// default `300` (IKEv2 retransmits an unanswered request with a growing interval for
    /// about two minutes before giving up, RFC 7296 section 2.1: a rekey's leftover lasts
    /// seconds, or a couple of minutes on a lossy path, never five).
    pub ikev2_not_ready_secs: u64,
    /// With `--history`: an SA's `#send errors` or `#recv errors` growing by more than this
    /// many per hour on average since the device's previous run (`IPSEC_ERRORS_GROWING`).
    /// Errors per hour; default `1` (a few errors a day from rekeys are not a finding).
    pub ipsec_errors_per_hour: f64,
    /// With `--history`: MAPI or EPM `Total Dropped Connections` growing by more than this
    /// many per hour (`MAPI_DROPS_GROWING`). Connections per hour; default `1`.
    pub mapi_drops_per_hour: f64,
    /// With `--history`: ASA `Expired VPN context` drops growing by more than this many per
    /// hour (`ASA_EXPIRED_VPN_CONTEXT_GROWING`; the guide: any growth). Drops per hour;
    /// default `0`.
    pub asp_expired_vpn_context_per_hour: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            cerm_available_pct: 10.0,
            ipsec_errors_max: 0,
            ipsec_errors_pct: 1.0,
            ipsec_one_way_min_pkts: 0,
            asp_expired_vpn_context_max: 0,
            vpn_load_pct: 90.0,
            mapi_active_pct: 90.0,
            mapi_dropped_max: 0,
            mapi_dropped_pct: 1.0,
            mapi_optimized_pct: 90.0,
            mapi_secured_max: 0,
            mapi_unsupported_max: 0,
            ntp_offset_ms_max: 1000.0,
            cert_expiry_days: 30,
            ikev2_not_ready_secs: 300,
            anyconnect_license_pct: 80.0,
            anyconnect_license_critical_pct: 95.0,
            ipsec_errors_per_hour: 1.0,
            mapi_drops_per_hour: 1.0,
            asp_expired_vpn_context_per_hour: 0.0,
        }
    }
}

impl Thresholds {
    /// `Err((field, message))` for a value out of range: a percentage outside 0–100, or a
    /// negative, NaN or infinite number. (Negative counts are rejected by serde already.)
    pub fn validate(&self) -> Result<(), (String, String)> {
        let pcts = [
            ("cerm_available_pct", self.cerm_available_pct),
            ("ipsec_errors_pct", self.ipsec_errors_pct),
            ("vpn_load_pct", self.vpn_load_pct),
            ("mapi_active_pct", self.mapi_active_pct),
            ("mapi_dropped_pct", self.mapi_dropped_pct),
            ("mapi_optimized_pct", self.mapi_optimized_pct),
            ("anyconnect_license_pct", self.anyconnect_license_pct),
            (
                "anyconnect_license_critical_pct",
                self.anyconnect_license_critical_pct,
            ),
        ];
        for (field, v) in pcts {
            if !v.is_finite() || !(0.0..=100.0).contains(&v) {
                return Err((
                    field.to_string(),
                    format!("`{v}` is not a percentage: expected a number from 0 to 100"),
                ));
            }
        }
        if self.anyconnect_license_critical_pct < self.anyconnect_license_pct {
            return Err((
                "anyconnect_license_critical_pct".to_string(),
                format!(
                    "`{}` is below anyconnect_license_pct ({}): the critical threshold must be at least the warning one",
                    self.anyconnect_license_critical_pct, self.anyconnect_license_pct
                ),
            ));
        }
        let v = self.ntp_offset_ms_max;
        if !v.is_finite() || v < 0.0 {
            return Err((
                "ntp_offset_ms_max".to_string(),
                format!("`{v}` is not a duration: expected a non-negative number of milliseconds"),
            ));
        }
        for (field, v) in [
            ("ipsec_errors_per_hour", self.ipsec_errors_per_hour),
            ("mapi_drops_per_hour", self.mapi_drops_per_hour),
            (
                "asp_expired_vpn_context_per_hour",
                self.asp_expired_vpn_context_per_hour,
            ),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err((
                    field.to_string(),
                    format!("`{v}` is not a rate: expected a non-negative number per hour"),
                ));
            }
        }
        if self.cert_expiry_days > 3650 {
            return Err((
                "cert_expiry_days".to_string(),
                format!(
                    "`{}` days is not a warning window: expected 0 to 3650 days",
                    self.cert_expiry_days
                ),
            ));
        }
        if self.ikev2_not_ready_secs > 86_400 {
            return Err((
                "ikev2_not_ready_secs".to_string(),
                format!(
                    "`{}` seconds is longer than an IKE SA lifetime: expected 0 to 86400 seconds",
                    self.ikev2_not_ready_secs
                ),
            ));
        }
        Ok(())
    }
}

/// What a rule may look at besides its record.
pub struct Context<'a> {
    pub platform: Platform,
    pub thresholds: &'a Thresholds,
    /// The device's clock (its `show clock`, else the poll start), for date rules; `None`
    /// when neither is known (those rules then judge nothing).
    pub clock: Option<&'a DeviceClock>,
}

/// The rules of one record family. Every family of `parse::for_each_record` implements it,
/// beside the rules it runs (`ike.rs`, `waas.rs`, …); a family with nothing to judge says why
/// in an empty impl. The dispatch below is generated from the same list, so a new family
/// without an impl does not compile.
pub trait Judge {
    /// Every rule `judge` can emit (each must also be in [`RULES`]; a test checks both ways).
    const RULES: &'static [RuleInfo];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding));
}

impl Judge for crate::parse::system::Version {
    const RULES: &'static [RuleInfo] = &[];
    /// `show version` carries no health symptom the guides document.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

macro_rules! judge_dispatch {
    ($($variant:ident($ty:ty),)*) => {
        /// Run every rule that reads `rec`, reporting findings through `emit`.
        pub fn check_record(
            rec: &Record,
            platform: Platform,
            thresholds: &Thresholds,
            emit: &mut dyn FnMut(Finding),
        ) {
            check_record_at(rec, platform, thresholds, None, emit)
        }

        /// [`check_record`] with the device's clock, for the rules that judge dates.
        pub fn check_record_at(
            rec: &Record,
            platform: Platform,
            thresholds: &Thresholds,
            clock: Option<&DeviceClock>,
            emit: &mut dyn FnMut(Finding),
        ) {
            let cx = Context { platform, thresholds, clock };
            match rec {
                $(Record::$variant(r) => Judge::judge(r, &cx, emit),)*
            }
        }

        /// The rules that may judge `rec`.
        pub fn rules_of(rec: &Record) -> &'static [RuleInfo] {
            match rec {
                $(Record::$variant(_) => <$ty as Judge>::RULES,)*
            }
        }

        /// Every family's rules, family by family.
        #[cfg(test)]
        fn family_rules() -> Vec<&'static [RuleInfo]> {
            vec![$(<$ty as Judge>::RULES,)*]
        }
    };
}
crate::parse::for_each_record!(judge_dispatch);

/// Run the rules that read several records of one device (`license.rs`) over all its parsed
/// records, `(command, record)` in poll order. Their findings name their command themselves.
pub fn check_device(
    records: &[(&str, &Record)],
    platform: Platform,
    thresholds: &Thresholds,
    emit: &mut dyn FnMut(Finding),
) {
    let cx = Context {
        platform,
        thresholds,
        clock: None,
    };
    license::check_device(records, &cx, emit)
}

/// The rules [`check_device`] may emit.
pub const DEVICE_RULES: &[RuleInfo] = license::DEVICE_RULES;

/// `part` as a percentage of `whole`; `None` when `whole` is 0 (no division by zero).
fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// A percentage for evidence text: `1.3%`, `0.02%`, `100%`.
fn fmt_pct(p: f64) -> String {
    if p == 0.0 || p >= 10.0 || (p - p.round()).abs() < 1e-9 {
        format!("{}%", (p * 10.0).round() / 10.0)
    } else if p >= 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// A threshold number for evidence text: `10` rather than `10.0`.
fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 && v.abs() < 1e15 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue and the families agree: every rule of `RULES` (but `COMMAND_FAILED`,
    /// which `health::evaluate` emits itself, and the growth rules, which compare two runs)
    /// is judged by some family or by the device rules, and every family
    /// only names catalogued rules. tests/health_rules/ checks that each finding a record
    /// produces is among its family's rules.
    #[test]
    fn every_catalogued_rule_belongs_to_a_family_and_back() {
        let judged: std::collections::BTreeSet<&str> = family_rules()
            .into_iter()
            .flatten()
            .chain(DEVICE_RULES)
            .map(|r| r.code)
            .collect();
        let catalogued: std::collections::BTreeSet<&str> = RULES
            .iter()
            .map(|r| r.code)
            .filter(|c| *c != COMMAND_FAILED.code && *c != OUTPUT_INCOMPLETE.code)
            .filter(|c| !growth::RULES.iter().any(|g| g.code == *c))
            .collect();
        assert_eq!(judged, catalogued);
    }

    #[test]
    fn codes_are_unique_screaming_snake_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            assert!(
                r.code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                r.code
            );
            assert!(!r.summary.is_empty() && !r.remediation.is_empty() && !r.source.is_empty());
            assert!(r.remediation.ends_with('.'), "{}: one sentence", r.code);
        }
    }

    #[test]
    fn percentages_format_compactly() {
        assert_eq!(fmt_pct(10.0), "10%");
        assert_eq!(fmt_pct(0.0), "0%");
        assert_eq!(fmt_pct(1.333), "1.3%");
        assert_eq!(fmt_pct(0.0116), "0.01%");
        assert_eq!(fmt_pct(99.44), "99.4%");
        assert_eq!(fmt_num(10.0), "10");
        assert_eq!(fmt_num(12.5), "12.5");
        assert_eq!(pct(1, 0), None);
    }
}
