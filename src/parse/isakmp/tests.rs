//! Unit tests of `isakmp`.

use super::*;

#[test]
fn ios_table_with_headings_deleted_and_ipv6() {
    let t = "IPv4 Crypto ISAKMP SA\n\
dst             src             state          conn-id status\n\
172.16.40.1     172.16.40.9     QM_IDLE           1005 ACTIVE\n\
172.16.40.1     172.16.40.17    MM_NO_STATE       1002 ACTIVE (deleted)\n\
\n\
IPv6 Crypto ISAKMP SA\n\
\n\
2001:DB8:40::1  2001:DB8:40::9  QM_IDLE           1007 ACTIVE\n";
    let r = parse_isakmp_sa(t).unwrap();
    assert_eq!(r.total(), 3);
    assert_eq!(r.up(), 2);
    assert_eq!(r.down(), 1);
    let s = &r.sas[1];
    assert_eq!(s.dst.as_deref(), Some("172.16.40.1"));
    assert_eq!(s.src.as_deref(), Some("172.16.40.17"));
    assert_eq!(s.state, Some(IkeState::MmNoState));
    assert_eq!(s.conn_id, Some(1002));
    assert_eq!(s.status, Some(SaStatus::Active));
    assert!(s.deleted);
    assert_eq!(r.sas[2].ip_version, Some(6));
    assert_eq!(r.sas[0].ip_version, Some(4));
}

#[test]
fn ios_old_slot_column_and_conf_xauth() {
    let t = "dst             src             state          conn-id slot status\n\
10.9.9.1        10.9.9.2        CONF_XAUTH       10223    0 ACTIVE\n\
10.9.9.1        10.9.9.3        QM_IDLE          10197    0 ACTIVE\n";
    let r = parse_isakmp_sa(t).unwrap();
    assert_eq!(r.sas.len(), 2);
    assert_eq!(r.sas[0].slot, Some(0));
    assert_eq!(r.sas[0].state, Some(IkeState::ConfXauth));
    assert_eq!(r.up(), 1);
}

#[test]
fn ios_empty_tables_are_ok_and_empty() {
    let r = parse_isakmp_sa(
        "IPv4 Crypto ISAKMP SA\ndst src state conn-id status\n\nIPv6 Crypto ISAKMP SA\n\n",
    )
    .unwrap();
    assert_eq!(r.total(), 0);
}

#[test]
fn asa8_blocks_with_counters() {
    let t = "   Active SA: 2\n    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)\nTotal IKE SA: 2\n\n\
1   IKE Peer: 198.51.100.7\n    Type    : L2L             Role    : initiator\n    Rekey   : no              State   : MM_WAIT_MSG_6\n\
2   IKE Peer: 198.51.100.8\n    Type    : L2L             Role    : responder\n    Rekey   : yes             State   : MM_ACTIVE\n";
    let r = parse_isakmp_sa(t).unwrap();
    assert_eq!(r.active_sa, Some(2));
    assert_eq!(r.rekey_sa, Some(0));
    assert_eq!(r.total_ike_sa, Some(2));
    assert_eq!(r.sas.len(), 2);
    assert_eq!(r.sas[0].state, Some(IkeState::MmWaitMsg6));
    assert_eq!(r.sas[0].peer.as_deref(), Some("198.51.100.7"));
    assert_eq!(r.sas[0].role.as_deref(), Some("initiator"));
    assert_eq!(r.sas[0].rekey, Some(false));
    assert_eq!(r.sas[1].rekey, Some(true));
    assert_eq!(r.sas[1].index, Some(2));
    assert_eq!(r.up(), 1);
}

#[test]
fn asa9_ikev1_and_ikev2_sections() {
    let t = "\nIKEv1 SAs:\n\n   Active SA: 1\n    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)\nTotal IKE SA: 1\n\n\
1   IKE Peer: 203.0.113.5\n    Type    : L2L             Role    : responder\n    Rekey   : no              State   : MM_ACTIVE\n\n\
IKEv2 SAs:\n\nSession-id:17, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n\n\
Tunnel-id Local                                               Remote                                                  Status         Role\n\
1846948215 192.0.2.1/500                                       203.0.113.9/500                                        READY    INITIATOR\n\
  Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK\n\
  Life/Active Time: 86400/1510 sec\n\
Child sa: local selector  10.1.0.0/0 - 10.1.255.255/65535\n\
      remote selector 10.2.0.0/0 - 10.2.255.255/65535\n\
      ESP spi in/out: 0x2a1b3c4d/0x5e6f7a8b\n";
    let r = parse_isakmp_sa(t).unwrap();
    assert_eq!(r.sas.len(), 2);
    assert_eq!(r.sas[0].ike_version, Some(1));
    let v2 = &r.sas[1];
    assert_eq!(v2.ike_version, Some(2));
    assert_eq!(v2.tunnel_id, Some(1846948215));
    assert_eq!(v2.session_id, Some(17));
    assert_eq!(v2.local.as_deref(), Some("192.0.2.1"));
    assert_eq!(v2.peer.as_deref(), Some("203.0.113.9"));
    assert_eq!(v2.peer_port, Some(500));
    assert_eq!(v2.state, Some(IkeState::Ready));
    assert_eq!(v2.role.as_deref(), Some("INITIATOR"));
    assert_eq!(v2.encryption.as_deref(), Some("AES-CBC"));
    assert_eq!(v2.dh_group, Some(14));
    assert_eq!(v2.lifetime_secs, Some(86400));
    assert_eq!(v2.active_secs, Some(1510));
    assert_eq!(r.up(), 2);
}

