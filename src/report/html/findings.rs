//! The findings table of the sweep page: one row group per (severity, code), worst first
//! (critical before warning, then the codes on most devices), its header carrying the rule's
//! summary, the remediation and the guide it comes from; one row per finding below it.

use super::escape::{html, html_code};
use super::trend::Trend;
use super::Sweep;
use crate::health::{Finding, Severity};
use std::fmt::Write as _;

/// Rows shown per group; the rest are counted and the device table filters to all of them.
pub const MAX_GROUP_ROWS: usize = 200;

/// One group of the table.
#[derive(Debug)]
pub struct Group<'a> {
    pub severity: Severity,
    pub code: &'a str,
    /// (device index in the sweep, finding), in inventory order.
    pub rows: Vec<(usize, &'a Finding)>,
    pub devices: usize,
}

/// The findings of `sweep` grouped and ordered worst first: severity, then the number of
/// devices, then the code.
pub fn groups(sweep: &Sweep) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    for (i, d) in sweep.devices.iter().enumerate() {
        for f in &d.findings {
            match groups
                .iter_mut()
                .find(|g| g.severity == f.severity && g.code == f.code)
            {
                Some(g) => {
                    if g.rows.last().is_none_or(|(j, _)| *j != i) {
                        g.devices += 1;
                    }
                    g.rows.push((i, f));
                }
                None => groups.push(Group {
                    severity: f.severity,
                    code: &f.code,
                    rows: vec![(i, f)],
                    devices: 1,
                }),
            }
        }
    }
    groups.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.devices.cmp(&a.devices))
            .then(a.code.cmp(b.code))
    });
    groups
}

/// The guide a rule's `source` names, spelled out for a reader.
fn source_text(source: &str) -> String {
    if let Some(rest) = source.strip_prefix("004 ") {
        format!("Cisco, “Most common IPsec VPN problems”: {rest}")
    } else if let Some(rest) = source.strip_prefix("000 ") {
        format!("Cisco, “WAAS – MAPI AO troubleshooting”: {rest}")
    } else if source == "fleetpoll" {
        "fleetpoll (about the poll itself)".to_string()
    } else {
        source.to_string()
    }
}

