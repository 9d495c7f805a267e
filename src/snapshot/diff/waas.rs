//! WAAS records: accelerator and service states, the MAPI AO, the MAPI / EPM dropped-
//! connection rate, licenses, the CMS secure store and the eMAPI encryption-settings check.

use super::{yes_no, Compare, Cx, DiffOptions, Out, Severity, Times, MIN_RATE_INTERVAL_SECS};
use crate::parse::waas;
use std::collections::BTreeMap;

fn oper(s: &waas::OperState) -> (bool, String) {
    (*s == waas::OperState::Running, s.to_string())
}

fn licensed(out: &mut Out, what: &str, subject: Option<String>, b: Option<bool>, a: Option<bool>) {
    if let (Some(b), Some(a)) = (b, a) {
        out.state(
            subject,
            "licensed",
            &format!("{what} licensed"),
            (b, yes_no(b)),
            (a, yes_no(a)),
        );
    }
}

pub(super) fn ao_rows(out: &mut Out, kind: &str, b: &[waas::AoRow], a: &[waas::AoRow]) {
    let find = |rows: &[waas::AoRow], n: &str| {
        rows.iter()
            .find(|r| r.name.eq_ignore_ascii_case(n))
            .cloned()
    };
    for br in b {
        let subject = Some(format!("{kind} {}", br.name));
        let Some(ar) = find(a, &br.name) else {
            let running = br.oper_state == waas::OperState::Running;
            out.push(
                if running {
                    Severity::Regression
                } else {
                    Severity::Neutral
                },
                subject,
                "presence",
                Some(br.oper_state.to_string()),
                Some("absent".into()),
                format!("{kind} {} no longer listed", br.name),
            );
            continue;
        };
        out.state(
            subject.clone(),
            "oper_state",
            &format!("{kind} {} operational state", br.name),
            oper(&br.oper_state),
            oper(&ar.oper_state),
        );
        licensed(
            out,
            &format!("{kind} {}", br.name),
            subject.clone(),
            br.licensed,
            ar.licensed,
        );
        if br.config_state != ar.config_state {
            out.push(
                Severity::Neutral,
                subject,
                "config_state",
                Some(br.config_state.to_string()),
                Some(ar.config_state.to_string()),
                format!("{kind} {} config state changed", br.name),
            );
        }
    }
    for ar in a {
        if find(b, &ar.name).is_none() {
            out.push(
                Severity::Neutral,
                Some(format!("{kind} {}", ar.name)),
                "presence",
                Some("absent".into()),
                Some(ar.oper_state.to_string()),
                format!("{kind} {} newly listed", ar.name),
            );
        }
    }
}

pub(super) fn mapi_accelerator(
    out: &mut Out,
    b: &waas::MapiAccelerator,
    a: &waas::MapiAccelerator,
) {
    out.state(
        None,
        "oper_state",
        "MAPI AO operational state",
        oper(&b.oper_state),
        oper(&a.oper_state),
    );
    licensed(out, "MAPI AO", None, b.licensed, a.licensed);
    if b.config_state != a.config_state {
        out.push(
            Severity::Neutral,
            None,
            "config_state",
            Some(b.config_state.to_string()),
            Some(a.config_state.to_string()),
            "MAPI AO config state changed".into(),
        );
    }
    let reg = |r: &Option<waas::RegistrationState>| {
        (
            *r == Some(waas::RegistrationState::Registered),
            r.as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "unknown".into()),
        )
    };
    out.state(
        None,
        "registration",
        "MAPI AO policy-engine registration",
        reg(&b.registration),
        reg(&a.registration),
    );
}

pub(super) fn drop_rate(
    out: &mut Out,
    ao: &str,
    b: &waas::AoGlobal,
    a: &waas::AoGlobal,
    (tb, ta): Times,
    opts: &DiffOptions,
) {
    let (Some(bd), Some(ad)) = (b.total_dropped, a.total_dropped) else {
        return;
    };
    let changed = |x: &Option<String>, y: &Option<String>| x.is_some() && y.is_some() && x != y;
    if ad < bd || changed(&b.started, &a.started) || changed(&b.last_reset, &a.last_reset) {
        out.push(
            Severity::Neutral,
            None,
            "counter_reset",
            Some(format!("dropped {bd}, last reset {}", b.last_reset.as_deref().or(b.started.as_deref()).unwrap_or("?"))),
            Some(format!("dropped {ad}, last reset {}", a.last_reset.as_deref().or(a.started.as_deref()).unwrap_or("?"))),
            format!("{ao} statistics were reset between the snapshots (AO restarted or counters cleared): dropped-connection rate not computed"),
        );
        return;
    }
    let (Some(tb), Some(ta)) = (tb, ta) else {
        return;
    };
    let secs = (ta - tb).num_milliseconds() as f64 / 1000.0;
    let delta = ad - bd;
    if secs <= 0.0 || delta == 0 {
        return;
    }
    let hours = secs.max(MIN_RATE_INTERVAL_SECS) / 3600.0;
    let rate = delta as f64 / hours;
    if rate > opts.max_drop_rate_per_hour {
        out.push(
            Severity::Regression,
            None,
            "dropped_per_hour",
            Some(bd.to_string()),
            Some(ad.to_string()),
            format!(
                "{ao} dropped connections grew by {delta} in {:.2} h: {rate:.1}/h, above {}/h",
                secs / 3600.0,
                opts.max_drop_rate_per_hour
            ),
        );
    }
}