#[test]
fn asa_no_sas() {
    let r = parse_isakmp_sa("\nThere are no IKEv1 SAs\n\nThere are no IKEv2 SAs\n").unwrap();
    assert_eq!(r.total(), 0);
}

#[test]
fn ios_detail_rows() {
    let t = "Codes: C - IKE configuration mode, D - Dead Peer Detection\n       K - Keepalives, N - NAT-traversal\n\
IPv4 Crypto ISAKMP SA\n\nC-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.\n\n\
1001  10.0.0.1        10.0.0.2         BLUE     ACTIVE aes  sha    psk  14 23:58:10 D\n       Engine-id:Conn-id =  SW:1\n\n\
1002  10.0.0.1        10.0.0.3                ACTIVE aes  sha256 psk  14 01:00:05\n       Engine-id:Conn-id =  ????\n";
    let r = parse_isakmp_sa(t).unwrap();
    assert_eq!(r.sas.len(), 2);
    let a = &r.sas[0];
    assert_eq!(a.conn_id, Some(1001));
    assert_eq!(a.local.as_deref(), Some("10.0.0.1"));
    assert_eq!(a.peer.as_deref(), Some("10.0.0.2"));
    assert_eq!(a.ivrf.as_deref(), Some("BLUE"));
    assert_eq!(a.status, Some(SaStatus::Active));
    assert_eq!(a.dh_group, Some(14));
    assert_eq!(a.remaining_secs, Some(23 * 3600 + 58 * 60 + 10));
    assert_eq!(a.capabilities.as_deref(), Some("D"));
    assert_eq!(a.engine_conn_id.as_deref(), Some("SW:1"));
    assert_eq!(r.sas[1].ivrf, None);
    assert_eq!(r.sas[1].engine_conn_id, None);
    assert_eq!(r.up(), 2);
}

#[test]
fn asa7_table_mixed_case() {
    let t = "IKE Peer      Type  Dir   Rky  State      Encrypt Hash  Auth    Lifetime\n\
1 192.0.2.44 User  Resp  No   AM_Active  aes    SHA   preshrd 86400\n";
    let r = parse_isakmp_sa(t).unwrap();
    assert_eq!(r.sas[0].state, Some(IkeState::AmActive));
    assert_eq!(r.sas[0].lifetime_secs, Some(86400));
    assert_eq!(r.up(), 1);
}

#[test]
fn crlf_echo_prompt_and_garbage() {
    let t = "Router#show crypto isakmp sa\r\nIPv4 Crypto ISAKMP SA\r\ndst src state conn-id status\r\n10.1.1.1 10.1.1.2 QM_IDLE 1 ACTIVE   \r\nRouter#";
    let r = parse_isakmp_sa(t).unwrap();
    assert_eq!(r.sas.len(), 1);
    assert!(parse_isakmp_sa("").is_err());
    let e = parse_isakmp_sa("hello world\nfoo").unwrap_err();
    assert_eq!(e.line, 1);
    let e =
        parse_isakmp_sa("Router#show crypto isakmp sa\n% Invalid input detected at '^' marker.\n")
            .unwrap_err();
    assert_eq!(e.line, 2);
    // truncated last row is dropped; a broken row in the middle is an error
    let r = parse_isakmp_sa(
        "dst src state conn-id status\n10.1.1.1 10.1.1.2 QM_IDLE 1 ACTIVE\n10.1.1.1 10.1.1.3 QM_",
    )
    .unwrap();
    assert_eq!(r.sas.len(), 1);
    let e = parse_isakmp_sa(
        "dst src state conn-id status\n10.1.1.1 10.1.1.3 QM_\n10.1.1.1 10.1.1.2 QM_IDLE 1 ACTIVE\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 2);
}

#[test]
fn state_enum_round_trips() {
    let s: IkeState = serde_json::from_str("\"MM_WAIT_MSG_6\"").unwrap();
    assert_eq!(s, IkeState::MmWaitMsg6);
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"MM_WAIT_MSG6\"");
    let o = IkeState::from("WEIRD_STATE");
    let j = serde_json::to_string(&o).unwrap();
    assert_eq!(j, "\"WEIRD_STATE\"");
    assert_eq!(serde_json::from_str::<IkeState>(&j).unwrap(), o);
}

#[test]
fn never_panics_on_prefixes() {
    let t = "IKEv2 SAs:\nSession-id:1, Status:UP-ACTIVE\nTunnel-id Local Remote Status Role\n1 10.0.0.1/500 10.0.0.2/500 READY RESPONDER\n   Encr: AES, Hash: SHA96, DH Grp:x\n  Life/Active Time: 8/x sec\n1   IKE Peer: 10.0.0.9\n  Type : L2L\n";
    for i in 0..t.len() {
        let _ = parse_isakmp_sa(t.get(..i).unwrap_or(""));
    }
}
