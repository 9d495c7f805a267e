//! Simulated outputs of the crypto command family, in each platform's real layout (the formats
//! `parse::isakmp`, `parse::ipsec`, `parse::cerm` and `parse::asa` read):
//!
//! - `cisco_ios` / `cisco_xe`: `show crypto isakmp sa` (the `IPv4 Crypto ISAKMP SA` table),
//!   `show crypto ikev2 sa [detailed]` (module `ikev2`, also for the ASA),
//!   `show crypto ipsec sa [peer X | detail]` (crypto map entries with IOS counters),
//!   `show platform cerm-information` (ISR G2 export limits).
//! - `cisco_asa` (9.x): `show crypto isakmp sa` / `show crypto ikev1 sa` (`IKEv1 SAs:` blocks),
//!   `show crypto ikev2 sa [detail]` (and its sessions in `show crypto isakmp sa`),
//!   `show crypto ipsec sa [peer X | detail]`,
//!   `show vpn-sessiondb summary`, `show vpn-sessiondb [detail] l2l` and
//!   `show vpn-sessiondb anyconnect` (module `sessiondb`), `show asp drop`,
//!   `show asp table vpn-context [detail]`, `show vpn load-balancing` and
//!   `show vpn-sessiondb webvpn` (module `asp`).
//!
//! A device has 2–4 LAN-to-LAN peers (`10.<seed>.<n>.2`), counters and limits varied by
//! `ctx.seed`, and plays `ctx.scenario`: `IkePskMismatch` holds one peer in MM_WAIT_MSG6 (ASA)
//! / MM_NO_STATE (IOS), `IkeAggressiveStuck` one in AG_INIT_EXCH, `IkeXauthOnL2l` one in
//! CONF_XAUTH (IOS), `IpsecOneWay` gives one SA `#pkts encaps: 0` with decaps > 0, `PeerDown`
//! drops the last peer, `CermTxLimit` / `CermTunnelLimit` exhaust CERM Tx bandwidth /
//! tunnels, `L2lOneWay` (ASA) gives one SA `#pkts decaps: 0` with encaps > 0 (its session
//! Bytes Rx 0), `AspExpiredVpnContext` prints a large `Expired VPN context` drop counter,
//! `Ikev2StuckInNeg` holds one IKEv2 peer in IN-NEG (module `ikev2`),
//! `AnyconnectLicenseNearLimit` (ASA) 225–235 AnyConnect sessions (of 250 licensed). Every
//! other scenario renders a healthy device. A peer without phase 1 has no IPsec SAs (IOS still
//! lists its crypto map entry with zero counters, as routers do).

use super::mix;
use crate::sim::scenario::{RenderCtx, Scenario};
use crate::Platform;
use std::fmt::Write as _;

/// The commands this family answers (canonical spelling; `ipsec sa` takes arguments).
pub const COMMANDS: &[&str] = &[
    "show crypto isakmp sa",
    "show crypto isakmp sa detail",
    "show crypto ikev1 sa",
    "show crypto ikev2 sa",
    "show crypto ipsec sa",
    "show platform cerm-information",
    "show vpn-sessiondb summary",
    "show vpn-sessiondb l2l",
    "show vpn-sessiondb detail l2l",
    "show vpn-sessiondb anyconnect",
    "show vpn-sessiondb webvpn",
    "show vpn load-balancing",
    "show asp table vpn-context",
    "show asp table vpn-context detail",
    "show asp drop",
    "show crypto session",
    "show dmvpn",
];

/// `command` as (canonical command, remaining argument words), accepting word abbreviations
/// (`sh cry isa sa`).
fn canonical(command: &str) -> Option<(&'static str, Vec<&str>)> {
    let words: Vec<&str> = command.split_whitespace().collect();
    COMMANDS.iter().copied().find_map(|c| {
        let cw: Vec<&str> = c.split(' ').collect();
        if words.len() < cw.len() {
            return None;
        }
        let head_ok = cw
            .iter()
            .zip(&words)
            .all(|(c, w)| w.len() >= 2.min(c.len()) && c.starts_with(w));
        let rest: Vec<&str> = words.get(cw.len()..).unwrap_or(&[]).to_vec();
        let args_ok = matches!(
            c,
            "show crypto ipsec sa"
                | "show crypto ikev2 sa"
                | "show crypto session"
                | "show dmvpn"
                | "show vpn-sessiondb l2l"
                | "show vpn-sessiondb detail l2l"
                | "show vpn-sessiondb anyconnect"
                | "show vpn-sessiondb webvpn"
        ) || rest.is_empty();
        (head_ok && args_ok).then_some((c, rest))
    })
}