pub(super) fn licenses(out: &mut Out, b: &waas::License, a: &waas::License) {
    let active = |s: &waas::LicenseStatus| (*s == waas::LicenseStatus::Active, s.to_string());
    for bl in &b.licenses {
        let subject = Some(format!("license {}", bl.name));
        match a
            .licenses
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(&bl.name))
        {
            Some(al) => out.state(
                subject,
                "status",
                &format!("license {}", bl.name),
                active(&bl.status),
                active(&al.status),
            ),
            None => out.push(
                if active(&bl.status).0 {
                    Severity::Regression
                } else {
                    Severity::Neutral
                },
                subject,
                "presence",
                Some(bl.status.to_string()),
                Some("absent".into()),
                format!("license {} no longer listed", bl.name),
            ),
        }
    }
}

pub(super) fn cms(out: &mut Out, b: &waas::CmsSecureStore, a: &waas::CmsSecureStore) {
    let l = |v: Option<bool>| {
        (
            v == Some(true),
            v.map(yes_no).unwrap_or_else(|| "unknown".into()),
        )
    };
    out.state(
        None,
        "initialized",
        "CMS secure store initialized",
        l(b.initialized),
        l(a.initialized),
    );
    out.state(None, "open", "CMS secure store open", l(b.open), l(a.open));
}

pub(super) fn verify(
    out: &mut Out,
    b: &waas::MapiEncryptionVerify,
    a: &waas::MapiEncryptionVerify,
) {
    let role = |g: &waas::VerifyGroup| {
        g.role
            .as_ref()
            .map(|r| r.to_string().to_ascii_lowercase())
            .unwrap_or_else(|| "-".into())
    };
    let comps = |v: &waas::MapiEncryptionVerify| {
        let mut m: BTreeMap<String, Option<waas::VerifyStatus>> = BTreeMap::new();
        for g in &v.groups {
            for c in &g.components {
                m.insert(format!("{} {}", role(g), c.name), c.status.clone());
            }
        }
        m
    };
    let (bm, am) = (comps(b), comps(a));
    let st = |s: &Option<waas::VerifyStatus>| {
        (
            *s == Some(waas::VerifyStatus::Ok),
            s.as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "unknown".into()),
        )
    };
    for (name, bs) in &bm {
        if let Some(as_) = am.get(name) {
            if bs.is_some() && as_.is_some() {
                out.state(
                    Some(name.clone()),
                    "status",
                    &format!("eMAPI check `{name}`"),
                    st(bs),
                    st(as_),
                );
            }
        }
    }
}

// ---- the families compared here ----------------------------------------------------------------

impl Compare for waas::Accelerators {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        ao_rows(cx.out, "ao", &b.accelerators, &a.accelerators);
        ao_rows(cx.out, "service", &b.services, &a.services);
    }
}

impl Compare for waas::MapiAccelerator {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        mapi_accelerator(cx.out, b, a)
    }
}

impl Compare for waas::MapiStats {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        drop_rate(cx.out, "MAPI", &b.global, &a.global, cx.times, cx.opts)
    }
}

impl Compare for waas::EpmStats {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        drop_rate(cx.out, "EPM", &b.global, &a.global, cx.times, cx.opts)
    }
}

impl Compare for waas::License {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        licenses(cx.out, b, a)
    }
}

impl Compare for waas::CmsSecureStore {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        cms(cx.out, b, a)
    }
}

impl Compare for waas::MapiEncryptionVerify {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        verify(cx.out, b, a)
    }
}

impl Compare for waas::OptimizedConnections {
    /// A table of live connections: which ones exist changes by the second, so a row that
    /// is gone after the change says nothing about the change.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{dev, k, one, one_at, rec, snap, I, N, R};
    use crate::snapshot::diff::{diff, DiffOptions};
    use serde_json::json;

