//! The health rule catalogue (`fleetpoll::health::rules`): every rule with records that trigger
//! it and records that must not (boundaries at thresholds, healthy states, CERM disabled, zero
//! maxima), thresholds validation, a no-panic sweep over every parser fixture, and the
//! simulator scenarios of `playbooks/health.yaml` end to end (render → parse → rules).
//!
//! One file per rule family (`ike`, `ikev2`, `ipsec`, `cerm`, `asa`, `waas`, `time`), then
//! `thresholds`, `no_panics` and `scenarios`; the helpers they share are here.

#[path = "../common/mod.rs"]
mod common;

mod asa;
mod cerm;
mod failover;
mod ike;
mod ikev2;
mod ipsec;
mod license;
mod no_panics;
mod pki;
mod scenarios;
mod thresholds;
mod time;
mod vpn;
mod waas;

use fleetpoll::health::clock::DeviceClock;
use fleetpoll::health::rules::{check_record_at, rules_of, Thresholds, RULES};
use fleetpoll::health::{Finding, HealthSection, Severity};
use fleetpoll::parse::{self, Record};
use fleetpoll::sim::scenario::{RenderCtx, Scenario};
use fleetpoll::Platform;
use std::collections::BTreeSet;
use std::path::Path;

use Platform::{CiscoAsa as ASA, CiscoIos as IOS, CiscoWaas as WAAS, CiscoXe as XE};

/// Parse `text` with the parser registered for `command` on `platform`.
fn rec(platform: Platform, command: &str, text: &str) -> Record {
    let spec = parse::lookup(platform, command)
        .unwrap_or_else(|| panic!("no parser for {platform} `{command}`"));
    (spec.parse)(text).unwrap_or_else(|e| panic!("{platform} `{command}`: {e}\n{text}"))
}

/// Run the rules on one record and check what every finding must satisfy: a known code, at
/// most its catalogue severity (no overrides here; a grading rule may be milder), evidence and
/// remediation filled, no command set.
/// Date rules see the poll-start clock `now` (as a playbook without `show clock`).
fn findings_with(r: &Record, platform: Platform, t: &Thresholds) -> Vec<Finding> {
    let mut out = Vec::new();
    let now = DeviceClock::poll_start(chrono::Utc::now());
    check_record_at(r, platform, t, Some(&now), &mut |f| out.push(f));
    for f in &out {
        let info = RULES
            .iter()
            .find(|i| i.code == f.code)
            .unwrap_or_else(|| panic!("finding with a code missing from RULES: {f:?}"));
        assert!(f.severity <= info.severity, "{f:?}");
        assert!(f.severity >= Severity::Warning, "{f:?}");
        assert!(
            rules_of(r).iter().any(|i| i.code == f.code),
            "{} is not among the rules of its record's family: {f:?}",
            f.code
        );
        assert!(!f.message.is_empty() && !f.evidence.is_empty(), "{f:?}");
        assert!(!f.remediation.is_empty(), "{f:?}");
        assert!(f.command.is_none(), "{f:?}");
        // The history identifies a finding by (device, code, subject): every rule names one.
        assert!(
            !f.subject.trim().is_empty(),
            "finding without a subject: {f:?}"
        );
    }
    out
}

fn findings(r: &Record, platform: Platform) -> Vec<Finding> {
    findings_with(r, platform, &Thresholds::default())
}

fn codes(fs: &[Finding]) -> Vec<&str> {
    fs.iter().map(|f| f.code.as_str()).collect()
}

/// Parse and judge with default thresholds; the codes found.
fn run(platform: Platform, command: &str, text: &str) -> Vec<Finding> {
    findings(&rec(platform, command, text), platform)
}

fn fixture(platform: &str, dir: &str, name: &str) -> String {
    common::fixtures::read(platform, dir, name)
}

fn only(fs: &[Finding], code: &str) -> usize {
    fs.iter().filter(|f| f.code == code).count()
}
