//! Simulated IOS / IOS-XE `show license [summary | all]` and `show redundancy`, in the layouts
//! `parse::ios_license` and `parse::redundancy` read. The model is the device's own `show
//! version` one: an ISR G2 (IOS 15) prints the classic `Index N Feature:` licences, an IOS-XE
//! router (17.x, Smart Licensing Using Policy) its entitlements. Every simulated router has a
//! single route processor (`Simplex`, `Non-redundant`) except under
//! `Scenario::RedundancyNotReady`: an ASR 1006-X with two, configured for SSO but running RPR
//! (the standby has another image), its peer `STANDBY COLD`.

use super::inventory::chassis;
use crate::sim::scenario::{RenderCtx, Scenario};
use crate::Platform;
use std::fmt::Write as _;

pub const COMMANDS: &[&str] = &[
    "show license",
    "show license summary",
    "show license all",
    "show redundancy",
];

pub fn render(ctx: &RenderCtx<'_>, command: &str) -> Option<String> {
    if !matches!(ctx.platform, Platform::CiscoIos | Platform::CiscoXe) {
        return None;
    }
    let xe = ctx.platform == Platform::CiscoXe;
    Some(match super::canonical(COMMANDS, command)? {
        "show redundancy" => redundancy(ctx),
        "show license" if !xe => classic(false),
        "show license all" if !xe => classic(true),
        "show license" | "show license summary" if xe => summary(ctx),
        "show license all" if xe => smart_all(ctx),
        _ => return None, // IOS 15 has no `show license summary`
    })
}

/// (feature, type, state, priority) of an ISR G2 on IOS 15 with securityk9 bought.
const CLASSIC: &[(&str, &str, &str, &str)] = &[
    ("ipbasek9", "Permanent", "Active, In Use", "Medium"),
    ("securityk9", "Permanent", "Active, In Use", "Medium"),
    (
        "uck9",
        "EvalRightToUse",
        "Active, Not in Use, EULA not accepted",
        "None",
    ),
    ("datak9", "Permanent", "Active, In Use", "Medium"),
];

fn classic(all: bool) -> String {
    let mut o = String::new();
    if all {
        o.push_str("License Store: Primary License Storage\n");
    }
    for (i, (f, ty, state, prio)) in CLASSIC.iter().enumerate() {
        if all {
            let _ = writeln!(o, "StoreIndex:  {i}  Feature: {f:<32}Version: 1.0");
        } else {
            let _ = writeln!(o, "Index {} Feature: {f}", i + 1);
            let left = if *ty == "Permanent" {
                "Life time"
            } else {
                "Not Activated"
            };
            let _ = writeln!(o, "        Period left: {left}");
            if *ty != "Permanent" {
                o.push_str("        Period Used: 0  minute  0  second\n");
            }
        }
        let _ = write!(
            o,
            "        License Type: {ty}\n        License State: {state}\n        License Count: Non-Counted\n        License Priority: {prio}\n"
        );
    }
    o
}

/// (licence, entitlement tag) of the model `show version` gives.
fn entitlements(ctx: &RenderCtx<'_>) -> Vec<(&'static str, String)> {
    let (model, _) = chassis(ctx);
    let base = model.trim_end_matches("/K9").to_string();
    if model.starts_with("ISR4") {
        let short = base.trim_end_matches("-X").replace("ISR", "ISR_");
        vec![
            ("appxk9", format!("{short}_Application")),
            ("securityk9", format!("{short}_Security")),
        ]
    } else {
        vec![
            ("network-advantage", format!("{base} Network Advan...")),
            ("dna-advantage", format!("{base} DNA Advantage")),
            ("hseck9", "DNA_HSEC".to_string()),
        ]
    }
}

