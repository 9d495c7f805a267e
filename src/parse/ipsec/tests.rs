//! Unit tests of `ipsec`.

use super::*;

const IOS: &str = "interface: GigabitEthernet0/1\n    Crypto map tag: CMAP, local addr 198.51.100.2\n\n\
   protected vrf: (none)\n   local  ident (addr/mask/prot/port): (10.1.0.0/255.255.0.0/0/0)\n\
   remote ident (addr/mask/prot/port): (10.2.0.0/255.255.0.0/0/0)\n   current_peer 203.0.113.7 port 500\n\
 PERMIT, flags={origin_is_acl,}\n    #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0\n\
#pkts decaps: 812, #pkts decrypt: 812, #pkts verify: 812\n    #pkts compressed: 0, #pkts decompressed: 0\n\
#pkts not compressed: 0, #pkts compr. failed: 0\n    #pkts not decompressed: 0, #pkts decompress failed: 0\n\
#send errors 3, #recv errors 1\n\n     local crypto endpt.: 198.51.100.2, remote crypto endpt.: 203.0.113.7\n\
 plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet0/1\n\
 current outbound spi: 0xB7E1A2C3(3085017795)\n     PFS (Y/N): N, DH group: none\n\n\
 inbound esp sas:\n      spi: 0x5A6B7C8D(1517976717)\n        transform: esp-256-aes esp-sha256-hmac ,\n\
    in use settings ={Tunnel, }\n        conn id: 2001, flow_id: SW:1, sibling_flags 80000040, crypto map: CMAP\n\
    sa timing: remaining key lifetime (k/sec): (4607900/3010)\n        IV size: 16 bytes\n\
    replay detection support: Y\n        Status: ACTIVE(ACTIVE)\n\n     inbound ah sas:\n\n     inbound pcp sas:\n\n\
 outbound esp sas:\n      spi: 0xB7E1A2C3(3085017795)\n        transform: esp-256-aes esp-sha256-hmac ,\n\
    in use settings ={Tunnel, }\n        conn id: 2002, flow_id: SW:2, sibling_flags 80000040, crypto map: CMAP\n\
    sa timing: remaining key lifetime (k/sec): (4607999/3010)\n        Status: ACTIVE(ACTIVE)\n\n\
 outbound ah sas:\n\n     outbound pcp sas:\n\n\
   protected vrf: (none)\n   local  ident (addr/mask/prot/port): (10.1.0.0/255.255.0.0/0/0)\n\
   remote ident (addr/mask/prot/port): (10.3.0.0/255.255.0.0/0/0)\n   current_peer 203.0.113.9 port 500\n\
 PERMIT, flags={origin_is_acl,}\n    #pkts encaps: 55, #pkts encrypt: 55, #pkts digest: 55\n\
#pkts decaps: 54, #pkts decrypt: 54, #pkts verify: 54\n    #send errors 0, #recv errors 0\n";

#[test]
fn ios_two_flows() {
    let r = parse_ipsec_sa(IOS).unwrap();
    assert_eq!(r.entries.len(), 2);
    let a = &r.entries[0];
    assert_eq!(a.interface.as_deref(), Some("GigabitEthernet0/1"));
    assert_eq!(a.crypto_map.as_deref(), Some("CMAP"));
    assert_eq!(a.local_addr.as_deref(), Some("198.51.100.2"));
    assert_eq!(a.current_peer.as_deref(), Some("203.0.113.7"));
    assert_eq!(a.peer_port, Some(500));
    assert_eq!(a.pkts_encaps, Some(0));
    assert_eq!(a.pkts_decaps, Some(812));
    assert_eq!(a.send_errors, Some(3));
    assert_eq!(a.recv_errors, Some(1));
    assert_eq!(a.counters.get("pkts compr. failed"), Some(&0));
    assert_eq!(
        a.remote_ident.as_ref().map(|i| i.addr.as_str()),
        Some("10.2.0.0")
    );
    assert_eq!(a.path_mtu, Some(1500));
    assert_eq!(a.pfs, Some(false));
    assert_eq!(a.inbound.len(), 1);
    assert_eq!(a.outbound.len(), 1);
    let i = &a.inbound[0];
    assert_eq!(i.spi.as_deref(), Some("0x5A6B7C8D"));
    assert_eq!(i.spi_decimal, Some(1517976717));
    assert_eq!(i.conn_id, Some(2001));
    assert_eq!(i.remaining_kb, Some(4607900));
    assert_eq!(i.remaining_secs, Some(3010));
    assert_eq!(i.status, Some(SpiStatus::Active));
    assert_eq!(i.settings.as_deref(), Some("Tunnel"));
    assert!(a.is_one_way());
    assert!(!r.entries[1].is_one_way());
    assert_eq!(r.one_way().count(), 1);
    assert_eq!(r.total_decaps(), Some(866));
    assert_eq!(r.total_send_errors(), Some(3));
    assert_eq!(r.entries[1].crypto_map.as_deref(), Some("CMAP"));
}

