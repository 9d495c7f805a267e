//! The ASA families in a snapshot diff: neither is compared (see each impl for why).

use super::{Compare, Cx};
use crate::parse::asa;

impl Compare for asa::VpnSessiondbSummary {
    /// Session counts follow the users who are connected at that minute, not the change.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}

impl Compare for asa::AspDrop {
    /// Cumulative drop counters only grow between two snapshots; their rate is a history
    /// question (the nightly audit's counters as rates), not a before/after one.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}
