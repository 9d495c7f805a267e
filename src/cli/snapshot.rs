//! `fleetpoll snapshot`: sweep an inventory with the snapshot playbook and store every
//! device's raw outputs, parsed records and metadata in a new snapshot folder
//! (see [`crate::snapshot`] for the layout).

use super::{exit, Ui};
use crate::runner::{PollStatus, RunOptions};
use crate::snapshot::{write, WriteOptions};
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll snapshot -i inventory/dc.yaml --out-dir snapshots/before-CHG1234\n  fleetpoll snapshot -i inv.yaml --limit 'site:dc1' -c 50 --deadline 20m\n  fleetpoll snapshot -i inv.yaml --out-dir snapshots/after-CHG1234 --html after-CHG1234.html\n\nLayout: DIR/manifest.json (sha256 of every file), DIR/devices/<device>/meta.json,\nDIR/devices/<device>/NN_<command>.txt (raw, secrets redacted) and .json (parsed record).\nFiles are 0600, folders 0700. Built in .DIR.partial-<pid> and renamed when complete.\n\nExit status: 0 every device and command captured, 1 some command failed, 2 some device not\npolled (recorded with its error), 3 no snapshot written (or it was, but the --html page could\nnot be: the error says so)."
)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub inventory: super::InventorySource,
    /// Playbook YAML [default: ./playbooks/snapshot.yaml when present, else the built-in
    /// snapshot playbook, which runs every command fleetpoll can parse].
    #[arg(short, long, value_name = "FILE")]
    pub playbook: Option<PathBuf>,
    /// Only these devices, Ansible-style: 'a,b' either, '&b' also, '!b' not (see --help).
    #[arg(short, long, value_name = "EXPR", long_help = super::LIMIT_HELP)]
    pub limit: Option<String>,
    #[command(flatten)]
    pub ask: super::AskArgs,
    /// Snapshot folder to create (must not exist) [default: snapshots/<UTC timestamp>].
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// How many devices are polled at once.
    #[arg(short, long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub concurrency: u32,
    /// Spread the first wave of logins over this long (e.g. 500ms; 0 for all at once).
    #[arg(long, value_name = "DURATION", value_parser = crate::runner::parse_ramp, long_help = super::RAMP_HELP)]
    pub ramp: Option<Duration>,
    /// Bound on the whole run (e.g. 30m); devices not done by then are recorded as `deadline`.
    #[arg(long, value_name = "DURATION", value_parser = super::poll::parse_dur)]
    pub deadline: Option<Duration>,
    /// After SIGINT, SIGTERM or SIGHUP, how long in-flight devices may finish (a second
    /// signal cuts it short); no snapshot is written for an interrupted run.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = super::poll::parse_dur)]
    pub grace: Duration,
    /// Also write the sweep as one self-contained HTML page (as `poll --html`), its header
    /// naming the snapshot folder and its manifest's SHA-256.
    #[arg(long, value_name = "FILE.html")]
    pub html: Option<PathBuf>,
    /// --shard K/N, --shards N, --shard-by: capture only this shard's devices (as `poll`);
    /// each worker writes its own snapshot folder.
    #[command(flatten)]
    pub shard: super::shard::ShardArgs,
}

/// `snapshots/20240131T221500Z`.
pub fn default_dir(now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    PathBuf::from("snapshots").join(now.format("%Y%m%dT%H%M%SZ").to_string())
}

pub async fn run(a: SnapshotArgs, ui: &Ui) -> i32 {
    let signals = super::signals::install();
    let plan = match super::build_plan(
        &a.inventory.source(),
        a.playbook.as_deref(),
        a.limit.as_deref(),
        &crate::playbook::builtin::SNAPSHOT,
        ui,
        a.ask.on_terminal(),
    ) {
        Ok(p) => p,
        Err(e) => return super::unusable(e),
    };
    let plan = match a.shard.resolve() {
        Ok(Some(s)) => {
            let plan = crate::shard::select(plan, s, a.shard.shard_by);
            ui.note(format!(
                "shard {s} (by {}): {} of the selected devices",
                a.shard.shard_by.id(),
                plan.jobs.len()
            ));
            plan
        }
        Ok(None) => plan,
        Err(e) => return super::unusable(e),
    };
    let started_at = chrono::Utc::now();
    let dest = a.out_dir.clone().unwrap_or_else(|| default_dir(started_at));
    if let Err(e) = crate::snapshot::write::check_destination(&dest) {
        return super::unusable(e);
    }
    if let Some(h) = &a.html {
        if let Err(e) = crate::util::check_writable(h) {
            return super::unusable(format!("cannot write {}: {e}", h.display()));
        }
    }
    if let Err(e) = super::preflight(&plan).await {
        return super::unusable(e);
    }
    for w in &plan.warnings {
        ui.note(format!("warning: {w}"));
    }
    let opts = RunOptions {
        concurrency: a.concurrency as usize,
        deadline: a.deadline,
        grace: a.grace,
        ramp: a.ramp,
        ..RunOptions::default()
    };
    let t0 = std::time::Instant::now();
    let reports = super::poll::run_with_progress(
        &plan,
        &opts,
        ui,
        signals,
        "stopping: starting no new devices; no snapshot will be written",
    )
    .await;
    // A snapshot missing devices because of Ctrl-C would pass for the fleet's state.
    if reports
        .iter()
        .any(|r| r.poll_status == PollStatus::Interrupted)
    {
        say!(
            "error: interrupted: no snapshot written ({} stays absent)",
            dest.display()
        );
        return exit::UNUSABLE;
    }
    let wopts = WriteOptions {
        limit: a.limit.clone(),
        ..WriteOptions::default()
    };
    let elapsed = t0.elapsed();
    let written = match write(&dest, &plan, &reports, started_at, &wopts) {
        Ok(w) => w,
        Err(e) => return super::unusable(format!("no snapshot written: {e}")),
    };
    if let Some(h) = &a.html {
        let mut run = crate::report::run::RunInfo::of_plan(
            "snapshot",
            &plan,
            a.limit.as_deref(),
            started_at,
            elapsed,
        );
        run.snapshot = Some(written.dir.display().to_string());
        run.manifest_sha256 = Some(written.manifest_sha256.clone());
        let sweep = crate::report::html::Sweep::from_reports(run, &reports);
        if let Err(e) = super::poll::write_html(h, &sweep) {
            return super::unusable(format!(
                "snapshot {} written, but not the page: {e}",
                written.dir.display()
            ));
        }
    }
    if !ui.quiet {
        say!("{}", crate::report::summary::render(&reports, elapsed));
        let failed = reports.iter().filter(|r| !r.polled()).count();
        say!(
            "snapshot {}: {} devices ({} not polled, recorded with their error), {} files{}",
            written.dir.display(),
            reports.len(),
            failed,
            written.files,
            if written.redacted_lines > 0 {
                format!(", {} secret line(s) redacted", written.redacted_lines)
            } else {
                String::new()
            }
        );
        say!(
            "manifest sha256 {} (note it in the change record)",
            written.manifest_sha256
        );
    }
    // Data on stdout: the folder, for scripts.
    out!("{}", written.dir.display());
    super::poll::exit_status(&reports)
}
