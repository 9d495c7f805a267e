use super::*;

#[test]
fn wrapped_ike_line_and_counters() {
    let r = parse_crypto_session(
        "Crypto session current status\n\nInterface: Tunnel1\nProfile: P\nSession status: UP-ACTIVE\n\
         Peer: 2001:DB8::2 port 500 fvrf: (none) ivrf: 10\n  Session ID: 15\n  IKEv2 SA: local 2001:DB8::1/500\n\
         \x20         remote 2001:DB8::2/500 Active\n          Capabilities:DN connid:4 lifetime:12:47:36\n\
         \x20 IPSEC FLOW: permit ip   0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0\n        Active SAs: 2, origin: crypto map\n\
         \x20       Inbound:  #pkts dec'ed 6 drop 1 life (KB/Sec) KB Vol Rekey Disabled/239\n\
         \x20       Outbound: #pkts enc'ed 7 drop 0 life (KB/Sec) 4607812/1874\n",
    )
    .unwrap();
    let s = &r.sessions[0];
    assert_eq!(s.interface, "Tunnel1");
    assert_eq!(s.status, Some(SessionStatus::UpActive));
    assert_eq!(
        (s.peer.as_deref(), s.peer_port),
        (Some("2001:DB8::2"), Some(500))
    );
    assert_eq!(s.ivrf.as_deref(), Some("10"));
    let sa = &s.ike_sas[0];
    assert_eq!((sa.version, sa.session_id), (Some(2), Some(15)));
    assert_eq!(
        (sa.local.as_str(), sa.remote.as_str()),
        ("2001:DB8::1", "2001:DB8::2")
    );
    assert_eq!((sa.status.as_str(), sa.conn_id), ("Active", Some(4)));
    let f = &s.flows[0];
    assert_eq!(f.selectors, "ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0");
    assert_eq!(f.active_sas, Some(2));
    let i = f.inbound.as_ref().unwrap();
    assert_eq!(
        (i.pkts, i.drop, i.life_kb, i.life_sec),
        (6, 1, None, Some(239))
    );
    let o = f.outbound.as_ref().unwrap();
    assert_eq!((o.pkts, o.life_kb), (7, Some(4607812)));
    assert_eq!((r.up(), r.down()), (1, 0));
}

#[test]
fn two_statuses_under_one_interface_are_two_sessions() {
    let r = parse_crypto_session(
        "Interface: GigabitEthernet0/1\nSession status: UP-NO-IKE\nPeer: 10.1.1.2 port 500\n\
         Session status: DOWN\nPeer: 10.1.1.3 port 500\n  IPSEC FLOW: permit ip host 1.1.1.1 host 2.2.2.2\n",
    )
    .unwrap();
    assert_eq!(r.sessions.len(), 2);
    assert_eq!(r.sessions[1].interface, "GigabitEthernet0/1");
    assert_eq!(r.sessions[1].status, Some(SessionStatus::Down));
    assert_eq!(r.sessions[0].status, Some(SessionStatus::UpNoIke));
    assert_eq!((r.up(), r.down()), (0, 2));
}

#[test]
fn empty_garbage_and_device_errors_fail() {
    assert!(parse_crypto_session("").is_err());
    assert!(parse_crypto_session("foo bar\n").is_err());
    assert!(parse_crypto_session("% Invalid input detected at '^' marker.\n").is_err());
    assert_eq!(
        parse_crypto_session("Crypto session current status\n").map(|r| r.sessions.len()),
        Ok(0)
    );
}