pub fn render(ctx: &RenderCtx<'_>, command: &str) -> Option<String> {
    let (cmd, args) = canonical(command)?;
    let dev = Dev::new(ctx);
    let asa = ctx.platform == Platform::CiscoAsa;
    let ios = matches!(ctx.platform, Platform::CiscoIos | Platform::CiscoXe);
    Some(match cmd {
        "show crypto isakmp sa" if ios => dev.ios_isakmp(),
        "show crypto isakmp sa detail" if ios => dev.ios_isakmp_detail(),
        "show crypto isakmp sa detail" if asa => dev.asa_isakmp_detail(),
        "show crypto isakmp sa" | "show crypto ikev1 sa" if asa => dev.asa_isakmp(cmd),
        "show crypto ikev2 sa" if ios || asa => {
            // `detail` (ASA) / `detailed` (IOS-XE), or nothing.
            let detail = match args.as_slice() {
                [] => false,
                [a] if a.len() >= 3 && "detailed".starts_with(a) => true,
                _ => return None,
            };
            if asa {
                dev.asa_ikev2_sa(detail)
            } else {
                dev.ios_ikev2_sa(detail)
            }
        }
        "show crypto ipsec sa" if ios || asa => {
            let peer = match args.as_slice() {
                [p, addr, ..] if "peer".starts_with(p) && p.len() >= 2 => Some(*addr),
                _ => None,
            };
            let detail = args.iter().any(|a| a.len() >= 3 && "detail".starts_with(a));
            if asa {
                dev.asa_ipsec(peer, detail)
            } else {
                dev.ios_ipsec(peer, detail)
            }
        }
        "show platform cerm-information" if ios => dev.cerm(),
        "show crypto session" if ios => dev.ios_crypto_session(detail_arg(&args)),
        "show dmvpn" if ios => dev.ios_dmvpn(detail_arg(&args)),
        "show vpn-sessiondb summary" if asa => dev.vpn_summary(),
        "show vpn-sessiondb l2l" if asa => dev.vpn_l2l(false),
        "show vpn-sessiondb detail l2l" if asa => dev.vpn_l2l(true),
        "show vpn-sessiondb anyconnect" if asa => dev.vpn_anyconnect(),
        "show vpn-sessiondb webvpn" if asa => dev.vpn_webvpn(),
        "show vpn load-balancing" if asa => dev.vpn_load_balancing(),
        "show asp table vpn-context" if asa => dev.asp_vpn_context(false),
        "show asp table vpn-context detail" if asa => dev.asp_vpn_context(true),
        "show asp drop" if asa => dev.asp_drop(),
        _ => return None,
    })
}

fn detail_arg(args: &[&str]) -> bool {
    args.iter().any(|a| a.len() >= 3 && "detail".starts_with(a))
}

/// Phase 1 of one peer.
#[derive(Clone, Copy, PartialEq)]
enum Ike {
    Up,
    PskMismatch,
    Aggressive,
    Xauth,
}

struct Peer {
    addr: String,
    /// Remote protected LAN (`172.<16+n>.<x>.0/24`).
    remote_net: String,
    ike: Ike,
    encaps: u64,
    decaps: u64,
    send_errors: u64,
    recv_errors: u64,
    spi_in: u32,
    spi_out: u32,
    conn_id: u64,
}

struct Dev<'a> {
    ctx: &'a RenderCtx<'a>,
    local: String,
    local_net: String,
    peers: Vec<Peer>,
}

