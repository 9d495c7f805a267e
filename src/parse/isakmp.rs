//! `show crypto isakmp sa` (IOS and ASA formats), `show crypto ikev1/ikev2 sa` (ASA),
//! `show crypto isakmp sa detail` (IOS). PLACEHOLDER: being written.
use super::{ParserSpec, Record};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IsakmpSa {}

pub fn parsers() -> Vec<ParserSpec> {
    let _ = |r: IsakmpSa| Record::IsakmpSa(r);
    vec![]
}
