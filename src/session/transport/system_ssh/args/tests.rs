use super::super::test_host as host;
use super::*;
use crate::inventory::ExplicitAlgorithms;
use std::path::PathBuf;
fn opts(args: &[String]) -> Vec<&str> {
    args.windows(2)
        .filter(|w| w[0] == "-o")
        .map(|w| w[1].as_str())
        .collect()
}

#[test]
fn args_modern_accept_new_password() {
    let h = host();
    let a = build_args(
        &h,
        &Capabilities::default(),
        Path::new("/k h/known%hosts"),
        "/proc/1/fd/9",
    );
    assert_eq!(&a[..5], ["-tt", "-e", "none", "-E", "/proc/1/fd/9"]);
    assert_eq!(
        &a[a.len() - 6..],
        ["-p", "2222", "-l", "netops", "--", "10.0.0.1"]
    );
    let o = opts(&a);
    assert!(o.contains(&"StrictHostKeyChecking=accept-new"));
    assert!(
        o.contains(&"UserKnownHostsFile=\"/k h/known%%hosts\""),
        "{o:?}"
    );
    assert!(o.contains(&"BatchMode=no"));
    assert!(o.contains(&"ConnectTimeout=10"));
    assert!(o.contains(&"LogLevel=DEBUG1"));
    assert!(o.contains(&"RemoteCommand=none"));
    assert!(!o.iter().any(|x| x.starts_with("KexAlgorithms")));
    assert!(!o.iter().any(|x| x.starts_with("PasswordAuthentication")));
    assert!(!a.contains(&"-i".to_string()));
    assert!(
        !a.contains(&"-v".to_string()),
        "-v would reach a ProxyJump child's stderr"
    );
    assert!(!a.iter().any(|x| x.contains("s3cret")));
}

