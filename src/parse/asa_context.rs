//! ASA `show context` (multiple-context mode): one row per security context with its
//! resource class, allocated interfaces, firewall mode and configuration URL; the admin
//! context is marked `*`. Format of the ASA 9.x configuration guide (Monitoring Security
//! Contexts) and of real captures:
//!
//! ```text
//! Context Name      Class                Interfaces           Mode         URL
//! *admin            default              GigabitEthernet0/1.100 Routed     disk0:/admin.cfg
//!                                        GigabitEthernet0/1.101
//!  ctx-a            gold                 Vlan100,Vlan200      Transparent  disk0:/ctx-a.cfg
//! Total active Security Contexts: 2
//! ```
//!
//! A long interface list wraps onto indented continuation lines (one interface each, or
//! comma-separated chunks, the last possibly cut short with `...`). In the system execution
//! space every context is listed; inside a context, only that context. The session reads the
//! names with [`context_names`] to know where `changeto context` may go.

use super::isakmp::{device_error, is_echo_or_prompt};
use super::text::{self, device_enum};
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

device_enum! {
    /// A context's firewall mode (`Mode` column).
    FirewallMode {
        Routed => "Routed",
        Transparent => "Transparent",
    }
}

/// One row of `show context`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityContext {
    /// As printed, without the admin marker; case-sensitive, as the ASA compares it.
    pub name: String,
    /// Marked `*`: the admin context.
    #[serde(default)]
    pub admin: bool,
    /// Resource class (`default` unless the context was given another).
    pub class: String,
    /// Allocated interfaces (mapped names where the context was given them), in order.
    #[serde(default)]
    pub interfaces: Vec<String>,
    /// The list ended in `...`: the ASA printed only its start.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interfaces_truncated: bool,
    pub mode: FirewallMode,
    /// The configuration URL (`disk0:/admin.cfg`, `tftp://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `show context`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecurityContexts {
    pub contexts: Vec<SecurityContext>,
    /// `Total active Security Contexts: N`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_active: Option<u32>,
}

impl SecurityContexts {
    /// The admin context's name, when the listing marks one.
    pub fn admin(&self) -> Option<&str> {
        self.contexts
            .iter()
            .find(|c| c.admin)
            .map(|c| c.name.as_str())
    }
}

/// `Routed` / `Transparent` (any case) as a mode word of the `Mode` column.
fn mode_word(w: &str) -> Option<FirewallMode> {
    ["Routed", "Transparent"]
        .iter()
        .find(|m| m.eq_ignore_ascii_case(w))
        .map(|m| FirewallMode::from(m.to_string()))
}

/// The command's echo without a prompt before it (`show context`, `sh cont`).
fn is_echo(lower: &str) -> bool {
    let w: Vec<&str> = lower.split_whitespace().collect();
    matches!(w.as_slice(), [s, c] if s.len() >= 2 && "show".starts_with(s) && c.len() >= 3 && "context".starts_with(c))
}

/// Add the interfaces of one cell or continuation line (`Vlan1,Vlan2,` / `Gi0/1.101`).
fn push_interfaces(ctx: &mut SecurityContext, cell: &str) {
    for part in cell.split([',', ' ', '\t']) {
        let part = part.trim();
        let part = match part.strip_suffix("...") {
            Some(p) => {
                ctx.interfaces_truncated = true;
                p
            }
            None => part,
        };
        if !part.is_empty() {
            ctx.interfaces.push(part.to_string());
        }
    }
}

