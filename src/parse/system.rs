//! `show version`, `show clock`, `show ntp status` on every platform. PLACEHOLDER: being written.
use super::ParserSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Version {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Clock {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NtpStatus {}

pub fn parsers() -> Vec<ParserSpec> {
    vec![]
}
