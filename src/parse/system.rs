//! `show version`, `show clock` and `show ntp status` on every platform.
//!
//! Three output families are read:
//! - IOS / IOS-XE (`cisco_ios`, also used for `cisco_xe`): `Cisco IOS Software, ... Version X`,
//!   `<host> uptime is ...`, `Processor board ID ...`; clock `*10:00:00.123 UTC Mon Jan 1 2024`
//!   (`*` = not authoritative, `.` = synchronised but unsure); NTP `Clock is synchronized, ...`.
//! - ASA (`cisco_asa`): `Cisco Adaptive Security Appliance Software Version 9.x`,
//!   `<host> up N days M hours`, `Hardware:`, `Serial Number:`; clock and NTP as IOS.
//! - WAAS (`cisco_waas`): `Cisco Wide Area Application Services Software (WAAS)`,
//!   `Version: oe674-5.0.1.12`, `The system has been up for ...`; clock `Local time: ...`;
//!   NTP `NTP enabled` / `Server list:` then an `ntpq -p` peer table.
//!
//! Every parser tolerates CRLF, ANSI escapes, trailing spaces, an echoed command, a trailing
//! prompt, pager markers, banners and truncated output; output it cannot read at all (or a CLI
//! error such as `% Invalid input detected`) is a [`ParseError`] naming the line.

use super::{text, Metric, ParseError, ParserSpec, Record};
use crate::parse::text::device_enum;
use crate::Platform;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

device_enum! {
    /// Which software family printed a `show version`.
    SoftwareFamily {
        /// Classic IOS (`Cisco IOS Software`, `IOS (tm)`).
        Ios => "ios",
        /// IOS-XE (an `IOS XE` / `IOS-XE` marker is present).
        IosXe => "ios_xe",
        /// ASA software.
        Asa => "asa",
        /// WAAS on a WAE / WAVE.
        Waas => "waas",
    }
}

/// `show version`, every platform. Fields a platform does not print stay `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub os: SoftwareFamily,
    /// Main software version: IOS `15.1(4)M8` (on IOS-XE the IOS line's `17.5.1a`),
    /// ASA `9.8(4)10`, WAAS release `5.0.1`.
    pub version: String,
    /// IOS-XE package version (`Cisco IOS XE Software, Version 17.05.01a`, `IOS XE Version: 03.09.01.S`).
    pub xe_version: Option<String>,
    /// Software platform: IOS `C1900` / `ASR1000`, ASA hardware `ASA5520` / `ASAv`, WAAS `oe674`.
    pub platform: Option<String>,
    /// IOS feature image (`C1900-UNIVERSALK9-M`); WAAS full version string (`oe674-5.0.1.12`).
    pub image_id: Option<String>,
    /// Hostname as printed (`<host> uptime is`, `<host> up`); WAAS does not print it.
    pub hostname: Option<String>,
    /// Hardware model: IOS chassis (`CISCO1941/K9`), ASA `Model Id` or hardware (`ASAv10`, `ASA5520`).
    pub model: Option<String>,
    /// ASA `Hardware:` line (`ASA5520, 512 MB RAM, CPU Pentium 4 Celeron 2000 MHz`).
    pub hardware: Option<String>,
    /// IOS `Processor board ID` (else `System Serial Number`), ASA `Serial Number`.
    pub serial: Option<String>,
    /// WAAS `Device Id` (a MAC address).
    pub device_id: Option<String>,
    /// `System image file is "..."`.
    pub image: Option<String>,
    /// Uptime as printed (`2 weeks, 2 days, 18 hours, 23 minutes`).
    pub uptime: Option<String>,
    /// Uptime in seconds, when every part of the printed uptime is understood
    /// (a year counts 365 days).
    pub uptime_s: Option<u64>,
    /// `System restarted at ...` (IOS), `System was restarted on ...` (WAAS).
    pub restarted: Option<String>,
    /// `Last reload reason: ...` (IOS).
    pub reload_reason: Option<String>,
    /// `Last reset from ...` (IOS switches and older routers: `power-on`, `watchdog`, ...).
    pub last_reset: Option<String>,
    /// `Configuration register is 0x2102` (IOS, ASA).
    pub config_register: Option<String>,
    /// `Compiled ...` (date and builder).
    pub compiled: Option<String>,
    /// ASA `Device Manager Version` (ASDM).
    pub device_manager_version: Option<String>,
}

impl Version {
    fn new(os: SoftwareFamily) -> Self {
        Version {
            os,
            version: String::new(),
            xe_version: None,
            platform: None,
            image_id: None,
            hostname: None,
            model: None,
            hardware: None,
            serial: None,
            device_id: None,
            image: None,
            uptime: None,
            uptime_s: None,
            restarted: None,
            reload_reason: None,
            last_reset: None,
            config_register: None,
            compiled: None,
            device_manager_version: None,
        }
    }
}

device_enum! {
    /// Whether the device trusts its clock, from the flag IOS prints before the time.
    ClockAuthority {
        /// No flag (IOS / ASA format): the time is authoritative.
        Authoritative => "authoritative",
        /// `*`: the time is not authoritative (never set, or NTP not synchronised).
        NotAuthoritative => "not_authoritative",
        /// `.`: the time is authoritative but NTP is not currently synchronised.
        Unsure => "unsure",
        /// The format carries no flag (WAAS `Local time:`).
        Unknown => "unknown",
    }
}

impl ClockAuthority {
    /// `Some(true)` when authoritative, `Some(false)` for `*` and `.`, `None` when unknown.
    pub fn is_authoritative(&self) -> Option<bool> {
        match self {
            ClockAuthority::Authoritative => Some(true),
            ClockAuthority::NotAuthoritative | ClockAuthority::Unsure => Some(false),
            ClockAuthority::Unknown | ClockAuthority::Other(_) => None,
        }
    }
}

/// `show clock`, every platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    /// The time as printed, without the IOS flag or the WAAS `Local time:` label.
    pub text: String,
    /// `18:57:38.347` (fraction as printed, when printed).
    pub time: String,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Milliseconds when the device prints a fraction.
    pub millisecond: Option<u16>,
    pub timezone: Option<String>,
    pub day_of_week: String,
    /// Month name as printed (`Oct`).
    pub month: String,
    /// Month number, 1..=12.
    pub month_num: u8,
    pub day: u8,
    pub year: u16,
    pub authority: ClockAuthority,
    /// `Time source is NTP` (IOS timestamp header or `show clock detail`), when printed.
    pub time_source: Option<String>,
}

