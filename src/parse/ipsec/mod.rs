//! Phase 2 (IPsec) security associations: `show crypto ipsec sa [peer X | detail | interface X
//! | ...]` on IOS, IOS-XE and ASA.
//!
//! The output is a list of *entries*, one per protected flow (crypto map entry / ident pair):
//! `interface:` and `Crypto map tag:` lines give the context, `local ident` starts an entry,
//! then `current_peer`, the `#pkts ...` counters, the crypto endpoints, and the inbound /
//! outbound ESP (AH, PCP) SAs with their SPI, transform, conn id, remaining lifetime and status.
//!
//! Formats handled: IOS (`current_peer X port N`, `#pkts no sa (send) 0` counters without
//! colons, `##pkts replay failed`, `#send errors 0`), IOS-XE (`spi: [Not Available]`,
//! endpoints split over two lines, lifetimes as `1 hours, 10 mins`, IPv6 idents
//! `addr/prefix/prot/port`), ASA 7.x-9.x (`current_peer: X`, `Crypto map tag: M, seq num: N,
//! local addr: A`, `access-list ...` lines, `dynamic allocated peer ip`, `SA State: active`,
//! `remaining key lifetime (kB/sec): (k/s)` or `(sec): s`, anti-replay bitmaps), and
//! `There are no ipsec sas`. Every counter is kept: the eight that matter have typed fields,
//! the others go into `counters` under their printed name.
//!
//! Written for throughput (the fleet sweep parses large hubs): lines are borrowed, not copied.
//!
//! The record types are in `types.rs`, the `#...` counter lines in `counters.rs` and every
//! other line in `lines.rs`; this file keeps the parser state, the line loop and the
//! registration.

mod count;
mod counters;
mod lines;
mod types;

use super::isakmp::{device_error, is_echo_or_prompt};
use super::text;
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
pub use count::{parse_ipsec_sa_count, IpsecSaCount};
use counters::{counters_line, is_counters_line};
#[cfg(test)]
use lines::lifetime;
use lines::line;
use std::borrow::Cow;
use std::collections::BTreeSet;
pub use types::{Ident, IpsecSa, IpsecSaEntry, SpiSa, SpiStatus};

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Ctx {
    interface: Option<String>,
    crypto_map: Option<String>,
    seq_num: Option<u64>,
    local_addr: Option<String>,
    // Lines that precede `local ident` and belong to the entry it starts.
    pending_vrf: Option<String>,
    pending_acl: Option<String>,
}

/// A line the parser recognises but cannot read; [`parse_ipsec_sa`] adds the line number.
#[derive(Debug, thiserror::Error)]
enum LineError {
    #[error("counter without a value: `{0}`")]
    CounterWithoutValue(String),
    #[error("bad counter value: `{0}`")]
    BadCounterValue(String),
    #[error("counter without a name: `{0}`")]
    CounterWithoutName(String),
    #[error("ident without a value: `{0}`")]
    IdentWithoutValue(String),
    #[error("bad ident protocol: `{0}`")]
    BadIdentProtocol(String),
    #[error("bad ident port: `{0}`")]
    BadIdentPort(String),
    #[error("malformed ident: `{0}`")]
    MalformedIdent(String),
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    In,
    Out,
}

struct Parser {
    out: IpsecSa,
    ctx: Ctx,
    cur: Option<IpsecSaEntry>,
    /// Direction and protocol of the `... sas:` list being read.
    list: Option<(Dir, &'static str)>,
    structured: bool,
}

impl Parser {
    fn flush(&mut self) {
        if let Some(e) = self.cur.take() {
            self.out.entries.push(e);
        }
        self.list = None;
    }

    fn new_entry(&mut self) -> &mut IpsecSaEntry {
        self.flush();
        let e = IpsecSaEntry {
            interface: self.ctx.interface.clone(),
            crypto_map: self.ctx.crypto_map.clone(),
            seq_num: self.ctx.seq_num,
            local_addr: self.ctx.local_addr.clone(),
            protected_vrf: self.ctx.pending_vrf.take(),
            access_list: self.ctx.pending_acl.take(),
            ..IpsecSaEntry::default()
        };
        self.cur.insert(e)
    }

    /// The entry lines attach to; one is opened when output starts mid-entry (`| begin`).
    fn entry(&mut self) -> &mut IpsecSaEntry {
        if self.cur.is_none() {
            return self.new_entry();
        }
        self.cur.get_or_insert_with(IpsecSaEntry::default)
    }

