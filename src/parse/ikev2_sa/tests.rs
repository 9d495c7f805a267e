//! Unit tests of `ikev2_sa`: the ASA session line, counts, child SAs and both auth methods;
//! the IOS-XE tables and detail lines; cut and foreign output.

use super::*;
use crate::parse::lookup;
use crate::Platform;

const ASA_DETAIL: &str = "\nIKEv2 SAs:\n\n\
Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n\n\
Tunnel-id                 Local                 Remote     fvrf/ivrf   Status         Role\n\
2102138627 192.0.2.1/500     198.51.100.2/500      Global/Global     READY    INITIATOR\n\
      Encr: AES-CBC, keysize: 256, Hash: SHA96, DH Grp:5, Auth sign: PSK, Auth verify: RSA\n\
      Life/Active Time: 86400/118 sec\n\
      Session-id: 1\n\
      Status Description: Negotiation done\n\
      Local spi: 9AE1C85F16A0B8E9       Remote spi: 66E92A0AD49FF37B\n\
      Local id: 192.0.2.1\n\
      Remote id: peer2.example.net\n\
      Local req mess id: 4              Remote req mess id: 3\n\
      DPD configured for 10 seconds, retry 2\n\
      NAT-T is not detected\n\
Child sa: local selector  10.0.0.0/0 - 10.0.0.255/65535\n\
          remote selector 10.10.10.0/0 - 10.10.10.255/65535\n\
          ESP spi in/out: 0xf0a0c4f5/0x2bfe2a73\n\
          AH spi in/out: 0x0/0x0\n\
          CPI in/out: 0x0/0x0\n\
          Encr: AES-CBC, keysize: 256, esp_hmac: SHA96\n\
          ah_hmac: None, comp: IPCOMP_NONE, mode tunnel\n";

#[test]
fn asa_detail_keeps_session_counts_child_sa_and_both_auth_methods() {
    let r = parse_ikev2_sa(ASA_DETAIL).unwrap();
    assert_eq!(r.sas.len(), 1);
    let s = &r.sas[0];
    assert_eq!(s.tunnel_id, 2_102_138_627);
    assert_eq!(s.session_id, Some(1));
    assert_eq!(s.session_status.as_deref(), Some("UP-ACTIVE"));
    assert_eq!((s.ike_count, s.child_count), (Some(1), Some(1)));
    assert_eq!(s.status, Ikev2SaStatus::Ready);
    assert_eq!(s.role.as_deref(), Some("INITIATOR"));
    assert_eq!(s.remote.as_deref(), Some("198.51.100.2"));
    assert_eq!(s.remote_port, Some(500));
    assert_eq!(
        (s.fvrf.as_deref(), s.ivrf.as_deref()),
        (Some("Global"), Some("Global"))
    );
    assert_eq!(s.auth_sign.as_deref(), Some("PSK"));
    assert_eq!(s.auth_verify.as_deref(), Some("RSA"));
    assert_eq!((s.key_length, s.dh_group), (Some(256), Some(5)));
    assert_eq!(s.prf, None);
    assert_eq!((s.lifetime_secs, s.active_secs), (Some(86_400), Some(118)));
    assert_eq!(s.local_spi.as_deref(), Some("9AE1C85F16A0B8E9"));
    assert_eq!(s.remote_spi.as_deref(), Some("66E92A0AD49FF37B"));
    assert_eq!(s.remote_id.as_deref(), Some("peer2.example.net"));
    assert_eq!((s.dpd_secs, s.dpd_retry), (Some(10), Some(2)));
    assert_eq!(s.nat_t.as_deref(), Some("not detected"));
    let c = &s.child_sas[..];
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].local_selectors, ["10.0.0.0/0 - 10.0.0.255/65535"]);
    assert_eq!(c[0].remote_selectors, ["10.10.10.0/0 - 10.10.10.255/65535"]);
    assert_eq!(c[0].esp_spi_in.as_deref(), Some("0xf0a0c4f5"));
    assert_eq!(c[0].esp_spi_out.as_deref(), Some("0x2bfe2a73"));
    assert_eq!(c[0].ah_spi_in.as_deref(), Some("0x0"));
    assert_eq!(c[0].key_length, Some(256));
    assert_eq!(c[0].esp_hmac.as_deref(), Some("SHA96"));
    assert_eq!(c[0].compression.as_deref(), Some("IPCOMP_NONE"));
    assert_eq!(c[0].mode.as_deref(), Some("tunnel"));
}

#[test]
fn asa_rekey_session_two_tunnels_children_follow_the_last() {
    let t = "IKEv2 SAs:\n\nSession-id:9, Status:UP-ACTIVE, IKE count:2, CHILD count:1\n\n\
Tunnel-id Local Remote Status Role\n\
 51 192.0.2.1/4500 203.0.113.7/4500 READY INITIATOR\n\
      Encr: AES-GCM, keysize: 256, Hash: N/A, DH Grp:19, Auth sign: PSK, Auth verify: PSK\n\
      Life/Active Time: 86400/4 sec\n\
 50 192.0.2.1/4500 203.0.113.7/4500 DELETE RESPONDER\n\
      Encr: AES-GCM, keysize: 256, Hash: N/A, DH Grp:19, Auth sign: PSK, Auth verify: PSK\n\
      Life/Active Time: 86400/64805 sec\n\
Child sa: local selector  10.1.0.0/0 - 10.1.255.255/65535\n\
          remote selector 10.7.0.0/0 - 10.7.255.255/65535\n\
          ESP spi in/out: 0x1/0x2\n";
    let r = parse_ikev2_sa(t).unwrap();
    assert_eq!(r.sas.len(), 2);
    assert_eq!(r.sas[1].status, Ikev2SaStatus::Delete);
    assert!(r.sas.iter().all(|s| s.ike_count == Some(2)));
    // Printed after the old (DELETE) row, kept on the READY one that carries them.
    assert!(r.sas[1].child_sas.is_empty());
    assert_eq!(r.sas[0].child_sas[0].esp_spi_out.as_deref(), Some("0x2"));
    assert_eq!(r.sas[1].fvrf, None);
    assert_eq!((r.ready(), r.not_ready(), r.child_sas()), (1, 1, 1));
}

