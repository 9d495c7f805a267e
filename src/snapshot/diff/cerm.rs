//! CERM export limits (`show platform cerm-information`, ISR G2): a resource's availability
//! moving by `CERM_POINTS` of its maximum, or to / from 0, and changed maximums or state.

use super::{yes_no, Compare, Cx, Out, Severity, CERM_POINTS};
use crate::parse::cerm;

pub(super) fn cerm_limits(out: &mut Out, b: &cerm::Cerm, a: &cerm::Cerm) {
    if b.enabled != a.enabled {
        out.push(
            Severity::Neutral,
            None,
            "enabled",
            Some(yes_no(b.enabled)),
            Some(yes_no(a.enabled)),
            "CERM functionality changed (disabled: no export limit applies)".into(),
        );
    }
    let rows = [
        ("tx_kbps", b.tx_kbps, a.tx_kbps),
        ("rx_kbps", b.rx_kbps, a.rx_kbps),
        ("tunnels", b.tunnels, a.tunnels),
        ("tls_sessions", b.tls_sessions, a.tls_sessions),
    ];
    for (name, bl, al) in rows {
        let (Some(bl), Some(al)) = (bl, al) else {
            continue;
        };
        let label = |l: cerm::CermLimit| format!("{} of {}", l.available, l.maximum);
        if bl.maximum != al.maximum {
            out.push(
                Severity::Neutral,
                Some(name.into()),
                "maximum",
                Some(bl.maximum.to_string()),
                Some(al.maximum.to_string()),
                format!("CERM {name} limit changed (license?)"),
            );
            continue;
        }
        if bl.maximum == 0 || bl.available == al.available {
            continue;
        }
        let pct = |l: cerm::CermLimit| l.available as f64 * 100.0 / l.maximum as f64;
        let (pb, pa) = (pct(bl), pct(al));
        let sev = if (al.available == 0 && bl.available > 0) || pa <= pb - CERM_POINTS {
            Severity::Regression
        } else if (bl.available == 0 && al.available > 0) || pa >= pb + CERM_POINTS {
            Severity::Improvement
        } else {
            continue;
        };
        out.push(
            sev,
            Some(name.into()),
            "available",
            Some(label(bl)),
            Some(label(al)),
            format!("CERM {name} available {pb:.0}% -> {pa:.0}% of the maximum"),
        );
    }
}

// ---- the families compared here ----------------------------------------------------------------

impl Compare for cerm::Cerm {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        cerm_limits(cx.out, b, a)
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, I, N, R};
    use serde_json::json;

    #[test]
    fn cerm_availability_rules() {
        let lim = |m: u64, a: u64| json!({"maximum": m, "available": a});
        let cerm = |tx: u64, tun: u64, tls: u64, tlsmax: u64, en: bool| json!({"record": "cerm", "enabled": en, "tx_kbps": lim(85000, tx), "rx_kbps": lim(85000, 85000), "tunnels": lim(225, tun), "tls_sessions": lim(tlsmax, tls)});
        let c = "show platform cerm-information";
        // Tx to 0: regression; tunnels 225 → 204 (-9.3 points): no change; TLS max: neutral.
        assert_eq!(
            one(
                c,
                cerm(85000, 225, 1000, 1000, true),
                cerm(0, 204, 900, 2000, true)
            ),
            vec![
                (R, k("d/show platform cerm-information/tx_kbps/available")),
                (
                    N,
                    k("d/show platform cerm-information/tls_sessions/maximum")
                )
            ]
        );
        // Tunnels -10 points: regression; Tx back from 0: improvement; enabled change: neutral.
        assert_eq!(
            one(
                c,
                cerm(0, 225, 1000, 1000, true),
                cerm(40000, 202, 1000, 1000, false)
            ),
            vec![
                (N, k("d/show platform cerm-information/enabled")),
                (I, k("d/show platform cerm-information/tx_kbps/available")),
                (R, k("d/show platform cerm-information/tunnels/available")),
            ]
        );
    }
}
