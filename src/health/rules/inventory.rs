//! `show inventory` and ASA `show license all`: read for the record (CSV columns, snapshot
//! comparison), judged by no rule of their own.

use super::{Context, Finding, Judge, RuleInfo};
use crate::parse::{asa_license::AsaLicense, inventory::Inventory};

impl Judge for Inventory {
    const RULES: &'static [RuleInfo] = &[];
    /// A unit list says what hardware is there, not whether it is healthy; a replaced module
    /// is a snapshot change (`snapshot::diff::inventory`), not a finding.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for AsaLicense {
    const RULES: &'static [RuleInfo] = &[];
    /// A license limit is only a symptom against the sessions that use it (the VPN session
    /// summaries' own rules); a license change shows in the snapshot comparison.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
