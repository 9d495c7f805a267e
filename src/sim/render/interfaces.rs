//! Simulated IOS / IOS-XE `show ip interface brief`, a command no built-in parser reads: the
//! TextFSM path's end-to-end tests poll it (ntc-templates' `cisco_ios_show_ip_interface_brief`
//! reads it). Three physical ports (ISR G2 `GigabitEthernet0/n`, IOS-XE `GigabitEthernet0/0/n`),
//! the last one unused and administratively down, and a tunnel per seed.

use super::mix;
use crate::sim::scenario::RenderCtx;
use crate::Platform;
use std::fmt::Write as _;

pub fn render(ctx: &RenderCtx<'_>, command: &str) -> Option<String> {
    if !matches!(ctx.platform, Platform::CiscoIos | Platform::CiscoXe) {
        return None;
    }
    super::canonical(&["show ip interface brief"], command)?;
    let port = |n: u32| match ctx.platform {
        Platform::CiscoXe => format!("GigabitEthernet0/0/{n}"),
        _ => format!("GigabitEthernet0/{n}"),
    };
    let octet = 1 + mix(ctx.seed, 71) % 200;
    let rows = [
        (port(0), format!("192.0.2.{octet}"), "up", "up"),
        (port(1), format!("10.{}.0.1", octet), "up", "up"),
        (
            port(2),
            "unassigned".to_string(),
            "administratively down",
            "down",
        ),
        (
            format!("Tunnel{}", 1 + mix(ctx.seed, 72) % 9),
            format!("172.16.{octet}.1"),
            "up",
            "up",
        ),
    ];
    let mut out = String::from(
        "Interface                  IP-Address      OK? Method Status                Protocol\n",
    );
    for (name, ip, status, proto) in rows {
        let method = if ip == "unassigned" { "unset" } else { "NVRAM" };
        let _ = writeln!(
            out,
            "{name:<26} {ip:<15} YES {method:<6} {status:<21} {proto}"
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::textfsm::Library;
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
    fn the_ntc_template_reads_the_simulated_table() {
        let text = render(&ctx(Platform::CiscoXe, 3), "sh ip int br").unwrap();
        let lib = Library::embedded().unwrap();
        let t =
            crate::parse::textfsm::rows(&lib, Platform::CiscoXe, "sh ip int br", &text).unwrap();
        assert_eq!(t.template, "cisco_ios_show_ip_interface_brief.textfsm");
        assert_eq!(t.rows.len(), 4);
        let r = &t.rows[2];
        assert_eq!(r.get("interface").unwrap(), "GigabitEthernet0/0/2");
        assert_eq!(r.get("ip_address").unwrap(), "unassigned");
        assert_eq!(r.get("status").unwrap(), "administratively down");
        assert_eq!(r.get("proto").unwrap(), "down");
        assert!(render(&ctx(Platform::CiscoAsa, 3), "show ip interface brief").is_none());
    }
}