/// Parse ASA `show context`.
pub fn parse_show_context(input: &str) -> Result<SecurityContexts, ParseError> {
    let mut out = SecurityContexts::default();
    let mut header = false;
    let lines = text::lines(input);
    // A CLI error (after the echo and the `^` marker line) is the answer.
    if let Some((n, e)) = lines
        .iter()
        .find_map(|(n, l)| device_error(l).map(|e| (*n, e.to_string())))
    {
        return Err(ParseError::new(n, format!("device error: {e}")));
    }
    for (n, line) in lines {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("context name") {
            header = true;
            continue;
        }
        if !header && is_echo(&lower) {
            continue;
        }
        if !header {
            return Err(ParseError::new(
                n,
                format!(
                    "not a `show context` output (expected the `Context Name … URL` header): `{t}`"
                ),
            ));
        }
        if let Some(v) = lower.strip_prefix("total active security contexts:") {
            out.total_active = Some(
                v.trim()
                    .parse()
                    .map_err(|_| ParseError::new(n, format!("bad context count in `{t}`")))?,
            );
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        let mode_at = words
            .iter()
            .enumerate()
            .skip(2)
            .find_map(|(i, w)| mode_word(w).map(|m| (i, m)));
        if let Some((i, mode)) = mode_at {
            let (first, class) = (words[0], words[1]);
            let (admin, name) = match first.strip_prefix('*') {
                Some(rest) => (true, rest),
                None => (false, first),
            };
            if name.is_empty() {
                return Err(ParseError::new(
                    n,
                    format!("context row without a name: `{t}`"),
                ));
            }
            let mut ctx = SecurityContext {
                name: name.to_string(),
                admin,
                class: class.to_string(),
                interfaces: Vec::new(),
                interfaces_truncated: false,
                mode,
                url: Some(words[i + 1..].join(" ")).filter(|u| !u.is_empty()),
            };
            push_interfaces(&mut ctx, &words[2..i].join(" "));
            out.contexts.push(ctx);
            continue;
        }
        // A wrapped interface list is indented under its column; a row of its own is not.
        let indented = line.len() - line.trim_start().len() >= 2;
        match out.contexts.last_mut() {
            Some(ctx) if indented => push_interfaces(ctx, t),
            _ => {
                return Err(ParseError::new(
                    n,
                    format!("unrecognised `show context` line: `{t}`"),
                ))
            }
        }
    }
    if !header {
        return Err(ParseError::new(
            0,
            "empty output or no `Context Name` header",
        ));
    }
    Ok(out)
}

/// The context names `show context` lists, in its order: what the session may navigate to.
/// The session layer is handed this function by the plan, so it needs no parser of its own.
pub fn context_names(input: &str) -> Result<Vec<String>, String> {
    parse_show_context(input)
        .map(|r| r.contexts.into_iter().map(|c| c.name).collect())
        .map_err(|e| e.to_string())
}

fn parse_record(input: &str) -> Result<Record, ParseError> {
    parse_show_context(input).map(Record::from)
}

const METRICS: &[Metric] = &[
    Metric {
        name: "asa_contexts_listed",
        help: "ASA security contexts `show context` lists (all of them in the system execution space, the current one inside a context)",
        get: |r| SecurityContexts::of(r).map(|s| s.contexts.len().to_string()),
    },
    Metric {
        name: "asa_contexts_active",
        help: "ASA `Total active Security Contexts: N`",
        get: |r| SecurityContexts::of(r).and_then(|s| s.total_active.map(|n| n.to_string())),
    },
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "asa_show_context",
        command: "show context",
        args: &[],
        platforms: &[Platform::CiscoAsa],
        parse: parse_record,
        metrics: METRICS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
asa-mc# show context
Context Name      Class      Interfaces           Mode         URL
*admin            default    GigabitEthernet0/1.100 Routed     disk0:/admin.cfg
                             GigabitEthernet0/1.101
 contexta         default    GigabitEthernet0/1.200 Routed     disk0:/contexta.cfg
                             GigabitEthernet0/1.201
 contextb         gold       Vlan300,Vlan301,     Transparent  disk0:/contextb.cfg
                             Vlan302...
Total active Security Contexts: 3
asa-mc# ";

    #[test]
    fn rows_wrapped_interfaces_admin_and_total() {
        let r = parse_show_context(DOC).unwrap();
        assert_eq!(r.total_active, Some(3));
        assert_eq!(r.admin(), Some("admin"));
        let names: Vec<&str> = r.contexts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["admin", "contexta", "contextb"]);
        let a = &r.contexts[0];
        assert!(a.admin);
        assert_eq!(a.class, "default");
        assert_eq!(
            a.interfaces,
            ["GigabitEthernet0/1.100", "GigabitEthernet0/1.101"]
        );
        assert_eq!(a.mode, FirewallMode::Routed);
        assert_eq!(a.url.as_deref(), Some("disk0:/admin.cfg"));
        let b = &r.contexts[2];
        assert!(!b.admin);
        assert_eq!(b.class, "gold");
        assert_eq!(b.mode, FirewallMode::Transparent);
        assert_eq!(b.interfaces, ["Vlan300", "Vlan301", "Vlan302"]);
        assert!(b.interfaces_truncated);
        assert_eq!(
            context_names(DOC).unwrap(),
            ["admin", "contexta", "contextb"]
        );
    }

    #[test]
    fn errors_and_strangers_are_values() {
        let e = parse_show_context("ERROR: % Invalid input detected at '^' marker.\n").unwrap_err();
        assert!(e.message.contains("device error"), "{e}");
        assert!(parse_show_context("").is_err());
        assert!(parse_show_context("Security context mode: multiple\n").is_err());
        // A row-like line that is neither a context nor a wrapped list.
        let e = parse_show_context("Context Name Class Interfaces Mode URL\nbogus line here\n")
            .unwrap_err();
        assert_eq!(e.line, 2);
        // Cut short after the header: no contexts, no total, still a listing.
        let r = parse_show_context("Context Name Class Interfaces Mode URL\n").unwrap();
        assert!(r.contexts.is_empty() && r.total_active.is_none());
    }
}