    fn spi_sa(&mut self) -> Option<&mut SpiSa> {
        let (dir, _) = self.list?;
        let e = self.cur.as_mut()?;
        match dir {
            Dir::In => e.inbound.last_mut(),
            Dir::Out => e.outbound.last_mut(),
        }
    }
}

/// Parse `show crypto ipsec sa` in any of its IOS / IOS-XE / ASA forms. A blank output (IOS
/// with no crypto map applied prints nothing) is an empty record.
pub fn parse_ipsec_sa(input: &str) -> Result<IpsecSa, ParseError> {
    let mut p = Parser {
        out: IpsecSa::default(),
        ctx: Ctx::default(),
        cur: None,
        list: None,
        structured: false,
    };
    let mut first_unknown: Option<(usize, String)> = None;
    let mut any_content = false;
    let raw_lines: Vec<&str> = input.split('\n').collect();
    let last_n = raw_lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    // Escape sequences and other control characters are rare: look for them once.
    let needs_cleaning = input
        .bytes()
        .any(|b| b < 0x20 && b != b'\t' && b != b'\r' && b != b'\n');

    for (i, raw) in raw_lines.iter().enumerate() {
        let n = i + 1;
        let cleaned: Cow<str> = if needs_cleaning {
            Cow::Owned(text::strip_ansi(raw))
        } else {
            Cow::Borrowed(raw)
        };
        let t = cleaned.trim_ascii();
        if t.is_empty() {
            continue;
        }
        // Device output under an entry is indented; echoes and prompts start in column 0.
        let indented = cleaned.starts_with([' ', '\t']);
        if t.starts_with('#') {
            // A bare `#` prompt or an echo after it is no counter: skipped, as ISAKMP does.
            if !is_counters_line(t) {
                continue;
            }
            match counters_line(&mut p, t) {
                Ok(()) => {}
                Err(_) if n == last_n && p.structured => break,
                Err(e) => return Err(ParseError::new(n, e.to_string())),
            }
            p.structured = true;
            continue;
        }
        if !indented && is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        any_content = true;
        match line(&mut p, t) {
            Ok(true) => {}
            Ok(false) => {
                if !p.structured && first_unknown.is_none() {
                    first_unknown = Some((n, t.to_string()));
                }
            }
            Err(_) if n == last_n && p.structured => break,
            Err(e) => return Err(ParseError::new(n, e.to_string())),
        }
    }
    p.flush();
    if !p.structured && any_content {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not an IPsec SA output: `{l}`")),
            None => ParseError::new(0, "not an IPsec SA output"),
        });
    }
    Ok(p.out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const METRICS: &[Metric] = &[
    Metric {
        name: "ipsec_sa_count",
        help: "IPsec SA entries (protected flows: crypto map entry / ident pair)",
        get: |r| IpsecSa::of(r).map(|x| x.entries.len().to_string()),
    },
    Metric {
        name: "ipsec_peers",
        help: "Distinct current peers with IPsec SAs",
        get: |r| IpsecSa::of(r).map(|x| x.peers().len().to_string()),
    },
    Metric {
        name: "ipsec_pkts_encaps",
        help: "Sum of #pkts encaps over all entries",
        get: |r| {
            IpsecSa::of(r)
                .and_then(|x| x.total_encaps())
                .map(|v| v.to_string())
        },
    },
    Metric {
        name: "ipsec_pkts_decaps",
        help: "Sum of #pkts decaps over all entries",
        get: |r| {
            IpsecSa::of(r)
                .and_then(|x| x.total_decaps())
                .map(|v| v.to_string())
        },
    },
    Metric {
        name: "ipsec_one_way",
        help: "Entries with #pkts encaps 0 while #pkts decaps > 0 (nothing encrypted back)",
        get: |r| IpsecSa::of(r).map(|x| x.one_way().count().to_string()),
    },
    Metric {
        name: "ipsec_one_way_peers",
        help: "Peers of the one-way entries, space separated",
        get: |r| {
            IpsecSa::of(r).map(|x| {
                let peers: BTreeSet<&str> = x
                    .one_way()
                    .map(|e| e.current_peer.as_deref().unwrap_or("?"))
                    .collect();
                peers.into_iter().collect::<Vec<_>>().join(" ")
            })
        },
    },
    Metric {
        name: "ipsec_send_errors",
        help: "Sum of #send errors",
        get: |r| {
            IpsecSa::of(r)
                .and_then(|x| x.total_send_errors())
                .map(|v| v.to_string())
        },
    },
    Metric {
        name: "ipsec_recv_errors",
        help: "Sum of #recv errors",
        get: |r| {
            IpsecSa::of(r)
                .and_then(|x| x.total_recv_errors())
                .map(|v| v.to_string())
        },
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_ipsec_sa(t).map(Record::IpsecSa)
}

fn parse_count_record(t: &str) -> Result<Record, ParseError> {
    parse_ipsec_sa_count(t).map(Record::IpsecSaCount)
}

/// `show crypto ipsec sa [active|standby] [peer A | interface I | map M | vrf V | ipv6] [detail]`;
/// `address`, `identity` and `count` print other layouts (`count` has its own parser).
const IPSEC_ARGS: &[Arg] = &[
    Arg::Word("detail"),
    Arg::Word("detailed"),
    Arg::Word("active"),
    Arg::Word("standby"),
    Arg::Word("ipv6"),
    Arg::Key("peer", 1),
    Arg::Key("interface", 2),
    Arg::Key("map", 1),
    Arg::Key("vrf", 1),
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "crypto_ipsec_sa",
            command: "show crypto ipsec sa",
            args: IPSEC_ARGS,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
        ParserSpec {
            name: "crypto_ipsec_sa_count",
            command: "show crypto ipsec sa count",
            args: &[],
            platforms: &[Platform::CiscoIos],
            parse: parse_count_record,
            metrics: &[],
        },
    ]
}

#[cfg(test)]
mod tests;
