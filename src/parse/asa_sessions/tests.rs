use super::*;
use crate::parse::lookup;

const AC: &str = "\nSession Type: AnyConnect\n\nUsername : lee Index : 1\n\
Assigned IP : 192.168.246.1 Public IP : 10.139.1.2\n\
Protocol : AnyConnect-Parent SSL-Tunnel DTLS-Tunnel\nLicense : AnyConnect Premium\n\
Encryption : RC4 AES128 Hashing : SHA1\nBytes Tx : 11079 Bytes Rx : 4942\n\
Group Policy : EngPolicy Tunnel Group : EngGroup\nLogin Time : 15:25:13 EST Fri Jan 28 2011\n\
Duration : 0h:00m:15s\nInactivity : 0h:00m:00s\nVLAN Mapping : N/A VLAN : none\n\n\
Username     : longfirstname.longlastname@example.com\nIndex        : 1018\n\
Public IP    : 2001:db8:91::7\n\
Encryption   : AnyConnect-Parent: (1)none  SSL-Tunnel: (1)AES-GCM-256\n\
Bytes Tx     : 0                      Bytes Rx     : 0\n\
Duration     : 1d 12h:33m:07s\n";

#[test]
fn anyconnect_two_column_and_wrapped_fields() {
    let r = parse_vpn_anyconnect(AC).unwrap();
    assert_eq!(r.session_type.as_deref(), Some("AnyConnect"));
    assert_eq!(r.sessions.len(), 2);
    let s = &r.sessions[0];
    assert_eq!(s.username, "lee");
    assert_eq!(s.index, Some(1));
    assert_eq!(s.assigned_ip.as_deref(), Some("192.168.246.1"));
    assert_eq!(s.public_ip.as_deref(), Some("10.139.1.2"));
    assert_eq!(s.encryption.as_deref(), Some("RC4 AES128"));
    assert_eq!(s.hashing.as_deref(), Some("SHA1"));
    assert_eq!((s.bytes_tx, s.bytes_rx), (Some(11079), Some(4942)));
    assert_eq!(s.tunnel_group.as_deref(), Some("EngGroup"));
    assert_eq!(
        s.login_time.as_deref(),
        Some("15:25:13 EST Fri Jan 28 2011")
    );
    assert_eq!(s.duration_s, Some(15));
    let t = &r.sessions[1];
    assert_eq!(t.username, "longfirstname.longlastname@example.com");
    assert_eq!(t.index, Some(1018));
    assert_eq!(t.assigned_ip, None);
    assert_eq!(t.public_ip.as_deref(), Some("2001:db8:91::7"));
    assert_eq!(
        t.encryption.as_deref(),
        Some("AnyConnect-Parent: (1)none  SSL-Tunnel: (1)AES-GCM-256")
    );
    assert_eq!((t.bytes_tx, t.bytes_rx), (Some(0), Some(0)));
    assert_eq!(t.duration_s, Some(86_400 + 12 * 3600 + 33 * 60 + 7));
    assert_eq!(r.users(), 2);
}

#[test]
fn anyconnect_empty_errors_and_noise() {
    let e = parse_vpn_anyconnect(
        "fw# show vpn-sessiondb anyconnect\nINFO: There are presently no active sessions\nfw# ",
    )
    .unwrap();
    assert!(e.sessions.is_empty());
    assert_eq!(parse_vpn_anyconnect("").unwrap_err().line, 0);
    assert_eq!(
        parse_vpn_anyconnect(
            "fw# show vpn-sessiondb anyconect\nERROR: % Invalid input detected at '^' marker.\n"
        )
        .unwrap_err()
        .line,
        2
    );
    assert_eq!(parse_vpn_anyconnect("hello world\n").unwrap_err().line, 1);
    assert!(parse_vpn_anyconnect("Session Type: LAN-to-LAN\n").is_err());
    for i in 0..AC.len() {
        let _ = parse_vpn_anyconnect(AC.get(..i).unwrap_or(""));
    }
}

