//! `fleetpoll merge DIR`: the shard folders of a sharded `poll` into the files and exit
//! status of one unsharded run (see [`crate::shard::merge`]).

use super::{PlanArgs, Ui};
use crate::shard::merge::{self, Merged, Outputs, Request};
use crate::shard::ShardBy;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll merge /data/run -i inv.yaml -o health.csv --findings findings.csv\n  fleetpoll merge /data/run -i inv.yaml -o health.csv --prometheus /var/lib/node_exporter/textfile_collector/fleetpoll.prom\n\nGive the same -i, -p and --limit the shards ran with (checked against their manifests).\nA shard with no manifest (killed, never started) or one from another run (--run-id) gives\nits devices as rows poll_status=not_run naming the shard.\n\nExit status: that of one unsharded run (0 healthy, 1 warnings, 2 critical or not polled,\nnot_run included); 3 when the shards cannot be merged faithfully."
)]
pub struct MergeArgs {
    /// The folder holding the shard-K-of-N/ folders (the shards' --out-dir).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Merged health CSV [default: health.csv].
    #[arg(short, long, value_name = "FILE", default_value = "health.csv")]
    pub output: PathBuf,
    /// Also the merged JSONL (the shards must have run with --out-jsonl).
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// Also the merged findings CSV.
    #[arg(short, long, value_name = "FILE")]
    pub findings: Option<PathBuf>,
    /// Also the merged run as a Prometheus textfile.
    #[arg(long, value_name = "FILE")]
    pub prometheus: Option<PathBuf>,
    /// N, when DIR holds shard folders of several counts, or when no shard reported.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100000))]
    pub shards: Option<u32>,
    /// The shards' --shard-by, when no shard reported (otherwise read from the manifests).
    #[arg(long, value_name = "FIELD", value_parser = ShardBy::parse)]
    pub shard_by: Option<ShardBy>,
    /// Merge only the shards of this run (their --run-id) [default: the run of the shard that
    /// finished last].
    #[arg(long, value_name = "ID", env = "FLEETPOLL_RUN_ID")]
    pub run_id: Option<String>,
    /// Exit 0 when the merge was done, whatever the devices' health (1 and 2 become 0; 3
    /// stays), as `poll --no-fail-on-health`.
    #[arg(long)]
    pub no_fail_on_health: bool,
    /// Record the merged run in this SQLite history, once, as `poll --history` records an
    /// unsharded run: findings.csv and health.csv then say what is new, ongoing and resolved
    /// and the counters' growth is judged. The shards must all have reported or be not_run.
    #[arg(short = 'H', long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// How long to wait for another run writing the same --history before giving up (exit 3).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = super::poll::parse_dur, requires = "history")]
    pub history_wait: std::time::Duration,
}

pub fn run(a: MergeArgs, ui: &Ui) -> i32 {
    // The merge connects to nothing: prompts are not asked (a `{prompt: true}` password is
    // left unresolved), only the devices' names and addresses matter.
    let asking = a.plan.ask.with(Box::new(crate::inventory::Deferred));
    let plan = match a.plan.build(&crate::playbook::builtin::HEALTH, ui, asking) {
        Ok(p) => p,
        Err(e) => return super::unusable(e),
    };
    let outputs = super::poll::Outputs {
        csv: Some(&a.output),
        jsonl: a.jsonl.as_deref(),
        include_raw: false,
        findings: a.findings.as_deref(),
        prometheus: a.prometheus.as_deref(),
        html: None,
        command: "merge",
        limit: a.plan.limit.as_deref(),
    };
    if let Err(e) = super::poll::check_outputs(&outputs) {
        return super::unusable(e);
    }
    let req = Request {
        dir: &a.dir,
        plan: &plan,
        count: a.shards,
        shard_by: a.shard_by,
        run_id: a.run_id.clone(),
        collect: a.history.is_some(),
    };
    let out = Outputs {
        csv: Some(&a.output),
        jsonl: a.jsonl.as_deref(),
        findings: a.findings.as_deref(),
        prometheus: a.prometheus.as_deref(),
    };
    let started = std::time::Instant::now();
    if let Some(h) = &a.history {
        let streamed = Outputs {
            jsonl: a.jsonl.as_deref(),
            ..Outputs::default()
        };
        let merged = match merge::merge(&req, &streamed) {
            Ok(m) => m,
            Err(e) => return super::unusable(format!("cannot merge: {e}")),
        };
        return match record(&a, h, &plan, merged, ui, started) {
            Ok(code) => code,
            Err(e) => super::unusable(e),
        };
    }
    let merged = match merge::merge(&req, &out) {
        Ok(m) => m,
        Err(e) => return super::unusable(format!("cannot merge: {e}")),
    };
    warn_missing(&merged);
    if !ui.quiet {
        summary_line(&a, &merged, started);
    }
    if a.no_fail_on_health {
        super::exit::OK
    } else {
        merged.exit_status
    }
}

