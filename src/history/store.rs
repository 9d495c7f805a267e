//! One poll's side of the history: [`Recorder::open`] before any device is contacted (the
//! write lock taken), [`Recorder::judge`] once the sweep is done (what the previous runs left:
//! growth findings, new / ongoing / resolved), [`Judged::commit`] after the outputs are
//! written: every row of the run in the one transaction opened at the start.

use super::status::{self, DeviceStatus, Match, OpenIssue};
use super::{stamp, unstamp, History, HistoryError};
use crate::health::rules::growth::Previous;
use crate::health::{HealthConfig, Severity};
use crate::outcome::{Counter, DeviceReport};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

/// What is stored about the run itself.
#[derive(Debug, Clone, PartialEq)]
pub struct RunMeta {
    pub started_at: DateTime<Utc>,
    pub inventory_path: String,
    /// SHA-256 of the inventory file's bytes.
    pub inventory_sha256: String,
    pub playbook_name: String,
    /// SHA-256 of the playbook file's bytes (the snapshot manifest's `playbook.sha256`).
    pub playbook_sha256: String,
    pub limit: Option<String>,
    /// `None` for an unsharded run; for a merged one, what it merged (`merge of N shards,
    /// run ID`), which also keeps it from being recorded twice.
    pub shard: Option<String>,
}

impl RunMeta {
    /// The run of `plan` (read from the files it names), starting at `started_at`.
    pub fn of_plan(
        plan: &crate::plan::Plan,
        limit: Option<&str>,
        started_at: DateTime<Utc>,
    ) -> RunMeta {
        let inventory = std::fs::read(&plan.inventory_path).unwrap_or_default();
        RunMeta {
            started_at,
            inventory_path: plan.inventory_path.display().to_string(),
            inventory_sha256: crate::util::sha256_hex(&inventory),
            playbook_name: plan.playbook.name.clone(),
            playbook_sha256: plan.playbook.sha256.clone(),
            limit: limit.map(str::to_string),
            shard: None,
        }
    }
}

/// What the history knows of one device before this run.
#[derive(Debug, Clone, Default)]
struct Prior {
    device_id: Option<i64>,
    /// The run of its latest poll, whatever its status (metric spans continue from it).
    last_poll_run: Option<i64>,
    open: Vec<OpenIssue>,
    /// Its latest polled run: when, and its counters.
    previous: Option<Previous>,
}

/// A poll's open history, write lock held.
pub struct Recorder {
    history: History,
    meta: RunMeta,
}

/// The history once this run's findings are judged against it.
pub struct Judged {
    history: History,
    meta: RunMeta,
    priors: Vec<Prior>,
    statuses: Vec<DeviceStatus>,
}

impl Recorder {
    /// Open `path` for this run: created if new, schema checked, write lock taken (waiting at
    /// most `wait` for another writer).
    pub fn open(path: &Path, wait: Duration, meta: RunMeta) -> Result<Recorder, HistoryError> {
        let history = History::open_for_run(path, wait)?;
        if std::env::var_os(super::PAUSE_ENV).is_some() {
            // The pause hook's promise: the rows reach the WAL file before the kill.
            history
                .conn()
                .execute_batch("PRAGMA cache_size = 2")
                .map_err(|e| history.err(e))?;
        }
        Ok(Recorder { history, meta })
    }

    pub fn path(&self) -> &Path {
        self.history.path()
    }

    /// The stored run whose `shard` field is `shard` (a merged run's mark), if any: a merge
    /// recorded once is not recorded again.
    pub fn run_marked(&self, shard: &str) -> Result<Option<i64>, HistoryError> {
        self.history
            .conn()
            .query_row("SELECT id FROM runs WHERE shard = ?1", [shard], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.history.err(e))
    }

    /// Judge `reports` against the history: growth findings from each device's previous
    /// polled run (health re-judged), then every finding's standing and the resolved ones.
    pub fn judge(
        self,
        reports: &mut [DeviceReport],
        cfg: &HealthConfig,
    ) -> Result<Judged, HistoryError> {
        let conn = self.history.conn();
        let now = self.meta.started_at;
        let mut priors = Vec::with_capacity(reports.len());
        for r in reports.iter() {
            priors.push(load_prior(conn, &r.device, now).map_err(|e| self.history.err(e))?);
        }
        let mut statuses = Vec::with_capacity(reports.len());
        for (r, p) in reports.iter_mut().zip(&priors) {
            super::rates::apply(r, p.previous.as_ref(), cfg);
            statuses.push(status::classify(r, &p.open, now));
        }
        Ok(Judged {
            history: self.history,
            meta: self.meta,
            priors,
            statuses,
        })
    }
}

impl Judged {
    /// This run's start (the history's clock, see [`super::run_clock`]).
    pub fn started_at(&self) -> DateTime<Utc> {
        self.meta.started_at
    }

