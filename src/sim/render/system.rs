//! Simulated `show version`, `show clock` and `show ntp status` in each platform's real layout
//! (the formats `parse::system` reads; see that module's doc).
//!
//! - `cisco_ios`: an ISR G2 (1941 / 2911 / 2951 / 3925) on IOS 15.x; `cisco_xe`: an ISR 4000 /
//!   Catalyst 8300 on IOS-XE 16 / 17; `cisco_asa`: an ASA 55xx on 9.x; `cisco_waas`: a WAE /
//!   WAVE on WAAS 5.x / 6.x. Model, version, serial, uptime, time zone and NTP server vary with
//!   `ctx.seed`; the hostname is `ctx.hostname` (WAAS `show version` prints none).
//! - The clock is the real current time in the device's time zone, so clock-skew checks see a
//!   sane device. Under `Scenario::NtpUnsynced` NTP is unsynchronised (stratum 16, no reference;
//!   WAAS: the server row never reached), IOS flags the clock `*` (not authoritative), and the
//!   clock runs several minutes ahead.

use super::mix;
use crate::sim::scenario::{RenderCtx, Scenario};
use crate::Platform;
use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use std::fmt::Write as _;

/// The commands this family answers, canonical spelling.
pub const COMMANDS: &[&str] = &["show version", "show clock", "show ntp status"];

/// `command` (normalized) as one of [`COMMANDS`], accepting word-by-word abbreviations
/// (`sh ver`, `sh clock`, `sh ntp stat`).
fn canonical(command: &str) -> Option<&'static str> {
    super::canonical(COMMANDS, command)
}

pub fn render(ctx: &RenderCtx<'_>, command: &str) -> Option<String> {
    let dev = Dev::new(ctx);
    Some(match canonical(command)? {
        "show version" => dev.version(),
        "show clock" => dev.clock(),
        _ => dev.ntp_status(),
    })
}

fn pick<T: Copy>(seed: u64, salt: u64, items: &[T]) -> T {
    items[(mix(seed, salt) % items.len() as u64) as usize]
}

/// (zone name, offset from UTC in seconds); fixed offsets, as a device with `clock timezone`
/// and no summer-time rule shows them.
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("KST", 9 * 3600),
    ("CET", 3600),
    ("EST", -5 * 3600),
];

