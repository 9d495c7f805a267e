//! Unit tests of `server`.

use super::*;
use crate::sim::fleet::{spawn_fleet, RunningFleet, SIM_PASSWORD, SIM_USERNAME};
use russh::client;
use std::net::SocketAddr;
use std::time::Instant;

/// A test client that pins the simulator's host key.
struct Pinned;

impl client::Handler for Pinned {
    type Error = russh::Error;
    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(
            matches!(key, russh::keys::PublicKeyOrCertificate::PublicKey { key, .. }
            if *key == host_public_key()),
        )
    }
}

async fn connect(addr: SocketAddr) -> client::Handle<Pinned> {
    let config = Arc::new(client::Config::default());
    match client::connect(config, addr, Pinned).await {
        Ok(h) => h,
        Err(e) => panic!("connect {addr}: {e}"),
    }
}

/// Read until `needle` appears at the end of what was received, or fail after 10 s.
async fn read_until(ch: &mut Channel<client::Msg>, buf: &mut Vec<u8>, needle: &[u8]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !buf.ends_with(needle) {
        match tokio::time::timeout_at(deadline, ch.wait()).await {
            Ok(Some(ChannelMsg::Data { data })) => buf.extend_from_slice(&data),
            Ok(Some(_)) => {}
            Ok(None) => panic!("channel closed; got {:?}", String::from_utf8_lossy(buf)),
            Err(_) => panic!(
                "timed out waiting for {:?}; got {:?}",
                String::from_utf8_lossy(needle),
                String::from_utf8_lossy(buf)
            ),
        }
    }
}

async fn shell(addr: SocketAddr) -> (client::Handle<Pinned>, Channel<client::Msg>) {
    let mut h = connect(addr).await;
    let auth = h.authenticate_password(SIM_USERNAME, SIM_PASSWORD).await;
    assert!(matches!(auth, Ok(ref a) if a.success()), "{auth:?}");
    let ch = match h.channel_open_session().await {
        Ok(c) => c,
        Err(e) => panic!("open session: {e}"),
    };
    assert!(ch
        .request_pty(true, "vt100", 80, 24, 0, 0, &[])
        .await
        .is_ok());
    assert!(ch.request_shell(true).await.is_ok());
    (h, ch)
}

fn spec(name: &str, platform: Platform, scenario: Scenario) -> DeviceSpec {
    let mut s = DeviceSpec::new(name, platform, scenario);
    s.enable_secret = None;
    s
}

async fn fleet(specs: Vec<DeviceSpec>) -> RunningFleet {
    match spawn_fleet(specs).await {
        Ok(f) => f,
        Err(e) => panic!("spawn_fleet: {e}"),
    }
}

