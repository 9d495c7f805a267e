//! The run history (`poll --history FILE`): an embedded SQLite database that remembers every
//! run, so that findings read as new, ongoing or resolved and cumulative counters as rates.
//! A sink of the report list like the CSVs; it never holds a secret or raw output.
//!
//! - [`schema`]: tables, `schema_version` and forward migrations;
//! - [`store`]: reading what the previous runs left, writing one run;
//! - [`status`]: new / ongoing / resolved, pure;
//! - [`rates`]: the growth rules fed from the previous run's counters;
//! - [`query`]: `fleetpoll history runs | device | findings | prune`.
//!
//! A poll opens the file before any device is contacted and takes the write lock then (WAL
//! mode: readers are never blocked); everything it writes goes into that one transaction,
//! committed at the end. A killed run leaves the database as it was; a second writer waits
//! for the lock a bounded time and gives up with [`HistoryError::Locked`].

pub mod query;
pub mod rates;
pub mod recent;
pub mod schema;
pub mod status;
pub mod store;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a second writer waits for the lock by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// Test hook: the run's start time (RFC 3339) instead of the clock, so that tests can play
/// successive nights without waiting for them. Only the history's timestamps use it.
pub const NOW_ENV: &str = "FLEETPOLL_HISTORY_NOW";

/// Test hook: when set, a poll stops inside its history transaction, once every row is
/// written (with a page cache small enough that they reach the WAL file uncommitted), says
/// [`PAUSED_LINE`] on stderr and waits to be killed.
pub const PAUSE_ENV: &str = "FLEETPOLL_TEST_PAUSE_IN_HISTORY_WRITE";

/// What the pause hook prints.
pub const PAUSED_LINE: &str = "history: paused inside the write transaction";

/// Why the history cannot be used: every message names the file. All of them mean exit 3.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("history {}: no such file (a `fleetpoll poll --history FILE` run creates it)", path.display())]
    Missing { path: PathBuf },
    #[error("history {}: cannot open: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("history {}: not a fleetpoll history database ({why})", path.display())]
    NotHistory { path: PathBuf, why: String },
    #[error("history {} was written by a newer fleetpoll (schema version {found}; this fleetpoll knows versions up to {known}): upgrade fleetpoll, or give another file", path.display())]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("history {} is locked by another fleetpoll writing to it (waited {} s); try again when that run has finished", path.display(), waited.as_secs_f64())]
    Locked { path: PathBuf, waited: Duration },
    #[error("history {} has no device named `{name}` (none of its runs polled one)", path.display())]
    NoDevice { path: PathBuf, name: String },
    #[error("history {}: {source}", path.display())]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

/// An open history database.
pub struct History {
    conn: Connection,
    path: PathBuf,
    wait: Duration,
    /// A write transaction is open (`BEGIN IMMEDIATE`).
    writing: bool,
}

impl History {
    /// Open (creating it if needed) for a poll: the schema checked and migrated, and the
    /// write lock taken until [`History::commit`] (or until this is dropped: rolled back).
    pub fn open_for_run(path: &Path, wait: Duration) -> Result<History, HistoryError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        create_private(path);
        let mut h = History::connect(path, flags, wait)?;
        h.begin()?;
        h.check_schema(true)?;
        Ok(h)
    }

    /// Open an existing history for the `history` queries (migrating an older schema, which
    /// takes the write lock for a moment).
    pub fn open_existing(path: &Path, wait: Duration) -> Result<History, HistoryError> {
        if !path.is_file() {
            return Err(HistoryError::Missing {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut h = History::connect(path, flags, wait)?;
        if h.check_schema(false)? {
            h.begin()?;
            h.check_schema(true)?;
            h.commit()?;
        }
        Ok(h)
    }

    fn connect(path: &Path, flags: OpenFlags, wait: Duration) -> Result<History, HistoryError> {
        if path.is_dir() {
            return Err(HistoryError::NotHistory {
                path: path.to_path_buf(),
                why: "it is a directory".into(),
            });
        }
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| HistoryError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let h = History {
            conn,
            path: path.to_path_buf(),
            wait,
            writing: false,
        };
        h.conn.busy_timeout(wait).map_err(|e| h.err(e))?;
        // The first statement reads the file: a file that is no database fails here. WAL lets
        // the queries read while a poll writes; FULL makes each committed run survive a crash.
        let mode: String = h
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| h.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(HistoryError::NotHistory {
                path: h.path.clone(),
                why: format!("cannot use WAL mode (journal mode {mode})"),
            });
        }
        h.conn
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;")
            .map_err(|e| h.err(e))?;
        Ok(h)
    }

    /// Check the schema version; with `migrate` (and the write lock held) bring an older one
    /// up to date. Returns whether it needs migrating.
    fn check_schema(&mut self, migrate: bool) -> Result<bool, HistoryError> {
        let found = schema::found(&self.conn).map_err(|e| self.err(e))?;
        let from = match found {
            schema::Found::Foreign => {
                return Err(HistoryError::NotHistory {
                    path: self.path.clone(),
                    why: "it has tables but no schema_version".into(),
                })
            }
            schema::Found::Empty if !migrate => {
                return Err(HistoryError::NotHistory {
                    path: self.path.clone(),
                    why: "it is empty".into(),
                })
            }
            schema::Found::Empty => 0,
            schema::Found::Version(v) if v > schema::CURRENT => {
                return Err(HistoryError::Newer {
                    path: self.path.clone(),
                    found: v,
                    known: schema::CURRENT,
                })
            }
            schema::Found::Version(v) => v,
        };
        if from == schema::CURRENT {
            return Ok(false);
        }
        if migrate {
            schema::migrate(&self.conn, from, schema::MIGRATIONS).map_err(|e| self.err(e))?;
        }
        Ok(true)
    }

    /// Take the write lock (waiting at most the busy timeout).
    pub fn begin(&mut self) -> Result<(), HistoryError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        self.writing = true;
        Ok(())
    }

    /// Commit the write transaction.
    pub fn commit(&mut self) -> Result<(), HistoryError> {
        if self.writing {
            self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
            self.writing = false;
        }
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An SQLite error as a history error naming the file: busy is the lock, "not a
    /// database" and corruption say the file is unusable.
    pub fn err(&self, e: rusqlite::Error) -> HistoryError {
        let path = self.path.clone();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => HistoryError::Locked {
                path,
                waited: self.wait,
            },
            Some(ErrorCode::NotADatabase) => HistoryError::NotHistory {
                path,
                why: "the file is not an SQLite database".into(),
            },
            Some(ErrorCode::DatabaseCorrupt) => HistoryError::NotHistory {
                path,
                why: format!("the database is corrupt: {e}"),
            },
            _ => HistoryError::Sql { path, source: e },
        }
    }
}

impl Drop for History {
    fn drop(&mut self) {
        if self.writing {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// A new history file is readable by its owner only, like the CSVs (it holds error messages
/// and evidence, never secrets); SQLite gives its -wal and -shm files the same mode. A failure
/// here is left to SQLite's open to report.
fn create_private(path: &Path) {
    #[cfg(unix)]
    if !path.exists() {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
    }
}

/// The run's start time: the clock, or [`NOW_ENV`] when a test sets it.
pub fn run_clock() -> chrono::DateTime<chrono::Utc> {
    std::env::var(NOW_ENV)
        .ok()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(chrono::Utc::now)
}

/// A timestamp as the history stores it: RFC 3339 UTC with milliseconds, so that text order
/// is time order.
pub fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A stored timestamp back (the epoch for a malformed one, which only a hand edit makes).
pub fn unstamp(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

pub use store::{Recorder, RunMeta};