struct Dev<'a> {
    ctx: &'a RenderCtx<'a>,
    unsynced: bool,
    zone: (&'static str, i32),
    /// Uptime in seconds.
    uptime: u64,
    ntp_server: String,
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("{n} {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

impl<'a> Dev<'a> {
    fn new(ctx: &'a RenderCtx<'a>) -> Self {
        let s = ctx.seed;
        // 20 minutes to ~500 days, seconds included.
        let uptime = ctx
            .drift
            .uptime_s
            .unwrap_or_else(|| 1_200 + mix(s, 1) % (500 * 86_400));
        Dev {
            ctx,
            unsynced: ctx.scenario == Scenario::NtpUnsynced,
            zone: pick(s, 2, ZONES),
            uptime,
            ntp_server: format!("10.{}.0.{}", 10 + mix(s, 3) % 90, 5 + mix(s, 4) % 3),
        }
    }

    fn r(&self, salt: u64, lo: u64, hi: u64) -> u64 {
        lo + mix(self.ctx.seed, salt) % (hi - lo + 1)
    }

    /// The device clock: now, running ahead when NTP is lost.
    fn now(&self) -> DateTime<FixedOffset> {
        let skew = if self.unsynced {
            Duration::seconds(300 + self.r(10, 0, 600) as i64)
        } else {
            Duration::zero()
        };
        let off = FixedOffset::east_opt(self.zone.1).unwrap_or_else(|| Utc.fix());
        (Utc::now() + skew).with_timezone(&off)
    }

    fn serial(&self, prefix: &str) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        let mut s = format!("{prefix}{:04}", self.r(20, 1000, 2999));
        for i in 0..4 {
            s.push(ALNUM[(mix(self.ctx.seed, 21 + i) % ALNUM.len() as u64) as usize] as char);
        }
        s
    }

    /// IOS: `1 year, 12 weeks, 3 days, 7 hours, 41 minutes` (zero parts left out).
    fn ios_uptime(&self) -> String {
        let mut left = self.uptime / 60;
        let mut parts = Vec::new();
        for (unit, mins) in [
            ("year", 525_600),
            ("week", 10_080),
            ("day", 1_440),
            ("hour", 60),
            ("minute", 1),
        ] {
            let n = left / mins;
            left %= mins;
            if n > 0 {
                parts.push(plural(n, unit));
            }
        }
        if parts.is_empty() {
            "0 minutes".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// ASA: `212 days 4 hours`, `1 year 97 days`, `4 hours 12 mins`.
    fn asa_uptime(&self) -> String {
        let (y, d, h, m) = (
            self.uptime / (365 * 86_400),
            self.uptime % (365 * 86_400) / 86_400,
            self.uptime % 86_400 / 3_600,
            self.uptime % 3_600 / 60,
        );
        if y > 0 {
            format!("{} {}", plural(y, "year"), plural(d, "day"))
        } else if d > 0 {
            format!("{} {}", plural(d, "day"), plural(h, "hour"))
        } else {
            format!("{} {}", plural(h, "hour"), plural(m, "min"))
        }
    }

    /// WAAS: `118 days, 3 hours, 25 minutes, 51 seconds`.
    fn waas_uptime(&self) -> String {
        let u = self.uptime;
        let parts = [
            (u / 86_400, "day"),
            (u % 86_400 / 3_600, "hour"),
            (u % 3_600 / 60, "minute"),
            (u % 60, "second"),
        ];
        parts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, unit)| plural(*n, unit))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn restarted(&self) -> DateTime<FixedOffset> {
        self.now() - Duration::seconds(self.uptime as i64)
    }

    /// `10:27:57 EST Mon Dec 9 2019` (IOS / ASA timestamp layout).
    fn ios_time(&self, t: DateTime<FixedOffset>, millis: bool) -> String {
        let frac = if millis { ".%3f" } else { "" };
        format!(
            "{} {} {}",
            t.format(&format!("%H:%M:%S{frac}")),
            self.zone.0,
            t.format("%a %b %-d %Y")
        )
    }

    fn version(&self) -> String {
        match self.ctx.platform {
            Platform::CiscoIos => self.ios_version(),
            Platform::CiscoXe => self.xe_version(),
            Platform::CiscoAsa => self.asa_version(),
            Platform::CiscoWaas => self.waas_version(),
        }
    }

    fn ios_version(&self) -> String {
        let (chassis, plat, mem) = pick(
            self.ctx.seed,
            30,
            &[
                ("CISCO1941/K9", "C1900", "487424K/36864K"),
                ("CISCO2911/K9", "C2900", "999424K/49152K"),
                ("CISCO2951/K9", "C2951", "999424K/49152K"),
                ("CISCO3925/K9", "C3900", "1540096K/557056K"),
            ],
        );
        let ver = pick(
            self.ctx.seed,
            31,
            &["15.4(3)M10", "15.5(3)M9", "15.7(3)M5", "15.9(3)M7"],
        );
        let image_plat = plat.to_ascii_lowercase();
        // 15.7(3)M5 -> 157-3.M5, as in c2900-universalk9-mz.SPA.157-3.M5.bin
        let image_ver: String = ver
            .chars()
            .filter_map(|c| match c {
                '.' => None,
                '(' => Some('-'),
                ')' => Some('.'),
                c => Some(c),
            })
            .collect();
        let h = self.ctx.hostname;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Cisco IOS Software, {plat} Software ({plat}-UNIVERSALK9-M), Version {ver}, RELEASE SOFTWARE (fc2)"
        );
        s.push_str("Technical Support: http://www.cisco.com/techsupport\n");
        s.push_str("Copyright (c) 1986-2020 by Cisco Systems, Inc.\n");
        s.push_str("Compiled Thu 09-Jul-20 05:12 by prod_rel_team\n\n");
        s.push_str("ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)\n\n");
        let _ = writeln!(s, "{h} uptime is {}", self.ios_uptime());
        s.push_str("System returned to ROM by power-on\n");
        let _ = writeln!(
            s,
            "System restarted at {}",
            self.ios_time(self.restarted(), false)
        );
        let _ = writeln!(
            s,
            "System image file is \"flash0:{image_plat}-universalk9-mz.SPA.{image_ver}.bin\""
        );
        s.push_str("Last reload type: Normal Reload\nLast reload reason: power-on\n\n");
        s.push_str(EXPORT_NOTICE);
        let _ = writeln!(
            s,
            "\nCisco {chassis} (revision 1.0) with {mem} bytes of memory."
        );
        let _ = writeln!(s, "Processor board ID {}", self.serial("FTX"));
        s.push_str("3 Gigabit Ethernet interfaces\n1 Virtual Private Network (VPN) Module\n");
        s.push_str("DRAM configuration is 64 bits wide with parity enabled.\n");
        s.push_str("255K bytes of non-volatile configuration memory.\n");
        s.push_str("250880K bytes of ATA System CompactFlash 0 (Read/Write)\n\n");
        s.push_str("Technology Package License Information for Module:'c2900'\n\n");
        s.push_str("-----------------------------------------------------------------\n");
        s.push_str("Technology    Technology-package           Technology-package\n");
        s.push_str("              Current       Type           Next reboot\n");
        s.push_str("------------------------------------------------------------------\n");
        s.push_str("ipbase        ipbasek9      Permanent      ipbasek9\n");
        s.push_str("security      securityk9    Permanent      securityk9\n");
        s.push_str("data          None          None           None\n\n");
        s.push_str("Configuration register is 0x2102\n\n");
        s
    }

    fn xe_version(&self) -> String {
        let (xe, ios, train) = pick(
            self.ctx.seed,
            40,
            &[
                ("16.09.05", "16.9.5", "Fuji"),
                ("17.03.08a", "17.3.8a", "Amsterdam"),
                ("17.09.04a", "17.9.4a", "Cupertino"),
                ("17.12.03", "17.12.3", "Dublin"),
            ],
        );
        // `RedundancyNotReady` needs two route processors: an ASR 1006-X (`render::ha`).
        let (model, plat, image) = if self.ctx.scenario == Scenario::RedundancyNotReady {
            ("ASR1006-X", "ASR1000", "asr1000")
        } else {
            pick(
                self.ctx.seed,
                41,
                &[
                    ("ISR4331/K9", "ISR", "isr4300"),
                    ("ISR4451-X/K9", "ISR", "isr4400"),
                    ("C8300-1N1S-4T2X", "c8000be", "c8000be"),
                ],
            )
        };
        let h = self.ctx.hostname;
        let mut s = String::new();
        let _ = writeln!(s, "Cisco IOS XE Software, Version {xe}");
        let _ = writeln!(
            s,
            "Cisco IOS Software [{train}], {plat} Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version {ios}, RELEASE SOFTWARE (fc3)"
        );
        s.push_str("Technical Support: http://www.cisco.com/techsupport\n");
        s.push_str("Copyright (c) 1986-2023 by Cisco Systems, Inc.\n");
        s.push_str("Compiled Fri 20-Oct-23 10:44 by mcpre\n\n\n");
        s.push_str("Cisco IOS-XE software, Copyright (c) 2005-2023 by cisco Systems, Inc.\n");
        s.push_str("All rights reserved.  Certain components of Cisco IOS-XE software are\n");
        s.push_str("licensed under the GNU General Public License (\"GPL\") Version 2.0.\n\n\n");
        s.push_str("ROM: 16.12(2r)\n\n");
        let _ = writeln!(s, "{h} uptime is {}", self.ios_uptime());
        let _ = writeln!(
            s,
            "Uptime for this control processor is {}",
            self.ios_uptime()
        );
        s.push_str("System returned to ROM by Reload Command\n");
        let _ = writeln!(
            s,
            "System restarted at {}",
            self.ios_time(self.restarted(), false)
        );
        let _ = writeln!(
            s,
            "System image file is \"bootflash:{image}-universalk9.{xe}.SPA.bin\""
        );
        s.push_str("Last reload reason: Reload Command\n\n");
        s.push_str(EXPORT_NOTICE);
        s.push_str("\nSmart Licensing Status: Smart Licensing Using Policy\n\n");
        let _ = writeln!(
            s,
            "cisco {model} (1RU) processor with 3753815K/6147K bytes of memory."
        );
        let _ = writeln!(s, "Processor board ID {}", self.serial("FDO"));
        s.push_str("Router operating mode: Autonomous\n4 Gigabit Ethernet interfaces\n");
        s.push_str("32768K bytes of non-volatile configuration memory.\n");
        s.push_str("8388608K bytes of physical memory.\n");
        s.push_str("7090175K bytes of flash memory at bootflash:.\n\n");
        s.push_str("Configuration register is 0x2102\n\n");
        s
    }

    fn asa_version(&self) -> String {
        let ver = pick(
            self.ctx.seed,
            50,
            &["9.8(4)48", "9.12(4)62", "9.16(4)57", "9.18(4)22"],
        );
        let (hw, cpu) = pick(
            self.ctx.seed,
            51,
            &[
                (
                    "ASA5516",
                    "8192 MB RAM, CPU Atom C2000 series 2416 MHz, 1 CPU (8 cores)",
                ),
                (
                    "ASA5525",
                    "8192 MB RAM, CPU Lynnfield 2394 MHz, 1 CPU (4 cores)",
                ),
                (
                    "ASA5545",
                    "12288 MB RAM, CPU Lynnfield 2793 MHz, 1 CPU (4 cores)",
                ),
                (
                    "ASA5555",
                    "16384 MB RAM, CPU Lynnfield 2793 MHz, 1 CPU (8 cores)",
                ),
            ],
        );
        let image: String = ver
            .chars()
            .map(|c| if c.is_ascii_digit() { c } else { '-' })
            .collect::<String>()
            .trim_end_matches('-')
            .replace("--", "-");
        let h = self.ctx.hostname;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "\nCisco Adaptive Security Appliance Software Version {ver} "
        );
        s.push_str("Device Manager Version 7.18(1)\n\n");
        s.push_str("Compiled on Thu 21-Jul-22 14:20 PDT by builders\n");
        let _ = writeln!(s, "System image file is \"disk0:/asa{image}-smp-k8.bin\"");
        s.push_str("Config file at boot was \"startup-config\"\n\n");
        let _ = writeln!(s, "{h} up {}", self.asa_uptime());
        let _ = writeln!(s, "failover cluster up {}\n", self.asa_uptime());
        let _ = writeln!(s, "Hardware:   {hw}, {cpu}");
        s.push_str("Internal ATA Compact Flash, 8192MB\n");
        s.push_str("BIOS Flash MX25L6445E @ 0xffbb0000, 8192KB\n\n");
        s.push_str(
            "Encryption hardware device : Cisco ASA Crypto on-board accelerator (revision 0x1)\n",
        );
        s.push_str("                             Number of accelerators: 1\n\n");
        s.push_str(" 0: Int: Internal-Data0/0    : address is 00a7.4211.3c10, irq 11\n");
        s.push_str(" 1: Ext: GigabitEthernet0/0  : address is 00a7.4211.3c15, irq 10\n");
        s.push_str(" 2: Ext: GigabitEthernet0/1  : address is 00a7.4211.3c11, irq 10\n\n");
        s.push_str("Licensed features for this platform:\n");
        s.push_str("Maximum Physical Interfaces       : Unlimited      perpetual\n");
        s.push_str("Failover                          : Active/Standby perpetual\n");
        s.push_str("Encryption-3DES-AES               : Enabled        perpetual\n");
        s.push_str("Other VPN Peers                   : 750            perpetual\n");
        s.push_str("Total VPN Peers                   : 750            perpetual\n\n");
        let _ = writeln!(s, "This platform has an {hw} VPN Premium license.\n");
        let _ = writeln!(s, "Serial Number: {}", self.serial("FCH"));
        s.push_str("Configuration register is 0x1\n");
        s.push_str("Image type          : Release\nKey Version         : A\n");
        let _ = writeln!(
            s,
            "Configuration last modified by netops at {}",
            self.ios_time(self.restarted(), true)
        );
        s
    }

    fn waas_version(&self) -> String {
        let (release, build, year) = pick(
            self.ctx.seed,
            60,
            &[
                ("5.0.3", 18, 2013),
                ("5.5.7a", 9, 2016),
                ("6.2.3d", 40, 2018),
                ("6.4.3c", 12, 2019),
            ],
        );
        let platform = pick(self.ctx.seed, 61, &["oe674", "oe594", "oe694", "oe7541"]);
        let mac: Vec<String> = (0..3)
            .map(|i| format!("{:02x}", mix(self.ctx.seed, 62 + i) & 0xff))
            .collect();
        let restarted = self.restarted();
        let mut s = String::new();
        s.push_str("Cisco Wide Area Application Services Software (WAAS)\n");
        let _ = writeln!(s, "Copyright (c) 1999-{year} by Cisco Systems, Inc.");
        let _ = writeln!(
            s,
            "Cisco Wide Area Application Services Software Release {release} (build b{build} Sep 10 {year})"
        );
        let _ = writeln!(s, "Version: {platform}-{release}.{build}\n");
        let _ = writeln!(s, "Compiled 04:17:55 Sep 10 {year} by damaster\n");
        let _ = writeln!(s, "Device Id: 50:3d:e5:{}", mac.join(":"));
        let _ = writeln!(
            s,
            "System was restarted on {}.",
            restarted.format("%a %b %-d %H:%M:%S %Y")
        );
        let _ = writeln!(s, "The system has been up for {}.", self.waas_uptime());
        s
    }

    fn clock(&self) -> String {
        let now = self.now();
        match self.ctx.platform {
            Platform::CiscoWaas => format!(
                "Local time: {} {} {}\n",
                now.format("%a %b %e %H:%M:%S"),
                self.zone.0,
                now.format("%Y")
            ),
            Platform::CiscoAsa => format!("{}\n", self.ios_time(now, true)),
            Platform::CiscoIos | Platform::CiscoXe => {
                let flag = if self.unsynced { "*" } else { "" };
                format!("{flag}{}\n", self.ios_time(now, true))
            }
        }
    }

    /// NTP reference timestamp `EB0E6D52.3A5E3B41 (01:14:26.227 KST Wed Jun 11 2025)`.
    fn ntp_reftime(&self, t: DateTime<FixedOffset>) -> String {
        let secs = (t.timestamp() + 2_208_988_800) as u64 & 0xFFFF_FFFF;
        let frac = (u64::from(t.timestamp_subsec_nanos()) << 32) / 1_000_000_000;
        format!("{secs:08X}.{frac:08X} ({})", self.ios_time(t, true))
    }

    fn ntp_status(&self) -> String {
        if self.ctx.platform == Platform::CiscoWaas {
            return self.waas_ntp();
        }
        let asa = self.ctx.platform == Platform::CiscoAsa;
        let (nominal, precision, resolution) = if asa {
            ("99.9984", "2**6", 1000)
        } else {
            ("250.0000", "2**10", 4000)
        };
        let uptime_cs = self.uptime.saturating_sub(120) * 100;
        let mut s = String::new();
        if self.unsynced {
            s.push_str("Clock is unsynchronized, stratum 16, no reference clock\n");
            let _ = writeln!(
                s,
                "nominal freq is {nominal} Hz, actual freq is {nominal} Hz, precision is {precision}"
            );
            let _ = writeln!(
                s,
                "ntp uptime is {uptime_cs} (1/100 of seconds), resolution is {resolution}"
            );
            s.push_str("reference time is 00000000.00000000 (00:00:00.000 UTC Mon Jan 1 1900)\n");
            s.push_str("clock offset is 0.0000 msec, root delay is 0.00 msec\n");
            s.push_str("root dispersion is 0.54 msec, peer dispersion is 0.00 msec\n");
            s.push_str(
                "loopfilter state is 'FSET' (Drift set from file), drift is 0.000000000 s/s\n",
            );
            let _ = writeln!(
                s,
                "system poll interval is 64, last update was {} sec ago.",
                self.r(70, 600, 9000)
            );
        } else {
            let offset = (self.r(71, 0, 40_000) as f64 - 20_000.0) / 10_000.0;
            let last = self.r(72, 5, 1000);
            let _ = writeln!(
                s,
                "Clock is synchronized, stratum 3, reference is {}",
                self.ntp_server
            );
            let _ = writeln!(
                s,
                "nominal freq is {nominal} Hz, actual freq is {nominal} Hz, precision is {precision}"
            );
            let _ = writeln!(
                s,
                "ntp uptime is {uptime_cs} (1/100 of seconds), resolution is {resolution}"
            );
            let _ = writeln!(
                s,
                "reference time is {}",
                self.ntp_reftime(self.now() - Duration::seconds(last as i64))
            );
            let _ = writeln!(
                s,
                "clock offset is {offset:.4} msec, root delay is {}.{:02} msec",
                self.r(73, 1, 40),
                self.r(74, 0, 99)
            );
            let _ = writeln!(
                s,
                "root dispersion is {}.{:02} msec, peer dispersion is 0.{:02} msec",
                self.r(75, 2, 60),
                self.r(76, 0, 99),
                self.r(77, 10, 99)
            );
            s.push_str(
                "loopfilter state is 'CTRL' (Normal Controlled Loop), drift is -0.000008442 s/s\n",
            );
            let _ = writeln!(
                s,
                "system poll interval is 1024, last update was {last} sec ago."
            );
        }
        s
    }

    fn waas_ntp(&self) -> String {
        let mut s = String::new();
        s.push_str("NTP enabled\n");
        let _ = writeln!(s, "Server list: {}\n", self.ntp_server);
        s.push_str(
            "     remote           refid      st t when poll reach   delay   offset  jitter\n",
        );
        s.push_str(
            "==============================================================================\n",
        );
        if self.unsynced {
            let _ = writeln!(
                s,
                " {:<15} {:<15} 16 u    -   64    0    0.000    0.000   0.000",
                self.ntp_server, ".INIT."
            );
        } else {
            let offset = (self.r(80, 0, 4_000) as f64 - 2_000.0) / 1_000.0;
            let _ = writeln!(
                s,
                "*{:<15} {:<15}  2 u  {:>3}  256  377    0.{:03}  {offset:>7.3}   0.0{:02}",
                self.ntp_server,
                "10.1.1.1",
                self.r(81, 1, 255),
                self.r(82, 100, 999),
                self.r(83, 10, 99)
            );
        }
        s
    }
}

