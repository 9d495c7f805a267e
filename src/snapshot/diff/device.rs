//! Device- and command-level comparison: presence in each snapshot, reachability, platform,
//! and each command's capture status; commands read in both go to the per-record dispatch
//! (`compare_records` in `mod.rs`).

use super::{compare_records, DiffOptions, Out, Severity};
use crate::snapshot::load::LoadedDevice;
use crate::snapshot::{CommandMeta, DeviceMeta};

fn status_label(m: &DeviceMeta) -> String {
    match &m.error {
        Some(e) => format!("{}: {}", m.poll_status, e.lines().next().unwrap_or("")),
        None => m.poll_status.clone(),
    }
}

/// A command status that means the output was captured (and parsed, when it has a parser).
fn good_status(c: &CommandMeta) -> bool {
    c.ok() || c.status == crate::outcome::CommandStatus::Raw.id()
}

pub(super) fn compare_device(
    out: &mut Out,
    b: &LoadedDevice,
    a: &LoadedDevice,
    opts: &DiffOptions,
) {
    match (b.meta.polled(), a.meta.polled()) {
        (true, false) => {
            let after = status_label(&a.meta);
            out.push(
                Severity::Regression,
                None,
                "reachable",
                Some("polled".into()),
                Some(after.clone()),
                format!("reachable before, not after ({after})"),
            );
            return;
        }
        (false, true) => {
            let before = status_label(&b.meta);
            out.push(
                Severity::Improvement,
                None,
                "reachable",
                Some(before.clone()),
                Some("polled".into()),
                format!("not reachable before ({before}), reachable after"),
            );
            return;
        }
        (false, false) => return,
        (true, true) => {}
    }
    if b.meta.platform != a.meta.platform {
        out.push(
            Severity::Neutral,
            None,
            "platform",
            Some(b.meta.platform.to_string()),
            Some(a.meta.platform.to_string()),
            "the inventory platform changed".into(),
        );
    }
    let times = (b.meta.started_at, a.meta.started_at);
    for (bc, brec) in b.meta.commands.iter().zip(&b.records) {
        let mut cout = Out {
            device: out.device,
            command: Some(&bc.command),
            changes: out.changes,
        };
        let Some((ac, arec)) = a.command(&bc.command) else {
            cout.push(
                Severity::Neutral,
                None,
                "captured",
                Some("yes".into()),
                Some("no".into()),
                "run in BEFORE only (playbook changed)".into(),
            );
            continue;
        };
        match (good_status(bc), good_status(ac)) {
            (true, false) => {
                let after = match &ac.error {
                    Some(e) => format!("{}: {e}", ac.status),
                    None => ac.status.clone(),
                };
                cout.push(
                    Severity::Regression,
                    None,
                    "status",
                    Some(bc.status.clone()),
                    Some(ac.status.clone()),
                    format!("output read before, not after ({after})"),
                );
            }
            (false, true) => cout.push(
                Severity::Improvement,
                None,
                "status",
                Some(bc.status.clone()),
                Some(ac.status.clone()),
                "output read after, not before".into(),
            ),
            (false, false) => {}
            (true, true) if bc.truncated || ac.truncated => {
                // Half a list against a whole one would read as SAs gone (or new).
                let side = match (bc.truncated, ac.truncated) {
                    (true, true) => "in both",
                    (true, false) => "in BEFORE",
                    _ => "in AFTER",
                };
                cout.push(
                    Severity::Neutral,
                    None,
                    "complete",
                    Some((!bc.truncated).to_string()),
                    Some((!ac.truncated).to_string()),
                    format!("output cut short {side}: records not compared"),
                );
            }
            (true, true) => {
                if let (Some(br), Some(ar)) = (brec, arec) {
                    compare_records(&mut cout, br, ar, times, opts);
                }
            }
        }
    }
    for ac in &a.meta.commands {
        if b.command(&ac.command).is_none() {
            Out {
                device: out.device,
                command: Some(&ac.command),
                changes: out.changes,
            }
            .push(
                Severity::Neutral,
                None,
                "captured",
                Some("no".into()),
                Some("yes".into()),
                "run in AFTER only (playbook changed)".into(),
            );
        }
    }
}
