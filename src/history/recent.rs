//! The last runs as a trend draws them: when each started, and each device's health and the
//! codes of the findings it showed. `report --history` and `poll --html --history` read this.

use super::{stamp, unstamp, History, HistoryError};
use chrono::{DateTime, Utc};
use rusqlite::params;
use std::collections::HashMap;

/// One stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentRun {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    /// In the order the run polled them.
    pub devices: Vec<RecentDevice>,
}

/// One device in a stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentDevice {
    pub device: String,
    /// `ok`, `warning`, `critical` or `unknown`, as the run judged it.
    pub health: String,
    /// The codes of the findings seen in that poll (each once).
    pub codes: Vec<String>,
}

/// The last `n` runs that started before `before` (every run when `None`), oldest first.
pub fn recent(
    h: &History,
    n: usize,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<RecentRun>, HistoryError> {
    let c = h.conn();
    let read = || -> rusqlite::Result<Vec<RecentRun>> {
        // Stamps are fixed-width RFC 3339 UTC, so they order as text.
        let cutoff = before.map(stamp).unwrap_or_else(|| "~".to_string());
        let mut st = c.prepare(
            "SELECT id, started_at FROM runs WHERE started_at < ?1
             ORDER BY started_at DESC, id DESC LIMIT ?2",
        )?;
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let mut runs: Vec<(i64, String)> = st
            .query_map(params![cutoff, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        runs.reverse();
        let mut polls = c.prepare(
            "SELECT p.id, d.name, p.health FROM polls p JOIN devices d ON d.id = p.device_id
             WHERE p.run_id = ?1 ORDER BY p.id",
        )?;
        let mut seen = c.prepare(
            "SELECT s.poll_id, n.name FROM sightings s
             JOIN polls p ON p.id = s.poll_id
             JOIN issues i ON i.id = s.issue_id
             JOIN names n ON n.id = i.code_id
             WHERE p.run_id = ?1 ORDER BY s.poll_id, n.name",
        )?;
        let mut out = Vec::with_capacity(runs.len());
        for (id, started) in runs {
            let mut codes: HashMap<i64, Vec<String>> = HashMap::new();
            for row in seen.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))? {
                let (poll, code): (i64, String) = row?;
                let list = codes.entry(poll).or_default();
                if !list.contains(&code) {
                    list.push(code);
                }
            }
            let devices = polls
                .query_map([id], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
                })?
                .map(|row| {
                    row.map(|(poll, device, health)| RecentDevice {
                        device,
                        health,
                        codes: codes.remove(&poll).unwrap_or_default(),
                    })
                })
                .collect::<rusqlite::Result<_>>()?;
            out.push(RecentRun {
                id,
                started_at: unstamp(&started),
                devices,
            });
        }
        Ok(out)
    };
    read().map_err(|e| h.err(e))
}
