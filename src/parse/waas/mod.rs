//! WAAS WAE outputs read for MAPI acceleration health (the "WAAS – MAPI AO troubleshooting"
//! guide, `shared/seeds/000_971983dc0a372fd1.txt`, digested in `shared/docs/domain.md`).
//!
//! One file per output family: [`accel`] (`show accelerator`, `show accelerator mapi`),
//! [`stats`] (`show statistics accelerator mapi|epm`), [`conn`] (`show statistics connection
//! optimized mapi`), [`license`] (`show license`, `show cms secure-store`), [`verify`]
//! (`accelerator mapi verify encryption-settings`). Shared clean-up lives in `common`.

mod common;

pub mod accel;
pub mod conn;
pub mod license;
pub mod stats;
pub mod verify;

pub use accel::{
    parse_accelerators, parse_mapi_accelerator, Accelerators, AoRow, ConfigItem, ConfigMode,
    MapiAccelerator, RegistrationState,
};
pub use common::{ConfigState, OperState};
pub use conn::{
    parse_optimized_connections, AccelFeature, OptimizedConnection, OptimizedConnections,
};
pub use license::{
    parse_cms_secure_store, parse_license, CmsSecureStore, License, LicenseEntry, LicenseStatus,
};
pub use stats::{parse_epm_stats, parse_mapi_stats, AoGlobal, EpmStats, MapiStats};
pub use verify::{
    parse_mapi_encryption_verify, MapiEncryptionVerify, VerifyComponent, VerifyGroup, VerifyRole,
    VerifyStatus,
};

use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;

const WAAS: &[Platform] = &[Platform::CiscoWaas];

fn num(v: Option<u64>) -> Option<String> {
    v.map(|n| n.to_string())
}

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_string()
}

// ---- show accelerator mapi ----

fn rec_mapi_accelerator(t: &str) -> Result<Record, ParseError> {
    parse_mapi_accelerator(t).map(Record::MapiAccelerator)
}

const MAPI_ACCELERATOR_METRICS: &[Metric] = &[
    Metric {
        name: "mapi_config_state",
        help: "MAPI AO Config State as printed (Enabled / Disabled)",
        get: |r| MapiAccelerator::of(r).map(|m| m.config_state.to_string()),
    },
    Metric {
        name: "mapi_oper_state",
        help: "MAPI AO Operational State as printed (Running; Shutdown while Enabled = licensing)",
        get: |r| MapiAccelerator::of(r).map(|m| m.oper_state.to_string()),
    },
    Metric {
        name: "mapi_registration",
        help: "MAPI AO policy-engine registration (Registered)",
        get: |r| {
            MapiAccelerator::of(r).and_then(|m| m.registration.as_ref().map(|s| s.to_string()))
        },
    },
    Metric {
        name: "mapi_connection_limit",
        help: "MAPI AO policy-engine connection limit",
        get: |r| MapiAccelerator::of(r).and_then(|m| num(m.connection_limit)),
    },
];

// ---- show accelerator ----

fn rec_accelerators(t: &str) -> Result<Record, ParseError> {
    parse_accelerators(t).map(Record::Accelerators)
}

const ACCELERATORS_METRICS: &[Metric] = &[
    Metric {
        name: "ao_enabled_not_running",
        help: "Number of AOs with Config State Enabled but not Running (licensing problem)",
        get: |r| {
            Accelerators::of(r).map(|a| {
                a.accelerators
                    .iter()
                    .filter(|x| x.enabled_not_running())
                    .count()
                    .to_string()
            })
        },
    },
    Metric {
        name: "ao_mapi_oper_state",
        help: "Operational State of the mapi row of `show accelerator`",
        get: |r| Accelerators::of(r).and_then(|a| a.get("mapi").map(|x| x.oper_state.to_string())),
    },
    Metric {
        name: "ao_epm_oper_state",
        help: "Operational State of the epm row of `show accelerator` (MAPI needs EPM)",
        get: |r| Accelerators::of(r).and_then(|a| a.get("epm").map(|x| x.oper_state.to_string())),
    },
];

// ---- show statistics accelerator mapi ----

fn rec_mapi_stats(t: &str) -> Result<Record, ParseError> {
    parse_mapi_stats(t).map(Record::MapiStats)
}

const MAPI_STATS_METRICS: &[Metric] = &[
    Metric {
        name: "mapi_handled",
        help: "MAPI AO Total Handled Connections",
        get: |r| MapiStats::of(r).and_then(|s| num(s.global.total_handled)),
    },
    Metric {
        name: "mapi_optimized",
        help: "MAPI AO Total Optimized Connections",
        get: |r| MapiStats::of(r).and_then(|s| num(s.global.total_optimized)),
    },
    Metric {
        name: "mapi_dropped",
        help: "MAPI AO Total Dropped Connections",
        get: |r| MapiStats::of(r).and_then(|s| num(s.global.total_dropped)),
    },
    Metric {
        name: "mapi_active",
        help: "MAPI AO Current Active Connections",
        get: |r| MapiStats::of(r).and_then(|s| num(s.global.current_active)),
    },
    Metric {
        name: "mapi_max_active",
        help: "MAPI AO Maximum Active Connections",
        get: |r| MapiStats::of(r).and_then(|s| num(s.global.max_active)),
    },
    Metric {
        name: "mapi_secured",
        help: "MAPI Secured (encrypted, not accelerated) Connections",
        get: |r| MapiStats::of(r).and_then(|s| num(s.secured_connections)),
    },
    Metric {
        name: "mapi_unsupported_clients",
        help: "MAPI sessions from clients lower than 2000 plus higher than 2007",
        get: |r| MapiStats::of(r).and_then(|s| num(s.unsupported_clients())),
    },
];

