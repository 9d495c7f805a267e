//! `--limit` as Ansible writes it: comma-separated terms (names, globs, `group:`, `platform:`,
//! `site:`, `tag:`); plain terms are a union, `&term` must also match, `!term` is taken out.
//! A selector naming a group, site, tag or device the inventory lacks is an error, not "none".

use super::{Host, Inventory};
use crate::error::ConfigError;
use crate::Platform;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
enum Selector {
    /// A device name; `literal` when it has no glob characters, so it must name a device.
    Name {
        pattern: glob::Pattern,
        literal: bool,
    },
    Group(String),
    Platform(Platform),
    Site(String),
    Tag(String),
}

/// How a term combines with the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// A plain term: the selection is the union of these (every device when there is none).
    Union,
    /// `&term`: a selected device must also match this.
    Intersect,
    /// `!term`: a device matching this is never selected.
    Exclude,
}

#[derive(Debug, Clone)]
struct Term {
    /// As written (operator included), for messages.
    raw: String,
    op: Op,
    sel: Selector,
}

#[derive(Debug, Clone)]
pub struct Limit {
    expr: String,
    terms: Vec<Term>,
}

/// Characters that make a name term a glob (`glob::Pattern` syntax).
const GLOB_CHARS: [char; 3] = ['*', '?', '['];

/// What a term may be, for the message about one that is none of these.
const SELECTORS: &str = "use group:, platform:, site:, tag: or a name/glob";

/// Known values listed in an "unknown selector" message before the rest is only counted.
const MAX_LISTED: usize = 20;

impl Limit {
    pub fn parse(expr: &str) -> Result<Limit, ConfigError> {
        let mut terms = Vec::new();
        // Ansible also splits on `:`, but here `:` belongs to `group:NAME` and the like.
        for raw in expr.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let bad = |why: String| ConfigError::msg(format!("--limit `{raw}`: {why}"));
            let (op, body) = if let Some(rest) = raw.strip_prefix('&') {
                (Op::Intersect, rest.trim_start())
            } else if let Some(rest) = raw.strip_prefix('!') {
                (Op::Exclude, rest.trim_start())
            } else {
                (Op::Union, raw)
            };
            if body.is_empty() {
                return Err(bad(format!(
                    "`{raw}` needs a term after it, e.g. `{raw}group:lab`"
                )));
            }
            if op != Op::Union && body.starts_with(['&', '!']) {
                return Err(bad("one operator per term: `&` (and) or `!` (not)".into()));
            }
            let value = |kind: &str, v: &str| {
                if v.is_empty() {
                    Err(bad(format!("no {kind} name after `{kind}:`")))
                } else {
                    Ok(v.to_string())
                }
            };
            let sel = match body.split_once(':') {
                Some(("group", g)) => Selector::Group(value("group", g)?),
                Some(("platform", p)) => Selector::Platform(
                    p.parse()
                        .map_err(|e: crate::platform_id::UnknownPlatform| bad(e.into()))?,
                ),
                Some(("site", s)) => Selector::Site(value("site", s)?),
                Some(("tag", t)) => Selector::Tag(value("tag", t)?),
                Some((k, _)) if !k.contains(GLOB_CHARS) => {
                    return Err(bad(format!("unknown selector `{k}:` ({SELECTORS})")));
                }
                _ => Selector::Name {
                    pattern: glob::Pattern::new(body).map_err(|e| bad(format!("bad glob: {e}")))?,
                    literal: !body.contains(GLOB_CHARS),
                },
            };
            terms.push(Term {
                raw: raw.to_string(),
                op,
                sel,
            });
        }
        if terms.is_empty() {
            return Err(ConfigError::msg("--limit is empty"));
        }
        Ok(Limit {
            expr: expr.trim().to_string(),
            terms,
        })
    }

    /// Whether `h` is selected: it matches a plain term (or there is none), every `&` term
    /// and no `!` term. Per device, this is Ansible's union, then intersections, then
    /// exclusions, whatever order the terms are written in.
    pub fn matches(&self, h: &Host) -> bool {
        let mut plain = self.terms.iter().filter(|t| t.op == Op::Union).peekable();
        let in_union = plain.peek().is_none() || plain.any(|t| t.sel.matches(h));
        in_union
            && self.terms.iter().all(|t| match t.op {
                Op::Union => true,
                Op::Intersect => t.sel.matches(h),
                Op::Exclude => !t.sel.matches(h),
            })
    }

    /// The devices of `inv` this limit selects, in inventory order, with warnings for globs,
    /// platforms and groups that match no device. A group, site or tag the inventory does
    /// not have, a device name it lacks, or a limit that selects nothing is an error.
    pub fn select(&self, inv: &Inventory) -> Result<(Vec<Host>, Vec<String>), ConfigError> {
        let mut warnings = Vec::new();
        for t in &self.terms {
            if inv.hosts.iter().any(|h| t.sel.matches(h)) {
                continue;
            }
            match t.sel.unknown(inv) {
                Some(why) => return Err(ConfigError::msg(format!("--limit `{}`: {why}", t.raw))),
                None => warnings.push(format!("--limit term `{}` selects no device", t.raw)),
            }
        }
        let hosts: Vec<Host> = inv
            .hosts
            .iter()
            .filter(|h| self.matches(h))
            .cloned()
            .collect();
        if hosts.is_empty() {
            return Err(ConfigError::msg(format!(
                "--limit `{}` selects none of the {} devices in {}",
                self.expr,
                inv.hosts.len(),
                inv.path.display()
            )));
        }
        Ok((hosts, warnings))
    }
}

impl Selector {
    fn matches(&self, h: &Host) -> bool {
        match self {
            Selector::Name { pattern, .. } => pattern.matches(&h.name),
            Selector::Group(g) => h.groups.iter().any(|x| x == g),
            Selector::Platform(p) => h.platform == *p,
            Selector::Site(s) => h.site.as_deref() == Some(s.as_str()),
            Selector::Tag(t) => h.tags.iter().any(|x| x == t),
        }
    }

    /// Why this selector names something `inv` does not have (None: it exists, or it is a
    /// glob or platform, which may fairly match nothing in one inventory).
    fn unknown(&self, inv: &Inventory) -> Option<String> {
        let file = inv.path.display();
        let listed = |what: &str, known: BTreeSet<&str>| {
            if known.is_empty() {
                return match what {
                    "group" => "it defines no groups".to_string(),
                    _ => format!("no device has a {what}"),
                };
            }
            let mut s = known
                .iter()
                .take(MAX_LISTED)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            if known.len() > MAX_LISTED {
                s.push_str(&format!(", … ({} more)", known.len() - MAX_LISTED));
            }
            format!("{what}s: {s}")
        };
        match self {
            Selector::Name {
                pattern,
                literal: true,
            } => Some(format!("no device named `{}` in {file}", pattern.as_str())),
            Selector::Group(g) if !inv.groups.contains(g) => Some(format!(
                "no group `{g}` in {file} ({})",
                listed("group", inv.groups.iter().map(String::as_str).collect())
            )),
            Selector::Site(s) => Some(format!(
                "no site `{s}` in {file} ({})",
                listed(
                    "site",
                    inv.hosts.iter().filter_map(|h| h.site.as_deref()).collect()
                )
            )),
            Selector::Tag(t) => Some(format!(
                "no tag `{t}` in {file} ({})",
                listed(
                    "tag",
                    inv.hosts
                        .iter()
                        .flat_map(|h| h.tags.iter().map(String::as_str))
                        .collect()
                )
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
