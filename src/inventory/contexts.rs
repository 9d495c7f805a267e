//! `asa_contexts: all | [names]`: which security contexts of an ASA in multiple-context mode
//! are polled, each as its own row. Names are validated here, at plan time, so that nothing but
//! one safe word can ever follow the `changeto context` the session types.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest ASA context name (the `context` command takes up to 32 characters).
pub const MAX_CONTEXT_NAME: usize = 32;

/// A security context name fleetpoll will type after `changeto context`: 1 to 32 ASCII
/// letters, digits, `-`, `_` or `.`, not starting or ending with `-`, and not one of the
/// names the ASA reserves (`system`, `null`, in any case). Compared case-sensitively, as the
/// ASA does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct ContextName(String);

/// Why a name cannot be a [`ContextName`]; the text follows the field name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadContextName {
    #[error("context name is empty")]
    Empty,
    #[error("context name `{0}` is longer than 32 characters")]
    TooLong(String),
    #[error("context name `{name}` has `{}` at character {}: only letters, digits, `-`, `_` and `.` (no spaces), as the ASA allows", c.escape_debug(), pos + 1)]
    Character { name: String, pos: usize, c: char },
    #[error("context name `{0}` starts or ends with `-`, which the ASA does not allow")]
    Hyphen(String),
    #[error("`{0}` is a name the ASA reserves (System, Null), never a context")]
    Reserved(String),
}

impl ContextName {
    pub fn new(name: &str) -> Result<ContextName, BadContextName> {
        if name.is_empty() {
            return Err(BadContextName::Empty);
        }
        // Printed escaped in errors: whatever was written, the message stays one line.
        let shown = || name.escape_debug().to_string();
        if let Some((pos, c)) = name
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(BadContextName::Character {
                name: shown(),
                pos,
                c,
            });
        }
        if name.len() > MAX_CONTEXT_NAME {
            return Err(BadContextName::TooLong(shown()));
        }
        if name.starts_with('-') || name.ends_with('-') {
            return Err(BadContextName::Hyphen(shown()));
        }
        if name.eq_ignore_ascii_case("system") || name.eq_ignore_ascii_case("null") {
            return Err(BadContextName::Reserved(shown()));
        }
        Ok(ContextName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContextName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<ContextName> for String {
    fn from(c: ContextName) -> String {
        c.0
    }
}

/// Which contexts a device's rows are: every one `show context` lists, or these, in this
/// order (a listed name the device does not have is a failed row of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextSelection {
    All,
    Named(Vec<ContextName>),
}

/// `asa_contexts` as written: the word `all`, or a list of names (checked by [`validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AsaContextsSetting {
    Word(String),
    Names(Vec<String>),
}

/// The setting as a selection, or the message for the field (`at` is its path; list entries
/// are reported at `at[i]`).
pub fn validate(
    setting: &AsaContextsSetting,
    at: &str,
) -> Result<ContextSelection, (String, String)> {
    match setting {
        AsaContextsSetting::Word(w) if w == "all" => Ok(ContextSelection::All),
        AsaContextsSetting::Word(w) => Err((
            at.to_string(),
            format!(
                "`{}` is not a context selection: write `all` or a list of context names (`[admin, ctx-a]`)",
                w.escape_debug()
            ),
        )),
        AsaContextsSetting::Names(names) if names.is_empty() => Err((
            at.to_string(),
            "an empty list polls nothing: list the contexts, or write `all`".into(),
        )),
        AsaContextsSetting::Names(names) => {
            let mut out: Vec<ContextName> = Vec::with_capacity(names.len());
            for (i, n) in names.iter().enumerate() {
                let c = ContextName::new(n).map_err(|e| (format!("{at}[{i}]"), e.to_string()))?;
                if out.contains(&c) {
                    return Err((
                        format!("{at}[{i}]"),
                        format!("context `{c}` is listed twice"),
                    ));
                }
                out.push(c);
            }
            Ok(ContextSelection::Named(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_safe_word() {
        for ok in ["admin", "ctx-a", "CUST_066.dmz", "a", &"x".repeat(32)] {
            assert_eq!(ContextName::new(ok).unwrap().as_str(), ok);
        }
        let err = |n: &str| ContextName::new(n).unwrap_err();
        assert_eq!(err(""), BadContextName::Empty);
        assert!(matches!(
            err("ctx a"),
            BadContextName::Character { pos: 3, c: ' ', .. }
        ));
        assert!(matches!(
            err("a;reload"),
            BadContextName::Character { c: ';', .. }
        ));
        assert!(matches!(
            err("a\nconf t"),
            BadContextName::Character { c: '\n', .. }
        ));
        assert!(matches!(err("ctx|x"), BadContextName::Character { .. }));
        assert!(matches!(
            err("cté"),
            BadContextName::Character { c: 'é', .. }
        ));
        assert_eq!(
            err(&"x".repeat(33)),
            BadContextName::TooLong("x".repeat(33))
        );
        assert!(matches!(err("-ctx"), BadContextName::Hyphen(_)));
        assert!(matches!(err("ctx-"), BadContextName::Hyphen(_)));
        assert!(matches!(err("System"), BadContextName::Reserved(_)));
        assert!(matches!(err("null"), BadContextName::Reserved(_)));
        // The message of a control character stays on one line.
        assert!(!err("a\nb").to_string().contains('\n'));
    }

    #[test]
    fn settings_validate_to_selections() {
        let all = AsaContextsSetting::Word("all".into());
        assert_eq!(validate(&all, "f").unwrap(), ContextSelection::All);
        let names = AsaContextsSetting::Names(vec!["admin".into(), "ctx-b".into()]);
        assert_eq!(
            validate(&names, "f").unwrap(),
            ContextSelection::Named(vec![
                ContextName::new("admin").unwrap(),
                ContextName::new("ctx-b").unwrap()
            ])
        );
        let (at, m) = validate(&AsaContextsSetting::Word("every".into()), "f").unwrap_err();
        assert_eq!(at, "f");
        assert!(m.contains("write `all`"), "{m}");
        let (at, _) = validate(&AsaContextsSetting::Names(vec![]), "f").unwrap_err();
        assert_eq!(at, "f");
        let dup = AsaContextsSetting::Names(vec!["a".into(), "b".into(), "a".into()]);
        let (at, m) = validate(&dup, "f").unwrap_err();
        assert_eq!(
            (at.as_str(), m.as_str()),
            ("f[2]", "context `a` is listed twice")
        );
        let bad = AsaContextsSetting::Names(vec!["ok".into(), "no way".into()]);
        assert_eq!(validate(&bad, "f").unwrap_err().0, "f[1]");
    }
}
