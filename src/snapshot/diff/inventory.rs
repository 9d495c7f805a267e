//! `show inventory` and ASA `show license all` in a snapshot diff. A unit matched by name whose
//! PID or serial changed was replaced; units added or removed, a license feature or platform
//! license that changed: all neutral (worth seeing, not judged). Smart Licensing registration
//! or authorization lost is a regression, regained an improvement.

use super::{Compare, Cx, Out, Severity};
use crate::parse::asa_license::{AsaLicense, LicenseFeature};
use crate::parse::inventory::{Inventory, InventoryItem};
use std::collections::BTreeMap;

/// Units keyed by name, `name #2` for the second unit of the same name (in printed order).
fn keyed(items: &[InventoryItem]) -> Vec<(String, &InventoryItem)> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    items
        .iter()
        .map(|i| {
            let n = seen.entry(i.name.as_str()).or_default();
            *n += 1;
            let key = if *n == 1 {
                format!("unit {}", i.name)
            } else {
                format!("unit {} #{n}", i.name)
            };
            (key, i)
        })
        .collect()
}

fn show(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "(none)".into())
}

fn presence(out: &mut Out, subject: String, before: bool, what: String) {
    let (b, a) = if before {
        ("present", "absent")
    } else {
        ("absent", "present")
    };
    out.push(
        Severity::Neutral,
        Some(subject),
        "presence",
        Some(b.into()),
        Some(a.into()),
        what,
    );
}

impl Compare for Inventory {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        let (bk, ak) = (keyed(&b.items), keyed(&a.items));
        let after: BTreeMap<&str, &InventoryItem> =
            ak.iter().map(|(k, i)| (k.as_str(), *i)).collect();
        let before: BTreeMap<&str, &InventoryItem> =
            bk.iter().map(|(k, i)| (k.as_str(), *i)).collect();
        for (key, bi) in &bk {
            let Some(ai) = after.get(key.as_str()) else {
                let what = format!("{key} ({}) no longer listed", show(&bi.pid));
                presence(cx.out, key.clone(), true, what);
                continue;
            };
            for (field, bv, av, what) in [
                ("pid", &bi.pid, &ai.pid, "product id"),
                ("serial", &bi.sn, &ai.sn, "serial number"),
            ] {
                if bv != av {
                    cx.out.push(
                        Severity::Neutral,
                        Some(key.clone()),
                        field,
                        bv.clone(),
                        av.clone(),
                        format!(
                            "{key}: {what} {} -> {} (unit replaced?)",
                            show(bv),
                            show(av)
                        ),
                    );
                }
            }
        }
        for (key, ai) in &ak {
            if !before.contains_key(key.as_str()) {
                let what = format!("{key} ({}) newly listed", show(&ai.pid));
                presence(cx.out, key.clone(), false, what);
            }
        }
    }
}

fn features(out: &mut Out, prefix: &str, b: &[LicenseFeature], a: &[LicenseFeature]) {
    let label = |f: &LicenseFeature| match &f.duration {
        Some(d) => format!("{} ({d})", f.value),
        None => f.value.clone(),
    };
    let find = |l: &'_ [LicenseFeature], name: &str| {
        l.iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(label)
    };
    for f in b {
        let subject = format!("{prefix}{}", f.name);
        match find(a, &f.name) {
            Some(av) if av == label(f) => {}
            av => out.push(
                Severity::Neutral,
                Some(subject.clone()),
                "value",
                Some(label(f)),
                av.clone(),
                format!(
                    "license {subject}: {} -> {}",
                    label(f),
                    av.unwrap_or_else(|| "(not listed)".into())
                ),
            ),
        }
    }
    for f in a {
        if find(b, &f.name).is_none() {
            let subject = format!("{prefix}{}", f.name);
            out.push(
                Severity::Neutral,
                Some(subject.clone()),
                "value",
                None,
                Some(label(f)),
                format!("license {subject}: (not listed) -> {}", label(f)),
            );
        }
    }
}

impl Compare for AsaLicense {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        if b.platform_license != a.platform_license {
            cx.out.push(
                Severity::Neutral,
                None,
                "platform_license",
                b.platform_license.clone(),
                a.platform_license.clone(),
                format!(
                    "platform license {} -> {}",
                    show(&b.platform_license),
                    show(&a.platform_license)
                ),
            );
        }
        features(cx.out, "feature ", &b.features, &a.features);
        features(
            cx.out,
            "failover feature ",
            &b.failover_features,
            &a.failover_features,
        );
        if let (Some(bs), Some(as_)) = (&b.smart, &a.smart) {
            super::license::smart(cx.out, bs, as_);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, I, N, R};
    use serde_json::json;

    #[test]
    fn replaced_added_and_removed_units_are_neutral() {
        let unit = |name: &str, pid: &str, sn: &str| json!({"name": name, "descr": "", "pid": pid, "sn": sn});
        let inv = |items: Vec<serde_json::Value>| json!({"record": "inventory", "items": items});
        let c = "show inventory";
        assert_eq!(
            one(
                c,
                inv(vec![
                    unit("Chassis", "ISR4451-X/K9", "FGL1"),
                    unit("PSU 0", "PWR-A", "D1")
                ]),
                inv(vec![
                    unit("Chassis", "ISR4451-X/K9", "FGL1"),
                    unit("NIM 0/1", "NIM-4", "F2")
                ])
            ),
            vec![
                (N, k("d/show inventory/unit PSU 0/presence")),
                (N, k("d/show inventory/unit NIM 0/1/presence")),
            ]
        );
        assert_eq!(
            one(
                c,
                inv(vec![unit("Chassis", "A", "S1")]),
                inv(vec![unit("Chassis", "A", "S2")])
            ),
            vec![(N, k("d/show inventory/unit Chassis/serial"))]
        );
        let same = inv(vec![unit("x", "A", "S1"), unit("x", "A", "S2")]);
        assert!(one(c, same.clone(), same).is_empty());
    }

    #[test]
    fn license_features_and_smart_status() {
        let c = "show license all";
        let pak = |peers: &str| json!({"record": "asa_license", "platform_license": "ASA5525 VPN Premium", "features": [{"name": "AnyConnect Premium Peers", "value": peers, "duration": "perpetual"}]});
        assert_eq!(
            one(c, pak("2"), pak("250")),
            vec![(
                N,
                k("d/show license all/feature AnyConnect Premium Peers/value")
            )]
        );
        let smart = |reg: &str, auth: &str| json!({"record": "asa_license", "smart": {"registration_status": reg, "authorization": {"status": auth}, "entitlements": []}});
        assert_eq!(
            one(
                c,
                smart("REGISTERED", "AUTHORIZED"),
                smart("REGISTERED", "EVAL MODE")
            ),
            vec![(R, k("d/show license all/smart_authorization"))]
        );
        assert_eq!(
            one(
                c,
                smart("UNREGISTERED", "EVAL MODE"),
                smart("REGISTERED", "AUTHORIZED")
            ),
            vec![
                (I, k("d/show license all/smart_registration")),
                (I, k("d/show license all/smart_authorization"))
            ]
        );
    }
}