    /// The last `n` stored runs before this one, oldest first (for the HTML trend).
    pub fn recent(&self, n: usize) -> Result<Vec<super::recent::RecentRun>, HistoryError> {
        super::recent::recent(&self.history, n, None)
    }

    /// The previous run's start, when there was one (for the summary).
    pub fn previous_run(&self) -> Option<DateTime<Utc>> {
        self.history
            .conn()
            .query_row("SELECT max(started_at) FROM runs", [], |r| {
                r.get::<_, Option<String>>(0)
            })
            .ok()
            .flatten()
            .map(|s| unstamp(&s))
    }

    /// Write the run (its `reports` as judged, its exit status, how long it took) and commit;
    /// returns its id.
    pub fn commit(
        mut self,
        reports: &[DeviceReport],
        exit_status: i32,
        elapsed: Duration,
    ) -> Result<i64, HistoryError> {
        let ended_at =
            self.meta.started_at + chrono::Duration::from_std(elapsed).unwrap_or_default();
        let run = write_run(
            self.history.conn(),
            &self.meta,
            reports,
            &self.priors,
            &self.statuses,
            exit_status,
            ended_at,
        )
        .map_err(|e| self.history.err(e))?;
        if std::env::var_os(super::PAUSE_ENV).is_some() {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "{}", super::PAUSED_LINE);
            loop {
                std::thread::park();
            }
        }
        self.history.commit()?;
        Ok(run)
    }
}

fn severity(s: &str) -> Severity {
    match s {
        "critical" => Severity::Critical,
        "info" => Severity::Info,
        _ => Severity::Warning,
    }
}

