//! IOS-XE `show crypto ikev2 session`, `count` and `stats`: read for the record (CSV
//! columns, snapshot comparison), judged by no rule of their own.

use super::{Context, Finding, Judge, RuleInfo};
use crate::parse::ikev2::{Ikev2Count, Ikev2Sessions, Ikev2Stats};

impl Judge for Ikev2Sessions {
    /// The IKEv2 SA rule reads `show crypto ikev2 sa` (`ikev2_sa.rs`); a session that went down is
    /// a snapshot regression (`snapshot::diff::ikev2`).
    const RULES: &'static [RuleInfo] = &[];
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for Ikev2Count {
    /// The IKEv2 SA rule reads `show crypto ikev2 sa` (`ikev2_sa.rs`); the counts are CSV columns.
    const RULES: &'static [RuleInfo] = &[];
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}

impl Judge for Ikev2Stats {
    /// The IKEv2 SA rule reads `show crypto ikev2 sa` (`ikev2_sa.rs`); the statistics are
    /// cumulative counters, CSV columns.
    const RULES: &'static [RuleInfo] = &[];
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
