//! One device, one or many rows. A device polled in its security contexts (`asa_contexts`) is
//! reported as one row per context, named `device/context`, each with its own commands,
//! status, health and findings; every other device as the one row it always was.
//!
//! Which rows: with a list of names, exactly those, in that order, whatever happened (a name
//! `show context` does not list is a failed row of its own, `no_such_context`; a device that
//! could not be reached fails every row). With `all`, the contexts `show context` listed; a
//! device whose listing was never read is one failed row under its own name. A row the session
//! did not reach takes the device's outcome (failed, `deadline`, `interrupted`).

use super::{DeviceReport, PollStatus};
use crate::inventory::{ContextName, ContextSelection};
use crate::plan::PollJob;
use crate::session::contexts::{ContextProgress, ContextRun};
use crate::session::driver::{CommandRun, Progress};
use crate::session::error::{ErrorClass, Stage};
use tokio::time::Instant;

/// The rows of one device and the command outputs each is assessed from.
pub(super) fn rows(
    job: &PollJob,
    device: DeviceReport,
    progress: Progress,
) -> Vec<(DeviceReport, Vec<CommandRun>)> {
    let Some(walk) = &job.walk else {
        return vec![(device, progress.commands)];
    };
    let cp = progress.contexts.unwrap_or_default();
    let names: Vec<String> = match (&walk.selection, &cp.listed) {
        (ContextSelection::Named(list), _) => list.iter().map(|n| n.to_string()).collect(),
        (ContextSelection::All, Some(listed)) if !listed.is_empty() => listed.clone(),
        (ContextSelection::All, Some(_)) => {
            let mut r = device;
            r.poll_status = PollStatus::Failed;
            r.failed_stage = Some(Stage::Context);
            r.error_class = Some(ErrorClass::Protocol);
            r.error = Some("`show context` lists no security context".into());
            return vec![(r, Vec::new())];
        }
        (ContextSelection::All, None) => return vec![(device, progress.commands)],
    };
    let ContextProgress { listed, runs, .. } = cp;
    let mut runs: Vec<Option<ContextRun>> = runs.into_iter().map(Some).collect();
    let walked = !runs.is_empty();
    names
        .into_iter()
        .map(|name| {
            let mut r = device.clone();
            r.device = format!("{}/{name}", device.device);
            r.context = Some(name.clone());
            r.hostname = None;
            r.duration_ms = 0;
            let run = runs
                .iter_mut()
                .find(|x| x.as_ref().is_some_and(|x| x.name.as_str() == name))
                .and_then(Option::take);
            match run {
                Some(run) => {
                    let commands = context_row(&mut r, run);
                    (r, commands)
                }
                None => {
                    not_walked(&mut r, &name, listed.as_deref(), walked);
                    (r, Vec::new())
                }
            }
        })
        .collect()
}

/// A context the session entered (or tried to): its own outcome, or, when the session ended
/// inside it, the device's.
fn context_row(r: &mut DeviceReport, run: ContextRun) -> Vec<CommandRun> {
    r.hostname = run.hostname;
    let end = run.finished.unwrap_or_else(Instant::now);
    r.duration_ms = end.saturating_duration_since(run.started).as_millis() as u64;
    match run.result {
        Some(Ok(())) => {
            r.poll_status = PollStatus::Polled;
            r.failed_stage = None;
            r.error_class = None;
            r.error = None;
        }
        Some(Err(f)) => {
            r.poll_status = PollStatus::Failed;
            r.failed_stage = Some(f.stage);
            r.error_class = Some(f.error.class());
            r.error = Some(f.error.to_string());
        }
        // Cut off in this context: the device's status and error are this row's.
        None => {}
    }
    run.commands
}

/// A row the session never entered: not configured on the device, not a name fleetpoll
/// types, or not reached.
fn not_walked(r: &mut DeviceReport, name: &str, listed: Option<&[String]>, walked: bool) {
    if let Some(listed) = listed.filter(|l| !l.iter().any(|x| x == name)) {
        r.poll_status = PollStatus::Failed;
        r.failed_stage = Some(Stage::Context);
        r.error_class = Some(ErrorClass::NoSuchContext);
        r.error = Some(format!(
            "context `{name}` is not configured on this ASA (`show context` lists: {})",
            listed.join(", ")
        ));
        return;
    }
    if let Err(e) = ContextName::new(name) {
        r.poll_status = PollStatus::Failed;
        r.failed_stage = Some(Stage::Context);
        r.error_class = Some(ErrorClass::Protocol);
        r.error = Some(format!(
            "not polled: fleetpoll types only checked names after `changeto context` ({e})"
        ));
        return;
    }
    if r.poll_status == PollStatus::Polled {
        // The walk ended without it and said nothing: not a row to call healthy.
        r.poll_status = PollStatus::Failed;
        r.failed_stage = Some(Stage::Context);
        r.error_class = Some(ErrorClass::Protocol);
        r.error = Some("not polled: the session did not reach this context".into());
        return;
    }
    if walked {
        let why = r.error.take().unwrap_or_default();
        r.error = Some(format!(
            "not polled: the session ended before this context ({why})"
        ));
    }
}
