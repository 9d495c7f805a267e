//! ASA `show asp table vpn-context [detail]`: the accelerated-path VPN contexts (one per IPsec
//! SA direction) and their packet and error counters. Not from the two seed guides (which
//! read `show asp drop`'s `Expired VPN context`): the layout of the ASA command reference and
//! an ntc-templates capture. `detail` prints one block per context,
//!
//! ```text
//! VPN CTX  = 0x01177414
//!
//! Peer IP  = 10.10.200.25
//! Pointer  = 0xCC11B670
//! State    = UP+DIP
//! Flags    = DECR+ESP+NATT
//! SA   = 0x0DA8FA2F
//! SPI  = 0x4F456306
//! Group    = 1
//! Pkts     = 8092
//! Bad Pkts = 1
//! Bad SPI  = 1
//! Spoof    = 1
//! Bad Crypto = 1
//! Rekey Pkt  = 3
//! Rekey Call = 3
//! VPN Filter = <none>
//! ```
//!
//! and the short form one line per context:
//! `VPN CTX=0x0005FF54, Ptr=0x6DE62DA0, DECR+ESP, UP, pk=0000000000, rk=0, gc=0`.
//! `Key = value` lines the parser does not know are kept by name.

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci};
use super::text;
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One VPN context.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VpnContext {
    /// `VPN CTX` handle as printed (`0x01177414`).
    pub vpn_ctx: String,
    pub peer_ip: Option<String>,
    pub pointer: Option<String>,
    /// `UP`, `UP+DIP`, `DOWN`, … as printed.
    pub state: Option<String>,
    /// `DECR+ESP+NATT` (inbound), `ENCR+ESP+PRESERVE` (outbound), as printed.
    pub flags: Option<String>,
    pub sa: Option<String>,
    pub spi: Option<String>,
    pub group: Option<u64>,
    pub pkts: Option<u64>,
    pub bad_pkts: Option<u64>,
    pub bad_spi: Option<u64>,
    pub spoof: Option<u64>,
    pub bad_crypto: Option<u64>,
    pub rekey_pkt: Option<u64>,
    pub rekey_call: Option<u64>,
    pub vpn_filter: Option<String>,
    /// Other `Key = value` lines (and the short form's `rk=` / `gc=`), label as printed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, String>,
}

