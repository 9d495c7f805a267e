//! `fleetpoll poll`: sweep an inventory with a playbook and write the health CSV (and JSONL,
//! findings, Prometheus textfile), or, with `--nagios`, answer as a check command.

use super::signals::Signals;
use super::{exit, PlanArgs, Ui};
use crate::plan::Plan;
use crate::runner::{DeviceReport, RunOptions, Runner};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll poll -i inventory/dc.yaml -o health.csv\n  fleetpoll poll -i inv.yaml -p playbooks/health.yaml -o out/health.csv --jsonl out/health.jsonl --include-raw\n  fleetpoll poll -i inv.yaml -o out/health.csv --jsonl out/health.jsonl --html out/report.html\n  fleetpoll poll -i inv.yaml --limit 'rtr-*,group:branch,platform:cisco_asa' -c 50 --deadline 45m\n  fleetpoll poll -i inv.yaml --limit 'site:dc1,&platform:cisco_xe,!group:lab'\n  fleetpoll poll -i inv.yaml -k -K                 # ask the password and enable secret once\n  fleetpoll poll -i inv.yaml -f findings.csv --history /var/lib/fleetpoll/history.sqlite   # new / ongoing / resolved\n  fleetpoll poll -i inv.yaml -o health.csv --prometheus /var/lib/node_exporter/textfile_collector/fleetpoll.prom\n  fleetpoll poll -i inv.yaml --nagios              # a Nagios/Icinga check: one status line, exit 0-3\n\nCredentials: {env: VAR}, {file: PATH} or {prompt: true} in the inventory; -k / -K fill in\nwhat no inventory level sets. Prompts are read once per run from /dev/tty; with no terminal\n(cron) they are refused before anything connects (exit 3)."
)]
pub struct PollArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Health CSV to write (atomically: a reader never sees half a file) [default:
    /// health.csv; with --nagios none unless given].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write one JSON object per device with every command's status and parsed record.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// Put each command's raw output in the JSONL too.
    #[arg(long, requires = "jsonl")]
    pub include_raw: bool,
    /// Also write one row per finding (device, severity, code, message, evidence, remediation).
    #[arg(short, long, value_name = "FILE")]
    pub findings: Option<PathBuf>,
    /// Also write the run as Prometheus metrics, for node_exporter's textfile collector
    /// (e.g. /var/lib/node_exporter/textfile_collector/fleetpoll.prom): written whole through
    /// a hidden temporary file and a rename, with the mode of the file it replaces.
    #[arg(long, value_name = "FILE")]
    pub prometheus: Option<PathBuf>,
    /// Nagios / Icinga check mode: one status line with perfdata on stdout
    /// (`FLEETPOLL CRITICAL - 3 critical, 5 warning, 2 not polled of 500 | ...`), no summary,
    /// nothing on stderr but errors (unless -v); exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    /// (`FLEETPOLL UNKNOWN - reason` when the run cannot be done). Files are written only when
    /// asked for (-o, --findings, --prometheus ...).
    #[arg(long)]
    pub nagios: bool,
    /// Also write the report as one self-contained HTML page (findings worst first with their
    /// remediation, site × platform matrix, sortable and filterable device table).
    #[arg(long, value_name = "FILE.html")]
    pub html: Option<PathBuf>,
    /// Refuse to start while another run holds this lock file (exit 3); a lock left by a
    /// dead run is taken over.
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// Remember this run in an SQLite history (created if missing; e.g.
    /// /var/lib/fleetpoll/history.sqlite): findings.csv and health.csv then say what is new,
    /// ongoing or resolved since the previous run, and counters that keep growing become
    /// findings. Opened and locked before any device is contacted; see `fleetpoll history`.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// How long to wait for another run writing the same --history before giving up (exit 3).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_dur, requires = "history")]
    pub history_wait: Duration,
    /// How many devices are polled at once.
    #[arg(short, long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub concurrency: u32,
    /// Spread the first wave of logins over this long (e.g. 500ms; 0 for all at once).
    #[arg(long, value_name = "DURATION", value_parser = crate::runner::parse_ramp, long_help = super::RAMP_HELP)]
    pub ramp: Option<Duration>,
    /// Bound on the whole run (e.g. 30m); devices not done by then are marked `deadline`.
    #[arg(long, value_name = "DURATION", value_parser = parse_dur)]
    pub deadline: Option<Duration>,
    /// After SIGINT, SIGTERM or SIGHUP, how long in-flight devices may finish (a second
    /// signal cuts it short).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_dur)]
    pub grace: Duration,
    #[command(flatten)]
    pub shard: super::shard::ShardArgs,
    /// With --shard/--shards: write this shard's outputs in DIR/shard-K-of-N/ (health.csv,
    /// findings.csv, fleetpoll.prom, manifest.json) for `fleetpoll merge DIR`; -o, --jsonl,
    /// --findings and --prometheus are then not given.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// With --out-dir: also write DIR/shard-K-of-N/health.jsonl (parsed records; costs the
    /// memory of keeping every record until the end).
    #[arg(long, requires = "out_dir")]
    pub out_jsonl: bool,
    /// Exit 0 when the run was done, whatever the devices' health (1 and 2 become 0; 3
    /// stays): for schedulers that retry or flag a non-zero exit, such as a Kubernetes Job
    /// whose shard reports its status in its manifest and the merge's exit.
    #[arg(long)]
    pub no_fail_on_health: bool,
}