fn load_prior(conn: &Connection, device: &str, now: DateTime<Utc>) -> rusqlite::Result<Prior> {
    let Some(id) = conn
        .prepare_cached("SELECT id FROM devices WHERE name = ?1")?
        .query_row([device], |r| r.get::<_, i64>(0))
        .optional()?
    else {
        return Ok(Prior::default());
    };
    let last_poll_run = conn
        .prepare_cached(
            "SELECT run_id FROM polls WHERE device_id = ?1 ORDER BY run_id DESC LIMIT 1",
        )?
        .query_row([id], |r| r.get::<_, i64>(0))
        .optional()?;
    let polled = conn
        .prepare_cached(
            "SELECT p.id, r.started_at FROM polls p JOIN runs r ON r.id = p.run_id
             WHERE p.device_id = ?1 AND p.poll_status = 'polled'
             ORDER BY p.run_id DESC LIMIT 1",
        )?
        .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .optional()?;
    let previous = match polled {
        None => None,
        Some((poll, at)) => {
            let mut st = conn.prepare_cached(
                "SELECT n.name, k.subject, c.value, t.body FROM counters c
                 JOIN counter_keys k ON k.id = c.key_id JOIN names n ON n.id = k.name_id
                 LEFT JOIN texts t ON t.id = c.cleared_id WHERE c.poll_id = ?1",
            )?;
            let rows = st.query_map([poll], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?;
            let mut counters = Vec::new();
            for row in rows {
                let (name, subject, value, cleared) = row?;
                // A counter this build does not know (a later one wrote it) is not judged.
                let Some(name) = crate::health::counters::ALL.iter().find(|n| **n == name) else {
                    continue;
                };
                counters.push(Counter {
                    name,
                    subject,
                    value: value.max(0) as u64,
                    cleared,
                    command: String::new(),
                });
            }
            let hours = (now - unstamp(&at)).num_milliseconds() as f64 / 3_600_000.0;
            Some(Previous { hours, counters })
        }
    };
    let mut st = conn.prepare_cached(
        "SELECT i.id, n.name, i.subject, i.severity, i.command, i.first_seen, i.runs_open,
                m.body, e.body
         FROM issues i JOIN names n ON n.id = i.code_id
         JOIN texts m ON m.id = i.message_id JOIN texts e ON e.id = i.evidence_id
         WHERE i.device_id = ?1 AND i.resolved_run IS NULL ORDER BY i.id",
    )?;
    let open = st
        .query_map([id], |r| {
            Ok(OpenIssue {
                id: r.get(0)?,
                code: r.get(1)?,
                subject: r.get(2)?,
                severity: severity(&r.get::<_, String>(3)?),
                command: r.get(4)?,
                first_seen: unstamp(&r.get::<_, String>(5)?),
                runs_open: r.get::<_, i64>(6)?.clamp(0, u32::MAX as i64) as u32,
                message: r.get(7)?,
                evidence: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Prior {
        device_id: Some(id),
        last_poll_run,
        open,
        previous,
    })
}

/// Ids of names and texts, looked up once per run.
#[derive(Default)]
struct Ids {
    names: HashMap<String, i64>,
    texts: HashMap<String, i64>,
}

impl Ids {
    fn name(&mut self, conn: &Connection, name: &str) -> rusqlite::Result<i64> {
        if let Some(id) = self.names.get(name) {
            return Ok(*id);
        }
        conn.prepare_cached("INSERT OR IGNORE INTO names (name) VALUES (?1)")?
            .execute([name])?;
        let id = conn
            .prepare_cached("SELECT id FROM names WHERE name = ?1")?
            .query_row([name], |r| r.get(0))?;
        self.names.insert(name.to_string(), id);
        Ok(id)
    }

    fn text(&mut self, conn: &Connection, body: &str) -> rusqlite::Result<i64> {
        if let Some(id) = self.texts.get(body) {
            return Ok(*id);
        }
        let digest = digest(body);
        let found = conn
            .prepare_cached("SELECT id FROM texts WHERE digest = ?1 AND body = ?2")?
            .query_row(params![digest, body], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                conn.prepare_cached("INSERT INTO texts (digest, body) VALUES (?1, ?2)")?
                    .execute(params![digest, body])?;
                conn.last_insert_rowid()
            }
        };
        self.texts.insert(body.to_string(), id);
        Ok(id)
    }

    /// A text id, `None` for empty text.
    fn opt_text(&mut self, conn: &Connection, body: Option<&str>) -> rusqlite::Result<Option<i64>> {
        match body.filter(|b| !b.is_empty()) {
            Some(b) => self.text(conn, b).map(Some),
            None => Ok(None),
        }
    }
}

/// The first 8 bytes of the SHA-256 of `s`, as an integer.
fn digest(s: &str) -> i64 {
    use sha2::Digest as _;
    let d = sha2::Sha256::digest(s.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    i64::from_le_bytes(b)
}

/// A metric cell as stored: an integer when it reads back as the same text, else the text.
fn cell(v: &str) -> Value {
    match v.parse::<i64>() {
        Ok(n) if n.to_string() == v => Value::Integer(n),
        _ => Value::Text(v.to_string()),
    }
}

fn write_run(
    conn: &Connection,
    meta: &RunMeta,
    reports: &[DeviceReport],
    priors: &[Prior],
    statuses: &[DeviceStatus],
    exit_status: i32,
    ended_at: DateTime<Utc>,
) -> rusqlite::Result<i64> {
    let now = stamp(meta.started_at);
    conn.execute(
        "INSERT INTO runs (started_at, ended_at, fleetpoll_version, inventory_path,
            inventory_sha256, playbook_name, playbook_sha256, limit_expr, shard, exit_status,
            devices, polled)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            now,
            stamp(ended_at),
            env!("CARGO_PKG_VERSION"),
            meta.inventory_path,
            meta.inventory_sha256,
            meta.playbook_name,
            meta.playbook_sha256,
            meta.limit,
            meta.shard,
            exit_status,
            reports.len() as i64,
            reports.iter().filter(|r| r.polled()).count() as i64,
        ],
    )?;
    let run = conn.last_insert_rowid();
    let mut ids = Ids::default();
    for ((r, prior), st) in reports.iter().zip(priors).zip(statuses) {
        let device = match prior.device_id {
            Some(id) => id,
            None => {
                conn.prepare_cached("INSERT INTO devices (name) VALUES (?1)")?
                    .execute([&r.device])?;
                conn.last_insert_rowid()
            }
        };
        let error = ids.opt_text(conn, Some(&r.error_message()))?;
        let ssh = ids.opt_text(conn, r.ssh_algorithms.as_deref())?;
        conn.prepare_cached(
            "INSERT INTO polls (run_id, device_id, platform, site, poll_status, stage,
                error_class, error_id, health, duration_ms, ssh_id, uptime_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            run,
            device,
            r.platform.id(),
            r.site,
            r.poll_status.id(),
            r.failed_stage.map(|s| s.id()),
            r.error_class.map(|c| c.id()),
            error,
            r.health.id(),
            r.duration_ms as i64,
            ssh,
            r.uptime_s.map(|u| u.min(i64::MAX as u64) as i64),
        ])?;
        let poll = conn.last_insert_rowid();
        write_metrics(conn, &mut ids, device, run, prior.last_poll_run, r)?;
        write_counters(conn, &mut ids, device, poll, &r.counters)?;
        write_findings(conn, &mut ids, device, run, poll, &now, r, st)?;
    }
    Ok(run)
}

/// Each metric extends the span of its last value when that span reached the device's
/// previous poll and the value is the same; otherwise a new span starts at this run.
fn write_metrics(
    conn: &Connection,
    ids: &mut Ids,
    device: i64,
    run: i64,
    last_poll_run: Option<i64>,
    r: &DeviceReport,
) -> rusqlite::Result<()> {
    for (name, value) in &r.metrics {
        let name = ids.name(conn, name)?;
        let value = cell(value);
        let last = conn
            .prepare_cached(
                "SELECT first_run, last_run, value FROM metric_spans
                 WHERE device_id = ?1 AND name_id = ?2 ORDER BY first_run DESC LIMIT 1",
            )?
            .query_row(params![device, name], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Value>(2)?,
                ))
            })
            .optional()?;
        match last {
            Some((first, last_run, v)) if Some(last_run) == last_poll_run && v == value => {
                conn.prepare_cached(
                    "UPDATE metric_spans SET last_run = ?1
                     WHERE device_id = ?2 AND name_id = ?3 AND first_run = ?4",
                )?
                .execute(params![run, device, name, first])?;
            }
            _ => {
                conn.prepare_cached(
                    "INSERT INTO metric_spans (device_id, name_id, first_run, last_run, value)
                     VALUES (?1, ?2, ?3, ?3, ?4)",
                )?
                .execute(params![device, name, run, value])?;
            }
        }
    }
    Ok(())
}

