//! The trend of a sweep page: critical / warning / not-polled counts of the last runs (an
//! inline SVG chart, one point per run, and the same numbers as a table), each device's
//! health over those runs (a sparkline on its row) and which findings are new since the
//! previous run. [`Trend::build`] makes one from past runs; a run history fills those in.

use super::escape::html;
use super::{health_label, Sweep};
use crate::health::Health;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// At most this many runs are drawn (the current one included).
pub const MAX_RUNS: usize = 30;

/// One run's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendRun {
    pub at: DateTime<Utc>,
    pub critical: usize,
    pub warning: usize,
    pub not_polled: usize,
    pub devices: usize,
}

/// What the page draws besides the current sweep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trend {
    /// Oldest first; the current run is normally the last.
    pub runs: Vec<TrendRun>,
    /// Per device, its health in each of `runs` (same length, `None` when the device was not
    /// in that run).
    pub devices: BTreeMap<String, Vec<Option<Health>>>,
    /// (device, finding code) pairs of the current run that the previous run did not have.
    pub new_findings: BTreeSet<(String, String)>,
}

/// A past run as a history keeps it: when, and each device's health and finding codes.
#[derive(Debug, Clone, PartialEq)]
pub struct PastRun {
    pub at: DateTime<Utc>,
    pub devices: Vec<PastDevice>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PastDevice {
    pub device: String,
    pub health: Health,
    pub codes: Vec<String>,
}

impl PastRun {
    /// The current sweep as a past run (for the last point of its own trend).
    pub fn of_sweep(s: &Sweep, at: DateTime<Utc>) -> PastRun {
        PastRun {
            at,
            devices: s
                .devices
                .iter()
                .map(|d| PastDevice {
                    device: d.device.clone(),
                    health: d.health,
                    codes: d.codes().into_iter().map(str::to_string).collect(),
                })
                .collect(),
        }
    }

    fn counts(&self) -> TrendRun {
        let n = |h: Health| self.devices.iter().filter(|d| d.health == h).count();
        TrendRun {
            at: self.at,
            critical: n(Health::Critical),
            warning: n(Health::Warning),
            not_polled: n(Health::Unknown),
            devices: self.devices.len(),
        }
    }
}

impl Trend {
    /// The trend of `current` (taken at `at`) after `past` (oldest first): the last
    /// [`MAX_RUNS`] runs including the current one, every current device's health in each,
    /// and the findings the latest past run did not have on that device (all of a device's
    /// findings are new when it was not in that run).
    pub fn build(past: &[PastRun], current: &Sweep, at: DateTime<Utc>) -> Trend {
        let now = PastRun::of_sweep(current, at);
        let keep = past.len().saturating_sub(MAX_RUNS - 1);
        let runs: Vec<&PastRun> = past[keep..].iter().chain(std::iter::once(&now)).collect();
        let devices = now
            .devices
            .iter()
            .map(|d| {
                let series = runs
                    .iter()
                    .map(|r| {
                        r.devices
                            .iter()
                            .find(|p| p.device == d.device)
                            .map(|p| p.health)
                    })
                    .collect();
                (d.device.clone(), series)
            })
            .collect();
        let previous = past.last();
        let mut new_findings = BTreeSet::new();
        for d in &now.devices {
            let before = previous.and_then(|p| p.devices.iter().find(|x| x.device == d.device));
            for c in &d.codes {
                if !before.is_some_and(|b| b.codes.contains(c)) {
                    new_findings.insert((d.device.clone(), c.clone()));
                }
            }
        }
        Trend {
            runs: runs.iter().map(|r| r.counts()).collect(),
            devices,
            new_findings,
        }
    }

    /// With a run history, "new" is the history's word (a finding's `standing`: device, code
    /// and subject never seen open before), not a comparison of codes with the previous run:
    /// a second peer failing with a code the device already had is new too. Sweeps whose
    /// findings carry no standing keep the comparison.
    pub fn mark_new_by_standing(&mut self, current: &Sweep) {
        use crate::outcome::FindingStatus;
        let tracked = current
            .devices
            .iter()
            .flat_map(|d| &d.findings)
            .any(|f| f.standing.is_some());
        if !tracked {
            return;
        }
        self.new_findings = current
            .devices
            .iter()
            .flat_map(|d| d.findings.iter().map(move |f| (d, f)))
            .filter(|(_, f)| matches!(&f.standing, Some(s) if s.status == FindingStatus::New))
            .map(|(d, f)| (d.device.clone(), f.code.clone()))
            .collect();
    }

    pub fn is_new(&self, device: &str, code: &str) -> bool {
        self.new_findings
            .contains(&(device.to_string(), code.to_string()))
    }

