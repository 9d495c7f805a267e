//! Templated commands in a playbook: the TextFSM template set a command runs (found through
//! the template index, or `parser: textfsm:FILE`), the metrics declared on its rows (`count`,
//! `count_where`, `sum`/`min`/`max` of a numeric field) and the rules, thresholds on those
//! metrics with the playbook's own code, severity, message and remediation.

use crate::health::templated::{Aggregate, TemplatedMetric, TemplatedRule, Threshold};
use crate::health::Severity;
use crate::parse::textfsm::{library, Library, TemplateSet};
use crate::Platform;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A `metrics:` entry of a templated command, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    pub name: String,
    /// `count: true`: the number of rows.
    #[serde(default)]
    pub count: bool,
    /// The number of rows whose fields have these values (a list field: contains it).
    pub count_where: Option<BTreeMap<String, String>>,
    pub sum: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
}

/// A `rules:` entry of a templated command, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub code: String,
    /// The name of one of the command's `metrics:`.
    pub metric: String,
    /// A finding when the metric is greater than this.
    pub above: Option<f64>,
    /// A finding when the metric is less than this.
    pub below: Option<f64>,
    pub severity: Severity,
    /// What was seen; `{value}`, `{threshold}` and `{metric}` are replaced.
    pub message: String,
    pub remediation: String,
}

/// `parser: textfsm`: the TextFSM path even where a built-in parser exists.
pub const FORCED: &str = "textfsm";

/// The template library of one playbook, opened on first need (a playbook without templated
/// commands never reads a template folder).
pub struct LazyLibrary {
    playbook_dir: Option<PathBuf>,
    lib: Option<Arc<Library>>,
}

impl LazyLibrary {
    pub fn new(playbook_dir: Option<PathBuf>) -> Self {
        LazyLibrary {
            playbook_dir,
            lib: None,
        }
    }

    pub fn get(&mut self) -> Result<Arc<Library>, String> {
        if let Some(l) = &self.lib {
            return Ok(l.clone());
        }
        let l = Library::configured(self.playbook_dir.as_deref())?;
        self.lib = Some(l.clone());
        Ok(l)
    }

    /// The field an error opening the library is reported at: the playbook's `templates:`
    /// when it names the folder, else the command that needed it.
    pub fn field<'a>(&self, command_field: &'a str) -> &'a str {
        if self.playbook_dir.is_some() {
            "templates"
        } else {
            command_field
        }
    }
}

/// How a command chose the TextFSM path.
pub enum Choice<'a> {
    /// No built-in parser: the index, if it has a template for the command.
    Index,
    /// `parser: textfsm`: the index, which must have one.
    Forced,
    /// `parser: textfsm:FILE`.
    File(&'a str),
}

/// The template set of one command; `Ok(None)`: the index has none (and none was required).
pub fn templates(
    lib: &Library,
    choice: Choice,
    platform: Platform,
    command: &str,
    playbook_dir: &Path,
) -> Result<Option<TemplateSet>, String> {
    match choice {
        Choice::Index => lib.lookup(platform, command),
        Choice::Forced => lib.lookup(platform, command)?.map(Some).ok_or_else(|| {
            format!(
                "{} has no template for `{command}` on {platform}",
                lib.describe()
            )
        }),
        Choice::File(f) => {
            // A path (relative to the playbook's folder), else a template of the library.
            let p = playbook_dir.join(f);
            if p.is_file() {
                return library::file(&p).map(Some);
            }
            if !f.contains('/') && lib.has(f) {
                return Ok(Some(TemplateSet {
                    parts: vec![lib.template(f)?],
                }));
            }
            Err(format!(
                "template `{f}` is neither a file ({}) nor a template of {}",
                p.display(),
                lib.describe()
            ))
        }
    }
}

/// The lowercased name of field `f` of the template, or why there is none.
fn check_field(fields: &[String], f: &str) -> Result<String, String> {
    let lower = f.to_lowercase();
    if fields.contains(&lower) {
        return Ok(lower);
    }
    Err(format!(
        "the template has no field `{f}` (its fields: {})",
        fields.join(", ")
    ))
}