    #[test]
    fn accelerator_rules() {
        let row = |n: &str, lic: bool, cfg: &str, op: &str| json!({"name": n, "licensed": lic, "config_state": cfg, "oper_state": op});
        let acc = |rows: Vec<serde_json::Value>| json!({"record": "accelerators", "accelerators": rows, "services": []});
        let b = acc(vec![
            row("mapi", true, "Enabled", "Running"),
            row("epm", true, "Enabled", "Shutdown"),
            row("http", true, "Enabled", "Running"),
            row("cifs", true, "Enabled", "Running"),
            row("video", true, "Enabled", "Running"),
        ]);
        let a = acc(vec![
            row("mapi", false, "Enabled", "Shutdown"),
            row("epm", true, "Enabled", "Running"),
            row("http", true, "Disabled", "Running"),
            row("ssl", true, "Enabled", "Running"),
            row("video", true, "Enabled", "Running"),
        ]);
        let c = "show accelerator";
        assert_eq!(
            one(c, b, a),
            vec![
                (R, k("d/show accelerator/ao mapi/oper_state")),
                (R, k("d/show accelerator/ao mapi/licensed")),
                (I, k("d/show accelerator/ao epm/oper_state")),
                (N, k("d/show accelerator/ao http/config_state")),
                (R, k("d/show accelerator/ao cifs/presence")),
                (N, k("d/show accelerator/ao ssl/presence")),
            ]
        );
        let m = |op: &str, reg: &str| json!({"record": "mapi_accelerator", "licensed": true, "config_state": "Enabled", "oper_state": op, "registration": reg});
        let c = "show accelerator mapi";
        assert_eq!(
            one(
                c,
                m("Running", "Registered"),
                m("Shutdown", "Not Registered")
            ),
            vec![
                (R, k("d/show accelerator mapi/oper_state")),
                (R, k("d/show accelerator mapi/registration"))
            ]
        );
        assert_eq!(
            one(
                c,
                m("Shutdown", "Not Registered"),
                m("Running", "Registered")
            ),
            vec![
                (I, k("d/show accelerator mapi/oper_state")),
                (I, k("d/show accelerator mapi/registration"))
            ]
        );
    }

    #[test]
    fn dropped_connections_are_compared_as_a_rate_only() {
        let st = |handled: u64, dropped: u64, reset: &str| {
            json!({"record": "mapi_stats", "started": "Thu Nov 24 08:53:13 2009", "last_reset": reset,
                   "total_handled": handled, "total_optimized": handled, "total_dropped": dropped,
                   "buffers": {}})
        };
        let c = "show statistics accelerator mapi";
        let x = "Thu Nov 24 08:53:13 2009";
        // Handled grows by a million, dropped by 5 in an hour: no change (5/h <= 10/h).
        assert_eq!(one(c, st(1, 100, x), st(1_000_001, 105, x)), vec![]);
        // 30 in an hour: regression.
        let big = one(c, st(1, 100, x), st(2, 130, x));
        assert_eq!(
            big,
            vec![(R, k("d/show statistics accelerator mapi/dropped_per_hour"))]
        );
        // 2 in 10 s counts over 15 min (8/h): no change; 3 in 10 s (12/h): regression.
        assert_eq!(one_at(c, st(1, 100, x), st(1, 102, x), 10), vec![]);
        assert_eq!(
            one_at(c, st(1, 100, x), st(1, 103, x), 10),
            vec![(R, k("d/show statistics accelerator mapi/dropped_per_hour"))]
        );
        // A counter that went down, or a new reset time: neutral reset, no rate.
        assert_eq!(
            one(c, st(1, 100, x), st(1, 0, x)),
            vec![(N, k("d/show statistics accelerator mapi/counter_reset"))]
        );
        assert_eq!(
            one(c, st(1, 100, x), st(1, 900, "Fri Nov 25 08:00:00 2009")),
            vec![(N, k("d/show statistics accelerator mapi/counter_reset"))]
        );
        // A higher threshold silences it.
        let b = snap(vec![dev(
            "d",
            true,
            0,
            vec![(c, "ok", Some(rec(st(1, 100, x))))],
        )]);
        let a = snap(vec![dev(
            "d",
            true,
            3600,
            vec![(c, "ok", Some(rec(st(2, 130, x))))],
        )]);
        let o = DiffOptions {
            max_drop_rate_per_hour: 50.0,
            ..DiffOptions::default()
        };
        assert!(diff(&b, &a, &o).unwrap().changes.is_empty());
    }
}
