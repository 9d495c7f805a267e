//! The sweep page: a header with the run and the counts by health, the trend (when given),
//! the site × platform matrix, the findings worst first with their remediation, the device
//! table (drawn by the page's script from the data block, so 5,000 devices stay small and
//! filter fast) and the devices that could not be polled.

use super::escape::{html, json_for_script};
use super::trend::{render_section, Trend};
use super::{devices, findings, health_label, matrix, page, Sweep, HEALTH_ORDER};
use crate::health::Health;
use std::fmt::Write as _;

/// The whole page for `sweep`, with `trend` drawn when given (a run history fills it).
pub fn render(sweep: &Sweep, trend: Option<&Trend>) -> serde_json::Result<String> {
    let mut body = String::with_capacity(64 * 1024 + sweep.devices.len() * 256);
    header(&mut body, sweep);
    body.push_str("<main>\n");
    if let Some(t) = trend {
        body.push_str(&render_section(t));
    }
    matrix::render(&mut body, sweep);
    findings::render(&mut body, sweep, trend);
    let table = devices::Table::new(sweep, trend);
    table.render(&mut body, sweep);
    failed(&mut body, sweep);
    body.push_str("</main>\n<footer><p>Written by fleetpoll ");
    body.push_str(env!("CARGO_PKG_VERSION"));
    body.push_str(
        ": a read-only poll, nothing was changed on any device. The health CSV has the same \
         devices, one row each; <code>--findings FILE</code> has every finding.</p></footer>\n",
    );
    let data = json_for_script(&table.data(sweep, trend))?;
    let title = match &sweep.run {
        Some(r) => format!(
            "fleetpoll health: {} devices, {}",
            sweep.devices.len(),
            r.started_at.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!("fleetpoll health: {} devices", sweep.devices.len()),
    };
    Ok(page::document(
        &title,
        &body,
        Some(&data),
        Some(page::SWEEP_JS),
    ))
}

/// How many devices have each health.
pub fn counts(sweep: &Sweep) -> [(Health, usize); 4] {
    HEALTH_ORDER.map(|h| (h, sweep.devices.iter().filter(|d| d.health == h).count()))
}

fn duration(ms: u64) -> String {
    if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        let s = ms / 1000;
        format!("{} min {:02} s", s / 60, s % 60)
    }
}

