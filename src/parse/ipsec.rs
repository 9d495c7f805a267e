//! `show crypto ipsec sa` (IOS, IOS-XE, ASA). PLACEHOLDER: being written.
use super::{ParserSpec, Record};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IpsecSa {}

pub fn parsers() -> Vec<ParserSpec> {
    let _ = |r: IpsecSa| Record::IpsecSa(r);
    vec![]
}
