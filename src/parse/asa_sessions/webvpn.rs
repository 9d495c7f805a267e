//! `show vpn-sessiondb webvpn`: clientless SSL VPN sessions, in the same `Username :` blocks
//! as `show vpn-sessiondb anyconnect` (their values carry a `Clientless:` prefix:
//! `Encryption : Clientless: (1)AES128`), read by the same reader.

use super::{parse_ra_sessions, AnyconnectSession};
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};

/// The clientless (WebVPN) sessions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WebvpnSessions {
    /// `Session Type:` as printed (`WebVPN`, `Clientless`).
    pub session_type: Option<String>,
    pub sessions: Vec<AnyconnectSession>,
}

impl WebvpnSessions {
    /// Distinct user names.
    pub fn users(&self) -> usize {
        let mut u: Vec<&str> = self.sessions.iter().map(|s| s.username.as_str()).collect();
        u.sort_unstable();
        u.dedup();
        u.len()
    }
}

/// Parse `show vpn-sessiondb webvpn`.
pub fn parse_vpn_webvpn(input: &str) -> Result<WebvpnSessions, ParseError> {
    let (session_type, sessions) = parse_ra_sessions(
        input,
        |t| t.contains("webvpn") || t.contains("clientless"),
        "show vpn-sessiondb webvpn",
    )?;
    Ok(WebvpnSessions {
        session_type,
        sessions,
    })
}
