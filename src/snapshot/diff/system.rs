//! `show version`: software version, serial number, and a reload seen as uptime going down;
//! all neutral changes.

use super::{yes_no, Compare, Cx, Out, Severity};
use crate::parse::system;

pub(super) fn version(out: &mut Out, b: &system::Version, a: &system::Version) {
    let sw = |v: &system::Version| match &v.xe_version {
        Some(xe) if xe != &v.version => format!("{} (IOS XE {xe})", v.version),
        _ => v.version.clone(),
    };
    let (bs, as_) = (sw(b), sw(a));
    if bs != as_ {
        out.push(
            Severity::Neutral,
            None,
            "sw_version",
            Some(bs.clone()),
            Some(as_.clone()),
            format!("software version {bs} -> {as_}"),
        );
    }
    if let (Some(bs), Some(as_)) = (&b.serial, &a.serial) {
        if bs != as_ {
            out.push(
                Severity::Neutral,
                None,
                "serial",
                Some(bs.clone()),
                Some(as_.clone()),
                "serial number changed (hardware replaced?)".into(),
            );
        }
    }
    if let (Some(bu), Some(au)) = (b.uptime_s, a.uptime_s) {
        if au < bu {
            out.push(
                Severity::Neutral,
                None,
                "reloaded",
                b.uptime.clone().or(Some(bu.to_string())),
                a.uptime.clone().or(Some(au.to_string())),
                "uptime went down: the device reloaded between the snapshots".into(),
            );
        }
    }
}

// ---- the families compared here ----------------------------------------------------------------

impl Compare for system::Version {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        version(cx.out, b, a)
    }
}

impl Compare for system::NtpStatus {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        cx.out.state(
            None,
            "synchronized",
            "NTP synchronized",
            (b.synchronized, yes_no(b.synchronized)),
            (a.synchronized, yes_no(a.synchronized)),
        )
    }
}

impl Compare for system::Clock {
    /// The clock always moves between two snapshots; NTP is what says whether it is right.
    fn compare(_: &Self, _: &Self, _: &mut Cx) {}
}
