//! `show crypto ikev2 sa [detail|detailed]` of a simulated device, in the formats
//! `parse::ikev2_sa` reads: the IOS / IOS-XE `IPv4 Crypto IKEv2 SA` table and the ASA 9.x
//! `IKEv2 SAs:` sessions with their child SAs (also the IKEv2 section of the ASA
//! `show crypto isakmp sa`). The IKEv2 peers are 1–2 of their own (`10.<seed>.<40+n>.2`), beside
//! the IKEv1 peers of the other crypto outputs. Healthy devices are READY, and one seed in
//! three catches a rekey (the new SA READY for seconds, the old one DELETE, which
//! `IKEV2_SA_NOT_READY` must not report); `Ikev2StuckInNeg` holds the last peer's only SA in
//! `IN-NEG` (no child SA, active time 0).

use super::super::mix;
use super::Dev;
use crate::sim::scenario::Scenario;
use std::fmt::Write as _;

/// One IKE SA of a peer.
struct V2Sa {
    tunnel_id: u64,
    status: &'static str,
    active: u64,
    local_spi: u64,
    remote_spi: u64,
}

/// One IKEv2 peer (an ASA session).
struct V2Peer {
    addr: String,
    remote_net: String,
    session_id: u64,
    /// READY first when there are two (a rekey); a stuck peer has one IN-NEG SA.
    sas: Vec<V2Sa>,
    /// The child SA's ESP SPIs in/out, when the peer carries traffic.
    child: Option<(u32, u32)>,
}

impl V2Peer {
    fn ready(&self) -> bool {
        self.sas.iter().any(|s| s.status == "READY")
    }
}