#[test]
fn iosxe_tables_detail_lines_and_subnets() {
    let t = " IPv4 Crypto IKEv2  SA\n\n\
Tunnel-id Local                 Remote                fvrf/ivrf            Status\n\
973       92.1.121.1/500        22.1.1.2/500          WAN/121              IN-NEG\n\
      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:19, Auth sign: PSK, Auth verify: PSK, QR\n\
      Life/Active Time: 86400/0 sec\n\
      CE id: 76468, Session-id: 17155\n\
      Initiator of SA : Yes\n\
      Pushed IP address: 8.1.9.4\n\
      Remote subnets:\n\
      10.0.0.0 255.0.0.0\n\
      13.0.0.0 255.0.0.0\n\
      PEER TYPE: IOS-XE\n\n\
 IPv6 Crypto IKEv2  SA\n\n\
Tunnel-id    fvrf/ivrf              Status\n\
2          none/none             READY\n\
Local  2001:DB8:1101::131/500\n\
Remote  2001:DB8:1202::123/500\n\
      PQC Key Exchange: ML-KEM-1024\n";
    let r = parse_ikev2_sa(t).unwrap();
    let (a, b) = (&r.sas[0], &r.sas[1]);
    assert_eq!(a.ip_version, Some(4));
    assert_eq!(a.status, Ikev2SaStatus::InNeg);
    assert_eq!(
        (a.fvrf.as_deref(), a.ivrf.as_deref()),
        (Some("WAN"), Some("121"))
    );
    assert!(a.quantum_resistant);
    assert_eq!((a.ce_id, a.session_id), (Some(76_468), Some(17_155)));
    assert_eq!(a.initiator, Some(true));
    assert_eq!(a.pushed_ip.as_deref(), Some("8.1.9.4"));
    assert_eq!(
        a.remote_subnets,
        ["10.0.0.0 255.0.0.0", "13.0.0.0 255.0.0.0"]
    );
    assert_eq!(b.ip_version, Some(6));
    assert_eq!(b.remote.as_deref(), Some("2001:DB8:1202::123"));
    assert_eq!(b.local_port, Some(500));
    assert_eq!(b.pqc.as_deref(), Some("ML-KEM-1024"));
    assert!(!b.quantum_resistant);
}

#[test]
fn unknown_status_is_kept_as_text() {
    let r = parse_ikev2_sa(
        "Tunnel-id Local Remote fvrf/ivrf Status\n1 10.0.0.1/500 10.0.0.2/500 none/none INIT-WAIT\n",
    )
    .unwrap();
    assert_eq!(r.sas[0].status, Ikev2SaStatus::Other("INIT-WAIT".into()));
    assert_eq!(r.sas[0].status.as_str(), "INIT-WAIT");
}

#[test]
fn cut_foreign_and_error_outputs_are_errors_never_panics() {
    assert!(parse_ikev2_sa("").is_err());
    assert!(parse_ikev2_sa("hello world\n").is_err());
    assert!(parse_ikev2_sa(
        "fw1# show crypto ikev2 sa\nERROR: % Invalid input detected at '^' marker.\n"
    )
    .is_err());
    let e = parse_ikev2_sa(
        "IKEv2 SAs:\n\nSession-id:3, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n",
    )
    .unwrap_err();
    assert!(e.message.contains("cut output"), "{e}");
    let e =
        parse_ikev2_sa("Tunnel-id Local Remote fvrf/ivrf Status\n1 10.0.0.1/500\n").unwrap_err();
    assert!(e.message.contains("incomplete"), "{e}");
    assert!(parse_ikev2_sa("\nThere are no IKEv2 SAs\n")
        .unwrap()
        .sas
        .is_empty());
    for i in 0..ASA_DETAIL.len() {
        let _ = parse_ikev2_sa(ASA_DETAIL.get(..i).unwrap_or(""));
    }
}

#[test]
fn routing_and_metrics() {
    for p in [Platform::CiscoIos, Platform::CiscoXe, Platform::CiscoAsa] {
        for cmd in [
            "show crypto ikev2 sa",
            "show crypto ikev2 sa detail",
            "show crypto ikev2 sa remote 10.1.1.1 detailed",
        ] {
            assert_eq!(
                lookup(p, cmd).map(|s| s.name),
                Some("crypto_ikev2_sa"),
                "{cmd}"
            );
        }
    }
    let spec = lookup(Platform::CiscoAsa, "show crypto ikev2 sa").unwrap();
    let r = (spec.parse)(ASA_DETAIL).unwrap();
    let m = |n: &str| (spec.metric(n).unwrap().get)(&r);
    assert_eq!(m("ike_sa_total").as_deref(), Some("1"));
    assert_eq!(m("ikev2_sa_ready").as_deref(), Some("1"));
    assert_eq!(m("ikev2_sa_not_ready").as_deref(), Some("0"));
    assert_eq!(m("ikev2_sa_child_sas").as_deref(), Some("1"));
    assert_eq!(m("ike_sa_not_up").as_deref(), Some(""));
}
