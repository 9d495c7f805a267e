//! Conformance checks for the crypto command family: `show crypto isakmp sa [detail|active]`,
//! `show crypto ikev1 sa detail`, `show crypto ikev2 sa [detail|local|remote ...]`,
//! `show crypto ipsec sa [detail|peer|interface|ipv6 ...]`, `show vpn-sessiondb [summary]`,
//! `show asp drop`, `show crypto ikev2 session [detailed]` / `count`, `show vpn load-balancing`,
//! `show asp table vpn-context detail`, `show vpn-sessiondb webvpn`.
//!
//! Expected parses come from genieparser (nested dicts, numbers as ints, some values lowercased)
//! and ntc-templates (`parsed_sample` lists of flat string dicts, `""` = not captured). Only
//! the values that matter are compared: SA counts, peers and addresses, states, conn ids, every
//! packet counter the source captured, SPIs and their status, session/tunnel rows and totals,
//! drop counters. States are compared through the parser's own spelling normalisation
//! (`AM_Active` = `AM_ACTIVE`), numbers as numbers whatever their JSON type.

//!
//! One file per family under `crypto/`: `ike`, `ikev2_sa`, `ipsec` (genieparser) and `ipsec_ntc`
//! (ntc-templates), `asa` (VPN sessions, ASP drops), `asa_vpn` (load balancing, VPN contexts,
//! WebVPN); the dispatch and the comparison helpers
//! they share are here.

mod asa;
mod asa_sessions;
mod asa_vpn;
mod ike;
mod ikev2;
mod ikev2_sa;
mod ipsec;
mod ipsec_ntc;

use crate::{run_parser, Outcome};
use asa::*;
use fleetpoll::parse::isakmp::enum_key;
use fleetpoll::parse::Record;
use ike::*;
use ipsec::*;
use ipsec_ntc::*;
use serde_json::Value;

/// Source files whose expected parse is wrong in one field, recognised by a line of their
/// capture (the check is not told the file name): (text in the raw file, field, why). Every
/// other field is still compared; a file whose only differences are such fields is skipped
/// with the reason.
const KNOWN_SOURCE_DEFECTS: &[(&str, &str, &str)] = &[(
    "Early security checks failed (security-failed)                          277057",
    "security_failed",
    "ntc-templates puts the `sp-security-failed` count (144251) under `security_failed`: its \
     regex also matches the `Slowpath security checks failed (sp-security-failed)` line; the \
     capture says `security-failed` = 277057",
)];

pub fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    if let Some(o) = asa_sessions::check(platform, command, raw, expected) {
        return Some(o);
    }
    if let Some(o) = asa_vpn::check(platform, command, raw, expected) {
        return Some(o);
    }
    if let Some(o) = ikev2::check(platform, command, raw, expected) {
        return Some(o);
    }
    if let Some(o) = ikev2_sa::check(platform, command, raw, expected) {
        return Some(o);
    }
    // The count commands have their own parsers: a word-prefix command must not reach the
    // SA-table parser.
    let kind = if command == "show crypto isakmp sa count" {
        Kind::IkeCount
    } else if command == "show crypto ipsec sa count" {
        Kind::IpsecCount
    } else if command.starts_with("show crypto isakmp sa")
        || command.starts_with("show crypto ikev1 sa")
    {
        Kind::Ike
    } else if command.starts_with("show crypto ipsec sa") {
        Kind::Ipsec
    } else if command == "show vpn-sessiondb summary" || command == "show vpn-sessiondb" {
        Kind::Vpn
    } else if command.starts_with("show asp drop") {
        Kind::Asp
    } else if command == "show platform cerm-information" {
        Kind::Cerm
    } else {
        return None;
    };
    let record = match run_parser(platform, command, raw) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let mut c = Cmp::default();
    match (&record, kind) {
        (Record::IsakmpSa(r), Kind::Ike) => ike(&mut c, r, expected),
        (Record::IpsecSa(r), Kind::Ipsec) => ipsec(&mut c, r, expected),
        (Record::VpnSessiondbSummary(r), Kind::Vpn) => vpn(&mut c, r, expected),
        (Record::AspDrop(r), Kind::Asp) => asp(&mut c, r, expected),
        (Record::Cerm(_), Kind::Cerm) => {}
        (Record::IsakmpSaCount(r), Kind::IkeCount) => {
            let g = expected.map(|e| e.get("expected_output").unwrap_or(e));
            c.n(
                "active",
                r.active,
                g.and_then(|g| g.get("active_isakmp_sas")),
            );
            c.n(
                "standby",
                r.standby,
                g.and_then(|g| g.get("standby_isakmp_sas")),
            );
            c.n(
                "negotiating",
                r.negotiating,
                g.and_then(|g| g.get("negotiating_isakmp_sas")),
            );
            c.n("dead", r.dead, g.and_then(|g| g.get("dead_isakmp_sas")));
        }
        (Record::IpsecSaCount(r), Kind::IpsecCount) => {
            let g = expected.map(|e| e.get("expected_output").unwrap_or(e));
            c.n("total", r.total, g.and_then(|g| g.get("ipsec_sa_total")));
            c.n("active", r.active, g.and_then(|g| g.get("active")));
            c.n("rekeying", r.rekeying, g.and_then(|g| g.get("rekeying")));
            c.n("unused", r.unused, g.and_then(|g| g.get("unused")));
            c.n("invalid", r.invalid, g.and_then(|g| g.get("invalid")));
        }
        (other, _) => {
            return Some(Outcome::Fail(format!(
                "parser returned the wrong record kind: {}",
                serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.get("record").cloned())
                    .unwrap_or(Value::Null)
            )))
        }
    }
    Some(c.outcome(expected.is_some(), raw))
}

