//! The device table of the sweep page: its filter form and header are written here, its rows
//! are drawn by the page's script from the data block (one array per device, the columns in
//! header order), which keeps a 5,000-device page a few MB and its filtering fast.

use super::escape::html;
use super::trend::Trend;
use super::{health_label, health_rank, Sweep, HEALTH_ORDER};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Rows drawn at first and per "show more"; filters and sorting always cover every device.
/// Laying out a row of ~80 cells is what costs (the script's filtering is a few ms for 5,000
/// devices), so this bounds the time a filter takes.
pub const PAGE_ROWS: usize = 50;

/// How a column's values sort and show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Numbers (empty cells sort last).
    Num,
    /// A health id, shown as a labelled badge, sorted worst first.
    Health,
    /// Finding codes, space-separated; a `+` before a code marks it new.
    Codes,
    /// A sparkline series (see [`Trend::spark`]).
    Spark,
}

impl Kind {
    fn id(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Num => "num",
            Kind::Health => "health",
            Kind::Codes => "codes",
            Kind::Spark => "spark",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Col {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    /// A playbook metric (hidden in print, where the fixed columns fit a page).
    pub metric: bool,
}

/// The columns of the table for a sweep.
#[derive(Debug, Clone)]
pub struct Table {
    pub cols: Vec<Col>,
}

fn col(key: &str, label: &str, kind: Kind) -> Col {
    Col {
        key: key.into(),
        label: label.into(),
        kind,
        metric: false,
    }
}

/// Whether every non-empty value of metric `c` is a number.
fn numeric(sweep: &Sweep, c: &str) -> bool {
    let mut any = false;
    for d in &sweep.devices {
        if let Some(v) = d.metrics.get(c).filter(|v| !v.is_empty()) {
            if v.parse::<f64>().is_err() {
                return false;
            }
            any = true;
        }
    }
    any
}

impl Table {
    pub fn new(sweep: &Sweep, trend: Option<&Trend>) -> Table {
        let mut cols = vec![
            col("device", "Device", Kind::Text),
            col("health", "Health", Kind::Health),
        ];
        if trend.is_some() {
            cols.push(col("trend", "Trend", Kind::Spark));
        }
        cols.extend([
            col("findings", "Findings", Kind::Codes),
            col("platform", "Platform", Kind::Text),
            col("site", "Site", Kind::Text),
            col("poll_status", "Poll status", Kind::Text),
            col("failed_stage", "Failed stage", Kind::Text),
            col("error", "Error", Kind::Text),
            col("error_message", "Error message", Kind::Text),
            col("host", "Host", Kind::Text),
            col("port", "Port", Kind::Num),
            col("started_at", "Started (UTC)", Kind::Text),
            col("duration_ms", "Duration ms", Kind::Num),
            col("attempts", "Attempts", Kind::Num),
        ]);
        for c in &sweep.columns {
            cols.push(Col {
                key: c.clone(),
                label: c.clone(),
                kind: if numeric(sweep, c) {
                    Kind::Num
                } else {
                    Kind::Text
                },
                metric: true,
            });
        }
        cols.push(Col {
            key: "ssh_algorithms".into(),
            label: "ssh_algorithms".into(),
            kind: Kind::Text,
            metric: true,
        });
        Table { cols }
    }

    /// One array per device, the values in column order.
    fn row(&self, d: &super::DeviceRow, trend: Option<&Trend>) -> Value {
        let cells: Vec<Value> = self
            .cols
            .iter()
            .map(|c| match c.key.as_str() {
                "device" if !c.metric => json!(d.device),
                "health" if !c.metric => json!(d.health.id()),
                "trend" if !c.metric => {
                    json!(trend.map(|t| t.spark(&d.device)).unwrap_or_default())
                }
                "findings" if !c.metric => {
                    let codes: Vec<String> = d
                        .codes()
                        .into_iter()
                        .map(|code| match trend {
                            Some(t) if t.is_new(&d.device, code) => format!("+{code}"),
                            _ => code.to_string(),
                        })
                        .collect();
                    json!(codes.join(" "))
                }
                "platform" if !c.metric => json!(d.platform.id()),
                "site" if !c.metric => json!(d.site.as_deref().unwrap_or("")),
                "poll_status" if !c.metric => json!(d.poll_status.id()),
                "failed_stage" if !c.metric => json!(d.failed_stage.map(|x| x.id()).unwrap_or("")),
                "error" if !c.metric => json!(d.error_class.map(|x| x.id()).unwrap_or("")),
                "error_message" if !c.metric => json!(d.error_message),
                "host" if !c.metric => json!(d.host),
                "port" if !c.metric => json!(d.port),
                "started_at" if !c.metric => json!(d
                    .started_at
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default()),
                "duration_ms" if !c.metric => json!(d.duration_ms),
                "attempts" if !c.metric => json!(d.attempts),
                "ssh_algorithms" => json!(d.ssh_algorithms.as_deref().unwrap_or("")),
                k => json!(d.metrics.get(k).map(String::as_str).unwrap_or("")),
            })
            .collect();
        Value::Array(cells)
    }

    /// The data block: the rows, the page size and the labels the script shows.
    pub fn data(&self, sweep: &Sweep, trend: Option<&Trend>) -> Value {
        let labels: BTreeMap<&str, &str> = HEALTH_ORDER
            .iter()
            .map(|h| (h.id(), health_label(*h)))
            .collect();
        let ranks: BTreeMap<&str, u8> = HEALTH_ORDER
            .iter()
            .map(|h| (h.id(), health_rank(*h)))
            .collect();
        json!({
            "page": PAGE_ROWS,
            "health_labels": labels,
            "health_ranks": ranks,
            "rows": sweep.devices.iter().map(|d| self.row(d, trend)).collect::<Vec<_>>(),
        })
    }

    /// The filter form and the table shell (header, empty body the script fills).
    pub fn render(&self, s: &mut String, sweep: &Sweep) {
        let n = sweep.devices.len();
        s.push_str("<section id=\"devices\" aria-labelledby=\"devices-h\">\n");
        let _ = writeln!(s, "<h2 id=\"devices-h\">Devices ({n})</h2>");
        s.push_str("<form class=\"filters\" id=\"filters\" role=\"search\" aria-label=\"Filter the devices\">\n");
        s.push_str("<label>Search <input type=\"search\" id=\"f-text\" autocomplete=\"off\" placeholder=\"name, host, message, value…\"></label>\n");
        let select = |s: &mut String, id: &str, label: &str, options: Vec<(String, String)>| {
            let _ = write!(
                s,
                "<label>{label} <select id=\"{id}\"><option value=\"*\">any</option>"
            );
            for (v, text) in options {
                let _ = write!(s, "<option value=\"{}\">{}</option>", html(&v), html(&text));
            }
            s.push_str("</select></label>\n");
        };
        let count =
            |f: &dyn Fn(&super::DeviceRow) -> bool| sweep.devices.iter().filter(|d| f(d)).count();
        select(
            s,
            "f-health",
            "Health",
            HEALTH_ORDER
                .iter()
                .map(|h| {
                    (
                        h.id().to_string(),
                        format!("{} ({})", health_label(*h), count(&|d| d.health == *h)),
                    )
                })
                .collect(),
        );
        let mut platforms: Vec<crate::Platform> =
            sweep.devices.iter().map(|d| d.platform).collect();
        platforms.sort();
        platforms.dedup();
        select(
            s,
            "f-platform",
            "Platform",
            platforms
                .iter()
                .map(|p| {
                    (
                        p.id().to_string(),
                        format!("{} ({})", p.id(), count(&|d| d.platform == *p)),
                    )
                })
                .collect(),
        );
        let mut sites: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &sweep.devices {
            *sites.entry(d.site.as_deref().unwrap_or("")).or_default() += 1;
        }
        select(
            s,
            "f-site",
            "Site",
            sites
                .iter()
                .map(|(site, k)| {
                    let name = if site.is_empty() {
                        super::matrix::NO_SITE
                    } else {
                        site
                    };
                    (site.to_string(), format!("{name} ({k})"))
                })
                .collect(),
        );
        let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &sweep.devices {
            for c in d.codes() {
                *codes.entry(c).or_default() += 1;
            }
        }
        select(
            s,
            "f-code",
            "Finding",
            codes
                .iter()
                .map(|(c, k)| (c.to_string(), format!("{c} ({k})")))
                .collect(),
        );
        s.push_str("<button type=\"reset\" id=\"f-reset\">Clear filters</button>\n");
        let _ = writeln!(
            s,
            "<output id=\"f-count\" aria-live=\"polite\">{n} devices</output>\n</form>"
        );
        s.push_str("<p class=\"note\" id=\"f-folded\" hidden></p>\n");
        s.push_str("<noscript><p class=\"note\">The device table is drawn by the page's script, which is off here: the findings, the matrix and the devices not polled are complete without it, and the health CSV has every device.</p></noscript>\n");
        s.push_str("<p class=\"print-only note\">Printed with the devices the filters leave and without the metric columns: the health CSV has them.</p>\n");
        s.push_str(
            "<div class=\"scroll devices-wrap\"><table class=\"devices\" id=\"devices-table\">\n",
        );
        let _ = writeln!(
            s,
            "<caption>Every device with every metric; choose a column heading to sort by it</caption>"
        );
        s.push_str("<thead><tr>");
        for (i, c) in self.cols.iter().enumerate() {
            let _ = write!(
                s,
                "<th scope=\"col\" data-col=\"{i}\" data-kind=\"{}\" data-key=\"{}\"{}>",
                c.kind.id(),
                html(&c.key),
                if c.metric { " class=\"metric\"" } else { "" }
            );
            if c.kind == Kind::Spark {
                let _ = write!(s, "{}", html(&c.label));
            } else {
                let _ = write!(
                    s,
                    "<button type=\"button\" class=\"sort\">{}</button>",
                    html(&c.label)
                );
            }
            s.push_str("</th>");
        }
        s.push_str("</tr></thead>\n<tbody></tbody>\n</table></div>\n");
        s.push_str("<p class=\"more-rows\"><button type=\"button\" id=\"show-more\" hidden>Show more</button> <button type=\"button\" id=\"show-all\" hidden>Show all</button></p>\n</section>\n");
    }
}
