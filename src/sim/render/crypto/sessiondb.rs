//! ASA 9.x `show vpn-sessiondb l2l`, `show vpn-sessiondb detail l2l` and
//! `show vpn-sessiondb anyconnect` of a simulated device, in the layouts `parse::asa_sessions`
//! reads (two-column `Label : value` lines, the second column at character 38).
//!
//! The L2L sessions are the peers whose phase 1 is up (those with IPsec SAs in
//! `show crypto ipsec sa`, the `Site-to-Site VPN` active count of `show vpn-sessiondb summary`),
//! IKEv1 with one IPsec tunnel each: Pkts Tx / Rx are the SA's `#pkts encaps` / `#pkts decaps`,
//! Bytes Tx / Rx those packets times a per-peer average size, the rekey times match the SA
//! timings. So `L2lOneWay` (decaps 0) prints Bytes Rx 0, and `IpsecOneWay` (encaps 0) Bytes
//! Tx 0. The AnyConnect sessions are as many as the summary's AnyConnect active count. Login
//! times and durations are fixed per seed, so two snapshots of one device agree.

use super::{mix, Dev, Peer};
use std::fmt::Write as _;

/// One `Label : value` line, or two fields with the second column 38 characters after the
/// indent.
fn line(o: &mut String, indent: &str, a: (&str, &str), b: Option<(&str, &str)>) {
    let w = 13;
    let _ = match b {
        Some((lb, vb)) => writeln!(o, "{indent}{:<w$}: {:<23}{:<13}: {vb}", a.0, a.1, lb, w = w),
        None => writeln!(o, "{indent}{:<w$}: {}", a.0, a.1, w = w),
    };
}

/// `1d 3h:12m:40s` / `0h:19m:55s`.
fn duration(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}d {h}h:{m:02}m:{s:02}s")
    } else {
        format!("{h}h:{m:02}m:{s:02}s")
    }
}

/// A login time in March 2024 (fixed per salt).
fn login_time(seed: u64, salt: u64) -> String {
    const DAYS: [&str; 7] = ["Fri", "Sat", "Sun", "Mon", "Tue", "Wed", "Thu"];
    let day = 1 + mix(seed, salt) % 28;
    let t = mix(seed, salt + 1) % 86_400;
    format!(
        "{:02}:{:02}:{:02} UTC {} Mar {day} 2024",
        t / 3600,
        t / 60 % 60,
        t % 60,
        DAYS[(day as usize - 1) % 7]
    )
}