impl Dev<'_> {
    fn v2_peers(&self) -> Vec<V2Peer> {
        let seed = self.ctx.seed;
        let o2 = seed % 256;
        let asa = self.ctx.platform == crate::Platform::CiscoAsa;
        let n = 1 + (mix(seed, 40) % 2) as usize;
        let rekeying = mix(seed, 41).is_multiple_of(3);
        let mut next_tid = 1u64;
        let mut tid = |salt: u64| {
            if asa {
                10_000_000 + mix(seed, salt) % 90_000_000
            } else {
                next_tid += 1;
                next_tid - 1
            }
        };
        (0..n)
            .map(|i| {
                let s = 400 + i as u64 * 10;
                let stuck = self.ctx.scenario == Scenario::Ikev2StuckInNeg && i == n - 1;
                let sa = |tunnel_id: u64, status: &'static str, active: u64, salt: u64| V2Sa {
                    tunnel_id,
                    status,
                    active,
                    local_spi: mix(seed, salt),
                    remote_spi: if status == "IN-NEG" {
                        0
                    } else {
                        mix(seed, salt + 1)
                    },
                };
                let sas = if stuck {
                    vec![sa(tid(s), "IN-NEG", 0, s + 1)]
                } else if rekeying && i == 0 {
                    vec![
                        sa(tid(s + 2), "READY", self.r(s + 3, 3, 40), s + 4),
                        sa(tid(s + 5), "DELETE", self.r(s + 6, 64_800, 64_890), s + 7),
                    ]
                } else {
                    vec![sa(tid(s + 8), "READY", self.r(s + 9, 600, 80_000), s + 10)]
                };
                V2Peer {
                    addr: format!("10.{o2}.{}.2", 40 + i),
                    remote_net: format!("172.{}.{}.0", 24 + i, mix(seed, s + 11) % 256),
                    session_id: 1 + i as u64 + mix(seed, 42) % 400,
                    sas,
                    child: (!stuck).then(|| {
                        (
                            (mix(seed, s + 12) as u32) | 0x1000_0000,
                            (mix(seed, s + 13) as u32) | 0x1000_0000,
                        )
                    }),
                }
            })
            .collect()
    }

    /// IOS / IOS-XE `show crypto ikev2 sa [detailed]`.
    pub(super) fn ios_ikev2_sa(&self, detail: bool) -> String {
        let mut o = String::from(" IPv4 Crypto IKEv2  SA \n\n");
        for p in self.v2_peers() {
            for sa in &p.sas {
                let neg = sa.status == "IN-NEG";
                let _ = write!(
                    o,
                    "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n\
                     {:<9} {:<21} {:<21} {:<20} {:<7}\n",
                    sa.tunnel_id,
                    format!("{}/500", self.local),
                    format!("{}/500", p.addr),
                    "none/none",
                    sa.status
                );
                if neg {
                    o.push_str("      Encr: Unknown - 0, keysize: 0, PRF: Unknown - 0, Hash: None, DH Grp:0, Auth sign: Unknown - 0, Auth verify: Unknown - 0\n");
                } else {
                    o.push_str("      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK\n");
                }
                let _ = writeln!(o, "      Life/Active Time: 86400/{} sec", sa.active);
                if detail {
                    let desc = if neg {
                        "Initial negotiation in progress"
                    } else {
                        "Negotiation done"
                    };
                    let remote_id = if neg { String::new() } else { p.addr.clone() };
                    let _ = write!(
                        o,
                        "      CE id: {}, Session-id: {}\n\
                         \x20     Status Description: {desc}\n\
                         \x20     Local spi: {:016X}       Remote spi: {:016X}\n\
                         \x20     Local id: {}\n\
                         \x20     Remote id: {remote_id}\n\
                         \x20     Local req msg id:  2              Remote req msg id:  0\n\
                         \x20     Local next msg id: 2              Remote next msg id: 0\n\
                         \x20     Local req queued:  2              Remote req queued:  0\n\
                         \x20     Local window:      5              Remote window:      5\n\
                         \x20     DPD configured for 10 seconds, retry 2\n\
                         \x20     Fragmentation not  configured.\n\
                         \x20     Dynamic Route Update: disabled\n\
                         \x20     Extended Authentication not configured.\n\
                         \x20     NAT-T is not detected\n\
                         \x20     Cisco Trust Security SGT is disabled\n\
                         \x20     Initiator of SA : Yes\n",
                        1000 + sa.tunnel_id,
                        p.session_id,
                        sa.local_spi,
                        sa.remote_spi,
                        self.local
                    );
                }
                o.push('\n');
            }
        }
        o.push_str(" IPv6 Crypto IKEv2  SA \n\n");
        o
    }

    /// ASA `show crypto ikev2 sa [detail]`, and the IKEv2 section of `show crypto isakmp sa`.
    pub(super) fn asa_ikev2_sa(&self, detail: bool) -> String {
        let peers = self.v2_peers();
        if peers.is_empty() {
            return "\nThere are no IKEv2 SAs\n".to_string();
        }
        let mut o = String::from("\nIKEv2 SAs:\n\n");
        for p in &peers {
            let status = if p.ready() { "UP-ACTIVE" } else { "UP-IN-NEG" };
            let _ = write!(
                o,
                "Session-id:{}, Status:{status}, IKE count:{}, CHILD count:{}\n\n\
                 Tunnel-id Local                                               Remote                                                  fvrf/ivrf              Status         Role\n",
                p.session_id,
                p.sas.len(),
                usize::from(p.child.is_some())
            );
            for (i, sa) in p.sas.iter().enumerate() {
                let neg = sa.status == "IN-NEG";
                let role = if neg || i == 0 {
                    "INITIATOR"
                } else {
                    "RESPONDER"
                };
                let _ = writeln!(
                    o,
                    "{:>9} {:<52} {:<54} {:<22} {:<8} {role}",
                    sa.tunnel_id,
                    format!("{}/500", self.local),
                    format!("{}/500", p.addr),
                    "Global/Global",
                    sa.status
                );
                if neg {
                    o.push_str("      Encr: Unknown - 0, keysize: 0, Hash: Unknown - 0, DH Grp:0, Auth sign: Unknown - 0, Auth verify: Unknown - 0\n");
                } else {
                    o.push_str("      Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK\n");
                }
                let _ = writeln!(o, "      Life/Active Time: 86400/{} sec", sa.active);
                if detail {
                    let desc = if neg {
                        "Initial negotiation in progress"
                    } else {
                        "Negotiation done"
                    };
                    let remote_id = if neg { String::new() } else { p.addr.clone() };
                    let _ = write!(
                        o,
                        "      Session-id: {}\n\
                         \x20     Status Description: {desc}\n\
                         \x20     Local spi: {:016X}       Remote spi: {:016X}\n\
                         \x20     Local id: {}\n\
                         \x20     Remote id: {remote_id}\n\
                         \x20     Local req mess id: 4              Remote req mess id: 3\n\
                         \x20     Local next mess id: 4             Remote next mess id: 3\n\
                         \x20     Local req queued: 4               Remote req queued: 3\n\
                         \x20     Local window: 1                   Remote window: 1\n\
                         \x20     DPD configured for 10 seconds, retry 2\n\
                         \x20     NAT-T is not detected\n",
                        p.session_id, sa.local_spi, sa.remote_spi, self.local
                    );
                }
            }
            if let Some((spi_in, spi_out)) = p.child {
                let net = self.local_net.trim_end_matches(".0");
                let rnet = p.remote_net.trim_end_matches(".0");
                let _ = write!(
                    o,
                    "Child sa: local selector  {}/0 - {net}.255/65535\n\
                     \x20         remote selector {}/0 - {rnet}.255/65535\n\
                     \x20         ESP spi in/out: 0x{spi_in:08x}/0x{spi_out:08x}\n",
                    self.local_net, p.remote_net
                );
                if detail {
                    o.push_str(
                        "          AH spi in/out: 0x0/0x0\n\
                         \x20         CPI in/out: 0x0/0x0\n\
                         \x20         Encr: AES-CBC, keysize: 256, esp_hmac: SHA256\n\
                         \x20         ah_hmac: None, comp: IPCOMP_NONE, mode tunnel\n",
                    );
                }
            }
            o.push('\n');
        }
        o
    }
}