const DETAIL: &str = "Session Type: LAN-to-LAN Detailed\n\nConnection   : \n\
Index        : 6539                   IP Addr      : 169.254.107.1\nProtocol     : IKEv2 IPsec\n\
Encryption   : IKEv2: (1)AES256  IPsec: (1)AES256\n\
Bytes Tx     : 3419524983             Bytes Rx     : 275429647\n\
Login Time   : 10:58:15 PDT Thu Jul 19 2018\nDuration     : 6:16:26\n\n\
IKEv2 Tunnels: 1\nIPsec Tunnels: 2\n\nIKEv2:\n  Tunnel ID    : 6539.1\n\
  UDP Src Port : 500                    UDP Dst Port : 500\n  Rem Auth Mode: preSharedKeys\n\
  Encryption   : AES256                 Hashing      : SHA1\n\
  Rekey Int (T): 86400 Seconds          Rekey Left(T): 76776 Seconds\n\
  PRF          : SHA1                   D/H Group    : 5\n  Filter Name  : \n\nIPsec:\n\
  Tunnel ID    : 6539.2\n  Local Addr   : 10.0.0.0/255.255.255.0/0/0\n\
  Remote Addr  : 1.1.1.1/255.255.255.255/0/0\n\
  Encryption   : AES256                 Hashing      : SHA1                   \n\
  Encapsulation: Tunnel                 PFS Group    : 5\n\
  Rekey Int (D): 4608000 K-Bytes        Rekey Left(D): 0 K-Bytes\n\
  Bytes Tx     : 3256642959             Bytes Rx     : 268532214\n\
  Pkts Tx      : 4539818                Pkts Rx      : 2958857\n\nIPsec:\n\
Tunnel ID    : 6539.3\nLocal Addr   : 10.0.1.0/255.255.255.0/0/0\n\
Bytes Tx     : 102540                 Bytes Rx     : 0\n\
Pkts Tx      : 1709                   Pkts Rx      : 0\n\nNAC:\n\
  Reval Int (T): 0 Seconds              Reval Left(T): 0 Seconds\n\n\
Connection   : 10.9.9.9\nIndex        : 7                      IP Addr      : 10.9.9.9\n\
Bytes Tx     : 1234 Bytes Rx : 0\n";

#[test]
fn detail_l2l_sub_blocks() {
    let r = parse_vpn_l2l_detail(DETAIL).unwrap();
    assert!(r.detail);
    assert_eq!(r.sessions.len(), 2);
    let s = &r.sessions[0];
    assert_eq!(s.connection, "");
    assert_eq!(s.index, Some(6539));
    assert_eq!(s.ip_addr.as_deref(), Some("169.254.107.1"));
    assert_eq!(s.peer(), "169.254.107.1");
    assert_eq!(s.protocol.as_deref(), Some("IKEv2 IPsec"));
    assert_eq!(
        (s.bytes_tx, s.bytes_rx),
        (Some(3419524983), Some(275429647))
    );
    assert_eq!(s.duration_s, Some(6 * 3600 + 16 * 60 + 26));
    assert_eq!((s.ike_tunnels, s.ipsec_tunnels), (Some(1), Some(2)));
    assert_eq!(s.ike.len(), 1);
    let ike = &s.ike[0];
    assert_eq!(ike.kind, "IKEv2");
    assert_eq!(ike.tunnel_id.as_deref(), Some("6539.1"));
    assert_eq!((ike.udp_src_port, ike.udp_dst_port), (Some(500), Some(500)));
    assert_eq!(ike.auth_mode.as_deref(), Some("preSharedKeys"));
    assert_eq!(
        (ike.rekey_interval_s, ike.rekey_left_s),
        (Some(86400), Some(76776))
    );
    assert_eq!((ike.prf.as_deref(), ike.dh_group), (Some("SHA1"), Some(5)));
    assert_eq!(ike.filter_name, None);
    assert_eq!(s.ipsec.len(), 2);
    let sa = &s.ipsec[0];
    assert_eq!(sa.local_addr.as_deref(), Some("10.0.0.0/255.255.255.0/0/0"));
    assert_eq!(
        sa.remote_addr.as_deref(),
        Some("1.1.1.1/255.255.255.255/0/0")
    );
    assert_eq!(
        (sa.encapsulation.as_deref(), sa.pfs_group),
        (Some("Tunnel"), Some(5))
    );
    assert_eq!(
        (sa.rekey_interval_kb, sa.rekey_left_kb),
        (Some(4608000), Some(0))
    );
    assert_eq!(
        (sa.bytes_tx, sa.bytes_rx),
        (Some(3256642959), Some(268532214))
    );
    assert_eq!((sa.pkts_tx, sa.pkts_rx), (Some(4539818), Some(2958857)));
    assert!(!sa.is_one_way() && s.ipsec[1].is_one_way());
    assert!(!s.is_one_way() && s.has_one_way());
    // NAC fields are not read into the last IPsec SA.
    assert_eq!(s.ipsec[1].rekey_interval_s, None);
    let p = &r.sessions[1];
    assert_eq!((p.bytes_tx, p.bytes_rx), (Some(1234), Some(0)));
    assert!(p.is_one_way());
    assert_eq!(r.one_way_sessions().count(), 2);
    assert_eq!(r.bytes(|s| s.bytes_rx), 275429647);
    for i in 0..DETAIL.len() {
        let _ = parse_vpn_l2l_detail(DETAIL.get(..i).unwrap_or(""));
    }
}