fn summary(ctx: &RenderCtx<'_>) -> String {
    let mut o = String::from(
        "Account Information:\n  Smart Account: Example Corp As of Mar 01 02:10:44 2024 UTC\n  Virtual Account: WAN-Routers\n\n\
         License Usage:\n  License                 Entitlement Tag               Count Status\n  \
         -----------------------------------------------------------------------------\n",
    );
    for (name, tag) in entitlements(ctx) {
        let _ = writeln!(o, "  {name:<23} {:<31} 1 IN USE", format!("({tag})"));
    }
    o
}

fn smart_all(ctx: &RenderCtx<'_>) -> String {
    let (model, serial) = chassis(ctx);
    let mut o = String::from(
        "Smart Licensing Status\n======================\n\nSmart Licensing is ENABLED\n\n\
         Export Authorization Key:\n  Features Authorized:\n    <none>\n\n\
         Utility:\n  Status: DISABLED\n\n\
         Smart Licensing Using Policy:\n  Status: ENABLED\n\n\
         Account Information:\n  Smart Account: Example Corp As of Mar 01 02:10:44 2024 UTC\n  Virtual Account: WAN-Routers\n\n\
         Transport:\n  Type: Smart\n  URL: https://smartreceiver.cisco.com/licservice/license\n\n\
         Usage Reporting:\n  Last ACK received: Mar 01 02:10:44 2024 UTC\n  Next ACK deadline: May 30 02:10:44 2024 UTC\n\n\
         License Usage\n=============\n\n",
    );
    for (name, tag) in entitlements(ctx) {
        let _ = write!(
            o,
            "{name} ({tag}):\n  Description: {tag}\n  Count: 1\n  Version: 1.0\n  Status: IN USE\n  Export status: NOT RESTRICTED\n\n"
        );
    }
    let _ = write!(
        o,
        "Product Information\n===================\nUDI: PID:{model},SN:{serial}\n\n\
         Agent Version\n=============\nSmart Agent for Licensing: 5.7.16_rel/51\n"
    );
    o
}

