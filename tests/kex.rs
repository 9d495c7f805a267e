//! Key exchange against what Cisco images offer: the kex each client profile negotiates with
//! each simulated image (both transports), every finite-field group through the patched
//! russh DH on both ends, the patch itself, and a server whose DH public value is out of
//! range (a raw SSH server written here, since no real server can be made to send one).

mod common;

use fleetpoll::runner::{DeviceReport, PollStatus, RunOptions};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::ssh_profile::host_key;
use fleetpoll::sim::{RunningFleet, Scenario, SshProfile};
use fleetpoll::Platform;
use std::fmt::Write as _;
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Generous: debug builds sign RSA host keys slowly, and CI machines are busy.
const TIMEOUTS: &str =
    "{connect: 10s, auth: 60s, prompt: 30s, enable: 30s, command: 30s, device: 180s}";

#[test]
fn the_russh_dh_patch_is_in() {
    use russh::kex::dh::groups::private_exponent_bits;
    // Twice the security strength: 2048- and 3072-bit groups 256 bits, larger ones 512.
    assert_eq!(private_exponent_bits(1024), 256);
    assert_eq!(private_exponent_bits(2048), 256);
    assert_eq!(private_exponent_bits(3072), 256);
    assert_eq!(private_exponent_bits(4096), 512);
    assert_eq!(private_exponent_bits(8192), 512);
}

/// The boxed `Msg::Authenticate` of the russh patch (PATCHES.md item 5): every in-flight
/// session's channels hold 32-slot blocks of `Msg`.
#[test]
fn the_russh_message_patch_is_in() {
    assert!(
        std::mem::size_of::<russh::client::Msg>() <= 160,
        "client::Msg is {} bytes",
        std::mem::size_of::<russh::client::Msg>()
    );
}

/// One test device: which simulated image it is, how fleetpoll reaches it.
struct Case {
    name: &'static str,
    platform: Platform,
    profile: SshProfile,
    transport: &'static str,
    /// The body of the device's `ssh.algorithms`.
    algorithms: &'static str,
    /// What the key exchange must settle on.
    kex: &'static str,
}

fn case(
    name: &'static str,
    profile: SshProfile,
    transport: &'static str,
    algorithms: &'static str,
    kex: &'static str,
) -> Case {
    Case {
        name,
        platform: profile.platform(),
        profile,
        transport,
        algorithms,
        kex,
    }
}

async fn fleet(cases: &[Case]) -> RunningFleet {
    let specs = cases
        .iter()
        .map(|c| {
            let mut d = common::sim::spec(c.name, c.platform, Scenario::Healthy);
            d.ssh_profile = c.profile;
            d
        })
        .collect();
    common::sim::fleet(specs).await
}

/// An inventory pinning each device's host key, with the case's transport and algorithms.
async fn sweep(fleet: &RunningFleet, cases: &[Case], dir: &Path) -> Vec<DeviceReport> {
    common::sim::secret_files(dir);
    let mut inv = format!(
        "defaults:\n  username: {}\n  password: {{file: {}}}\n  enable_secret: {{file: {}}}\n  retries: 0\n  timeouts: {TIMEOUTS}\n  ssh: {{host_key_policy: pinned}}\ndevices:\n",
        fleetpoll::sim::SIM_USERNAME,
        dir.join("pw").display(),
        dir.join("en").display(),
    );
    for c in cases {
        let d = fleet.device(c.name).unwrap();
        let key = host_key(c.profile.spec().host_key).public_key();
        let fp = fleetpoll::session::transport::ssh::fingerprint(key);
        let _ = writeln!(
            inv,
            "  - {{name: {}, host: 127.0.0.1, port: {}, platform: {}, transport: {}, ssh: {{host_key_fingerprint: \"{fp}\", algorithms: {}}}}}",
            c.name,
            d.addr.port(),
            c.platform,
            c.transport,
            c.algorithms
        );
    }
    let plan = common::health_plan(&common::write(dir, "inv.yaml", &inv));
    common::run_concurrently(&plan, 4).await
}

