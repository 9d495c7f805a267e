//! `fleetpoll report`: draw the HTML page of a sweep after the fact, from the `health.jsonl`
//! that `poll --jsonl` wrote (its `run` on every line gives the header and column order),
//! with the trend of the runs before it when a `--history` is given.

use super::Ui;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll report --from /var/lib/fleetpoll/health.jsonl --html /srv/www/fleet/index.html\n  fleetpoll poll -i inv.yaml --jsonl out/health.jsonl && fleetpoll report --from out/health.jsonl --html out/report.html\n  fleetpoll report --from health.jsonl --history /var/lib/fleetpoll/history.sqlite --html report.html   # with the trend\n\nThe page is one self-contained file (CSS, script and data inline, no request leaves it): open\nit from mail, a share or a ticket. A JSONL written before fleetpoll recorded its run (no `run`\nkey) still works: the header then says the run is unknown and the metric columns are sorted.\n\nExit status: as `poll`'s for the devices of the JSONL (0 healthy, 1 warnings, 2 critical or\nnot polled), 3 when the JSONL cannot be read or the page cannot be written."
)]
pub struct ReportArgs {
    /// The `health.jsonl` of a sweep (`poll --jsonl FILE`).
    #[arg(long, value_name = "FILE.jsonl")]
    pub from: PathBuf,
    /// The HTML page to write (atomically).
    #[arg(long, value_name = "FILE.html")]
    pub html: PathBuf,
    /// A run history (`poll --history`): the page gains the trend of the last 30 runs (the
    /// stored runs that started before this sweep, then the sweep) and each device's
    /// sparkline; findings are marked new as the history says.
    #[arg(long, short = 'H', value_name = "FILE")]
    pub history: Option<PathBuf>,
}

pub fn run(a: ReportArgs, ui: &Ui) -> i32 {
    if let Err(e) = crate::util::check_writable(&a.html) {
        return super::unusable(format!("cannot write {}: {e}", a.html.display()));
    }
    let lines = match crate::report::jsonl::read(&a.from) {
        Ok(l) => l,
        Err(e) => return super::unusable(e),
    };
    let sweep = crate::report::html::Sweep::from_lines(lines);
    if sweep.run.is_none() {
        ui.note(format!(
            "note: {} records no run (written by an older fleetpoll): the page's header cannot say when or with what it ran",
            a.from.display()
        ));
    }
    let trend = match &a.history {
        Some(path) => match trend(path, &sweep) {
            Ok(t) => Some(t),
            Err(e) => return super::unusable(e),
        },
        None => None,
    };
    if let Err(e) = super::poll::write_html_with(&a.html, &sweep, trend.as_ref()) {
        return super::unusable(e);
    }
    ui.note(format!(
        "wrote {} ({} devices)",
        a.html.display(),
        sweep.devices.len()
    ));
    super::poll::exit_for_health(sweep.devices.iter().map(|d| d.health))
}

/// The trend of `sweep` from the history at `path`: the runs that started before it (a JSONL
/// of an older fleetpoll, with no start, comes after every stored run).
fn trend(
    path: &std::path::Path,
    sweep: &crate::report::html::Sweep,
) -> anyhow::Result<crate::report::html::Trend> {
    let h = crate::history::History::open_existing(path, std::time::Duration::from_secs(10))?;
    let at = sweep.run.as_ref().map(|r| r.started_at);
    let past = crate::history::recent::recent(&h, super::trend::PAST_RUNS, at)?;
    let at = at.unwrap_or_else(chrono::Utc::now);
    Ok(super::trend::from_history(past, sweep, at))
}
