//! Licences in a snapshot diff: the Smart Licensing status both the ASA and IOS-XE print
//! (registration / authorization lost is a regression, an entitlement falling out of
//! compliance too, the set of entitlements changing is neutral), and IOS classic licence
//! features (a feature in use that is no longer in use, or gone, is a regression; a changed
//! licence type, e.g. an evaluation made permanent, is neutral).

use super::{Compare, Cx, Out, Severity};
use crate::parse::ios_license::{IosLicense, IosLicenseFeature};
use crate::parse::smart_license::{SmartEntitlement, SmartLicensing};
use std::collections::BTreeMap;

fn show(v: Option<&str>) -> String {
    v.unwrap_or("(none)").to_string()
}

/// An entitlement status a device may run on: not out of compliance, not evaluation, not
/// expired or unauthorized.
fn entitlement_ok(status: &str) -> bool {
    let s = status.to_ascii_uppercase();
    ![
        "COMPLIANCE",
        "EVAL",
        "EXPIRED",
        "INVALID",
        "NOT AUTHORIZED",
        "FAILED",
    ]
    .iter()
    .any(|bad| s.contains(bad))
}

fn entitlement_key(e: &SmartEntitlement) -> String {
    match &e.name {
        Some(n) if n != &e.tag => format!("entitlement {n} ({})", e.tag),
        _ => format!("entitlement {}", e.tag),
    }
}

/// The Smart Licensing part of two licence records.
pub(super) fn smart(out: &mut Out, b: &SmartLicensing, a: &SmartLicensing) {
    let reg = |s: &Option<String>| {
        let l = show(s.as_deref());
        (l.eq_ignore_ascii_case("REGISTERED"), l)
    };
    out.state(
        None,
        "smart_registration",
        "Smart Licensing registration",
        reg(&b.registration_status),
        reg(&a.registration_status),
    );
    let auth = |s: &SmartLicensing| {
        let l = show(s.authorization_status());
        (l.eq_ignore_ascii_case("AUTHORIZED"), l)
    };
    out.state(
        None,
        "smart_authorization",
        "Smart Licensing authorization",
        auth(b),
        auth(a),
    );
    let tags = |s: &SmartLicensing| {
        s.entitlements
            .iter()
            .map(|e| e.tag.clone())
            .collect::<Vec<_>>()
            .join(";")
    };
    let (bt, at) = (tags(b), tags(a));
    if bt != at {
        out.push(
            Severity::Neutral,
            None,
            "smart_entitlements",
            Some(bt.clone()),
            Some(at.clone()),
            format!("Smart Licensing entitlements {bt} -> {at}"),
        );
    }
    let after: BTreeMap<String, &SmartEntitlement> = a
        .entitlements
        .iter()
        .map(|e| (entitlement_key(e), e))
        .collect();
    for e in &b.entitlements {
        let key = entitlement_key(e);
        let (Some(bs), Some(as_)) = (&e.status, after.get(&key).and_then(|x| x.status.as_ref()))
        else {
            continue;
        };
        out.state(
            Some(key.clone()),
            "status",
            &key,
            (entitlement_ok(bs), bs.clone()),
            (entitlement_ok(as_), as_.clone()),
        );
    }
}

/// Classic features keyed `feature NAME` (`feature NAME (STORE)` from `show license all`).
fn features(l: &IosLicense) -> BTreeMap<String, &IosLicenseFeature> {
    l.features
        .iter()
        .map(|f| {
            let key = match &f.store {
                Some(s) => format!("feature {} ({s})", f.feature),
                None => format!("feature {}", f.feature),
            };
            (key, f)
        })
        .collect()
}

fn state_label(f: &IosLicenseFeature) -> (bool, String) {
    (f.in_use(), show(f.state.as_deref()))
}

impl Compare for IosLicense {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        let (bf, af) = (features(b), features(a));
        for (key, f) in &bf {
            let Some(g) = af.get(key) else {
                let sev = if f.in_use() {
                    Severity::Regression
                } else {
                    Severity::Neutral
                };
                cx.out.push(
                    sev,
                    Some(key.clone()),
                    "presence",
                    Some(show(f.state.as_deref())),
                    Some("absent".into()),
                    format!("licence {key} no longer listed"),
                );
                continue;
            };
            cx.out.state(
                Some(key.clone()),
                "state",
                &format!("licence {key}"),
                state_label(f),
                state_label(g),
            );
            if f.license_type != g.license_type {
                cx.out.push(
                    Severity::Neutral,
                    Some(key.clone()),
                    "license_type",
                    f.license_type.clone(),
                    g.license_type.clone(),
                    format!(
                        "licence {key}: type {} -> {}",
                        show(f.license_type.as_deref()),
                        show(g.license_type.as_deref())
                    ),
                );
            }
        }
        for (key, g) in &af {
            if !bf.contains_key(key) {
                cx.out.push(
                    Severity::Neutral,
                    Some(key.clone()),
                    "presence",
                    Some("absent".into()),
                    Some(show(g.state.as_deref())),
                    format!("licence {key} newly listed"),
                );
            }
        }
        if let (Some(bs), Some(as_)) = (&b.smart, &a.smart) {
            smart(cx.out, bs, as_);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, I, N, R};
    use serde_json::json;

    fn classic(state: &str, ty: &str) -> serde_json::Value {
        json!({"record": "ios_license", "features": [
            {"index": 1, "feature": "ipbasek9", "state": "Active, In Use", "license_type": "Permanent"},
            {"index": 2, "feature": "securityk9", "state": state, "license_type": ty},
        ]})
    }

    #[test]
    fn classic_feature_out_of_use_is_a_regression_type_change_neutral() {
        let c = "show license";
        let p = "d/show license/feature securityk9";
        assert_eq!(
            one(
                c,
                classic("Active, In Use", "EvalRightToUse"),
                classic("Active, Not in Use", "EvalRightToUse")
            ),
            vec![(R, k(&format!("{p}/state")))]
        );
        assert_eq!(
            one(
                c,
                classic("Active, In Use", "EvalRightToUse"),
                classic("Active, In Use", "Permanent")
            ),
            vec![(N, k(&format!("{p}/license_type")))]
        );
        assert_eq!(
            one(
                c,
                classic("Active, Not in Use", "EvalRightToUse"),
                classic("Active, In Use", "EvalRightToUse")
            ),
            vec![(I, k(&format!("{p}/state")))]
        );
        let gone = json!({"record": "ios_license", "features": [
            {"index": 1, "feature": "ipbasek9", "state": "Active, In Use", "license_type": "Permanent"}]});
        assert_eq!(
            one(c, classic("Active, In Use", "Permanent"), gone),
            vec![(R, k(&format!("{p}/presence")))]
        );
    }

    #[test]
    fn entitlement_out_of_compliance_is_a_regression() {
        let c = "show license summary";
        let s = |st: &str| {
            json!({"record": "ios_license", "smart": {"entitlements": [
            {"name": "hseck9", "tag": "DNA_HSEC", "count": 1, "status": st}]}})
        };
        assert_eq!(
            one(c, s("AUTHORIZED"), s("OUT OF COMPLIANCE")),
            vec![(
                R,
                k("d/show license summary/entitlement hseck9 (DNA_HSEC)/status")
            )]
        );
        assert!(one(c, s("IN USE"), s("IN USE")).is_empty());
    }
}