/// One row of the WAAS `ntpq -p` style peer table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NtpPeer {
    /// Tally code as printed (`*` system peer, `+` candidate, `-` outlier, `x` false ticker,
    /// `#`, `.`, `o`), empty for none.
    pub tally: String,
    /// `true` for the system peer (`*`, or `o` for a PPS peer).
    pub selected: bool,
    pub remote: String,
    pub refid: String,
    pub stratum: Option<u8>,
    /// Peer type column (`u` unicast, `l` local, `b` broadcast, ...).
    pub kind: String,
    /// Seconds since the last packet (`when`, with `m`/`h`/`d` suffixes expanded); `None` for `-`.
    pub when_s: Option<u64>,
    pub poll_s: Option<u64>,
    /// Reachability register, octal as printed (`377` = last 8 polls answered).
    pub reach: String,
    pub delay_ms: Option<f64>,
    pub offset_ms: Option<f64>,
    pub jitter_ms: Option<f64>,
}

/// `show ntp status`, every platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NtpStatus {
    /// `false` for `%NTP is not enabled.` (IOS) and `NTP disabled` (WAAS).
    pub enabled: bool,
    pub synchronized: bool,
    /// Local stratum (IOS/ASA as printed; WAAS: system peer's stratum + 1).
    pub stratum: Option<u8>,
    /// Reference clock (`10.16.2.2`, `.LOCL.`); WAAS: the system peer.
    pub reference: Option<String>,
    /// Clock offset in milliseconds (WAAS: the system peer's offset).
    pub offset_ms: Option<f64>,
    pub root_delay_ms: Option<f64>,
    pub root_dispersion_ms: Option<f64>,
    pub peer_dispersion_ms: Option<f64>,
    pub nominal_freq_hz: Option<f64>,
    pub actual_freq_hz: Option<f64>,
    /// `2**14` as printed.
    pub precision: Option<String>,
    /// `DFA02517.D2F7B9F6 (13:40:23.824 EST Wed Nov 21 2018)` as printed.
    pub reference_time: Option<String>,
    /// NTP uptime in 1/100 s.
    pub uptime_cs: Option<u64>,
    pub resolution: Option<u64>,
    /// Loop filter state and its description, `'CTRL' (Normal Controlled Loop)` as printed.
    pub loopfilter_state: Option<String>,
    /// Drift in s/s.
    pub drift: Option<f64>,
    pub poll_interval_s: Option<u64>,
    pub last_update_s: Option<u64>,
    /// WAAS `Server list:`.
    pub servers: Vec<String>,
    /// WAAS peer table.
    pub peers: Vec<NtpPeer>,
}

