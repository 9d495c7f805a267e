//! Cisco Smart Licensing status, as both the ASA (`show license all`) and IOS-XE (`show license
//! all`, `show license summary`, `show license status`) print it: titled sections of `Key: value`
//! lines (`Registration:`, `License Authorization:`, `Smart Licensing Using Policy:`, …) and the
//! `License Usage` entitlements, as blocks (`all`) or as a table (`summary`). Read line by line
//! by the two licence parsers, which own the rest of their outputs.

use super::text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A Smart Licensing event: `SUCCEEDED on Dec 03 16:43:48 2018 UTC`, `None`,
/// `FAILED on … ` with a `Failure reason:` line under it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SmartEvent {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

/// One `License Usage` entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SmartEntitlement {
    /// The display name before the parentheses; `None` when the device prints none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The entitlement tag in parentheses (`ASAv-STD-100M`; on IOS-XE 17 a description, cut by
    /// the device in the summary table: `C9300-48 Network Advan...`).
    pub tag: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `AUTHORIZED`, `EVAL MODE`, `OUT OF COMPLIANCE`, `IN USE`, `NOT IN USE`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_status: Option<String>,
    /// IOS-XE 17 `License type:` (`Perpetual`, `Subscription`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_type: Option<String>,
}

/// The Smart Licensing part of the output.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SmartLicensing {
    /// `Smart Licensing is ENABLED` → `ENABLED`.
    pub state: Option<String>,
    /// Registration `Status:` (`REGISTERED`, `UNREGISTERED`).
    pub registration_status: Option<String>,
    pub smart_account: Option<String>,
    pub virtual_account: Option<String>,
    /// `Export-Controlled Functionality:` (`Allowed`, `Not Allowed`).
    pub export_controlled: Option<String>,
    pub initial_registration: Option<SmartEvent>,
    pub last_renewal: Option<SmartEvent>,
    pub next_renewal: Option<String>,
    pub registration_expires: Option<String>,
    /// License Authorization `Status:` (`AUTHORIZED on …`, `EVAL MODE`).
    pub authorization: Option<SmartEvent>,
    /// `Evaluation Period Remaining:` as printed.
    pub eval_remaining: Option<String>,
    pub last_communication: Option<SmartEvent>,
    pub next_communication: Option<String>,
    pub communication_deadline: Option<String>,
    /// Utility `Status:`.
    pub utility_status: Option<String>,
    /// `Data Privacy:` lines, label as printed → value.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub data_privacy: BTreeMap<String, String>,
    /// Transport `Type:` (`Callhome`, `Smart`, `Transport Off`).
    pub transport_type: Option<String>,
    pub entitlements: Vec<SmartEntitlement>,
    /// `Smart Agent for Licensing:` version.
    pub agent_version: Option<String>,
    /// `License reservation:` (`DISABLED`, `ENABLED`).
    pub reservation: Option<String>,
    /// IOS-XE 17.3+ `Smart Licensing Using Policy:` `Status:` (`ENABLED`): no registration,
    /// usage is reported instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub using_policy: Option<String>,
    /// IOS-XE 17 `Usage Reporting:` `Next ACK deadline:` as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_ack_deadline: Option<String>,
}

impl SmartLicensing {
    /// The authorization status word (`AUTHORIZED`, `EVAL MODE`, …), if printed.
    pub fn authorization_status(&self) -> Option<&str> {
        self.authorization.as_ref().map(|a| a.status.as_str())
    }
}

/// A titled section of the Smart Licensing output.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SmartSection {
    Status,
    Registration,
    Authorization,
    Utility,
    Privacy,
    Transport,
    Usage,
    Product,
    Agent,
    UsingPolicy,
    /// IOS-XE 17 `Account Information:` (Smart / Virtual Account without registration).
    Account,
    UsageReporting,
    /// A section whose lines are not kept (`Policy:`, `Trust Code Installed:`, …): their
    /// `Status:` lines must not be read as the previous section's.
    Other,
}

/// The section a title line opens (`Registration:`, `License Usage`, …), if it is one.
pub(crate) fn smart_section(title: &str) -> Option<SmartSection> {
    let t = title
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_ascii_lowercase();
    Some(match t.as_str() {
        "smart licensing status" => SmartSection::Status,
        "registration" => SmartSection::Registration,
        "license authorization" => SmartSection::Authorization,
        "utility" => SmartSection::Utility,
        "data privacy" => SmartSection::Privacy,
        "transport" => SmartSection::Transport,
        "license usage" => SmartSection::Usage,
        "product information" => SmartSection::Product,
        "agent version" => SmartSection::Agent,
        "smart licensing using policy" => SmartSection::UsingPolicy,
        "account information" => SmartSection::Account,
        "usage reporting" => SmartSection::UsageReporting,
        "reservation info"
        | "export authorization key"
        | "license conversion"
        | "policy"
        | "miscellaneous"
        | "trust code installed"
        | "license authorizations"
        | "purchased licenses"
        | "usage report summary"
        | "device telemetry report summary"
        | "ha udi list" => SmartSection::Other,
        _ => return None,
    })
}

