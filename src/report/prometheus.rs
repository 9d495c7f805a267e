//! `--prometheus FILE`: a sweep as a node_exporter textfile-collector file (Prometheus text
//! exposition format 0.0.4): per device up, health, findings and one gauge per numeric metric
//! column; per run its duration, end time, exit status and device counts. Pure: reports in,
//! families out, families to text; [`write`] puts the text in place atomically.

use crate::outcome::{DeviceReport, Health, PollStatus};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// What the text needs to know about the run beyond its device reports.
#[derive(Debug, Clone, Copy)]
pub struct RunInfo {
    pub duration: Duration,
    /// When the run ended.
    pub finished_at: SystemTime,
    /// The exit status the run ends with (0 healthy, 1 warnings, 2 critical or not polled).
    pub exit_status: i32,
}

/// One metric family: its name, help text and samples. Every family here is a gauge (the
/// file is a snapshot of one run, nothing in it only goes up). A family is public so that a
/// caller can add its own (e.g. counts from the run history) to [`families`]' list.
///
/// Samples are rendered as they are pushed (a metric column's family is named when the
/// [`Families`] are made, so its name is known by then), and a family of
/// [`Families::spilling`] moves them to an unnamed temporary file every [`SPILL_AT`] bytes: a
/// merge of 100,000 devices then holds a few MB of samples, not hundreds.
#[derive(Debug)]
pub struct Family {
    name: String,
    help: String,
    /// Rendered samples not yet spilled: `name{labels} value\n` (or `name value\n`) each.
    pending: String,
    spill: Spill,
    samples: usize,
}

/// Where a family's samples go once `pending` is large.
#[derive(Debug)]
enum Spill {
    /// Kept in memory (a `poll`: its reports are in memory anyway).
    Off,
    /// To a temporary file in this folder, created at the first spill.
    To(std::sync::Arc<Path>),
    File {
        file: std::fs::File,
        written: u64,
    },
    /// The temporary file could not be written: reported when the family is rendered.
    Failed(std::io::Error),
}

/// Bytes of rendered samples a spilling family holds before writing them out.
pub const SPILL_AT: usize = 64 * 1024;

impl Family {
    /// An empty gauge family; `name` is made a valid metric name ([`metric_name`]).
    pub fn gauge(name: &str, help: &str) -> Family {
        Family {
            name: metric_name(name),
            help: help.to_string(),
            pending: String::new(),
            spill: Spill::Off,
            samples: 0,
        }
    }

    /// Add a sample; label names are made valid ([`label_name`]), values are escaped.
    pub fn push(&mut self, labels: &[(&str, &str)], value: f64) {
        let mut set = String::new();
        render_labels(&mut set, labels);
        self.push_rendered(&set, value);
    }

    /// Add a sample whose label set is already rendered by [`render_labels`] (a device's
    /// labels are the same in each of its families: rendered once).
    fn push_rendered(&mut self, labels: &str, value: f64) {
        let s = &mut self.pending;
        s.push_str(&self.name);
        s.push_str(labels);
        s.push(' ');
        // An integral value as its digits, as `{value}` writes it, without the float
        // formatter (most samples are 0, 1 or a count).
        if value.fract() == 0.0 && value.abs() < 1e15 && !(value == 0.0 && value.is_sign_negative())
        {
            let _ = write!(s, "{}", value as i64);
        } else {
            let _ = write!(s, "{value}");
        }
        s.push('\n');
        self.samples += 1;
        if self.pending.len() >= SPILL_AT {
            self.spill_pending();
        }
    }

