//! Reports of a sweep: the health CSV (one row per device, stable columns), the JSONL record
//! of everything, the findings CSV, the Prometheus textfile, the Nagios status line, the
//! readable terminal summary and the HTML pages (sweep, diff). Files are written atomically.

pub mod csv_out;
pub mod findings;
pub mod html;
pub mod jsonl;
pub mod nagios;
pub mod prometheus;
pub mod run;
pub mod summary;

/// Why a report file could not be produced; names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot render {path}: {source}")]
    Csv {
        path: std::path::PathBuf,
        source: csv::Error,
    },
    #[error("cannot render {path}: {source}")]
    Json {
        path: std::path::PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Write `data` to `path` atomically.
fn write_file(path: &std::path::Path, data: &[u8]) -> Result<(), ReportError> {
    crate::util::write_atomic(path, data).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The fixed leading columns of `health.csv`, in order; metric columns from the playbook follow.
pub const FIXED_COLUMNS: &[&str] = &[
    "device",
    "host",
    "port",
    "platform",
    "poll_status",
    "failed_stage",
    "error",
    "error_message",
    "command_errors",
    "started_at",
    "duration_ms",
    "health",
    "findings",
    "ssh_algorithms",
];
