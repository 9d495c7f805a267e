//! IOS / IOS-XE `show crypto session [detail]` and `show dmvpn [detail]` of a simulated device,
//! in the formats `parse::crypto_session` and `parse::dmvpn` read. Sessions follow the same
//! peers as `show crypto isakmp sa`: UP-ACTIVE when phase 1 is up, DOWN-NEGOTIATING otherwise;
//! `CryptoSessionDown` adds a configured peer with no SA at all (`DOWN`). The device is a DMVPN
//! hub (Tunnel100) with 2–4 dynamic spokes UP; `DmvpnSpokeNhrp` holds one spoke in `NHRP`.

use super::{Dev, Ike};
use crate::sim::scenario::Scenario;
use std::fmt::Write as _;

const LEGEND: &str = "Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete
        N - NATed, L - Local, X - No Socket
        T1 - Route Installed, T2 - Nexthop-override
        C - CTS Capable
        # Ent --> Number of NHRP entries with same NBMA peer
        NHS Status: E --> Expecting Replies, R --> Responding, W --> Waiting
        UpDn Time --> Up or Down Time for a Tunnel
==========================================================================
";

impl Dev<'_> {
    pub(super) fn ios_crypto_session(&self, detail: bool) -> String {
        let mut o = String::from("Crypto session current status\n\n");
        if detail {
            o.push_str("Code: C - IKE Configuration mode, D - Dead Peer Detection\nK - Keepalives, N - NAT-traversal, T - cTCP encapsulation\nX - IKE Extended Authentication, F - IKE Fragmentation\nR - IKE Auto Reconnect, U - IKE Dynamic Route Update\n\n");
        }
        for p in &self.peers {
            let up = p.ike == Ike::Up;
            let status = if up { "UP-ACTIVE" } else { "DOWN-NEGOTIATING" };
            let _ = writeln!(o, "Interface: GigabitEthernet0/1\nSession status: {status}");
            if detail {
                let _ = writeln!(
                    o,
                    "Peer: {} port 500 fvrf: (none) ivrf: (none)\n      Phase1_id: {}\n      Desc: (none)",
                    p.addr, p.addr
                );
            } else {
                let _ = writeln!(o, "Peer: {} port 500", p.addr);
            }
            let (sa_status, conn) = if up {
                ("Active", p.conn_id)
            } else {
                ("Inactive", 0)
            };
            let _ = writeln!(
                o,
                "  Session ID: 0\n  IKEv1 SA: local {}/500 remote {}/500 {sa_status}",
                self.local, p.addr
            );
            if detail {
                let _ = writeln!(
                    o,
                    "          Capabilities:D connid:{conn} lifetime:{}",
                    if up { "23:10:05" } else { "0" }
                );
            }
            let _ = writeln!(
                o,
                "  IPSEC FLOW: permit ip {}/255.255.255.0 {}/255.255.255.0\n        Active SAs: {}, origin: crypto map",
                self.local_net,
                p.remote_net,
                if up { 2 } else { 0 }
            );
            if detail {
                let (d, e) = if up { (p.decaps, p.encaps) } else { (0, 0) };
                let _ = writeln!(
                    o,
                    "        Inbound:  #pkts dec'ed {d} drop 0 life (KB/Sec) 4607000/2400\n        Outbound: #pkts enc'ed {e} drop 0 life (KB/Sec) 4607000/2400"
                );
            }
            o.push('\n');
        }
        if self.ctx.scenario == Scenario::CryptoSessionDown {
            let o2 = self.ctx.seed % 256;
            let _ = writeln!(
                o,
                "Interface: GigabitEthernet0/1\nSession status: DOWN\nPeer: 10.{o2}.99.2 port 500\n  IPSEC FLOW: permit ip {}/255.255.255.0 172.31.99.0/255.255.255.0\n        Active SAs: 0, origin: crypto map",
                self.local_net
            );
            if detail {
                o.push_str("        Inbound:  #pkts dec'ed 0 drop 0 life (KB/Sec) 0/0\n        Outbound: #pkts enc'ed 0 drop 0 life (KB/Sec) 0/0\n");
            }
        }
        o
    }

    pub(super) fn ios_dmvpn(&self, detail: bool) -> String {
        let o2 = self.ctx.seed % 256;
        let n = 2 + (self.r(61, 0, 2)) as usize;
        let stuck = (self.r(62, 0, n as u64 - 1)) as usize;
        let mut o = String::from(LEGEND);
        o.push('\n');
        if detail {
            let _ = writeln!(o, "Interface Tunnel100 is up/up, Addr. is 10.255.{o2}.1, VRF \"\"\n   Tunnel Src./Dest. addr: {}/MGRE, Tunnel VRF \"\"\n   Protocol/Transport: \"multi-GRE/IP\", Protect \"DMVPN-PROF\"\nType:Hub, Total NBMA Peers (v4/v6): {n}\n", self.local);
            o.push_str("# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network\n----- --------------- --------------- ----- -------- ----- -----------------\n");
        } else {
            let _ = writeln!(
                o,
                "Interface: Tunnel100, IPv4 NHRP Details\nType:Hub, NHRP Peers:{n},\n"
            );
            o.push_str(" # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n ----- --------------- --------------- ----- -------- -----\n");
        }
        for i in 0..n {
            let nbma = format!("192.0.{}.{}", 2 + i, 10 + o2 % 200);
            let tunnel = format!("10.255.{o2}.{}", 11 + i);
            let nhrp = self.ctx.scenario == Scenario::DmvpnSpokeNhrp && i == stuck;
            let (state, updn) = if nhrp {
                ("NHRP", "never".to_string())
            } else {
                (
                    "UP",
                    format!(
                        "{}d{:02}h",
                        self.r(63 + i as u64, 1, 30),
                        self.r(70 + i as u64, 0, 23)
                    ),
                )
            };
            let _ = write!(
                o,
                "     1 {nbma:<15} {tunnel:>15} {state:>5} {updn:>8}     D"
            );
            if detail {
                let _ = write!(o, "      {tunnel}/32");
            }
            o.push('\n');
        }
        o
    }
}