impl<'a> Dev<'a> {
    fn new(ctx: &'a RenderCtx<'a>) -> Self {
        let seed = ctx.seed;
        let o2 = seed % 256;
        let healthy_n = 2 + (mix(seed, 1) % 3) as usize;
        let n = if ctx.scenario == Scenario::PeerDown {
            healthy_n - 1
        } else {
            healthy_n
        };
        let faulty = (mix(seed, 2) % n as u64) as usize;
        let asa = ctx.platform == Platform::CiscoAsa;
        let fault = match ctx.scenario {
            Scenario::IkePskMismatch => Some(Ike::PskMismatch),
            Scenario::IkeAggressiveStuck => Some(Ike::Aggressive),
            Scenario::IkeXauthOnL2l if !asa => Some(Ike::Xauth),
            _ => None,
        };
        // The drift's growth lands on the first SA only, so one SA grows and the others not.
        let grown = |i: usize| if i == 0 { ctx.drift.counter_growth } else { 0 };
        let peers = (0..n)
            .map(|i| {
                let s = 100 + i as u64 * 10;
                let ike = match fault {
                    Some(f) if i == faulty => f,
                    _ => Ike::Up,
                };
                let one_way = ctx.scenario == Scenario::IpsecOneWay && i == faulty;
                let no_decaps = asa && ctx.scenario == Scenario::L2lOneWay && i == faulty;
                let decaps = if no_decaps {
                    0
                } else {
                    1_000 + mix(seed, s + 3) % 9_000_000
                };
                let encaps = if one_way {
                    0
                } else {
                    1_000 + mix(seed, s + 4) % 9_000_000
                };
                Peer {
                    addr: format!("10.{o2}.{}.2", 10 + i),
                    remote_net: format!("172.{}.{}.0", 16 + i, mix(seed, s + 5) % 256),
                    ike,
                    encaps,
                    decaps,
                    send_errors: grown(i)
                        + if mix(seed, s + 6).is_multiple_of(4) {
                            mix(seed, s + 7) % 20
                        } else {
                            0
                        },
                    recv_errors: grown(i),
                    spi_in: (mix(seed, s + 8) as u32) | 0x1000_0000,
                    spi_out: (mix(seed, s + 9) as u32) | 0x1000_0000,
                    conn_id: 2000 + i as u64 * 2 + mix(seed, 11) % 50 * 10,
                }
            })
            .collect();
        Dev {
            ctx,
            local: format!("10.{o2}.0.1"),
            local_net: format!("10.{o2}.100.0"),
            peers,
        }
    }

    fn r(&self, salt: u64, lo: u64, hi: u64) -> u64 {
        lo + mix(self.ctx.seed, salt) % (hi - lo + 1)
    }

    fn up_peers(&self) -> impl Iterator<Item = &Peer> {
        self.peers.iter().filter(|p| p.ike == Ike::Up)
    }

    // ---- IOS ---------------------------------------------------------------------------------

    fn ios_isakmp(&self) -> String {
        let mut o = String::from(
            "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n",
        );
        for p in &self.peers {
            let (state, conn) = match p.ike {
                Ike::Up => ("QM_IDLE", p.conn_id),
                Ike::PskMismatch => ("MM_NO_STATE", 0),
                Ike::Aggressive => ("AG_INIT_EXCH", 0),
                Ike::Xauth => ("CONF_XAUTH", p.conn_id),
            };
            let _ = writeln!(
                o,
                "{:<15} {:<15} {:<14} {:>7} ACTIVE",
                p.addr, self.local, state, conn
            );
        }
        o.push_str("\nIPv6 Crypto ISAKMP SA\n\n");
        o
    }

    /// `detail` lists the negotiated SAs (a peer stuck in phase 1 has none to show).
    fn ios_isakmp_detail(&self) -> String {
        let mut o = String::from(
            "Codes: C - IKE configuration mode, D - Dead Peer Detection\n\
             \x20      K - Keepalives, N - NAT-traversal\n\
             \x20      T - cTCP encapsulation, X - IKE Extended Authentication\n\
             \x20      psk - Preshared key, rsig - RSA signature\n\
             \x20      renc - RSA encryption\n\
             IPv4 Crypto ISAKMP SA\n\n\
             C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.\n\n",
        );
        for p in self.up_peers() {
            let left = self.r(p.conn_id + 60, 60, 86_399);
            let _ = write!(
                o,
                "{:<5} {:<15} {:<15}        ACTIVE aes  sha256 psk  14 {:02}:{:02}:{:02} D\n\
                 \x20      Engine-id:Conn-id =  SW:{}\n\n",
                p.conn_id,
                self.local,
                p.addr,
                left / 3600,
                left / 60 % 60,
                left % 60,
                p.conn_id - 2000
            );
        }
        o.push_str("IPv6 Crypto ISAKMP SA\n\n");
        o
    }

