//! `fleetpoll merge DIR`: the shard folders of a sharded `poll` into the files and exit
//! status of one unsharded run (see [`crate::shard::merge`]).

use super::{PlanArgs, Ui};
use crate::shard::merge::{self, Outputs, Request};
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
    };
    let out = Outputs {
        csv: Some(&a.output),
        jsonl: a.jsonl.as_deref(),
        findings: a.findings.as_deref(),
        prometheus: a.prometheus.as_deref(),
    };
    let started = std::time::Instant::now();
    // A history store would ingest the merged run once here: pass its RowSink instead of ().
    let merged = match merge::merge(&req, &out, &mut ()) {
        Ok(m) => m,
        Err(e) => return super::unusable(format!("cannot merge: {e}")),
    };
    for m in &merged.missing {
        say!(
            "warning: shard {} did not report ({}): its devices are rows poll_status=not_run",
            m.shard,
            m.reason
        );
    }
    if !ui.quiet {
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
    if a.no_fail_on_health {
        super::exit::OK
    } else {
        merged.exit_status
    }
}