const EXPORT_NOTICE: &str = "This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com.
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::system::ClockAuthority;
    use crate::parse::{lookup, Record};

    fn ctx(platform: Platform, scenario: Scenario, seed: u64) -> RenderCtx<'static> {
        RenderCtx {
            platform,
            scenario,
            hostname: "sim-dev-07",
            seed,
            drift: Default::default(),
        }
    }

    fn parsed(c: &RenderCtx<'_>, cmd: &str) -> Record {
        let out =
            render(c, cmd).unwrap_or_else(|| panic!("{:?} renders nothing for {cmd}", c.platform));
        let spec = lookup(c.platform, cmd)
            .unwrap_or_else(|| panic!("no parser for {:?} {cmd}", c.platform));
        (spec.parse)(&out).unwrap_or_else(|e| {
            panic!(
                "{:?} {:?} seed {} `{cmd}`: {e}\n{out}",
                c.platform, c.scenario, c.seed
            )
        })
    }

    #[test]
    fn not_my_command() {
        let c = ctx(Platform::CiscoIos, Scenario::Healthy, 1);
        assert!(render(&c, "show crypto isakmp sa").is_none());
        assert!(render(&c, "show versions").is_none());
        assert!(render(&c, "s v").is_none());
        assert!(render(&c, "sh ver").is_some());
        assert!(render(&c, "sh ntp stat").is_some());
    }

    #[test]
    fn every_platform_and_scenario_renders_and_parses_to_the_expected_values() {
        for platform in Platform::ALL {
            for &scenario in Scenario::ALL {
                for seed in [0u64, 1, 7, 42, 1_000_003, u64::MAX] {
                    let c = ctx(platform, scenario, seed);
                    let unsynced = scenario == Scenario::NtpUnsynced;
                    let label = format!("{platform} {scenario} seed {seed}");

                    let Record::Version(v) = parsed(&c, "show version") else {
                        panic!("{label}: not a version record")
                    };
                    assert!(!v.version.is_empty(), "{label}");
                    assert!(
                        v.uptime_s.is_some_and(|u| u >= 1_200),
                        "{label}: {:?}",
                        v.uptime
                    );
                    if platform == Platform::CiscoWaas {
                        assert_eq!(v.os.as_str(), "waas", "{label}");
                        assert!(v.platform.is_some() && v.device_id.is_some(), "{label}");
                    } else {
                        assert_eq!(v.hostname.as_deref(), Some("sim-dev-07"), "{label}");
                        assert!(
                            v.serial.is_some() && v.model.is_some() && v.image.is_some(),
                            "{label}: {v:?}"
                        );
                    }
                    let want_os = match platform {
                        Platform::CiscoIos => "ios",
                        Platform::CiscoXe => "ios_xe",
                        Platform::CiscoAsa => "asa",
                        Platform::CiscoWaas => "waas",
                    };
                    assert_eq!(v.os.as_str(), want_os, "{label}");

                    let Record::Clock(k) = parsed(&c, "show clock") else {
                        panic!("{label}: not a clock record")
                    };
                    let want_authority = match platform {
                        Platform::CiscoWaas => ClockAuthority::Unknown,
                        Platform::CiscoAsa => ClockAuthority::Authoritative,
                        _ if unsynced => ClockAuthority::NotAuthoritative,
                        _ => ClockAuthority::Authoritative,
                    };
                    assert_eq!(k.authority, want_authority, "{label}");
                    assert!(k.timezone.is_some(), "{label}");

                    let Record::NtpStatus(n) = parsed(&c, "show ntp status") else {
                        panic!("{label}: not an ntp record")
                    };
                    assert!(n.enabled, "{label}");
                    assert_eq!(n.synchronized, !unsynced, "{label}");
                    if unsynced {
                        assert_eq!(n.reference, None, "{label}");
                        if platform != Platform::CiscoWaas {
                            assert_eq!(n.stratum, Some(16), "{label}");
                        }
                    } else {
                        assert_eq!(n.stratum, Some(3), "{label}");
                        assert!(
                            n.reference.as_deref().is_some_and(|r| r.starts_with("10.")),
                            "{label}"
                        );
                        assert!(n.offset_ms.is_some_and(|o| o.abs() <= 2.0), "{label}");
                    }
                }
            }
        }
    }

    #[test]
    fn output_is_deterministic_per_seed_and_varies_between_seeds() {
        let a = render(
            &ctx(Platform::CiscoIos, Scenario::Healthy, 5),
            "show version",
        );
        let b = render(
            &ctx(Platform::CiscoIos, Scenario::Healthy, 5),
            "show version",
        );
        // The uptime is fixed per seed, the restart time follows the wall clock: compare the
        // lines that do not carry a time.
        let strip = |s: Option<String>| {
            s.unwrap_or_default()
                .lines()
                .filter(|l| !l.starts_with("System restarted"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(a.clone()), strip(b));
        let serials: std::collections::HashSet<String> = (0..20)
            .map(|seed| {
                let Record::Version(v) = parsed(
                    &ctx(Platform::CiscoAsa, Scenario::Healthy, seed),
                    "show version",
                ) else {
                    unreachable!()
                };
                v.serial.unwrap_or_default()
            })
            .collect();
        assert!(serials.len() > 10, "serials barely vary: {serials:?}");
    }

    #[test]
    fn unsynced_clock_runs_ahead() {
        let c = ctx(Platform::CiscoIos, Scenario::NtpUnsynced, 3);
        let d = Dev::new(&c);
        let ahead = d.now().timestamp() - Utc::now().timestamp();
        assert!((290..=910).contains(&ahead), "{ahead}");
    }
}