    fn ios_ipsec(&self, peer: Option<&str>, detail: bool) -> String {
        let iface = if self.ctx.platform == Platform::CiscoXe {
            "GigabitEthernet1"
        } else {
            "GigabitEthernet0/0"
        };
        let mut o = String::new();
        let _ = write!(
            o,
            "\ninterface: {iface}\n    Crypto map tag: VPN-MAP, local addr {}\n",
            self.local
        );
        for p in self
            .peers
            .iter()
            .filter(|p| peer.is_none_or(|x| x == p.addr))
        {
            let up = p.ike == Ike::Up;
            let (encaps, decaps) = if up { (p.encaps, p.decaps) } else { (0, 0) };
            let _ = write!(
                o,
                "\n   protected vrf: (none)\n\
                 \x20  local  ident (addr/mask/prot/port): ({}/255.255.255.0/0/0)\n\
                 \x20  remote ident (addr/mask/prot/port): ({}/255.255.255.0/0/0)\n\
                 \x20  current_peer {} port 500\n\
                 \x20    PERMIT, flags={{origin_is_acl,}}\n\
                 \x20   #pkts encaps: {encaps}, #pkts encrypt: {encaps}, #pkts digest: {encaps}\n\
                 \x20   #pkts decaps: {decaps}, #pkts decrypt: {decaps}, #pkts verify: {decaps}\n\
                 \x20   #pkts compressed: 0, #pkts decompressed: 0\n\
                 \x20   #pkts not compressed: 0, #pkts compr. failed: 0\n\
                 \x20   #pkts not decompressed: 0, #pkts decompress failed: 0\n",
                self.local_net, p.remote_net, p.addr
            );
            if detail {
                o.push_str(
                    "    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0\n\
                     \x20   #pkts encaps failed (send) 0, #pkts decaps failed (rcv) 0\n\
                     \x20   #pkts invalid prot (recv) 0, #pkts verify failed: 0\n\
                     \x20   #pkts invalid identity (recv) 0, #pkts invalid len (rcv) 0\n\
                     \x20   #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0\n\
                     \x20   ##pkts replay failed (rcv): 0\n\
                     \x20   #pkts internal err (send): 0, #pkts internal err (recv) 0\n",
                );
            } else {
                let _ = writeln!(
                    o,
                    "    #send errors {}, #recv errors {}",
                    p.send_errors, p.recv_errors
                );
            }
            let spi_out = if up { p.spi_out } else { 0 };
            let _ = write!(
                o,
                "\n     local crypto endpt.: {}, remote crypto endpt.: {}\n\
                 \x20    plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb {iface}\n\
                 \x20    current outbound spi: 0x{spi_out:X}({spi_out})\n\
                 \x20    PFS (Y/N): N, DH group: none\n\n",
                self.local, p.addr
            );
            for (dir, spi, conn) in [
                ("inbound", p.spi_in, p.conn_id),
                ("outbound", p.spi_out, p.conn_id + 1),
            ] {
                let _ = writeln!(o, "     {dir} esp sas:");
                if up {
                    let kb = self.r(conn, 3_000_000, 4_608_000);
                    let secs = self.r(conn + 1, 300, 3_599);
                    let _ = write!(
                        o,
                        "      spi: 0x{spi:X}({spi})\n\
                         \x20       transform: esp-256-aes esp-sha256-hmac ,\n\
                         \x20       in use settings ={{Tunnel, }}\n\
                         \x20       conn id: {conn}, flow_id: SW:{}, sibling_flags 80000040, crypto map: VPN-MAP\n\
                         \x20       sa timing: remaining key lifetime (k/sec): ({kb}/{secs})\n\
                         \x20       IV size: 16 bytes\n\
                         \x20       replay detection support: Y\n\
                         \x20       Status: ACTIVE(ACTIVE)\n",
                        conn - 2000
                    );
                }
                let _ = write!(o, "\n     {dir} ah sas:\n\n     {dir} pcp sas:\n\n");
            }
        }
        o
    }

