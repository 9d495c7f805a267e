//! `fleetpoll merge DIR`: the `shard-K-of-N/` folders of one sharded run back into what one
//! unsharded run writes: the same CSV (rows in inventory order, the same columns, each row as
//! its shard wrote it), findings, JSONL and Prometheus file, and the same exit status. A shard
//! that did not report (no manifest, or one from another run) gives its devices as rows
//! `poll_status=not_run` whose `error_message` names the shard: never a silent gap.
//!
//! It streams: the inventory is walked once, each device's rows are copied from its shard's
//! files as they come (every shard wrote its devices in inventory order), so memory holds one
//! row per shard plus the Prometheus samples, whatever the fleet size.

use super::manifest::{self, Manifest};
use super::{owner_of, Shard, ShardBy};
use crate::outcome::{DeviceReport, Finding, Health, PollStatus};
use crate::plan::Plan;
use crate::report::{csv_out, findings, jsonl, prometheus, FIXED_COLUMNS};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What to merge and how to read it.
pub struct Request<'a> {
    pub dir: &'a Path,
    /// The plan the shards were run with (the same `-i`, `-p` and `--limit`), not sharded.
    pub plan: &'a Plan,
    /// N, when the folder holds more than one shard count (or none reported).
    pub count: Option<u32>,
    /// The field the shards were cut by, when no shard reported (else their manifests say).
    pub shard_by: Option<ShardBy>,
    /// Only manifests of this run count; default: the run of the latest finished manifest.
    pub run_id: Option<String>,
    /// Keep every merged row as a whole report ([`Merged::reports`], from the shards'
    /// `ingest.jsonl`) and each JSONL line ([`Merged::jsonl_lines`], when `Outputs::jsonl`
    /// is set, which is then not written): for a caller that judges the run against a history
    /// before writing it. Memory then grows with the fleet.
    pub collect: bool,
}

/// Where the merged run goes (each optional, like `poll`'s outputs).
#[derive(Default)]
pub struct Outputs<'a> {
    pub csv: Option<&'a Path>,
    pub jsonl: Option<&'a Path>,
    pub findings: Option<&'a Path>,
    pub prometheus: Option<&'a Path>,
}

/// A shard that did not report, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub shard: Shard,
    pub reason: String,
}

/// What the merge found and wrote.
#[derive(Debug)]
pub struct Merged {
    pub count: u32,
    pub run_id: Option<String>,
    pub missing: Vec<Missing>,
    pub rows: usize,
    pub not_run: usize,
    /// Rows by health, for the summary line.
    pub healths: BTreeMap<&'static str, usize>,
    /// The exit status one unsharded run would have had.
    pub exit_status: i32,
    /// The first start and last end of the shards that reported (now, if none did).
    pub span: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    /// With [`Request::collect`]: every row, in inventory order.
    pub reports: Vec<DeviceReport>,
    /// With [`Request::collect`] and a JSONL output: each row's line, as its shard wrote it.
    pub jsonl_lines: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}")]
    Msg(String),
    #[error("{}: {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    #[error("{}: {err}", path.display())]
    Csv { path: PathBuf, err: csv::Error },
}

fn msg(s: impl Into<String>) -> MergeError {
    MergeError::Msg(s.into())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> MergeError + '_ {
    move |err| MergeError::Io {
        path: path.to_path_buf(),
        err,
    }
}

fn csv_err(path: &Path) -> impl FnOnce(csv::Error) -> MergeError + '_ {
    move |err| MergeError::Csv {
        path: path.to_path_buf(),
        err,
    }
}

/// The shard counts of the `shard-K-of-N` folders in `dir`.
fn counts_in(dir: &Path) -> Result<Vec<u32>, MergeError> {
    let mut counts: Vec<u32> = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io(dir))? {
        let e = e.map_err(io(dir))?;
        if let Some(s) = Shard::from_folder(&e.file_name().to_string_lossy()) {
            if !counts.contains(&s.count) {
                counts.push(s.count);
            }
        }
    }
    counts.sort_unstable();
    Ok(counts)
}