impl VpnContext {
    /// The state begins with `UP`.
    pub fn is_up(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| starts_with_ci(s.trim(), "up"))
    }
    /// Inbound (decrypting) context.
    pub fn is_inbound(&self) -> bool {
        self.flags
            .as_deref()
            .is_some_and(|f| f.to_ascii_uppercase().split('+').any(|p| p == "DECR"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AspVpnContexts {
    pub contexts: Vec<VpnContext>,
}

impl AspVpnContexts {
    /// A counter summed over the contexts.
    pub fn sum(&self, f: impl Fn(&VpnContext) -> Option<u64>) -> u64 {
        self.contexts
            .iter()
            .filter_map(f)
            .fold(0, u64::saturating_add)
    }
    pub fn not_up(&self) -> usize {
        self.contexts.iter().filter(|c| !c.is_up()).count()
    }
}

fn set(c: &mut VpnContext, key: &str, label: &str, v: &str) {
    let s = || (!v.is_empty()).then(|| v.to_string());
    let n = || text::parse_u64(v);
    match key {
        "peer ip" => c.peer_ip = s(),
        "pointer" | "ptr" => c.pointer = s(),
        "state" => c.state = s(),
        "flags" => c.flags = s(),
        "sa" => c.sa = s(),
        "spi" => c.spi = s(),
        "group" => c.group = n(),
        "pkts" | "pk" => c.pkts = n(),
        "bad pkts" => c.bad_pkts = n(),
        "bad spi" => c.bad_spi = n(),
        "spoof" => c.spoof = n(),
        "bad crypto" => c.bad_crypto = n(),
        "rekey pkt" => c.rekey_pkt = n(),
        "rekey call" => c.rekey_call = n(),
        "vpn filter" => c.vpn_filter = s(),
        _ => {
            c.other.insert(label.to_string(), v.to_string());
        }
    }
}

/// The short form: `VPN CTX=0x…, Ptr=0x…, DECR+ESP, UP, pk=…, rk=0, gc=0`.
fn short_line(t: &str) -> Option<VpnContext> {
    let mut parts = t.split(',').map(str::trim);
    let (k, v) = parts.next()?.split_once('=')?;
    if !k.trim().eq_ignore_ascii_case("vpn ctx") {
        return None;
    }
    let mut c = VpnContext {
        vpn_ctx: v.trim().to_string(),
        ..VpnContext::default()
    };
    for p in parts {
        match p.split_once('=') {
            Some((k, v)) => set(&mut c, &k.trim().to_ascii_lowercase(), k.trim(), v.trim()),
            // Bare words: the flags (`DECR+ESP`) come before the state (`UP`).
            None if c.flags.is_none() && p.contains('+') => c.flags = Some(p.to_string()),
            None if c.state.is_none() => c.state = Some(p.to_string()),
            None => {
                c.other.insert(p.to_string(), String::new());
            }
        }
    }
    Some(c)
}

/// Parse ASA `show asp table vpn-context [detail]`.
pub fn parse_asp_vpn_context(input: &str) -> Result<AspVpnContexts, ParseError> {
    let mut out = AspVpnContexts::default();
    let mut recognised = false;
    let mut first_unknown: Option<(usize, String)> = None;
    for (n, line) in text::lines(input) {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        if t.contains(',') {
            if let Some(c) = short_line(t) {
                out.contexts.push(c);
                recognised = true;
                continue;
            }
        }
        let Some((k, v)) = t.split_once('=') else {
            first_unknown.get_or_insert((n, t.to_string()));
            continue;
        };
        let label = k.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = label.to_ascii_lowercase();
        let v = v.trim();
        if key == "vpn ctx" {
            out.contexts.push(VpnContext {
                vpn_ctx: v.to_string(),
                ..VpnContext::default()
            });
            recognised = true;
            continue;
        }
        match out.contexts.last_mut() {
            Some(c) => set(c, &key, &label, v),
            None => {
                first_unknown.get_or_insert((n, t.to_string()));
            }
        }
    }
    if !recognised {
        // An ASA without VPN contexts prints nothing at all: an empty table, not an error.
        return match first_unknown {
            Some((n, l)) => Err(ParseError::new(
                n,
                format!("not a `show asp table vpn-context` output: `{l}`"),
            )),
            None => Ok(out),
        };
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

fn sum(r: &Record, f: fn(&VpnContext) -> Option<u64>) -> Option<String> {
    AspVpnContexts::of(r).map(|x| x.sum(f).to_string())
}

const METRICS: &[Metric] = &[
    Metric {
        name: "vpn_contexts",
        help: "ASP VPN contexts (one per IPsec SA direction)",
        get: |r| AspVpnContexts::of(r).map(|x| x.contexts.len().to_string()),
    },
    Metric {
        name: "vpn_contexts_not_up",
        help: "ASP VPN contexts whose state is not UP",
        get: |r| AspVpnContexts::of(r).map(|x| x.not_up().to_string()),
    },
    Metric {
        name: "vpn_context_bad_pkts",
        help: "Bad Pkts summed over the VPN contexts (detail)",
        get: |r| sum(r, |c| c.bad_pkts),
    },
    Metric {
        name: "vpn_context_bad_spi",
        help: "Bad SPI summed over the VPN contexts (detail)",
        get: |r| sum(r, |c| c.bad_spi),
    },
    Metric {
        name: "vpn_context_spoof",
        help: "Spoof summed over the VPN contexts (detail)",
        get: |r| sum(r, |c| c.spoof),
    },
    Metric {
        name: "vpn_context_bad_crypto",
        help: "Bad Crypto summed over the VPN contexts (detail)",
        get: |r| sum(r, |c| c.bad_crypto),
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_asp_vpn_context(t).map(Record::AspVpnContext)
}

/// `show asp table vpn-context [detail]`: the two layouts this parser reads.
pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "asp_table_vpn_context",
        command: "show asp table vpn-context",
        args: &[Arg::Word("detail")],
        platforms: &[Platform::CiscoAsa],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(name: &str) -> String {
        let dir = if name.contains("short_form") {
            "show_asp_table_vpn-context"
        } else {
            "show_asp_table_vpn-context_detail"
        };
        let p = format!(
            "{}/tests/fixtures/cisco_asa/{dir}/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    #[test]
    fn detail_blocks() {
        let r = parse_asp_vpn_context(&fx("asa9_two_peers_counters_echo.txt")).unwrap();
        assert_eq!(r.contexts.len(), 4);
        let c = &r.contexts[0];
        assert_eq!(c.vpn_ctx, "0x0021A3C4");
        assert_eq!(c.peer_ip.as_deref(), Some("203.0.113.20"));
        assert_eq!(c.state.as_deref(), Some("UP"));
        assert!(c.is_up() && c.is_inbound());
        assert_eq!(c.spi.as_deref(), Some("0x9A3F01C2"));
        assert_eq!(
            (c.pkts, c.bad_pkts, c.bad_spi),
            (Some(1_204_311), Some(0), Some(0))
        );
        assert_eq!(c.vpn_filter.as_deref(), Some("<none>"));
        assert!(!r.contexts[1].is_inbound());
        assert_eq!(r.sum(|c| c.spoof), 3);
        assert_eq!(r.sum(|c| c.bad_crypto), 17);
        assert_eq!(r.not_up(), 1);
        assert_eq!(r.contexts[3].state.as_deref(), Some("DOWN"));
    }

    #[test]
    fn short_form_unknown_keys_empty_and_errors() {
        let r = parse_asp_vpn_context(&fx("asa84_short_form_crlf.txt")).unwrap();
        assert_eq!(r.contexts.len(), 3);
        let c = &r.contexts[0];
        assert_eq!(c.pointer.as_deref(), Some("0x6DE62DA0"));
        assert_eq!(c.flags.as_deref(), Some("DECR+ESP"));
        assert_eq!(c.state.as_deref(), Some("UP"));
        assert_eq!(c.pkts, Some(1520));
        assert_eq!(c.other.get("rk").map(String::as_str), Some("0"));
        let r = parse_asp_vpn_context(&fx("asa9_extra_fields_cut_short.txt")).unwrap();
        assert_eq!(r.contexts.len(), 2);
        assert_eq!(
            r.contexts[0].other.get("Tunnel Policy").map(String::as_str),
            Some("outside_map 10")
        );
        assert_eq!(r.contexts[1].pkts, None);
        assert!(
            parse_asp_vpn_context("fw# show asp table vpn-context\nfw#\n")
                .unwrap()
                .contexts
                .is_empty()
        );
        assert_eq!(
            parse_asp_vpn_context(
                "fw# show asp table vpn-contex\nERROR: % Invalid input detected at '^' marker.\n"
            )
            .unwrap_err()
            .line,
            2
        );
        assert_eq!(parse_asp_vpn_context("hello\n").unwrap_err().line, 1);
        let text = fx("asa9_two_peers_counters_echo.txt");
        for i in 0..text.len() {
            let _ = parse_asp_vpn_context(text.get(..i).unwrap_or(""));
        }
    }
}