pub fn render(s: &mut String, sweep: &Sweep, trend: Option<&Trend>) {
    let groups = groups(sweep);
    let total: usize = groups.iter().map(|g| g.rows.len()).sum();
    let on = sweep
        .devices
        .iter()
        .filter(|d| !d.findings.is_empty())
        .count();
    s.push_str("<section id=\"findings\" aria-labelledby=\"findings-h\">\n");
    let _ = writeln!(
        s,
        "<h2 id=\"findings-h\">Findings ({total} on {on} device{})</h2>",
        if on == 1 { "" } else { "s" }
    );
    if groups.is_empty() {
        s.push_str("<p>No findings: every polled device is healthy.</p>\n</section>\n");
        return;
    }
    let count = |sev: Severity| {
        groups
            .iter()
            .filter(|g| g.severity == sev)
            .map(|g| g.rows.len())
            .sum::<usize>()
    };
    let _ = writeln!(
        s,
        "<div class=\"scroll\"><table class=\"findings\"><caption>Findings, worst first: {} critical, {} warning{}. Each code's remediation is in its heading row.</caption>",
        count(Severity::Critical),
        count(Severity::Warning),
        match count(Severity::Info) {
            0 => String::new(),
            n => format!(", {n} info"),
        }
    );
    s.push_str(
        "<thead><tr><th scope=\"col\">Device</th><th scope=\"col\">Code</th><th scope=\"col\">Message</th>\
<th scope=\"col\">Evidence</th><th scope=\"col\">Command</th></tr></thead>\n",
    );
    for g in &groups {
        let rule = crate::health::RULES.iter().find(|r| r.code == g.code);
        let sev = g.severity.id();
        let _ = write!(
            s,
            "<tbody class=\"fgroup sev-{sev}\" data-code=\"{code}\"><tr class=\"ghead\"><th scope=\"rowgroup\" colspan=\"5\">\
<span class=\"badge sev-{sev}\">{sev}</span> <code class=\"fcode\">{code}</code> on {n} device{pl}",
            code = html(g.code),
            n = g.devices,
            pl = if g.devices == 1 { "" } else { "s" },
        );
        if let Some(r) = rule {
            let _ = write!(s, ": {}", html_code(r.summary));
        }
        // The remediation is the rule's; a finding may carry a more specific one.
        let fix = g
            .rows
            .first()
            .map(|(_, f)| f.remediation.as_str())
            .filter(|x| !x.is_empty())
            .or(rule.map(|r| r.remediation))
            .unwrap_or("");
        let _ = write!(
            s,
            " <button type=\"button\" class=\"show-code\" data-code=\"{}\">List these devices</button>",
            html(g.code)
        );
        let _ = write!(
            s,
            "<p class=\"fix\"><strong>Remediation:</strong> {}</p>",
            html_code(fix)
        );
        if let Some(r) = rule {
            let _ = write!(
                s,
                "<p class=\"src\">Source: {}</p>",
                html(&source_text(r.source))
            );
        }
        s.push_str("</th></tr>\n");
        for (i, f) in g.rows.iter().take(MAX_GROUP_ROWS) {
            let d = &sweep.devices[*i];
            let new = trend.is_some_and(|t| t.is_new(&d.device, &f.code));
            let _ = write!(
                s,
                "<tr><th scope=\"row\">{}{}</th><td><code>{}</code></td><td>{}</td><td class=\"ev\">{}</td><td>",
                html(&d.device),
                if new {
                    " <span class=\"badge new\">new</span>"
                } else {
                    ""
                },
                html(&f.code),
                html_code(&f.message),
                html_code(&f.evidence),
            );
            if let Some(c) = &f.command {
                let _ = write!(s, "<code>{}</code>", html(c));
            }
            // A remediation of its own (not the group's) is shown on its row.
            if !f.remediation.is_empty() && f.remediation != fix {
                let _ = write!(
                    s,
                    "<p class=\"fix\"><strong>Remediation:</strong> {}</p>",
                    html_code(&f.remediation)
                );
            }
            s.push_str("</td></tr>\n");
        }
        if g.rows.len() > MAX_GROUP_ROWS {
            let _ = writeln!(
                s,
                "<tr class=\"more\"><td colspan=\"5\">… and {} more {} findings, not listed here: “List these devices” above shows every device with it, and <code>--findings FILE</code> lists them all.</td></tr>",
                g.rows.len() - MAX_GROUP_ROWS,
                html(g.code)
            );
        }
        s.push_str("</tbody>\n");
    }
    s.push_str("</table></div>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::DeviceRow;

    fn finding(code: &str, severity: Severity) -> Finding {
        Finding {
            subject: String::new(),
            standing: None,
            code: code.into(),
            severity,
            message: format!("{code} seen"),
            evidence: String::new(),
            remediation: String::new(),
            command: None,
        }
    }

    fn dev(name: &str, findings: Vec<Finding>) -> DeviceRow {
        let mut r = DeviceRow::from_report(&crate::outcome::DeviceReport::sample(name));
        r.findings = findings;
        r
    }

    #[test]
    fn groups_are_worst_first_then_by_devices_then_code_with_rows_in_inventory_order() {
        use Severity::*;
        let sweep = Sweep {
            run: None,
            columns: vec![],
            devices: vec![
                dev(
                    "a",
                    vec![
                        finding("NTP_UNSYNCED", Warning),
                        finding("IPSEC_ONE_WAY", Critical),
                    ],
                ),
                dev(
                    "b",
                    vec![
                        finding("EMAPI_VERIFY_FAILED", Warning),
                        finding("EMAPI_VERIFY_FAILED", Warning),
                        finding("NTP_UNSYNCED", Warning),
                    ],
                ),
                dev(
                    "c",
                    vec![
                        finding("IKE_PSK_MISMATCH", Critical),
                        finding("IPSEC_ONE_WAY", Critical),
                    ],
                ),
                dev(
                    "d",
                    vec![
                        finding("CERT_EXPIRING", Info),
                        finding("NTP_UNSYNCED", Critical),
                    ],
                ),
            ],
        };
        let g = groups(&sweep);
        let order: Vec<(Severity, &str, usize, usize)> = g
            .iter()
            .map(|g| (g.severity, g.code, g.devices, g.rows.len()))
            .collect();
        assert_eq!(
            order,
            [
                (Critical, "IPSEC_ONE_WAY", 2, 2),
                (Critical, "IKE_PSK_MISMATCH", 1, 1),
                (Critical, "NTP_UNSYNCED", 1, 1),
                (Warning, "NTP_UNSYNCED", 2, 2),
                (Warning, "EMAPI_VERIFY_FAILED", 1, 2),
                (Info, "CERT_EXPIRING", 1, 1),
            ]
        );
        let rows: Vec<usize> = g[0].rows.iter().map(|(i, _)| *i).collect();
        assert_eq!(rows, [0, 2]);
        let mut s = String::new();
        render(&mut s, &sweep, None);
        // The page shows the groups in that order, each rule's remediation in its heading.
        let at = |code: &str, sev: &str| {
            s.find(&format!(
                "<tbody class=\"fgroup sev-{sev}\" data-code=\"{code}\">"
            ))
            .unwrap_or_else(|| panic!("{code}"))
        };
        assert!(at("IPSEC_ONE_WAY", "critical") < at("IKE_PSK_MISMATCH", "critical"));
        assert!(at("NTP_UNSYNCED", "critical") < at("NTP_UNSYNCED", "warning"));
        assert!(at("EMAPI_VERIFY_FAILED", "warning") < at("CERT_EXPIRING", "info"));
        let rule = crate::health::RULES
            .iter()
            .find(|r| r.code == "IPSEC_ONE_WAY")
            .unwrap();
        assert!(s.contains(&format!(
            "<strong>Remediation:</strong> {}</p>",
            crate::report::html::escape::html_code(rule.remediation)
        )));
        assert!(s.contains("Source: Cisco, “Most common IPsec VPN problems”"));
        assert!(s.contains("Findings, worst first: 4 critical, 4 warning, 1 info."));
    }
}