fn header(s: &mut String, sweep: &Sweep) {
    s.push_str("<header class=\"run\">\n<h1>Fleet health report</h1>\n<dl class=\"meta\">\n");
    let mut item = |k: &str, v: &str| {
        let _ = writeln!(s, "<div><dt>{k}</dt><dd>{v}</dd></div>");
    };
    match &sweep.run {
        Some(r) => {
            item(
                "Started",
                &format!(
                    "<time datetime=\"{}\">{}</time>",
                    r.started_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    r.started_at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            );
            item("Duration", &duration(r.duration_ms));
            item(
                "Inventory",
                &format!(
                    "<code>{}</code>{}",
                    html(&r.inventory),
                    r.limit
                        .as_deref()
                        .map(|l| format!(" limited to <code>{}</code>", html(l)))
                        .unwrap_or_default()
                ),
            );
            item(
                "Playbook",
                &format!(
                    "{} (<code>{}</code>, sha256 <code class=\"hash\" title=\"{h}\">{}</code>)",
                    html(&r.playbook),
                    html(&r.playbook_path),
                    html(r.playbook_sha256.get(..12).unwrap_or(&r.playbook_sha256)),
                    h = html(&r.playbook_sha256),
                ),
            );
            if let Some(dir) = &r.snapshot {
                item(
                    "Snapshot",
                    &format!(
                        "<code>{}</code>{}",
                        html(dir),
                        r.manifest_sha256
                            .as_deref()
                            .map(|h| format!(
                                ", manifest sha256 <code class=\"hash\">{}</code>",
                                html(h)
                            ))
                            .unwrap_or_default()
                    ),
                );
            }
            item(
                "Run by",
                &format!(
                    "<code>fleetpoll {}</code> {}",
                    html(&r.command),
                    html(&r.fleetpoll_version)
                ),
            );
        }
        None => item(
            "Run",
            "not recorded in this JSONL (written before fleetpoll recorded its run)",
        ),
    }
    s.push_str("</dl>\n<ul class=\"counts\" aria-label=\"Devices by health\">\n");
    for (h, n) in counts(sweep) {
        let _ = writeln!(
            s,
            "<li><button type=\"button\" class=\"count h-{id}\" data-health=\"{id}\" title=\"Show the {label} devices\"><span class=\"n\">{n}</span> {label}</button></li>",
            id = h.id(),
            label = health_label(h),
        );
    }
    let _ = writeln!(
        s,
        "<li class=\"total\"><span class=\"n\">{}</span> devices</li>\n</ul>",
        sweep.devices.len()
    );
    s.push_str(
        "<nav aria-label=\"Sections\"><a href=\"#matrix\">Sites × platforms</a> <a href=\"#findings\">Findings</a> \
<a href=\"#devices\">Devices</a> <a href=\"#failed\">Not polled</a></nav>\n</header>\n",
    );
}

/// The devices that were not polled: stage, error class and message.
fn failed(s: &mut String, sweep: &Sweep) {
    let rows: Vec<&super::DeviceRow> = sweep.devices.iter().filter(|d| !d.polled()).collect();
    s.push_str("<section id=\"failed\" aria-labelledby=\"failed-h\">\n");
    let _ = writeln!(s, "<h2 id=\"failed-h\">Not polled ({})</h2>", rows.len());
    if rows.is_empty() {
        s.push_str("<p>Every device was polled.</p>\n</section>\n");
        return;
    }
    s.push_str(
        "<div class=\"scroll\"><table class=\"failed\"><caption>Devices that could not be polled, with the stage they stopped at and why</caption>\n\
<thead><tr><th scope=\"col\">Device</th><th scope=\"col\">Platform</th><th scope=\"col\">Site</th><th scope=\"col\">Host</th>\
<th scope=\"col\">Status</th><th scope=\"col\">Stage</th><th scope=\"col\">Error</th><th scope=\"col\">Attempts</th><th scope=\"col\">Message</th></tr></thead>\n<tbody>\n",
    );
    for d in rows {
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td><span class=\"badge h-unknown\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td class=\"msg\">{}</td></tr>",
            html(&d.device),
            d.platform.id(),
            html(d.site.as_deref().unwrap_or("")),
            html(&format!("{}:{}", d.host, d.port)),
            d.poll_status.id(),
            d.failed_stage.map(|x| x.id()).unwrap_or(""),
            d.error_class.map(|x| x.id()).unwrap_or(""),
            d.attempts,
            html(&d.error_message),
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

impl super::DeviceRow {
    pub fn polled(&self) -> bool {
        self.poll_status == crate::outcome::PollStatus::Polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{Finding, Severity};
    use crate::outcome::DeviceReport;
    use crate::report::run::RunInfo;

    const HOSTILE: &str = "</script><script>alert('x')</script><!--&\"";

    fn sweep() -> Sweep {
        let mut a = DeviceReport::sample(HOSTILE);
        a.site = Some(format!("<b>{HOSTILE}</b>"));
        a.health = Health::Critical;
        a.metrics.insert("sw_version", HOSTILE.into());
        a.findings.push(Finding {
            subject: String::new(),
            standing: None,
            code: "IKE_PSK_MISMATCH".into(),
            severity: Severity::Critical,
            message: format!("message {HOSTILE}"),
            evidence: format!("evidence `{HOSTILE}`"),
            remediation: "Re-enter the key.".into(),
            command: Some(format!("show {HOSTILE}")),
        });
        let mut b = DeviceReport::sample("fw-2");
        b.poll_status = crate::outcome::PollStatus::Failed;
        b.health = Health::Unknown;
        b.error = Some(format!("timed out: {HOSTILE}"));
        let run = RunInfo {
            command: "poll".into(),
            started_at: "2024-01-31T22:15:00Z".parse().unwrap(),
            duration_ms: 83_000,
            inventory: HOSTILE.into(),
            limit: Some(HOSTILE.into()),
            playbook: HOSTILE.into(),
            playbook_path: HOSTILE.into(),
            playbook_sha256: "ab".repeat(32),
            fleetpoll_version: "0.1.0".into(),
            columns: vec!["sw_version".into()],
            snapshot: None,
            manifest_sha256: None,
        };
        Sweep::from_reports(run, &[a, b])
    }

    #[test]
    fn hostile_names_and_messages_never_become_markup() {
        let page = render(&sweep(), None).unwrap();
        // Exactly the page's own two script elements and no other element from the data.
        assert_eq!(page.matches("<script").count(), 2);
        assert_eq!(page.matches("</script>").count(), 2);
        assert!(!page.contains("<b>"));
        assert!(!page.contains("<!--"));
        let markup = &page[..page.find("id=\"fp-data\"").unwrap()];
        assert!(
            !markup.contains("alert('x')"),
            "quotes are entities in the markup"
        );
        let escaped = html(HOSTILE);
        for text in [
            format!("<th scope=\"row\">{escaped}</th>"),
            format!("<td>message {escaped}</td>"),
            format!("evidence <code>{escaped}</code>"),
            format!("<code>show {escaped}</code>"),
            format!("timed out: {escaped}"),
            format!("<code>{escaped}</code> limited to <code>{escaped}</code>"),
        ] {
            assert!(page.contains(&text), "{text}");
        }
        // The data block reads back to the very names.
        let start = page.find("id=\"fp-data\">").unwrap() + "id=\"fp-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(data["rows"][0][0], HOSTILE);
        assert!(data["rows"][0]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(format!("<b>{HOSTILE}</b>"))));
    }

    #[test]
    fn the_page_refers_to_nothing_outside_itself() {
        let page = render(&sweep(), None).unwrap();
        for bad in [
            " src=", "url(", "@import", "http://", "https://", "<link", "<iframe",
        ] {
            assert!(!page.contains(bad), "{bad}");
        }
        // The only links are to the page's own sections.
        for (i, _) in page.match_indices("href=\"") {
            assert_eq!(&page[i + 6..i + 7], "#", "{}", &page[i..i + 40]);
        }
    }

    #[test]
    fn the_header_says_when_how_long_with_what_and_how_many() {
        let page = render(&sweep(), None).unwrap();
        assert!(
            page.contains("<time datetime=\"2024-01-31T22:15:00Z\">2024-01-31 22:15:00 UTC</time>")
        );
        assert!(page.contains("<dd>1 min 23 s</dd>"));
        assert!(page.contains("sha256 <code class=\"hash\" title=\"abababababababababababababababababababababababababababababababab\">abababababab</code>"));
        for (id, label, n) in [
            ("critical", "critical", 1),
            ("unknown", "not polled", 1),
            ("warning", "warning", 0),
            ("ok", "ok", 0),
        ] {
            assert!(
                page.contains(&format!("data-health=\"{id}\" title=\"Show the {label} devices\"><span class=\"n\">{n}</span> {label}</button>")),
                "{id}"
            );
        }
        assert!(page.contains("<h2 id=\"failed-h\">Not polled (1)</h2>"));
        assert!(page.contains("<title>fleetpoll health: 2 devices, 2024-01-31 22:15 UTC</title>"));
        // A JSONL without its run still makes a page.
        let mut s = sweep();
        s.run = None;
        assert!(render(&s, None)
            .unwrap()
            .contains("not recorded in this JSONL"));
    }
}
