//! ASA `show failover`: whether failover is on, this unit's role, the failover LAN interface,
//! the last failover, and the state of this host and the other host (per group in
//! Active/Active mode), from the Cisco ASA command reference (`show failover`) format:
//!
//! ```text
//! Failover On
//! Failover unit Primary
//! Failover LAN Interface: folink GigabitEthernet0/3 (up)
//! ...
//! Last Failover at: 14:20:00 UTC Nov 3 2019
//!         This host: Primary - Active
//!                 Active time: 1234567 (sec)
//!                   Interface outside (203.0.113.1): Normal (Monitored)
//!         Other host: Secondary - Standby Ready
//! ```
//!
//! `Failover LAN Interface: not Configured` (or `N/A`) means no failover pair is configured.
//! The `Stateful Failover Logical Update Statistics` tables after the hosts are not kept.

use super::isakmp::{device_error, is_echo_or_prompt};
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

/// A monitored interface of one host: `Interface outside (203.0.113.1): Normal (Monitored)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailoverInterface {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `Normal (Monitored)`, `Failed (Waiting)`, `No Link (Not-Monitored)`, as printed.
    pub status: String,
}

/// `This host:` or `Other host:`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FailoverHost {
    /// `Primary` / `Secondary`.
    pub unit: Option<String>,
    /// `Active`, `Standby Ready`, `Failed`, `Cold Standby`, `Sync Config`, `Bulk Sync`,
    /// `Negotiation`, `Disabled`, … as printed (Active/Standby mode).
    pub state: Option<String>,
    /// Active/Active mode: `Group 1 State: Active` lines, (group, state).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<(u32, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<FailoverInterface>,
}

impl FailoverHost {
    /// Every state of the host: its own, else its groups'.
    pub fn states(&self) -> Vec<(Option<u32>, &str)> {
        match &self.state {
            Some(s) => vec![(None, s.as_str())],
            None => self
                .groups
                .iter()
                .map(|(g, s)| (Some(*g), s.as_str()))
                .collect(),
        }
    }
}

