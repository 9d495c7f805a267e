//! The parser registry entries for the system commands: which parser reads `show version`,
//! `show clock` and `show ntp status` on which platform, and the CSV metric columns each fills.

use super::{
    parse_clock, parse_ntp_status_ios, parse_ntp_status_waas, parse_version_asa, parse_version_ios,
    parse_version_waas, Clock, NtpStatus, Version,
};
use crate::parse::Family;
use crate::parse::{Metric, ParseError, ParserSpec, Record};
use crate::Platform;

const M_SW_VERSION: Metric = Metric {
    name: "sw_version",
    help: "software version (IOS 15.1(4)M8, IOS-XE 17.5.1a, ASA 9.8(4)10, WAAS 5.0.1)",
    get: |r| Version::of(r).map(|v| v.version.clone()),
};
const M_OS: Metric = Metric {
    name: "sw_family",
    help: "software family: ios, ios_xe, asa, waas",
    get: |r| Version::of(r).map(|v| v.os.to_string()),
};
const M_XE_VERSION: Metric = Metric {
    name: "xe_version",
    help: "IOS-XE package version (17.05.01a)",
    get: |r| Version::of(r).and_then(|v| v.xe_version.clone()),
};
const M_MODEL: Metric = Metric {
    name: "model",
    help: "hardware model (CISCO1941/K9, ASA5520, ASAv10)",
    get: |r| Version::of(r).and_then(|v| v.model.clone()),
};
const M_PLATFORM: Metric = Metric {
    name: "platform",
    help: "software platform (C1900, ASR1000; ASA hardware; WAAS oe674)",
    get: |r| Version::of(r).and_then(|v| v.platform.clone()),
};
const M_SERIAL: Metric = Metric {
    name: "serial",
    help: "chassis serial number (IOS processor board ID, ASA serial number)",
    get: |r| Version::of(r).and_then(|v| v.serial.clone()),
};
const M_DEVICE_ID: Metric = Metric {
    name: "device_id",
    help: "WAAS device id (MAC address)",
    get: |r| Version::of(r).and_then(|v| v.device_id.clone()),
};
const M_REPORTED_HOSTNAME: Metric = Metric {
    name: "reported_hostname",
    help: "hostname the device prints in show version",
    get: |r| Version::of(r).and_then(|v| v.hostname.clone()),
};
const M_UPTIME: Metric = Metric {
    name: "uptime",
    help: "uptime as printed",
    get: |r| Version::of(r).and_then(|v| v.uptime.clone()),
};
const M_UPTIME_S: Metric = Metric {
    name: "uptime_s",
    help: "uptime in seconds",
    get: |r| {
        Version::of(r)
            .and_then(|v| v.uptime_s)
            .map(|s| s.to_string())
    },
};
const M_IMAGE: Metric = Metric {
    name: "image",
    help: "system image file",
    get: |r| Version::of(r).and_then(|v| v.image.clone()),
};
const M_RELOAD_REASON: Metric = Metric {
    name: "reload_reason",
    help: "last reload reason",
    get: |r| Version::of(r).and_then(|v| v.reload_reason.clone()),
};
const M_CONFREG: Metric = Metric {
    name: "config_register",
    help: "configuration register",
    get: |r| Version::of(r).and_then(|v| v.config_register.clone()),
};

static IOS_VERSION_METRICS: &[Metric] = &[
    M_SW_VERSION,
    M_OS,
    M_XE_VERSION,
    M_MODEL,
    M_PLATFORM,
    M_SERIAL,
    M_REPORTED_HOSTNAME,
    M_UPTIME,
    M_UPTIME_S,
    M_IMAGE,
    M_RELOAD_REASON,
    M_CONFREG,
];
static ASA_VERSION_METRICS: &[Metric] = &[
    M_SW_VERSION,
    M_OS,
    M_MODEL,
    M_PLATFORM,
    M_SERIAL,
    M_REPORTED_HOSTNAME,
    M_UPTIME,
    M_UPTIME_S,
    M_IMAGE,
    M_CONFREG,
];
static WAAS_VERSION_METRICS: &[Metric] = &[
    M_SW_VERSION,
    M_OS,
    M_PLATFORM,
    M_DEVICE_ID,
    M_UPTIME,
    M_UPTIME_S,
];