#[test]
fn args_legacy_filters_to_the_client_and_user_options_come_after_the_safety_ones() {
    let mut h = host();
    h.algorithms = Algorithms::Profile(AlgorithmProfile::Legacy);
    h.key_file = Some(PathBuf::from("/keys/id_rsa"));
    h.password = None;
    h.ssh_options = vec!["ProxyJump=bastion".into(), "ConnectTimeout=3".into()];
    h.host_key_policy = HostKeyPolicy::Strict;
    let caps = Capabilities {
        kex: vec![
            "diffie-hellman-group14-sha1".into(),
            "curve25519-sha256".into(),
        ],
        ciphers: vec!["aes128-cbc".into(), "3des-cbc".into()],
        macs: vec!["hmac-sha1".into()],
        keys: vec!["ssh-rsa".into(), "ssh-ed25519".into()],
        version: Some((10, 0)),
    };
    let a = build_args(&h, &caps, Path::new("/kh"), "/log");
    let o = opts(&a);
    // ssh keeps the first value of an option: fleetpoll's safety options, then the
    // inventory's, then fleetpoll's defaults, which the inventory may override.
    let safety = safety_options(Some((10, 0)));
    assert_eq!(
        safety,
        [
            "LogLevel=DEBUG1",
            "ClearAllForwardings=yes",
            "ForwardAgent=no",
            "ForwardX11=no",
            "Tunnel=no",
            "PermitLocalCommand=no",
            "ControlMaster=no",
            "ControlPath=none",
            "RequestTTY=force",
            "RemoteCommand=none",
            "SessionType=default",
            "StdinNull=no",
            "ForkAfterAuthentication=no",
        ]
    );
    assert_eq!(
        o[..safety.len()],
        safety.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(o[safety.len()], "ProxyJump=bastion");
    assert_eq!(
        o[safety.len() + 1],
        "ConnectTimeout=3",
        "ssh keeps the first value: the inventory's"
    );
    let at = |kv: &str| o.iter().position(|x| *x == kv).unwrap();
    assert!(at("ConnectTimeout=3") < at("ConnectTimeout=10"));
    assert_eq!(
        safety_options(Some((7, 4))).len(),
        9,
        "no RemoteCommand before 7.6, no SessionType/StdinNull/ForkAfterAuthentication before 8.7"
    );
    assert!(o.contains(&"KexAlgorithms=+diffie-hellman-group14-sha1"));
    assert!(o.contains(&"Ciphers=+aes128-cbc,3des-cbc"));
    assert!(o.contains(&"MACs=+hmac-sha1"));
    assert!(
        o.contains(&"HostKeyAlgorithms=+ssh-rsa"),
        "no ssh-dss in OpenSSH 10"
    );
    assert!(o.contains(&"PubkeyAcceptedAlgorithms=+ssh-rsa"));
    assert!(o.contains(&"StrictHostKeyChecking=yes"));
    assert!(o.contains(&"UserKnownHostsFile=/kh ~/.ssh/known_hosts ~/.ssh/known_hosts2"));
    assert!(o.contains(&"PasswordAuthentication=no"));
    assert!(o.contains(&"IdentitiesOnly=yes"));
    let i = a.iter().position(|x| x == "-i").unwrap();
    assert_eq!(a[i + 1], "/keys/id_rsa");

    let old = Capabilities {
        version: Some((7, 4)),
        ..Capabilities::default()
    };
    let o2 = build_args(&h, &old, Path::new("/kh"), "/log");
    let o2 = opts(&o2);
    assert!(o2.contains(&"PubkeyAcceptedKeyTypes=+ssh-rsa"));
    assert!(o2.contains(&"KexAlgorithms=+diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1"));
    assert!(o2.contains(&"HostKeyAlgorithms=+ssh-rsa,ssh-dss"));
    assert!(o2.contains(&"StrictHostKeyChecking=yes"));
    assert!(
        !o2.iter().any(|x| x.starts_with("RemoteCommand")),
        "unknown before 7.6"
    );
    h.host_key_policy = HostKeyPolicy::AcceptNew;
    let o3 = build_args(&h, &old, Path::new("/kh"), "/log");
    assert!(
        opts(&o3).contains(&"StrictHostKeyChecking=ask"),
        "accept-new is 7.6+"
    );
}

#[test]
fn args_pinned_insecure_and_explicit() {
    let mut h = host();
    h.host_key_policy = HostKeyPolicy::Pinned;
    h.algorithms = Algorithms::Explicit(ExplicitAlgorithms {
        kex: Some(vec!["diffie-hellman-group14-sha1".into()]),
        ciphers: None,
        macs: Some(vec!["hmac-sha1".into(), "hmac-sha2-256".into()]),
        host_keys: None,
    });
    let o = build_args(&h, &Capabilities::default(), Path::new("/kh"), "/log");
    let o = opts(&o);
    assert!(o.contains(&"StrictHostKeyChecking=ask"));
    assert!(o.contains(&"UserKnownHostsFile=/dev/null"));
    assert!(o.contains(&"KexAlgorithms=diffie-hellman-group14-sha1"));
    assert!(o.contains(&"MACs=hmac-sha1,hmac-sha2-256"));
    assert!(!o.iter().any(|x| x.starts_with("Ciphers")));
    h.host_key_policy = HostKeyPolicy::InsecureAcceptAny;
    let o = build_args(&h, &Capabilities::default(), Path::new("/kh"), "/log");
    assert!(opts(&o).contains(&"StrictHostKeyChecking=no"));
}

#[test]
fn version_parsing() {
    assert_eq!(
        parse_version("OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19"),
        Some((9, 2))
    );
    assert_eq!(parse_version("OpenSSH_10.0p2, LibreSSL"), Some((10, 0)));
    assert_eq!(parse_version("Sun_SSH_1.1"), None);
}

#[test]
fn a_key_path_is_one_argument_without_quotes() {
    let mut h = host();
    h.key_file = Some(PathBuf::from("/k h/id%1"));
    let a = build_args(&h, &Capabilities::default(), Path::new("/kh"), "/log");
    let i = a.iter().position(|x| x == "-i").unwrap();
    assert_eq!(a[i + 1], "/k h/id%%1", "ssh expands % tokens in -i");
}