impl NtpStatus {
    fn empty(enabled: bool) -> Self {
        NtpStatus {
            enabled,
            synchronized: false,
            stratum: None,
            reference: None,
            offset_ms: None,
            root_delay_ms: None,
            root_dispersion_ms: None,
            peer_dispersion_ms: None,
            nominal_freq_hz: None,
            actual_freq_hz: None,
            precision: None,
            reference_time: None,
            uptime_cs: None,
            resolution: None,
            loopfilter_state: None,
            drift: None,
            poll_interval_s: None,
            last_update_s: None,
            servers: Vec::new(),
            peers: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shared line handling
// ---------------------------------------------------------------------------------------------

fn re(pattern: &str) -> Regex {
    // Patterns are literals in this file and covered by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in regex {pattern}: {e}"))
}

static ECHO_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:[A-Za-z0-9_.\-/()@:]*[#>]\s*)?sh(?:o|ow)?\s+\S"));
static PROMPT_RE: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z0-9_.\-/()@:]+[#>]$"));

/// One output line: 1-based number, the line with trailing space removed, and trimmed.
struct Line {
    no: usize,
    raw: String,
    text: String,
}

/// Lines of `input` with pager markers removed, echoed commands and bare prompts dropped.
fn content_lines(input: &str) -> Vec<Line> {
    text::lines(input)
        .into_iter()
        .filter_map(|(no, l)| {
            let raw = l
                .replace("<--- More --->", "")
                .replace("--More--", "")
                .trim_end()
                .to_string();
            let text = raw.trim().to_string();
            if ECHO_RE.is_match(&text) || PROMPT_RE.is_match(&text) {
                return None;
            }
            Some(Line { no, raw, text })
        })
        .collect()
}

/// A CLI error (`% Invalid input detected`, `ERROR: ...`, `% Incomplete command.`) anywhere in
/// the output becomes the parse error.
fn cli_error(lines: &[Line]) -> Option<ParseError> {
    lines.iter().find_map(|l| {
        let t = l.text.as_str();
        let bad = t.starts_with("% ")
            || t.starts_with("ERROR:")
            || t.starts_with("%Error")
            || t.starts_with("% Error");
        bad.then(|| ParseError::new(l.no, format!("device reported an error: `{t}`")))
    })
}

/// The error for output none of whose lines looks like `what`: names the first non-empty line.
fn unrecognised(lines: &[Line], what: &str) -> ParseError {
    if let Some(e) = cli_error(lines) {
        return e;
    }
    match lines.iter().find(|l| !l.text.is_empty()) {
        Some(l) => ParseError::new(
            l.no,
            format!(
                "not a `{what}` output: unrecognised line `{}`",
                shorten(&l.text)
            ),
        ),
        None => ParseError::new(0, format!("empty `{what}` output")),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(77).collect();
        t.push_str("...");
        t
    }
}

fn cap(c: &regex::Captures<'_>, i: usize) -> Option<String> {
    c.get(i).map(|m| m.as_str().trim().to_string())
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Seconds in a printed duration (`1 year, 2 weeks, 3 days, 4 hours, 5 minutes`,
/// `3 days 22 hours`, `27 days, 1 hour, 47 minutes, 32 seconds`); `None` unless every part is
/// a number followed by a known unit.
pub fn duration_seconds(text: &str) -> Option<u64> {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() || !tokens.len().is_multiple_of(2) {
        return None;
    }
    let mut total: u64 = 0;
    for pair in tokens.chunks(2) {
        let (num, unit) = match pair {
            [n, u] => (n.parse::<u64>().ok()?, u.to_ascii_lowercase()),
            _ => return None,
        };
        let mult: u64 = match unit.as_str() {
            "year" | "years" | "yr" | "yrs" => 365 * 86_400,
            "week" | "weeks" | "wk" | "wks" => 7 * 86_400,
            "day" | "days" => 86_400,
            "hour" | "hours" | "hr" | "hrs" => 3_600,
            "minute" | "minutes" | "min" | "mins" => 60,
            "second" | "seconds" | "sec" | "secs" => 1,
            _ => return None,
        };
        total = total.checked_add(num.checked_mul(mult)?)?;
    }
    Some(total)
}

fn is_duration_unit(word: &str) -> bool {
    duration_seconds(&format!("1 {word}")).is_some()
}

// ---------------------------------------------------------------------------------------------
// show version
// ---------------------------------------------------------------------------------------------

static IOS_VERSION_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:Cisco IOS Software(?:\s*\[[^\]]*\])?,?|IOS \(tm\)|Cisco Internetwork Operating System Software,?)\s*(.*)$",
    )
});
static VERSION_TOKEN: LazyLock<Regex> = LazyLock::new(|| re(r"\bVersion\s+([^\s,]+)"));
static IMAGE_ID: LazyLock<Regex> = LazyLock::new(|| re(r"Software\s*\(([^)]+)\)"));
static XE_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:Cisco IOS XE Software, Version|IOS XE Version:)\s+(\S+)"));
static UPTIME_IS: LazyLock<Regex> = LazyLock::new(|| re(r"^(\S+) uptime is (.+)$"));
static MODEL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^([A-Za-z][A-Za-z-]*)\s+(\S+)\s.*\bwith\b.*bytes of (?:physical )?memory\.?$")
});
static BOARD_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^Processor board ID\s+([^\s,]+)"));
static SYSTEM_SERIAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"^System [Ss]erial [Nn]umber\s*:\s*(\S+)"));
static IMAGE_FILE: LazyLock<Regex> = LazyLock::new(|| re(r#"^System image file is "([^"]*)""#));
static RESTARTED_AT: LazyLock<Regex> = LazyLock::new(|| re(r"^System restarted at (.+)$"));
static RELOAD_REASON: LazyLock<Regex> = LazyLock::new(|| re(r"^Last reload reason:\s*(.*)$"));
static LAST_RESET: LazyLock<Regex> = LazyLock::new(|| re(r"^Last reset from\s+(.+)$"));
static CONFREG: LazyLock<Regex> = LazyLock::new(|| re(r"^Configuration register is (\S+)"));
static COMPILED: LazyLock<Regex> = LazyLock::new(|| re(r"^Compiled (?:on )?(.+)$"));

fn is_xe_marker(t: &str) -> bool {
    t.starts_with("Cisco IOS XE Software")
        || t.starts_with("Cisco IOS-XE software")
        || t.starts_with("IOS XE Version:")
        || t.contains("IOS-XE Software")
        || t.contains("[IOSXE]")
}

/// The uptime text on `line`, joined with a following line that only continues it
/// (`... 7 hours, 56` / `minutes`).
fn uptime_with_continuation(first: &str, next: Option<&Line>) -> String {
    let mut up = first.trim().to_string();
    if let Some(n) = next {
        let words: Vec<&str> = n
            .text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        let ends_with_number = up
            .split_whitespace()
            .last()
            .is_some_and(|w| w.trim_end_matches(',').parse::<u64>().is_ok());
        if ends_with_number && words.len() == 1 && words.iter().all(|w| is_duration_unit(w)) {
            up = format!("{up} {}", n.text.trim());
        }
    }
    up
}

/// `show version` on IOS and IOS-XE.
pub fn parse_version_ios(input: &str) -> Result<Version, ParseError> {
    let lines = content_lines(input);
    let mut v = Version::new(SoftwareFamily::Ios);
    let mut ios_line_seen = false;
    let mut xe = false;
    for (i, l) in lines.iter().enumerate() {
        let t = l.text.as_str();
        if is_xe_marker(t) {
            xe = true;
        }
        if let Some(c) = XE_LINE.captures(t) {
            if v.xe_version.is_none() {
                v.xe_version = cap(&c, 1);
            }
            continue;
        }
        if !ios_line_seen {
            if let Some(c) = IOS_VERSION_LINE.captures(t) {
                let rest = cap(&c, 1).unwrap_or_default();
                if let Some(ver) = VERSION_TOKEN.captures(&rest).and_then(|c| cap(&c, 1)) {
                    ios_line_seen = true;
                    v.version = ver;
                    v.image_id = IMAGE_ID.captures(&rest).and_then(|c| cap(&c, 1));
                    let plat_part = rest.strip_prefix("IOS-XE Software, ").unwrap_or(&rest);
                    v.platform = plat_part
                        .find("Software (")
                        .map(|i| collapse_spaces(&plat_part[..i]))
                        .filter(|p| !p.is_empty() && p != "IOS-XE");
                    continue;
                }
            }
        }
        if let Some(c) = UPTIME_IS.captures(t) {
            if v.hostname.is_none() {
                v.hostname = cap(&c, 1);
                let up =
                    uptime_with_continuation(c.get(2).map_or("", |m| m.as_str()), lines.get(i + 1));
                v.uptime_s = duration_seconds(&up);
                v.uptime = Some(up);
            }
        } else if let Some(c) = MODEL_LINE.captures(t) {
            if v.model.is_none() {
                v.model = cap(&c, 2);
            }
        } else if let Some(c) = BOARD_ID.captures(t) {
            if v.serial.is_none() {
                v.serial = cap(&c, 1);
            }
        } else if let Some(c) = SYSTEM_SERIAL.captures(t) {
            if v.serial.is_none() {
                v.serial = cap(&c, 1);
            }
        } else if let Some(c) = IMAGE_FILE.captures(t) {
            if v.image.is_none() {
                v.image = cap(&c, 1).and_then(|s| non_empty(&s));
            }
        } else if let Some(c) = RESTARTED_AT.captures(t) {
            if v.restarted.is_none() {
                v.restarted = cap(&c, 1);
            }
        } else if let Some(c) = RELOAD_REASON.captures(t) {
            if v.reload_reason.is_none() {
                // IOS-XE prints `<NULL>` when it does not know.
                v.reload_reason = cap(&c, 1)
                    .and_then(|s| non_empty(&s))
                    .filter(|s| s != "<NULL>");
            }
        } else if let Some(c) = LAST_RESET.captures(t) {
            if v.last_reset.is_none() {
                v.last_reset = cap(&c, 1);
            }
        } else if let Some(c) = CONFREG.captures(t) {
            if v.config_register.is_none() {
                v.config_register = cap(&c, 1);
            }
        } else if let Some(c) = COMPILED.captures(t) {
            if v.compiled.is_none() && ios_line_seen {
                v.compiled = cap(&c, 1);
            }
        }
    }
    if !ios_line_seen {
        match v.xe_version.clone() {
            Some(x) => v.version = x,
            None => return Err(unrecognised(&lines, "show version")),
        }
    }
    if xe || v.xe_version.is_some() {
        v.os = SoftwareFamily::IosXe;
    }
    Ok(v)
}

static ASA_VERSION_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^Cisco Adaptive Security Appliance Software Version\s+(\S+)"));
static ASA_UP: LazyLock<Regex> = LazyLock::new(|| re(r"^(\S+) up (\d+ .+)$"));
static ASA_HARDWARE: LazyLock<Regex> = LazyLock::new(|| re(r"^Hardware:\s+(.+)$"));
static ASA_MODEL_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^Model Id:\s+(\S+)"));
static ASA_SERIAL: LazyLock<Regex> = LazyLock::new(|| re(r"^Serial Number:\s*(\S+)"));
static ASA_ASDM: LazyLock<Regex> = LazyLock::new(|| re(r"^Device Manager Version\s+(\S+)"));

/// `show version` on ASA (and ASA on Firepower / ASAv).
pub fn parse_version_asa(input: &str) -> Result<Version, ParseError> {
    let lines = content_lines(input);
    let mut v = Version::new(SoftwareFamily::Asa);
    let mut seen = false;
    let mut model_id = None;
    for l in &lines {
        let t = l.text.as_str();
        if let Some(c) = ASA_VERSION_LINE.captures(t) {
            if !seen {
                seen = true;
                v.version = cap(&c, 1).unwrap_or_default();
            }
        } else if let Some(c) = ASA_UP.captures(t) {
            let up = c.get(2).map_or("", |m| m.as_str()).trim().to_string();
            // `failover cluster up ...` has two words before `up`, so it never gets here.
            if v.hostname.is_none() && duration_seconds(&up).is_some() {
                v.hostname = cap(&c, 1);
                v.uptime_s = duration_seconds(&up);
                v.uptime = Some(up);
            }
        } else if let Some(c) = ASA_HARDWARE.captures(t) {
            if v.hardware.is_none() {
                let hw = c
                    .get(1)
                    .map_or("", |m| m.as_str())
                    .trim()
                    .trim_end_matches(',');
                v.platform = hw.split(',').next().and_then(non_empty);
                v.hardware = non_empty(hw);
            }
        } else if let Some(c) = ASA_MODEL_ID.captures(t) {
            model_id = model_id.or_else(|| cap(&c, 1));
        } else if let Some(c) = ASA_SERIAL.captures(t) {
            if v.serial.is_none() {
                v.serial = cap(&c, 1);
            }
        } else if let Some(c) = ASA_ASDM.captures(t) {
            if v.device_manager_version.is_none() {
                v.device_manager_version = cap(&c, 1);
            }
        } else if let Some(c) = IMAGE_FILE.captures(t) {
            if v.image.is_none() {
                v.image = cap(&c, 1).and_then(|s| non_empty(&s));
            }
        } else if let Some(c) = CONFREG.captures(t) {
            if v.config_register.is_none() {
                v.config_register = cap(&c, 1);
            }
        } else if let Some(c) = COMPILED.captures(t) {
            if v.compiled.is_none() && seen {
                v.compiled = cap(&c, 1);
            }
        }
    }
    if !seen {
        return Err(unrecognised(&lines, "show version"));
    }
    v.model = model_id.or_else(|| v.platform.clone());
    Ok(v)
}

static WAAS_RELEASE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^Cisco Wide Area Application Services Software Release\s+(\S+)"));
static WAAS_VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"^Version:\s*(\S+)"));
static WAAS_DEVICE_ID: LazyLock<Regex> = LazyLock::new(|| re(r"^Device Id:\s*(\S+)"));
static WAAS_RESTARTED: LazyLock<Regex> =
    LazyLock::new(|| re(r"^System was restarted on (.+?)\.?$"));
