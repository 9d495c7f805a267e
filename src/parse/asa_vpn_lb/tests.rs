use super::*;

fn fx(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/cisco_asa/show_vpn_load-balancing/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn master_with_peers_and_license_load() {
    let r = parse_vpn_load_balancing(&fx("asa9_master_two_peers_echo.txt")).unwrap();
    assert!(r.enabled());
    assert_eq!(r.role.as_deref(), Some("Master"));
    assert_eq!(r.encryption.as_deref(), Some("Enabled"));
    assert_eq!(r.peer_count, Some(1));
    assert_eq!(r.cluster_ip.as_deref(), Some("vpn.example.net"));
    assert_eq!(r.peers.len(), 2);
    let p = &r.peers[0];
    assert_eq!(
        (
            p.role.as_str(),
            p.priority,
            p.model.as_deref(),
            p.lb_version
        ),
        ("Master", Some(5), Some("ASA-5545"), Some(4))
    );
    assert_eq!((p.public_ip.as_str(), p.local), ("198.51.100.10", true));
    assert!(!r.peers[1].local);
    let l = r.local_load().unwrap();
    let ac = l.group("anyconnect").unwrap();
    assert_eq!(ac.name, "AnyConnect Premium/Essentials");
    assert_eq!((ac.limit, ac.used, ac.load_percent), (2500, 212, 8));
    let o = l.group("other").unwrap();
    assert_eq!((o.limit, o.used, o.load_percent), (2500, 14, 1));
    assert_eq!(r.license_load[1].public_ip, "198.51.100.11");
}

#[test]
fn backup_with_configured_load() {
    let r = parse_vpn_load_balancing(&fx("asa9_backup_configured_load_crlf.txt")).unwrap();
    assert_eq!(r.role.as_deref(), Some("Backup"));
    assert_eq!(r.failover.as_deref(), Some("Active"));
    assert_eq!(r.peers.len(), 3);
    assert_eq!(r.peers.iter().filter(|p| p.local).count(), 1);
    let l = r.local_load().unwrap();
    assert_eq!(l.public_ip, "10.20.0.12");
    assert_eq!(l.group("anyconnect").unwrap().used, 701);
    assert_eq!(r.configured_load.len(), 3);
    assert_eq!(r.configured_load[1].loads[0].load_percent, 100);
}

#[test]
fn disabled_cut_short_and_errors() {
    let r = parse_vpn_load_balancing(&fx("asa9_disabled_no_peers.txt")).unwrap();
    assert!(!r.enabled());
    assert_eq!(r.peer_count, Some(0));
    assert_eq!(r.cluster_ip.as_deref(), Some("n/a"));
    assert!(r.peers.is_empty() && r.license_load.is_empty());
    let r = parse_vpn_load_balancing(&fx("cut_short_in_load_table.txt")).unwrap();
    assert_eq!(r.license_load.len(), 1);
    assert_eq!(r.peers.len(), 2);
    let e = parse_vpn_load_balancing(&fx("broken_peer_row.txt")).unwrap_err();
    assert_eq!(e.line, 5);
    assert_eq!(parse_vpn_load_balancing("").unwrap_err().line, 0);
    assert_eq!(
        parse_vpn_load_balancing(&fx("invalid_input.txt"))
            .unwrap_err()
            .line,
        2
    );
    let text = fx("asa9_backup_configured_load_crlf.txt");
    for i in 0..text.len() {
        let _ = parse_vpn_load_balancing(text.get(..i).unwrap_or(""));
    }
}