static CLOCK_METRICS: &[Metric] = &[
    Metric {
        name: "clock",
        help: "device clock as printed",
        get: |r| Clock::of(r).map(|c| c.text.clone()),
    },
    Metric {
        name: "clock_authoritative",
        help: "true unless IOS flags the time `*` (not authoritative) or `.` (unsure); empty when the format has no flag",
        get: |r| Clock::of(r).and_then(|c| c.authority.is_authoritative()).map(|b| b.to_string()),
    },
    Metric {
        name: "clock_source",
        help: "time source (NTP, hardware calendar, user configuration) when printed",
        get: |r| Clock::of(r).and_then(|c| c.time_source.clone()),
    },
];

static NTP_METRICS: &[Metric] = &[
    Metric {
        name: "ntp_enabled",
        help: "NTP configured and running",
        get: |r| NtpStatus::of(r).map(|n| n.enabled.to_string()),
    },
    Metric {
        name: "ntp_synced",
        help: "clock synchronised to an NTP reference",
        get: |r| NtpStatus::of(r).map(|n| n.synchronized.to_string()),
    },
    Metric {
        name: "ntp_stratum",
        help: "local NTP stratum (16 = unsynchronised)",
        get: |r| {
            NtpStatus::of(r)
                .and_then(|n| n.stratum)
                .map(|s| s.to_string())
        },
    },
    Metric {
        name: "ntp_reference",
        help: "NTP reference clock",
        get: |r| NtpStatus::of(r).and_then(|n| n.reference.clone()),
    },
    Metric {
        name: "ntp_offset_ms",
        help: "clock offset from the NTP reference, milliseconds",
        get: |r| {
            NtpStatus::of(r)
                .and_then(|n| n.offset_ms)
                .map(|o| o.to_string())
        },
    },
];

fn rec_version_ios(s: &str) -> Result<Record, ParseError> {
    parse_version_ios(s).map(Record::Version)
}
fn rec_version_asa(s: &str) -> Result<Record, ParseError> {
    parse_version_asa(s).map(Record::Version)
}
fn rec_version_waas(s: &str) -> Result<Record, ParseError> {
    parse_version_waas(s).map(Record::Version)
}
fn rec_clock(s: &str) -> Result<Record, ParseError> {
    parse_clock(s).map(Record::Clock)
}
fn rec_ntp_ios(s: &str) -> Result<Record, ParseError> {
    parse_ntp_status_ios(s).map(Record::NtpStatus)
}
fn rec_ntp_waas(s: &str) -> Result<Record, ParseError> {
    parse_ntp_status_waas(s).map(Record::NtpStatus)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "ios_version",
            command: "show version",
            args: &[],
            platforms: &[Platform::CiscoIos],
            parse: rec_version_ios,
            metrics: IOS_VERSION_METRICS,
        },
        ParserSpec {
            name: "asa_version",
            command: "show version",
            args: &[],
            platforms: &[Platform::CiscoAsa],
            parse: rec_version_asa,
            metrics: ASA_VERSION_METRICS,
        },
        ParserSpec {
            name: "waas_version",
            command: "show version",
            args: &[],
            platforms: &[Platform::CiscoWaas],
            parse: rec_version_waas,
            metrics: WAAS_VERSION_METRICS,
        },
        ParserSpec {
            name: "clock",
            command: "show clock",
            args: &[],
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa, Platform::CiscoWaas],
            parse: rec_clock,
            metrics: CLOCK_METRICS,
        },
        ParserSpec {
            name: "ntp_status",
            command: "show ntp status",
            args: &[],
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: rec_ntp_ios,
            metrics: NTP_METRICS,
        },
        ParserSpec {
            name: "waas_ntp_status",
            command: "show ntp status",
            args: &[],
            platforms: &[Platform::CiscoWaas],
            parse: rec_ntp_waas,
            metrics: NTP_METRICS,
        },
    ]
}
