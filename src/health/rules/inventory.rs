//! `show inventory`, ASA `show license all` and IOS `show license [summary | all]`: read for
//! the record (CSV columns, snapshot comparison), judged by no rule of their own.

use super::{Context, Finding, Judge, RuleInfo};
use crate::parse::{asa_license::AsaLicense, inventory::Inventory, ios_license::IosLicense};

impl Judge for Inventory {
    const RULES: &'static [RuleInfo] = &[];
    /// A unit list says what hardware is there, not whether it is healthy; a replaced module
    /// is a snapshot change (`snapshot::diff::inventory`), not a finding.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for AsaLicense {
    const RULES: &'static [RuleInfo] = &[];
    /// A license limit is only a symptom against the sessions that use it: the device rule
    /// `ANYCONNECT_LICENSE_NEAR_LIMIT` (`license.rs`) reads it beside the session counts; a
    /// license change shows in the snapshot comparison.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for IosLicense {
    const RULES: &'static [RuleInfo] = &[];
    /// Neither seed guide gives a licence symptom for routers (CERM's securityk9 limits are
    /// `show platform cerm-information`'s rules); a feature or entitlement that lapses shows
    /// in the snapshot comparison.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