/// Whether a failover state is one a healthy pair shows (`Active`, `Standby Ready`).
pub fn state_is_ready(s: &str) -> bool {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    t.eq_ignore_ascii_case("active") || t.eq_ignore_ascii_case("standby ready")
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Failover {
    /// `Failover On` (true) / `Failover Off`.
    pub enabled: bool,
    /// `Failover unit Primary|Secondary`.
    pub unit: Option<String>,
    /// `Failover LAN Interface: folink GigabitEthernet0/3 (up)`, as printed; `None` for
    /// `not Configured` / `N/A`.
    pub lan_interface: Option<String>,
    /// `Last Failover at: 14:20:00 UTC Nov 3 2019`, as printed.
    pub last_failover: Option<String>,
    /// `Version: Ours 9.8(2), Mate 9.8(2)`, as printed.
    pub version: Option<String>,
    pub this_host: Option<FailoverHost>,
    pub other_host: Option<FailoverHost>,
}

impl Failover {
    /// A failover pair is configured: a LAN interface is set up (or the hosts are listed).
    pub fn pair_configured(&self) -> bool {
        self.lan_interface.is_some()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Host {
    None,
    This,
    Other,
}

/// `Primary - Standby Ready` → (unit, state); `Primary` alone (Active/Active) → (unit, None).
fn unit_state(v: &str) -> (Option<String>, Option<String>) {
    match v.split_once(" - ") {
        Some((u, s)) => (
            Some(u.trim().to_string()).filter(|x| !x.is_empty()),
            Some(s.trim().to_string()).filter(|x| !x.is_empty()),
        ),
        None => (Some(v.trim().to_string()).filter(|x| !x.is_empty()), None),
    }
}

/// Parse ASA `show failover`.
pub fn parse_failover(input: &str) -> Result<Failover, ParseError> {
    let mut out = Failover::default();
    let mut seen = false;
    let mut host = Host::None;
    // A CLI error anywhere (after the echo and the `^` marker line) is the answer.
    if let Some((n, e)) = text::lines(input)
        .into_iter()
        .find_map(|(n, l)| device_error(&l).map(|e| (n, e.to_string())))
    {
        return Err(ParseError::new(n, format!("device error: {e}")));
    }
    for (n, line) in text::lines(input) {
        let t = line.replace("<--- More --->", "").trim().to_string();
        if t.is_empty() || is_echo_or_prompt(&t) {
            continue;
        }
        if let Some(e) = device_error(&t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        let lower = t.to_ascii_lowercase();
        if lower == "failover on" || lower == "failover off" {
            out.enabled = lower == "failover on";
            seen = true;
            continue;
        }
        if !seen {
            return Err(ParseError::new(
                n,
                format!("not a `show failover` output (expected `Failover On|Off`): `{t}`"),
            ));
        }
        if let Some(v) = lower.strip_prefix("failover unit ") {
            out.unit = t.get(t.len() - v.len()..).map(str::to_string);
            continue;
        }
        if let Some((k, v)) = t.split_once(':') {
            let key = k.trim().to_ascii_lowercase();
            let v = v.trim();
            match key.as_str() {
                "failover lan interface" => {
                    let l = v.to_ascii_lowercase();
                    out.lan_interface = (!v.is_empty()
                        && !l.starts_with("not configured")
                        && !l.starts_with("n/a"))
                    .then(|| v.to_string());
                    continue;
                }
                "last failover at" => {
                    out.last_failover = Some(v.to_string()).filter(|x| !x.is_empty());
                    continue;
                }
                "version" if host == Host::None => {
                    out.version = Some(v.to_string());
                    continue;
                }
                "this host" | "other host" => {
                    let (unit, state) = unit_state(v);
                    let h = FailoverHost {
                        unit,
                        state,
                        ..Default::default()
                    };
                    if key == "this host" {
                        out.this_host = Some(h);
                        host = Host::This;
                    } else {
                        out.other_host = Some(h);
                        host = Host::Other;
                    }
                    continue;
                }
                _ => {}
            }
        }
        if lower.starts_with("stateful failover") {
            host = Host::None;
            continue;
        }
        let cur = match host {
            Host::This => out.this_host.as_mut(),
            Host::Other => out.other_host.as_mut(),
            Host::None => None,
        };
        let Some(h) = cur else { continue };
        // `Group 1 State: Active` (Active/Active).
        if let Some(rest) = lower.strip_prefix("group ") {
            if let Some((g, s)) = rest.split_once("state:") {
                if let Ok(g) = g.trim().parse::<u32>() {
                    let state = t.get(t.len() - s.len()..).unwrap_or("").trim().to_string();
                    h.groups.push((g, state));
                }
            }
            continue;
        }
        // `Interface outside (203.0.113.1): Normal (Monitored)`.
        if let Some(rest) = t.strip_prefix("Interface ") {
            if let Some((name_addr, status)) = rest
                .split_once("):")
                .or_else(|| rest.split_once(':').filter(|(a, _)| !a.contains('(')))
            {
                let (name, address) = match name_addr.split_once('(') {
                    Some((nm, a)) => (nm.trim(), Some(a.trim().to_string())),
                    None => (name_addr.trim(), None),
                };
                h.interfaces.push(FailoverInterface {
                    name: name.to_string(),
                    address,
                    status: status.trim().to_string(),
                });
            }
        }
    }
    if !seen {
        return Err(ParseError::new(
            0,
            "empty output or no `Failover On|Off` line",
        ));
    }
    Ok(out)
}

fn parse_record(input: &str) -> Result<Record, ParseError> {
    parse_failover(input).map(Record::from)
}

fn host_state(h: Option<&FailoverHost>) -> Option<String> {
    let h = h?;
    let states = h.states();
    if states.is_empty() {
        return None;
    }
    Some(
        states
            .iter()
            .map(|(g, s)| match g {
                Some(g) => format!("group {g}: {s}"),
                None => s.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

const METRICS: &[Metric] = &[
    Metric {
        name: "failover_enabled",
        help: "ASA `Failover On` (true) / `Failover Off` (false)",
        get: |r| Failover::of(r).map(|f| f.enabled.to_string()),
    },
    Metric {
        name: "failover_this_state",
        help: "ASA failover state of this unit (Active, Standby Ready, Failed, …)",
        get: |r| Failover::of(r).and_then(|f| host_state(f.this_host.as_ref())),
    },
    Metric {
        name: "failover_other_state",
        help: "ASA failover state of the mate unit",
        get: |r| Failover::of(r).and_then(|f| host_state(f.other_host.as_ref())),
    },
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "failover",
        command: "show failover",
        args: &[],
        platforms: &[Platform::CiscoAsa],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_groups() {
        let f = parse_failover(
            "Failover On\nFailover unit Secondary\nFailover LAN Interface: fo Gi0/3 (up)\n  This host: Secondary\n   Group 1 State: Standby Ready\n   Group 2 State: Active\n  Other host: Primary - Failed\n     Interface inside (10.0.0.2): Failed (Waiting)\n",
        )
        .unwrap();
        let this = f.this_host.unwrap();
        assert_eq!(this.unit.as_deref(), Some("Secondary"));
        assert_eq!(
            this.groups,
            vec![(1, "Standby Ready".into()), (2, "Active".into())]
        );
        let other = f.other_host.unwrap();
        assert_eq!(other.state.as_deref(), Some("Failed"));
        assert_eq!(other.interfaces[0].status, "Failed (Waiting)");
        assert!(parse_failover("hello\n").is_err());
        assert!(parse_failover("").is_err());
    }
}