/// `SUCCEEDED on Dec 03 16:43:48 2018 UTC` → event.
fn event(v: &str) -> SmartEvent {
    let (status, at) = match v.split_once(" on ") {
        Some((s, at)) => (s.trim(), Some(at.trim().to_string())),
        None => (v.trim(), None),
    };
    SmartEvent {
        status: status.to_string(),
        at,
        failure_reason: None,
    }
}

/// `Key: value` (value may be empty), split at the first colon.
fn key_value(t: &str) -> Option<(String, String)> {
    let (k, v) = t.split_once(':')?;
    Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
}

/// `Some(v)` unless empty.
pub(crate) fn opt(v: String) -> Option<String> {
    (!v.is_empty()).then_some(v)
}

/// The original-case text of `t` that `lower_tail` (a suffix of its lowercase copy) covers.
pub(crate) fn tail(t: &str, lower_tail: &str) -> String {
    t.get(t.len() - lower_tail.len()..)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// `UDI: PID:ASAv,SN:9A6PGB43PJC` → (PID, SN); `None` for another line.
pub(crate) fn udi(t: &str) -> Option<(Option<String>, Option<String>)> {
    let lower = t.to_ascii_lowercase();
    let rest = lower.strip_prefix("udi:")?;
    let (mut pid, mut sn) = (None, None);
    for part in tail(t, rest).split(',') {
        if let Some((k, v)) = part.split_once(':') {
            match k.trim().to_ascii_uppercase().as_str() {
                "PID" => pid = opt(v.trim().to_string()),
                "SN" => sn = opt(v.trim().to_string()),
                _ => {}
            }
        }
    }
    Some((pid, sn))
}

/// One row of the IOS-XE `show license summary` usage table:
/// `network-advantage       (C9300-48 Network Advan...)       1 IN USE`.
fn usage_row(t: &str) -> Option<SmartEntitlement> {
    let open = t.find(" (")?;
    let close = t.rfind(')')?;
    let name = t.get(..open)?.trim();
    let tag = t.get(open + 2..close)?.trim();
    let mut rest = t.get(close + 1..)?.split_whitespace();
    let count = text::parse_u64(rest.next()?)?;
    let status = rest.collect::<Vec<_>>().join(" ");
    (!name.is_empty() && !name.contains(char::is_whitespace) && !status.is_empty()).then(|| {
        SmartEntitlement {
            name: Some(name.to_string()),
            tag: tag.to_string(),
            count: Some(count),
            status: Some(status),
            ..SmartEntitlement::default()
        }
    })
}

/// What the last event line was, for the `Failure reason:` line under it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum LastEvent {
    Initial,
    Renewal,
    Authorization,
    Communication,
}

