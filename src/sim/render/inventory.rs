//! Simulated `show inventory` (every IOS, IOS-XE and ASA device) and ASA `show license all`
//! (activation-key format), in the layouts `parse::inventory` and `parse::asa_license` read.
//! The chassis PID and serial are the device's own `show version` model and serial, so the two
//! commands agree; modules, power supplies and license limits vary with `ctx.seed`.

use super::{mix, system};
use crate::parse::system::{parse_version_asa, parse_version_ios};
use crate::sim::scenario::{RenderCtx, Scenario};
use crate::Platform;
use std::fmt::Write as _;

pub fn render(ctx: &RenderCtx<'_>, command: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let is = |canon: &str| {
        let cw: Vec<&str> = canon.split(' ').collect();
        cw.len() == words.len()
            && cw
                .iter()
                .zip(&words)
                .all(|(c, w)| w.len() >= 2.min(c.len()) && c.starts_with(w))
    };
    if ctx.platform == Platform::CiscoWaas {
        return None;
    }
    if is("show inventory") {
        return Some(inventory(ctx));
    }
    if ctx.platform == Platform::CiscoAsa && is("show license all") {
        return Some(asa_license(ctx));
    }
    None
}

/// (model, serial) from the device's simulated `show version`.
pub(super) fn chassis(ctx: &RenderCtx<'_>) -> (String, String) {
    let text = system::render(ctx, "show version").unwrap_or_default();
    let v = if ctx.platform == Platform::CiscoAsa {
        parse_version_asa(&text)
    } else {
        parse_version_ios(&text)
    };
    let v = v.ok();
    let model = v.as_ref().and_then(|v| v.model.clone());
    let serial = v.and_then(|v| v.serial);
    (
        model.unwrap_or_else(|| "UNKNOWN".into()),
        serial.unwrap_or_else(|| "FTX0000A000".into()),
    )
}

fn serial(seed: u64, salt: u64, prefix: &str) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let mut s = format!("{prefix}{:04}", 1000 + mix(seed, salt) % 2000);
    for i in 0..4 {
        let k = (mix(seed, salt * 16 + i) % ALNUM.len() as u64) as usize;
        s.push(ALNUM.get(k).copied().unwrap_or(b'X') as char);
    }
    s
}

fn item(s: &mut String, name: &str, descr: &str, pid: &str, vid: &str, sn: &str, asa: bool) {
    let key = if asa { "Name" } else { "NAME" };
    let _ = writeln!(s, "{key}: \"{name}\", DESCR: \"{descr}\"");
    let _ = writeln!(s, "PID: {pid:<18}, VID: {vid:<4}, SN: {sn}\n");
}

fn inventory(ctx: &RenderCtx<'_>) -> String {
    let (model, sn) = chassis(ctx);
    let seed = ctx.seed;
    let mut s = String::new();
    match ctx.platform {
        Platform::CiscoAsa => {
            let hw = model.trim_end_matches("-X");
            let descr = format!(
                "ASA {}-X with SW, 8 GE Data, 1 GE Mgmt, AC",
                hw.get(3..).unwrap_or(hw)
            );
            item(&mut s, "Chassis", &descr, &model, "V05", &sn, true);
            item(
                &mut s,
                "power supply 0",
                "ASA 5545-X/5555-X AC Power Supply",
                "ASA-PWR-AC",
                "N/A",
                &serial(seed, 70, "ART"),
                true,
            );
            item(
                &mut s,
                "Storage Device 1",
                "Micron 128 GB SSD MLC, Model Number: Micron_M550_MTFDDAK128MAY",
                "N/A",
                "N/A",
                &serial(seed, 71, "MXA"),
                true,
            );
        }
        Platform::CiscoXe => {
            s.push_str(
                "\n+++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++\n",
            );
            s.push_str(
                "INFO: Please use \"show license UDI\" to get serial number for licensing.\n",
            );
            s.push_str(
                "+++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++\n\n",
            );
            let base = model.trim_end_matches("/K9");
            let descr = format!("Cisco {base} Chassis");
            item(&mut s, "Chassis", &descr, &model, "V04", &sn, false);
            item(
                &mut s,
                "Power Supply Module 0",
                "250W AC Power Supply for Cisco ISR 4330",
                "PWR-4330-AC",
                "V02",
                &serial(seed, 72, "PST"),
                false,
            );
            item(
                &mut s,
                "Fan Tray",
                "Cisco ISR4330 Fan Assembly",
                "ACS-4330-FANASSY",
                "",
                "",
                false,
            );
            item(
                &mut s,
                "NIM subslot 0/1",
                "NIM-4MFT-T1/E1 - T1/E1 Serial Module",
                "NIM-4MFT-T1/E1",
                "V03",
                &serial(seed, 73, "FOC"),
                false,
            );
        }
        _ => {
            let descr = format!("{model} chassis, Hw Serial#: {sn}, Hw Revision: 1.0");
            item(&mut s, &model, &descr, &model, "V07", &sn, false);
            item(
                &mut s,
                "VWIC2-2MFT-T1/E1 - 2-Port RJ-48 Multiflex Trunk - T1/E1 on Slot 0 SubSlot 0",
                "VWIC2-2MFT-T1/E1 - 2-Port RJ-48 Multiflex Trunk - T1/E1",
                "VWIC2-2MFT-T1/E1",
                "V01",
                &serial(seed, 74, "FOC"),
                false,
            );
            item(
                &mut s,
                "Virtual Private Network (VPN) Module on Slot 0",
                "Encryption AIM Element",
                "AIM-VPN/SSL-2",
                "V01",
                &serial(seed, 75, "FOC"),
                false,
            );
            item(
                &mut s,
                "C2911 AC Power Supply",
                "C2911 AC Power Supply",
                "PWR-2911-AC",
                "",
                "",
                false,
            );
        }
    }
    s
}