fn write_counters(
    conn: &Connection,
    ids: &mut Ids,
    device: i64,
    poll: i64,
    counters: &[Counter],
) -> rusqlite::Result<()> {
    for c in counters {
        let name = ids.name(conn, c.name)?;
        conn.prepare_cached(
            "INSERT OR IGNORE INTO counter_keys (device_id, name_id, subject) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![device, name, c.subject])?;
        let key: i64 = conn
            .prepare_cached(
                "SELECT id FROM counter_keys WHERE device_id = ?1 AND name_id = ?2 AND subject = ?3",
            )?
            .query_row(params![device, name, c.subject], |r| r.get(0))?;
        let cleared = ids.opt_text(conn, c.cleared.as_deref())?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO counters (poll_id, key_id, value, cleared_id)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            poll,
            key,
            c.value.min(i64::MAX as u64) as i64,
            cleared
        ])?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_findings(
    conn: &Connection,
    ids: &mut Ids,
    device: i64,
    run: i64,
    poll: i64,
    now: &str,
    r: &DeviceReport,
    st: &DeviceStatus,
) -> rusqlite::Result<()> {
    // Two findings with one identity in one run are one episode, counted once.
    let mut created: HashMap<(&str, &str), i64> = HashMap::new();
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    for (f, m) in r.findings.iter().zip(&st.matches) {
        let code = ids.name(conn, &f.code)?;
        let message = ids.text(conn, &f.message)?;
        let evidence = ids.text(conn, &f.evidence)?;
        let issue = match (m, created.get(&(f.code.as_str(), f.subject.as_str()))) {
            (_, Some(id)) => *id,
            (Match::Ongoing(id), None) => {
                if touched.insert(*id) {
                    conn.prepare_cached(
                        "UPDATE issues SET last_run = ?1, last_seen = ?2,
                            runs_open = runs_open + 1, severity = ?3, command = ?4,
                            message_id = ?5, evidence_id = ?6 WHERE id = ?7",
                    )?
                    .execute(params![
                        run,
                        now,
                        f.severity.id(),
                        f.command,
                        message,
                        evidence,
                        id
                    ])?;
                }
                *id
            }
            (Match::New, None) => {
                conn.prepare_cached(
                    "INSERT INTO issues (device_id, code_id, subject, severity, command,
                        first_run, first_seen, last_run, last_seen, runs_open, message_id,
                        evidence_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7, 1, ?8, ?9)",
                )?
                .execute(params![
                    device,
                    code,
                    f.subject,
                    f.severity.id(),
                    f.command,
                    run,
                    now,
                    message,
                    evidence
                ])?;
                let id = conn.last_insert_rowid();
                created.insert((f.code.as_str(), f.subject.as_str()), id);
                id
            }
        };
        conn.prepare_cached(
            "INSERT OR IGNORE INTO sightings (poll_id, issue_id, severity, message_id, evidence_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![poll, issue, f.severity.id(), message, evidence])?;
    }
    for (id, _) in &st.resolved {
        conn.prepare_cached("UPDATE issues SET resolved_run = ?1, resolved_at = ?2 WHERE id = ?3")?
            .execute(params![run, now, id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_integers_only_when_nothing_is_lost() {
        assert_eq!(cell("42"), Value::Integer(42));
        assert_eq!(cell("-3"), Value::Integer(-3));
        assert_eq!(cell("007"), Value::Text("007".into()));
        assert_eq!(cell("1.50"), Value::Text("1.50".into()));
        assert_eq!(cell("15.1(4)M8"), Value::Text("15.1(4)M8".into()));
        assert_eq!(cell(""), Value::Text(String::new()));
    }
}