static WAAS_UP: LazyLock<Regex> = LazyLock::new(|| re(r"^The system has been up for (.+?)\.?$"));

/// `show version` on WAAS (WAE / WAVE / vWAAS).
pub fn parse_version_waas(input: &str) -> Result<Version, ParseError> {
    let lines = content_lines(input);
    let mut v = Version::new(SoftwareFamily::Waas);
    let mut banner = false;
    let mut release = None;
    for l in &lines {
        let t = l.text.as_str();
        if t.starts_with("Cisco Wide Area Application Services Software (WAAS)") {
            banner = true;
        } else if let Some(c) = WAAS_RELEASE.captures(t) {
            banner = true;
            release = release.or_else(|| cap(&c, 1));
        } else if let Some(c) = WAAS_VERSION.captures(t) {
            if v.image_id.is_none() {
                v.image_id = cap(&c, 1);
            }
        } else if let Some(c) = WAAS_DEVICE_ID.captures(t) {
            v.device_id = v.device_id.take().or_else(|| cap(&c, 1));
        } else if let Some(c) = WAAS_RESTARTED.captures(t) {
            v.restarted = v.restarted.take().or_else(|| cap(&c, 1));
        } else if let Some(c) = WAAS_UP.captures(t) {
            if v.uptime.is_none() {
                let up = cap(&c, 1).unwrap_or_default();
                v.uptime_s = duration_seconds(&up);
                v.uptime = Some(up);
            }
        } else if let Some(c) = COMPILED.captures(t) {
            if v.compiled.is_none() && banner {
                v.compiled = cap(&c, 1);
            }
        }
    }
    // `oe674-5.0.1.12`, `oe-vwaas-6.2.3.44`: platform code, then the full version.
    let (platform, full) = match v.image_id.as_deref().and_then(|s| s.rsplit_once('-')) {
        Some((p, f))
            if !p.is_empty() && !f.is_empty() && f.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            (Some(p.to_string()), Some(f.to_string()))
        }
        _ => (None, v.image_id.clone()),
    };
    v.platform = platform;
    v.version = match (release, full) {
        (Some(r), _) => r,
        (None, Some(f)) if banner => f,
        _ => return Err(unrecognised(&lines, "show version")),
    };
    Ok(v)
}