impl Dev<'_> {
    /// (Bytes Tx, Bytes Rx) of a peer: its packet counters times an average packet size.
    fn peer_bytes(&self, p: &Peer) -> (u64, u64) {
        let avg = self.r(p.conn_id + 600, 120, 1_100);
        (p.encaps * avg, p.decaps * (avg - 40))
    }

    pub(super) fn vpn_l2l(&self, detail: bool) -> String {
        let up: Vec<(usize, &Peer)> = self
            .peers
            .iter()
            .enumerate()
            .filter(|(_, p)| p.ike == super::Ike::Up)
            .collect();
        if up.is_empty() {
            return "INFO: There are presently no active sessions\n".to_string();
        }
        let mut o = String::from(if detail {
            "Session Type: LAN-to-LAN Detailed\n"
        } else {
            "\nSession Type: LAN-to-LAN\n"
        });
        for &(i, p) in &up {
            let index = (p.conn_id % 1000) + 1;
            let (tx, rx) = self.peer_bytes(p);
            let life = self.r(70 + i as u64, 60, 86_399);
            let age = (86_400 - life).max(1);
            o.push('\n');
            line(&mut o, "", ("Connection", &p.addr), None);
            line(
                &mut o,
                "",
                ("Index", &index.to_string()),
                Some(("IP Addr", &p.addr)),
            );
            line(&mut o, "", ("Protocol", "IKEv1 IPsec"), None);
            line(
                &mut o,
                "",
                ("Encryption", "IKEv1: (1)AES256  IPsec: (1)AES256"),
                None,
            );
            line(
                &mut o,
                "",
                ("Hashing", "IKEv1: (1)SHA1  IPsec: (1)SHA1"),
                None,
            );
            line(
                &mut o,
                "",
                ("Bytes Tx", &tx.to_string()),
                Some(("Bytes Rx", &rx.to_string())),
            );
            line(
                &mut o,
                "",
                ("Login Time", &login_time(self.ctx.seed, 620 + i as u64 * 2)),
                None,
            );
            line(&mut o, "", ("Duration", &duration(age)), None);
            if !detail {
                continue;
            }
            let secs = self.r(p.conn_id + 1, 300, 28_799);
            let kb = self.r(p.conn_id + u64::from(p.spi_out % 7), 3_000_000, 4_373_999);
            let idle_left = self.r(p.conn_id + 640, 20, 30);
            let n = |v: u64| v.to_string();
            let s = |v: u64, unit: &str| format!("{v} {unit}");
            o.push_str("\nIKEv1 Tunnels: 1\nIPsec Tunnels: 1\n\nIKEv1:\n");
            let t = "  ";
            line(&mut o, t, ("Tunnel ID", &format!("{index}.1")), None);
            line(
                &mut o,
                t,
                ("UDP Src Port", "500"),
                Some(("UDP Dst Port", "500")),
            );
            line(
                &mut o,
                t,
                ("IKE Neg Mode", "Main"),
                Some(("Auth Mode", "preSharedKeys")),
            );
            line(
                &mut o,
                t,
                ("Encryption", "AES256"),
                Some(("Hashing", "SHA1")),
            );
            line(
                &mut o,
                t,
                ("Rekey Int (T)", "86400 Seconds"),
                Some(("Rekey Left(T)", &s(life, "Seconds"))),
            );
            line(&mut o, t, ("D/H Group", "5"), None);
            line(&mut o, t, ("Filter Name", ""), None);
            o.push_str("\nIPsec:\n");
            line(&mut o, t, ("Tunnel ID", &format!("{index}.2")), None);
            line(
                &mut o,
                t,
                (
                    "Local Addr",
                    &format!("{}/255.255.255.0/0/0", self.local_net),
                ),
                None,
            );
            line(
                &mut o,
                t,
                (
                    "Remote Addr",
                    &format!("{}/255.255.255.0/0/0", p.remote_net),
                ),
                None,
            );
            line(
                &mut o,
                t,
                ("Encryption", "AES256"),
                Some(("Hashing", "SHA1")),
            );
            line(
                &mut o,
                t,
                ("Encapsulation", "Tunnel"),
                Some(("PFS Group", "5")),
            );
            line(
                &mut o,
                t,
                ("Rekey Int (T)", "28800 Seconds"),
                Some(("Rekey Left(T)", &s(secs, "Seconds"))),
            );
            line(
                &mut o,
                t,
                ("Rekey Int (D)", "4608000 K-Bytes"),
                Some(("Rekey Left(D)", &s(kb, "K-Bytes"))),
            );
            line(
                &mut o,
                t,
                ("Idle Time Out", "30 Minutes"),
                Some(("Idle TO Left", &s(idle_left, "Minutes"))),
            );
            line(&mut o, t, ("Bytes Tx", &n(tx)), Some(("Bytes Rx", &n(rx))));
            line(
                &mut o,
                t,
                ("Pkts Tx", &n(p.encaps)),
                Some(("Pkts Rx", &n(p.decaps))),
            );
        }
        o
    }

    /// The summary's AnyConnect active sessions, one block each.
    pub(super) fn vpn_anyconnect(&self) -> String {
        let ac = self.anyconnect_active();
        if ac == 0 {
            return "INFO: There are presently no active sessions of the type specified\n"
                .to_string();
        }
        let seed = self.ctx.seed;
        let o2 = seed % 256;
        let mut o = String::from("\nSession Type: AnyConnect\n");
        for j in 0..ac {
            let salt = 10_000 + j * 8;
            let user = format!("user{:03}", mix(seed, salt) % 1000);
            let index = 1000 + j * 3 + mix(seed, 46) % 500;
            let assigned = format!("10.{o2}.{}.{}", 200 + j / 250, j % 250 + 1);
            let public = format!("198.51.100.{}", 1 + mix(seed, salt + 1) % 254);
            let tx = 10_000 + mix(seed, salt + 2) % 90_000_000;
            let rx = 5_000 + mix(seed, salt + 3) % 20_000_000;
            let age = 30 + mix(seed, salt + 4) % 36_000;
            o.push('\n');
            line(
                &mut o,
                "",
                ("Username", &user),
                Some(("Index", &index.to_string())),
            );
            line(
                &mut o,
                "",
                ("Assigned IP", &assigned),
                Some(("Public IP", &public)),
            );
            line(
                &mut o,
                "",
                ("Protocol", "AnyConnect-Parent SSL-Tunnel DTLS-Tunnel"),
                None,
            );
            line(&mut o, "", ("License", "AnyConnect Premium"), None);
            line(
                &mut o,
                "",
                (
                    "Encryption",
                    "AnyConnect-Parent: (1)none  SSL-Tunnel: (1)AES-GCM-256  DTLS-Tunnel: (1)AES-GCM-256",
                ),
                None,
            );
            line(
                &mut o,
                "",
                (
                    "Hashing",
                    "AnyConnect-Parent: (1)none  SSL-Tunnel: (1)SHA384  DTLS-Tunnel: (1)SHA384",
                ),
                None,
            );
            line(
                &mut o,
                "",
                ("Bytes Tx", &tx.to_string()),
                Some(("Bytes Rx", &rx.to_string())),
            );
            line(
                &mut o,
                "",
                ("Group Policy", "GP_STAFF"),
                Some(("Tunnel Group", "TG_STAFF")),
            );
            line(
                &mut o,
                "",
                ("Login Time", &login_time(seed, salt + 5)),
                None,
            );
            line(&mut o, "", ("Duration", &duration(age)), None);
            line(&mut o, "", ("Inactivity", "0h:00m:00s"), None);
            line(&mut o, "", ("VLAN Mapping", "N/A"), Some(("VLAN", "none")));
            line(
                &mut o,
                "",
                (
                    "Audt Sess ID",
                    &format!("0a{o2:02x}0001{:016x}", mix(seed, salt + 6) >> 1),
                ),
                None,
            );
            line(&mut o, "", ("Security Grp", "none"), None);
        }
        o
    }
}
