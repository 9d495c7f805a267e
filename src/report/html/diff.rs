//! The maintenance page of `fleetpoll diff --html`: the two snapshots side by side with their
//! manifests' SHA-256 (so the page can be attached to a change record and checked against
//! what `snapshot` printed), the verdict, then the regressions grouped by device with their
//! before → after values; improvements and neutral changes folded below. No script.

use super::escape::html;
use super::page;
use crate::snapshot::{Change, DiffReport, Severity, Snapshot};
use std::fmt::Write as _;

/// The whole page.
pub fn render(r: &DiffReport, before: &Snapshot, after: &Snapshot) -> String {
    let mut s = String::with_capacity(16 * 1024 + r.changes.len() * 300);
    let regressions = r.count(Severity::Regression);
    s.push_str("<header class=\"run\">\n<h1>Maintenance diff</h1>\n");
    let _ = writeln!(
        s,
        "<p class=\"verdict\"><span class=\"badge sev-{}\">{}</span> {}</p>",
        if regressions > 0 {
            "regression"
        } else {
            "improvement"
        },
        if regressions > 0 {
            "regressed"
        } else {
            "no regression"
        },
        if regressions > 0 {
            format!(
                "{regressions} change{} got worse between BEFORE and AFTER.",
                if regressions == 1 { "" } else { "s" }
            )
        } else {
            "Nothing got worse between BEFORE and AFTER.".to_string()
        }
    );
    s.push_str("<ul class=\"counts\" aria-label=\"Changes by kind\">");
    for sev in Severity::ALL {
        let n = r.count(sev);
        let _ = write!(
            s,
            "<li><span class=\"count badge sev-{id}\"><span class=\"n\">{n}</span> {id}{pl}</span></li>",
            id = sev.id(),
            pl = if n == 1 { "" } else { "s" }
        );
    }
    if r.ignored > 0 {
        let _ = write!(
            s,
            "<li class=\"total\">{} ignored (<code>--ignore</code>)</li>",
            r.ignored
        );
    }
    s.push_str("</ul>\n</header>\n<main>\n");
    snapshots(&mut s, before, after);
    if !r.notes.is_empty() {
        s.push_str("<section id=\"notes\"><h2>Notes</h2><ul>");
        for n in &r.notes {
            let _ = write!(s, "<li>{}</li>", html(n));
        }
        s.push_str("</ul></section>\n");
    }
    s.push_str("<section id=\"regressions\" aria-labelledby=\"regressions-h\">\n");
    let _ = writeln!(
        s,
        "<h2 id=\"regressions-h\">Regressions ({regressions})</h2>"
    );
    if regressions == 0 {
        s.push_str("<p>None.</p>\n");
    } else {
        changes_table(&mut s, r, Severity::Regression, "Regressions by device");
    }
    s.push_str("</section>\n");
    for (sev, title) in [
        (Severity::Improvement, "Improvements"),
        (Severity::Neutral, "Neutral changes"),
    ] {
        let n = r.count(sev);
        let _ = writeln!(
            s,
            "<section id=\"{id}\"><details><summary>{title} ({n})</summary>",
            id = sev.id()
        );
        if n == 0 {
            s.push_str("<p>None.</p>");
        } else {
            changes_table(&mut s, r, sev, &format!("{title} by device"));
        }
        s.push_str("</details></section>\n");
    }
    s.push_str("</main>\n<footer><p>Written by fleetpoll ");
    s.push_str(env!("CARGO_PKG_VERSION"));
    s.push_str(" <code>diff</code>: both snapshots' hashes were verified before they were compared.</p></footer>\n");
    let title = format!(
        "fleetpoll diff: {regressions} regression{}",
        if regressions == 1 { "" } else { "s" }
    );
    page::document(&title, &s, None, None)
}

