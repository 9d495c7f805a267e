//! `accelerator mapi verify encryption-settings` (WAAS 5.0.3+): per-component checks for
//! encrypted-MAPI acceleration, grouped `[EDGE:]` / `[CORE:]`, each group closed by a summary.
//!
//! Layout from the seed: the healthy core-WAE sample is printed line by line; the misconfigured
//! sample is flattened and reconstructed here as (embedded tables indented under the status):
//!
//! ```text
//! [EDGE:]
//! Verifying Mapi Accelerator State
//! --------------------------------------------------------
//!      Status: FAILED
//!      Accelerator     Config State    Operational State
//!      -----------     ------------    -----------------
//!      mapi            Disabled        Shutdown
//!      >>Mapi Accelerator should be Enabled
//!      >>Mapi Accelerator should be in Running state
//! ...
//! Summary [EDGE]:
//! --------------------------------------------------------
//!      Device has to be properly configured for one or more components
//! [CORE:]
//! Verifying encryption-service State
//! ...
//! Summary [CORE]: Applicable only on CORE WAEs
//! --------------------------------------------------------
//!      Device has proper configuration to accelerate encrypted traffic
//! ```
//!
//! The seed also shows `>>Accelerator Config State Operational State`: a table heading behind
//! `>>`; such lines are kept as table details, not as reasons.

use super::common::{device_enum, device_lines, is_rule, norm, split_kv, unrecognised};
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};

device_enum! {
    /// A component's `Status:`.
    VerifyStatus { Ok => "OK", Failed => "FAILED" }
}

device_enum! {
    /// Which side of the eMAPI path a group of checks applies to.
    VerifyRole { Edge => "EDGE", Core => "CORE" }
}

/// One `Verifying ...` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyComponent {
    /// The text after `Verifying ` (`Mapi Accelerator State`, `NTP State`).
    pub name: String,
    /// `None` only when the output was cut before the status line.
    pub status: Option<VerifyStatus>,
    /// The `>>` lines: what is missing and how to fix it.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Embedded table lines (headings and rows) as printed, trimmed.
    #[serde(default)]
    pub details: Vec<String>,
}

/// One `[EDGE:]` / `[CORE:]` group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyGroup {
    /// `None` when the output did not name the group (components before any heading).
    pub role: Option<VerifyRole>,
    pub components: Vec<VerifyComponent>,
    /// The summary sentence.
    pub summary: Option<String>,
    /// Text after `Summary [CORE]:` on the same line (`Applicable only on CORE WAEs`).
    pub summary_note: Option<String>,
}

impl VerifyGroup {
    /// Whether the summary says the device is properly configured.
    pub fn summary_ok(&self) -> Option<bool> {
        let s = norm(self.summary.as_deref()?);
        if s.contains("has proper configuration") {
            Some(true)
        } else if s.contains("has to be properly configured") {
            Some(false)
        } else {
            None
        }
    }
    pub fn failed(&self) -> usize {
        self.components
            .iter()
            .filter(|c| c.status == Some(VerifyStatus::Failed))
            .count()
    }
}

/// `accelerator mapi verify encryption-settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapiEncryptionVerify {
    pub groups: Vec<VerifyGroup>,
}

impl MapiEncryptionVerify {
    pub fn group(&self, role: VerifyRole) -> Option<&VerifyGroup> {
        self.groups.iter().find(|g| g.role.as_ref() == Some(&role))
    }
    /// FAILED components over all groups.
    pub fn failed(&self) -> usize {
        self.groups.iter().map(|g| g.failed()).sum()
    }
}

/// `[EDGE:]`, `[EDGE]`, `[CORE:]` → role.
fn group_heading(t: &str) -> Option<VerifyRole> {
    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
    let inner = inner.trim().trim_end_matches(':').trim();
    if inner.is_empty() || inner.contains(' ') {
        return None;
    }
    Some(inner.into())
}

fn is_table_heading(n: &str) -> bool {
    n.contains("config state") || n.starts_with("accelerator config item")
}

enum At {
    Nothing,
    Component,
    Summary,
}

