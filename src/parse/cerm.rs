//! `show platform cerm-information` (IOS ISR G2). PLACEHOLDER: being written.
use super::{ParserSpec, Record};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cerm {}

pub fn parsers() -> Vec<ParserSpec> {
    let _ = |r: Cerm| Record::Cerm(r);
    vec![]
}
