//! ASA `show asp table vpn-context [detail]`, `show vpn load-balancing` and
//! `show vpn-sessiondb webvpn` of a simulated device, in the layouts `parse::asa_vpn_context`,
//! `parse::asa_vpn_lb` and `parse::asa_sessions` read.
//!
//! The VPN contexts are the IPsec SAs of `show crypto ipsec sa`: per up peer an inbound
//! (`DECR+ESP`, its SPI, `#pkts decaps`) and an outbound (`ENCR+ESP`, `#pkts encaps`) context.
//! The simulated ASAs are not in a load-balancing cluster (`Disabled`), and they carry no
//! clientless sessions (the summary lists none), so WebVPN answers with the ASA's "no active
//! sessions" line.

use super::{mix, Dev, Ike};
use std::fmt::Write as _;

impl Dev<'_> {
    pub(super) fn asp_vpn_context(&self, detail: bool) -> String {
        let mut o = String::new();
        for (i, p) in self
            .peers
            .iter()
            .enumerate()
            .filter(|(_, p)| p.ike == Ike::Up)
        {
            for (k, (flags, spi, pkts)) in [
                ("DECR+ESP", p.spi_in, p.decaps),
                ("ENCR+ESP", p.spi_out, p.encaps),
            ]
            .into_iter()
            .enumerate()
            {
                let salt = 900 + i as u64 * 4 + k as u64;
                let ctx = 0x0020_0000 + (mix(self.ctx.seed, salt) % 0xF_FFFF) as u32;
                let ptr = 0x7F00_0000 + (mix(self.ctx.seed, salt + 100) % 0xFF_FFF0) as u32;
                let sa = 0x00B0_0000 + (mix(self.ctx.seed, salt + 200) % 0xF_FFFF) as u32;
                let rekeys = self.r(salt + 300, 0, 30);
                if !detail {
                    let _ = writeln!(
                        o,
                        "VPN CTX=0x{ctx:08X}, Ptr=0x{ptr:08X}, {flags}, UP, pk={pkts:010}, rk={rekeys}, gc=0"
                    );
                    continue;
                }
                let _ = write!(
                    o,
                    "VPN CTX  = 0x{ctx:08X}\n\n\
                     Peer IP  = {}\n\
                     Pointer  = 0x{ptr:08X}\n\
                     State    = UP\n\
                     Flags    = {flags}\n\
                     SA   = 0x{sa:08X}\n\
                     SPI  = 0x{spi:08X}\n\
                     Group    = 0\n\
                     Pkts     = {pkts}\n\
                     Bad Pkts = 0\n\
                     Bad SPI  = 0\n\
                     Spoof    = 0\n\
                     Bad Crypto = 0\n\
                     Rekey Pkt  = {rekeys}\n\
                     Rekey Call = {rekeys}\n\
                     VPN Filter = <none>\n\n",
                    p.addr
                );
            }
        }
        o
    }

    pub(super) fn vpn_load_balancing(&self) -> String {
        let rule = "-".repeat(74);
        format!(
            "{rule}\n\
             Status     Role     Failover   Encryption   Peers     Cluster IP        \n\
             {rule}\n\
             Disabled   n/a      n/a        n/a              0     n/a\n\n\
             Peers:\n\
             {rule}\n\
             Role    Pri  Model             Load-Balancing Version  Public IP         \n\
             {rule}\n"
        )
    }

    pub(super) fn vpn_webvpn(&self) -> String {
        "INFO: There are presently no active sessions of the type specified\n".to_string()
    }
}
