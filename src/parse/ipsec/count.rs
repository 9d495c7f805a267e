//! `show crypto ipsec sa count` (IOS-XE): one `IPsec SA total: N, active: N, rekeying: N,
//! unused: N, invalid: N` line. Registered under its own command so that routing never falls
//! back to the SA-table parser of `show crypto ipsec sa`.

use super::text;
use crate::parse::isakmp::{device_error, is_echo_or_prompt};
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};

/// `show crypto ipsec sa count`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IpsecSaCount {
    pub total: Option<u64>,
    pub active: Option<u64>,
    pub rekeying: Option<u64>,
    pub unused: Option<u64>,
    pub invalid: Option<u64>,
}

/// Parse `show crypto ipsec sa count`; a `Label: N` pair of a later release is ignored.
pub fn parse_ipsec_sa_count(input: &str) -> Result<IpsecSaCount, ParseError> {
    let mut out = IpsecSaCount::default();
    for (n, l) in text::lines(input) {
        let t = l.trim();
        // The `^` under a rejected command comes before the device's error line.
        if t.is_empty() || t == "^" || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(n, format!("device error: `{e}`")));
        }
        for part in t.split(',') {
            let Some((label, v)) = part.split_once(':') else {
                return Err(ParseError::new(
                    n,
                    format!("not an IPsec SA count line: `{t}`"),
                ));
            };
            let v = text::parse_u64(v)
                .ok_or_else(|| ParseError::new(n, format!("not an IPsec SA count line: `{t}`")))?;
            let slot = match label.trim().to_ascii_lowercase().as_str() {
                "ipsec sa total" | "total" => &mut out.total,
                "active" => &mut out.active,
                "rekeying" => &mut out.rekeying,
                "unused" => &mut out.unused,
                "invalid" => &mut out.invalid,
                _ => continue,
            };
            *slot = Some(v);
        }
    }
    if out.total.is_none() {
        return Err(ParseError::new(0, "no `IPsec SA total:` count"));
    }
    Ok(out)
}
