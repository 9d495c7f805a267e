//! `show license` and `show cms secure-store` (the seed writes it `show cms secure store`).
//!
//! `show license` layout (WAAS 4.x/5.x; the seed only names the command, this table layout is
//! the WAAS command reference's as remembered, not a capture):
//!
//! ```text
//! License Name    Status      Activation Date Activated By
//! --------------- ----------- --------------- --------------
//! Transport       not active
//! Enterprise      active      05/05/2009      CMS
//! Video           not active
//! Virtual-Blade   not active
//! ```
//!
//! `show cms secure-store` prints one status sentence, e.g. `secure-store initialized and
//! open.`; it is read by keywords (initialized / not initialized, open / closed / not open).

use super::common::{columns, device_enum, device_lines, is_rule, split_kv, unrecognised};
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

device_enum! {
    /// A license's `Status` column.
    LicenseStatus { Active => "active", NotActive => "not active" }
}

/// One row of `show license`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenseEntry {
    pub name: String,
    pub status: LicenseStatus,
    pub activation_date: Option<String>,
    pub activated_by: Option<String>,
}

/// `show license`: every license, active or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct License {
    pub licenses: Vec<LicenseEntry>,
}

impl License {
    pub fn get(&self, name: &str) -> Option<&LicenseEntry> {
        self.licenses
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(name))
    }
    /// The named license is listed and active.
    pub fn is_active(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|l| l.status == LicenseStatus::Active)
    }
}

fn license_row(text: &str) -> Option<LicenseEntry> {
    if let Some(c) = columns(text) {
        let status: LicenseStatus = c.get(1)?.as_str().into();
        if !matches!(status, LicenseStatus::Other(_)) {
            return Some(LicenseEntry {
                name: c[0].clone(),
                status,
                activation_date: c.get(2).cloned(),
                activated_by: (c.len() > 3).then(|| c[3..].join(" ")),
            });
        }
    }
    // Collapsed spacing: name is one word, status `active` / `not active`.
    let w: Vec<&str> = text.split_whitespace().collect();
    let name = *w.first()?;
    let (status, rest) = match w.get(1) {
        Some(s) if s.eq_ignore_ascii_case("not") => (format!("{s} {}", w.get(2)?), 3),
        Some(s) => (s.to_string(), 2),
        None => return None,
    };
    Some(LicenseEntry {
        name: name.to_string(),
        status: status.as_str().into(),
        activation_date: w.get(rest).map(|s| s.to_string()),
        activated_by: (w.len() > rest + 1).then(|| w[rest + 1..].join(" ")),
    })
}

/// `show license`
pub fn parse_license(text: &str) -> Result<License, ParseError> {
    let lines = device_lines(text)?;
    let mut in_table = false;
    let mut licenses = Vec::new();
    for l in &lines {
        let n = l.norm();
        if n.starts_with("license name") {
            in_table = true;
            continue;
        }
        if !in_table || is_rule(&l.text) {
            continue;
        }
        match license_row(&l.text) {
            Some(e) => licenses.push(e),
            None => {
                return Err(ParseError::new(
                    l.no,
                    format!("unreadable license row `{}`", l.text.trim()),
                ))
            }
        }
    }
    if !in_table {
        return Err(unrecognised(
            &lines,
            "the `License Name  Status  Activation Date  Activated By` table",
        ));
    }
    Ok(License { licenses })
}

/// `show cms secure-store`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CmsSecureStore {
    /// The status sentence as printed.
    pub status: String,
    pub initialized: Option<bool>,
    pub open: Option<bool>,
    /// Any `Name: value` lines printed besides the status, by name.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
}

fn has_word(n: &str, w: &str) -> bool {
    n.split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .any(|x| x == w)
}

/// `show cms secure-store`
pub fn parse_cms_secure_store(text: &str) -> Result<CmsSecureStore, ParseError> {
    let lines = device_lines(text)?;
    let mut st = CmsSecureStore {
        status: String::new(),
        initialized: None,
        open: None,
        details: BTreeMap::new(),
    };
    for l in &lines {
        let n = l.norm();
        let mut found = false;
        if n.contains("not initialized") || has_word(&n, "uninitialized") {
            st.initialized = Some(false);
            found = true;
        } else if has_word(&n, "initialized") {
            st.initialized = Some(true);
            found = true;
        }
        if n.contains("not open") || has_word(&n, "closed") || has_word(&n, "locked") {
            st.open = Some(false);
            found = true;
        } else if has_word(&n, "open") || has_word(&n, "opened") {
            st.open = Some(true);
            found = true;
        }
        if found {
            if !st.status.is_empty() {
                st.status.push(' ');
            }
            st.status.push_str(l.text.trim());
        } else if let Some((_, v)) = split_kv(&l.text) {
            let k = l.text.split_once(':').map(|(k, _)| k.trim()).unwrap_or("");
            st.details.insert(k.to_string(), v.to_string());
        }
    }
    if st.initialized.is_none() && st.open.is_none() {
        return Err(unrecognised(
            &lines,
            "a secure-store status (initialized / open / closed)",
        ));
    }
    // Not initialized implies not open.
    if st.initialized == Some(false) && st.open.is_none() {
        st.open = Some(false);
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_table() {
        let t = "License Name    Status      Activation Date Activated By\n--------------- ----------- --------------- --------------\nTransport       not active\nEnterprise      active      05/05/2009      CMS\n";
        let l = parse_license(t).unwrap();
        assert_eq!(l.licenses.len(), 2);
        assert!(l.is_active("enterprise"));
        assert!(!l.is_active("Transport"));
        assert_eq!(
            l.get("Enterprise").unwrap().activated_by.as_deref(),
            Some("CMS")
        );
        // collapsed whitespace
        let l = parse_license("License Name Status Activation Date Activated By\nTransport not active\nEnterprise active 05/05/2009 CMS\n").unwrap();
        assert_eq!(l.get("Transport").unwrap().status, LicenseStatus::NotActive);
        assert_eq!(
            l.get("Enterprise").unwrap().activation_date.as_deref(),
            Some("05/05/2009")
        );
        assert!(parse_license("no table\n").is_err());
    }

    #[test]
    fn secure_store_states() {
        let s = parse_cms_secure_store("secure-store initialized and open.\n").unwrap();
        assert_eq!((s.initialized, s.open), (Some(true), Some(true)));
        let s = parse_cms_secure_store("secure-store initialized, not open.\n").unwrap();
        assert_eq!((s.initialized, s.open), (Some(true), Some(false)));
        let s = parse_cms_secure_store("secure-store not initialized\n").unwrap();
        assert_eq!((s.initialized, s.open), (Some(false), Some(false)));
        assert!(parse_cms_secure_store("something else\n").is_err());
    }
}