    fn cerm(&self) -> String {
        let tx_used = self.r(21, 1_000, 40_000);
        let rx_used = self.r(22, 1_000, 40_000);
        let tx_avail = if self.ctx.scenario == Scenario::CermTxLimit {
            0
        } else {
            85_000 - tx_used
        };
        let tunnels_avail = if self.ctx.scenario == Scenario::CermTunnelLimit {
            3
        } else {
            225 - self.peers.len() as u64
        };
        let tls_avail = 1_000 - self.r(23, 0, 25);
        format!(
            "Crypto Export Restrictions Manager(CERM) Information:\n\
             CERM functionality: ENABLED\n\
             ----------------------------------------------------------------\n\
             Resource                  Maximum Limit        Available\n\
             ----------------------------------------------------------------\n\
             Tx Bandwidth(in kbps)     85000                {tx_avail}\n\
             Rx Bandwidth(in kbps)     85000                {}\n\
             Number of tunnels         225                  {tunnels_avail}\n\
             Number of TLS sessions    1000                 {tls_avail}\n",
            85_000 - rx_used
        )
    }

    // ---- ASA ---------------------------------------------------------------------------------

    fn asa_isakmp(&self, cmd: &str) -> String {
        let n = self.peers.len();
        let mut o = format!(
            "\nIKEv1 SAs:\n\n   Active SA: {n}\n    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)\nTotal IKE SA: {n}\n\n"
        );
        for (i, p) in self.peers.iter().enumerate() {
            let state = match p.ike {
                Ike::Up | Ike::Xauth => "MM_ACTIVE",
                Ike::PskMismatch => "MM_WAIT_MSG6",
                Ike::Aggressive => "AG_INIT_EXCH",
            };
            let role = if mix(self.ctx.seed, 30 + i as u64).is_multiple_of(2) {
                "initiator"
            } else {
                "responder"
            };
            let _ = write!(
                o,
                "{:<4}IKE Peer: {}\n    Type    : L2L             Role    : {role}\n    Rekey   : no              State   : {state}\n",
                i + 1,
                p.addr
            );
        }
        if cmd == "show crypto isakmp sa" {
            // ASA 9.x lists its IKEv2 SAs there too (not under `show crypto ikev1 sa`).
            o.push_str(&self.asa_ikev2_sa(false));
        }
        o
    }

    fn asa_isakmp_detail(&self) -> String {
        let n = self.peers.len();
        let mut o = format!(
            "\nIKEv1 SAs:\n\n   Active SA: {n}\n    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)\nTotal IKE SA: {n}\n\n"
        );
        for (i, p) in self.peers.iter().enumerate() {
            let state = match p.ike {
                Ike::Up | Ike::Xauth => "MM_ACTIVE",
                Ike::PskMismatch => "MM_WAIT_MSG6",
                Ike::Aggressive => "AG_INIT_EXCH",
            };
            let _ = write!(
                o,
                "{:<4}IKE Peer: {}\n    Type    : L2L             Role    : initiator\n    Rekey   : no              State   : {state}\n    Encrypt : aes-256         Hash    : SHA\n    Auth    : preshared       Lifetime: 86400\n",
                i + 1,
                p.addr
            );
            if state == "MM_ACTIVE" {
                let _ = writeln!(
                    o,
                    "    Lifetime Remaining: {}",
                    self.r(70 + i as u64, 60, 86_399)
                );
            }
        }
        o.push_str(&self.asa_ikev2_sa(true));
        o
    }

