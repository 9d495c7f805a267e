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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::contexts::{ContextFailure, ContextWalk};
    use crate::session::error::SessionError;
    use std::sync::Arc;

    fn job(selection: &str) -> PollJob {
        let yaml = format!(
            "devices:\n  - {{name: fw, host: 192.0.2.1, platform: cisco_asa, username: u, password: p, asa_contexts: {selection}}}\n"
        );
        let mut inv = crate::inventory::parse(std::path::Path::new("t.yaml"), &yaml).unwrap();
        let host = inv.hosts.remove(0);
        PollJob {
            walk: host.asa_contexts.clone().map(|selection| ContextWalk {
                selection,
                list: crate::parse::asa_context::context_names,
            }),
            timeouts: host.timeouts,
            platform: crate::session::platform::definition(host.platform).unwrap(),
            host: Arc::new(host),
            commands: Arc::from(Vec::new()),
            lines: Arc::from(Vec::new()),
        }
    }

    fn run(name: &str, result: Option<Result<(), ContextFailure>>) -> ContextRun {
        ContextRun {
            name: ContextName::new(name).unwrap(),
            hostname: Some(format!("fw/{name}")),
            result,
            commands: Vec::new(),
            started: Instant::now(),
            finished: None,
        }
    }

    /// The session failed the way the device's report says, after walking `runs`.
    fn cut_off(listed: &[&str], runs: Vec<ContextRun>) -> (DeviceReport, Progress) {
        let mut d = DeviceReport::sample("fw");
        d.poll_status = PollStatus::Deadline;
        d.failed_stage = Some(Stage::Command);
        d.error_class = Some(ErrorClass::Deadline);
        d.error = Some("run deadline reached".into());
        let p = Progress {
            contexts: Some(ContextProgress {
                listed: Some(listed.iter().map(|s| s.to_string()).collect()),
                runs,
                returned_to_system: false,
            }),
            ..Progress::default()
        };
        (d, p)
    }

    fn summary(
        rows: &[(DeviceReport, Vec<CommandRun>)],
    ) -> Vec<(String, PollStatus, Option<ErrorClass>)> {
        rows.iter()
            .map(|(r, _)| (r.device.clone(), r.poll_status, r.error_class))
            .collect()
    }

    #[test]
    fn a_session_cut_off_in_a_context_keeps_the_contexts_before_it() {
        let rejected = ContextFailure {
            stage: Stage::Context,
            error: SessionError::CommandRejected {
                command: "changeto context b".into(),
                indicator: "ERROR:".into(),
            },
        };
        let (d, p) = cut_off(
            &["a", "b", "c", "d"],
            vec![
                run("a", Some(Ok(()))),
                run("b", Some(Err(rejected))),
                run("c", None),
            ],
        );
        let rows = rows(&job("all"), d, p);
        use PollStatus::*;
        assert_eq!(
            summary(&rows),
            [
                ("fw/a".into(), Polled, None),
                ("fw/b".into(), Failed, Some(ErrorClass::Rejected)),
                ("fw/c".into(), Deadline, Some(ErrorClass::Deadline)),
                ("fw/d".into(), Deadline, Some(ErrorClass::Deadline)),
            ]
        );
        assert_eq!(rows[0].0.error, None);
        assert_eq!(rows[0].0.hostname.as_deref(), Some("fw/a"));
        assert_eq!(rows[1].0.failed_stage, Some(Stage::Context));
        assert_eq!(rows[2].0.error.as_deref(), Some("run deadline reached"));
        assert_eq!(
            rows[3].0.error.as_deref(),
            Some("not polled: the session ended before this context (run deadline reached)")
        );
        assert_eq!(rows[3].0.hostname, None);
        assert!(rows.iter().all(|(r, _)| r.context.is_some()));
    }

    #[test]
    fn rows_follow_the_list_or_the_listing() {
        // Listed names are the rows, whatever the device has; a missing one says so.
        let (d, p) = cut_off(&["a", "b"], vec![run("b", Some(Ok(())))]);
        let rows = rows(&job("[b, zz]"), d, p);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0.poll_status, PollStatus::Polled);
        assert_eq!(rows[1].0.error_class, Some(ErrorClass::NoSuchContext));
        assert_eq!(
            rows[1].0.error.as_deref(),
            Some("context `zz` is not configured on this ASA (`show context` lists: a, b)")
        );
        // `all` with a listing never read: the device's own row.
        let (d, _) = cut_off(&[], vec![]);
        let one = super::rows(&job("all"), d, Progress::default());
        assert_eq!(
            summary(&one),
            [(
                "fw".into(),
                PollStatus::Deadline,
                Some(ErrorClass::Deadline)
            )]
        );
        // `all` on a device that lists nothing: one failed row, never none.
        let (mut d, p) = cut_off(&[], vec![]);
        d.poll_status = PollStatus::Polled;
        let none = super::rows(&job("all"), d, p);
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].0.poll_status, PollStatus::Failed);
        // A listed name fleetpoll would not type is reported, not polled.
        let (d, p) = cut_off(&["a", "b c"], vec![run("a", Some(Ok(())))]);
        let odd = super::rows(&job("all"), d, p);
        assert_eq!(odd[1].0.device, "fw/b c");
        assert!(odd[1]
            .0
            .error
            .as_deref()
            .unwrap()
            .contains("only checked names"));
    }
}