pub fn parse_dur(s: &str) -> Result<Duration, crate::inventory::DurationError> {
    crate::inventory::settings_parse_duration(s)
}

/// Where a sweep writes, and what its run is recorded as (JSONL `run`, HTML header).
pub struct Outputs<'a> {
    /// None only in `--nagios` mode without `-o`.
    pub csv: Option<&'a Path>,
    pub jsonl: Option<&'a Path>,
    pub include_raw: bool,
    pub findings: Option<&'a Path>,
    pub prometheus: Option<&'a Path>,
    pub html: Option<&'a Path>,
    /// The subcommand: `poll` or `demo`.
    pub command: &'static str,
    pub limit: Option<&'a str>,
}

impl Outputs<'_> {
    /// Every file the sweep writes, in the order it writes them.
    fn files(&self) -> impl Iterator<Item = &Path> {
        self.csv
            .into_iter()
            .chain(self.jsonl)
            .chain(self.findings)
            .chain(self.prometheus)
            .chain(self.html)
    }
}

/// An output file that cannot be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {err}", path.display())]
pub struct Unwritable {
    pub path: PathBuf,
    pub err: std::io::Error,
}

/// Check outputs can be written before anything connects (nothing is created or truncated).
pub fn check_outputs(o: &Outputs) -> Result<(), Unwritable> {
    for p in o.files() {
        crate::util::check_writable(p).map_err(|err| Unwritable {
            path: p.to_path_buf(),
            err,
        })?;
    }
    Ok(())
}

pub async fn run(a: PollArgs, ui: &Ui) -> i32 {
    if !a.nagios {
        return match poll(&a, ui).await {
            Ok(_) if a.no_fail_on_health => exit::OK,
            Ok(done) => exit_status(&done.reports),
            Err(e) => super::unusable(e),
        };
    }
    // A check command's output is its status line: no summary, no progress bar.
    let ui = Ui {
        quiet: true,
        progress: false,
    };
    match poll(&a, &ui).await {
        Ok(done) => {
            let code = exit_status(&done.reports);
            out!(
                "{}",
                crate::report::nagios::status_line(&done.reports, done.elapsed, code)
            );
            code
        }
        Err(e) => {
            out!("{}", crate::report::nagios::unknown_line(&e.to_string()));
            exit::UNUSABLE
        }
    }
}

