//! `show platform cerm-information` (IOS ISR G2 1900/2900/3900): the Crypto Export Restrictions
//! Manager limits of the `securityk9` license.
//!
//! ```text
//! Crypto Export Restrictions Manager(CERM) Information:
//! CERM functionality: ENABLED
//! ----------------------------------------------------------------
//! Resource                  Maximum Limit        Available
//! ----------------------------------------------------------------
//! Tx Bandwidth(in kbps)     85000                85000
//! Rx Bandwidth(in kbps)     85000                85000
//! Number of tunnels         225                  225
//! Number of TLS sessions    1000                 1000
//! ```
//!
//! Tolerates indentation, collapsed whitespace, `CERM functionality:  DISABLED` with no table,
//! further sections after the limits table (kept as `other` rows and `statistics` counters),
//! echo / prompt lines and truncated output (limits not reached stay `None`).

use super::isakmp::{device_error, is_echo_or_prompt};
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One resource of the limits table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CermLimit {
    /// `Maximum Limit` column.
    pub maximum: u64,
    /// `Available` column.
    pub available: u64,
}

impl CermLimit {
    pub fn used(&self) -> u64 {
        self.maximum.saturating_sub(self.available)
    }
}

/// A row of any other table the command prints (label and its numbers, as printed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CermRow {
    pub label: String,
    pub values: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Cerm {
    /// `CERM functionality: ENABLED` (false for DISABLED).
    pub enabled: bool,
    /// `Tx Bandwidth(in kbps)`.
    pub tx_kbps: Option<CermLimit>,
    /// `Rx Bandwidth(in kbps)`.
    pub rx_kbps: Option<CermLimit>,
    /// `Number of tunnels`.
    pub tunnels: Option<CermLimit>,
    /// `Number of TLS sessions`.
    pub tls_sessions: Option<CermLimit>,
    /// Rows of further tables (e.g. per-client reservations), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<CermRow>,
    /// `Name: N` counters printed after the tables.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub statistics: BTreeMap<String, u64>,
}

/// Parse `show platform cerm-information`.
pub fn parse_cerm(input: &str) -> Result<Cerm, ParseError> {
    let mut out = Cerm::default();
    let mut structured = false;
    let mut seen_enabled = false;
    let mut first_unknown: Option<(usize, String)> = None;
    // In the limits table (after the `Resource  Maximum Limit  Available` header).
    let mut in_limits = false;

    for (n, line) in text::lines(input) {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("crypto export restrictions manager") {
            structured = true;
            continue;
        }
        if t.bytes().all(|b| b == b'-' || b == b'=' || b == b' ') {
            continue;
        }
        if let Some(v) = lower
            .strip_prefix("cerm functionality")
            .map(|r| r.trim_start_matches([' ', ':']).trim())
        {
            out.enabled = match v {
                "enabled" => true,
                "disabled" => false,
                _ => return Err(ParseError::new(n, format!("unknown CERM state: `{t}`"))),
            };
            seen_enabled = true;
            structured = true;
            continue;
        }
        if lower.starts_with("resource") && lower.contains("maximum") {
            in_limits = true;
            structured = true;
            continue;
        }

        let toks: Vec<&str> = t.split_whitespace().collect();
        // `label  N  N` rows.
        let nums = toks
            .iter()
            .rev()
            .take_while(|s| text::parse_u64(s).is_some())
            .count();
        let label_len = toks.len() - nums;
        if nums >= 1 && label_len >= 1 {
            let label = toks.get(..label_len).unwrap_or(&[]).join(" ");
            let values: Vec<u64> = toks
                .get(label_len..)
                .unwrap_or(&[])
                .iter()
                .filter_map(|s| text::parse_u64(s))
                .collect();
            if let (Some(key), [v]) = (label.strip_suffix(':'), values.as_slice()) {
                out.statistics.insert(key.trim().to_string(), *v);
                structured = true;
                continue;
            }
            let l = label.to_ascii_lowercase();
            let slot = if !in_limits || values.len() != 2 {
                None
            } else if l.starts_with("tx bandwidth") {
                Some(&mut out.tx_kbps)
            } else if l.starts_with("rx bandwidth") {
                Some(&mut out.rx_kbps)
            } else if l.contains("tunnels") {
                Some(&mut out.tunnels)
            } else if l.contains("tls") {
                Some(&mut out.tls_sessions)
            } else {
                None
            };
            match (slot, values.as_slice()) {
                (Some(s), [max, avail]) if s.is_none() => {
                    *s = Some(CermLimit {
                        maximum: *max,
                        available: *avail,
                    });
                    structured = true;
                }
                _ => {
                    if structured {
                        in_limits = false;
                        out.other.push(CermRow { label, values });
                    } else if first_unknown.is_none() {
                        first_unknown = Some((n, t.to_string()));
                    }
                }
            }
            continue;
        }
        // Other section headings inside the output end the limits table; before any CERM
        // line they are unknown.
        if structured {
            if !lower.starts_with("resource") {
                in_limits = false;
            }
        } else if first_unknown.is_none() {
            first_unknown = Some((n, t.to_string()));
        }
    }

    if !structured || (!seen_enabled && out.tx_kbps.is_none() && out.tunnels.is_none()) {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a CERM information output: `{l}`")),
            None => ParseError::new(0, "empty output or no CERM information"),
        });
    }
    // A table without the functionality line: limits are printed only when enabled.
    if !seen_enabled {
        out.enabled = true;
    }
    Ok(out)
}

