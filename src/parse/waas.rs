//! WAAS WAE outputs (MAPI AO troubleshooting guide). PLACEHOLDER: being written.
use super::ParserSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Accelerators {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MapiAccelerator {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MapiStats {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EpmStats {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OptimizedConnections {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct License {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CmsSecureStore {}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MapiEncryptionVerify {}

pub fn parsers() -> Vec<ParserSpec> {
    vec![]
}
