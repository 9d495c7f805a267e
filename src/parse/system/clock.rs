//! `show clock` on every platform: the [`Clock`] record and its [`ClockAuthority`] flag,
//! read from the IOS / ASA format (`*18:57:38.347 UTC Mon Oct 19 2015`) or WAAS `Local time:`.

use super::{cap, content_lines, re, shorten, unrecognised, Line};
use crate::parse::text::device_enum;
use crate::parse::ParseError;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