fn max(l: Option<CermLimit>) -> Option<String> {
    l.map(|l| l.maximum.to_string())
}

fn avail(l: Option<CermLimit>) -> Option<String> {
    l.map(|l| l.available.to_string())
}

const METRICS: &[Metric] = &[
    Metric {
        name: "cerm_enabled",
        help: "CERM functionality ENABLED (true) or DISABLED (false)",
        get: |r| Cerm::of(r).map(|c| c.enabled.to_string()),
    },
    Metric {
        name: "cerm_tx_kbps_max",
        help: "CERM Tx bandwidth limit, kbps",
        get: |r| Cerm::of(r).and_then(|c| max(c.tx_kbps)),
    },
    Metric {
        name: "cerm_tx_kbps_available",
        help: "CERM Tx bandwidth available, kbps (0 = at the export limit)",
        get: |r| Cerm::of(r).and_then(|c| avail(c.tx_kbps)),
    },
    Metric {
        name: "cerm_rx_kbps_max",
        help: "CERM Rx bandwidth limit, kbps",
        get: |r| Cerm::of(r).and_then(|c| max(c.rx_kbps)),
    },
    Metric {
        name: "cerm_rx_kbps_available",
        help: "CERM Rx bandwidth available, kbps",
        get: |r| Cerm::of(r).and_then(|c| avail(c.rx_kbps)),
    },
    Metric {
        name: "cerm_tunnels_max",
        help: "CERM tunnel limit",
        get: |r| Cerm::of(r).and_then(|c| max(c.tunnels)),
    },
    Metric {
        name: "cerm_tunnels_available",
        help: "CERM tunnels still available",
        get: |r| Cerm::of(r).and_then(|c| avail(c.tunnels)),
    },
    Metric {
        name: "cerm_tls_max",
        help: "CERM TLS session limit",
        get: |r| Cerm::of(r).and_then(|c| max(c.tls_sessions)),
    },
    Metric {
        name: "cerm_tls_available",
        help: "CERM TLS sessions still available",
        get: |r| Cerm::of(r).and_then(|c| avail(c.tls_sessions)),
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_cerm(t).map(Record::Cerm)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "platform_cerm_information",
        command: "show platform cerm-information",
        args: &[],
        platforms: &[Platform::CiscoIos],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEALTHY: &str = "Crypto Export Restrictions Manager(CERM) Information:\n\
CERM functionality: ENABLED\n\
----------------------------------------------------------------\n\
Resource                  Maximum Limit        Available\n\
----------------------------------------------------------------\n\
Tx Bandwidth(in kbps)     85000                61200\n\
Rx Bandwidth(in kbps)     85000                70350\n\
Number of tunnels         225                  219\n\
Number of TLS sessions    1000                 1000\n";

    #[test]
    fn healthy_table() {
        let c = parse_cerm(HEALTHY).unwrap();
        assert!(c.enabled);
        assert_eq!(
            c.tx_kbps,
            Some(CermLimit {
                maximum: 85000,
                available: 61200
            })
        );
        assert_eq!(c.rx_kbps.map(|l| l.available), Some(70350));
        assert_eq!(
            c.tunnels.map(|l| (l.maximum, l.available)),
            Some((225, 219))
        );
        assert_eq!(c.tls_sessions.map(|l| l.used()), Some(0));
        assert!(c.other.is_empty());
    }

    #[test]
    fn disabled_without_table() {
        let c = parse_cerm(
            "Router#show platform cerm-information\r\nCrypto Export Restrictions Manager(CERM) Information:\r\n  CERM functionality:   DISABLED\r\nRouter#",
        )
        .unwrap();
        assert!(!c.enabled);
        assert_eq!(c.tx_kbps, None);
    }

    #[test]
    fn collapsed_whitespace_and_trailing_sections() {
        let t = "Crypto Export Restrictions Manager(CERM) Information:\nCERM functionality: ENABLED\n---\n\
Resource Maximum Limit Available\n---\nTx Bandwidth(in kbps) 85000 0\nRx Bandwidth(in kbps) 85000 12\n\
Number of tunnels 225 3\nNumber of TLS sessions 1000 998\n---\nClient Tunnels TLS Sessions\n---\nIPSEC 222 0\n\
Statistics:\nTx packets dropped : 1234\n";
        let c = parse_cerm(t).unwrap();
        assert_eq!(c.tx_kbps.map(|l| l.available), Some(0));
        assert_eq!(c.tunnels.map(|l| l.available), Some(3));
        assert_eq!(
            c.other,
            vec![CermRow {
                label: "IPSEC".into(),
                values: vec![222, 0]
            }]
        );
        assert_eq!(c.statistics.get("Tx packets dropped"), Some(&1234));
    }

    #[test]
    fn errors() {
        assert_eq!(parse_cerm("").unwrap_err().line, 0);
        let e = parse_cerm("Router#show platform cerm-information\n                        ^\n% Invalid input detected at '^' marker.\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(parse_cerm("some banner\nanother").is_err());
        for i in 0..HEALTHY.len() {
            let _ = parse_cerm(HEALTHY.get(..i).unwrap_or(""));
        }
        // truncated after the functionality line: still a valid (partial) record
        let c = parse_cerm(HEALTHY.get(..90).unwrap_or("")).unwrap();
        assert!(c.enabled);
    }
}
