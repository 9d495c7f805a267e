//! IOS / IOS-XE `show redundancy`: the route-processor (or stack) redundancy mode and the state
//! of the active and the peer processor. Not from the two seed guides: the layout is the one
//! IOS 12.2SX to IOS-XE 17 print (ntc-templates test captures, the Cisco high-availability
//! configuration guides):
//!
//! ```text
//! Redundant System Information :
//! ------------------------------
//!        Available system uptime = 5 weeks, 2 days, 22 hours, 13 minutes
//! Switchovers system experienced = 1
//!               Standby failures = 0
//!         Last switchover reason = active unit removed
//!                  Hardware Mode = Duplex
//!     Configured Redundancy Mode = sso
//!      Operating Redundancy Mode = sso
//!                 Communications = Up
//! Current Processor Information :
//!                Active Location = slot 7
//!         Current Software state = ACTIVE
//!        Uptime in current state = 5 weeks, 2 days, 22 hours, 9 minutes
//!                  Image Version = Cisco IOS Software [Amsterdam], ASR1000 Software …
//! (Technical Support / Copyright / Compiled lines of the image banner)
//!                           BOOT = bootflash:packages.conf,12;
//! Peer Processor Information :
//!               Standby Location = slot 6
//!         Current Software state = STANDBY HOT
//! ```
//!
//! A single-processor box ends with `Peer (slot: 7) information is not available because it is
//! in 'DISABLED' state` instead of the peer block; `Communications = Down  Reason: Simplex
//! mode` carries its reason on the same line.

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci};
use super::system::duration_seconds;
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

/// The active or the peer processor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RedundancyUnit {
    /// `Active Location` / `Standby Location`: `slot 6`, `slot 1/5`, `Switch 2`.
    pub location: Option<String>,
    /// `Current Software state`: `ACTIVE`, `STANDBY HOT`, `STANDBY COLD`, `STANDBY COLD-BULK`,
    /// `DISABLED`, `INITIALIZATION`, … as printed.
    pub state: Option<String>,
    /// `Uptime in current state`, as printed.
    pub uptime: Option<String>,
    pub uptime_s: Option<u64>,
    /// First line of `Image Version`.
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boot: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_register: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Redundancy {
    /// `Available system uptime`, as printed, and in seconds.
    pub available_uptime: Option<String>,
    pub available_uptime_s: Option<u64>,
    /// `Switchovers system experienced`.
    pub switchovers: Option<u64>,
    pub standby_failures: Option<u64>,
    pub last_switchover_reason: Option<String>,
    /// `Duplex` (two processors / stack members) or `Simplex`.
    pub hardware_mode: Option<String>,
    /// `sso`, `Stateful Switchover`, `rpr`, `rpr-plus`, `Non-redundant`, as printed.
    pub configured_mode: Option<String>,
    pub operating_mode: Option<String>,
    pub maintenance_mode: Option<String>,
    /// `Communications`: `Up` / `Down`.
    pub communications: Option<String>,
    /// The `Reason:` after `Communications = Down`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communications_reason: Option<String>,
    pub active: Option<RedundancyUnit>,
    pub peer: Option<RedundancyUnit>,
    /// `Peer (slot: 7) information is not available because it is in 'DISABLED' state`:
    /// the state named there (`DISABLED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_unavailable_state: Option<String>,
}

/// The redundancy modes the CLI prints, by what the standby must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeKind {
    /// No redundancy (`Non-redundant`, `Simplex`).
    None,
    /// Stateful switchover: the standby is `STANDBY HOT`.
    Sso,
    /// Route Processor Redundancy (plus): the standby stays `STANDBY COLD`.
    Rpr,
    Other,
}

