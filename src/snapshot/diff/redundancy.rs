//! IOS / IOS-XE `show redundancy` in a snapshot diff: the peer leaving a ready standby state
//! (`STANDBY HOT` → `STANDBY COLD`, `DISABLED`, gone) or the operating mode leaving the
//! configured one is a regression, the reverse an improvement; a switchover (the active
//! processor's location changed, the switchover count grew) is neutral.

use super::{Compare, Cx, Severity};
use crate::parse::redundancy::Redundancy;

fn peer(r: &Redundancy) -> (bool, String) {
    (
        r.standby_ready(),
        r.peer_state().unwrap_or("(not listed)").to_string(),
    )
}

fn mode(r: &Redundancy) -> (bool, String) {
    (
        !r.mode_mismatch(),
        r.operating_mode.clone().unwrap_or_else(|| "(none)".into()),
    )
}

impl Compare for Redundancy {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        if !(b.configured() || a.configured()) {
            return; // a single processor before and after: nothing to compare
        }
        cx.out.state(
            None,
            "operating_mode",
            "operating redundancy mode",
            mode(b),
            mode(a),
        );
        cx.out.state(
            Some("peer".into()),
            "state",
            "peer processor state",
            peer(b),
            peer(a),
        );
        let loc = |r: &Redundancy| r.active.as_ref().and_then(|u| u.location.clone());
        let (bl, al) = (loc(b), loc(a));
        let (bs, as_) = (b.switchovers, a.switchovers);
        if bl != al || matches!((bs, as_), (Some(x), Some(y)) if y > x) {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
            cx.out.push(
                Severity::Neutral,
                Some("active".into()),
                "switchover",
                Some(show(&bl)),
                Some(show(&al)),
                format!(
                    "switchover: active processor {} -> {} (switchovers {} -> {})",
                    show(&bl),
                    show(&al),
                    bs.map_or("?".into(), |v| v.to_string()),
                    as_.map_or("?".into(), |v| v.to_string())
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, I, N, R};
    use serde_json::json;

    fn red(active: &str, peer: &str, op: &str, sw: u64) -> serde_json::Value {
        json!({"record": "redundancy", "hardware_mode": "Duplex", "configured_mode": "sso",
            "operating_mode": op, "switchovers": sw,
            "active": {"location": active, "state": "ACTIVE"},
            "peer": {"location": "slot 6", "state": peer}})
    }

    #[test]
    fn standby_lost_is_a_regression_switchover_neutral() {
        let c = "show redundancy";
        assert_eq!(
            one(
                c,
                red("slot 7", "STANDBY HOT", "sso", 0),
                red("slot 7", "DISABLED", "rpr", 0)
            ),
            vec![
                (R, k("d/show redundancy/operating_mode")),
                (R, k("d/show redundancy/peer/state"))
            ]
        );
        assert_eq!(
            one(
                c,
                red("slot 7", "STANDBY COLD-BULK", "sso", 0),
                red("slot 6", "STANDBY HOT", "sso", 1)
            ),
            vec![
                (I, k("d/show redundancy/peer/state")),
                (N, k("d/show redundancy/active/switchover"))
            ]
        );
        let simplex = json!({"record": "redundancy", "hardware_mode": "Simplex",
            "configured_mode": "Non-redundant", "peer_unavailable_state": "DISABLED"});
        assert!(one(c, simplex.clone(), simplex).is_empty());
    }
}
