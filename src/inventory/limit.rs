//! `--limit` expressions: comma-separated device names, globs (`rtr-*`), `group:NAME`,
//! `platform:NAME`, `site:NAME` and `tag:NAME`; a device is selected when any term matches.

use super::Host;
use crate::error::ConfigError;
use crate::Platform;

#[derive(Debug, Clone)]
enum Term {
    Name(glob::Pattern),
    Group(String),
    Platform(Platform),
    Site(String),
    Tag(String),
}

#[derive(Debug, Clone)]
pub struct Limit {
    terms: Vec<(String, Term)>,
}

impl Limit {
    pub fn parse(expr: &str) -> Result<Limit, ConfigError> {
        let mut terms = Vec::new();
        for raw in expr.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let term = match raw.split_once(':') {
                Some(("group", g)) => Term::Group(g.to_string()),
                Some(("platform", p)) => Term::Platform(
                    p.parse()
                        .map_err(|e: String| ConfigError::msg(format!("--limit `{raw}`: {e}")))?,
                ),
                Some(("site", s)) => Term::Site(s.to_string()),
                Some(("tag", t)) => Term::Tag(t.to_string()),
                Some((k, _)) if !k.contains(['*', '?', '[']) => {
                    return Err(ConfigError::msg(format!(
                        "--limit `{raw}`: unknown selector `{k}:` (use group:, platform:, site:, tag: or a name/glob)"
                    )))
                }
                _ => Term::Name(glob::Pattern::new(raw).map_err(|e| {
                    ConfigError::msg(format!("--limit `{raw}`: bad glob: {e}"))
                })?),
            };
            terms.push((raw.to_string(), term));
        }
        if terms.is_empty() {
            return Err(ConfigError::msg("--limit is empty"));
        }
        Ok(Limit { terms })
    }

    pub fn matches(&self, h: &Host) -> bool {
        self.terms.iter().any(|(_, t)| match t {
            Term::Name(p) => p.matches(&h.name),
            Term::Group(g) => h.groups.iter().any(|x| x == g),
            Term::Platform(p) => h.platform == *p,
            Term::Site(s) => h.site.as_deref() == Some(s.as_str()),
            Term::Tag(t) => h.tags.iter().any(|x| x == t),
        })
    }

    /// Terms that select no device (worth a warning: usually a typo).
    pub fn unmatched<'a>(&'a self, hosts: &[Host]) -> Vec<&'a str> {
        self.terms
            .iter()
            .filter(|(_, t)| {
                !hosts.iter().any(|h| {
                    Limit {
                        terms: vec![(String::new(), t.clone())],
                    }
                    .matches(h)
                })
            })
            .map(|(raw, _)| raw.as_str())
            .collect()
    }
}