    fn spill_pending(&mut self) {
        use std::io::Write as _;
        if let Spill::To(dir) = &self.spill {
            self.spill = match tempfile::tempfile_in(dir) {
                Ok(file) => Spill::File { file, written: 0 },
                Err(e) => Spill::Failed(e),
            };
        }
        if let Spill::File { file, written } = &mut self.spill {
            match file.write_all(self.pending.as_bytes()) {
                Ok(()) => {
                    *written += self.pending.len() as u64;
                    self.pending.clear();
                }
                Err(e) => self.spill = Spill::Failed(e),
            }
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many samples the family has.
    pub fn len(&self) -> usize {
        self.samples
    }

    pub fn is_empty(&self) -> bool {
        self.samples == 0
    }

    /// The family as the format writes it: `# HELP`, `# TYPE`, then every sample.
    fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        use std::io::{Read as _, Seek as _};
        writeln!(w, "# HELP {} {}", self.name, escape_help(&self.help))?;
        writeln!(w, "# TYPE {} gauge", self.name)?;
        match &self.spill {
            Spill::Failed(e) => {
                return Err(std::io::Error::new(
                    e.kind(),
                    format!("the samples of {} could not be kept: {e}", self.name),
                ))
            }
            Spill::File { file, written } => {
                let mut f = file;
                f.seek(std::io::SeekFrom::Start(0))?;
                std::io::copy(&mut f.take(*written), w)?;
            }
            Spill::Off | Spill::To(_) => {}
        }
        w.write_all(self.pending.as_bytes())?;
        Ok(())
    }
}

/// Metric columns that identify a device rather than measure it: they are the labels of
/// `fleetpoll_device_info`, never gauges (a version `9.8` or an all-digit serial would
/// otherwise read as a number).
pub const INFO_COLUMNS: &[&str] = &["sw_version", "model", "serial"];

/// Names of the families [`families`] always considers, in their order in the file; a
/// metric column whose gauge name would be one of them is renamed (see [`column_family`]).
pub const FIXED_FAMILIES: &[&str] = &[
    "fleetpoll_device_up",
    "fleetpoll_device_health",
    "fleetpoll_device_info",
    "fleetpoll_findings",
    "fleetpoll_devices",
    "fleetpoll_run_duration_seconds",
    "fleetpoll_last_run_timestamp_seconds",
    "fleetpoll_exit_status",
];

const POLL_STATUSES: [PollStatus; 5] = PollStatus::ALL;
const HEALTHS: [Health; 4] = [
    Health::Ok,
    Health::Warning,
    Health::Critical,
    Health::Unknown,
];

/// The value `fleetpoll_device_health` gives `h`.
pub fn health_value(h: Health) -> f64 {
    match h {
        Health::Ok => 0.0,
        Health::Warning => 1.0,
        Health::Critical => 2.0,
        Health::Unknown => 3.0,
    }
}

/// Every family of a run, in file order: the fixed ones, then one gauge per metric column
/// of `columns` (the CSV's, in its order) that has a numeric value on some device.
pub fn families(reports: &[DeviceReport], columns: &[&str], run: &RunInfo) -> Vec<Family> {
    let mut acc = Families::new(columns);
    for r in reports {
        acc.add(r);
    }
    acc.finish(run)
}

/// [`families`] one device at a time, for a caller that streams its reports (the merge of
/// shards) and never holds them all: only the samples are kept.
pub struct Families {
    /// Each gauge column's place in `gauges`.
    gauge_of: std::collections::HashMap<String, usize>,
    info_columns: Vec<&'static str>,
    up: Family,
    health: Family,
    info: Family,
    findings: Family,
    /// Devices by (poll status, health), for `fleetpoll_devices`.
    counts: BTreeMap<(usize, usize), usize>,
    /// One family per metric column that is not an info column, in column order.
    gauges: Vec<Family>,
}

impl Families {
    pub fn new(columns: &[&str]) -> Families {
        Families {
            gauge_of: columns
                .iter()
                .filter(|c| !INFO_COLUMNS.contains(c))
                .enumerate()
                .map(|(i, c)| (c.to_string(), i))
                .collect(),
            info_columns: INFO_COLUMNS
                .iter()
                .copied()
                .filter(|c| columns.contains(c))
                .collect(),
            up: Family::gauge(
                "fleetpoll_device_up",
                "1 if the device was polled in the last run, 0 if not (failed, interrupted, deadline).",
            ),
            health: Family::gauge(
                "fleetpoll_device_health",
                "Health of the device in the last run: 0 ok, 1 warning, 2 critical, 3 unknown (not polled).",
            ),
            info: Family::gauge(
                "fleetpoll_device_info",
                "Always 1; the labels carry what the device reported about itself.",
            ),
            findings: Family::gauge(
                "fleetpoll_findings",
                "Findings on the device in the last run, by code and severity.",
            ),
            counts: BTreeMap::new(),
            gauges: gauges(columns),
        }
    }

