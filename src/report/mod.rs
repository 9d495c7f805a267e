//! Reports of a sweep: the health CSV (one row per device, stable columns), the JSONL record
//! of everything, and the readable terminal summary. Files are written atomically.

pub mod csv_out;
pub mod findings;
pub mod jsonl;
pub mod summary;

/// The fixed leading columns of `health.csv`, in order; metric columns from the playbook follow.
pub const FIXED_COLUMNS: &[&str] = &[
    "device",
    "host",
    "port",
    "platform",
    "poll_status",
    "failed_stage",
    "error",
    "command_errors",
    "started_at",
    "duration_ms",
    "health",
    "findings",
    "ssh_algorithms",
];
