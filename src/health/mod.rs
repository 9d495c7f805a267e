//! Health judgement: small pure rules over typed records, one per symptom the Cisco guides
//! document (see `rules`), turned into findings with a severity, evidence and remediation,
//! and a device-level health (`ok`, `warning`, `critical`, `unknown`).

pub mod clock;
pub mod counters;
pub mod rules;
pub mod templated;

pub use rules::{RuleInfo, Thresholds, RULES};

pub use crate::outcome::{Finding, Health, Severity};

use crate::outcome::{CommandStatus, DeviceReport};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The playbook's `health:` section, validated.
#[derive(Debug, Clone, Default)]
pub struct HealthConfig {
    pub thresholds: Thresholds,
    pub disabled: BTreeSet<String>,
    pub severity: BTreeMap<String, Severity>,
    /// The playbook's rules on templated (TextFSM) commands.
    pub templated: templated::TemplatedRules,
}

/// The `health:` section as written in a playbook.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthSection {
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Rule codes not to evaluate.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Per-code severity overrides.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

impl HealthSection {
    /// Check codes and thresholds; `Err((field, message))` names the offending key.
    pub fn validate(self) -> Result<HealthConfig, (String, String)> {
        self.validate_with(&[])
    }

    /// [`validate`](Self::validate), where `extra` are the codes of the playbook's own rules
    /// (on templated commands), which `disable` and `severity` may name too.
    pub fn validate_with(self, extra: &[&str]) -> Result<HealthConfig, (String, String)> {
        self.thresholds
            .validate()
            .map_err(|(f, m)| (format!("health.thresholds.{f}"), m))?;
        let known = |c: &str| RULES.iter().any(|r| r.code == c) || extra.contains(&c);
        let list = || {
            RULES
                .iter()
                .map(|r| r.code)
                .chain(extra.iter().copied())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (i, c) in self.disable.iter().enumerate() {
            if !known(c) {
                return Err((
                    format!("health.disable[{i}]"),
                    format!("unknown rule code `{c}` (known: {})", list()),
                ));
            }
        }
        for c in self.severity.keys() {
            if !known(c) {
                return Err((
                    format!("health.severity.{c}"),
                    format!("unknown rule code `{c}` (known: {})", list()),
                ));
            }
        }
        Ok(HealthConfig {
            thresholds: self.thresholds,
            disabled: self.disable.into_iter().collect(),
            severity: self.severity,
            templated: Default::default(),
        })
    }
}

/// Every finding for one device: command failures, then each parsed record's rules.
pub fn evaluate(report: &DeviceReport, cfg: &HealthConfig) -> Vec<Finding> {
    evaluate_at(report, cfg, clock::DeviceClock::of_report(report).as_ref())
}

/// [`evaluate`] with the device's clock already worked out (see [`clock::DeviceClock`]).
pub fn evaluate_at(
    report: &DeviceReport,
    cfg: &HealthConfig,
    clock: Option<&clock::DeviceClock>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &report.commands {
        let cut = c
            .truncated_by
            .map(|k| format!(" (output cut short by {})", k.describe()))
            .unwrap_or_default();
        match c.status {
            CommandStatus::Ok | CommandStatus::Raw => {}
            s => out.push(Finding {
                code: rules::COMMAND_FAILED.code.into(),
                severity: rules::COMMAND_FAILED.severity,
                subject: c.command.clone(),
                message: format!("`{}` gave no usable output ({}){cut}", c.command, s.id()),
                evidence: c.error.clone().unwrap_or_default(),
                remediation: rules::COMMAND_FAILED_REMEDIATION.into(),
                command: Some(c.command.clone()),
                standing: None,
            }),
        }
        if let Some(kind) = c.truncated_by {
            // A partial list is not judged: a missing SA may only be past the cut.
            if c.status == CommandStatus::Ok {
                let mut f = rules::incomplete(&c.command, kind);
                f.command = Some(c.command.clone());
                out.push(f);
            }
            continue;
        }
        if let Some(crate::parse::Record::Textfsm(t)) = c.record.as_deref() {
            if let Some(plan) = cfg.templated.plan(report.platform, &c.command) {
                plan.judge(t, &mut |mut f: Finding| {
                    f.command = Some(c.command.clone());
                    out.push(f);
                });
            }
        }
        if let Some(rec) = &c.record {
            rules::check_record_at(
                rec,
                report.platform,
                &cfg.thresholds,
                clock,
                &mut |mut f: Finding| {
                    f.command = Some(c.command.clone());
                    out.push(f);
                },
            );
        }
    }
    let records: Vec<(&str, &crate::parse::Record)> = report
        .commands
        .iter()
        .filter_map(|c| Some((c.command.as_str(), c.record.as_deref()?)))
        .collect();
    rules::check_device(&records, report.platform, &cfg.thresholds, &mut |f| {
        out.push(f)
    });
    configure(&mut out, cfg);
    out
}

/// Drop the findings whose code the playbook disables and apply its severity overrides.
pub fn configure(findings: &mut Vec<Finding>, cfg: &HealthConfig) {
    findings.retain(|f| !cfg.disabled.contains(&f.code));
    for f in findings {
        if let Some(s) = cfg.severity.get(&f.code) {
            f.severity = *s;
        }
    }
}

/// `unknown` when not polled, else the worst finding's severity (info does not count).
pub fn health_of(report: &DeviceReport, findings: &[Finding]) -> Health {
    if !report.polled() {
        return Health::Unknown;
    }
    match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Critical) => Health::Critical,
        Some(Severity::Warning) => Health::Warning,
        _ => Health::Ok,
    }
}