#[test]
fn asa_blocks_and_none() {
    let t = "interface: outside\n    Crypto map tag: OUTSIDE_MAP, seq num: 10, local addr: 192.0.2.1\n\n\
  access-list VPN-ACL extended permit ip 10.5.0.0 255.255.0.0 10.6.0.0 255.255.0.0\n\
  local ident (addr/mask/prot/port): (10.5.0.0/255.255.0.0/0/0)\n\
  remote ident (addr/mask/prot/port): (10.6.0.0/255.255.0.0/0/0)\n      current_peer: 198.51.100.66\n\n\
  #pkts encaps: 100, #pkts encrypt: 100, #pkts digest: 100\n      #pkts decaps: 90, #pkts decrypt: 90, #pkts verify: 90\n\
  #send errors: 0, #recv errors: 2\n\n      local crypto endpt.: 192.0.2.1/4500, remote crypto endpt.: 198.51.100.66/4500\n\
  current outbound spi: 1A2B3C4D\n      current inbound spi : 5E6F7A8B\n\n    inbound esp sas:\n\
  spi: 0x5E6F7A8B (1584363147)\n         SA State: active\n         transform: esp-aes-256 esp-sha-hmac no compression\n\
     in use settings ={L2L, Tunnel,  NAT-T-Encaps, IKEv1, }\n         slot: 0, conn_id: 4096, crypto-map: OUTSIDE_MAP\n\
     sa timing: remaining key lifetime (kB/sec): (3914999/28000)\n         Anti replay bitmap:\n          0xFFFFFFFF 0xFFFFFFFF\n";
    let r = parse_ipsec_sa(t).unwrap();
    assert_eq!(r.entries.len(), 1);
    let e = &r.entries[0];
    assert_eq!(e.seq_num, Some(10));
    assert_eq!(e.local_addr.as_deref(), Some("192.0.2.1"));
    assert_eq!(e.local_endpoint.as_deref(), Some("192.0.2.1"));
    assert_eq!(e.remote_endpoint.as_deref(), Some("198.51.100.66"));
    assert_eq!(e.current_inbound_spi.as_deref(), Some("5E6F7A8B"));
    assert_eq!(e.recv_errors, Some(2));
    assert_eq!(
        e.inbound[0].settings.as_deref(),
        Some("L2L, Tunnel, NAT-T-Encaps, IKEv1")
    );
    assert_eq!(e.inbound[0].conn_id, Some(4096));
    assert_eq!(e.inbound[0].crypto_map.as_deref(), Some("OUTSIDE_MAP"));
    assert_eq!(e.inbound[0].remaining_secs, Some(28000));
    assert!(e
        .access_list
        .as_deref()
        .unwrap_or("")
        .starts_with("VPN-ACL"));

    let none = parse_ipsec_sa("ciscoasa# show crypto ipsec sa\nThere are no ipsec sas\nciscoasa# ")
        .unwrap();
    assert!(none.entries.is_empty());
}

#[test]
fn lifetimes() {
    assert_eq!(
        lifetime("remaining key lifetime (sec): 548"),
        (None, Some(548))
    );
    assert_eq!(
        lifetime("remaining key lifetime (k/sec): (4/92)"),
        (Some(4), Some(92))
    );
    assert_eq!(
        lifetime("remaining key lifetime 1 hours, 10 mins"),
        (None, Some(4200))
    );
    assert_eq!(
        lifetime("remaining key lifetime is not applicable"),
        (None, None)
    );
}

#[test]
fn errors_blank_and_truncation() {
    assert_eq!(parse_ipsec_sa("").unwrap(), IpsecSa::default());
    assert_eq!(
        parse_ipsec_sa("Router#show crypto ipsec sa\nRouter#")
            .unwrap()
            .entries
            .len(),
        0
    );
    assert_eq!(parse_ipsec_sa("some garbage\n").unwrap_err().line, 1);
    let e = parse_ipsec_sa(
        "Router#show crypto ipsec sa pee\n% Invalid input detected at '^' marker.\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 2);
    // a broken counter in the middle is an error, at the very end it is truncation
    let bad = IOS.replacen("#pkts decaps: 812", "#pkts decaps: x", 1);
    assert!(parse_ipsec_sa(&bad).is_err());
    for i in 0..IOS.len() {
        let _ = parse_ipsec_sa(IOS.get(..i).unwrap_or(""));
    }
    let cut = IOS
        .get(..IOS.find("#pkts decaps: 812").unwrap_or(0) + 8)
        .unwrap_or("");
    let r = parse_ipsec_sa(cut).unwrap();
    assert_eq!(r.entries.len(), 1);
    assert_eq!(r.entries[0].pkts_decaps, None);
}

#[test]
fn crlf_and_ansi() {
    let t = IOS
        .replace('\n', "\r\n")
        .replacen("interface", "\u{1b}[0minterface", 1);
    let r = parse_ipsec_sa(&t).unwrap();
    assert_eq!(r.entries.len(), 2);
    assert_eq!(
        r.entries[0].interface.as_deref(),
        Some("GigabitEthernet0/1")
    );
}

#[test]
fn hash_lines_that_are_not_counters_are_skipped() {
    let base = parse_ipsec_sa(IOS).unwrap();
    for extra in [
        "#",
        "#show crypto ipsec sa",
        "# sh cry ipsec sa peer 10.0.0.1",
        "##",
    ] {
        let t = format!("{extra}\n{IOS}\n{extra}\n");
        assert_eq!(parse_ipsec_sa(&t).unwrap(), base, "{extra}");
        let mid = IOS.replacen(
            "#pkts decaps: 812",
            &format!("{extra}\n#pkts decaps: 812"),
            1,
        );
        assert_ne!(mid, IOS);
        assert_eq!(parse_ipsec_sa(&mid).unwrap(), base, "{extra}");
    }
    // a counters line with one bad part is still an error
    let bad = IOS.replacen("#pkts decaps: 812", "#pkts decaps: x", 1);
    assert!(parse_ipsec_sa(&bad).is_err());
}