#[test]
fn l2l_errors() {
    assert!(parse_vpn_l2l("").is_err());
    assert!(parse_vpn_l2l("Session Type: AnyConnect\n").is_err());
    assert_eq!(
        parse_vpn_l2l("x\nERROR: % Invalid input detected\n")
            .unwrap_err()
            .line,
        2
    );
    let e = parse_vpn_l2l("INFO: There are presently no active sessions\n").unwrap();
    assert!(e.sessions.is_empty() && !e.detail);
}

#[test]
fn fields_split_known_second_columns_only() {
    assert_eq!(
        fields("Hashing : IKEv1: (1)SHA1  IPsec: (2)MD5"),
        [("Hashing".into(), "IKEv1: (1)SHA1  IPsec: (2)MD5".into())]
    );
    assert_eq!(
        fields("IKE Sessions: 1 IPSec Sessions: 2"),
        [
            ("IKE Sessions".to_string(), "1".to_string()),
            ("IPSec Sessions".to_string(), "2".to_string())
        ]
    );
    assert_eq!(fields("no colon here"), Vec::<(String, String)>::new());
    assert_eq!(duration_secs("13h:56m:11s"), Some(13 * 3600 + 56 * 60 + 11));
    assert_eq!(duration_secs("soon"), None);
}

/// Each longer command routes to its own parser, never to a shorter one.
#[test]
fn lookup_routes_each_command_to_its_parser() {
    let p = |c: &str| lookup(Platform::CiscoAsa, c).map(|s| s.name);
    assert_eq!(p("show vpn-sessiondb"), Some("vpn_sessiondb"));
    assert_eq!(
        p("show vpn-sessiondb summary"),
        Some("vpn_sessiondb_summary")
    );
    assert_eq!(
        p("show vpn-sessiondb anyconnect"),
        Some("vpn_sessiondb_anyconnect")
    );
    assert_eq!(
        p("show vpn-sessiondb anyconnect filter name bob"),
        Some("vpn_sessiondb_anyconnect")
    );
    assert_eq!(p("show vpn-sessiondb l2l"), Some("vpn_sessiondb_l2l"));
    assert_eq!(
        p("show vpn-sessiondb detail l2l"),
        Some("vpn_sessiondb_detail_l2l")
    );
    assert_eq!(
        p("show vpn-sessiondb detail l2l filter ipaddress 10.1.1.1"),
        Some("vpn_sessiondb_detail_l2l")
    );
    assert_eq!(p("show vpn-sessiondb webvpn"), Some("vpn_sessiondb_webvpn"));
    assert_eq!(p("show vpn-sessiondb detail anyconnect"), None);
}

fn webvpn_fx(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/cisco_asa/show_vpn-sessiondb_webvpn/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn webvpn_clientless_sessions() {
    let w = parse_vpn_webvpn(&webvpn_fx("asa9_two_clientless_users_echo.txt")).unwrap();
    assert_eq!(w.session_type.as_deref(), Some("WebVPN"));
    assert_eq!(w.sessions.len(), 2);
    assert_eq!(w.users(), 2);
    let s = &w.sessions[0];
    assert_eq!((s.username.as_str(), s.index), ("jkim", Some(118)));
    assert_eq!(s.public_ip.as_deref(), Some("198.51.100.77"));
    assert_eq!(s.protocol.as_deref(), Some("Clientless"));
    assert_eq!(s.license.as_deref(), Some("AnyConnect Premium"));
    assert_eq!(s.encryption.as_deref(), Some("Clientless: (1)AES256"));
    assert_eq!(s.hashing.as_deref(), Some("Clientless: (1)SHA384"));
    assert_eq!((s.bytes_tx, s.bytes_rx), (Some(1_482_211), Some(93_410)));
    assert_eq!(s.tunnel_group.as_deref(), Some("TG-Portal"));
    assert_eq!(s.duration_s, Some(3733));
    assert_eq!(
        s.audit_session_id.as_deref(),
        Some("0a0a0a0100076000665e9a18")
    );
    let old = parse_vpn_webvpn(&webvpn_fx("asa84_single_session_crlf.txt")).unwrap();
    assert_eq!(old.sessions[0].license.as_deref(), Some("SSL VPN"));
    assert_eq!(old.sessions[0].encryption.as_deref(), Some("RC4"));
    let none = parse_vpn_webvpn(&webvpn_fx("no_sessions.txt")).unwrap();
    assert!(none.sessions.is_empty());
    let e = parse_vpn_webvpn(&webvpn_fx("anyconnect_type_rejected.txt")).unwrap_err();
    assert_eq!(e.line, 1);
    assert!(parse_vpn_webvpn("").is_err());
}