// ---- show statistics accelerator epm ----

fn rec_epm_stats(t: &str) -> Result<Record, ParseError> {
    parse_epm_stats(t).map(Record::EpmStats)
}

const EPM_STATS_METRICS: &[Metric] = &[
    Metric {
        name: "epm_handled",
        help: "EPM AO Total Handled Connections",
        get: |r| EpmStats::of(r).and_then(|s| num(s.global.total_handled)),
    },
    Metric {
        name: "epm_requests_parsed",
        help: "EPM AO Total Requests Successfully Parsed",
        get: |r| EpmStats::of(r).and_then(|s| num(s.requests_parsed)),
    },
    Metric {
        name: "epm_responses_parsed",
        help: "EPM AO Total Responses Successfully Parsed",
        get: |r| EpmStats::of(r).and_then(|s| num(s.responses_parsed)),
    },
    Metric {
        name: "epm_dropped",
        help: "EPM AO Total Dropped Connections",
        get: |r| EpmStats::of(r).and_then(|s| num(s.global.total_dropped)),
    },
];

// ---- show statistics connection optimized mapi ----

fn rec_optimized_connections(t: &str) -> Result<Record, ParseError> {
    parse_optimized_connections(t).map(Record::OptimizedConnections)
}

const OPTIMIZED_CONNECTIONS_METRICS: &[Metric] = &[
    Metric {
        name: "mapi_flows_active",
        help: "Current Active Optimized Flows (show statistics connection optimized mapi)",
        get: |r| OptimizedConnections::of(r).and_then(|c| num(c.active_optimized)),
    },
    Metric {
        name: "mapi_flows_reserved",
        help: "Current Reserved Flows: MAPI connection resources set aside (4.1.5+)",
        get: |r| OptimizedConnections::of(r).and_then(|c| num(c.reserved)),
    },
    Metric {
        name: "mapi_flows_mapi",
        help: "Listed connections accelerated by the MAPI AO (Accel has M, e.g. TMDL)",
        get: |r| OptimizedConnections::of(r).map(|c| c.mapi_count().to_string()),
    },
    Metric {
        name: "mapi_flows_tgdl",
        help: "Listed connections pushed down to the generic AO (Accel has G, e.g. TGDL)",
        get: |r| OptimizedConnections::of(r).map(|c| c.generic_count().to_string()),
    },
];

// ---- show license ----

fn rec_license(t: &str) -> Result<Record, ParseError> {
    parse_license(t).map(Record::License)
}

