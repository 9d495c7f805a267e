//! WAAS WAE outputs read for MAPI acceleration health (the "WAAS – MAPI AO troubleshooting"
//! guide, `shared/seeds/000_971983dc0a372fd1.txt`, digested in `shared/docs/domain.md`).
//!
//! One file per output family: [`accel`] (`show accelerator`, `show accelerator mapi`),
//! [`stats`] (`show statistics accelerator mapi|epm`). Shared clean-up lives in `common`.

mod common;

pub mod accel;
pub mod stats;

pub use accel::{
    parse_accelerators, parse_mapi_accelerator, Accelerators, AoRow, ConfigItem, ConfigMode,
    MapiAccelerator, RegistrationState,
};
pub use common::{ConfigState, OperState};
pub use stats::{parse_epm_stats, parse_mapi_stats, AoGlobal, EpmStats, MapiStats};

use super::{Metric, ParseError, ParserSpec, Record};
use crate::session::platform_id::Platform;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OptimizedConnections {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct License {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CmsSecureStore {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MapiEncryptionVerify {}

const WAAS: &[Platform] = &[Platform::CiscoWaas];

fn num(v: Option<u64>) -> Option<String> {
    v.map(|n| n.to_string())
}

// ---- show accelerator mapi ----

fn rec_mapi_accelerator(t: &str) -> Result<Record, ParseError> {
    parse_mapi_accelerator(t).map(Record::MapiAccelerator)
}

fn mapi_acc(r: &Record) -> Option<&MapiAccelerator> {
    match r {
        Record::MapiAccelerator(m) => Some(m),
        _ => None,
    }
}

const MAPI_ACCELERATOR_METRICS: &[Metric] = &[
    Metric {
        name: "mapi_config_state",
        help: "MAPI AO Config State as printed (Enabled / Disabled)",
        get: |r| mapi_acc(r).map(|m| m.config_state.to_string()),
    },
    Metric {
        name: "mapi_oper_state",
        help: "MAPI AO Operational State as printed (Running; Shutdown while Enabled = licensing)",
        get: |r| mapi_acc(r).map(|m| m.oper_state.to_string()),
    },
    Metric {
        name: "mapi_registration",
        help: "MAPI AO policy-engine registration (Registered)",
        get: |r| mapi_acc(r).and_then(|m| m.registration.as_ref().map(|s| s.to_string())),
    },
    Metric {
        name: "mapi_connection_limit",
        help: "MAPI AO policy-engine connection limit",
        get: |r| mapi_acc(r).and_then(|m| num(m.connection_limit)),
    },
];

// ---- show accelerator ----

fn rec_accelerators(t: &str) -> Result<Record, ParseError> {
    parse_accelerators(t).map(Record::Accelerators)
}

fn accs(r: &Record) -> Option<&Accelerators> {
    match r {
        Record::Accelerators(a) => Some(a),
        _ => None,
    }
}

const ACCELERATORS_METRICS: &[Metric] = &[
    Metric {
        name: "ao_enabled_not_running",
        help: "Number of AOs with Config State Enabled but not Running (licensing problem)",
        get: |r| {
            accs(r).map(|a| {
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
        get: |r| accs(r).and_then(|a| a.get("mapi").map(|x| x.oper_state.to_string())),
    },
    Metric {
        name: "ao_epm_oper_state",
        help: "Operational State of the epm row of `show accelerator` (MAPI needs EPM)",
        get: |r| accs(r).and_then(|a| a.get("epm").map(|x| x.oper_state.to_string())),
    },
];

// ---- show statistics accelerator mapi ----

fn rec_mapi_stats(t: &str) -> Result<Record, ParseError> {
    parse_mapi_stats(t).map(Record::MapiStats)
}

fn mstats(r: &Record) -> Option<&MapiStats> {
    match r {
        Record::MapiStats(s) => Some(s),
        _ => None,
    }
}

const MAPI_STATS_METRICS: &[Metric] = &[
    Metric {
        name: "mapi_handled",
        help: "MAPI AO Total Handled Connections",
        get: |r| mstats(r).and_then(|s| num(s.global.total_handled)),
    },
    Metric {
        name: "mapi_optimized",
        help: "MAPI AO Total Optimized Connections",
        get: |r| mstats(r).and_then(|s| num(s.global.total_optimized)),
    },
    Metric {
        name: "mapi_dropped",
        help: "MAPI AO Total Dropped Connections",
        get: |r| mstats(r).and_then(|s| num(s.global.total_dropped)),
    },
    Metric {
        name: "mapi_active",
        help: "MAPI AO Current Active Connections",
        get: |r| mstats(r).and_then(|s| num(s.global.current_active)),
    },
    Metric {
        name: "mapi_max_active",
        help: "MAPI AO Maximum Active Connections",
        get: |r| mstats(r).and_then(|s| num(s.global.max_active)),
    },
    Metric {
        name: "mapi_secured",
        help: "MAPI Secured (encrypted, not accelerated) Connections",
        get: |r| mstats(r).and_then(|s| num(s.secured_connections)),
    },
    Metric {
        name: "mapi_unsupported_clients",
        help: "MAPI sessions from clients lower than 2000 plus higher than 2007",
        get: |r| mstats(r).and_then(|s| num(s.unsupported_clients())),
    },
];

// ---- show statistics accelerator epm ----

fn rec_epm_stats(t: &str) -> Result<Record, ParseError> {
    parse_epm_stats(t).map(Record::EpmStats)
}

fn estats(r: &Record) -> Option<&EpmStats> {
    match r {
        Record::EpmStats(s) => Some(s),
        _ => None,
    }
}

const EPM_STATS_METRICS: &[Metric] = &[
    Metric {
        name: "epm_handled",
        help: "EPM AO Total Handled Connections",
        get: |r| estats(r).and_then(|s| num(s.global.total_handled)),
    },
    Metric {
        name: "epm_requests_parsed",
        help: "EPM AO Total Requests Successfully Parsed",
        get: |r| estats(r).and_then(|s| num(s.requests_parsed)),
    },
    Metric {
        name: "epm_responses_parsed",
        help: "EPM AO Total Responses Successfully Parsed",
        get: |r| estats(r).and_then(|s| num(s.responses_parsed)),
    },
    Metric {
        name: "epm_dropped",
        help: "EPM AO Total Dropped Connections",
        get: |r| estats(r).and_then(|s| num(s.global.total_dropped)),
    },
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "waas_accelerator_mapi",
            command: "show accelerator mapi",
            takes_args: false,
            platforms: WAAS,
            parse: rec_mapi_accelerator,
            metrics: MAPI_ACCELERATOR_METRICS,
        },
        ParserSpec {
            name: "waas_statistics_accelerator_mapi",
            command: "show statistics accelerator mapi",
            takes_args: false,
            platforms: WAAS,
            parse: rec_mapi_stats,
            metrics: MAPI_STATS_METRICS,
        },
        ParserSpec {
            name: "waas_accelerator",
            command: "show accelerator",
            takes_args: false,
            platforms: WAAS,
            parse: rec_accelerators,
            metrics: ACCELERATORS_METRICS,
        },
        ParserSpec {
            name: "waas_statistics_accelerator_epm",
            command: "show statistics accelerator epm",
            takes_args: false,
            platforms: WAAS,
            parse: rec_epm_stats,
            metrics: EPM_STATS_METRICS,
        },
    ]
}
