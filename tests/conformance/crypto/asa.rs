//! ASA: `show vpn-sessiondb [summary]` (session and tunnel rows, totals) and `show asp drop`.

use super::*;
use fleetpoll::parse::asa::{AspDrop, VpnSessiondbSummary};
use serde_json::Value;

pub(super) fn vpn(c: &mut Cmp, r: &VpnSessiondbSummary, expected: Option<&Value>) {
    let Some(exp) = expected else {
        return;
    };
    if let Some(rows) = ntc_rows(expected) {
        let Some(row) = rows.first() else {
            return;
        };
        let list = |k: &str| -> Vec<Value> {
            row.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let names = list("vpn_session_name");
        c.count("session rows", r.sessions.len(), names.len());
        for (i, name) in names.iter().enumerate() {
            let s = r.sessions.get(i);
            let w = |f: &str| format!("session {} {f}", i + 1);
            c.s(&w("name"), s.map(|s| s.name.as_str()), Some(name));
            c.n(
                &w("active"),
                s.map(|s| s.active),
                list("vpn_session_active").get(i),
            );
            c.n(
                &w("cumulative"),
                s.and_then(|s| s.cumulative),
                list("vpn_session_cumulative").get(i),
            );
            c.n(
                &w("peak"),
                s.and_then(|s| s.peak_concurrent),
                list("vpn_session_peak_concurrent").get(i),
            );
            c.n(
                &w("inactive"),
                s.and_then(|s| s.inactive),
                list("vpn_session_inactive").get(i),
            );
        }
        let tnames = list("tunnels_summary_name");
        c.count("tunnel rows", r.tunnels.len(), tnames.len());
        for (i, name) in tnames.iter().enumerate() {
            let t = r.tunnels.get(i);
            let w = |f: &str| format!("tunnel {} {f}", i + 1);
            c.s(&w("name"), t.map(|t| t.name.as_str()), Some(name));
            c.n(
                &w("active"),
                t.map(|t| t.active),
                list("tunnels_summary_active").get(i),
            );
            c.n(
                &w("cumulative"),
                t.and_then(|t| t.cumulative),
                list("tunnels_summary_cumulative").get(i),
            );
            c.n(
                &w("peak"),
                t.and_then(|t| t.peak_concurrent),
                list("tunnels_summary_peak_concurrent").get(i),
            );
        }
        c.n(
            "total active+inactive",
            r.total_active_and_inactive,
            row.get("total_active_and_inactive"),
        );
        c.n(
            "total cumulative",
            r.total_cumulative,
            row.get("total_cumulative"),
        );
        c.n(
            "capacity",
            r.device_capacity,
            row.get("device_total_vpn_capacity"),
        );
        c.n(
            "load %",
            r.device_load_percent,
            row.get("device_load_percent"),
        );
        c.n(
            "tunnels total active",
            r.tunnels_total_active,
            row.get("totals_active"),
        );
        c.n(
            "tunnels total cumulative",
            r.tunnels_total_cumulative,
            row.get("totals_cumulative"),
        );
        return;
    }
    let Some(sum) = exp.get("summary") else {
        c.fail("unknown expected schema for vpn-sessiondb".into());
        return;
    };
    if let Some(vs) = sum.get("VPN Session") {
        let cats = vs.get("session").and_then(Value::as_object);
        let n_cats = cats.map_or(0, |o| o.len());
        let ours_cats: Vec<_> = r.sessions.iter().filter(|s| s.category.is_none()).collect();
        c.count("session categories", ours_cats.len(), n_cats);
        for (name, cat) in cats.into_iter().flatten() {
            let Some(o) = ours_cats.iter().find(|s| s.name == *name) else {
                c.fail(format!("no session category `{name}`"));
                continue;
            };
            row_cmp(
                c,
                name,
                o.active,
                o.cumulative,
                o.peak_concurrent,
                o.inactive,
                cat,
            );
            let types = cat.get("type").and_then(Value::as_object);
            let subs: Vec<_> = r
                .sessions
                .iter()
                .filter(|s| s.category.as_deref() == Some(name.as_str()))
                .collect();
            c.count(
                &format!("`{name}` sub-rows"),
                subs.len(),
                types.map_or(0, |t| t.len()),
            );
            for (tname, t) in types.into_iter().flatten() {
                let Some(o) = subs.iter().find(|s| s.name == *tname) else {
                    c.fail(format!("no sub-row `{tname}` under `{name}`"));
                    continue;
                };
                row_cmp(
                    c,
                    tname,
                    o.active,
                    o.cumulative,
                    o.peak_concurrent,
                    o.inactive,
                    t,
                );
            }
        }
        c.n(
            "total active+inactive",
            r.total_active_and_inactive,
            vs.get("total_active_and_inactive"),
        );
        c.n(
            "total cumulative",
            r.total_cumulative,
            vs.get("total_cumulative"),
        );
        c.n(
            "capacity",
            r.device_capacity,
            vs.get("device_total_vpn_capacity"),
        );
        if let Some(load) = vs.get("device_load").and_then(Value::as_f64) {
            c.compared += 1;
            let want = (load * 100.0).round() as u64;
            if r.device_load_percent != Some(want) {
                c.fail(format!(
                    "device load: ours {:?}%, expected {want}%",
                    r.device_load_percent
                ));
            }
        }
    }
    if let Some(ts) = sum.get("Tunnels") {
        let rows = ts.get("session").and_then(Value::as_object);
        c.count("tunnel rows", r.tunnels.len(), rows.map_or(0, |o| o.len()));
        for (name, t) in rows.into_iter().flatten() {
            let Some(o) = r.tunnels.iter().find(|x| x.name == *name) else {
                c.fail(format!("no tunnel row `{name}`"));
                continue;
            };
            row_cmp(c, name, o.active, o.cumulative, o.peak_concurrent, None, t);
        }
        let totals = ts.get("totals");
        c.n(
            "tunnels total active",
            r.tunnels_total_active,
            totals.and_then(|t| t.get("active")),
        );
        c.n(
            "tunnels total cumulative",
            r.tunnels_total_cumulative,
            totals.and_then(|t| t.get("cumulative")),
        );
    }
}

pub(super) fn row_cmp(
    c: &mut Cmp,
    name: &str,
    active: u64,
    cumulative: Option<u64>,
    peak: Option<u64>,
    inactive: Option<u64>,
    t: &Value,
) {
    c.n(&format!("`{name}` active"), Some(active), t.get("active"));
    c.n(
        &format!("`{name}` cumulative"),
        cumulative,
        t.get("cumulative"),
    );
    c.n(&format!("`{name}` peak"), peak, t.get("peak_concurrent"));
    c.n(&format!("`{name}` inactive"), inactive, t.get("inactive"));
}

pub(super) fn asp(c: &mut Cmp, r: &AspDrop, expected: Option<&Value>) {
    let Some(exp) = expected else {
        return;
    };
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    if let Some(rows) = ntc_rows(expected) {
        let Some(row) = rows.first().and_then(Value::as_object) else {
            return;
        };
        // Every counter the template captured must be ours, with the same value.
        for (k, v) in row {
            if k == "last_cleared" || k == "flow_last_cleared" {
                continue;
            }
            let Some(want) = number(v) else {
                continue;
            };
            let (map, key) = match k.strip_prefix("flow_drop_") {
                Some(rest) => (&r.flow_drops, rest),
                None => (&r.frame_drops, k.as_str()),
            };
            // Long ids are cut on the device (`np-socket-lock-failu`).
            let ours = map
                .iter()
                .find(|(id, _)| norm(id) == key)
                .or_else(|| {
                    map.iter()
                        .find(|(id, _)| id.len() >= 12 && key.starts_with(&norm(id)))
                })
                .map(|(_, v)| *v);
            c.n(k, ours, Some(&Value::from(want)));
        }
        // And every counter of ours that the template knows must be captured there.
        for (sec, map) in [("", &r.frame_drops), ("flow_drop_", &r.flow_drops)] {
            for (id, v) in map {
                let key = format!("{sec}{}", norm(id));
                if let Some(t) = row.get(&key) {
                    c.n(&key, Some(*v), Some(t));
                }
            }
        }
        c.s(
            "last clearing",
            r.frame_last_clearing.as_deref(),
            row.get("last_cleared"),
        );
        c.s(
            "flow last clearing",
            r.flow_last_clearing.as_deref(),
            row.get("flow_last_cleared"),
        );
        return;
    }
    for (sec, ours, last) in [
        ("frame_drop", &r.frame_drops, &r.frame_last_clearing),
        ("flow_drop", &r.flow_drops, &r.flow_last_clearing),
    ] {
        let Some(theirs) = exp.get(sec).and_then(Value::as_object) else {
            continue;
        };
        let counters: Vec<_> = theirs
            .iter()
            .filter(|(k, _)| *k != "last_clearing")
            .collect();
        c.count(&format!("{sec} counters"), ours.len(), counters.len());
        for (k, v) in counters {
            c.n(
                &format!("{sec} {k}"),
                ours.get(k.as_str()).copied(),
                Some(v),
            );
        }
        c.s(
            &format!("{sec} last clearing"),
            last.as_deref(),
            theirs.get("last_clearing"),
        );
    }
}