/// One line (trimmed) inside section `s`: fills `sm`. `UDI:` lines are the caller's (see
/// [`udi`]); lines a section does not keep are ignored.
pub(crate) fn smart_line(
    sm: &mut SmartLicensing,
    s: SmartSection,
    t: &str,
    last_event: &mut Option<LastEvent>,
) {
    let lower = t.to_ascii_lowercase();
    if let Some(v) = lower.strip_prefix("smart licensing is ") {
        sm.state = opt(tail(t, v));
        return;
    }
    if s == SmartSection::Usage {
        // `ASAv5 Standard - 100M (ASAv-STD-100M):` or `(ASAv-STD-100M):`
        if let Some(head) = t.strip_suffix(':') {
            if let (Some(o), true) = (head.rfind('('), head.ends_with(')')) {
                let name = head.get(..o).unwrap_or("").trim();
                let tag = head.get(o + 1..head.len() - 1).unwrap_or("").trim();
                sm.entitlements.push(SmartEntitlement {
                    name: opt(name.to_string()),
                    tag: tag.to_string(),
                    ..SmartEntitlement::default()
                });
                return;
            }
        }
        if let Some(e) = usage_row(t) {
            sm.entitlements.push(e);
            return;
        }
        let (Some((k, v)), Some(e)) = (key_value(t), sm.entitlements.last_mut()) else {
            return; // `No licenses in use`, the table's heading
        };
        let v = opt(v);
        match k.as_str() {
            "description" => e.description = v,
            "count" => e.count = v.as_deref().and_then(text::parse_u64),
            "version" => e.version = v,
            "status" => e.status = v,
            "export status" => e.export_status = v,
            "license type" => e.license_type = v,
            _ => {}
        }
        return;
    }
    let Some((k, v)) = key_value(t) else {
        return;
    };
    if k == "failure reason" {
        let ev = match *last_event {
            Some(LastEvent::Renewal) => sm.last_renewal.as_mut(),
            Some(LastEvent::Communication) => sm.last_communication.as_mut(),
            Some(LastEvent::Initial) => sm.initial_registration.as_mut(),
            Some(LastEvent::Authorization) => sm.authorization.as_mut(),
            None => None,
        };
        if let Some(ev) = ev {
            ev.failure_reason = opt(v);
        }
        return;
    }
    use SmartSection as S;
    match (s, k.as_str()) {
        (S::Registration, "status") => sm.registration_status = opt(v),
        (S::Registration | S::Account, "smart account") => sm.smart_account = opt(v),
        (S::Registration | S::Account, "virtual account") => sm.virtual_account = opt(v),
        (S::Registration, "export-controlled functionality") => sm.export_controlled = opt(v),
        (S::Registration, "initial registration") => {
            sm.initial_registration = Some(event(&v));
            *last_event = Some(LastEvent::Initial);
        }
        (S::Registration, "last renewal attempt") => {
            sm.last_renewal = Some(event(&v));
            *last_event = Some(LastEvent::Renewal);
        }
        (S::Registration, "next renewal attempt") => sm.next_renewal = opt(v),
        (S::Registration, "registration expires") => sm.registration_expires = opt(v),
        (S::Authorization, "status") => {
            sm.authorization = Some(event(&v));
            *last_event = Some(LastEvent::Authorization);
        }
        (S::Authorization, "evaluation period remaining") => sm.eval_remaining = opt(v),
        (S::Authorization, "last communication attempt") => {
            sm.last_communication = Some(event(&v));
            *last_event = Some(LastEvent::Communication);
        }
        (S::Authorization, "next communication attempt") => sm.next_communication = opt(v),
        (S::Authorization, "communication deadline") => sm.communication_deadline = opt(v),
        (S::Utility, "status") => sm.utility_status = opt(v),
        (S::UsingPolicy, "status") => sm.using_policy = opt(v),
        (S::UsageReporting, "next ack deadline") => sm.next_ack_deadline = opt(v),
        (S::Privacy, _) => {
            let label = t.split_once(':').map_or("", |(l, _)| l).trim().to_string();
            if !v.is_empty() {
                sm.data_privacy.insert(label, v);
            }
        }
        (S::Transport, "type") => sm.transport_type = opt(v),
        (S::Agent, "smart agent for licensing") => sm.agent_version = opt(v),
        (S::Other, "license reservation") => sm.reservation = opt(v),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_rows_and_sections() {
        let e = usage_row("network-advantage       (C9300-48 Network Advan...)       1 IN USE")
            .unwrap();
        assert_eq!(e.name.as_deref(), Some("network-advantage"));
        assert_eq!(e.tag, "C9300-48 Network Advan...");
        assert_eq!(e.count, Some(1));
        assert_eq!(e.status.as_deref(), Some("IN USE"));
        assert!(
            usage_row("License                 Entitlement Tag               Count Status")
                .is_none()
        );
        assert!(usage_row("No licenses in use").is_none());
        assert_eq!(smart_section("License Usage"), Some(SmartSection::Usage));
        assert_eq!(smart_section("Policy:"), Some(SmartSection::Other));
        assert_eq!(smart_section("Registration Expires:"), None);
        assert_eq!(
            udi("UDI: PID:ISR4331/K9,SN:FDO2123A0B1"),
            Some((Some("ISR4331/K9".into()), Some("FDO2123A0B1".into())))
        );
    }

    #[test]
    fn status_lines_of_unkept_sections_are_not_the_previous_sections() {
        let mut sm = SmartLicensing::default();
        let mut last = None;
        smart_line(
            &mut sm,
            SmartSection::Utility,
            "Status: DISABLED",
            &mut last,
        );
        smart_line(
            &mut sm,
            SmartSection::UsingPolicy,
            "Status: ENABLED",
            &mut last,
        );
        smart_line(
            &mut sm,
            SmartSection::Other,
            "Status: NOT INSTALLED",
            &mut last,
        );
        assert_eq!(sm.utility_status.as_deref(), Some("DISABLED"));
        assert_eq!(sm.using_policy.as_deref(), Some("ENABLED"));
        smart_line(
            &mut sm,
            SmartSection::Authorization,
            "Status: AUTHORIZED on Mar 13 08:09:28 2024 UTC",
            &mut last,
        );
        smart_line(
            &mut sm,
            SmartSection::Authorization,
            "Failure reason: Fail to send out Call Home HTTP message.",
            &mut last,
        );
        let a = sm.authorization.as_ref().unwrap();
        assert_eq!(a.status, "AUTHORIZED");
        assert_eq!(a.at.as_deref(), Some("Mar 13 08:09:28 2024 UTC"));
        assert!(a
            .failure_reason
            .as_deref()
            .unwrap()
            .starts_with("Fail to send"));
    }
}