fn kex_of(d: &DeviceReport) -> &str {
    d.ssh_algorithms
        .as_deref()
        .and_then(|a| a.split_whitespace().find_map(|f| f.strip_prefix("kex=")))
        .unwrap_or("")
}

fn check(reports: &[DeviceReport], cases: &[Case]) {
    for c in cases {
        let d = common::row(reports, c.name);
        assert_eq!(
            d.poll_status,
            PollStatus::Polled,
            "{}: {:?} {:?}",
            c.name,
            d.error_class,
            d.error
        );
        assert!(
            d.command_errors().is_empty(),
            "{}: {:?}",
            c.name,
            d.command_errors()
        );
        assert_eq!(kex_of(d), c.kex, "{}: {:?}", c.name, d.ssh_algorithms);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_client_profile_negotiates_the_cheapest_sound_kex_each_image_offers() {
    use SshProfile::*;
    let cases = [
        // ECDH and DH on offer (IOS XE): the curve, not group16 as russh's own order chose.
        case("xe-modern", Iosxe, "native", "modern", "ecdh-sha2-nistp256"),
        case("xe-legacy", Iosxe, "native", "legacy", "ecdh-sha2-nistp256"),
        case("modern", Modern, "native", "modern", "curve25519-sha256"),
        // DH only: the one group an ASA offers; IOS 15's 2048-bit group, not group1's 1024
        // bits nor group exchange's extra round trip; WAAS's group exchange (2048 bits asked).
        case(
            "asa",
            Asa,
            "native",
            "legacy",
            "diffie-hellman-group14-sha256",
        ),
        case(
            "ios15",
            Ios15,
            "native",
            "legacy",
            "diffie-hellman-group14-sha1",
        ),
        case(
            "waas",
            Waas,
            "native",
            "legacy",
            "diffie-hellman-group-exchange-sha256",
        ),
    ];
    let f = fleet(&cases).await;
    let dir = tempfile::tempdir().unwrap();
    let r = sweep(&f, &cases, dir.path()).await;
    check(&r, &cases);
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_finite_field_group_interoperates_through_the_patched_dh() {
    use SshProfile::*;
    let cases = [
        case(
            "g14",
            Modern,
            "native",
            "{kex: [diffie-hellman-group14-sha256]}",
            "diffie-hellman-group14-sha256",
        ),
        case(
            "g16",
            Modern,
            "native",
            "{kex: [diffie-hellman-group16-sha512]}",
            "diffie-hellman-group16-sha512",
        ),
        case(
            "g18",
            Modern,
            "native",
            "{kex: [diffie-hellman-group18-sha512]}",
            "diffie-hellman-group18-sha512",
        ),
        case(
            "gex256",
            Modern,
            "native",
            "{kex: [diffie-hellman-group-exchange-sha256]}",
            "diffie-hellman-group-exchange-sha256",
        ),
        case(
            "g1",
            Ios15,
            "native",
            "{kex: [diffie-hellman-group1-sha1], macs: [hmac-sha1], host_keys: [ssh-rsa]}",
            "diffie-hellman-group1-sha1",
        ),
        case(
            "gex1",
            Ios15,
            "native",
            "{kex: [diffie-hellman-group-exchange-sha1], macs: [hmac-sha1], host_keys: [ssh-rsa]}",
            "diffie-hellman-group-exchange-sha1",
        ),
    ];
    let f = fleet(&cases).await;
    let dir = tempfile::tempdir().unwrap();
    let r = sweep(&f, &cases, dir.path()).await;
    check(&r, &cases);
    f.shutdown().await;
}

fn have_ssh_client() -> bool {
    let ok = std::process::Command::new("ssh").arg("-V").output().is_ok();
    if !ok {
        eprintln!(
            "SKIP tests/kex.rs: no `ssh` client in PATH; install openssh-client (.ci/run does)"
        );
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssh_transport_reaches_every_image_the_simulator_serves() {
    if !have_ssh_client() {
        return;
    }
    use SshProfile::*;
    // The server side of every exchange here is the patched russh DH (the client is ssh).
    let cases = [
        case("o-xe", Iosxe, "openssh", "modern", "ecdh-sha2-nistp256"),
        case(
            "o-asa",
            Asa,
            "openssh",
            "legacy",
            "diffie-hellman-group14-sha256",
        ),
        case(
            "o-ios15",
            Ios15,
            "openssh",
            "legacy",
            "diffie-hellman-group14-sha1",
        ),
        case(
            "o-waas",
            Waas,
            "openssh",
            "legacy",
            "diffie-hellman-group-exchange-sha256",
        ),
        case(
            "o-g16",
            Modern,
            "openssh",
            "{kex: [diffie-hellman-group16-sha512]}",
            "diffie-hellman-group16-sha512",
        ),
    ];
    let f = fleet(&cases).await;
    let dir = tempfile::tempdir().unwrap();
    let r = sweep(&f, &cases, dir.path()).await;
    check(&r, &cases);
    f.shutdown().await;
}

// ---- A server whose DH public value is out of range -------------------------------------

/// The RFC 3526 2048-bit MODP prime (group 14), big-endian.
fn group14_prime() -> Vec<u8> {
    let hex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

/// An SSH mpint of a non-negative big-endian magnitude.
fn put_mpint(out: &mut Vec<u8>, mag: &[u8]) {
    let mag: Vec<u8> = mag.iter().copied().skip_while(|b| *b == 0).collect();
    let mut v = Vec::new();
    if mag.first().is_some_and(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(&mag);
    put_string(out, &v);
}

/// One unencrypted binary packet (RFC 4253 §6), padded to a multiple of 8.
async fn send_packet(s: &mut TcpStream, payload: &[u8]) -> std::io::Result<()> {
    let mut pad = 8 - (payload.len() + 5) % 8;
    if pad < 4 {
        pad += 8;
    }
    let mut p = Vec::new();
    p.extend_from_slice(&((payload.len() + pad + 1) as u32).to_be_bytes());
    p.push(pad as u8);
    p.extend_from_slice(payload);
    p.extend(std::iter::repeat_n(0u8, pad));
    s.write_all(&p).await
}

async fn read_packet(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).await?;
    let len = u32::from_be_bytes(len) as usize;
    if !(5..=65536).contains(&len) {
        return Err(std::io::Error::other("bad packet length"));
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).await?;
    let pad = body[0] as usize;
    Ok(body[1..len.saturating_sub(pad)].to_vec())
}

/// What a fake server answers KEXDH_INIT with.
#[derive(Clone)]
struct Reply {
    /// The host-key algorithms its KEXINIT offers.
    host_key_algorithms: &'static str,
    /// The host key blob (K_S).
    host_key: Vec<u8>,
    /// Its DH public value.
    f: Vec<u8>,
    /// The signature blob, in SSH framing.
    signature: Vec<u8>,
}

/// An ed25519 host key and signature that are never looked at: `f` is refused before.
fn reply_with_f(f: Vec<u8>) -> Reply {
    let mut host_key = Vec::new();
    put_string(&mut host_key, b"ssh-ed25519");
    put_string(&mut host_key, &[9u8; 32]);
    let mut signature = Vec::new();
    put_string(&mut signature, b"ssh-ed25519");
    put_string(&mut signature, &[0u8; 64]);
    Reply {
        host_key_algorithms: "ssh-ed25519",
        host_key,
        f,
        signature,
    }
}

/// Play an SSH server up to KEXDH_REPLY, answering with `reply`.
async fn fake_kex_server(mut s: TcpStream, reply: Reply) -> std::io::Result<()> {
    s.write_all(b"SSH-2.0-Cisco-1.25\r\n").await?;
    let mut line = Vec::new();
    loop {
        let b = s.read_u8().await?;
        line.push(b);
        if b == b'\n' || line.len() > 255 {
            break;
        }
    }
    let mut kexinit = vec![20u8];
    kexinit.extend_from_slice(&[7u8; 16]);
    for list in [
        "diffie-hellman-group14-sha256",
        reply.host_key_algorithms,
        "aes128-ctr",
        "aes128-ctr",
        "hmac-sha2-256",
        "hmac-sha2-256",
        "none",
        "none",
        "",
        "",
    ] {
        put_string(&mut kexinit, list.as_bytes());
    }
    kexinit.extend_from_slice(&[0, 0, 0, 0, 0]);
    send_packet(&mut s, &kexinit).await?;
    loop {
        let p = read_packet(&mut s).await?;
        if p.first() == Some(&30) {
            break; // KEXDH_INIT
        }
    }
    let mut packet = vec![31u8];
    put_string(&mut packet, &reply.host_key);
    put_mpint(&mut packet, &reply.f);
    put_string(&mut packet, &reply.signature);
    send_packet(&mut s, &packet).await?;
    // Hold the connection until the client gives up.
    let mut sink = [0u8; 1024];
    while s.read(&mut sink).await? > 0 {}
    Ok(())
}

/// An inventory of one device per (fake server, transport), and the servers behind it; the
/// `legacy` algorithms, so that `ssh-rsa` is a signature the client takes.
async fn fake_fleet(
    dir: &Path,
    replies: Vec<(&'static str, Reply)>,
) -> (String, Vec<tokio::task::JoinHandle<()>>) {
    common::write(dir, "pw", "x");
    let mut inv = format!(
        "defaults:\n  username: u\n  password: {{file: {}}}\n  platform: cisco_ios\n  retries: 0\n  timeouts: {TIMEOUTS}\n  ssh: {{host_key_policy: insecure-accept-any, algorithms: legacy}}\ndevices:\n",
        dir.join("pw").display()
    );
    let mut servers = Vec::new();
    for (name, reply) in replies {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        for transport in ["native", "openssh"] {
            if transport == "openssh" && !have_ssh_client() {
                continue;
            }
            let _ = writeln!(
                inv,
                "  - {{name: {name}-{transport}, host: 127.0.0.1, port: {port}, transport: {transport}}}"
            );
        }
        servers.push(tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                tokio::spawn(fake_kex_server(s, reply.clone()));
            }
        }));
    }
    (inv, servers)
}

/// Poll one fake device per reply (both transports: [`fake_fleet`]) and check every one was
/// refused at the handshake ([`check_handshake_refused`]).
async fn poll_refused(replies: Vec<(&'static str, Reply)>, native: &[&str], openssh: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (inv, servers) = fake_fleet(dir.path(), replies).await;
    let plan = common::health_plan(&common::write(dir.path(), "inv.yaml", &inv));
    let reports = common::run(&plan, &RunOptions::default()).await;
    check_handshake_refused(&reports, native, openssh);
    for s in servers {
        s.abort();
    }
}

/// Every device failed at the handshake as `protocol`, natively without a retry, with the
/// words `native` expects in its message, through OpenSSH with one of `openssh`.
fn check_handshake_refused(reports: &[DeviceReport], native: &[&str], openssh: &[&str]) {
    assert!(!reports.is_empty());
    for d in reports {
        assert_eq!(d.poll_status, PollStatus::Failed, "{}", d.device);
        assert_eq!(
            d.error_class,
            Some(ErrorClass::Protocol),
            "{}: {:?}",
            d.device,
            d.error
        );
        assert_eq!(d.failed_stage, Some(Stage::Auth), "{}", d.device);
        let e = d.error.as_deref().unwrap_or("");
        let named = if d.device.ends_with("-native") {
            // A broken peer is not retried with other algorithms.
            assert!(!e.contains("retried"), "{}: {e}", d.device);
            native.iter().all(|w| e.contains(w))
        } else {
            openssh.iter().any(|w| e.contains(w))
        };
        assert!(named, "{}: the check is not named: {e}", d.device);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dh_public_value_out_of_range_fails_the_device_as_protocol_naming_the_check() {
    let p = group14_prime();
    let mut p_minus_1 = p.clone();
    *p_minus_1.last_mut().unwrap() -= 1;
    let values: [(&str, Vec<u8>); 4] = [
        ("f-zero", vec![]),
        ("f-one", vec![1]),
        ("f-p-minus-1", p_minus_1),
        ("f-p", p),
    ];
    let replies = values
        .into_iter()
        .map(|(name, f)| (name, reply_with_f(f)))
        .collect();
    // OpenSSH's own words for the same check.
    poll_refused(
        replies,
        &["RFC 8268", "1 < f < p-1"],
        &["invalid public DH value"],
    )
    .await;
}

/// The host-key signature is checked through aws-lc in the russh patch (PATCHES.md item 6)
/// with the `ssh-key` verifier behind it: an RSA signature that does not verify (a real
/// signature by the host key over other data, under each hash; random bytes; a cut-short
/// one) must still fail the device, as a broken peer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rsa_host_key_signature_that_does_not_verify_fails_the_device() {
    use fleetpoll::sim::ssh_profile::HostKeyKind;
    use russh::keys::signature::Signer;
    use russh::keys::ssh_encoding::Encode;
    use russh::keys::HashAlg;
    let key = host_key(HostKeyKind::Rsa2048);
    let encoded = |x: &dyn Fn(&mut Vec<u8>) -> Result<(), russh::keys::ssh_encoding::Error>| {
        let mut v = Vec::new();
        x(&mut v).unwrap();
        v
    };
    let host_key_blob = encoded(&|v| key.public_key().key_data().encode(v));
    let rsa = key.key_data().rsa().unwrap();
    let signed_other = |hash: Option<HashAlg>| -> Vec<u8> {
        let sig: russh::keys::ssh_key::Signature =
            Signer::try_sign(&(rsa, hash), b"not the exchange hash").unwrap();
        encoded(&|v| sig.encode(v))
    };
    let framed = |alg: &str, bytes: &[u8]| -> Vec<u8> {
        let mut v = Vec::new();
        put_string(&mut v, alg.as_bytes());
        put_string(&mut v, bytes);
        v
    };
    let random: Vec<u8> = (0..256u32).map(|i| (i * 151 + 7) as u8).collect();
    let cases = [
        (
            "other-sha512",
            "rsa-sha2-512",
            signed_other(Some(HashAlg::Sha512)),
        ),
        (
            "other-sha256",
            "rsa-sha2-256",
            signed_other(Some(HashAlg::Sha256)),
        ),
        ("other-sha1", "ssh-rsa", signed_other(None)),
        ("random", "rsa-sha2-256", framed("rsa-sha2-256", &random)),
        (
            "short",
            "rsa-sha2-256",
            framed("rsa-sha2-256", &random[..12]),
        ),
    ];
    let replies = cases
        .into_iter()
        .map(|(name, alg, signature)| {
            let reply = Reply {
                host_key_algorithms: alg,
                host_key: host_key_blob.clone(),
                // Any value in (1, p-1) with enough bits set for OpenSSH's check will do: the
                // signature is what fails.
                f: vec![0x5a; 255],
                signature,
            };
            (name, reply)
        })
        .collect();
    // OpenSSH: "incorrect signature", or "error in libcrypto" for bytes that are no RSA
    // signature at all.
    poll_refused(
        replies,
        &["signature"],
        &["incorrect signature", "error in libcrypto"],
    )
    .await;
}

#[test]
fn an_explicit_kex_this_build_cannot_do_is_refused_at_plan_time_with_file_line_field() {
    let text = "defaults:\n  username: u\n  password: {env: PATH}\n  platform: cisco_asa\ndevices:\n  - name: asa1\n    host: 192.0.2.1\n    ssh:\n      algorithms:\n        kex: [diffie-hellman-group14-sha256, sntrup761x25519-sha512]\n";
    let e = fleetpoll::inventory::parse(Path::new("inv/dc.yaml"), text)
        .expect_err("an unknown kex must be refused")
        .to_string();
    assert!(e.contains("inv/dc.yaml"), "{e}");
    assert!(e.contains("kex[1]"), "{e}");
    assert!(e.contains("sntrup761x25519-sha512"), "{e}");
    assert!(e.starts_with("inv/dc.yaml:"), "no line: {e}");
    let line: u32 = e
        .split(':')
        .nth(1)
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    assert_eq!(line, 10, "the kex list is on line 10: {e}");
}
