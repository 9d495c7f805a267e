//! Parsers: pure functions from one command's text output to a typed [`Record`].
//! The registry maps (platform, command) to a parser and to the CSV metric columns it can fill;
//! playbooks name those columns and the plan checks them before anything connects.

pub mod asa;
pub mod asa_context;
pub mod asa_license;
pub mod asa_sessions;
pub mod asa_vpn_context;
pub mod asa_vpn_lb;
pub mod cerm;
pub mod crypto_session;
pub mod dmvpn;
pub mod failover;
pub mod ikev2;
pub mod ikev2_sa;
pub mod inventory;
pub mod ios_license;
pub mod ipsec;
pub mod isakmp;
pub mod pki;
pub mod redundancy;
pub mod route;
pub mod smart_license;
pub mod system;
pub mod text;
pub mod textfsm;
pub mod waas;

use crate::Platform;
pub use route::{lookup, normalize_command, Arg};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// An output the parser could not read. `line` is 1-based in the text given to the parser
/// (0 when the problem is the output as a whole, e.g. it is empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl ParseError {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
        }
    }
}

/// The record families, declared once. `for_each_record!(m)` calls `m! { Variant(Type), … }`
/// with every family, so the [`Record`] enum, its downcasts ([`Family`]), the health dispatch
/// (`health::rules::Judge`) and the snapshot comparison (`snapshot::diff::Compare`) are all
/// generated from this list: a new family that one layer does not handle does not compile.
macro_rules! for_each_record {
    ($m:ident) => {
        $m! {
            // crypto (IOS, IOS-XE, ASA)
            IsakmpSa($crate::parse::isakmp::IsakmpSa),
            IsakmpSaCount($crate::parse::isakmp::IsakmpSaCount),
            IpsecSa($crate::parse::ipsec::IpsecSa),
            IpsecSaCount($crate::parse::ipsec::IpsecSaCount),
            Cerm($crate::parse::cerm::Cerm),
            Certificates($crate::parse::pki::Certificates),
            CryptoSessions($crate::parse::crypto_session::CryptoSessions),
            Dmvpn($crate::parse::dmvpn::Dmvpn),
            Ikev2Sessions($crate::parse::ikev2::Ikev2Sessions),
            Ikev2Count($crate::parse::ikev2::Ikev2Count),
            Ikev2Stats($crate::parse::ikev2::Ikev2Stats),
            Ikev2Sas($crate::parse::ikev2_sa::Ikev2Sas),
            // ASA
            VpnSessiondbSummary($crate::parse::asa::VpnSessiondbSummary),
            AspDrop($crate::parse::asa::AspDrop),
            AsaLicense($crate::parse::asa_license::AsaLicense),
            Failover($crate::parse::failover::Failover),
            VpnAnyconnect($crate::parse::asa_sessions::AnyconnectSessions),
            VpnL2l($crate::parse::asa_sessions::VpnL2l),
            SecurityContexts($crate::parse::asa_context::SecurityContexts),
            VpnWebvpn($crate::parse::asa_sessions::WebvpnSessions),
            VpnLoadBalancing($crate::parse::asa_vpn_lb::VpnLoadBalancing),
            AspVpnContext($crate::parse::asa_vpn_context::AspVpnContexts),
            // WAAS
            Accelerators($crate::parse::waas::Accelerators),
            MapiAccelerator($crate::parse::waas::MapiAccelerator),
            MapiStats($crate::parse::waas::MapiStats),
            EpmStats($crate::parse::waas::EpmStats),
            OptimizedConnections($crate::parse::waas::OptimizedConnections),
            License($crate::parse::waas::License),
            CmsSecureStore($crate::parse::waas::CmsSecureStore),
            MapiEncryptionVerify($crate::parse::waas::MapiEncryptionVerify),
            // every platform
            Version($crate::parse::system::Version),
            Clock($crate::parse::system::Clock),
            NtpStatus($crate::parse::system::NtpStatus),
            Inventory($crate::parse::inventory::Inventory),
            IosLicense($crate::parse::ios_license::IosLicense),
            Redundancy($crate::parse::redundancy::Redundancy),
            // any command an ntc-templates template reads (parse/textfsm)
            Textfsm($crate::parse::textfsm::TextfsmTable),
        }
    };
}
pub(crate) use for_each_record;