const LICENSE_METRICS: &[Metric] = &[
    Metric {
        name: "license_enterprise",
        help: "1 when the Enterprise license is listed and active (MAPI AO needs it), else 0",
        get: |r| License::of(r).map(|l| flag(l.is_active("Enterprise"))),
    },
    Metric {
        name: "license_active",
        help: "Active licenses, space-separated",
        get: |r| {
            License::of(r).map(|l| {
                l.licenses
                    .iter()
                    .filter(|e| e.status == LicenseStatus::Active)
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        },
    },
];

// ---- show cms secure-store ----

fn rec_cms(t: &str) -> Result<Record, ParseError> {
    parse_cms_secure_store(t).map(Record::CmsSecureStore)
}

const CMS_METRICS: &[Metric] = &[
    Metric {
        name: "cms_store_open",
        help: "1 when the CMS secure store is open (required on every core WAE for eMAPI), else 0",
        get: |r| CmsSecureStore::of(r).and_then(|c| c.open.map(flag)),
    },
    Metric {
        name: "cms_store_initialized",
        help: "1 when the CMS secure store is initialized, else 0",
        get: |r| CmsSecureStore::of(r).and_then(|c| c.initialized.map(flag)),
    },
];

// ---- accelerator mapi verify encryption-settings ----

fn rec_verify(t: &str) -> Result<Record, ParseError> {
    parse_mapi_encryption_verify(t).map(Record::MapiEncryptionVerify)
}

const VERIFY_METRICS: &[Metric] = &[
    Metric {
        name: "emapi_verify_failed",
        help: "Components reported `Status: FAILED` by the eMAPI verify command",
        get: |r| MapiEncryptionVerify::of(r).map(|v| v.failed().to_string()),
    },
    Metric {
        name: "emapi_edge_ok",
        help: "1 when the [EDGE] summary says the device can accelerate encrypted MAPI, else 0",
        get: |r| {
            MapiEncryptionVerify::of(r)
                .and_then(|v| v.group(VerifyRole::Edge))
                .and_then(|g| g.summary_ok().map(flag))
        },
    },
    Metric {
        name: "emapi_core_ok",
        help: "1 when the [CORE] summary says the device can accelerate encrypted MAPI, else 0",
        get: |r| {
            MapiEncryptionVerify::of(r)
                .and_then(|v| v.group(VerifyRole::Core))
                .and_then(|g| g.summary_ok().map(flag))
        },
    },
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "waas_accelerator_mapi",
            command: "show accelerator mapi",
            args: &[],
            platforms: WAAS,
            parse: rec_mapi_accelerator,
            metrics: MAPI_ACCELERATOR_METRICS,
        },
        ParserSpec {
            name: "waas_statistics_accelerator_mapi",
            command: "show statistics accelerator mapi",
            args: &[],
            platforms: WAAS,
            parse: rec_mapi_stats,
            metrics: MAPI_STATS_METRICS,
        },
        ParserSpec {
            name: "waas_accelerator",
            command: "show accelerator",
            args: &[],
            platforms: WAAS,
            parse: rec_accelerators,
            metrics: ACCELERATORS_METRICS,
        },
        ParserSpec {
            name: "waas_statistics_accelerator_epm",
            command: "show statistics accelerator epm",
            args: &[],
            platforms: WAAS,
            parse: rec_epm_stats,
            metrics: EPM_STATS_METRICS,
        },
        ParserSpec {
            name: "waas_statistics_connection_optimized_mapi",
            command: "show statistics connection optimized mapi",
            args: &[],
            platforms: WAAS,
            parse: rec_optimized_connections,
            metrics: OPTIMIZED_CONNECTIONS_METRICS,
        },
        ParserSpec {
            name: "waas_license",
            command: "show license",
            args: &[],
            platforms: WAAS,
            parse: rec_license,
            metrics: LICENSE_METRICS,
        },
        // The seed writes `show cms secure store`; the WAE CLI spells it `secure-store`.
        ParserSpec {
            name: "waas_cms_secure_store",
            command: "show cms secure store",
            args: &[],
            platforms: WAAS,
            parse: rec_cms,
            metrics: CMS_METRICS,
        },
        ParserSpec {
            name: "waas_cms_secure_store_hyphen",
            command: "show cms secure-store",
            args: &[],
            platforms: WAAS,
            parse: rec_cms,
            metrics: CMS_METRICS,
        },
        ParserSpec {
            name: "waas_mapi_verify_encryption_settings",
            command: "accelerator mapi verify encryption-settings",
            args: &[],
            platforms: WAAS,
            parse: rec_verify,
            metrics: VERIFY_METRICS,
        },
    ]
}

#[cfg(test)]
mod robustness {
    //! No WAAS parser panics, whatever it is given: every prefix of every fixture (truncation
    //! at any byte), lines shuffled and duplicated, and arbitrary text.
    use super::parsers;
    use proptest::prelude::*;

    /// (command, text) of every WAAS fixture.
    fn fixtures() -> Vec<(String, String)> {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cisco_waas");
        let mut out = Vec::new();
        for d in std::fs::read_dir(root).into_iter().flatten().flatten() {
            let cmd = d.file_name().to_string_lossy().replace('_', " ");
            for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
                if f.path().extension().is_some_and(|e| e == "txt") {
                    if let Ok(b) = std::fs::read(f.path()) {
                        out.push((cmd.clone(), String::from_utf8_lossy(&b).into_owned()));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_prefix_of_every_fixture() {
        let texts = fixtures();
        assert!(!texts.is_empty());
        for (cmd, t) in &texts {
            // Each fixture's own parser sees every prefix; every parser sees the whole text.
            if let Some(own) = parsers().iter().find(|p| p.command == cmd) {
                for (i, _) in t.char_indices() {
                    let _ = (own.parse)(&t[..i]);
                }
            }
            for p in parsers() {
                let _ = (p.parse)(t);
            }
        }
    }

    proptest! {
        #[test]
        fn arbitrary_text(s in "\\PC{0,400}") {
            for p in parsers() {
                let _ = (p.parse)(&s);
            }
        }

        #[test]
        fn device_like_lines(lines in proptest::collection::vec(
            prop_oneof![
                Just("Accelerator Licensed Config State Operational State".to_string()),
                Just("Policy Engine Config Item Value".to_string()),
                Just("Accelerator Config Item Mode Value".to_string()),
                Just("Service Config State Operational State".to_string()),
                Just("License Name Status Activation Date Activated By".to_string()),
                Just("ConnID Source IP:Port Dest IP:Port PeerID Accel RR".to_string()),
                Just("MAPI:".to_string()),
                Just("[EDGE:]".to_string()),
                Just("Summary [CORE]: x".to_string()),
                Just("Verifying X".to_string()),
                Just(">>".to_string()),
                "[a-zA-Z0-9:.%>#\\[\\] -]{0,40}",
            ],
            0..30,
        )) {
            let text = lines.join("\n");
            for p in parsers() {
                let _ = (p.parse)(&text);
            }
        }
    }
}
