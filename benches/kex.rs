//! Key-exchange micro-bench: client CPU per SSH handshake (key exchange, host-key signature
//! check, password authentication) for each key exchange a Cisco image may offer, against
//! the simulator on loopback.
//!
//! The simulated devices run on their own runtime and threads; the client runs on a
//! current-thread runtime on the main thread, whose CPU time (`/proc/thread-self/schedstat`,
//! nanoseconds) is the figure printed, so the server's half of each exchange is not counted.
//!
//! cargo bench --bench kex [-- HANDSHAKES]

use fleetpoll::sim::ssh_profile::host_key;
use fleetpoll::sim::{spawn_fleet, DeviceSpec, Scenario, SshProfile};
use fleetpoll::Platform;
use russh::keys::{Algorithm, HashAlg};
use russh::{cipher, client, kex, mac};
use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

struct AnyKey;
impl client::Handler for AnyKey {
    type Error = russh::Error;
    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// (kex, a simulated image that offers it); host-key and MAC choices follow the image.
const CASES: &[(&str, SshProfile)] = &[
    ("curve25519-sha256", SshProfile::Modern),
    ("ecdh-sha2-nistp256", SshProfile::Iosxe),
    ("ecdh-sha2-nistp384", SshProfile::Iosxe),
    ("ecdh-sha2-nistp521", SshProfile::Iosxe),
    ("diffie-hellman-group14-sha256", SshProfile::Asa),
    ("diffie-hellman-group14-sha1", SshProfile::Ios15),
    ("diffie-hellman-group1-sha1", SshProfile::Ios15),
    ("diffie-hellman-group-exchange-sha1", SshProfile::Ios15),
    ("diffie-hellman-group-exchange-sha256", SshProfile::Waas),
    ("diffie-hellman-group16-sha512", SshProfile::Iosxe),
    ("diffie-hellman-group18-sha512", SshProfile::Modern),
];

fn config(kex_name: &str, profile: SshProfile) -> Arc<client::Config> {
    let k = kex::Name::try_from(kex_name).expect("kex name");
    let rsa = host_key(profile.spec().host_key).algorithm() != Algorithm::Ed25519;
    let key = if rsa {
        vec![
            Algorithm::Rsa {
                hash: Some(HashAlg::Sha512),
            },
            Algorithm::Rsa { hash: None },
        ]
    } else {
        vec![Algorithm::Ed25519]
    };
    let mac = if profile.spec().macs.iter().any(|m| m == "hmac-sha2-256") {
        mac::HMAC_SHA256
    } else {
        mac::HMAC_SHA1
    };
    Arc::new(client::Config {
        preferred: russh::Preferred {
            kex: Cow::Owned(vec![k, kex::EXTENSION_SUPPORT_AS_CLIENT]),
            key: Cow::Owned(key),
            cipher: Cow::Owned(vec![cipher::AES_128_CTR]),
            mac: Cow::Owned(vec![mac]),
            ..Default::default()
        },
        gex: client::GexParams::new(2048, 2048, 8192).expect("gex"),
        nodelay: true,
        ..Default::default()
    })
}

async fn handshake(addr: SocketAddr, config: Arc<client::Config>) {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    // As fleetpoll's transport does: without it, delayed ACKs stall the handshake.
    stream.set_nodelay(true).expect("nodelay");
    let mut h = client::connect_stream(config, stream, AnyKey)
        .await
        .expect("handshake");
    let ok = h
        .authenticate_password(fleetpoll::sim::SIM_USERNAME, fleetpoll::sim::SIM_PASSWORD)
        .await
        .expect("auth");
    assert!(ok.success(), "authentication");
    let _ = h
        .disconnect(russh::Disconnect::ByApplication, "", "en")
        .await;
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(40);
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let fleet = server_rt
        .block_on(spawn_fleet(
            SshProfile::ALL
                .iter()
                .map(|p| {
                    let mut d = DeviceSpec::new(p.id(), Platform::CiscoIos, Scenario::Healthy);
                    d.ssh_profile = *p;
                    d
                })
                .collect(),
        ))
        .expect("fleet");
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    println!("kex: client CPU per handshake (kex + host-key check + password auth), {n} handshakes each, release build, loopback, no latency");
    for (name, profile) in CASES {
        let addr = fleet.device(profile.id()).expect("device").addr;
        let cfg = config(name, *profile);
        client_rt.block_on(handshake(addr, cfg.clone())); // warm-up
        let t0 = thread_cpu_ns();
        let w0 = std::time::Instant::now();
        for _ in 0..n {
            client_rt.block_on(handshake(addr, cfg.clone()));
        }
        let cpu = Duration::from_nanos(thread_cpu_ns() - t0) / n as u32;
        let wall = w0.elapsed() / n as u32;
        println!(
            "kex: {name:<40} against {:<6} cpu/handshake={:>7.2}ms wall/handshake={:>7.2}ms",
            profile.id(),
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3
        );
    }
    server_rt.block_on(fleet.shutdown());
}
