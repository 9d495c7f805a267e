//! What `fleetpoll history` reads: the runs, one device's timeline, the findings (open or
//! within a window), and pruning old runs. Rows are plain structs; `cli::history` prints them.

use super::{stamp, History, HistoryError};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

/// One run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub started_at: String,
    pub ended_at: String,
    pub exit_status: i64,
    pub devices: i64,
    pub polled: i64,
    /// Findings first seen in this run.
    pub new_findings: i64,
    /// Findings this run found gone.
    pub resolved_findings: i64,
    pub limit: Option<String>,
    pub fleetpoll_version: String,
    pub playbook: String,
    pub playbook_sha256: String,
    pub inventory: String,
    pub inventory_sha256: String,
}

/// One poll of a device: how it went and what it showed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineRow {
    pub run: i64,
    pub started_at: String,
    pub poll_status: String,
    pub health: String,
    pub error: Option<String>,
    /// Codes of the findings seen, worst first.
    pub findings: Vec<String>,
    /// `CODE subject` of the findings first seen in this run.
    pub new: Vec<String>,
    /// `CODE subject` of the findings this run found gone.
    pub resolved: Vec<String>,
}

/// One finding episode: from first seen to resolved (or still open).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingRow {
    pub device: String,
    pub code: String,
    pub severity: String,
    pub subject: String,
    /// `open` or `resolved`.
    pub status: String,
    pub first_seen: String,
    pub last_seen: String,
    pub runs_open: i64,
    pub resolved_at: Option<String>,
    pub message: String,
    pub evidence: String,
}

/// Which findings `history findings` lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingFilter {
    /// Only the episodes still open.
    pub open: bool,
    /// Only the episodes open at some time since then (still open, or resolved since).
    pub since: Option<DateTime<Utc>>,
    pub code: Option<String>,
}

fn q<T>(h: &History, r: rusqlite::Result<T>) -> Result<T, HistoryError> {
    r.map_err(|e| h.err(e))
}

