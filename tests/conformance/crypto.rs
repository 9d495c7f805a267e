//! Conformance checks for the crypto command family (isakmp, ipsec, CERM, ASA VPN).
//! Stub: claims no command yet.

use crate::Outcome;
use serde_json::Value;

/// `None` = not a crypto command (or not checked yet).
pub fn check(
    _platform: &str,
    _command: &str,
    _raw: &str,
    _expected: Option<&Value>,
) -> Option<Outcome> {
    None
}
