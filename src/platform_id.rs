//! Platform identifiers as written in inventories and playbooks.
//! `cisco_xe` is driven and parsed exactly like `cisco_ios`; it exists so inventories can say what a device is.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A device platform, spelled in YAML and on the command line as its snake_case id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    CiscoIos,
    CiscoXe,
    CiscoAsa,
    CiscoWaas,
}

impl Platform {
    pub const ALL: [Platform; 4] = [
        Platform::CiscoIos,
        Platform::CiscoXe,
        Platform::CiscoAsa,
        Platform::CiscoWaas,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Platform::CiscoIos => "cisco_ios",
            Platform::CiscoXe => "cisco_xe",
            Platform::CiscoAsa => "cisco_asa",
            Platform::CiscoWaas => "cisco_waas",
        }
    }

    /// The platform whose driver and parsers serve this one (IOS-XE speaks IOS).
    pub fn family(self) -> Platform {
        match self {
            Platform::CiscoXe => Platform::CiscoIos,
            p => p,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A platform id that is none of [`Platform::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform `{given}` (expected one of: {})", Platform::ALL.map(|p| p.id()).join(", "))]
pub struct UnknownPlatform {
    pub given: String,
}

/// For callers that collect errors as text (clap value parsers, `?` in `Result<_, String>`).
impl From<UnknownPlatform> for String {
    fn from(e: UnknownPlatform) -> String {
        e.to_string()
    }
}

impl FromStr for Platform {
    type Err = UnknownPlatform;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|p| p.id() == s)
            .ok_or_else(|| UnknownPlatform {
                given: s.to_string(),
            })
    }
}
