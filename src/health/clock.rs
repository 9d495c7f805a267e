//! The device's own clock for rules that judge dates (certificate expiry, issue 13): the
//! `show clock` record of the same device when the playbook ran it, else the poll's start time.
//! Computed once per device before the rules run; evidence says which one was used.

use crate::outcome::DeviceReport;
use crate::parse::pki::zone_offset;
use crate::parse::system::Clock;
use crate::parse::{Family, Record};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Where a [`DeviceClock`] comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockSource {
    /// The device's `show clock`, as printed.
    ShowClock(String),
    /// No `show clock` in the poll: the time fleetpoll started polling the device.
    PollStart,
}

/// The time on the device: its wall clock in its zone, and in UTC when the zone is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceClock {
    pub local: NaiveDateTime,
    /// The zone the device prints (`UTC`, `KST`, a free `clock timezone` name), if any.
    pub zone: Option<String>,
    /// `local` in UTC; `None` when the zone abbreviation is unknown.
    pub utc: Option<DateTime<Utc>>,
    pub source: ClockSource,
}

impl DeviceClock {
    /// The poll's start time (UTC).
    pub fn poll_start(at: DateTime<Utc>) -> Self {
        DeviceClock {
            local: at.naive_utc(),
            zone: Some("UTC".into()),
            utc: Some(at),
            source: ClockSource::PollStart,
        }
    }

    /// From a `show clock` record; `None` when its date is not a real date.
    pub fn from_clock(c: &Clock) -> Option<Self> {
        let date =
            NaiveDate::from_ymd_opt(i32::from(c.year), u32::from(c.month_num), u32::from(c.day))?;
        let local =
            date.and_hms_opt(u32::from(c.hour), u32::from(c.minute), u32::from(c.second))?;
        let offset = match c.timezone.as_deref() {
            None => Some(0),
            Some(z) => zone_offset(z),
        };
        Some(DeviceClock {
            local,
            zone: c.timezone.clone(),
            utc: offset.map(|o| (local - chrono::Duration::seconds(i64::from(o))).and_utc()),
            source: ClockSource::ShowClock(c.text.clone()),
        })
    }

    /// For evidence: `device clock 10:00:00 UTC Mon Jan 1 2024 (show clock)`.
    pub fn describe(&self) -> String {
        match &self.source {
            ClockSource::ShowClock(t) => format!("device clock {t} (show clock)"),
            ClockSource::PollStart => format!(
                "poll start {} (no show clock in the playbook)",
                self.local.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        }
    }

    /// The device's clock for `report`: its first parsed `show clock`, else its poll start.
    pub fn of_report(report: &DeviceReport) -> Option<Self> {
        report
            .commands
            .iter()
            .filter_map(|c| c.record.as_deref())
            .find_map(|r: &Record| Clock::of(r).and_then(DeviceClock::from_clock))
            .or_else(|| report.started_at.map(DeviceClock::poll_start))
    }

    /// Seconds from this clock to `(local, zone, utc)` (positive: in the future), and a note
    /// when a zone had to be assumed. Same zone name: compared as printed (even an unknown
    /// name); otherwise in UTC, an unknown zone read as UTC (and said so).
    pub fn seconds_until(
        &self,
        local: NaiveDateTime,
        zone: Option<&str>,
        utc: Option<DateTime<Utc>>,
    ) -> (i64, Option<String>) {
        let same = match (zone, self.zone.as_deref()) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        };
        if same {
            return ((local - self.local).num_seconds(), None);
        }
        let mut notes = Vec::new();
        let theirs = utc.unwrap_or_else(|| {
            notes.push(format!(
                "certificate zone `{}` unknown: read as UTC",
                zone.unwrap_or("")
            ));
            local.and_utc()
        });
        let ours = self.utc.unwrap_or_else(|| {
            notes.push(format!(
                "device clock zone `{}` unknown: read as UTC",
                self.zone.as_deref().unwrap_or("")
            ));
            self.local.and_utc()
        });
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        ((theirs - ours).num_seconds(), note)
    }
}
