//! ASA: `show vpn-sessiondb summary`, `show asp drop`. PLACEHOLDER: being written.
use super::ParserSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VpnSessiondbSummary {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AspDrop {}

pub fn parsers() -> Vec<ParserSpec> {
    vec![]
}