fn warn_missing(merged: &Merged) {
    for m in &merged.missing {
        say!(
            "warning: shard {} did not report ({}): its devices are rows poll_status=not_run",
            m.shard,
            m.reason
        );
    }
}

fn summary_line(a: &MergeArgs, merged: &Merged, started: std::time::Instant) {
    {
        let healths: Vec<String> = merged
            .healths
            .iter()
            .map(|(h, n)| format!("{n} {h}"))
            .collect();
        say!(
            "merged {} of {} shards{}: {} rows ({}), {} not run, in {:.2}s; wrote {}",
            merged.count as usize - merged.missing.len(),
            merged.count,
            merged
                .run_id
                .as_deref()
                .map(|r| format!(" of run {r}"))
                .unwrap_or_default(),
            merged.rows,
            healths.join(", "),
            merged.not_run,
            started.elapsed().as_secs_f64(),
            [
                Some(&a.output),
                a.jsonl.as_ref(),
                a.findings.as_ref(),
                a.prometheus.as_ref()
            ]
            .into_iter()
            .flatten()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
        );
    }
}

/// The merged run judged against the history `path` and recorded there once, its files
/// written as `poll --history` writes them: growth findings and new / ongoing / resolved
/// first, the files next, the run committed last (a write error leaves the history as it was).
fn record(
    a: &MergeArgs,
    path: &std::path::Path,
    plan: &crate::plan::Plan,
    mut merged: Merged,
    ui: &Ui,
    started: std::time::Instant,
) -> anyhow::Result<i32> {
    use crate::history::{stamp, Recorder, RunMeta, NOW_ENV};
    let (first, last) = merged.span;
    // The run is the shards' span (a test sets the history's clock instead).
    let start = if std::env::var_os(NOW_ENV).is_some() {
        crate::history::run_clock()
    } else {
        first
    };
    let mark = format!(
        "merge of {} shards, run {}",
        merged.count,
        merged.run_id.clone().unwrap_or_else(|| stamp(first))
    );
    let mut meta = RunMeta::of_plan(plan, a.plan.limit.as_deref(), start);
    meta.shard = Some(mark.clone());
    let recorder = Recorder::open(path, a.history_wait, meta)?;
    if let Some(id) = recorder.run_marked(&mark)? {
        anyhow::bail!(
            "{}: this merged run ({mark}) is already recorded there (run {id}); nothing written",
            path.display()
        );
    }
    warn_missing(&merged);
    let mut reports = std::mem::take(&mut merged.reports);
    let judged = recorder.judge(&mut reports, &plan.playbook.health)?;
    let since = crate::report::summary::Since {
        previous_run: judged.previous_run(),
    };
    let exit_status = super::poll::exit_status(&reports);
    let elapsed = (last - first).to_std().unwrap_or_default();
    if let Some(j) = &a.jsonl {
        let mut data = Vec::new();
        for (line, r) in merged.jsonl_lines.iter().zip(&reports) {
            data.extend(judged_line(line, r)?);
        }
        crate::util::write_atomic(j, &data).map_err(|e| anyhow::anyhow!("{}: {e}", j.display()))?;
    }
    crate::report::csv_out::write_with(&a.output, &reports, &plan.columns, true)?;
    if let Some(f) = &a.findings {
        crate::report::findings::write_with(f, &reports, true)?;
    }
    if let Some(p) = &a.prometheus {
        let run = crate::report::prometheus::RunInfo {
            duration: elapsed,
            finished_at: last.into(),
            exit_status,
        };
        let families = crate::report::prometheus::families(&reports, &plan.columns, &run);
        crate::report::prometheus::write(p, &families)?;
    }
    judged.commit(&reports, exit_status, elapsed)?;
    merged.exit_status = exit_status;
    merged.healths.clear();
    for r in &reports {
        *merged.healths.entry(r.health.id()).or_default() += 1;
    }
    if !ui.quiet {
        say!(
            "{}",
            crate::report::summary::render_with(&reports, elapsed, Some(since))
        );
        summary_line(a, &merged, started);
        say!("recorded in {} ({mark})", path.display());
    }
    Ok(if a.no_fail_on_health {
        super::exit::OK
    } else {
        exit_status
    })
}

/// A shard's JSONL line with the judged health, findings (their standing) and the findings
/// the run resolved, as `poll --history` writes its own.
fn judged_line(line: &str, r: &crate::outcome::DeviceReport) -> anyhow::Result<Vec<u8>> {
    let mut v: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| anyhow::anyhow!("{}'s JSONL line: {e}", r.device))?;
    if let Some(o) = v.as_object_mut() {
        o.insert("health".into(), serde_json::to_value(r.health)?);
        o.insert("findings".into(), serde_json::to_value(&r.findings)?);
        if r.resolved.is_empty() {
            o.remove("resolved");
        } else {
            o.insert("resolved".into(), serde_json::to_value(&r.resolved)?);
        }
    }
    let mut out = serde_json::to_vec(&v)?;
    out.push(b'\n');
    Ok(out)
}