#[tokio::test]
async fn two_device_fleet_over_loopback() {
    let mut asa = DeviceSpec::new("asa-1", Platform::CiscoAsa, Scenario::Healthy);
    asa.latency = Duration::from_millis(30);
    let f = fleet(vec![
        spec("rtr-1", Platform::CiscoIos, Scenario::Healthy),
        asa,
    ])
    .await;

    // IOS: lands privileged, paging off, then a show command through to the prompt.
    let (_h, mut ch) = shell(f.devices[0].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"rtr-1#").await;
    assert!(String::from_utf8_lossy(&buf).contains("Authorized access only"));
    buf.clear();
    assert!(ch.data(&b"terminal length 0\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"\r\nrtr-1#").await;
    assert_eq!(buf, b"terminal length 0\r\nrtr-1#");
    buf.clear();
    assert!(ch.data(&b"show version\r\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"\r\nrtr-1#").await;
    let out = String::from_utf8_lossy(&buf).into_owned();
    assert!(out.starts_with("show version\r\n"), "{out:?}");
    let ctx = crate::sim::scenario::RenderCtx {
        platform: Platform::CiscoIos,
        scenario: Scenario::Healthy,
        hostname: "rtr-1",
        seed: f.devices[0].spec.seed,
        drift: Default::default(),
    };
    let Some(text) = crate::sim::render::render(&ctx, "show version") else {
        panic!("no renderer for IOS show version");
    };
    // The whole rendered text arrives, in CRLF, with paging off no pager, then the prompt.
    let expect = format!("show version\r\n{}", text.replace('\n', "\r\n"));
    let body = out.strip_suffix("rtr-1#").unwrap_or(&out);
    assert_eq!(body.trim_end(), expect.trim_end());
    assert!(text.lines().count() > 5, "{text}");

    // ASA: enable with the secret, pager off, an invalid command, latency applied.
    let (h2, mut ch2) = shell(f.devices[1].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch2, &mut buf, b"asa-1> ").await;
    buf.clear();
    assert!(ch2.data(&b"enable\n"[..]).await.is_ok());
    read_until(&mut ch2, &mut buf, b"Password: ").await;
    assert!(ch2.data(&b"sim-enable\n"[..]).await.is_ok());
    read_until(&mut ch2, &mut buf, b"asa-1# ").await;
    buf.clear();
    let t0 = Instant::now();
    assert!(ch2.data(&b"terminal length 0\n"[..]).await.is_ok());
    read_until(&mut ch2, &mut buf, b"asa-1# ").await;
    assert!(
        t0.elapsed() >= Duration::from_millis(30),
        "latency not applied"
    );
    assert!(String::from_utf8_lossy(&buf).contains("ERROR: % Invalid input detected"));
    buf.clear();
    assert!(ch2.data(&b"exit\n"[..]).await.is_ok());
    // The device closes the channel after exit.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, ch2.wait()).await {
            Ok(None) | Ok(Some(ChannelMsg::Close)) => break,
            Ok(Some(_)) => {}
            Err(_) => panic!("channel not closed after exit"),
        }
    }
    // ... and drops the connection.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !h2.is_closed() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "connection not dropped"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    f.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_rejected_quickly_both_methods() {
    let f = fleet(vec![spec(
        "bad",
        Platform::CiscoAsa,
        Scenario::WrongCredentials,
    )])
    .await;
    let mut h = connect(f.devices[0].addr).await;
    let t0 = Instant::now();
    let r = h.authenticate_password(SIM_USERNAME, SIM_PASSWORD).await;
    assert!(matches!(r, Ok(ref a) if !a.success()), "{r:?}");
    let r = h
        .authenticate_password(SIM_USERNAME, crate::sim::WRONG_PASSWORD)
        .await;
    assert!(matches!(r, Ok(ref a) if !a.success()), "{r:?}");
    let r = h
        .authenticate_keyboard_interactive_start(SIM_USERNAME, None)
        .await;
    assert!(
        matches!(r, Ok(client::KeyboardInteractiveAuthResponse::InfoRequest { ref prompts, .. })
            if prompts.len() == 1 && prompts[0].prompt == "Password: " && !prompts[0].echo),
        "{r:?}"
    );
    let r = h
        .authenticate_keyboard_interactive_respond(vec![SIM_PASSWORD.into()])
        .await;
    assert!(
        matches!(
            r,
            Ok(client::KeyboardInteractiveAuthResponse::Failure { .. })
        ),
        "{r:?}"
    );
    assert!(t0.elapsed() < Duration::from_secs(1));
    f.shutdown().await;
}

#[tokio::test]
async fn keyboard_interactive_succeeds_with_the_password() {
    let f = fleet(vec![spec("wae", Platform::CiscoWaas, Scenario::Healthy)]).await;
    let mut h = connect(f.devices[0].addr).await;
    let r = h
        .authenticate_keyboard_interactive_start(SIM_USERNAME, None)
        .await;
    assert!(matches!(
        r,
        Ok(client::KeyboardInteractiveAuthResponse::InfoRequest { .. })
    ));
    let r = h
        .authenticate_keyboard_interactive_respond(vec![SIM_PASSWORD.into()])
        .await;
    assert!(
        matches!(r, Ok(client::KeyboardInteractiveAuthResponse::Success)),
        "{r:?}"
    );
    f.shutdown().await;
}

#[tokio::test]
async fn refused_device_refuses_and_shutdown_stops_listeners() {
    let f = fleet(vec![
        spec("gone", Platform::CiscoIos, Scenario::RefuseConnection),
        spec("up", Platform::CiscoIos, Scenario::Healthy),
    ])
    .await;
    let refused = tokio::net::TcpStream::connect(f.devices[0].addr).await;
    assert!(
        matches!(refused, Err(ref e) if e.kind() == std::io::ErrorKind::ConnectionRefused),
        "{refused:?}"
    );
    let up = f.devices[1].addr;
    assert!(tokio::net::TcpStream::connect(up).await.is_ok());
    // An open session is disconnected by shutdown.
    let (_h, mut ch) = shell(up).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"up#").await;
    f.shutdown().await;
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while ch.wait().await.is_some() {}
    })
    .await;
    assert!(closed.is_ok(), "session survived shutdown");
    assert!(tokio::net::TcpStream::connect(up).await.is_err());
}