fn asa_license(ctx: &RenderCtx<'_>) -> String {
    let (model, sn) = chassis(ctx);
    let seed = ctx.seed;
    // Healthy devices hold at most 300 AnyConnect sessions (`render::crypto`): 60 % of the
    // smallest licence here. `AnyconnectLicenseNearLimit` licenses 250 for its 225–235.
    let premium = if ctx.scenario == Scenario::AnyconnectLicenseNearLimit {
        250
    } else {
        [500u64, 1000, 2500, 5000][(mix(seed, 76) % 4) as usize]
    };
    let other = [250u64, 750, 2500, 5000][(mix(seed, 77) % 4) as usize];
    let key = |salt: u64| {
        (0..5)
            .map(|i| format!("0x{:08x}", mix(seed, salt + i) as u32))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut s = String::new();
    let _ = writeln!(s, "Serial Number: {sn}");
    let _ = writeln!(s, "Running Permanent Activation Key: {} ", key(80));
    s.push_str("\nLicensed features for this platform:\n");
    let rows: [(&str, String); 13] = [
        ("Maximum Physical Interfaces", "Unlimited".into()),
        ("Maximum VLANs", "200".into()),
        ("Inside Hosts", "Unlimited".into()),
        ("Failover", "Active/Active".into()),
        ("Encryption-DES", "Enabled".into()),
        ("Encryption-3DES-AES", "Enabled".into()),
        ("Security Contexts", "2".into()),
        ("Carrier", "Disabled".into()),
        ("AnyConnect Premium Peers", premium.to_string()),
        ("AnyConnect Essentials", "Disabled".into()),
        ("Other VPN Peers", other.to_string()),
        ("Total VPN Peers", other.to_string()),
        ("Cluster", "Disabled".into()),
    ];
    for (name, value) in &rows {
        let _ = writeln!(s, "{name:<34}: {value:<14} perpetual");
    }
    let _ = writeln!(s, "\nThis platform has an {model} VPN Premium license.\n");
    s.push_str("The flash permanent activation key is the SAME as the running permanent key.\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{lookup, Record};
    use crate::sim::scenario::Scenario;

    fn ctx(platform: Platform, seed: u64) -> RenderCtx<'static> {
        RenderCtx {
            platform,
            scenario: Scenario::Healthy,
            hostname: "dev-01",
            seed,
            drift: Default::default(),
        }
    }

    #[test]
    fn inventory_parses_and_matches_show_version() {
        for p in [Platform::CiscoIos, Platform::CiscoXe, Platform::CiscoAsa] {
            for seed in 0..8 {
                let c = ctx(p, seed);
                let text = render(&c, "sh inv").unwrap();
                let spec = lookup(p, "show inventory").unwrap();
                let Ok(Record::Inventory(inv)) = (spec.parse)(&text) else {
                    panic!("{p:?} inventory does not parse:\n{text}");
                };
                let (model, sn) = chassis(&c);
                let ch = inv.chassis().unwrap();
                assert_eq!(ch.pid.as_deref(), Some(model.as_str()), "{text}");
                assert_eq!(ch.sn.as_deref(), Some(sn.as_str()));
                assert!(inv.items.len() >= 3);
            }
        }
        assert!(render(&ctx(Platform::CiscoWaas, 1), "show inventory").is_none());
        assert!(render(&ctx(Platform::CiscoIos, 1), "show license all").is_none());
    }

    #[test]
    fn asa_license_parses() {
        for seed in 0..8 {
            let c = ctx(Platform::CiscoAsa, seed);
            let text = render(&c, "show license all").unwrap();
            let spec = lookup(Platform::CiscoAsa, "show license all").unwrap();
            let Ok(Record::AsaLicense(l)) = (spec.parse)(&text) else {
                panic!("license does not parse:\n{text}");
            };
            assert_eq!(l.serial, Some(chassis(&c).1));
            assert_eq!(l.features.len(), 13);
            assert!(l
                .feature("AnyConnect Premium Peers")
                .unwrap()
                .count()
                .is_some());
            assert!(l.platform_license.unwrap().ends_with("VPN Premium"));
        }
    }
}
