//! The HTML page's trend from a run history: the stored runs before the sweep become the
//! trend's past runs (`poll --html --history`, `report --from … --history`).

use crate::history::recent::RecentRun;
use crate::outcome::Health;
use crate::report::html::{PastDevice, PastRun, Sweep, Trend, MAX_RUNS};
use chrono::{DateTime, Utc};

/// How many stored runs a trend asks for: the sweep itself is the last point.
pub const PAST_RUNS: usize = MAX_RUNS - 1;

/// The trend of `sweep` (started at `at`) after the stored runs `past` (oldest first).
pub fn from_history(past: Vec<RecentRun>, sweep: &Sweep, at: DateTime<Utc>) -> Trend {
    let past: Vec<PastRun> = past.into_iter().map(past_run).collect();
    let mut t = Trend::build(&past, sweep, at);
    t.mark_new_by_standing(sweep);
    t
}

fn past_run(r: RecentRun) -> PastRun {
    PastRun {
        at: r.started_at,
        devices: r
            .devices
            .into_iter()
            .map(|d| PastDevice {
                health: health(&d.health),
                device: d.device,
                codes: d.codes,
            })
            .collect(),
    }
}

/// A stored health word back; one this fleetpoll does not know reads as not judged.
fn health(id: &str) -> Health {
    match id {
        "ok" => Health::Ok,
        "warning" => Health::Warning,
        "critical" => Health::Critical,
        _ => Health::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::recent::RecentDevice;

    #[test]
    fn stored_runs_become_past_runs_with_their_health_and_codes() {
        let at = |h: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, h, 0, 0).unwrap();
        let stored = vec![RecentRun {
            id: 1,
            started_at: at(2),
            devices: vec![RecentDevice {
                device: "rtr-1".into(),
                health: "critical".into(),
                codes: vec!["IKE_PSK_MISMATCH".into()],
            }],
        }];
        let p = past_run(stored[0].clone());
        assert_eq!(p.at, at(2));
        assert_eq!(p.devices[0].health, Health::Critical);
        assert_eq!(p.devices[0].codes, vec!["IKE_PSK_MISMATCH".to_string()]);
        assert_eq!(health("bogus"), Health::Unknown);
        let mut r = crate::outcome::DeviceReport::sample("rtr-1");
        r.health = Health::Ok;
        let run = crate::report::run::RunInfo {
            command: "poll".into(),
            started_at: at(3),
            duration_ms: 1,
            inventory: "inv.yaml".into(),
            limit: None,
            playbook: "health".into(),
            playbook_path: "builtin:health".into(),
            playbook_sha256: "ab".repeat(32),
            fleetpoll_version: "0.1.0".into(),
            columns: vec![],
            snapshot: None,
            manifest_sha256: None,
        };
        let sweep = Sweep::from_reports(run, &[r]);
        let t = from_history(stored, &sweep, at(3));
        assert_eq!(t.runs.len(), 2);
        assert_eq!(t.runs[0].critical, 1);
        assert_eq!(t.runs[1].critical, 0);
        assert_eq!(
            t.devices["rtr-1"],
            vec![Some(Health::Critical), Some(Health::Ok)]
        );
    }
}
