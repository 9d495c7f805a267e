//! A real peer: OpenSSH's `sshd` on loopback, polled through both transports.
//!
//! - A **legacy-only** sshd (`diffie-hellman-group14-sha1`, `aes128-cbc`, `hmac-sha1`, an
//!   `ssh-rsa` host key) is polled by `native` and `openssh` with `ssh.algorithms: legacy`:
//!   the device is polled, its outputs parse, and the negotiated algorithms are the legacy
//!   ones. `modern` must fail there with a protocol (key-exchange) error.
//! - A **default** sshd is polled with `legacy` too: the profile only appends, so modern
//!   algorithms still win.
//! - The openssh transport's host-key policies, credentials and failure classes against it.
//!
//! The device is `tests/sshd/fake_ios.sh`, sshd's `ForceCommand`. Authentication: public key
//! for the user running the tests (always possible); password for a throwaway account
//! `fleetpoll-sshd` created with `useradd` and removed afterwards, only when the tests run as
//! root and `useradd` works (otherwise the password cases are skipped with a note). Without
//! `/usr/sbin/sshd` every test prints a skip note and passes (`.ci/run` installs it).

mod common;
#[path = "sshd/lab.rs"]
mod lab;

use fleetpoll::session::error::{ErrorClass, Stage};
use lab::*;
use std::net::TcpListener;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_only_sshd_is_polled_by_both_transports_with_the_legacy_profile() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let pw_user = PasswordUser::create(&lab);
    let extra: Vec<&str> = pw_user.iter().map(|u| u.name).collect();
    let sshd = Sshd::start(&lab, Offer::LegacyOnly, &extra);
    let p = sshd.port;
    let kh = |n: &str| format!("known_hosts: {}", lab.path(&format!("kh-{n}")).display());
    let mut devs = vec![
        Dev::key(
            &lab,
            "native-legacy",
            p,
            "native",
            format!("algorithms: legacy, {}", kh("1")),
        ),
        Dev::key(
            &lab,
            "openssh-legacy",
            p,
            "openssh",
            format!("algorithms: legacy, {}", kh("2")),
        ),
        Dev::key(
            &lab,
            "native-modern",
            p,
            "native",
            format!("algorithms: modern, {}", kh("3")),
        ),
        Dev::key(
            &lab,
            "openssh-modern",
            p,
            "openssh",
            format!("algorithms: modern, {}", kh("4")),
        ),
    ];
    if let Some(u) = &pw_user {
        for (name, transport, file, n) in [
            ("native-password", "native", "password", "5"),
            ("openssh-password", "openssh", "password", "6"),
            ("native-bad-password", "native", "wrong_password", "7"),
            ("openssh-bad-password", "openssh", "wrong_password", "8"),
        ] {
            devs.push(Dev {
                name: name.into(),
                port: p,
                transport,
                user: u.name.to_string(),
                auth: format!("password: {{file: {}}}", lab.path(file).display()),
                ssh: format!("algorithms: legacy, {}", kh(n)),
            });
        }
    }
    let r = sweep(&lab, "legacy.yaml", &devs).await;

    for name in ["native-legacy", "openssh-legacy"] {
        let d = row(&r, name);
        assert_polled(d, &sshd);
        assert_eq!(
            d.ssh_algorithms.as_deref(),
            Some(LEGACY_ALGORITHMS),
            "{name}"
        );
    }
    // `modern` is the point of the profile: no SHA-1 key exchange, no CBC, no hmac-sha1.
    let d = row(&r, "native-modern");
    assert_failed(d, ErrorClass::Protocol, Stage::Auth, "", &sshd);
    let d = row(&r, "openssh-modern");
    assert_failed(
        d,
        ErrorClass::Protocol,
        Stage::Auth,
        "no matching key exchange method",
        &sshd,
    );

    if pw_user.is_some() {
        for name in ["native-password", "openssh-password"] {
            let d = row(&r, name);
            assert_polled(d, &sshd);
            assert_eq!(
                d.ssh_algorithms.as_deref(),
                Some(LEGACY_ALGORITHMS),
                "{name}"
            );
        }
        for name in ["native-bad-password", "openssh-bad-password"] {
            assert_failed(
                row(&r, name),
                ErrorClass::AuthFailed,
                Stage::Auth,
                "",
                &sshd,
            );
        }
        for d in &r {
            let e = d.error.as_deref().unwrap_or("");
            let pw = std::fs::read_to_string(lab.path("password")).unwrap();
            assert!(
                !e.contains(&pw) && !e.contains("not-the-password"),
                "secret in an error: {e}"
            );
        }
    }
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_profile_still_negotiates_modern_algorithms_with_a_modern_sshd() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let sshd = Sshd::start(&lab, Offer::Default, &[]);
    let p = sshd.port;
    let kh = |n: &str| format!("known_hosts: {}", lab.path(&format!("kh-{n}")).display());
    let devs = vec![
        Dev::key(
            &lab,
            "native-legacy",
            p,
            "native",
            format!("algorithms: legacy, {}", kh("1")),
        ),
        Dev::key(
            &lab,
            "openssh-legacy",
            p,
            "openssh",
            format!("algorithms: legacy, {}", kh("2")),
        ),
        Dev::key(&lab, "openssh-modern", p, "openssh", kh("3")),
    ];
    let r = sweep(&lab, "modern.yaml", &devs).await;
    for name in ["native-legacy", "openssh-legacy", "openssh-modern"] {
        let d = row(&r, name);
        assert_polled(d, &sshd);
        let a = d
            .ssh_algorithms
            .as_deref()
            .unwrap_or_else(|| panic!("{name}: no algorithms"));
        let field = |k: &str| {
            a.split_whitespace()
                .find_map(|f| f.strip_prefix(k))
                .unwrap_or_else(|| panic!("{name}: no {k} in {a}"))
                .to_string()
        };
        assert!(!field("kex=").ends_with("sha1"), "{name}: {a}");
        assert!(!field("cipher=").ends_with("-cbc"), "{name}: {a}");
        assert_ne!(field("mac="), "hmac-sha1", "{name}: {a}");
        assert_eq!(field("hostkey="), "ssh-ed25519", "{name}: {a}");
    }
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssh_transport_host_keys_credentials_and_failures() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let sshd = Sshd::start(&lab, Offer::LegacyOnly, &[]);
    let p = sshd.port;
    let fp = fingerprint(&lab.rsa_host.with_extension("pub"));
    let kh = |n: &str| lab.path(&format!("kh-{n}"));
    let legacy = |rest: String| format!("algorithms: legacy, {rest}");

    // A known_hosts that has another key for this server: the key "changed".
    let other = lab.path("other_rsa");
    keygen(&other, "rsa");
    let other_fp = fingerprint(&other.with_extension("pub"));
    let other_pub = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    let mut fields = other_pub.split_whitespace();
    let (kind, b64) = (fields.next().unwrap(), fields.next().unwrap());
    std::fs::write(kh("changed"), format!("[127.0.0.1]:{p} {kind} {b64}\n")).unwrap();
    std::fs::write(kh("empty"), "").unwrap();

    // A user key the server does not know, and a port nothing listens on.
    let stranger = lab.path("stranger");
    keygen(&stranger, "ed25519");
    let closed = free_port();
    // A listener that accepts and never speaks: ssh waits for the SSH banner.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();

    let mut devs = vec![
        Dev::key(
            &lab,
            "learn",
            p,
            "native",
            legacy(format!("known_hosts: {}", kh("learned").display())),
        ),
        Dev::key(
            &lab,
            "pinned-ok",
            p,
            "openssh",
            legacy(format!(
                "host_key_policy: pinned, host_key_fingerprint: \"{fp}\""
            )),
        ),
        Dev::key(
            &lab,
            "pinned-wrong",
            p,
            "openssh",
            legacy(format!(
                "host_key_policy: pinned, host_key_fingerprint: \"{other_fp}\""
            )),
        ),
        Dev::key(
            &lab,
            "strict-unknown",
            p,
            "openssh",
            legacy(format!(
                "host_key_policy: strict, known_hosts: {}",
                kh("empty").display()
            )),
        ),
        Dev::key(
            &lab,
            "changed",
            p,
            "openssh",
            legacy(format!("known_hosts: {}", kh("changed").display())),
        ),
        Dev::key(
            &lab,
            "refused",
            closed,
            "openssh",
            legacy(format!("known_hosts: {}", kh("r").display())),
        ),
        Dev::key(
            &lab,
            "insecure",
            p,
            "openssh",
            legacy("host_key_policy: insecure-accept-any".into()),
        ),
    ];
    let mut stranger_dev = Dev::key(
        &lab,
        "stranger",
        p,
        "openssh",
        legacy(format!("known_hosts: {}", kh("s").display())),
    );
    stranger_dev.auth = format!("key_file: {}", stranger.display());
    devs.push(stranger_dev);
    let r = sweep(&lab, "policies.yaml", &devs).await;

    assert_polled(row(&r, "learn"), &sshd);
    assert_polled(row(&r, "pinned-ok"), &sshd);
    assert_polled(row(&r, "insecure"), &sshd);
    let d = row(&r, "pinned-wrong");
    assert_failed(
        d,
        ErrorClass::HostKey,
        Stage::Auth,
        &format!("{fp} does not match the pinned {other_fp}"),
        &sshd,
    );
    let d = row(&r, "strict-unknown");
    assert_failed(
        d,
        ErrorClass::HostKey,
        Stage::Auth,
        &format!("host key {fp} for 127.0.0.1:{p} is not in known_hosts"),
        &sshd,
    );
    let d = row(&r, "changed");
    assert_failed(
        d,
        ErrorClass::HostKey,
        Stage::Auth,
        "HOST KEY CHANGED",
        &sshd,
    );
    let e = d.error.as_deref().unwrap_or("");
    assert!(
        e.contains(&format!("known {other_fp}")) && e.contains(&format!("offered {fp}")),
        "{e}"
    );
    let d = row(&r, "refused");
    assert_failed(
        d,
        ErrorClass::Unreachable,
        Stage::Connect,
        "Connection refused",
        &sshd,
    );
    let d = row(&r, "stranger");
    assert_failed(
        d,
        ErrorClass::AuthFailed,
        Stage::Auth,
        "Permission denied",
        &sshd,
    );
    assert_eq!(
        d.ssh_algorithms, None,
        "no session, no algorithms in the row"
    );

    // What the native transport learned, OpenSSH trusts under `strict` (same file format).
    let learned = std::fs::read_to_string(kh("learned")).unwrap();
    assert!(learned.contains(&format!("[127.0.0.1]:{p}")), "{learned}");
    let silent_dev = Dev::key(
        &lab,
        "silent",
        silent_port,
        "openssh",
        legacy(format!("known_hosts: {}", kh("q").display())),
    );
    let strict = Dev::key(
        &lab,
        "strict-learned",
        p,
        "openssh",
        legacy(format!(
            "host_key_policy: strict, known_hosts: {}",
            kh("learned").display()
        )),
    );
    let r = sweep_with(&lab, "strict.yaml", QUICK, 4, &[strict, silent_dev]).await;
    assert_polled(row(&r, "strict-learned"), &sshd);
    let d = row(&r, "silent");
    assert_failed(d, ErrorClass::Timeout, Stage::Auth, "", &sshd);
    drop(silent);
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_openssh_sessions_at_once() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let sshd = Sshd::start(&lab, Offer::Default, &[]);
    let kh = format!("known_hosts: {}", lab.path("kh").display());
    let devs: Vec<Dev> = (0..16)
        .map(|i| {
            Dev::key(
                &lab,
                format!("rtr-{i:02}"),
                sshd.port,
                "openssh",
                kh.clone(),
            )
        })
        .collect();
    let started = Instant::now();
    let r = sweep_with(&lab, "many.yaml", TIMEOUTS, 16, &devs).await;
    for d in &r {
        assert_polled(d, &sshd);
    }
    eprintln!(
        "16 openssh sessions at once: {:?} (per device, ms: {:?})",
        started.elapsed(),
        r.iter().map(|d| d.duration_ms).collect::<Vec<_>>()
    );
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_openssh_session_leaves_no_process() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    // Accepts and never speaks: the login hangs until the future is dropped.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let inv = format!(
        "devices:\n  - name: hang\n    host: 127.0.0.1\n    port: {port}\n    platform: cisco_ios\n    transport: openssh\n    username: {}\n    key_file: {}\n    ssh: {{known_hosts: {}}}\n",
        lab.user,
        lab.key.display(),
        lab.path("kh").display()
    );
    let path = common::write(lab.dir.path(), "hang.yaml", &inv);
    let host = common::load(&path).hosts.remove(0);
    let mut progress = fleetpoll::session::driver::Progress::default();
    // The 1.5 s count from ssh's connection, not from its start (slow on a busy machine).
    let (polled, _connection) = {
        let poll = fleetpoll::session::driver::poll(&host, &[], &mut progress);
        tokio::pin!(poll);
        let connection = tokio::select! {
            r = &mut poll => panic!("the login cannot finish: {r:?}"),
            c = silent.accept() => c.unwrap(),
        };
        let polled = tokio::time::timeout(Duration::from_millis(1500), &mut poll).await;
        (polled, connection)
    };
    assert!(polled.is_err(), "the login cannot finish: {polled:?}");
    assert_eq!(
        progress.stage,
        Stage::Auth,
        "connected, waiting for the SSH banner"
    );
    no_ssh_left().await;
    drop(silent);
}

/// The finite-field exchanges Cisco images and OpenSSH share, one sshd offering each alone:
/// both transports negotiate it and poll the device (native: through the patched russh DH).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_finite_field_kex_alone_is_polled_by_both_transports() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    for (i, kex) in [
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group-exchange-sha256",
    ]
    .into_iter()
    .enumerate()
    {
        let sshd = Sshd::start(&lab, Offer::OnlyKex(kex), &[]);
        let kh = |t: &str| {
            format!(
                "known_hosts: {}",
                lab.path(&format!("kh-{i}-{t}")).display()
            )
        };
        let devs = vec![
            Dev::key(&lab, "native", sshd.port, "native", kh("n")),
            Dev::key(&lab, "openssh", sshd.port, "openssh", kh("o")),
        ];
        let r = sweep(&lab, &format!("kex-{i}.yaml"), &devs).await;
        for name in ["native", "openssh"] {
            let d = row(&r, name);
            assert_polled(d, &sshd);
            let a = d.ssh_algorithms.as_deref().unwrap_or("");
            assert!(
                a.split_whitespace().any(|f| f == format!("kex={kex}")),
                "{kex} via {name}: {a}"
            );
        }
    }
    no_ssh_left().await;
}