/// A record family: the typed record of one kind of output, found inside a [`Record`].
pub trait Family: Sized {
    /// This family's record, if `r` is one.
    fn of(r: &Record) -> Option<&Self>;
}

macro_rules! declare_records {
    ($($variant:ident($ty:ty),)*) => {
        /// Every typed record a parser can produce. Serialized with a `record` tag so that
        /// snapshots and `fleetpoll parse` output can be read back.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "record", rename_all = "snake_case")]
        pub enum Record {
            $($variant($ty),)*
        }

        $(
            impl Family for $ty {
                fn of(r: &Record) -> Option<&Self> {
                    match r {
                        Record::$variant(x) => Some(x),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }

            impl From<$ty> for Record {
                fn from(x: $ty) -> Record {
                    Record::$variant(x)
                }
            }
        )*
    };
}
for_each_record!(declare_records);

/// One CSV metric column a parser can fill.
pub struct Metric {
    /// Column name, snake_case, unique across the whole registry unless two parsers fill the
    /// same meaning (e.g. `ike_sa_total` from both the IOS and the ASA isakmp parser).
    pub name: &'static str,
    /// One line for `fleetpoll check` and the README.
    pub help: &'static str,
    /// The value, or `None` when the record does not carry it (the cell stays empty).
    pub get: fn(&Record) -> Option<String>,
}

/// A registered parser.
pub struct ParserSpec {
    /// Stable id, used in playbooks (`parser:`) and JSONL.
    pub name: &'static str,
    /// Canonical command words, lowercase, single-spaced, unabbreviated.
    pub command: &'static str,
    /// The argument words allowed after `command` (`peer 10.0.0.1`, `detail`, ...), whose
    /// output keeps the layout this parser reads; empty when the command takes none.
    pub args: &'static [Arg],
    /// Platform families this parser reads (`cisco_xe` is looked up as `cisco_ios`).
    pub platforms: &'static [Platform],
    pub parse: fn(&str) -> Result<Record, ParseError>,
    pub metrics: &'static [Metric],
}

impl ParserSpec {
    pub fn metric(&self, name: &str) -> Option<&'static Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }
}

/// All parsers, in a stable order.
pub fn registry() -> &'static [ParserSpec] {
    static REG: OnceLock<Vec<ParserSpec>> = OnceLock::new();
    REG.get_or_init(|| {
        let mut v = Vec::new();
        v.extend(isakmp::parsers());
        v.extend(ikev2_sa::parsers());
        v.extend(ipsec::parsers());
        v.extend(cerm::parsers());
        v.extend(crypto_session::parsers());
        v.extend(dmvpn::parsers());
        v.extend(ikev2::parsers());
        v.extend(asa::parsers());
        v.extend(asa_license::parsers());
        v.extend(pki::parsers());
        v.extend(failover::parsers());
        v.extend(asa_sessions::parsers());
        v.extend(asa_context::parsers());
        v.extend(asa_vpn_lb::parsers());
        v.extend(asa_vpn_context::parsers());
        v.extend(waas::parsers());
        v.extend(system::parsers());
        v.extend(inventory::parsers());
        v.extend(ios_license::parsers());
        v.extend(redundancy::parsers());
        v
    })
}

/// Find a parser by its registered name.
pub fn by_name(name: &str) -> Option<&'static ParserSpec> {
    registry().iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_names_and_metric_names_are_unique_per_parser() {
        let mut names = std::collections::HashSet::new();
        for s in registry() {
            assert!(names.insert(s.name), "duplicate parser name {}", s.name);
            let mut m = std::collections::HashSet::new();
            for metric in s.metrics {
                assert!(
                    m.insert(metric.name),
                    "{}: duplicate metric {}",
                    s.name,
                    metric.name
                );
            }
            assert_eq!(
                normalize_command(s.command),
                s.command,
                "{} not canonical",
                s.name
            );
        }
    }
}
