//! The metrics and rules a playbook declares on a templated (TextFSM) command: a metric is
//! computed over the command's rows (`count`, `count_where`, `sum`/`min`/`max` of a numeric
//! field) and fills a CSV column; a rule is a threshold on one with the playbook's own code,
//! severity, message and remediation. Validated by `playbook::textfsm`, judged here.

use crate::outcome::{Finding, Severity};
use crate::parse::textfsm::{TemplateSet, TextfsmTable};
use crate::Platform;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a metric computes over the rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Aggregate {
    Count,
    CountWhere(Vec<(String, String)>),
    Sum(String),
    Min(String),
    Max(String),
}

#[derive(Debug, Clone)]
pub struct TemplatedMetric {
    /// The CSV column. Leaked once per playbook load, so it is a `&'static str` like the
    /// built-in columns every report writer takes.
    pub name: &'static str,
    pub aggregate: Aggregate,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    Above(f64),
    Below(f64),
}

#[derive(Debug, Clone)]
pub struct TemplatedRule {
    pub code: String,
    pub metric: usize,
    pub threshold: Threshold,
    pub severity: Severity,
    pub message: String,
    pub remediation: String,
}

/// A command the TextFSM path reads: its templates (compiled once, shared by every device of
/// the run), metrics and rules.
#[derive(Debug, Clone)]
pub struct TextfsmPlan {
    pub templates: TemplateSet,
    pub metrics: Vec<TemplatedMetric>,
    pub rules: Vec<TemplatedRule>,
}

/// A number from a cell: `1,234` and surrounding spaces allowed; anything else is not one.
fn number(v: &serde_json::Value) -> Option<f64> {
    let s = v.as_str()?.trim().replace(',', "");
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn cell_is(v: &serde_json::Value, want: &str) -> bool {
    match v {
        serde_json::Value::String(s) => s == want,
        serde_json::Value::Array(items) => items.iter().any(|i| i.as_str() == Some(want)),
        _ => false,
    }
}

impl TemplatedMetric {
    /// The metric over a table: counts always, `sum` over the numeric cells (0 for none),
    /// `min`/`max` of the numeric cells (`None` when there are none: the cell stays empty).
    pub fn value(&self, t: &TextfsmTable) -> Option<f64> {
        let nums = |f: &str| {
            t.rows
                .iter()
                .filter_map(|r| r.get(f).and_then(number))
                .collect::<Vec<f64>>()
        };
        match &self.aggregate {
            Aggregate::Count => Some(t.rows.len() as f64),
            Aggregate::CountWhere(w) => Some(
                t.rows
                    .iter()
                    .filter(|r| {
                        w.iter()
                            .all(|(f, v)| r.get(f).is_some_and(|c| cell_is(c, v)))
                    })
                    .count() as f64,
            ),
            Aggregate::Sum(f) => Some(nums(f).iter().sum()),
            Aggregate::Min(f) => nums(f).into_iter().reduce(f64::min),
            Aggregate::Max(f) => nums(f).into_iter().reduce(f64::max),
        }
    }
}

/// A metric value for the CSV and messages: `12`, not `12.0`.
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl TextfsmPlan {
    /// The metric columns this table fills.
    pub fn fill(&self, t: &TextfsmTable, out: &mut BTreeMap<&'static str, String>) {
        for m in &self.metrics {
            if let Some(v) = m.value(t) {
                out.insert(m.name, format_value(v));
            }
        }
    }

    /// The playbook's rules over one table.
    pub fn judge(&self, t: &TextfsmTable, emit: &mut dyn FnMut(Finding)) {
        for r in &self.rules {
            let m = &self.metrics[r.metric];
            let Some(v) = m.value(t) else { continue };
            let (hit, limit, word) = match r.threshold {
                Threshold::Above(x) => (v > x, x, "above"),
                Threshold::Below(x) => (v < x, x, "below"),
            };
            if !hit {
                continue;
            }
            let fill = |s: &str| {
                s.replace("{value}", &format_value(v))
                    .replace("{threshold}", &format_value(limit))
                    .replace("{metric}", m.name)
            };
            emit(Finding {
                code: r.code.clone(),
                severity: r.severity,
                // One finding per rule and metric: the metric is what it is about.
                subject: m.name.to_string(),
                message: fill(&r.message),
                evidence: format!(
                    "{}={} ({word} {}; template {})",
                    m.name,
                    format_value(v),
                    format_value(limit),
                    t.template
                ),
                remediation: fill(&r.remediation),
                command: None,
                standing: None,
            });
        }
    }
}

/// The templated commands of a playbook whose rules health evaluation needs, by platform and
/// command text.
#[derive(Debug, Clone, Default)]
pub struct TemplatedRules {
    /// The platforms the playbook lists (for the IOS-XE fallback).
    pub platforms: Vec<Platform>,
    pub commands: Vec<(Platform, String, Arc<TextfsmPlan>)>,
}

impl TemplatedRules {
    /// The plan of `command` as run on `platform` (an IOS-XE device runs the IOS commands
    /// when the playbook gives none of its own, as `Playbook::commands_for` does).
    pub fn plan(&self, platform: Platform, command: &str) -> Option<&TextfsmPlan> {
        let of = |p: Platform| {
            self.commands
                .iter()
                .find(|(q, c, _)| *q == p && c == command)
                .map(|(_, _, plan)| &**plan)
        };
        if self.platforms.contains(&platform) {
            of(platform)
        } else {
            of(platform.family())
        }
    }
}