fn redundancy(ctx: &RenderCtx<'_>) -> String {
    let (model, _) = chassis(ctx);
    let dual = ctx.platform == Platform::CiscoXe && ctx.scenario == Scenario::RedundancyNotReady;
    let image = if ctx.platform == Platform::CiscoXe {
        format!("Cisco IOS Software [Cupertino], {} Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)",
            if dual { "ASR1000" } else { "ISR" })
    } else {
        // `CISCO2911/K9` runs the `C2900` image.
        let digits: String = model.chars().filter(char::is_ascii_digit).take(2).collect();
        let fam = format!("C{digits}00");
        format!("Cisco IOS Software, {fam} Software ({fam}-UNIVERSALK9-M), Version 15.7(3)M8, RELEASE SOFTWARE (fc2)")
    };
    let banner = "Technical Support: http://www.cisco.com/techsupport\n\
                  Copyright (c) 1986-2023 by Cisco Systems, Inc.\n\
                  Compiled Fri 20-Oct-23 10:44 by mcpre\n";
    let (hw, configured, operating, comms) = if dual {
        ("Duplex", "sso", "rpr", "Up")
    } else {
        (
            "Simplex",
            "Non-redundant",
            "Non-redundant",
            "Down      Reason: Simplex mode",
        )
    };
    let mut o = format!(
        "Redundant System Information :\n------------------------------\n\
         \x20      Available system uptime = 2 days, 3 hours, 40 minutes\n\
         Switchovers system experienced = 0\n\
         \x20             Standby failures = {}\n\
         \x20       Last switchover reason = none\n\n\
         \x20                Hardware Mode = {hw}\n\
         \x20   Configured Redundancy Mode = {configured}\n\
         \x20    Operating Redundancy Mode = {operating}\n\
         \x20             Maintenance Mode = Disabled\n\
         \x20               Communications = {comms}\n\n\
         Current Processor Information :\n-------------------------------\n\
         \x20              Active Location = slot 6\n\
         \x20       Current Software state = ACTIVE\n\
         \x20      Uptime in current state = 2 days, 3 hours, 40 minutes\n\
         \x20                Image Version = {image}\n{banner}\
         \x20                         BOOT = bootflash:packages.conf,12;\n\
         \x20                  CONFIG_FILE = \n\
         \x20       Configuration register = 0x2102\n\n",
        if dual { 2 } else { 0 }
    );
    if dual {
        let _ = write!(
            o,
            "Peer Processor Information :\n----------------------------\n\
             \x20             Standby Location = slot 7\n\
             \x20       Current Software state = STANDBY COLD\n\
             \x20      Uptime in current state = 1 hour, 12 minutes\n\
             \x20                Image Version = Cisco IOS Software [Amsterdam], ASR1000 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.3.8a, RELEASE SOFTWARE (fc3)\n{banner}\
             \x20                         BOOT = bootflash:packages.conf,12;\n\
             \x20       Configuration register = 0x2102\n"
        );
    } else {
        o.push_str(
            "Peer (slot: 7) information is not available because it is in 'DISABLED' state\n",
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{lookup, Record};

    fn ctx(platform: Platform, scenario: Scenario, seed: u64) -> RenderCtx<'static> {
        RenderCtx {
            platform,
            scenario,
            hostname: "rtr-07",
            seed,
            drift: Default::default(),
        }
    }

    fn parse(c: &RenderCtx<'_>, cmd: &str) -> Record {
        let text = render(c, cmd).unwrap_or_else(|| panic!("{cmd} not rendered"));
        let spec = lookup(c.platform, cmd).unwrap();
        (spec.parse)(&text).unwrap_or_else(|e| panic!("{cmd}: {e}\n{text}"))
    }

    #[test]
    fn licences_parse_per_platform() {
        for seed in 0..6 {
            let ios = ctx(Platform::CiscoIos, Scenario::Healthy, seed);
            let Record::IosLicense(l) = parse(&ios, "show license") else {
                panic!()
            };
            assert_eq!(l.features.len(), 4);
            assert_eq!(l.in_use(), 3);
            assert_eq!(l.eval_in_use(), 0);
            let Record::IosLicense(l) = parse(&ios, "show license all") else {
                panic!()
            };
            assert_eq!(
                l.features[0].store.as_deref(),
                Some("Primary License Storage")
            );
            assert!(render(&ios, "show license summary").is_none());
            assert!(
                render(&ios, "sh lic").is_some(),
                "abbreviations are answered"
            );
            let xe = ctx(Platform::CiscoXe, Scenario::Healthy, seed);
            let Record::IosLicense(l) = parse(&xe, "show license summary") else {
                panic!()
            };
            let s = l.smart.unwrap();
            assert!(s.entitlements.len() >= 2);
            assert!(s
                .entitlements
                .iter()
                .all(|e| e.status.as_deref() == Some("IN USE")));
            let Record::IosLicense(l) = parse(&xe, "show license all") else {
                panic!()
            };
            assert_eq!(
                l.smart.as_ref().unwrap().using_policy.as_deref(),
                Some("ENABLED")
            );
            assert_eq!(l.udi_pid, Some(chassis(&xe).0));
        }
        assert!(render(
            &ctx(Platform::CiscoAsa, Scenario::Healthy, 1),
            "show license"
        )
        .is_none());
    }

    #[test]
    fn redundancy_simplex_unless_the_scenario() {
        for p in [Platform::CiscoIos, Platform::CiscoXe] {
            let Record::Redundancy(r) = parse(&ctx(p, Scenario::Healthy, 3), "show redundancy")
            else {
                panic!()
            };
            assert!(!r.configured());
            assert_eq!(r.peer_state(), Some("DISABLED"));
        }
        let c = ctx(Platform::CiscoXe, Scenario::RedundancyNotReady, 3);
        let Record::Redundancy(r) = parse(&c, "show redundancy") else {
            panic!()
        };
        assert!(r.configured() && r.mode_mismatch());
        assert_eq!(r.peer_state(), Some("STANDBY COLD"));
        assert_eq!(chassis(&c).0, "ASR1006-X");
    }
}
