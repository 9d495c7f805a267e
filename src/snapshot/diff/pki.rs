//! Certificates (`show crypto pki certificates`, `show crypto ca certificates`) in a snapshot
//! diff, matched by kind, subject and trustpoints (a renewal keeps them, not the serial): a
//! later end date is an improvement, an earlier one or a new serial neutral, `Available` lost
//! a regression, a certificate added or removed neutral.

use super::{Compare, Cx, Severity};
use crate::parse::pki::{Certificate, Certificates};

fn key(c: &Certificate) -> String {
    let mut k = format!("cert {} {}", c.kind, c.subject.label());
    if !c.trustpoints.is_empty() {
        k.push_str(&format!(" [{}]", c.trustpoints.join(" ")));
    }
    k
}

fn available(c: &Certificate) -> bool {
    c.status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("available"))
}

impl Compare for Certificates {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        let find = |list: &'_ [Certificate], k: &str| -> Option<usize> {
            list.iter().position(|c| key(c) == k)
        };
        for bc in &b.certificates {
            let k = key(bc);
            let Some(ac) = find(&a.certificates, &k).and_then(|i| a.certificates.get(i)) else {
                cx.out.push(
                    Severity::Neutral,
                    Some(k),
                    "presence",
                    Some("present".into()),
                    Some("absent".into()),
                    "certificate no longer listed".into(),
                );
                continue;
            };
            let st = |c: &Certificate| c.status.clone().unwrap_or_else(|| "-".into());
            cx.out.state(
                Some(k.clone()),
                "status",
                "certificate status",
                (available(bc), st(bc)),
                (available(ac), st(ac)),
            );
            if let (Some(be), Some(ae)) = (&bc.end, &ac.end) {
                if be.text != ae.text {
                    let later = match (be.utc, ae.utc) {
                        (Some(x), Some(y)) => y > x,
                        _ => ae.local > be.local,
                    };
                    cx.out.push(
                        if later {
                            Severity::Improvement
                        } else {
                            Severity::Neutral
                        },
                        Some(k.clone()),
                        "end_date",
                        Some(be.text.clone()),
                        Some(ae.text.clone()),
                        format!("certificate end date {} -> {}", be.text, ae.text),
                    );
                }
            }
            if bc.serial != ac.serial {
                cx.out.push(
                    Severity::Neutral,
                    Some(k),
                    "serial",
                    bc.serial.clone(),
                    ac.serial.clone(),
                    "certificate re-issued (new serial number)".into(),
                );
            }
        }
        for ac in &a.certificates {
            let k = key(ac);
            if find(&b.certificates, &k).is_none() {
                cx.out.push(
                    Severity::Neutral,
                    Some(k),
                    "presence",
                    Some("absent".into()),
                    Some("present".into()),
                    "certificate newly listed".into(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, I, N, R};
    use serde_json::json;

    fn certs(end: &str, status: &str, serial: &str) -> serde_json::Value {
        let r = crate::parse::pki::parse_certificates(&format!(
            "Certificate\n  Status: {status}\n  Certificate Serial Number (hex): {serial}\n  Subject:\n    cn=r1\n  Validity Date:\n    start date: 00:00:00 UTC Jan 1 2024\n    end   date: {end}\n  Associated Trustpoints: TP\n"
        ))
        .unwrap();
        let mut v = serde_json::to_value(crate::parse::Record::from(r)).unwrap();
        v["record"] = json!("certificates");
        v
    }

    #[test]
    fn renewal_is_an_improvement_and_losing_available_a_regression() {
        let c = "show crypto pki certificates";
        let s = "d/show crypto pki certificates/cert Certificate cn=r1 [TP]";
        assert_eq!(
            one(
                c,
                certs("00:00:00 UTC Jan 1 2025", "Available", "01"),
                certs("00:00:00 UTC Jan 1 2026", "Available", "02")
            ),
            vec![
                (I, k(&format!("{s}/end_date"))),
                (N, k(&format!("{s}/serial")))
            ]
        );
        assert_eq!(
            one(
                c,
                certs("00:00:00 UTC Jan 1 2025", "Available", "01"),
                certs("00:00:00 UTC Jan 1 2025", "Pending", "01")
            ),
            vec![(R, k(&format!("{s}/status")))]
        );
    }
}