    fn asa_ipsec(&self, peer: Option<&str>, detail: bool) -> String {
        let mut o = String::new();
        let mut any = false;
        for (i, p) in self
            .up_peers()
            .enumerate()
            .filter(|(_, p)| peer.is_none_or(|x| x == p.addr))
        {
            if !any {
                o.push_str("interface: outside\n");
                any = true;
            }
            let seq = i + 1;
            let (e, d) = (p.encaps, p.decaps);
            let _ = write!(
                o,
                "    Crypto map tag: outside_map, seq num: {seq}, local addr: {local}\n\n\
                 \x20     access-list outside_cryptomap_{seq} extended permit ip {ln} 255.255.255.0 {rn} 255.255.255.0\n\
                 \x20     local ident (addr/mask/prot/port): ({ln}/255.255.255.0/0/0)\n\
                 \x20     remote ident (addr/mask/prot/port): ({rn}/255.255.255.0/0/0)\n\
                 \x20     current_peer: {peer}\n\n\n\
                 \x20     #pkts encaps: {e}, #pkts encrypt: {e}, #pkts digest: {e}\n\
                 \x20     #pkts decaps: {d}, #pkts decrypt: {d}, #pkts verify: {d}\n\
                 \x20     #pkts compressed: 0, #pkts decompressed: 0\n\
                 \x20     #pkts not compressed: {e}, #pkts comp failed: 0, #pkts decomp failed: 0\n\
                 \x20     #pre-frag successes: 0, #pre-frag failures: 0, #fragments created: 0\n\
                 \x20     #PMTUs sent: 0, #PMTUs rcvd: 0, #decapsulated frgs needing reassembly: 0\n\
                 \x20     #TFC rcvd: 0, #TFC sent: 0\n\
                 \x20     #Valid ICMP Errors rcvd: 0, #Invalid ICMP Errors rcvd: 0\n",
                local = self.local,
                ln = self.local_net,
                rn = p.remote_net,
                peer = p.addr,
            );
            if detail {
                o.push_str(
                    "      #pkts no sa (send): 0, #pkts invalid sa (rcv): 0\n\
                     \x20     #pkts encaps failed (send): 0, #pkts decaps failed (rcv): 0\n\
                     \x20     #pkts invalid prot (rcv): 0, #pkts verify failed: 0\n\
                     \x20     #pkts invalid identity (rcv): 0, #pkts invalid len (rcv): 0\n\
                     \x20     #pkts replay rollover (send): 0, #pkts replay rollover (rcv): 0\n\
                     \x20     #pkts replay failed (rcv): 0\n\
                     \x20     #pkts internal err (send): 0, #pkts internal err (rcv): 0\n",
                );
            }
            let _ = write!(
                o,
                "      #send errors: {se}, #recv errors: {re}\n\n\
                 \x20     local crypto endpt.: {local}/0, remote crypto endpt.: {peer}/0\n\
                 \x20     path mtu 1500, ipsec overhead 74(44), media mtu 1500\n\
                 \x20     PMTU time remaining (sec): 0, DF policy: copy-df\n\
                 \x20     ICMP error validation: disabled, TFC packets: disabled\n\
                 \x20     current outbound spi: {so:08X}\n\
                 \x20     current inbound spi : {si:08X}\n\n",
                se = p.send_errors,
                re = p.recv_errors,
                local = self.local,
                peer = p.addr,
                so = p.spi_out,
                si = p.spi_in,
            );
            for (dir, spi) in [("inbound", p.spi_in), ("outbound", p.spi_out)] {
                let kb = self.r(p.conn_id + u64::from(spi % 7), 3_000_000, 4_373_999);
                let secs = self.r(p.conn_id + 1, 300, 28_799);
                let bitmap = if dir == "inbound" {
                    "0xFFFFFFFF 0xFFFFFFFF"
                } else {
                    "0x00000000 0x00000001"
                };
                let _ = write!(
                    o,
                    "    {dir} esp sas:\n\
                     \x20     spi: 0x{spi:08X} ({spi})\n\
                     \x20        SA State: active\n\
                     \x20        transform: esp-aes-256 esp-sha-hmac no compression\n\
                     \x20        in use settings ={{L2L, Tunnel, IKEv1, }}\n\
                     \x20        slot: 0, conn_id: {conn}, crypto-map: outside_map\n\
                     \x20        sa timing: remaining key lifetime (kB/sec): ({kb}/{secs})\n\
                     \x20        IV size: 16 bytes\n\
                     \x20        replay detection support: Y\n\
                     \x20        Anti replay bitmap:\n\
                     \x20         {bitmap}\n",
                    conn = p.conn_id * 4096,
                );
            }
            o.push('\n');
        }
        if !any {
            o.push_str("\nThere are no ipsec sas\n");
        }
        o
    }

