//! `--nagios`: a sweep as the one status line of a Nagios / Icinga check command,
//! `FLEETPOLL STATE - text | perfdata`, in the form of the Monitoring Plugins Development
//! Guidelines (`'label'=value[UOM];[warn];[crit];[min];[max]`, ranges as they define them).

use crate::outcome::{DeviceReport, Health, PollStatus};
use std::time::Duration;

/// The plugin state an exit status stands for; fleetpoll's exit statuses are the plugin
/// ones (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
pub fn state(exit_status: i32) -> &'static str {
    match exit_status {
        0 => "OK",
        1 => "WARNING",
        2 => "CRITICAL",
        _ => "UNKNOWN",
    }
}

/// The status line of a finished run that exits with `exit_status`, e.g.
/// `FLEETPOLL CRITICAL - 3 critical, 5 warning, 2 not polled of 500 | critical=3;;0;0;500 …`.
/// The thresholds in the perfdata are the ones the exit status applies: any critical or
/// unpolled device is critical (range `0`: alert above 0), any warning is a warning.
pub fn status_line(reports: &[DeviceReport], elapsed: Duration, exit_status: i32) -> String {
    let count = |h: Health| reports.iter().filter(|r| r.health == h).count();
    let (critical, warning, ok) = (
        count(Health::Critical),
        count(Health::Warning),
        count(Health::Ok),
    );
    let not_polled = reports.iter().filter(|r| !r.polled()).count();
    let n = reports.len();
    let stopped = if reports
        .iter()
        .any(|r| r.poll_status == PollStatus::Interrupted)
    {
        " (run interrupted)"
    } else if reports
        .iter()
        .any(|r| r.poll_status == PollStatus::Deadline)
    {
        " (deadline reached)"
    } else {
        ""
    };
    format!(
        "FLEETPOLL {} - {critical} critical, {warning} warning, {not_polled} not polled of {n}{stopped} \
         | critical={critical};;0;0;{n} warning={warning};0;;0;{n} not_polled={not_polled};;0;0;{n} \
         ok={ok};;;0;{n} duration={:.1}s;;;0",
        state(exit_status),
        elapsed.as_secs_f64()
    )
}

/// The status line of a run that could not be done (exit 3): `FLEETPOLL UNKNOWN - reason`,
/// the reason on one line and without `|`, which would start the perfdata.
pub fn unknown_line(reason: &str) -> String {
    format!(
        "FLEETPOLL UNKNOWN - {}",
        crate::util::one_line(reason).replace('|', "/")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet(healths: &[(Health, PollStatus)]) -> Vec<DeviceReport> {
        healths
            .iter()
            .enumerate()
            .map(|(i, (h, p))| {
                let mut r = DeviceReport::sample(&format!("d{i}"));
                r.health = *h;
                r.poll_status = *p;
                r
            })
            .collect()
    }

    #[test]
    fn the_line_counts_devices_and_carries_perfdata() {
        use Health::*;
        use PollStatus::*;
        let r = fleet(&[
            (Critical, Polled),
            (Warning, Polled),
            (Warning, Polled),
            (Ok, Polled),
            (Unknown, Failed),
        ]);
        assert_eq!(
            status_line(&r, Duration::from_millis(41_249), 2),
            "FLEETPOLL CRITICAL - 1 critical, 2 warning, 1 not polled of 5 | critical=1;;0;0;5 \
             warning=2;0;;0;5 not_polled=1;;0;0;5 ok=1;;;0;5 duration=41.2s;;;0"
        );
        let r = fleet(&[(Ok, Polled), (Ok, Polled)]);
        assert_eq!(
            status_line(&r, Duration::from_millis(900), 0),
            "FLEETPOLL OK - 0 critical, 0 warning, 0 not polled of 2 | critical=0;;0;0;2 \
             warning=0;0;;0;2 not_polled=0;;0;0;2 ok=2;;;0;2 duration=0.9s;;;0"
        );
    }

    #[test]
    fn a_stopped_run_says_why() {
        use Health::*;
        use PollStatus::*;
        let line = status_line(
            &fleet(&[(Ok, Polled), (Unknown, Interrupted), (Unknown, Deadline)]),
            Duration::from_secs(3),
            2,
        );
        assert!(
            line.starts_with("FLEETPOLL CRITICAL - 0 critical, 0 warning, 2 not polled of 3 (run interrupted) | "),
            "{line}"
        );
        let line = status_line(
            &fleet(&[(Ok, Polled), (Unknown, Deadline)]),
            Duration::from_secs(3),
            2,
        );
        assert!(line.contains("of 2 (deadline reached) | "), "{line}");
    }

    #[test]
    fn states_are_the_plugin_ones() {
        assert_eq!(
            [0, 1, 2, 3].map(state),
            ["OK", "WARNING", "CRITICAL", "UNKNOWN"]
        );
        assert_eq!(state(crate::outcome::exit::UNUSABLE), "UNKNOWN");
        assert_eq!(state(crate::outcome::exit::CRITICAL), "CRITICAL");
    }

    #[test]
    fn an_unknown_line_is_one_line_without_a_pipe() {
        assert_eq!(
            unknown_line("inv.yaml:3: bad | worse\n  at line 3"),
            "FLEETPOLL UNKNOWN - inv.yaml:3: bad / worse at line 3"
        );
    }
}