/// The manifests of the run to merge, one per shard index (`Err` for a shard not reporting).
fn manifests(req: &Request, count: u32) -> (Option<String>, Vec<Result<Manifest, String>>) {
    let read: Vec<Result<Manifest, String>> = (0..count)
        .map(|k| {
            let folder = req.dir.join(Shard { index: k, count }.folder());
            manifest::read(&folder).map_err(|e| e.to_string())
        })
        .collect();
    let run_id = match &req.run_id {
        Some(r) => Some(r.clone()),
        None => read
            .iter()
            .filter_map(|m| m.as_ref().ok())
            .max_by_key(|m| m.finished_at)
            .and_then(|m| m.run_id.clone()),
    };
    let read = read
        .into_iter()
        .map(|m| match m {
            Ok(m) if m.run_id != run_id => Err(format!(
                "its manifest is from run {} (stale), not run {}",
                m.run_id.as_deref().unwrap_or("(none)"),
                run_id.as_deref().unwrap_or("(none)")
            )),
            other => other,
        })
        .collect();
    (run_id, read)
}

/// One reporting shard's files, read row by row.
struct ShardFiles {
    shard: Shard,
    csv_path: PathBuf,
    csv: csv::Reader<BufReader<File>>,
    findings_path: PathBuf,
    findings: csv::Reader<BufReader<File>>,
    /// The next findings row, read ahead to see whose it is.
    next_finding: Option<csv::StringRecord>,
    jsonl: Option<(PathBuf, BufReader<File>)>,
    /// `ingest.jsonl`, read when the rows are collected.
    ingest: Option<(PathBuf, BufReader<File>)>,
    /// Rows per device, in order, from the manifest.
    rows: std::vec::IntoIter<manifest::DeviceRows>,
}

impl ShardFiles {
    fn open(
        folder: &Path,
        m: &Manifest,
        want_jsonl: bool,
        want_ingest: bool,
    ) -> Result<ShardFiles, MergeError> {
        let csv_path = folder.join(manifest::CSV);
        let findings_path = folder.join(manifest::FINDINGS);
        let reader = |p: &Path| -> Result<csv::Reader<BufReader<File>>, MergeError> {
            let f = File::open(p).map_err(io(p))?;
            Ok(csv::Reader::from_reader(BufReader::with_capacity(
                1 << 16,
                f,
            )))
        };
        let jsonl = if want_jsonl {
            if !m.jsonl {
                return Err(msg(format!(
                    "shard {} wrote no JSONL: run the shards with --out-jsonl, or merge without --jsonl",
                    m.shard
                )));
            }
            let p = folder.join(manifest::JSONL);
            let f = File::open(&p).map_err(io(&p))?;
            Some((p, BufReader::with_capacity(1 << 16, f)))
        } else {
            None
        };
        let ingest = if want_ingest {
            if !m.ingest {
                return Err(msg(format!(
                    "shard {} wrote no {} (an older fleetpoll): run the shards again, or merge without --history",
                    m.shard,
                    super::ingest::FILE
                )));
            }
            let p = folder.join(super::ingest::FILE);
            let f = File::open(&p).map_err(io(&p))?;
            Some((p, BufReader::with_capacity(1 << 16, f)))
        } else {
            None
        };
        let mut me = ShardFiles {
            ingest,
            shard: m.shard,
            csv: reader(&csv_path)?,
            csv_path,
            findings: reader(&findings_path)?,
            findings_path,
            next_finding: None,
            jsonl,
            rows: m.devices.clone().into_iter(),
        };
        me.advance_finding()?;
        Ok(me)
    }

    fn advance_finding(&mut self) -> Result<(), MergeError> {
        let mut rec = csv::StringRecord::new();
        let more = self
            .findings
            .read_record(&mut rec)
            .map_err(csv_err(&self.findings_path))?;
        self.next_finding = more.then_some(rec);
        Ok(())
    }
}

/// Where the merged files are built, each renamed into place only when all are complete.
struct Sinks {
    csv: Option<(PathBuf, csv::Writer<BufWriter<tempfile::NamedTempFile>>)>,
    findings: Option<(PathBuf, csv::Writer<BufWriter<tempfile::NamedTempFile>>)>,
    jsonl: Option<(PathBuf, BufWriter<tempfile::NamedTempFile>)>,
    prometheus: Option<(PathBuf, prometheus::Families)>,
}