    /// A device's series as one letter per run (`o` ok, `w` warning, `c` critical, `u` not
    /// polled, `-` not in the run), what the page's script draws as a sparkline.
    pub fn spark(&self, device: &str) -> String {
        self.devices
            .get(device)
            .map(|s| {
                s.iter()
                    .map(|h| match h {
                        Some(Health::Ok) => 'o',
                        Some(Health::Warning) => 'w',
                        Some(Health::Critical) => 'c',
                        Some(Health::Unknown) => 'u',
                        None => '-',
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The count a series of the chart reads from a run.
type Count = fn(&TrendRun) -> usize;

/// The series of the chart: class, label, and the count it reads.
const SERIES: [(&str, &str, Count); 3] = [
    ("critical", "critical", |r| r.critical),
    ("unknown", "not polled", |r| r.not_polled),
    ("warning", "warning", |r| r.warning),
];

/// The trend section: the SVG chart (one marker per run and series, each with its numbers
/// as a tooltip; series told apart by marker shape and line dash as well as colour), its
/// legend, and the numbers as a table.
pub fn render_section(t: &Trend) -> String {
    let mut s = String::new();
    let n = t.runs.len();
    s.push_str("<section id=\"trend\" aria-labelledby=\"trend-h\">\n");
    let _ = writeln!(
        s,
        "<h2 id=\"trend-h\">Trend: the last {n} run{}</h2>",
        if n == 1 { "" } else { "s" }
    );
    let (w, h, left, right, top, bottom) = (720.0, 220.0, 44.0, 12.0, 12.0, 36.0);
    let max = t
        .runs
        .iter()
        .flat_map(|r| SERIES.iter().map(move |(_, _, f)| f(r)))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = if n > 1 {
        (w - left - right) / (n - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| {
        if n > 1 {
            left + step * i as f64
        } else {
            (left + w - right) / 2.0
        }
    };
    let y = |v: usize| top + (h - top - bottom) * (1.0 - v as f64 / max as f64);
    let _ = writeln!(
        s,
        "<figure class=\"chart\"><svg id=\"trend-chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"trend-cap\">"
    );
    // Axis and the maximum, so the scale can be read.
    let _ = writeln!(
        s,
        "<g class=\"axis\"><line x1=\"{left}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{b}\"/>\
<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{max}</text><text x=\"{tx}\" y=\"{b}\" text-anchor=\"end\">0</text>",
        b = h - bottom,
        r = w - right,
        tx = left - 6.0,
        ty = top + 4.0,
    );
    if let (Some(first), Some(last)) = (t.runs.first(), t.runs.last()) {
        let _ = write!(
            s,
            "<text x=\"{left}\" y=\"{}\" text-anchor=\"start\">{}</text>",
            h - 12.0,
            first.at.format("%Y-%m-%d %H:%M")
        );
        if n > 1 {
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                w - right,
                h - 12.0,
                last.at.format("%Y-%m-%d %H:%M")
            );
        }
    }
    s.push_str("</g>\n");
    for (class, label, f) in SERIES {
        let points: Vec<String> = t
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{:.1},{:.1}", x(i), y(f(r))))
            .collect();
        let _ = writeln!(
            s,
            "<g class=\"series s-{class}\"><polyline points=\"{}\"/>",
            points.join(" ")
        );
        for (i, r) in t.runs.iter().enumerate() {
            let (cx, cy) = (x(i), y(f(r)));
            let tip = format!(
                "{}: {} {label} ({} critical, {} warning, {} not polled of {} devices)",
                r.at.format("%Y-%m-%d %H:%M UTC"),
                f(r),
                r.critical,
                r.warning,
                r.not_polled,
                r.devices
            );
            let shape = match class {
                "critical" => format!("<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4\""),
                "warning" => format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\"",
                    cx - 3.5,
                    cy - 3.5
                ),
                _ => format!(
                    "<path d=\"M{cx:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\"",
                    cy - 4.5,
                    cx + 4.5,
                    cy + 3.5,
                    cx - 4.5,
                    cy + 3.5
                ),
            };
            let _ = writeln!(
                s,
                "{shape} class=\"pt\" data-run=\"{i}\"><title>{}</title>{}",
                html(&tip),
                match class {
                    "critical" => "</circle>",
                    "warning" => "</rect>",
                    _ => "</path>",
                }
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");
    let _ = writeln!(
        s,
        "<figcaption id=\"trend-cap\">Devices critical (circles, solid line), not polled (triangles, dotted line) and warning (squares, dashed line) in each of the last {n} runs.</figcaption></figure>"
    );
    s.push_str(
        "<details class=\"trend-table\"><summary>The numbers</summary>\n<table><caption>Devices by health in each run</caption>\n\
<thead><tr><th scope=\"col\">Run (UTC)</th><th scope=\"col\">Critical</th><th scope=\"col\">Not polled</th><th scope=\"col\">Warning</th><th scope=\"col\">Devices</th></tr></thead><tbody>\n",
    );
    for r in &t.runs {
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\"><time datetime=\"{}\">{}</time></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            r.at.format("%Y-%m-%d %H:%M"),
            r.critical,
            r.not_polled,
            r.warning,
            r.devices
        );
    }
    s.push_str("</tbody></table></details>\n</section>\n");
    s
}

/// What a sparkline letter means, for its text alternative.
pub fn spark_word(c: char) -> &'static str {
    match c {
        'o' => health_label(Health::Ok),
        'w' => health_label(Health::Warning),
        'c' => health_label(Health::Critical),
        'u' => health_label(Health::Unknown),
        _ => "absent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::DeviceRow;

    fn at(day: u32) -> DateTime<Utc> {
        format!("2024-01-{day:02}T22:15:00Z").parse().unwrap()
    }

    fn past(day: u32, devs: &[(&str, Health, &[&str])]) -> PastRun {
        PastRun {
            at: at(day),
            devices: devs
                .iter()
                .map(|(d, h, c)| PastDevice {
                    device: d.to_string(),
                    health: *h,
                    codes: c.iter().map(|x| x.to_string()).collect(),
                })
                .collect(),
        }
    }

    fn current() -> Sweep {
        let row = |name: &str, h: Health, code: Option<&str>| {
            let mut r = DeviceRow::from_report(&crate::outcome::DeviceReport::sample(name));
            r.health = h;
            if let Some(c) = code {
                r.findings.push(crate::health::Finding {
                    subject: String::new(),
                    standing: None,
                    code: c.into(),
                    severity: crate::health::Severity::Critical,
                    message: String::new(),
                    evidence: String::new(),
                    remediation: String::new(),
                    command: None,
                });
            }
            r
        };
        Sweep {
            run: None,
            columns: vec![],
            devices: vec![
                row("a", Health::Critical, Some("IKE_PSK_MISMATCH")),
                row("b", Health::Critical, Some("IPSEC_ONE_WAY")),
                row("new-dev", Health::Ok, None),
            ],
        }
    }

    #[test]
    fn build_counts_each_run_and_marks_findings_the_previous_run_lacked() {
        let p = [
            past(1, &[("a", Health::Ok, &[]), ("b", Health::Unknown, &[])]),
            past(
                2,
                &[
                    ("a", Health::Warning, &["IKE_PSK_MISMATCH"]),
                    ("b", Health::Critical, &["IPSEC_ONE_WAY"]),
                ],
            ),
        ];
        let t = Trend::build(&p, &current(), at(3));
        assert_eq!(t.runs.len(), 3);
        assert_eq!(
            t.runs
                .iter()
                .map(|r| (r.critical, r.warning, r.not_polled, r.devices))
                .collect::<Vec<_>>(),
            [(0, 0, 1, 2), (1, 1, 0, 2), (2, 0, 0, 3)]
        );
        assert_eq!(t.spark("a"), "owc");
        assert_eq!(t.spark("b"), "ucc");
        assert_eq!(t.spark("new-dev"), "--o");
        // IKE_PSK_MISMATCH and IPSEC_ONE_WAY were there in the previous run: nothing new.
        assert!(t.new_findings.is_empty());
        let t = Trend::build(&p[..1], &current(), at(3));
        assert!(t.is_new("a", "IKE_PSK_MISMATCH") && t.is_new("b", "IPSEC_ONE_WAY"));
        assert_eq!(t.new_findings.len(), 2);
    }

    #[test]
    fn at_most_max_runs_are_kept_and_the_chart_has_one_marker_per_run_and_series() {
        let p: Vec<PastRun> = (1..=31)
            .map(|d| past(d.min(28), &[("a", Health::Ok, &[])]))
            .collect();
        let t = Trend::build(&p, &current(), at(28));
        assert_eq!(t.runs.len(), MAX_RUNS);
        assert_eq!(t.spark("a").len(), MAX_RUNS);
        let svg = render_section(&t);
        assert_eq!(svg.matches("class=\"pt\" data-run=").count(), 3 * MAX_RUNS);
        assert_eq!(svg.matches("<circle ").count(), MAX_RUNS);
        assert_eq!(svg.matches("<tr><th scope=\"row\">").count(), MAX_RUNS);
    }
}