/// Validate `metrics:` against the template's fields; `Err((field path suffix, message))`.
pub fn metrics(
    set: &TemplateSet,
    specs: &[&MetricSpec],
) -> Result<Vec<TemplatedMetric>, (String, String)> {
    let fields = set.fields();
    let mut out: Vec<TemplatedMetric> = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        let at = |k: &str| format!("[{i}]{k}");
        if !is_column_name(&s.name) {
            return Err((
                at(".name"),
                format!("`{}` is not a column name: lowercase letters, digits and `_`, starting with a letter", s.name),
            ));
        }
        if out.iter().any(|m| m.name == s.name) {
            return Err((
                at(".name"),
                format!("metric `{}` is declared twice", s.name),
            ));
        }
        let given = [
            s.count,
            s.count_where.is_some(),
            s.sum.is_some(),
            s.min.is_some(),
            s.max.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err((
                at(""),
                "give exactly one of `count: true`, `count_where: {field: value}`, `sum: FIELD`, `min: FIELD`, `max: FIELD`".into(),
            ));
        }
        let field = |k: &str, f: &str| check_field(&fields, f).map_err(|m| (at(k), m));
        let aggregate = if s.count {
            Aggregate::Count
        } else if let Some(w) = &s.count_where {
            if w.is_empty() {
                return Err((at(".count_where"), "name at least one field: value".into()));
            }
            let mut v = Vec::new();
            for (f, want) in w {
                v.push((field(&format!(".count_where.{f}"), f)?, want.clone()));
            }
            Aggregate::CountWhere(v)
        } else if let Some(f) = &s.sum {
            Aggregate::Sum(field(".sum", f)?)
        } else if let Some(f) = &s.min {
            Aggregate::Min(field(".min", f)?)
        } else if let Some(f) = &s.max {
            Aggregate::Max(field(".max", f)?)
        } else {
            Aggregate::Count
        };
        out.push(TemplatedMetric {
            name: Box::leak(s.name.clone().into_boxed_str()),
            aggregate,
        });
    }
    Ok(out)
}

fn is_column_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_code(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Validate `rules:` against the command's metrics; `Err((field path suffix, message))`.
pub fn rules(
    metrics: &[TemplatedMetric],
    specs: &[RuleSpec],
) -> Result<Vec<TemplatedRule>, (String, String)> {
    let mut out = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        let at = |k: &str| format!("[{i}]{k}");
        if !is_code(&s.code) {
            return Err((
                at(".code"),
                format!(
                    "`{}` is not a rule code: uppercase letters, digits and `_`",
                    s.code
                ),
            ));
        }
        if crate::health::RULES.iter().any(|r| r.code == s.code) {
            return Err((
                at(".code"),
                format!("`{}` is a built-in rule's code: choose another", s.code),
            ));
        }
        let Some(metric) = metrics.iter().position(|m| m.name == s.metric) else {
            return Err((
                at(".metric"),
                format!(
                    "no metric `{}` on this command (its metrics: {})",
                    s.metric,
                    metrics
                        .iter()
                        .map(|m| m.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let threshold = match (s.above, s.below) {
            (Some(x), None) if x.is_finite() => Threshold::Above(x),
            (None, Some(x)) if x.is_finite() => Threshold::Below(x),
            _ => {
                return Err((
                    at(""),
                    "give exactly one finite threshold, `above: N` or `below: N`".into(),
                ))
            }
        };
        for (k, v) in [(".message", &s.message), (".remediation", &s.remediation)] {
            if v.trim().is_empty() {
                return Err((at(k), "must not be empty".into()));
            }
        }
        out.push(TemplatedRule {
            code: s.code.clone(),
            metric,
            threshold,
            severity: s.severity,
            message: s.message.clone(),
            remediation: s.remediation.clone(),
        });
    }
    Ok(out)
}

/// The playbook's `templates:` folder, relative to the playbook's own folder.
pub fn templates_dir(playbook: &Path, dir: &str) -> PathBuf {
    playbook.parent().unwrap_or(Path::new(".")).join(dir)
}