#[tokio::test]
async fn paging_over_the_wire_with_large_output() {
    // A device with paging on prints the pager and waits; answering with space pages on.
    let f = fleet(vec![spec("pg", Platform::CiscoIos, Scenario::Healthy)]).await;
    let (_h, mut ch) = shell(f.devices[0].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"pg#").await;
    buf.clear();
    assert!(ch.data(&b"terminal length 3\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"pg#").await;
    buf.clear();
    // `show` alone is incomplete, a short reply; the pager is tested in device.rs, here
    // only that bytes typed while the device is busy are not lost.
    assert!(ch.data(&b"show\n\n\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"\r\npg#\r\npg#").await;
    assert!(String::from_utf8_lossy(&buf).contains("% Incomplete command."));
    f.shutdown().await;
}

#[tokio::test]
async fn no_prompt_device_prints_banner_only() {
    let f = fleet(vec![spec("np", Platform::CiscoIos, Scenario::NoPrompt)]).await;
    let (_h, mut ch) = shell(f.devices[0].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"*\r\n\r\n").await;
    assert!(ch.data(&b"\n"[..]).await.is_ok());
    let more = tokio::time::timeout(Duration::from_millis(200), ch.wait()).await;
    assert!(more.is_err(), "device printed something: {more:?}");
    f.shutdown().await;
}

/// The bench's shape: 1,000 devices with 50 ms latency in one process, each polled once
/// (`terminal length 0`, then an Enter) with up to 200 sessions at a time.
/// Run with `cargo test --release --lib sim::server::tests::thousand -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: 1,000 SSH handshakes"]
async fn thousand_devices_with_latency() {
    let n: usize = std::env::var("SIM_SCALE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let specs = crate::sim::fleet_specs(n, Some(Scenario::Healthy), Duration::from_millis(50));
    let t0 = Instant::now();
    let f = fleet(specs).await;
    let spawned = t0.elapsed();
    let sem = Arc::new(tokio::sync::Semaphore::new(200));
    let mut tasks = tokio::task::JoinSet::new();
    for d in &f.devices {
        let addr = d.addr;
        let privileged = d.spec.enable_secret.is_none();
        let prompt = crate::sim::device::prompt(d.spec.platform, &d.spec.hostname, privileged);
        let sem = sem.clone();
        tasks.spawn(async move {
            let _permit = sem.acquire().await;
            let (h, mut ch) = shell(addr).await;
            let mut buf = Vec::new();
            read_until(&mut ch, &mut buf, prompt.as_bytes()).await;
            let _ = ch.data(&b"\n"[..]).await;
            buf.clear();
            read_until(&mut ch, &mut buf, prompt.as_bytes()).await;
            let _ = h
                .disconnect(russh::Disconnect::ByApplication, "", "en")
                .await;
        });
    }
    let mut done = 0;
    while let Some(r) = tasks.join_next().await {
        assert!(r.is_ok(), "{r:?}");
        done += 1;
    }
    assert_eq!(done, n);
    eprintln!(
        "spawned {n} devices in {spawned:?}; polled all in {:?}",
        t0.elapsed()
    );
    f.shutdown().await;
}

/// Collect the channel's output up to (and including) the next `needle` at the end,
/// answering every pager with a space; returns the bytes as received.
async fn read_paged(ch: &mut Channel<client::Msg>, pager: &[u8], needle: &[u8]) -> Vec<u8> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut buf = Vec::new();
    while !buf.ends_with(needle) {
        if buf.ends_with(pager) {
            assert!(ch.data(&b" "[..]).await.is_ok());
        }
        match tokio::time::timeout_at(deadline, ch.wait()).await {
            Ok(Some(ChannelMsg::Data { data })) => buf.extend_from_slice(&data),
            Ok(Some(_)) => {}
            Ok(None) => panic!("closed; got {:?}", String::from_utf8_lossy(&buf)),
            Err(_) => panic!("timed out; got {:?}", String::from_utf8_lossy(&buf)),
        }
    }
    buf
}

#[tokio::test]
async fn pager_over_the_wire_ios_and_asa() {
    let f = fleet(vec![
        spec("r", Platform::CiscoIos, Scenario::Healthy),
        spec("a", Platform::CiscoAsa, Scenario::Healthy),
    ])
    .await;
    for (d, pager, erase) in [
        (
            &f.devices[0],
            b" --More-- ".as_slice(),
            crate::sim::device::pager_erase(Platform::CiscoIos),
        ),
        (
            &f.devices[1],
            b"<--- More --->".as_slice(),
            crate::sim::device::pager_erase(Platform::CiscoAsa),
        ),
    ] {
        let prompt = crate::sim::device::prompt(d.spec.platform, &d.spec.hostname, true);
        let (_h, mut ch) = shell(d.addr).await;
        let mut buf = Vec::new();
        read_until(&mut ch, &mut buf, prompt.as_bytes()).await;
        assert!(ch.data(&b"show simtest-lines 100\n"[..]).await.is_ok());
        let raw = read_paged(&mut ch, pager, prompt.as_bytes()).await;
        let text = String::from_utf8_lossy(&raw).into_owned();
        // 100 lines at 23 per page: 4 pagers, each erased after the answer.
        assert_eq!(
            text.matches(std::str::from_utf8(pager).unwrap_or("?"))
                .count(),
            4
        );
        let erase = String::from_utf8_lossy(&erase).into_owned();
        assert_eq!(text.matches(erase.as_str()).count(), 4);
        let clean = text
            .replace(erase.as_str(), "")
            .replace(std::str::from_utf8(pager).unwrap_or("?"), "");
        let expect: String = (1..=100).map(|i| format!("line {i}\r\n")).collect();
        assert_eq!(clean, format!("show simtest-lines 100\r\n{expect}{prompt}"));
    }
    f.shutdown().await;
}

#[tokio::test]
async fn large_output_goes_through_flow_control() {
    // ~3.4 MB with paging off: more than the 2 MiB initial window, read slowly at first.
    let f = fleet(vec![spec("big", Platform::CiscoWaas, Scenario::Healthy)]).await;
    let (_h, mut ch) = shell(f.devices[0].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"big#").await;
    buf.clear();
    assert!(ch.data(&b"terminal length 0\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"\r\nbig#").await;
    buf.clear();
    assert!(ch.data(&b"show simtest-lines 300000\n"[..]).await.is_ok());
    tokio::time::sleep(Duration::from_millis(200)).await;
    read_until(&mut ch, &mut buf, b"line 300000\r\nbig#").await;
    let expected_len = "show simtest-lines 300000\r\n".len()
        + (1..=300000)
            .map(|i| format!("line {i}\r\n").len())
            .sum::<usize>()
        + "big#".len();
    assert_eq!(buf.len(), expected_len);
    f.shutdown().await;
}

#[tokio::test]
async fn stalled_device_keeps_the_connection_open() {
    let f = fleet(vec![spec(
        "st",
        Platform::CiscoIos,
        Scenario::StallMidOutput,
    )])
    .await;
    let (h, mut ch) = shell(f.devices[0].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"st#").await;
    buf.clear();
    assert!(ch
        .data(&b"terminal length 0\nshow simtest\n"[..])
        .await
        .is_ok());
    // `show simtest` is unknown: not a stall, an error.
    read_until(&mut ch, &mut buf, b"marker.\r\n\r\nst#").await;
    buf.clear();
    // The first show command prints half its output (50 of 100 lines) and stalls.
    assert!(ch.data(&b"show simtest-lines 100\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"line 50\r\n").await;
    let more = tokio::time::timeout(Duration::from_millis(300), ch.wait()).await;
    assert!(more.is_err(), "stalled device printed more: {more:?}");
    assert!(!String::from_utf8_lossy(&buf).contains("line 51"));
    // Keystrokes are ignored, and the connection stays open.
    assert!(ch.data(&b"\n"[..]).await.is_ok());
    let more = tokio::time::timeout(Duration::from_millis(200), ch.wait()).await;
    assert!(more.is_err(), "stalled device answered: {more:?}");
    assert!(!h.is_closed());
    f.shutdown().await;
}

#[tokio::test]
async fn blackhole_accepts_and_never_speaks() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = fleet(vec![spec("bh", Platform::CiscoIos, Scenario::Blackhole)]).await;
    let mut tcp = match TcpStream::connect(f.devices[0].addr).await {
        Ok(t) => t,
        Err(e) => panic!("connect: {e}"),
    };
    assert!(tcp.write_all(b"SSH-2.0-test\r\n").await.is_ok());
    let mut buf = [0u8; 64];
    let r = tokio::time::timeout(Duration::from_millis(300), tcp.read(&mut buf)).await;
    assert!(r.is_err(), "blackhole answered: {r:?}");
    // Still open: more writes are swallowed.
    assert!(tcp.write_all(&[0u8; 1024]).await.is_ok());
    f.shutdown().await;
    // Shutdown lets it go.
    let r = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await;
    assert!(matches!(r, Ok(Ok(0)) | Ok(Err(_))), "{r:?}");
}

#[tokio::test]
async fn banner_then_silence_sends_the_identification_line_only() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = fleet(vec![spec(
        "bs",
        Platform::CiscoWaas,
        Scenario::BannerThenSilence,
    )])
    .await;
    let mut tcp = match TcpStream::connect(f.devices[0].addr).await {
        Ok(t) => t,
        Err(e) => panic!("connect: {e}"),
    };
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while !got.ends_with(b"\r\n") {
        match tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            r => panic!("no identification line: {r:?}"),
        }
    }
    assert_eq!(got, b"SSH-2.0-OpenSSH_7.4\r\n");
    // Our identification and a (bogus) KEXINIT-sized packet get no answer.
    assert!(tcp.write_all(b"SSH-2.0-test\r\n").await.is_ok());
    assert!(tcp.write_all(&[0u8; 512]).await.is_ok());
    let r = tokio::time::timeout(Duration::from_millis(300), tcp.read(&mut buf)).await;
    assert!(r.is_err(), "device said more: {r:?}");
    f.shutdown().await;
}

#[tokio::test]
async fn kbd_interactive_only_refuses_password_and_names_the_method() {
    let f = fleet(vec![spec(
        "kbd",
        Platform::CiscoIos,
        Scenario::KbdInteractiveOnly,
    )])
    .await;
    let mut h = connect(f.devices[0].addr).await;
    let r = h.authenticate_password(SIM_USERNAME, SIM_PASSWORD).await;
    match r {
        Ok(client::AuthResult::Failure {
            remaining_methods, ..
        }) => {
            assert!(remaining_methods.contains(&MethodKind::KeyboardInteractive));
            assert!(!remaining_methods.contains(&MethodKind::Password));
        }
        other => panic!("password accepted or errored: {other:?}"),
    }
    let r = h
        .authenticate_keyboard_interactive_start(SIM_USERNAME, None)
        .await;
    assert!(
        matches!(r, Ok(client::KeyboardInteractiveAuthResponse::InfoRequest { ref prompts, .. })
            if prompts.len() == 1 && prompts[0].prompt == "Password: " && !prompts[0].echo),
        "{r:?}"
    );
    let r = h
        .authenticate_keyboard_interactive_respond(vec![SIM_PASSWORD.into()])
        .await;
    assert!(
        matches!(r, Ok(client::KeyboardInteractiveAuthResponse::Success)),
        "{r:?}"
    );
    f.shutdown().await;
}

#[tokio::test]
async fn disconnect_mid_output_drops_the_connection() {
    let f = fleet(vec![spec(
        "cut",
        Platform::CiscoIos,
        Scenario::DisconnectMidOutput,
    )])
    .await;
    let (h, mut ch) = shell(f.devices[0].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"cut#").await;
    assert!(ch.data(&b"terminal length 0\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"\r\ncut#").await;
    for _ in 0..crate::sim::device::SHOWS_BEFORE_DISCONNECT {
        buf.clear();
        assert!(ch.data(&b"show simtest-lines 100\n"[..]).await.is_ok());
        read_until(&mut ch, &mut buf, b"line 100\r\ncut#").await;
    }
    buf.clear();
    assert!(ch.data(&b"show simtest-lines 100\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"line 50\r\n").await;
    // Then the stream ends: no more data, no exit status, no prompt.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, ch.wait()).await {
            Ok(None) => break,
            Ok(Some(ChannelMsg::Data { data })) => buf.extend_from_slice(&data),
            Ok(Some(ChannelMsg::ExitStatus { .. })) => panic!("exit status sent"),
            Ok(Some(_)) => {}
            Err(_) => panic!("connection not dropped"),
        }
    }
    assert!(!String::from_utf8_lossy(&buf).contains("line 51"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !h.is_closed() {
        assert!(tokio::time::Instant::now() < deadline, "session still up");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    f.shutdown().await;
}

#[tokio::test]
async fn huge_output_over_the_wire_is_complete() {
    let mut s = spec("hub", Platform::CiscoAsa, Scenario::HugeOutput);
    s.huge_output_bytes = 3_000_000;
    let f = fleet(vec![s]).await;
    let (_h, mut ch) = shell(f.devices[0].addr).await;
    let mut buf = Vec::new();
    read_until(&mut ch, &mut buf, b"hub# ").await;
    buf.clear();
    assert!(ch.data(&b"terminal pager 0\n"[..]).await.is_ok());
    read_until(&mut ch, &mut buf, b"\r\nhub# ").await;
    buf.clear();
    assert!(ch.data(&b"show crypto ipsec sa\n"[..]).await.is_ok());
    // Slow at first: the device waits for the window instead of buffering.
    tokio::time::sleep(Duration::from_millis(200)).await;
    read_until(&mut ch, &mut buf, b"\r\nhub# ").await;
    assert!(
        buf.len() > 3_000_000 && buf.len() < 3_100_000,
        "{}",
        buf.len()
    );
    f.shutdown().await;
}