    /// AnyConnect sessions active (`show vpn-sessiondb summary` / `anyconnect`): at most 300,
    /// under the smallest healthy AnyConnect Premium licence (500, `render::inventory`) by
    /// enough to stay clear of `ANYCONNECT_LICENSE_NEAR_LIMIT`; `AnyconnectLicenseNearLimit`
    /// holds 225–235 of that scenario's 250.
    fn anyconnect_active(&self) -> u64 {
        if self.ctx.scenario == Scenario::AnyconnectLicenseNearLimit {
            225 + self.r(40, 0, 10)
        } else {
            self.r(40, 0, 300)
        }
    }

    fn vpn_summary(&self) -> String {
        let l2l = self.up_peers().count() as u64;
        let ac = self.anyconnect_active();
        let ac_inactive = self.r(41, 0, ac / 10);
        let ac_cum = ac + self.r(42, 100, 50_000);
        let ac_peak = ac + self.r(43, 0, 80);
        let l2l_cum = l2l + self.r(44, 10, 2_000);
        let capacity = if mix(self.ctx.seed, 45).is_multiple_of(2) {
            750
        } else {
            5000
        };
        let total = ac + ac_inactive + l2l;
        let load = (ac + l2l) * 100 / capacity;
        format!(
            "---------------------------------------------------------------------------\n\
             VPN Session Summary\n\
             ---------------------------------------------------------------------------\n\
             \x20                              Active : Cumulative : Peak Concur : Inactive\n\
             \x20                            ----------------------------------------------\n\
             AnyConnect Client            : {ac:>6} : {ac_cum:>10} : {ac_peak:>11} : {ac_inactive:>10}\n\
             \x20 SSL/TLS/DTLS               : {ac:>6} : {ac_cum:>10} : {ac_peak:>11} : {ac_inactive:>10}\n\
             Site-to-Site VPN             : {l2l:>6} : {l2l_cum:>10} : {l2l:>11}\n\
             \x20 IKEv1 IPsec                : {l2l:>6} : {l2l_cum:>10} : {l2l:>11}\n\
             ---------------------------------------------------------------------------\n\
             Total Active and Inactive    : {total:>6}             Total Cumulative : {:>6}\n\
             Device Total VPN Capacity    : {capacity:>6}\n\
             Device Load                  : {load:>5}%\n\
             ---------------------------------------------------------------------------\n",
            ac_cum + l2l_cum
        )
    }

    fn asp_drop(&self) -> String {
        let mut frame: Vec<(&str, &str, u64)> = vec![
            ("Invalid encapsulation", "invalid-encap", self.r(50, 1, 400)),
            ("No route to host", "no-route", self.r(51, 10, 9_000)),
            (
                "Flow is denied by configured rule",
                "acl-drop",
                self.r(52, 1_000, 2_000_000),
            ),
            (
                "First TCP packet not SYN",
                "tcp-not-syn",
                self.r(53, 100, 90_000),
            ),
            (
                "TCP RST/FIN out of order",
                "tcp-rstfin-ooo",
                self.r(54, 10, 20_000),
            ),
            (
                "Slowpath security checks failed",
                "sp-security-failed",
                self.r(55, 1, 500),
            ),
        ];
        let expired = if self.ctx.scenario == Scenario::AspExpiredVpnContext {
            100_000 + self.r(56, 0, 900_000)
        } else {
            0
        } + self.ctx.drift.counter_growth;
        if expired > 0 {
            frame.push(("Expired VPN context", "vpn-context-expired", expired));
        }
        let flow: Vec<(&str, &str, u64)> = vec![
            (
                "Tunnel has been torn down",
                "tunnel-torn-down",
                self.r(57, 1, 300),
            ),
            ("NAT failed", "nat-failed", self.r(58, 1, 120)),
            (
                "VPN handle not found",
                "vpn-handle-not-found",
                self.r(59, 1, 40),
            ),
        ];
        let line = |o: &mut String, (desc, id, n): (&str, &str, u64)| {
            let label = format!("{desc} ({id})");
            let _ = writeln!(o, "  {label:<62}{n:>12}");
        };
        let mut o = String::from("\nFrame drop:\n");
        for f in frame {
            line(&mut o, f);
        }
        o.push_str("\nLast clearing: Never\n\nFlow drop:\n");
        for f in flow {
            line(&mut o, f);
        }
        o.push_str("\nLast clearing: Never\n");
        o
    }
}

mod asp;
mod ikev2;
mod sessiondb;
#[cfg(test)]
mod tests;
mod vpn;