/// `show version` in any of the three formats, recognised by its first version line.
pub fn parse_version(input: &str) -> Result<Version, ParseError> {
    if input.contains("Cisco Adaptive Security Appliance Software") {
        parse_version_asa(input)
    } else if input.contains("Wide Area Application Services") {
        parse_version_waas(input)
    } else {
        parse_version_ios(input)
    }
}

// ---------------------------------------------------------------------------------------------
// show clock
// ---------------------------------------------------------------------------------------------

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

static IOS_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^([*.]?)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?\s+(?:(\S+)\s+)?([A-Z][a-z]{2})\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{4})$",
    )
});
static TIME_SOURCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^Time source is ([^,]+?)(?:,\s*(.*))?$"));
static WAAS_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^Local time:\s+([A-Z][a-z]{2})\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?\s+(?:(\S+)\s+)?(\d{4})$",
    )
});

struct ClockParts<'a> {
    flag: &'a str,
    hour: &'a str,
    minute: &'a str,
    second: &'a str,
    frac: Option<&'a str>,
    tz: Option<&'a str>,
    dow: &'a str,
    month: &'a str,
    day: &'a str,
    year: &'a str,
}

fn build_clock(
    line: &Line,
    p: ClockParts<'_>,
    text: String,
    authority: ClockAuthority,
) -> Result<Clock, ParseError> {
    let bad = |what: &str| {
        ParseError::new(
            line.no,
            format!("invalid {what} in clock `{}`", shorten(&line.text)),
        )
    };
    let hour: u8 = p.hour.parse().map_err(|_| bad("hour"))?;
    let minute: u8 = p.minute.parse().map_err(|_| bad("minute"))?;
    let second: u8 = p.second.parse().map_err(|_| bad("second"))?;
    if hour > 23 || minute > 59 || second > 60 {
        return Err(bad("time"));
    }
    let millisecond = match p.frac {
        Some(f) => {
            let digits: String = f.chars().chain(std::iter::repeat('0')).take(3).collect();
            Some(digits.parse::<u16>().map_err(|_| bad("fraction"))?)
        }
        None => None,
    };
    if !DAYS.contains(&p.dow) {
        return Err(bad("day of week"));
    }
    let month_num = MONTHS
        .iter()
        .position(|m| *m == p.month)
        .ok_or_else(|| bad("month"))?;
    let day: u8 = p.day.parse().map_err(|_| bad("day"))?;
    if day == 0 || day > 31 {
        return Err(bad("day"));
    }
    let year: u16 = p.year.parse().map_err(|_| bad("year"))?;
    let authority = match p.flag {
        "*" => ClockAuthority::NotAuthoritative,
        "." => ClockAuthority::Unsure,
        _ => authority,
    };
    let time = match p.frac {
        Some(f) => format!("{}:{}:{}.{f}", p.hour, p.minute, p.second),
        None => format!("{}:{}:{}", p.hour, p.minute, p.second),
    };
    Ok(Clock {
        text,
        time,
        hour,
        minute,
        second,
        millisecond,
        timezone: p.tz.map(str::to_string),
        day_of_week: p.dow.to_string(),
        month: p.month.to_string(),
        month_num: (month_num + 1) as u8,
        day,
        year,
        authority,
        time_source: None,
    })
}

fn ios_clock(line: &Line, t: &str) -> Option<Result<Clock, ParseError>> {
    let c = IOS_CLOCK.captures(t)?;
    let g = |i: usize| c.get(i).map_or("", |m| m.as_str());
    let parts = ClockParts {
        flag: g(1),
        hour: g(2),
        minute: g(3),
        second: g(4),
        frac: c.get(5).map(|m| m.as_str()),
        tz: c.get(6).map(|m| m.as_str()),
        dow: g(7),
        month: g(8),
        day: g(9),
        year: g(10),
    };
    let text = t.trim_start_matches(['*', '.']).to_string();
    Some(build_clock(
        line,
        parts,
        text,
        ClockAuthority::Authoritative,
    ))
}

fn waas_clock(line: &Line) -> Option<Result<Clock, ParseError>> {
    let c = WAAS_CLOCK.captures(&line.text)?;
    let g = |i: usize| c.get(i).map_or("", |m| m.as_str());
    let parts = ClockParts {
        flag: "",
        dow: g(1),
        month: g(2),
        day: g(3),
        hour: g(4),
        minute: g(5),
        second: g(6),
        frac: c.get(7).map(|m| m.as_str()),
        tz: c.get(8).map(|m| m.as_str()),
        year: g(9),
    };
    let text = line
        .text
        .strip_prefix("Local time:")
        .unwrap_or(&line.text)
        .trim()
        .to_string();
    Some(build_clock(line, parts, text, ClockAuthority::Unknown))
}

/// `show clock` in the IOS / ASA format (`*18:57:38.347 UTC Mon Oct 19 2015`) or the WAAS
/// format (`Local time: Wed Mar 22 08:51:13 PST 2006`).
pub fn parse_clock(input: &str) -> Result<Clock, ParseError> {
    let lines = content_lines(input);
    let mut found: Option<Clock> = None;
    let mut header_clock: Option<Clock> = None;
    let mut source: Option<String> = None;
    for l in &lines {
        let t = l.text.as_str();
        if let Some(c) = TIME_SOURCE.captures(t) {
            // `Time source is NTP, 18:56:04.554 EST Mon Oct 17 2016` (exec prompt timestamp)
            // or `Time source is NTP` (`show clock detail`).
            source = source.or_else(|| cap(&c, 1));
            if let Some(rest) = c.get(2) {
                if header_clock.is_none() {
                    if let Some(r) = ios_clock(l, rest.as_str().trim()) {
                        header_clock = Some(r?);
                    }
                }
            }
            continue;
        }
        if found.is_some() {
            continue;
        }
        if let Some(r) = ios_clock(l, t).or_else(|| waas_clock(l)) {
            found = Some(r?);
        }
    }
    let mut clock = match found.or(header_clock) {
        Some(c) => c,
        None => return Err(unrecognised(&lines, "show clock")),
    };
    clock.time_source = source;
    Ok(clock)
}