fn temp_beside(path: &Path) -> Result<BufWriter<tempfile::NamedTempFile>, MergeError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let t = tempfile::NamedTempFile::new_in(dir).map_err(io(path))?;
    Ok(BufWriter::with_capacity(1 << 16, t))
}

fn commit(path: &Path, w: BufWriter<tempfile::NamedTempFile>) -> Result<(), MergeError> {
    let t = w.into_inner().map_err(|e| io(path)(e.into_error()))?;
    t.as_file().sync_all().map_err(io(path))?;
    t.persist(path).map_err(|e| io(path)(e.error))?;
    Ok(())
}

/// Where [`light_report`] finds its cells in a row: the fixed columns it reads, then each
/// metric column's position, found once per merge rather than once per row.
struct Cells {
    fixed: [usize; 7],
    metrics: Vec<(&'static str, usize)>,
}

impl Cells {
    fn new(header: &[String], columns: &[&'static str]) -> Cells {
        let at = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
        Cells {
            fixed: [
                "device",
                "host",
                "port",
                "platform",
                "poll_status",
                "health",
                "error_message",
            ]
            .map(at),
            metrics: columns.iter().map(|c| (*c, at(c))).collect(),
        }
    }
}

/// The cells of a shard's CSV row as a light report (no commands): what the Prometheus file
/// and the summary need.
fn light_report(
    rec: &csv::ByteRecord,
    cells: &Cells,
    site: Option<&str>,
    groups: &[String],
) -> Option<DeviceReport> {
    let get = |i: usize| rec.get(i).and_then(|b| std::str::from_utf8(b).ok());
    let [device, host, port, platform, poll_status, health, error] = cells.fixed.map(get);
    let mut r = DeviceReport::blank(device?, host?, port?.parse().ok()?, platform?.parse().ok()?);
    r.site = site.map(String::from);
    r.groups = groups.to_vec();
    r.poll_status = PollStatus::from_id(poll_status?)?;
    r.health = Health::from_id(health?)?;
    r.error = error.filter(|e| !e.is_empty()).map(String::from);
    for (c, i) in &cells.metrics {
        if let Some(v) = get(*i).filter(|v| !v.is_empty()) {
            r.metrics.insert(c, v.to_string());
        }
    }
    Some(r)
}

fn finding_of(rec: &csv::StringRecord) -> Option<Finding> {
    let at = |name: &str| {
        findings::COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|i| rec.get(i))
            .unwrap_or("")
            .to_string()
    };
    Some(Finding {
        code: at("code"),
        severity: crate::outcome::Severity::from_id(&at("severity"))?,
        message: at("message"),
        evidence: at("evidence"),
        remediation: at("remediation"),
        command: Some(at("command")).filter(|c| !c.is_empty()),
        subject: String::new(),
        standing: None,
    })
}

/// The exit status of a run whose rows have these healths: 2 for any critical or unknown
/// (not polled), 1 for warnings only, 0 otherwise (as `poll`'s).
fn worse_exit(code: i32, h: Health) -> i32 {
    use crate::outcome::exit;
    match h {
        Health::Critical | Health::Unknown => exit::CRITICAL,
        Health::Warning => code.max(exit::WARNING),
        Health::Ok => code,
    }
}

/// Merge the shards of `req.dir` into `out`. Errors are for what makes a faithful merge
/// impossible (shards of another inventory or playbook, a shard's files not matching its
/// manifest, an output not writable): exit 3. Shards that did not report are not errors.
pub fn merge(req: &Request, out: &Outputs) -> Result<Merged, MergeError> {
    let plan = req.plan;
    let count = match req.count {
        Some(n) => n,
        None => match counts_in(req.dir)?.as_slice() {
            [n] => *n,
            [] => {
                return Err(msg(format!(
                    "{}: no shard-K-of-N folder; give --shards N to mark every device not_run",
                    req.dir.display()
                )))
            }
            many => {
                return Err(msg(format!(
                    "{}: shard folders of {} shard counts ({}): say which with --shards N",
                    req.dir.display(),
                    many.len(),
                    many.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        },
    };
    let (run_id, read) = manifests(req, count);
    // The run's span: first start to last end of the shards that reported (now, if none).
    let now = chrono::Utc::now();
    let ok = || read.iter().flatten();
    let span = (
        ok().map(|m| m.started_at).min().unwrap_or(now),
        ok().map(|m| m.finished_at).max().unwrap_or(now),
    );
    // Every reporting shard must have cut the same selection the same way.
    let inventory_hash = super::inventory_hash(&plan.hosts);
    let columns: Vec<String> = plan.columns.iter().map(|c| c.to_string()).collect();
    let mut shard_by = req.shard_by;
    for m in read.iter().flatten() {
        if *shard_by.get_or_insert(m.shard_by) != m.shard_by {
            return Err(msg(format!(
                "shard {} was cut --shard-by {}, not {}: its devices are not the ones this merge expects",
                m.shard,
                m.shard_by.id(),
                shard_by.map_or("name", ShardBy::id)
            )));
        }
        if m.inventory_hash != inventory_hash {
            return Err(msg(format!(
                "shard {} polled another device selection than this merge's -i/--limit (inventory hash {} vs {}): merge with the inventory and --limit the shards ran with",
                m.shard, m.inventory_hash, inventory_hash
            )));
        }
        if m.playbook_sha256 != plan.playbook.sha256 || m.columns != columns {
            return Err(msg(format!(
                "shard {} ran another playbook than this merge's -p (sha256 {} vs {})",
                m.shard, m.playbook_sha256, plan.playbook.sha256
            )));
        }
    }
    let by = shard_by.unwrap_or_default();
    let owners: Vec<u32> = plan
        .jobs
        .iter()
        .map(|j| owner_of(&j.host, by, count))
        .collect();

    let mut missing = Vec::new();
    let mut files: Vec<Option<ShardFiles>> = Vec::with_capacity(count as usize);
    let header: Vec<String> = FIXED_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(columns.iter().cloned())
        .collect();
    for (k, m) in read.into_iter().enumerate() {
        let shard = Shard {
            index: k as u32,
            count,
        };
        match m {
            Err(reason) => {
                missing.push(Missing { shard, reason });
                files.push(None);
            }
            Ok(m) => {
                let expected: Vec<&str> = plan
                    .jobs
                    .iter()
                    .zip(&owners)
                    .filter(|(_, o)| **o == shard.index)
                    .map(|(j, _)| j.host.name.as_str())
                    .collect();
                if !m
                    .devices
                    .iter()
                    .map(|d| d.name.as_str())
                    .eq(expected.iter().copied())
                {
                    return Err(msg(format!(
                        "shard {shard}'s manifest lists other devices than its share of the inventory"
                    )));
                }
                let folder = req.dir.join(shard.folder());
                let mut f = ShardFiles::open(&folder, &m, out.jsonl.is_some(), req.collect)?;
                let h = f.csv.headers().map_err(csv_err(&f.csv_path))?;
                if !h.iter().eq(header.iter().map(String::as_str)) {
                    return Err(msg(format!(
                        "{}: its header is not the columns of this playbook",
                        f.csv_path.display()
                    )));
                }
                files.push(Some(f));
            }
        }
    }

    let mut sinks = Sinks {
        csv: out
            .csv
            .map(|p| {
                let mut w = csv::Writer::from_writer(temp_beside(p)?);
                w.write_record(&header).map_err(csv_err(p))?;
                Ok::<_, MergeError>((p.to_path_buf(), w))
            })
            .transpose()?,
        findings: out
            .findings
            .map(|p| {
                let mut w = csv::Writer::from_writer(temp_beside(p)?);
                w.write_record(findings::COLUMNS).map_err(csv_err(p))?;
                Ok::<_, MergeError>((p.to_path_buf(), w))
            })
            .transpose()?,
        jsonl: out
            .jsonl
            .map(|p| Ok::<_, MergeError>((p.to_path_buf(), temp_beside(p)?)))
            .transpose()?,
        prometheus: out.prometheus.map(|p| {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            (
                p.to_path_buf(),
                prometheus::Families::spilling(&plan.columns, dir),
            )
        }),
    };

    let mut merged = Merged {
        count,
        run_id,
        rows: 0,
        not_run: 0,
        healths: BTreeMap::new(),
        exit_status: crate::outcome::exit::OK,
        missing: Vec::new(),
        span,
        reports: Vec::new(),
        jsonl_lines: Vec::new(),
    };
    // Collecting, the JSONL lines are kept rather than written.
    let keep_jsonl = req.collect && out.jsonl.is_some();
    if req.collect {
        sinks.jsonl = None;
    }
    let cells = Cells::new(&header, &plan.columns);
    let mut rec = csv::ByteRecord::new();
    let mut line = String::new();
    for (job, owner) in plan.jobs.iter().zip(&owners) {
        let host = &job.host;
        let Some(f) = files[*owner as usize].as_mut() else {
            let why = missing
                .iter()
                .find(|m| m.shard.index == *owner)
                .map_or("", |m| m.reason.as_str());
            let mut r = DeviceReport::blank(&host.name, &host.host, host.port, host.platform);
            r.poll_status = PollStatus::NotRun;
            r.site = host.site.clone();
            r.groups = host.groups.clone();
            r.error = Some(format!(
                "not run: shard {} of {count} (--shard {}/{count}) did not report: {why}",
                owner, owner
            ));
            emit_rendered(&mut sinks, &r, &plan.columns)?;
            merged.not_run += 1;
            merged.rows += 1;
            *merged.healths.entry(r.health.id()).or_default() += 1;
            merged.exit_status = worse_exit(merged.exit_status, r.health);
            if keep_jsonl {
                let data = jsonl::render(std::slice::from_ref(&r), false, None)
                    .map_err(|e| msg(format!("{}: {e}", host.name)))?;
                merged
                    .jsonl_lines
                    .push(String::from_utf8_lossy(&data).into_owned());
            }
            if req.collect {
                merged.reports.push(r);
            }
            continue;
        };
        let shard = f.shard;
        let rows = match f.rows.next() {
            Some(d) if d.name == host.name => d.rows,
            _ => {
                return Err(msg(format!(
                    "shard {shard}: its manifest does not follow the inventory at {}",
                    host.name
                )))
            }
        };
        for _ in 0..rows {
            if !f
                .csv
                .read_byte_record(&mut rec)
                .map_err(csv_err(&f.csv_path))?
            {
                return Err(msg(format!(
                    "{}: ends before {}'s rows (the manifest says more)",
                    f.csv_path.display(),
                    host.name
                )));
            }
            let mut r = light_report(&rec, &cells, host.site.as_deref(), &host.groups).ok_or_else(
                || {
                    msg(format!(
                        "{}: a row of {} is not one fleetpoll writes",
                        f.csv_path.display(),
                        host.name
                    ))
                },
            )?;
            if r.device != host.name && !r.device.starts_with(&format!("{}/", host.name)) {
                return Err(msg(format!(
                    "{}: row {} where {} was expected",
                    f.csv_path.display(),
                    r.device,
                    host.name
                )));
            }
            if let Some((p, w)) = sinks.csv.as_mut() {
                w.write_byte_record(&rec).map_err(csv_err(p))?;
            }
            // The row's findings: the next findings rows naming it (written in the same order).
            while let Some(fr) = f.next_finding.take() {
                if fr.get(0) != Some(r.device.as_str()) {
                    f.next_finding = Some(fr);
                    break;
                }
                if let Some((p, w)) = sinks.findings.as_mut() {
                    w.write_record(&fr).map_err(csv_err(p))?;
                }
                if let Some(x) = finding_of(&fr) {
                    r.findings.push(x);
                }
                f.advance_finding()?;
            }
            if let Some((src, rd)) = f
                .jsonl
                .as_mut()
                .filter(|_| sinks.jsonl.is_some() || keep_jsonl)
            {
                line.clear();
                if rd.read_line(&mut line).map_err(io(src))? == 0 {
                    return Err(msg(format!(
                        "{}: ends before {}'s rows",
                        src.display(),
                        r.device
                    )));
                }
                if let Some((p, w)) = sinks.jsonl.as_mut() {
                    w.write_all(line.as_bytes()).map_err(io(p))?;
                } else {
                    merged.jsonl_lines.push(line.clone());
                }
            }
            if let Some((src, rd)) = f.ingest.as_mut() {
                r = ingested(src, rd, &mut line, &r.device, &plan.columns)?;
            }
            if let Some((_, fam)) = sinks.prometheus.as_mut() {
                fam.add(&r);
            }
            merged.rows += 1;
            *merged.healths.entry(r.health.id()).or_default() += 1;
            merged.exit_status = worse_exit(merged.exit_status, r.health);
            if req.collect {
                merged.reports.push(r);
            }
        }
    }
    for f in files.iter_mut().flatten() {
        if f.csv
            .read_byte_record(&mut rec)
            .map_err(csv_err(&f.csv_path))?
        {
            return Err(msg(format!(
                "{}: has rows past the devices of its manifest",
                f.csv_path.display()
            )));
        }
        if f.next_finding.is_some() {
            return Err(msg(format!(
                "{}: has findings of no row of its shard (out of order?)",
                f.findings_path.display()
            )));
        }
    }
    finish(sinks, &merged, span)?;
    merged.missing = missing;
    Ok(merged)
}

/// The next line of a shard's `ingest.jsonl` as a whole report; it must be `device`'s (the
/// row the CSV has at the same place).
fn ingested(
    src: &Path,
    rd: &mut BufReader<File>,
    line: &mut String,
    device: &str,
    columns: &[&'static str],
) -> Result<DeviceReport, MergeError> {
    line.clear();
    if rd.read_line(line).map_err(io(src))? == 0 {
        return Err(msg(format!(
            "{}: ends before {device}'s rows",
            src.display()
        )));
    }
    let l: super::ingest::Line = serde_json::from_str(line)
        .map_err(|e| msg(format!("{}: {device}'s line: {e}", src.display())))?;
    if l.row.device != device {
        return Err(msg(format!(
            "{}: row {} where {device} was expected",
            src.display(),
            l.row.device
        )));
    }
    l.into_report(columns)
        .map_err(|e| msg(format!("{}: {e}", src.display())))
}

/// Write a report of ours (a device whose shard did not report) to every sink, through the
/// same writers `poll` uses.
fn emit_rendered(
    sinks: &mut Sinks,
    r: &DeviceReport,
    columns: &[&'static str],
) -> Result<(), MergeError> {
    if let Some((p, w)) = sinks.csv.as_mut() {
        w.write_record(csv_out::row(r, columns))
            .map_err(csv_err(p))?;
    }
    if let Some((p, w)) = sinks.jsonl.as_mut() {
        let data = jsonl::render(std::slice::from_ref(r), false, None)
            .map_err(|e| msg(format!("{}: {e}", p.display())))?;
        w.write_all(&data).map_err(io(p))?;
    }
    if let Some((_, fam)) = sinks.prometheus.as_mut() {
        fam.add(r);
    }
    Ok(())
}

/// Flush and rename every merged file into place; the Prometheus file gets the run's span.
fn finish(
    sinks: Sinks,
    merged: &Merged,
    (start, end): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
) -> Result<(), MergeError> {
    if let Some((p, w)) = sinks.csv {
        let inner = w.into_inner().map_err(|e| io(&p)(e.into_error()))?;
        commit(&p, inner)?;
    }
    if let Some((p, w)) = sinks.findings {
        let inner = w.into_inner().map_err(|e| io(&p)(e.into_error()))?;
        commit(&p, inner)?;
    }
    if let Some((p, w)) = sinks.jsonl {
        commit(&p, w)?;
    }
    if let Some((p, fam)) = sinks.prometheus {
        let run = prometheus::RunInfo {
            duration: (end - start).to_std().unwrap_or_default(),
            finished_at: end.into(),
            exit_status: merged.exit_status,
        };
        prometheus::write(&p, &fam.finish(&run)).map_err(|e| msg(e.to_string()))?;
    }
    Ok(())
}