fn snapshots(s: &mut String, b: &Snapshot, a: &Snapshot) {
    s.push_str("<section id=\"snapshots\" aria-labelledby=\"snapshots-h\">\n<h2 id=\"snapshots-h\">Snapshots</h2>\n");
    s.push_str("<div class=\"scroll\"><table class=\"snapshots\"><caption>The two snapshots compared, with the SHA-256 of each manifest</caption>\n\
<thead><tr><td></td><th scope=\"col\">BEFORE</th><th scope=\"col\">AFTER</th></tr></thead>\n<tbody>\n");
    let row = |s: &mut String, label: &str, f: &dyn Fn(&Snapshot) -> String| {
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\">{label}</th><td>{}</td><td>{}</td></tr>",
            f(b),
            f(a)
        );
    };
    row(s, "Folder", &|x| {
        format!("<code>{}</code>", html(&x.dir.display().to_string()))
    });
    row(s, "Taken (UTC)", &|x| {
        format!(
            "<time datetime=\"{}\">{}</time> to {}",
            x.manifest
                .started_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            x.manifest.started_at.format("%Y-%m-%d %H:%M:%S"),
            x.manifest.completed_at.format("%H:%M:%S")
        )
    });
    row(s, "Manifest sha256", &|x| {
        format!("<code class=\"hash\">{}</code>", html(&x.manifest_sha256))
    });
    row(s, "Inventory", &|x| {
        format!(
            "<code>{}</code>{}",
            html(&x.manifest.inventory),
            x.manifest
                .limit
                .as_deref()
                .map(|l| format!(" limited to <code>{}</code>", html(l)))
                .unwrap_or_default()
        )
    });
    row(s, "Playbook", &|x| {
        format!(
            "{} (<code>{}</code>)<br>file sha256 <code class=\"hash\">{}</code><br>commands sha256 <code class=\"hash\">{}</code>",
            html(&x.manifest.playbook.name),
            html(&x.manifest.playbook.path),
            html(&x.manifest.playbook.sha256),
            html(&x.manifest.playbook.commands_sha256)
        )
    });
    row(s, "Devices", &|x| {
        let polled = x.devices.iter().filter(|d| d.meta.polled()).count();
        format!("{} ({} polled)", x.manifest.devices.len(), polled)
    });
    row(s, "fleetpoll", &|x| html(&x.manifest.fleetpoll_version));
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// The changes of one severity, a row group per device (devices in the diff's order:
/// BEFORE's inventory order, devices new in AFTER last).
fn changes_table(s: &mut String, r: &DiffReport, sev: Severity, caption: &str) {
    let mut devices: Vec<&str> = Vec::new();
    for c in r.changes.iter().filter(|c| c.severity == sev) {
        if !devices.contains(&c.device.as_str()) {
            devices.push(&c.device);
        }
    }
    let _ = writeln!(
        s,
        "<div class=\"scroll\"><table class=\"changes sev-table-{}\"><caption>{}</caption>",
        sev.id(),
        html(caption)
    );
    s.push_str("<thead><tr><th scope=\"col\">What</th><th scope=\"col\">Before</th><th scope=\"col\">After</th><th scope=\"col\">Message</th></tr></thead>\n");
    for d in devices {
        let rows: Vec<&Change> = r
            .changes
            .iter()
            .filter(|c| c.severity == sev && c.device == d)
            .collect();
        let _ = writeln!(
            s,
            "<tbody class=\"dgroup\"><tr class=\"dhead\"><th scope=\"rowgroup\" colspan=\"4\">{} <span class=\"badge sev-{}\">{} {}{}</span></th></tr>",
            html(d),
            sev.id(),
            rows.len(),
            sev.id(),
            if rows.len() == 1 { "" } else { "s" }
        );
        for c in rows {
            let what: Vec<String> = [c.command.as_deref(), c.subject.as_deref(), Some(&c.field)]
                .into_iter()
                .flatten()
                .map(|p| format!("<code>{}</code>", html(p)))
                .collect();
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"before\">{}</td><td class=\"arrow\">→ {}</td><td class=\"msg\">{}</td></tr>",
                what.join(" / "),
                html(c.before.as_deref().unwrap_or("—")),
                html(c.after.as_deref().unwrap_or("—")),
                html(&c.message)
            );
        }
        s.push_str("</tbody>\n");
    }
    s.push_str("</table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Manifest, PlaybookInfo};

    fn snap(dir: &str, sha: &str) -> Snapshot {
        Snapshot {
            dir: dir.into(),
            manifest: Manifest {
                format: crate::snapshot::FORMAT.into(),
                format_version: crate::snapshot::FORMAT_VERSION,
                fleetpoll_version: "0.1.0".into(),
                started_at: "2024-01-31T22:00:00Z".parse().unwrap(),
                completed_at: "2024-01-31T22:05:00Z".parse().unwrap(),
                inventory: "inv.yaml".into(),
                limit: None,
                playbook: PlaybookInfo {
                    name: "snapshot".into(),
                    path: "builtin:snapshot".into(),
                    sha256: "p".repeat(64),
                    commands_sha256: "c".repeat(64),
                    commands: Default::default(),
                },
                devices: vec![],
                files: Default::default(),
            },
            manifest_sha256: sha.into(),
            devices: vec![],
        }
    }

    fn change(sev: Severity, device: &str, field: &str, b: &str, a: &str) -> Change {
        Change {
            severity: sev,
            key: format!("{device}/{field}"),
            device: device.into(),
            command: Some("show crypto isakmp sa".into()),
            subject: None,
            field: field.into(),
            before: Some(b.into()),
            after: Some(a.into()),
            message: format!("{field}: {b} -> {a}"),
        }
    }

    #[test]
    fn regressions_come_first_grouped_by_device_and_both_manifest_hashes_are_shown() {
        let report = DiffReport {
            changes: vec![
                change(
                    Severity::Improvement,
                    "rtr-1",
                    "state",
                    "MM_WAIT",
                    "MM_ACTIVE",
                ),
                change(
                    Severity::Regression,
                    "rtr-2",
                    "state",
                    "MM_ACTIVE",
                    "<gone>",
                ),
                change(Severity::Neutral, "rtr-1", "sw_version", "15.1", "15.2"),
                change(Severity::Regression, "rtr-1", "reachable", "yes", "no"),
                change(Severity::Regression, "rtr-2", "presence", "up", "absent"),
            ],
            ignored: 2,
            notes: vec!["playbook <changed>".into()],
        };
        let (hb, ha) = ("a1".repeat(32), "b2".repeat(32));
        let page = render(
            &report,
            &snap("snaps/before", &hb),
            &snap("snaps/after", &ha),
        );
        assert!(page.contains(&format!("<code class=\"hash\">{hb}</code>")));
        assert!(page.contains(&format!("<code class=\"hash\">{ha}</code>")));
        assert!(page.contains("playbook &lt;changed&gt;"));
        assert!(page.contains("2 ignored"));
        // Regressions before the folded improvements and neutral changes.
        let at = |needle: &str| page.find(needle).unwrap_or_else(|| panic!("{needle}"));
        assert!(at("id=\"regressions\"") < at("<details><summary>Improvements (1)"));
        assert!(
            at("<details><summary>Improvements (1)") < at("<details><summary>Neutral changes (1)")
        );
        // In the regressions, one group per device in diff order, each with its rows.
        let reg = &page[at("id=\"regressions\"")..at("<details><summary>Improvements")];
        assert_eq!(reg.matches("class=\"dgroup\"").count(), 2);
        assert!(reg.find(">rtr-2 <span").unwrap() < reg.find(">rtr-1 <span").unwrap());
        assert!(reg.contains(">rtr-2 <span class=\"badge sev-regression\">2 regressions</span>"));
        assert!(reg.contains(
            "<td class=\"before\">MM_ACTIVE</td><td class=\"arrow\">→ &lt;gone&gt;</td>"
        ));
        assert!(!reg.contains("sw_version"));
        assert!(page
            .contains("<span class=\"badge sev-regression\">regressed</span> 3 changes got worse"));
    }
}