/// Every run, oldest first.
pub fn runs(h: &History) -> Result<Vec<RunRow>, HistoryError> {
    let c = h.conn();
    let counts = |col: &str| -> rusqlite::Result<HashMap<i64, i64>> {
        let sql =
            format!("SELECT {col}, count(*) FROM issues WHERE {col} IS NOT NULL GROUP BY {col}");
        let mut st = c.prepare(&sql)?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    };
    let new = q(h, counts("first_run"))?;
    let resolved = q(h, counts("resolved_run"))?;
    let rows = (|| {
        let mut st = c.prepare(
            "SELECT id, started_at, ended_at, exit_status, devices, polled, limit_expr,
                    fleetpoll_version, playbook_name, playbook_sha256, inventory_path,
                    inventory_sha256
             FROM runs ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            let id: i64 = r.get(0)?;
            Ok(RunRow {
                id,
                started_at: r.get(1)?,
                ended_at: r.get(2)?,
                exit_status: r.get(3)?,
                devices: r.get(4)?,
                polled: r.get(5)?,
                new_findings: new.get(&id).copied().unwrap_or(0),
                resolved_findings: resolved.get(&id).copied().unwrap_or(0),
                limit: r.get(6)?,
                fleetpoll_version: r.get(7)?,
                playbook: r.get(8)?,
                playbook_sha256: r.get(9)?,
                inventory: r.get(10)?,
                inventory_sha256: r.get(11)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })();
    q(h, rows)
}

/// The timeline of `device`, oldest poll first; `None` when the history never saw it.
pub fn device(h: &History, device: &str) -> Result<Option<Vec<TimelineRow>>, HistoryError> {
    let c = h.conn();
    let Some(id) = q(
        h,
        c.query_row("SELECT id FROM devices WHERE name = ?1", [device], |r| {
            r.get::<_, i64>(0)
        })
        .optional(),
    )?
    else {
        return Ok(None);
    };
    let rows = (|| {
        // Episodes of the device by the run that opened / resolved them.
        let mut opened: HashMap<i64, Vec<String>> = HashMap::new();
        let mut closed: HashMap<i64, Vec<String>> = HashMap::new();
        let mut st = c.prepare(
            "SELECT n.name, i.subject, i.first_run, i.resolved_run FROM issues i
             JOIN names n ON n.id = i.code_id WHERE i.device_id = ?1 ORDER BY i.id",
        )?;
        let issues = st.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        for i in issues {
            let (code, subject, first, resolved) = i?;
            let label = format!("{code} {subject}");
            opened.entry(first).or_default().push(label.clone());
            if let Some(r) = resolved {
                closed.entry(r).or_default().push(label);
            }
        }
        let mut seen = c.prepare(
            "SELECT DISTINCT n.name, s.severity FROM sightings s
             JOIN issues i ON i.id = s.issue_id JOIN names n ON n.id = i.code_id
             WHERE s.poll_id = ?1",
        )?;
        let mut st = c.prepare(
            "SELECT p.id, p.run_id, r.started_at, p.poll_status, p.health, p.error_class
             FROM polls p JOIN runs r ON r.id = p.run_id WHERE p.device_id = ?1
             ORDER BY p.run_id",
        )?;
        let polls = st.query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for p in polls {
            let (poll, run, started_at, poll_status, health, error) = p?;
            let mut codes: Vec<(String, String)> = seen
                .query_map([poll], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            codes.sort_by(|a, b| rank(&b.1).cmp(&rank(&a.1)).then(a.0.cmp(&b.0)));
            let mut findings: Vec<String> = Vec::new();
            for (code, _) in codes {
                if !findings.contains(&code) {
                    findings.push(code);
                }
            }
            out.push(TimelineRow {
                run,
                started_at,
                poll_status,
                health,
                error,
                findings,
                new: opened.remove(&run).unwrap_or_default(),
                resolved: closed.remove(&run).unwrap_or_default(),
            });
        }
        Ok(out)
    })();
    q(h, rows).map(Some)
}

/// Severity order for sorting stored severities.
fn rank(s: &str) -> u8 {
    match s {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    }
}

/// The finding episodes `filter` selects, by device, worst first.
pub fn findings(h: &History, filter: &FindingFilter) -> Result<Vec<FindingRow>, HistoryError> {
    let mut sql = String::from(
        "SELECT d.name, n.name, i.severity, i.subject, i.resolved_run IS NULL, i.first_seen,
                i.last_seen, i.runs_open, i.resolved_at, m.body, e.body
         FROM issues i JOIN devices d ON d.id = i.device_id JOIN names n ON n.id = i.code_id
         JOIN texts m ON m.id = i.message_id JOIN texts e ON e.id = i.evidence_id
         WHERE 1",
    );
    // Literal conditions (not `?1 = 0 OR …`), so that `--open` reads the partial index.
    if filter.open {
        sql.push_str(" AND i.resolved_run IS NULL");
    }
    if filter.since.is_some() {
        sql.push_str(" AND (i.resolved_at IS NULL OR i.resolved_at >= :since)");
    }
    if filter.code.is_some() {
        sql.push_str(" AND n.name = :code");
    }
    let since = filter.since.map(stamp);
    let rows = (|| {
        let mut st = h.conn().prepare(&sql)?;
        let mut args: Vec<(&str, &dyn rusqlite::ToSql)> = Vec::new();
        if let Some(s) = &since {
            args.push((":since", s));
        }
        if let Some(c) = &filter.code {
            args.push((":code", c));
        }
        let rows = st.query_map(args.as_slice(), |r| {
            Ok(FindingRow {
                device: r.get(0)?,
                code: r.get(1)?,
                severity: r.get(2)?,
                subject: r.get(3)?,
                status: if r.get::<_, bool>(4)? {
                    "open"
                } else {
                    "resolved"
                }
                .to_string(),
                first_seen: r.get(5)?,
                last_seen: r.get(6)?,
                runs_open: r.get(7)?,
                resolved_at: r.get(8)?,
                message: r.get(9)?,
                evidence: r.get(10)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })();
    let mut rows = q(h, rows)?;
    rows.sort_by(|a, b| {
        a.device
            .cmp(&b.device)
            .then(rank(&b.severity).cmp(&rank(&a.severity)))
            .then(a.code.cmp(&b.code))
            .then(a.subject.cmp(&b.subject))
            .then(a.first_seen.cmp(&b.first_seen))
    });
    Ok(rows)
}

/// What `history prune` removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    pub runs: usize,
    pub polls: usize,
    /// Finding episodes resolved before the first kept run.
    pub findings: usize,
    /// Runs kept.
    pub kept: usize,
}

/// Delete the runs that started before `cutoff` — never the latest one, so that the next run
/// still has a previous run to compare with — with their polls, counters and sightings, the
/// metric values and finding episodes that ended before the first kept run, and the texts
/// nothing refers to any more. One transaction; the file does not shrink (SQLite reuses the
/// freed pages; `VACUUM` would rewrite the whole file).
pub fn prune(h: &mut History, cutoff: DateTime<Utc>) -> Result<Pruned, HistoryError> {
    h.begin()?;
    let cut = stamp(cutoff);
    let done = (|| {
        let c = h.conn();
        let last: Option<i64> = c.query_row(
            "SELECT max(id) FROM runs WHERE started_at < ?1 AND id < (SELECT max(id) FROM runs)",
            [&cut],
            |r| r.get(0),
        )?;
        let total: i64 = c.query_row("SELECT count(*) FROM runs", [], |r| r.get(0))?;
        let Some(last) = last else {
            return Ok(Pruned {
                kept: total as usize,
                ..Pruned::default()
            });
        };
        let first_kept: i64 =
            c.query_row("SELECT min(id) FROM runs WHERE id > ?1", [last], |r| {
                r.get(0)
            })?;
        let polls = "SELECT id FROM polls WHERE run_id <= ?1";
        c.execute(
            &format!("DELETE FROM counters WHERE poll_id IN ({polls})"),
            [last],
        )?;
        c.execute(
            &format!("DELETE FROM sightings WHERE poll_id IN ({polls})"),
            [last],
        )?;
        let n_polls = c.execute("DELETE FROM polls WHERE run_id <= ?1", [last])?;
        c.execute("DELETE FROM metric_spans WHERE last_run <= ?1", [last])?;
        c.execute(
            "UPDATE metric_spans SET first_run = ?1 WHERE first_run <= ?2",
            params![first_kept, last],
        )?;
        let n_issues = c.execute(
            "DELETE FROM issues WHERE resolved_run IS NOT NULL AND resolved_run <= ?1",
            [last],
        )?;
        let n_runs = c.execute("DELETE FROM runs WHERE id <= ?1", [last])?;
        c.execute_batch(
            "DELETE FROM counter_keys WHERE id NOT IN (SELECT key_id FROM counters);
             DELETE FROM texts WHERE id NOT IN (
                SELECT error_id FROM polls WHERE error_id IS NOT NULL
                UNION SELECT ssh_id FROM polls WHERE ssh_id IS NOT NULL
                UNION SELECT cleared_id FROM counters WHERE cleared_id IS NOT NULL
                UNION SELECT message_id FROM issues UNION SELECT evidence_id FROM issues
                UNION SELECT message_id FROM sightings UNION SELECT evidence_id FROM sightings);",
        )?;
        Ok(Pruned {
            runs: n_runs,
            polls: n_polls,
            findings: n_issues,
            kept: total as usize - n_runs,
        })
    })();
    let done = done.map_err(|e| h.err(e))?;
    h.commit()?;
    Ok(done)
}
