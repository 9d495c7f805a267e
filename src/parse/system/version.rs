//! `show version` on IOS / IOS-XE, ASA and WAAS: the [`Version`] record, its
//! [`SoftwareFamily`], and one parser per platform plus [`parse_version`], which picks one.

use super::{cap, collapse_spaces, content_lines, duration_seconds, is_duration_unit, non_empty};
use super::{re, unrecognised, Line};
use crate::parse::text::device_enum;
use crate::parse::ParseError;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

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
    /// `Last reload reason: ...` (IOS); on images that print no such line, the reason of
    /// `System returned to ROM by ...`.
    pub reload_reason: Option<String>,
    /// IOS `System returned to ROM by <reason> [at <time>]`: the reason (`power-on`, `reload`,
    /// `Reload Command`, `power cycle`).
    pub returned_to_rom_by: Option<String>,
    /// The `at <time>` of `System returned to ROM by <reason> at <time>`, when printed.
    pub returned_to_rom_at: Option<String>,
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
            returned_to_rom_by: None,
            returned_to_rom_at: None,
            last_reset: None,
            config_register: None,
            compiled: None,
            device_manager_version: None,
        }
    }
}

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
static RETURNED_TO_ROM: LazyLock<Regex> =
    LazyLock::new(|| re(r"^System returned to ROM by\s+(.*?)(?:\s+at\s+(.+?))?\s*$"));
static LAST_RESET: LazyLock<Regex> = LazyLock::new(|| re(r"^Last reset from\s+(.+)$"));
static CONFREG: LazyLock<Regex> = LazyLock::new(|| re(r"^Configuration register is (\S+)"));
static COMPILED: LazyLock<Regex> = LazyLock::new(|| re(r"^Compiled (?:on )?(.+)$"));

/// A line pattern and the optional [`Version`] field it fills.
struct FieldRule {
    re: &'static LazyLock<Regex>,
    field: fn(&mut Version) -> &mut Option<String>,
    value: fn(&regex::Captures<'_>) -> Option<String>,
}

/// The first rule in `rules` whose pattern matches `t` claims the line: it fills its field
/// unless the field is already set (the first occurrence wins). `false` when no rule matches.
fn fill_first(v: &mut Version, rules: &[FieldRule], t: &str) -> bool {
    for rule in rules {
        if let Some(c) = rule.re.captures(t) {
            let field = (rule.field)(v);
            if field.is_none() {
                *field = (rule.value)(&c);
            }
            return true;
        }
    }
    false
}

fn group_1(c: &regex::Captures<'_>) -> Option<String> {
    cap(c, 1)
}

fn group_1_non_empty(c: &regex::Captures<'_>) -> Option<String> {
    cap(c, 1).and_then(|s| non_empty(&s))
}

/// IOS lines that fill one field each, in the order they are tried.
static IOS_FIELDS: &[FieldRule] = &[
    FieldRule {
        re: &MODEL_LINE,
        field: |v| &mut v.model,
        value: |c| cap(c, 2),
    },
    FieldRule {
        re: &BOARD_ID,
        field: |v| &mut v.serial,
        value: group_1,
    },
    FieldRule {
        re: &SYSTEM_SERIAL,
        field: |v| &mut v.serial,
        value: group_1,
    },
    FieldRule {
        re: &IMAGE_FILE,
        field: |v| &mut v.image,
        value: group_1_non_empty,
    },
    FieldRule {
        re: &RESTARTED_AT,
        field: |v| &mut v.restarted,
        value: group_1,
    },
    FieldRule {
        re: &RELOAD_REASON,
        field: |v| &mut v.reload_reason,
        // IOS-XE prints `<NULL>` when it does not know.
        value: |c| group_1_non_empty(c).filter(|s| s != "<NULL>"),
    },
    FieldRule {
        re: &LAST_RESET,
        field: |v| &mut v.last_reset,
        value: group_1,
    },
    FieldRule {
        re: &CONFREG,
        field: |v| &mut v.config_register,
        value: group_1,
    },
];

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
    let mut reload_reason_line = false;
    for (i, l) in lines.iter().enumerate() {
        let t = l.text.as_str();
        if is_xe_marker(t) {
            xe = true;
        }
        reload_reason_line |= t.starts_with("Last reload reason");
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
        } else if let Some(c) = RETURNED_TO_ROM.captures(t) {
            if v.returned_to_rom_by.is_none() {
                v.returned_to_rom_by = cap(&c, 1).and_then(|s| non_empty(&s));
                v.returned_to_rom_at = cap(&c, 2).and_then(|s| non_empty(&s));
            }
        } else if !fill_first(&mut v, IOS_FIELDS, t) {
            if let Some(c) = COMPILED.captures(t) {
                if v.compiled.is_none() && ios_line_seen {
                    v.compiled = cap(&c, 1);
                }
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
    // Older images print no `Last reload reason:`; the `returned to ROM` reason is the reason.
    if !reload_reason_line && v.reload_reason.is_none() {
        v.reload_reason.clone_from(&v.returned_to_rom_by);
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

/// ASA lines that fill one field each, in the order they are tried.
static ASA_FIELDS: &[FieldRule] = &[
    FieldRule {
        re: &ASA_SERIAL,
        field: |v| &mut v.serial,
        value: group_1,
    },
    FieldRule {
        re: &ASA_ASDM,
        field: |v| &mut v.device_manager_version,
        value: group_1,
    },
    FieldRule {
        re: &IMAGE_FILE,
        field: |v| &mut v.image,
        value: group_1_non_empty,
    },
    FieldRule {
        re: &CONFREG,
        field: |v| &mut v.config_register,
        value: group_1,
    },
];

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
        } else if !fill_first(&mut v, ASA_FIELDS, t) {
            if let Some(c) = COMPILED.captures(t) {
                if v.compiled.is_none() && seen {
                    v.compiled = cap(&c, 1);
                }
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

/// WAAS lines that fill one field each, in the order they are tried.
static WAAS_FIELDS: &[FieldRule] = &[
    FieldRule {
        re: &WAAS_VERSION,
        field: |v| &mut v.image_id,
        value: group_1,
    },
    FieldRule {
        re: &WAAS_DEVICE_ID,
        field: |v| &mut v.device_id,
        value: group_1,
    },
    FieldRule {
        re: &WAAS_RESTARTED,
        field: |v| &mut v.restarted,
        value: group_1,
    },
];

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
        } else if !fill_first(&mut v, WAAS_FIELDS, t) {
            if let Some(c) = WAAS_UP.captures(t) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
