//! TextFSM tables carry no built-in rule: a template only says what the device printed. The
//! playbook's own rules on them (`health::templated`) are judged by `health::evaluate`.

use super::{Context, Finding, Judge, RuleInfo};
use crate::parse::textfsm::TextfsmTable;

impl Judge for TextfsmTable {
    const RULES: &'static [RuleInfo] = &[];
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