/// The sweep `a` asks for, or why it could not be done (exit 3).
async fn poll(a: &PollArgs, ui: &Ui) -> anyhow::Result<Swept> {
    // First: a signal during the plan still stops the run cleanly (every device `interrupted`).
    let signals = super::signals::install();
    let _lock = a.lock.as_deref().map(crate::lock::acquire).transpose()?;
    if let Some(pid) = _lock.as_ref().and_then(|l| l.stale_pid.as_deref()) {
        ui.note(format!("warning: took over a stale lock left by pid {pid}"));
    }
    let shard = a.shard.resolve()?;
    if shard.is_some() != a.out_dir.is_some() {
        anyhow::bail!("--shard/--shards and --out-dir go together: a shard writes its outputs in OUT_DIR/shard-K-of-N/ for `fleetpoll merge`");
    }
    if shard.is_some()
        && (a.output.is_some()
            || a.jsonl.is_some()
            || a.findings.is_some()
            || a.prometheus.is_some()
            || a.nagios)
    {
        anyhow::bail!("a shard writes its outputs in --out-dir (use --out-jsonl for JSONL); -o, --jsonl, --findings, --prometheus and --nagios belong to `fleetpoll merge`");
    }
    let plan = a.plan.build(
        &crate::playbook::builtin::HEALTH,
        ui,
        a.plan.ask.on_terminal(),
    )?;
    let (plan, run) = match (shard, &a.out_dir) {
        (Some(s), Some(dir)) => {
            let (plan, run) =
                super::shard::ShardRun::start(plan, s, &a.shard, dir, (a.out_jsonl, false))?;
            ui.note(format!(
                "shard {s} (by {}): {} of the selected devices, outputs in {}",
                a.shard.shard_by.id(),
                plan.jobs.len(),
                run.folder.display()
            ));
            (plan, Some(run))
        }
        _ => (plan, None),
    };
    let files = run.as_ref().map(|r| {
        use crate::shard::manifest as m;
        [m::CSV, m::JSONL, m::FINDINGS, m::PROMETHEUS].map(|f| r.file(f))
    });
    let default_csv = Path::new("health.csv");
    let outputs = match &files {
        Some([csv, jsonl, findings, prom]) => Outputs {
            csv: Some(csv),
            jsonl: a.out_jsonl.then_some(jsonl.as_path()),
            include_raw: false,
            findings: Some(findings),
            prometheus: Some(prom),
            html: a.html.as_deref(),
            command: "poll",
            limit: a.plan.limit.as_deref(),
        },
        None => Outputs {
            csv: a.output.as_deref().or((!a.nagios).then_some(default_csv)),
            jsonl: a.jsonl.as_deref(),
            include_raw: a.include_raw,
            findings: a.findings.as_deref(),
            prometheus: a.prometheus.as_deref(),
            html: a.html.as_deref(),
            command: "poll",
            limit: a.plan.limit.as_deref(),
        },
    };
    if run.is_some() && a.history.is_some() {
        // Each shard sees part of the fleet: its history would resolve the others' findings.
        anyhow::bail!(
            "--history cannot be used with --shard: a shard sees only its part of the fleet (record the merged run: fleetpoll merge DIR --history FILE)"
        );
    }
    check_outputs(&outputs)?;
    // Before anything connects: a bad, locked or newer history stops the run with no output.
    let history = match &a.history {
        Some(path) => {
            let meta = crate::history::RunMeta::of_plan(
                &plan,
                a.plan.limit.as_deref(),
                crate::history::run_clock(),
            );
            Some(crate::history::Recorder::open(path, a.history_wait, meta)?)
        }
        None => None,
    };
    super::preflight(&plan).await?;
    let opts = RunOptions {
        concurrency: a.concurrency as usize,
        deadline: a.deadline,
        grace: a.grace,
        ramp: a.ramp,
        keep_raw: a.include_raw,
        keep_records: outputs.jsonl.is_some(),
    };
    let done = sweep_with(&plan, &opts, &outputs, ui, signals, history).await?;
    if let Some(run) = &run {
        run.finish(&plan, &done.reports, exit_status(&done.reports))?;
    }
    Ok(done)
}

/// The cron contract: 2 when any device was not polled or has a critical finding, 1 for
/// warnings only, 0 when every device is healthy.
pub fn exit_status(reports: &[DeviceReport]) -> i32 {
    exit_for_health(reports.iter().map(|r| r.health))
}

/// [`exit_status`] of the devices' healths.
pub fn exit_for_health(healths: impl Iterator<Item = crate::health::Health>) -> i32 {
    use crate::health::Health;
    let mut status = exit::OK;
    for h in healths {
        match h {
            Health::Critical | Health::Unknown => return exit::CRITICAL,
            Health::Warning => status = exit::WARNING,
            Health::Ok => {}
        }
    }
    status
}

/// Run the plan with a progress bar on a terminal. A stop signal (SIGINT, SIGTERM, SIGHUP)
/// stops the run (logging `on_interrupt`): unfinished devices are reported `interrupted`.
pub async fn run_with_progress(
    plan: &Plan,
    opts: &RunOptions,
    ui: &Ui,
    signals: Signals,
    on_interrupt: &'static str,
) -> Vec<DeviceReport> {
    use tracing_indicatif::span_ext::IndicatifSpanExt;
    let runner = Runner::new();
    let forward = signals.forward(runner.stopper(), on_interrupt, opts.grace);
    let span = tracing::info_span!("sweep");
    if ui.progress {
        span.pb_set_style(
            &indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} devices  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        span.pb_set_length(plan.hosts.len() as u64);
    }
    let reports = {
        let _enter = span.enter();
        let bar = span.clone();
        let show = ui.progress;
        runner
            .run(plan, opts, move |rows| {
                if show {
                    bar.pb_inc(1);
                    bar.pb_set_message(&progress_message(rows));
                }
            })
            .await
    };
    drop(span);
    forward.abort();
    reports
}

/// What a sweep produced: every device's report and how long it took.
pub struct Swept {
    pub reports: Vec<DeviceReport>,
    pub elapsed: Duration,
}

/// The progress bar's word on a finished device: its status, or for a device polled in its
/// security contexts, how many of them were polled.
fn progress_message(rows: &[DeviceReport]) -> String {
    match rows {
        [r] => format!("{} {}", r.device, r.poll_status.id()),
        _ => {
            let name = rows
                .first()
                .map(|r| match &r.context {
                    Some(c) => r.device.strip_suffix(&format!("/{c}")).unwrap_or(&r.device),
                    None => &r.device,
                })
                .unwrap_or_default();
            let polled = rows.iter().filter(|r| r.polled()).count();
            format!("{name} {polled}/{} contexts polled", rows.len())
        }
    }
}