// ---------------------------------------------------------------------------------------------
// show ntp status
// ---------------------------------------------------------------------------------------------

static NTP_CLOCK_IS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^Clock is (\w+)(?:,\s*stratum (\d+))?(?:,\s*(?:reference is (\S+?)|(no reference clock)))?,?(?:\s.*)?$",
    )
});
static NUM_UNIT: LazyLock<Regex> = LazyLock::new(|| re(r"^(-?[0-9]+(?:\.[0-9]+)?)\s*(\S*)"));

fn first_f64(s: &str) -> Option<f64> {
    NUM_UNIT
        .captures(s.trim())
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse::<f64>().ok())
        .filter(|f| f.is_finite())
}

fn first_u64(s: &str) -> Option<u64> {
    s.split_whitespace()
        .next()
        .and_then(|w| w.trim_end_matches(['.', ',']).parse().ok())
}

/// `show ntp status` in the IOS / IOS-XE / ASA format.
pub fn parse_ntp_status_ios(input: &str) -> Result<NtpStatus, ParseError> {
    let lines = content_lines(input);
    if lines.iter().any(|l| {
        let t = l.text.trim_start_matches('%').trim();
        t.starts_with("NTP is not enabled") || t.starts_with("NTP is not running")
    }) {
        return Ok(NtpStatus::empty(false));
    }
    let mut st = NtpStatus::empty(true);
    let mut seen = false;
    for l in &lines {
        let t = l.text.as_str();
        if let Some(c) = NTP_CLOCK_IS.captures(t) {
            if seen {
                continue;
            }
            seen = true;
            let state = c.get(1).map_or("", |m| m.as_str()).to_ascii_lowercase();
            st.synchronized = match state.as_str() {
                "synchronized" | "synchronised" => true,
                "unsynchronized" | "unsynchronised" => false,
                _ => {
                    return Err(ParseError::new(
                        l.no,
                        format!("unknown NTP clock state `{state}` in `{}`", shorten(t)),
                    ))
                }
            };
            if let Some(s) = c.get(2) {
                st.stratum = Some(s.as_str().parse::<u8>().map_err(|_| {
                    ParseError::new(l.no, format!("stratum out of range in `{}`", shorten(t)))
                })?);
            }
            st.reference = cap(&c, 3);
            continue;
        }
        for part in t.split(", ") {
            let Some((key, value)) = part.split_once(" is ") else {
                if let Some(rest) = part.strip_prefix("last update was ") {
                    st.last_update_s = first_u64(rest);
                }
                continue;
            };
            let value = value.trim().trim_end_matches('.');
            match key.trim() {
                "nominal freq" => st.nominal_freq_hz = first_f64(value),
                "actual freq" => st.actual_freq_hz = first_f64(value),
                "precision" => st.precision = non_empty(value),
                "ntp uptime" => st.uptime_cs = first_u64(value),
                "resolution" => st.resolution = first_u64(value),
                "reference time" => st.reference_time = non_empty(value),
                "clock offset" => st.offset_ms = first_f64(value),
                "root delay" => st.root_delay_ms = first_f64(value),
                "root dispersion" => st.root_dispersion_ms = first_f64(value),
                "peer dispersion" => st.peer_dispersion_ms = first_f64(value),
                "loopfilter state" => st.loopfilter_state = non_empty(value),
                "drift" => st.drift = first_f64(value),
                "system poll interval" => st.poll_interval_s = first_u64(value),
                _ => {}
            }
        }
    }
    if !seen {
        return Err(unrecognised(&lines, "show ntp status"));
    }
    Ok(st)
}