/// What kind of mode `mode` (as printed) is.
pub fn mode_kind(mode: &str) -> ModeKind {
    let m = mode.trim().to_ascii_lowercase().replace(['-', '_'], " ");
    match m.as_str() {
        "non redundant" | "simplex" | "none" | "n/a" => ModeKind::None,
        "sso" | "stateful switchover" => ModeKind::Sso,
        "rpr" | "rpr plus" | "route processor redundancy" | "route processor redundancy plus" => {
            ModeKind::Rpr
        }
        _ => ModeKind::Other,
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

impl Redundancy {
    /// Redundancy is configured on a box that can have a standby: a redundant configured mode
    /// and a hardware mode that is not `Simplex`.
    pub fn configured(&self) -> bool {
        let redundant = self
            .configured_mode
            .as_deref()
            .is_some_and(|m| mode_kind(m) != ModeKind::None);
        let simplex = self
            .hardware_mode
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case("simplex"));
        redundant && !simplex
    }

    /// The peer's state: its block's `Current Software state`, else the state the
    /// "not available" line names.
    pub fn peer_state(&self) -> Option<&str> {
        self.peer
            .as_ref()
            .and_then(|p| p.state.as_deref())
            .or(self.peer_unavailable_state.as_deref())
    }

    /// Whether the peer is in the state a healthy standby shows in the operating mode: `STANDBY
    /// HOT` under SSO (and any mode not known), `STANDBY COLD` or `HOT` under RPR.
    pub fn standby_ready(&self) -> bool {
        let Some(state) = self.peer_state().map(norm) else {
            return false;
        };
        let mode = self
            .operating_mode
            .as_deref()
            .or(self.configured_mode.as_deref())
            .map_or(ModeKind::Other, mode_kind);
        match mode {
            ModeKind::Rpr => state == "STANDBY COLD" || state == "STANDBY HOT",
            _ => state == "STANDBY HOT",
        }
    }

    /// The operating mode differs from the configured one (`sso` configured, `rpr` running:
    /// the processors run different images).
    pub fn mode_mismatch(&self) -> bool {
        match (&self.configured_mode, &self.operating_mode) {
            (Some(c), Some(o)) => {
                let (kc, ko) = (mode_kind(c), mode_kind(o));
                if kc == ModeKind::Other || ko == ModeKind::Other {
                    norm(c) != norm(o)
                } else {
                    kc != ko
                }
            }
            _ => false,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    System,
    Active,
    Peer,
}

/// `Peer (slot: 7) information is not available because it is in 'DISABLED' state`.
fn peer_unavailable(t: &str) -> Option<String> {
    if !starts_with_ci(t, "peer (") || !t.to_ascii_lowercase().contains("not available") {
        return None;
    }
    let start = t.find('\'')? + 1;
    let len = t.get(start..)?.find('\'')?;
    Some(t.get(start..start + len)?.trim().to_string())
}

fn value(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Parse IOS / IOS-XE `show redundancy`.
pub fn parse_redundancy(input: &str) -> Result<Redundancy, ParseError> {
    let mut out = Redundancy::default();
    let mut section = Section::None;
    let mut recognised = false;
    let mut first_unknown: Option<(usize, String)> = None;
    for (n, line) in text::lines(input) {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) || t.bytes().all(|b| b == b'-') {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        let lower = t.to_ascii_lowercase();
        let heading = lower.trim_end_matches(':').trim_end();
        match heading {
            "redundant system information" => {
                section = Section::System;
                recognised = true;
                continue;
            }
            "current processor information" => {
                section = Section::Active;
                out.active.get_or_insert_with(RedundancyUnit::default);
                recognised = true;
                continue;
            }
            "peer processor information" => {
                section = Section::Peer;
                out.peer.get_or_insert_with(RedundancyUnit::default);
                recognised = true;
                continue;
            }
            _ => {}
        }
        if let Some(state) = peer_unavailable(t) {
            out.peer_unavailable_state = Some(state);
            recognised = true;
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            // The image banner under `Image Version` (and its wrapped version line).
            if section == Section::None {
                first_unknown.get_or_insert((n, t.to_string()));
            }
            continue;
        };
        let key = k.trim().to_ascii_lowercase();
        let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
        let v = v.trim();
        match section {
            Section::System | Section::None => {
                let known = match key.as_str() {
                    "available system uptime" => {
                        out.available_uptime = value(v);
                        out.available_uptime_s = duration_seconds(v);
                        true
                    }
                    "switchovers system experienced" => {
                        out.switchovers = text::parse_u64(v);
                        true
                    }
                    "standby failures" => {
                        out.standby_failures = text::parse_u64(v);
                        true
                    }
                    "last switchover reason" => {
                        out.last_switchover_reason = value(v);
                        true
                    }
                    "hardware mode" => {
                        out.hardware_mode = value(v);
                        true
                    }
                    "configured redundancy mode" => {
                        out.configured_mode = value(v);
                        true
                    }
                    "operating redundancy mode" => {
                        out.operating_mode = value(v);
                        true
                    }
                    "maintenance mode" => {
                        out.maintenance_mode = value(v);
                        true
                    }
                    "communications" => {
                        // `Down      Reason: Simplex mode`
                        match v.split_once("Reason:") {
                            Some((s, r)) => {
                                out.communications = value(s);
                                out.communications_reason = value(r);
                            }
                            None => out.communications = value(v),
                        }
                        true
                    }
                    _ => false,
                };
                if known {
                    recognised = true;
                } else if section == Section::None {
                    first_unknown.get_or_insert((n, t.to_string()));
                }
            }
            Section::Active | Section::Peer => {
                let unit = if section == Section::Active {
                    out.active.get_or_insert_with(RedundancyUnit::default)
                } else {
                    out.peer.get_or_insert_with(RedundancyUnit::default)
                };
                match key.as_str() {
                    "active location" | "standby location" => unit.location = value(v),
                    "current software state" => unit.state = value(v),
                    "uptime in current state" => {
                        unit.uptime = value(v);
                        unit.uptime_s = duration_seconds(v);
                    }
                    "image version" => unit.image = value(v),
                    "boot" => unit.boot = value(v),
                    "configuration register" => unit.config_register = value(v),
                    _ => {} // CONFIG_FILE, BOOTLDR, Fast Switchover, Initial Garp, …
                }
            }
        }
    }
    if !recognised {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a `show redundancy` output: `{l}`")),
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const METRICS: &[Metric] = &[
    Metric {
        name: "redundancy_mode",
        help: "Operating Redundancy Mode (sso, rpr, Non-redundant)",
        get: |r| Redundancy::of(r).and_then(|x| x.operating_mode.clone()),
    },
    Metric {
        name: "redundancy_active_state",
        help: "the current processor's software state (ACTIVE)",
        get: |r| Redundancy::of(r).and_then(|x| x.active.as_ref()?.state.clone()),
    },
    Metric {
        name: "redundancy_peer_state",
        help: "the peer processor's state (STANDBY HOT, STANDBY COLD, DISABLED)",
        get: |r| Redundancy::of(r).and_then(|x| x.peer_state().map(str::to_string)),
    },
    Metric {
        name: "redundancy_switchovers",
        help: "Switchovers system experienced",
        get: |r| Redundancy::of(r).and_then(|x| x.switchovers.map(|v| v.to_string())),
    },
    Metric {
        name: "redundancy_uptime_s",
        help: "Available system uptime, seconds",
        get: |r| Redundancy::of(r).and_then(|x| x.available_uptime_s.map(|v| v.to_string())),
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_redundancy(t).map(Record::Redundancy)
}

/// `show redundancy states` / `clients` / `history` print other layouts: no arguments.
pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "redundancy",
        command: "show redundancy",
        args: &[],
        platforms: &[Platform::CiscoIos],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(name: &str) -> String {
        let p = format!(
            "{}/tests/fixtures/cisco_xe/show_redundancy/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    #[test]
    fn asr1000_sso_standby_hot() {
        let r = parse_redundancy(&fx("asr1006x_17_sso_standby_hot.txt")).unwrap();
        assert_eq!(r.switchovers, Some(1));
        assert_eq!(
            r.last_switchover_reason.as_deref(),
            Some("active unit removed")
        );
        assert_eq!(
            r.available_uptime_s,
            Some(((5 * 7 + 2) * 24 + 22) * 3600 + 13 * 60)
        );
        assert_eq!(r.hardware_mode.as_deref(), Some("Duplex"));
        assert_eq!(r.communications.as_deref(), Some("Up"));
        let a = r.active.as_ref().unwrap();
        assert_eq!(
            (a.location.as_deref(), a.state.as_deref()),
            (Some("slot 7"), Some("ACTIVE"))
        );
        assert!(a.image.as_deref().unwrap().contains("Version 17.3.4a"));
        assert_eq!(a.boot.as_deref(), Some("bootflash:packages.conf,12;"));
        let p = r.peer.as_ref().unwrap();
        assert_eq!(p.location.as_deref(), Some("slot 6"));
        assert_eq!(r.peer_state(), Some("STANDBY HOT"));
        assert!(r.configured() && r.standby_ready() && !r.mode_mismatch());
    }

    #[test]
    fn single_processor_and_mode_mismatch() {
        let r = parse_redundancy(&fx("isr4331_16_simplex_peer_disabled.txt")).unwrap();
        assert_eq!(r.communications.as_deref(), Some("Down"));
        assert_eq!(r.communications_reason.as_deref(), Some("Simplex mode"));
        assert!(r.peer.is_none());
        assert_eq!(r.peer_state(), Some("DISABLED"));
        assert!(!r.configured());
        let r = parse_redundancy(&fx("asr1006x_sso_configured_rpr_operating_cold.txt")).unwrap();
        assert!(r.configured() && r.mode_mismatch());
        assert_eq!(r.peer_state(), Some("STANDBY COLD"));
        // Under the RPR it fell back to, STANDBY COLD is that mode's standby.
        assert!(r.standby_ready());
    }

    #[test]
    fn stack_and_cut_short() {
        let r = parse_redundancy(&fx("c9300_stack_standby_cold_bulk_crlf_echo.txt")).unwrap();
        assert_eq!(
            r.active.as_ref().unwrap().location.as_deref(),
            Some("Switch 1")
        );
        assert_eq!(r.peer_state(), Some("STANDBY COLD-BULK"));
        assert!(r.configured() && !r.standby_ready());
        let r = parse_redundancy(&fx("cut_short_in_peer_block.txt")).unwrap();
        assert_eq!(r.peer.as_ref().unwrap().location.as_deref(), Some("slot 2"));
        assert_eq!(r.peer_state(), None);
        assert!(!r.standby_ready());
        let text = fx("asr1006x_17_sso_standby_hot.txt");
        for i in 0..text.len() {
            let _ = parse_redundancy(text.get(..i).unwrap_or(""));
        }
    }

    #[test]
    fn modes_and_errors() {
        assert_eq!(mode_kind("Stateful Switchover"), ModeKind::Sso);
        assert_eq!(mode_kind("rpr-plus"), ModeKind::Rpr);
        assert_eq!(mode_kind("Non-redundant"), ModeKind::None);
        assert_eq!(parse_redundancy("").unwrap_err().line, 0);
        let e = parse_redundancy(
            "r1#show redundancy\n                ^\n% Invalid input detected at '^' marker.\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(parse_redundancy("Interface GigabitEthernet0/0/0 is up\n")
            .unwrap_err()
            .message
            .contains("not a `show redundancy` output"));
    }
}