/// Run the plan with a progress bar and Ctrl-C handling, write the outputs, print the summary.
pub async fn sweep(
    plan: &Plan,
    opts: &RunOptions,
    out: &Outputs<'_>,
    ui: &Ui,
    signals: Signals,
) -> anyhow::Result<Swept> {
    sweep_with(plan, opts, out, ui, signals, None).await
}

/// [`sweep`], judged against and recorded in `history` when given: growth findings and
/// new / ongoing / resolved before the outputs are written, the run committed after them
/// (also when a signal stopped it; a write error leaves the history as it was).
pub async fn sweep_with(
    plan: &Plan,
    opts: &RunOptions,
    out: &Outputs<'_>,
    ui: &Ui,
    signals: Signals,
    history: Option<crate::history::Recorder>,
) -> anyhow::Result<Swept> {
    for w in &plan.warnings {
        ui.note(format!("warning: {w}"));
    }
    let started = std::time::Instant::now();
    let started_at = chrono::Utc::now();
    let mut reports = run_with_progress(
        plan,
        opts,
        ui,
        signals,
        "stopping: starting no new devices, the outputs will be written whole",
    )
    .await;
    let history_path = history.as_ref().map(|h| h.path().to_path_buf());
    let judged = match history {
        Some(h) => Some(h.judge(&mut reports, &plan.playbook.health)?),
        None => None,
    };
    let since = judged.as_ref().map(|j| crate::report::summary::Since {
        previous_run: j.previous_run(),
    });
    let tracked = judged.is_some();
    let elapsed = started.elapsed();
    // With a history, the run's start is the history's: `report --history` finds it there.
    let started_at = judged.as_ref().map_or(started_at, |j| j.started_at());
    let run =
        crate::report::run::RunInfo::of_plan(out.command, plan, out.limit, started_at, elapsed);
    if let Some(c) = out.csv {
        crate::report::csv_out::write_with(c, &reports, &plan.columns, tracked)?;
    }
    if let Some(j) = out.jsonl {
        crate::report::jsonl::write(j, &reports, out.include_raw, Some(&run))?;
    }
    if let Some(f) = out.findings {
        crate::report::findings::write_with(f, &reports, tracked)?;
    }
    if let Some(p) = out.prometheus {
        let run = crate::report::prometheus::RunInfo {
            duration: elapsed,
            finished_at: std::time::SystemTime::now(),
            exit_status: exit_status(&reports),
        };
        let families = crate::report::prometheus::families(&reports, &plan.columns, &run);
        crate::report::prometheus::write(p, &families)?;
    }
    if let Some(h) = out.html {
        let sweep = crate::report::html::Sweep::from_reports(run, &reports);
        let trend = match &judged {
            Some(j) => Some(super::trend::from_history(
                j.recent(super::trend::PAST_RUNS)?,
                &sweep,
                j.started_at(),
            )),
            None => None,
        };
        write_html_with(h, &sweep, trend.as_ref())?;
    }
    // Last, so that a run whose outputs could not be written leaves the history as it was.
    if let Some(j) = judged {
        j.commit(&reports, exit_status(&reports), started.elapsed())?;
    }
    if !ui.quiet {
        say!(
            "{}",
            crate::report::summary::render_with(&reports, elapsed, since)
        );
        let files: Vec<String> = out
            .files()
            .chain(history_path.as_deref())
            .map(|p| p.display().to_string())
            .collect();
        if !files.is_empty() {
            say!("wrote {}", files.join(", "));
        }
    }
    Ok(Swept { reports, elapsed })
}

/// Render the sweep page of `sweep` (no trend) and write it atomically to `path`.
pub fn write_html(path: &Path, sweep: &crate::report::html::Sweep) -> anyhow::Result<()> {
    write_html_with(path, sweep, None)
}

/// Render the sweep page of `sweep`, with its trend when given, and write it atomically.
pub fn write_html_with(
    path: &Path,
    sweep: &crate::report::html::Sweep,
    trend: Option<&crate::report::html::Trend>,
) -> anyhow::Result<()> {
    let page = crate::report::html::render_sweep(sweep, trend)
        .map_err(|e| anyhow::anyhow!("cannot render {}: {e}", path.display()))?;
    crate::report::html::write(path, &page)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::runner::parse_ramp;
    use std::time::Duration;

    #[test]
    fn ramp_takes_zero_or_a_duration_and_names_what_it_cannot_read() {
        assert_eq!(parse_ramp("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_ramp("0ms").unwrap(), Duration::ZERO);
        assert_eq!(parse_ramp("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_ramp("2s").unwrap(), Duration::from_secs(2));
        let e = parse_ramp("soon").unwrap_err().to_string();
        assert!(e.contains("soon"), "{e}");
    }
}
