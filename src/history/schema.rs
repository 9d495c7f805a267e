//! The history database's schema: a `schema_version` table and forward migrations, applied in
//! the caller's write transaction. A database written by a newer fleetpoll is refused, never
//! rewritten; a SQLite file that is not a fleetpoll history is refused, never taken over.
//!
//! Sized for 1000 devices × 365 nights (benches/history.rs): repeated text (device names,
//! metric names, codes, evidence, SSH algorithms) is stored once and referred to by id; a
//! metric is one row per run of equal values of one device (`metric_spans`), not one per poll.

use rusqlite::{Connection, OptionalExtension};

/// The schema this build writes.
pub const CURRENT: i64 = 1;

/// `MIGRATIONS[i]` takes a database from version `i` to `i + 1` (version 0: empty file).
pub const MIGRATIONS: &[&str] = &[V1];

/// Version 1.
const V1: &str = "
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (0);

-- One row per `fleetpoll poll --history` run that completed (killed runs leave none).
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,          -- RFC 3339 UTC, milliseconds
    ended_at TEXT NOT NULL,
    fleetpoll_version TEXT NOT NULL,
    inventory_path TEXT NOT NULL,
    inventory_sha256 TEXT NOT NULL,    -- of the file's bytes
    playbook_name TEXT NOT NULL,
    playbook_sha256 TEXT NOT NULL,     -- of the file's bytes, as in snapshot manifests
    limit_expr TEXT,                   -- --limit, as given
    shard TEXT,                        -- NULL until sharded runs exist
    exit_status INTEGER NOT NULL,
    devices INTEGER NOT NULL,
    polled INTEGER NOT NULL
);
CREATE INDEX runs_started ON runs (started_at);

CREATE TABLE devices (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
-- Metric, counter and finding-code names.
CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
-- Longer repeated text (messages, evidence, error messages, SSH algorithms), by a 64-bit
-- digest of it; the lookup compares the text too, so a digest collision costs a row, not a
-- wrong text.
CREATE TABLE texts (id INTEGER PRIMARY KEY, digest INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX texts_digest ON texts (digest);

-- One row per device per run, whatever happened to it.
CREATE TABLE polls (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    device_id INTEGER NOT NULL,
    platform TEXT NOT NULL,
    site TEXT,
    poll_status TEXT NOT NULL,
    stage TEXT,
    error_class TEXT,
    error_id INTEGER,                  -- texts: the error message (never a secret)
    health TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    ssh_id INTEGER,                    -- texts: negotiated SSH algorithms
    uptime_s INTEGER,
    UNIQUE (device_id, run_id)
);
CREATE INDEX polls_run ON polls (run_id);

-- A metric column's value over consecutive polls of one device: from first_run to last_run
-- (run ids) it was `value` (an integer when the cell is one, else text). A new metric is a
-- new name, never a migration.
CREATE TABLE metric_spans (
    device_id INTEGER NOT NULL,
    name_id INTEGER NOT NULL,
    first_run INTEGER NOT NULL,
    last_run INTEGER NOT NULL,
    value,
    PRIMARY KEY (device_id, name_id, first_run)
) WITHOUT ROWID;

-- Cumulative counters (health::counters), per poll, for the growth rules.
CREATE TABLE counter_keys (
    id INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL,
    name_id INTEGER NOT NULL,
    subject TEXT NOT NULL,
    UNIQUE (device_id, name_id, subject)
);
CREATE TABLE counters (
    poll_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    value INTEGER NOT NULL,
    cleared_id INTEGER,                -- texts: the device's last-cleared mark
    PRIMARY KEY (poll_id, key_id)
) WITHOUT ROWID;

-- One row per episode of a finding (device, code, subject): open from the run it was first
-- seen in until the run it was gone from (resolved_run), with its last message and evidence.
CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL,
    code_id INTEGER NOT NULL,
    subject TEXT NOT NULL,
    severity TEXT NOT NULL,
    command TEXT,
    first_run INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_run INTEGER NOT NULL,
    last_seen TEXT NOT NULL,
    runs_open INTEGER NOT NULL,
    resolved_run INTEGER,
    resolved_at TEXT,
    message_id INTEGER NOT NULL,
    evidence_id INTEGER NOT NULL
);
CREATE INDEX issues_open ON issues (device_id) WHERE resolved_run IS NULL;
CREATE INDEX issues_device ON issues (device_id, first_run);

-- Each poll in which an episode's finding was seen, with what it said then.
CREATE TABLE sightings (
    poll_id INTEGER NOT NULL,
    issue_id INTEGER NOT NULL,
    severity TEXT NOT NULL,
    message_id INTEGER NOT NULL,
    evidence_id INTEGER NOT NULL,
    PRIMARY KEY (poll_id, issue_id)
) WITHOUT ROWID;
CREATE INDEX sightings_issue ON sightings (issue_id);
";

/// What opening found in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A fleetpoll history at this version.
    Version(i64),
    /// No table at all: a new (or empty) file.
    Empty,
    /// Tables, but no `schema_version`: some other database.
    Foreign,
}

/// Which schema the open database has.
pub fn found(conn: &Connection) -> rusqlite::Result<Found> {
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    if tables == 0 {
        return Ok(Found::Empty);
    }
    let has_version: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if has_version.is_none() {
        return Ok(Found::Foreign);
    }
    let v: Option<i64> = conn
        .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(Found::Version(v.unwrap_or(0)))
}

/// Apply `migrations` from version `from` up to their end, recording each version. The caller
/// holds the write transaction, so a failed or killed migration leaves the file as it was.
pub fn migrate(conn: &Connection, from: i64, migrations: &[&str]) -> rusqlite::Result<i64> {
    let mut v = from;
    for (i, sql) in migrations.iter().enumerate().skip(from.max(0) as usize) {
        conn.execute_batch(sql)?;
        v = i as i64 + 1;
        conn.execute("UPDATE schema_version SET version = ?1", [v])?;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_forward_from_any_version_and_record_it() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(found(&conn).unwrap(), Found::Empty);
        let v2 = "CREATE TABLE extra (x INTEGER);";
        assert_eq!(migrate(&conn, 0, &[V1]).unwrap(), 1);
        assert_eq!(found(&conn).unwrap(), Found::Version(1));
        // A later build's list: only the missing step runs (V1 again would fail: tables exist).
        assert_eq!(migrate(&conn, 1, &[V1, v2]).unwrap(), 2);
        assert_eq!(found(&conn).unwrap(), Found::Version(2));
        conn.execute("INSERT INTO extra VALUES (1)", []).unwrap();
        // Nothing to do at the end of the list.
        assert_eq!(migrate(&conn, 2, &[V1, v2]).unwrap(), 2);
    }

    #[test]
    fn another_database_is_foreign() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
        assert_eq!(found(&conn).unwrap(), Found::Foreign);
    }
}