#[derive(Clone, Copy)]
enum Kind {
    Ike,
    Ipsec,
    Vpn,
    Asp,
    Cerm,
    IkeCount,
    IpsecCount,
}

// ---------------------------------------------------------------------------------------------
// Comparison helpers
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Cmp {
    diffs: Vec<String>,
    compared: usize,
}

impl Cmp {
    fn fail(&mut self, msg: String) {
        self.diffs.push(msg);
    }

    /// Strings, compared trimmed and case-insensitively; skipped when the source has none.
    fn s(&mut self, what: &str, ours: Option<&str>, theirs: Option<&Value>) {
        let Some(t) = theirs.and_then(text) else {
            return;
        };
        if t.is_empty() {
            return;
        }
        self.compared += 1;
        if !ours.is_some_and(|o| squash(o).eq_ignore_ascii_case(&squash(&t))) {
            self.fail(format!("{what}: ours {ours:?}, expected {t:?}"));
        }
    }

    /// States / enum spellings, compared by the parser's normalisation.
    fn state(&mut self, what: &str, ours: Option<&str>, theirs: Option<&Value>) {
        let Some(t) = theirs.and_then(text).filter(|t| !t.is_empty()) else {
            return;
        };
        self.compared += 1;
        if ours.map(enum_key) != Some(enum_key(&t)) {
            self.fail(format!("{what}: ours {ours:?}, expected {t:?}"));
        }
    }

    /// Numbers, whatever the JSON type of the expectation; skipped when absent or `""`.
    fn n(&mut self, what: &str, ours: Option<u64>, theirs: Option<&Value>) {
        let Some(t) = theirs.and_then(number) else {
            return;
        };
        self.compared += 1;
        if ours != Some(t) {
            self.fail(format!("{what}: ours {ours:?}, expected {t}"));
        }
    }

    fn count(&mut self, what: &str, ours: usize, theirs: usize) {
        self.compared += 1;
        if ours != theirs {
            self.fail(format!("{what}: ours {ours}, expected {theirs}"));
        }
    }

    fn outcome(self, had_expected: bool, raw: &str) -> Outcome {
        let mut known: Vec<&str> = Vec::new();
        let real: Vec<&String> = self
            .diffs
            .iter()
            .filter(|d| {
                let hit = KNOWN_SOURCE_DEFECTS.iter().find(|(line, field, _)| {
                    raw.contains(line) && d.starts_with(&format!("{field}:"))
                });
                if let Some((_, _, why)) = hit {
                    if !known.contains(why) {
                        known.push(why);
                    }
                    return false;
                }
                true
            })
            .collect();
        if !real.is_empty() {
            return Outcome::Fail(
                real.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        if !known.is_empty() {
            return Outcome::Skip(known.join("; "));
        }
        if had_expected && self.compared == 0 {
            return Outcome::Fail("nothing compared: expected parse not understood".into());
        }
        Outcome::Pass
    }
}

/// Single-spaced, trimmed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// ntc-templates `parsed_sample` rows.
fn ntc_rows(expected: Option<&Value>) -> Option<&Vec<Value>> {
    expected?.get("parsed_sample")?.as_array()
}

/// A genieparser numbered dict (`{1: {...}, 2: {...}}`, keys as strings) in key order.
fn numbered(v: Option<&Value>) -> Vec<&Value> {
    let Some(obj) = v.and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut items: Vec<(u64, &Value)> = obj
        .iter()
        .map(|(k, v)| (k.parse().unwrap_or(u64::MAX), v))
        .collect();
    items.sort_by_key(|(k, _)| *k);
    items.into_iter().map(|(_, v)| v).collect()
}
