//! ASA `show failover` in a snapshot diff: `Failover On` → `Off` is a regression, and a unit's
//! state leaving `Active` / `Standby Ready` (e.g. `Standby Ready` → `Failed`) is a regression;
//! a switchover (Active ↔ Standby Ready) is neutral.

use super::{Compare, Cx};
use crate::parse::failover::{state_is_ready, Failover, FailoverHost};

fn label(h: Option<&FailoverHost>) -> (bool, String) {
    let Some(h) = h else {
        return (false, "-".into());
    };
    let states = h.states();
    let good = !states.is_empty() && states.iter().all(|(_, s)| state_is_ready(s));
    let text = states
        .iter()
        .map(|(g, s)| match g {
            Some(g) => format!("group {g}: {s}"),
            None => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    (good, if text.is_empty() { "-".into() } else { text })
}

impl Compare for Failover {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        let on = |f: &Failover| (f.enabled, if f.enabled { "On" } else { "Off" }.to_string());
        cx.out.state(None, "enabled", "failover", on(b), on(a));
        if !(b.enabled && a.enabled) {
            return;
        }
        cx.out.state(
            Some("this host".into()),
            "state",
            "failover state of this host",
            label(b.this_host.as_ref()),
            label(a.this_host.as_ref()),
        );
        cx.out.state(
            Some("other host".into()),
            "state",
            "failover state of the other host",
            label(b.other_host.as_ref()),
            label(a.other_host.as_ref()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, N, R};

    fn fo(this: &str, other: &str) -> serde_json::Value {
        let r = crate::parse::failover::parse_failover(&format!(
            "Failover On\nFailover unit Primary\nFailover LAN Interface: fo Gi0/3 (up)\n  This host: Primary - {this}\n  Other host: Secondary - {other}\n"
        ))
        .unwrap();
        serde_json::to_value(crate::parse::Record::from(r)).unwrap()
    }

    #[test]
    fn standby_failed_is_a_regression_switchover_neutral() {
        let c = "show failover";
        assert_eq!(
            one(c, fo("Active", "Standby Ready"), fo("Active", "Failed")),
            vec![(R, k("d/show failover/other host/state"))]
        );
        assert_eq!(
            one(
                c,
                fo("Active", "Standby Ready"),
                fo("Standby Ready", "Active")
            ),
            vec![
                (N, k("d/show failover/this host/state")),
                (N, k("d/show failover/other host/state"))
            ]
        );
    }
}