/// `accelerator mapi verify encryption-settings`
pub fn parse_mapi_encryption_verify(text: &str) -> Result<MapiEncryptionVerify, ParseError> {
    let lines = device_lines(text)?;
    let mut groups: Vec<VerifyGroup> = Vec::new();
    let mut at = At::Nothing;
    let new_group = |role| VerifyGroup {
        role,
        components: Vec::new(),
        summary: None,
        summary_note: None,
    };
    for l in &lines {
        let t = l.text.trim();
        let n = norm(t);
        if is_rule(t) {
            continue;
        }
        if let Some(role) = group_heading(t) {
            groups.push(new_group(Some(role)));
            at = At::Nothing;
            continue;
        }
        if let Some(name) = t.strip_prefix("Verifying ").or_else(|| {
            n.starts_with("verifying ")
                .then(|| t.get("verifying ".len()..))
                .flatten()
        }) {
            if groups.is_empty() {
                groups.push(new_group(None));
            }
            if let Some(g) = groups.last_mut() {
                g.components.push(VerifyComponent {
                    name: name.trim().to_string(),
                    status: None,
                    reasons: Vec::new(),
                    details: Vec::new(),
                });
            }
            at = At::Component;
            continue;
        }
        if n.starts_with("summary") {
            // `Summary [CORE]: Applicable only on CORE WAEs`
            let role = t
                .find('[')
                .and_then(|i| t.get(i..))
                .and_then(|s| s.find(']').and_then(|j| s.get(..=j)))
                .and_then(group_heading);
            let after = match t.find(']') {
                Some(j) => t.get(j + 1..).unwrap_or(""),
                None => t.split_once(':').map(|(_, v)| v).unwrap_or(""),
            };
            let note = Some(after.trim_start_matches(':').trim())
                .filter(|v| !v.is_empty())
                .map(str::to_string);
            let idx = role
                .as_ref()
                .and_then(|r| groups.iter().rposition(|g| g.role.as_ref() == Some(r)));
            let idx = match idx {
                Some(i) => i,
                None => {
                    if groups.is_empty() {
                        groups.push(new_group(role));
                    }
                    groups.len() - 1
                }
            };
            // Keep the summary's group last so its sentence lands there.
            if idx + 1 != groups.len() {
                let g = groups.remove(idx);
                groups.push(g);
            }
            if let Some(g) = groups.last_mut() {
                g.summary_note = note;
            }
            at = At::Summary;
            continue;
        }
        match at {
            At::Nothing => {}
            At::Summary => {
                if let Some(g) = groups.last_mut() {
                    match &mut g.summary {
                        None => g.summary = Some(t.to_string()),
                        Some(s) => {
                            s.push(' ');
                            s.push_str(t);
                        }
                    }
                }
            }
            At::Component => {
                let Some(c) = groups.last_mut().and_then(|g| g.components.last_mut()) else {
                    continue;
                };
                if let Some(r) = t.strip_prefix(">>") {
                    let r = r.trim();
                    if is_table_heading(&norm(r)) {
                        c.details.push(r.to_string());
                    } else if !r.is_empty() {
                        c.reasons.push(r.to_string());
                    }
                    continue;
                }
                if let Some((k, v)) = split_kv(t) {
                    if k == "status" {
                        let v = v.split_whitespace().next().unwrap_or("");
                        if v.is_empty() {
                            return Err(ParseError::new(l.no, "empty Status"));
                        }
                        c.status = Some(v.into());
                        continue;
                    }
                }
                c.details.push(t.to_string());
            }
        }
    }
    if groups
        .iter()
        .all(|g| g.components.is_empty() && g.summary.is_none())
    {
        return Err(unrecognised(
            &lines,
            "`[EDGE:]` / `Verifying ...` / `Status:` lines",
        ));
    }
    Ok(MapiEncryptionVerify { groups })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_seed_sample() {
        let t = "Core#acc mapi verify encryption-settings [EDGE:]\nVerifying Mapi Accelerator State\n_____\n     Status: OK\nVerifying NTP State\n-----\n    Status: OK\nSummary [EDGE]:\n_____\n    Device has proper configuration to accelerate encrypted traffic\n[CORE:]\nVerifying encryption-service State\n-----\n     Status: OK\nSummary [CORE]: Applicable only on CORE WAEs\n-----\n     Device has proper configuration to accelerate encrypted traffic\n";
        let v = parse_mapi_encryption_verify(t).unwrap();
        assert_eq!(v.groups.len(), 2);
        let e = v.group(VerifyRole::Edge).unwrap();
        assert_eq!(e.components.len(), 2);
        assert_eq!(e.summary_ok(), Some(true));
        let c = v.group(VerifyRole::Core).unwrap();
        assert_eq!(
            c.summary_note.as_deref(),
            Some("Applicable only on CORE WAEs")
        );
        assert_eq!(c.summary_ok(), Some(true));
        assert_eq!(v.failed(), 0);
    }

    #[test]
    fn failed_with_reasons_and_tables() {
        let t = "[EDGE:]\nVerifying SSL Accelerator State\n----\n     Status: FAILED\n     >>Accelerator     Config State    Operational State\n     ssl     Disabled    Shutdown\n     >>SSL Accelerator should be Enabled\nSummary [EDGE]:\n----\n     Device has to be properly configured for one or more components\n";
        let v = parse_mapi_encryption_verify(t).unwrap();
        let g = &v.groups[0];
        assert_eq!(g.components[0].status, Some(VerifyStatus::Failed));
        assert_eq!(
            g.components[0].reasons,
            vec!["SSL Accelerator should be Enabled"]
        );
        assert_eq!(g.components[0].details.len(), 2);
        assert_eq!(g.summary_ok(), Some(false));
        assert_eq!(v.failed(), 1);
        assert!(parse_mapi_encryption_verify("hello\n").is_err());
    }
}
