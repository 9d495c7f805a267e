//! The rule catalogue. PLACEHOLDER: being written (one rule per documented symptom).

use super::{Finding, Severity};
use crate::parse::Record;
use crate::Platform;
use serde::Deserialize;

pub const COMMAND_FAILED_REMEDIATION: &str =
    "Check that the command exists on this software version and that the account may run it; see the JSONL error.";

/// What a rule is, for `--help`, the README and validation of playbook codes.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub remediation: &'static str,
    /// The seed section the rule comes from.
    pub source: &'static str,
}

pub const RULES: &[RuleInfo] = &[RuleInfo {
    code: "COMMAND_FAILED",
    severity: Severity::Warning,
    summary: "a command was rejected, timed out or its output did not parse",
    remediation: COMMAND_FAILED_REMEDIATION,
    source: "fleetpoll",
}];

/// Thresholds from the playbook's `health.thresholds`, with documented defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {}

#[allow(clippy::derivable_impls)]
impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {}
    }
}

impl Thresholds {
    /// `Err((field, message))` for a value out of range.
    pub fn validate(&self) -> Result<(), (String, String)> {
        Ok(())
    }
}

/// Run every rule that reads `rec`, reporting findings through `emit`.
pub fn check_record(_rec: &Record, _platform: Platform, _t: &Thresholds, _emit: &mut dyn FnMut(Finding)) {}
