use super::super::test_host as host;
use super::*;
use std::io::Write;
const LOG: &str = "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\r
debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2299.\r
debug1: Connection established.\r
debug1: kex: algorithm: diffie-hellman-group14-sha1\r
debug1: kex: host key algorithm: ssh-rsa\r
debug1: kex: server->client cipher: aes128-cbc MAC: hmac-sha1 compression: none\r
debug1: kex: client->server cipher: aes128-cbc MAC: hmac-sha1 compression: none\r
debug1: Server host key: ssh-rsa SHA256:QrF99wvRtD25sL0XK11/LwLuSNsHKt4KzPkSFXrdkWo\r
Warning: Permanently added '[127.0.0.1]:2299' (RSA) to the list of known hosts.\r
debug1: Authentications that can continue: publickey,password\r
Authenticated to 127.0.0.1 ([127.0.0.1]:2299) using \"publickey\".\r
debug1: Entering interactive session.\r
";

#[test]
fn log_gives_stages_algorithms_and_host_key() {
    let mut st = LogState::default();
    // Split anywhere: lines are assembled across reads.
    for chunk in LOG.as_bytes().chunks(7) {
        st.feed(chunk);
    }
    assert!(st.connected && st.authenticated && st.interactive);
    assert_eq!(
        st.algorithms().as_deref(),
        Some("kex=diffie-hellman-group14-sha1 hostkey=ssh-rsa cipher=aes128-cbc mac=hmac-sha1")
    );
    assert_eq!(
        st.server_fp.as_deref(),
        Some("SHA256:QrF99wvRtD25sL0XK11/LwLuSNsHKt4KzPkSFXrdkWo")
    );
    let mut aead = LogState::default();
    aead.feed(b"debug1: kex: algorithm: curve25519-sha256\ndebug1: kex: host key algorithm: ssh-ed25519\ndebug1: kex: server->client cipher: chacha20-poly1305@openssh.com MAC: <implicit> compression: none\n");
    assert_eq!(
        aead.algorithms().as_deref(),
        Some("kex=curve25519-sha256 hostkey=ssh-ed25519 cipher=chacha20-poly1305@openssh.com mac=implicit")
    );
    let mut none = LogState::default();
    none.feed(b"debug1: kex: algorithm: (no match)\n");
    assert_eq!(none.algorithms(), None);
}

fn fail(log: &str, stage: Stage) -> SessionError {
    let mut st = LogState::default();
    st.feed(log.as_bytes());
    st.failure(&host(), stage, Duration::from_secs(1), "")
}

#[test]
fn exit_messages_map_to_error_classes() {
    use crate::session::error::ErrorClass::*;
    let cases: &[(&str, crate::session::error::ErrorClass, &str)] = &[
        ("ssh: connect to host 10.0.0.1 port 2222: Connection refused\n", Unreachable, "Connection refused"),
        ("ssh: Could not resolve hostname nowhere: Name or service not known\n", Unreachable, "nowhere"),
        ("ssh: connect to host 10.0.0.1 port 22: No route to host\n", Unreachable, "No route"),
        ("ssh: connect to host 10.0.0.1 port 22: Connection timed out\n", Timeout, "timed out"),
        ("debug1: Connection established.\nConnection timed out during banner exchange\n", Timeout, "banner"),
        ("Unable to negotiate with 10.0.0.1 port 22: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1\n", Protocol, "no matching key exchange"),
        ("Unable to negotiate with 10.0.0.1 port 22: no matching cipher found. Their offer: aes128-cbc\n", Protocol, "aes128-cbc"),
        ("netops@10.0.0.1: Permission denied (publickey,password).\n", AuthFailed, "Permission denied"),
        ("Received disconnect from 10.0.0.1 port 22:2: Too many authentication failures\n", AuthFailed, "Too many"),
        ("command-line line 0: Bad configuration option: frobnicate\n", Protocol, "refused its options"),
        ("kex_exchange_identification: Connection closed by remote host\n", Protocol, "Connection closed"),
    ];
    for (log, class, text) in cases {
        let e = fail(log, Stage::Connect);
        assert_eq!(e.class(), *class, "{log} -> {e}");
        assert!(e.to_string().contains(text), "{log} -> {e}");
    }
    // ssh's verdict comes last, however much it said before.
    let noisy = format!(
        "{}netops@10.0.0.1: Permission denied (password).\n",
        "Warning: something\n".repeat(100)
    );
    assert_eq!(fail(&noisy, Stage::Auth).class(), AuthFailed);
    match fail(
        "ssh: connect to host 10.0.0.1 port 22: Connection timed out\n",
        Stage::Connect,
    ) {
        SessionError::Timeout { stage, .. } => assert_eq!(stage, Stage::Connect),
        e => panic!("{e}"),
    }
}

#[test]
fn host_key_failures_name_the_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let kh = dir.path().join("known_hosts");
    // A real key (from russh's tests): its fingerprint must be computed from the file.
    let line = "[10.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";
    std::fs::write(&kh, format!("# comment\n{line}\n")).unwrap();
    let expect = fingerprint(
        &russh::keys::parse_public_key_base64(line.split(' ').nth(2).unwrap()).unwrap(),
    );
    let log = format!(
        "debug1: Server host key: ssh-rsa SHA256:NEWNEWNEW\n\
         @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n\
         @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n\
         The fingerprint for the RSA key sent by the remote host is\nSHA256:NEWNEWNEW.\n\
         Offending ED25519 key in {}:2\n\
         Host key for [10.0.0.1]:2222 has changed and you have requested strict checking.\n\
         Host key verification failed.\n",
        kh.display()
    );
    let e = fail(&log, Stage::Auth);
    assert_eq!(e.class(), crate::session::error::ErrorClass::HostKey);
    let m = e.to_string();
    assert!(m.contains("HOST KEY CHANGED"), "{m}");
    assert!(m.contains(&expect), "{m}");
    assert!(m.contains("offered SHA256:NEWNEWNEW"), "{m}");
    assert!(m.contains("line 2"), "{m}");

    let e = fail(
        "debug1: Server host key: ssh-rsa SHA256:abc\nNo RSA host key is known for [10.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\n",
        Stage::Auth,
    );
    assert!(
        matches!(&e, SessionError::HostKeyRejected(m) if m.contains("SHA256:abc") && m.contains("not in known_hosts")),
        "{e}"
    );
}

#[tokio::test]
async fn log_sources_deliver_lines_as_written() {
    for mut src in [LogSource::new().unwrap(), LogSource::file().unwrap()] {
        let path = src.path();
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        let mut st = LogState::default();
        assert!(!src.drain(&mut st));
        w.write_all(b"debug1: Connection established.\r\ndebug1: kex: algo")
            .unwrap();
        assert!(!src.drain(&mut st));
        assert!(st.connected, "{path}");
        w.write_all(b"rithm: diffie-hellman-group1-sha1\r\n")
            .unwrap();
        src.drain(&mut st);
        assert_eq!(
            st.kex.as_deref(),
            Some("diffie-hellman-group1-sha1"),
            "{path}"
        );
        if let LogSource::Pipe { tx, .. } = &src {
            assert!(
                tx.is_none(),
                "our write end is released once the writer is in"
            );
            drop(w);
            assert!(src.drain(&mut st), "the pipe ends with its last writer");
        }
    }
}