fn when_seconds(s: &str) -> Option<u64> {
    if s == "-" {
        return None;
    }
    let (num, mult) = match s.chars().last() {
        Some('m') => (&s[..s.len() - 1], 60),
        Some('h') => (&s[..s.len() - 1], 3_600),
        Some('d') => (&s[..s.len() - 1], 86_400),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

fn peer_row(tally: &str, cols: &[&str]) -> Option<NtpPeer> {
    let [remote, refid, st, kind, when, poll, reach, delay, offset, jitter] = cols else {
        return None;
    };
    if !reach.chars().all(|c| c.is_digit(8)) {
        return None;
    }
    let f = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
    Some(NtpPeer {
        tally: tally.to_string(),
        selected: tally == "*" || tally == "o",
        remote: remote.to_string(),
        refid: refid.to_string(),
        stratum: st.parse().ok(),
        kind: kind.to_string(),
        when_s: when_seconds(when),
        poll_s: when_seconds(poll),
        reach: reach.to_string(),
        delay_ms: f(delay),
        offset_ms: f(offset),
        jitter_ms: f(jitter),
    })
}

/// `show ntp status` on WAAS: `NTP enabled|disabled`, `Server list:`, then the `ntpq -p` table.
pub fn parse_ntp_status_waas(input: &str) -> Result<NtpStatus, ParseError> {
    let lines = content_lines(input);
    let mut st = NtpStatus::empty(true);
    let mut state_seen = false;
    let mut table_indent: Option<usize> = None;
    let mut pending: Option<(String, String)> = None; // (tally, remote) of a wrapped row
                                                      // A row that does not read is an error, unless it is the last line (output cut short):
                                                      // then it is dropped, keeping only what it says about the system peer.
    let last_no = lines
        .iter()
        .rev()
        .find(|l| !l.text.is_empty())
        .map_or(0, |l| l.no);
    let mut cut_system_peer: Option<String> = None;
    for l in &lines {
        let t = l.text.as_str();
        if t.eq_ignore_ascii_case("NTP enabled") {
            state_seen = true;
            st.enabled = true;
            continue;
        }
        if t.eq_ignore_ascii_case("NTP disabled") {
            state_seen = true;
            st.enabled = false;
            continue;
        }
        if let Some(rest) = t.strip_prefix("Server list:") {
            state_seen = true;
            st.servers = rest.split_whitespace().map(str::to_string).collect();
            continue;
        }
        if t.starts_with("remote") && t.contains("refid") {
            state_seen = true;
            continue;
        }
        if !t.is_empty() && t.chars().all(|c| c == '=') {
            table_indent = Some(l.raw.len() - l.raw.trim_start().len());
            continue;
        }
        let Some(indent) = table_indent else { continue };
        if t.is_empty() {
            continue;
        }
        let body = l.raw.get(indent..).unwrap_or("");
        let (tally, rest) = match body.chars().next() {
            Some(c) if "*+-x#.o".contains(c) => (c.to_string(), &body[c.len_utf8()..]),
            _ => (String::new(), body),
        };
        let mut cols: Vec<&str> = rest.split_whitespace().collect();
        let (row_tally, held_remote) = match pending.take() {
            // The previous line held only a long remote name; this one holds the other columns.
            Some((pt, remote)) => (pt, Some(remote)),
            None => (tally, None),
        };
        if let Some(r) = held_remote.as_deref() {
            cols.insert(0, r);
        } else if cols.len() == 1 && l.no != last_no {
            pending = Some((
                row_tally,
                cols.first().map_or(String::new(), |s| s.to_string()),
            ));
            continue;
        }
        match peer_row(&row_tally, &cols) {
            Some(p) => st.peers.push(p),
            None if l.no == last_no => {
                if row_tally == "*" || row_tally == "o" {
                    cut_system_peer = cols.first().map(|s| s.to_string());
                }
            }
            None => {
                return Err(ParseError::new(
                    l.no,
                    format!("unrecognised NTP peer row `{}`", shorten(t)),
                ))
            }
        }
    }
    if !state_seen {
        return Err(unrecognised(&lines, "show ntp status"));
    }
    if let Some(sys) = st.peers.iter().find(|p| p.selected) {
        st.synchronized = true;
        st.reference = Some(sys.remote.clone());
        st.stratum = sys.stratum.and_then(|s| s.checked_add(1));
        st.offset_ms = sys.offset_ms;
        st.poll_interval_s = sys.poll_s;
        st.last_update_s = sys.when_s;
    } else if let Some(remote) = cut_system_peer {
        st.synchronized = true;
        st.reference = Some(remote);
    }
    if !st.enabled {
        st.synchronized = false;
    }
    Ok(st)
}

/// `show ntp status` in any of the formats.
pub fn parse_ntp_status(input: &str) -> Result<NtpStatus, ParseError> {
    let waas = input.lines().any(|l| {
        let t = l.trim();
        t.eq_ignore_ascii_case("NTP enabled")
            || t.eq_ignore_ascii_case("NTP disabled")
            || t.starts_with("Server list:")
    });
    if waas {
        parse_ntp_status_waas(input)
    } else {
        parse_ntp_status_ios(input)
    }
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

fn version_of(r: &Record) -> Option<&Version> {
    match r {
        Record::Version(v) => Some(v),
        _ => None,
    }
}

fn clock_of(r: &Record) -> Option<&Clock> {
    match r {
        Record::Clock(c) => Some(c),
        _ => None,
    }
}

fn ntp_of(r: &Record) -> Option<&NtpStatus> {
    match r {
        Record::NtpStatus(n) => Some(n),
        _ => None,
    }
}

const M_SW_VERSION: Metric = Metric {
    name: "sw_version",
    help: "software version (IOS 15.1(4)M8, IOS-XE 17.5.1a, ASA 9.8(4)10, WAAS 5.0.1)",
    get: |r| version_of(r).map(|v| v.version.clone()),
};
const M_OS: Metric = Metric {
    name: "sw_family",
    help: "software family: ios, ios_xe, asa, waas",
    get: |r| version_of(r).map(|v| v.os.to_string()),
};
const M_XE_VERSION: Metric = Metric {
    name: "xe_version",
    help: "IOS-XE package version (17.05.01a)",
    get: |r| version_of(r).and_then(|v| v.xe_version.clone()),
};
const M_MODEL: Metric = Metric {
    name: "model",
    help: "hardware model (CISCO1941/K9, ASA5520, ASAv10)",
    get: |r| version_of(r).and_then(|v| v.model.clone()),
};
const M_PLATFORM: Metric = Metric {
    name: "platform",
    help: "software platform (C1900, ASR1000; ASA hardware; WAAS oe674)",
    get: |r| version_of(r).and_then(|v| v.platform.clone()),
};
const M_SERIAL: Metric = Metric {
    name: "serial",
    help: "chassis serial number (IOS processor board ID, ASA serial number)",
    get: |r| version_of(r).and_then(|v| v.serial.clone()),
};
const M_DEVICE_ID: Metric = Metric {
    name: "device_id",
    help: "WAAS device id (MAC address)",
    get: |r| version_of(r).and_then(|v| v.device_id.clone()),
};
const M_REPORTED_HOSTNAME: Metric = Metric {
    name: "reported_hostname",
    help: "hostname the device prints in show version",
    get: |r| version_of(r).and_then(|v| v.hostname.clone()),
};
const M_UPTIME: Metric = Metric {
    name: "uptime",
    help: "uptime as printed",
    get: |r| version_of(r).and_then(|v| v.uptime.clone()),
};
const M_UPTIME_S: Metric = Metric {
    name: "uptime_s",
    help: "uptime in seconds",
    get: |r| {
        version_of(r)
            .and_then(|v| v.uptime_s)
            .map(|s| s.to_string())
    },
};
const M_IMAGE: Metric = Metric {
    name: "image",
    help: "system image file",
    get: |r| version_of(r).and_then(|v| v.image.clone()),
};
const M_RELOAD_REASON: Metric = Metric {
    name: "reload_reason",
    help: "last reload reason",
    get: |r| version_of(r).and_then(|v| v.reload_reason.clone()),
};
const M_CONFREG: Metric = Metric {
    name: "config_register",
    help: "configuration register",
    get: |r| version_of(r).and_then(|v| v.config_register.clone()),
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
        get: |r| clock_of(r).map(|c| c.text.clone()),
    },
    Metric {
        name: "clock_authoritative",
        help: "true unless IOS flags the time `*` (not authoritative) or `.` (unsure); empty when the format has no flag",
        get: |r| clock_of(r).and_then(|c| c.authority.is_authoritative()).map(|b| b.to_string()),
    },
    Metric {
        name: "clock_source",
        help: "time source (NTP, hardware calendar, user configuration) when printed",
        get: |r| clock_of(r).and_then(|c| c.time_source.clone()),
    },
];

static NTP_METRICS: &[Metric] = &[
    Metric {
        name: "ntp_enabled",
        help: "NTP configured and running",
        get: |r| ntp_of(r).map(|n| n.enabled.to_string()),
    },
    Metric {
        name: "ntp_synced",
        help: "clock synchronised to an NTP reference",
        get: |r| ntp_of(r).map(|n| n.synchronized.to_string()),
    },
    Metric {
        name: "ntp_stratum",
        help: "local NTP stratum (16 = unsynchronised)",
        get: |r| ntp_of(r).and_then(|n| n.stratum).map(|s| s.to_string()),
    },
    Metric {
        name: "ntp_reference",
        help: "NTP reference clock",
        get: |r| ntp_of(r).and_then(|n| n.reference.clone()),
    },
    Metric {
        name: "ntp_offset_ms",
        help: "clock offset from the NTP reference, milliseconds",
        get: |r| ntp_of(r).and_then(|n| n.offset_ms).map(|o| o.to_string()),
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
            takes_args: false,
            platforms: &[Platform::CiscoIos],
            parse: rec_version_ios,
            metrics: IOS_VERSION_METRICS,
        },
        ParserSpec {
            name: "asa_version",
            command: "show version",
            takes_args: false,
            platforms: &[Platform::CiscoAsa],
            parse: rec_version_asa,
            metrics: ASA_VERSION_METRICS,
        },
        ParserSpec {
            name: "waas_version",
            command: "show version",
            takes_args: false,
            platforms: &[Platform::CiscoWaas],
            parse: rec_version_waas,
            metrics: WAAS_VERSION_METRICS,
        },
        ParserSpec {
            name: "clock",
            command: "show clock",
            takes_args: false,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa, Platform::CiscoWaas],
            parse: rec_clock,
            metrics: CLOCK_METRICS,
        },
        ParserSpec {
            name: "ntp_status",
            command: "show ntp status",
            takes_args: false,
            platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
            parse: rec_ntp_ios,
            metrics: NTP_METRICS,
        },
        ParserSpec {
            name: "waas_ntp_status",
            command: "show ntp status",
            takes_args: false,
            platforms: &[Platform::CiscoWaas],
            parse: rec_ntp_waas,
            metrics: NTP_METRICS,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("1 hour, 20 minutes"), Some(4800));
        assert_eq!(
            duration_seconds("3 days 22 hours"),
            Some(3 * 86400 + 22 * 3600)
        );
        assert_eq!(duration_seconds("1 year 97 days"), Some(462 * 86400));
        assert_eq!(
            duration_seconds("27 days, 1 hour, 47 minutes, 32 seconds"),
            Some(27 * 86400 + 3600 + 47 * 60 + 32)
        );
        assert_eq!(duration_seconds("4 weeks, 2 days, 7 hours, 56"), None);
        assert_eq!(duration_seconds("forever"), None);
        assert_eq!(duration_seconds(""), None);
        assert_eq!(duration_seconds("99999999999999999999 years"), None);
        assert_eq!(duration_seconds("9999999999999 years"), None);
    }

    #[test]
    fn ios_version_minimal() {
        let v = parse_version_ios(
            "r1#show version\r\nCisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M), Version 15.1(4)M8, RELEASE SOFTWARE (fc2)\r\nr1 uptime is 1 hour, 2 minutes\r\nProcessor board ID FTX1\r\nr1#",
        )
        .unwrap();
        assert_eq!(v.version, "15.1(4)M8");
        assert_eq!(v.platform.as_deref(), Some("C1900"));
        assert_eq!(v.image_id.as_deref(), Some("C1900-UNIVERSALK9-M"));
        assert_eq!(v.hostname.as_deref(), Some("r1"));
        assert_eq!(v.uptime_s, Some(3720));
        assert_eq!(v.serial.as_deref(), Some("FTX1"));
        assert_eq!(v.os, SoftwareFamily::Ios);
    }

    #[test]
    fn version_errors_name_the_line() {
        let e = parse_version_ios("\nhello world\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_version_ios("r1#show version\n% Invalid input detected at '^' marker.\n")
            .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("Invalid input"));
        assert_eq!(parse_version_asa("").unwrap_err().line, 0);
        assert!(parse_version_waas("Version: 1").is_err());
    }

    #[test]
    fn clock_flags() {
        let c = parse_clock("*18:57:38.347 UTC Mon Oct 19 2015").unwrap();
        assert_eq!(c.authority, ClockAuthority::NotAuthoritative);
        assert_eq!(c.millisecond, Some(347));
        assert_eq!(c.month_num, 10);
        let c = parse_clock(".18:57:38.3 UTC Mon Oct 19 2015").unwrap();
        assert_eq!(c.authority, ClockAuthority::Unsure);
        assert_eq!(c.millisecond, Some(300));
        let c = parse_clock("18:57:38 Mon Oct 19 2015").unwrap();
        assert_eq!(c.authority, ClockAuthority::Authoritative);
        assert_eq!(c.timezone, None);
        let c = parse_clock("Local time: Wed Mar 22 08:51:13 PST 2006").unwrap();
        assert_eq!(c.authority, ClockAuthority::Unknown);
        assert_eq!(c.hour, 8);
        assert!(parse_clock("25:57:38.347 UTC Mon Oct 19 2015").is_err());
        assert!(parse_clock("18:57:38.347 UTC Mon Foo 19 2015").is_err());
    }

    #[test]
    fn ntp_not_enabled() {
        let n = parse_ntp_status_ios("%NTP is not enabled.\n").unwrap();
        assert!(!n.enabled && !n.synchronized);
    }

    #[test]
    fn serde_strings_round_trip() {
        for f in [SoftwareFamily::Ios, SoftwareFamily::Other("x".into())] {
            let j = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<SoftwareFamily>(&j).unwrap(), f);
        }
        assert_eq!(
            serde_json::to_string(&ClockAuthority::Unsure).unwrap(),
            "\"unsure\""
        );
    }
}