    /// [`Families::new`] whose per-device families spill their samples to unnamed temporary
    /// files in `dir` (see [`Family`]): for a caller that streams a fleet of any size.
    pub fn spilling(columns: &[&str], dir: &Path) -> Families {
        let mut f = Families::new(columns);
        let dir: std::sync::Arc<Path> = dir.into();
        for fam in [&mut f.up, &mut f.health, &mut f.info, &mut f.findings]
            .into_iter()
            .chain(f.gauges.iter_mut())
        {
            fam.spill = Spill::To(dir.clone());
        }
        f
    }

    /// Add one device's samples.
    pub fn add(&mut self, r: &DeviceReport) {
        let site = r.site.clone().unwrap_or_default();
        let labels: [(&str, &str); 3] = [
            ("device", &r.device),
            ("platform", r.platform.id()),
            ("site", &site),
        ];
        let mut set = String::with_capacity(96);
        render_labels(&mut set, &labels);
        self.up
            .push_rendered(&set, if r.polled() { 1.0 } else { 0.0 });
        self.health.push_rendered(&set, health_value(r.health));
        let mut with_info = labels.to_vec();
        for c in &self.info_columns {
            with_info.push((c, r.metrics.get(c).map(String::as_str).unwrap_or("")));
        }
        self.info.push(&with_info, 1.0);
        let mut counts: BTreeMap<(&str, &str), u32> = BTreeMap::new();
        for f in &r.findings {
            *counts.entry((&f.code, f.severity.id())).or_default() += 1;
        }
        for ((code, severity), n) in counts {
            self.findings.push(
                &[
                    ("device", &r.device),
                    ("code", code),
                    ("severity", severity),
                ],
                f64::from(n),
            );
        }
        let p = POLL_STATUSES.iter().position(|p| *p == r.poll_status);
        let h = HEALTHS.iter().position(|h| *h == r.health);
        if let (Some(p), Some(h)) = (p, h) {
            *self.counts.entry((p, h)).or_default() += 1;
        }
        for (c, v) in &r.metrics {
            if let (Some(i), Some(v)) = (self.gauge_of.get(*c), number(v)) {
                self.gauges[*i].push_rendered(&set, v);
            }
        }
    }

    /// The families in file order, with the run's own gauges.
    pub fn finish(self, run: &RunInfo) -> Vec<Family> {
        let mut devices = Family::gauge(
            "fleetpoll_devices",
            "Devices of the last run by poll status and health; sum by (health) or by (poll_status) for one view.",
        );
        for (pi, p) in POLL_STATUSES.iter().enumerate() {
            for (hi, h) in HEALTHS.iter().enumerate() {
                let n = self.counts.get(&(pi, hi)).copied().unwrap_or(0);
                // A polled device has a health, a device not polled is unknown: those pairs
                // are always written (0 included) so that an alert sees 0 rather than no
                // series. `not_run` only exists in merged runs: written when it happened.
                let natural = (*p == PollStatus::Polled) == (*h != Health::Unknown)
                    && *p != PollStatus::NotRun;
                if n > 0 || natural {
                    devices.push(&[("poll_status", p.id()), ("health", h.id())], n as f64);
                }
            }
        }
        let mut duration = Family::gauge(
            "fleetpoll_run_duration_seconds",
            "How long the last run took, from the first connection to the last device done.",
        );
        duration.push(&[], run.duration.as_millis() as f64 / 1000.0);
        let mut last = Family::gauge(
            "fleetpoll_last_run_timestamp_seconds",
            "When the last run ended, in seconds since the Unix epoch.",
        );
        let end = run
            .finished_at
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        last.push(&[], end.as_millis() as f64 / 1000.0);
        let mut exit = Family::gauge(
            "fleetpoll_exit_status",
            "Exit status of the last run: 0 healthy, 1 warnings, 2 critical findings or devices not polled.",
        );
        exit.push(&[], f64::from(run.exit_status));
        let mut out = vec![
            self.up,
            self.health,
            self.info,
            self.findings,
            devices,
            duration,
            last,
            exit,
        ];
        out.extend(self.gauges.into_iter().filter(|g| !g.is_empty()));
        out
    }
}

/// One gauge family per metric column of `columns` that is not an info column, named as
/// [`column_family`] names it among the families before it.
fn gauges(columns: &[&str]) -> Vec<Family> {
    let mut out: Vec<Family> = Vec::new();
    for c in columns.iter().filter(|c| !INFO_COLUMNS.contains(c)) {
        let name = column_family(c, &out);
        out.push(Family::gauge(
            &name,
            &format!("{} (health.csv column {c})", column_help(c)),
        ));
    }
    out
}

/// The gauge name of metric column `column`: `fleetpoll_<column>`, or
/// `fleetpoll_metric_<column>` if that is taken by a family already in `taken`.
pub fn column_family(column: &str, taken: &[Family]) -> String {
    // Colons are for recording rules: a column never gets one.
    let plain = metric_name(&format!("fleetpoll_{}", column.replace(':', "_")));
    let is_taken = |n: &str| FIXED_FAMILIES.contains(&n) || taken.iter().any(|f| f.name == n);
    if is_taken(&plain) {
        metric_name(&format!("fleetpoll_metric_{}", column.replace(':', "_")))
    } else {
        plain
    }
}

/// The registry's help text of metric column `column`.
fn column_help(column: &str) -> &'static str {
    crate::parse::registry()
        .iter()
        .flat_map(|s| s.metrics.iter())
        .find(|m| m.name == column)
        .map_or("A metric column of health.csv", |m| m.help)
}

