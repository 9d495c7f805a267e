//! `show crypto isakmp sa count` (IOS-XE): `Active ISAKMP SA's: N`, `Standby ...`,
//! `Currently being negotiated ...`, `Dead ...` lines. Registered under its own command so
//! that routing never falls back to the SA-table parser of `show crypto isakmp sa`.

use super::{device_error, is_echo_or_prompt};
use crate::parse::text;
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};

/// `show crypto isakmp sa count`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IsakmpSaCount {
    pub active: Option<u64>,
    pub standby: Option<u64>,
    pub negotiating: Option<u64>,
    pub dead: Option<u64>,
}

/// Parse `show crypto isakmp sa count`; a count line of a later release is ignored.
pub fn parse_isakmp_sa_count(input: &str) -> Result<IsakmpSaCount, ParseError> {
    let mut out = IsakmpSaCount::default();
    for (n, l) in text::lines(input) {
        let t = l.trim();
        // The `^` under a rejected command comes before the device's error line.
        if t.is_empty() || t == "^" || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: `{e}`")));
        }
        let Some((label, v)) = t.rsplit_once(':') else {
            return Err(ParseError::new(
                n,
                format!("not an ISAKMP SA count line: `{t}`"),
            ));
        };
        let v = text::parse_u64(v)
            .ok_or_else(|| ParseError::new(n, format!("not an ISAKMP SA count line: `{t}`")))?;
        let label = label.trim().to_ascii_lowercase();
        let slot = if label.starts_with("active") {
            &mut out.active
        } else if label.starts_with("standby") {
            &mut out.standby
        } else if label.contains("negotiated") {
            &mut out.negotiating
        } else if label.starts_with("dead") {
            &mut out.dead
        } else {
            continue;
        };
        *slot = Some(v);
    }
    if out.active.is_none() {
        return Err(ParseError::new(0, "no `Active ISAKMP SA's:` count"));
    }
    Ok(out)
}