/// A metric cell as a gauge value: a finite number, or `true`/`false` as 1/0 (the
/// Prometheus way of saying yes or no); anything else (text, an address, a date) is none.
pub fn number(cell: &str) -> Option<f64> {
    match cell.trim() {
        "true" => Some(1.0),
        "false" => Some(0.0),
        s => s.parse::<f64>().ok().filter(|v| v.is_finite()),
    }
}

/// The text of `families`, each with its `# HELP` and `# TYPE` once and its samples
/// together; a family without samples is left out. For families in memory: a spilled one
/// whose file cannot be read back is left out here, [`write`] reports it.
pub fn render(families: &[Family]) -> String {
    let mut out = Vec::new();
    for f in families.iter().filter(|f| !f.is_empty()) {
        let at = out.len();
        if f.write_to(&mut out).is_err() {
            out.truncate(at);
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`] into `w`, reading spilled samples back from their files.
pub fn render_to(w: &mut dyn std::io::Write, families: &[Family]) -> std::io::Result<()> {
    for f in families.iter().filter(|f| !f.is_empty()) {
        f.write_to(w)?;
    }
    Ok(())
}

/// Render `families` and write them to `path` atomically, keeping the mode of the file they
/// replace (node_exporter reads it as another user).
pub fn write(path: &Path, families: &[Family]) -> Result<(), super::ReportError> {
    crate::util::write_atomic_shared_with(path, |w| render_to(w, families)).map_err(|source| {
        super::ReportError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// `s` as a metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`, each other character `_`, and `_`
/// before a leading digit.
pub fn metric_name(s: &str) -> String {
    sanitize(s, true)
}

/// `s` as a label name: `[a-zA-Z_][a-zA-Z0-9_]*`, and not starting with `__` (reserved for
/// Prometheus itself): the leading underscores become one.
pub fn label_name(s: &str) -> String {
    let name = sanitize(s, false);
    if name.starts_with("__") {
        format!("_{}", name.trim_start_matches('_'))
    } else {
        name
    }
}

/// `{name="value",…}` (nothing for no labels) appended to `s`: label names made valid
/// ([`label_name`]), values escaped ([`escape_label_value`]). The usual names (`device`,
/// `site`) and values are copied as they are: this runs for every sample of a merge.
fn render_labels(s: &mut String, labels: &[(&str, &str)]) {
    if labels.is_empty() {
        return;
    }
    s.push('{');
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        if is_label_name(k) {
            s.push_str(k);
        } else {
            s.push_str(&label_name(k));
        }
        s.push_str("=\"");
        if v.chars().any(|c| c == '\\' || c == '"' || c.is_control()) {
            s.push_str(&escape_label_value(v));
        } else {
            s.push_str(v);
        }
        s.push('"');
    }
    s.push('}');
}

/// Whether `s` is a label name as it is: what [`label_name`] would return unchanged.
fn is_label_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && !b[0].is_ascii_digit()
        && !s.starts_with("__")
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

fn sanitize(s: &str, colon: bool) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A label value as the format writes it: backslash, double quote and line feed escaped.
/// Any other control character (a carriage return, an escape sequence) becomes a space: the
/// format has no escape for it and a parser that splits lines would choke on a raw one.
pub fn escape_label_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A help text as the format writes it: backslash and line feed escaped (quotes stay).
fn escape_help(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
