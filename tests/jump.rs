//! Jump hosts: devices reached through one and two bastions over direct-tcpip channels, one
//! shared connection per bastion, the per-bastion channel limit, and failures on the way.

mod common;

use common::sim::fleet;
use fleetpoll::runner::{PollStatus, RunOptions};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::{DeviceSpec, RunningFleet, Scenario};
use fleetpoll::Platform;
use russh::server::{Auth, Msg, Session};
use russh::{Channel, ChannelOpenFailure};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    open_channels: AtomicUsize,
    max_channels: AtomicUsize,
}

#[derive(Clone)]
struct Bastion {
    counters: Arc<Counters>,
    /// Channels of this connection still open, as the client's messages say (EOF/CLOSE
    /// arrive in wire order, before the next channel's OPEN).
    open: Arc<std::sync::Mutex<std::collections::HashSet<russh::ChannelId>>>,
}

impl Bastion {
    fn closed(&self, id: russh::ChannelId) {
        if self.open.lock().unwrap().remove(&id) {
            self.counters.open_channels.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl russh::server::Handler for Bastion {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        Ok(if user == "jump" && password == "jump-pw" {
            Auth::Accept
        } else {
            Auth::reject()
        })
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        channel: Channel<Msg>,
        host: &str,
        port: u32,
        _originator: &str,
        _originator_port: u32,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Ok(mut tcp) = TcpStream::connect((host, port as u16)).await else {
            reply.reject(ChannelOpenFailure::ConnectFailed).await;
            return Ok(());
        };
        reply.accept().await;
        let c = &self.counters;
        self.open.lock().unwrap().insert(channel.id());
        let now = c.open_channels.fetch_add(1, Ordering::SeqCst) + 1;
        c.max_channels.fetch_max(now, Ordering::SeqCst);
        tokio::spawn(async move {
            let mut stream = channel.into_stream();
            let _ = tokio::io::copy_bidirectional(&mut stream, &mut tcp).await;
        });
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        id: russh::ChannelId,
        _s: &mut Session,
    ) -> Result<(), Self::Error> {
        self.closed(id);
        Ok(())
    }

    async fn channel_close(
        &mut self,
        id: russh::ChannelId,
        _s: &mut Session,
    ) -> Result<(), Self::Error> {
        self.closed(id);
        Ok(())
    }
}

/// A bastion on loopback; returns its port and counters.
async fn bastion() -> (u16, Arc<Counters>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let counters = Arc::new(Counters::default());
    let config = Arc::new(russh::server::Config {
        keys: vec![fleetpoll::sim::host_key().clone()],
        auth_rejection_time: Duration::from_millis(10),
        auth_rejection_time_initial: Some(Duration::ZERO),
        ..Default::default()
    });
    let c = counters.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            c.connections.fetch_add(1, Ordering::SeqCst);
            let handler = Bastion {
                counters: c.clone(),
                open: Arc::default(),
            };
            let config = config.clone();
            // run_stream must run in its own task beside the clients.
            tokio::spawn(async move {
                if let Ok(s) = russh::server::run_stream(config, sock, handler).await {
                    let _ = s.await;
                }
            });
        }
    });
    (port, counters)
}

fn jump_entry(name: &str, port: u16, max_channels: u32) -> String {
    format!(
        "  {name}:\n    host: 127.0.0.1\n    port: {port}\n    username: jump\n    password: {{file: jump.password}}\n    ssh: {{host_key_policy: insecure-accept-any, max_channels: {max_channels}}}\n"
    )
}

/// The fleet's inventory with every device behind `hops`.
fn inventory(
    fleet: &RunningFleet,
    dir: &Path,
    hops: &[&str],
    jump_hosts: &str,
) -> fleetpoll::inventory::Inventory {
    let path = common::sim::inventory(
        fleet,
        &dir.join("inv.yaml"),
        "{connect: 5s, auth: 10s, prompt: 10s, command: 10s, device: 60s}",
    );
    common::write(dir, "jump.password", "jump-pw");
    common::edit(&path, |text| {
        text.replace(
            "    host_key_policy: pinned\n",
            &format!(
                "    host_key_policy: pinned\n    jump: [{}]\n",
                hops.join(", ")
            ),
        ) + "jump_hosts:\n"
            + jump_hosts
    });
    common::load(&path)
}

fn plan(inv: fleetpoll::inventory::Inventory) -> fleetpoll::plan::Plan {
    common::health_plan_of(inv)
}

fn devices(n: usize, prefix: &str) -> Vec<DeviceSpec> {
    (0..n)
        .map(|i| {
            let mut d = common::sim::spec(
                &format!("{prefix}-{i}"),
                Platform::CiscoIos,
                Scenario::Healthy,
            );
            d.latency = Duration::from_millis(20);
            d
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_share_one_bastion_connection_within_its_channel_limit() {
    let (port, counters) = bastion().await;
    let mut specs = devices(5, "behind");
    specs.push(DeviceSpec::new(
        "gone",
        Platform::CiscoIos,
        Scenario::RefuseConnection,
    ));
    let fleet = fleet(specs).await;
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(
        &fleet,
        dir.path(),
        &["bastion"],
        &jump_entry("bastion", port, 2),
    );
    assert_eq!(inv.hosts[0].jump.len(), 1);
    let r = common::run_concurrently(&plan(inv), 10).await;
    for d in &r[..5] {
        assert_eq!(
            d.poll_status,
            PollStatus::Polled,
            "{}: {:?}",
            d.device,
            d.error
        );
        assert!(
            d.command_errors().is_empty(),
            "{}: {:?}",
            d.device,
            d.command_errors()
        );
    }
    let gone = &r[5];
    assert_eq!(
        (gone.poll_status, gone.failed_stage, gone.error_class),
        (
            PollStatus::Failed,
            Some(Stage::Connect),
            Some(ErrorClass::Unreachable)
        )
    );
    assert!(
        gone.error
            .as_deref()
            .unwrap_or("")
            .contains("through jump host `bastion`"),
        "{:?}",
        gone.error
    );
    assert_eq!(
        counters.connections.load(Ordering::SeqCst),
        1,
        "one shared connection to the bastion"
    );
    let max = counters.max_channels.load(Ordering::SeqCst);
    assert!(max <= 2, "channel limit exceeded: {max}");
    assert_eq!(max, 2, "sessions do run side by side up to the limit");
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hops() {
    let (p1, c1) = bastion().await;
    let (p2, c2) = bastion().await;
    let fleet = fleet(devices(3, "deep")).await;
    let dir = tempfile::tempdir().unwrap();
    let jumps = jump_entry("outer", p1, 10) + &jump_entry("inner", p2, 10);
    let inv = inventory(&fleet, dir.path(), &["outer", "inner"], &jumps);
    let r = common::run(&plan(inv), &RunOptions::default()).await;
    assert!(
        r.iter().all(|d| d.poll_status == PollStatus::Polled),
        "{:?}",
        r.iter().map(|d| &d.error).collect::<Vec<_>>()
    );
    assert_eq!(c1.connections.load(Ordering::SeqCst), 1);
    assert_eq!(
        c2.connections.load(Ordering::SeqCst),
        1,
        "inner reached once, through outer"
    );
    assert_eq!(
        c1.max_channels.load(Ordering::SeqCst),
        1,
        "outer carries only the channel to inner"
    );
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bastion_failures_fail_the_devices_behind_it_with_its_name() {
    let (port, _) = bastion().await;
    let fleet = fleet(devices(2, "cut")).await;
    let dir = tempfile::tempdir().unwrap();
    // Wrong password on the bastion.
    let bad =
        jump_entry("badpw", port, 4).replace("{file: jump.password}", "{file: wrong.password}");
    common::write(dir.path(), "wrong.password", "nope");
    let inv = inventory(&fleet, dir.path(), &["badpw"], &bad);
    let r = common::run(&plan(inv), &RunOptions::default()).await;
    for d in &r {
        assert_eq!(d.error_class, Some(ErrorClass::AuthFailed), "{:?}", d.error);
        assert!(
            d.error
                .as_deref()
                .unwrap_or("")
                .contains("jump host `badpw`"),
            "{:?}",
            d.error
        );
    }
    // A bastion that is not there.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let inv = inventory(
        &fleet,
        dir.path(),
        &["dead"],
        &jump_entry("dead", dead_port, 4),
    );
    let r = common::run(&plan(inv), &RunOptions::default()).await;
    for d in &r {
        assert_eq!(
            (d.failed_stage, d.error_class),
            (Some(Stage::Connect), Some(ErrorClass::Unreachable)),
            "{:?}",
            d.error
        );
        assert!(
            d.error
                .as_deref()
                .unwrap_or("")
                .contains("jump host `dead`"),
            "{:?}",
            d.error
        );
    }
    fleet.shutdown().await;
}

#[test]
fn unknown_jump_host_is_a_plan_error() {
    let e = fleetpoll::inventory::parse(
        Path::new("inv.yaml"),
        "defaults: {username: u, password: p, platform: cisco_ios}\ndevices:\n  - name: a\n    host: h\n    ssh: {jump: [nowhere]}\n",
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("jump host `nowhere` is not defined"),
        "{e}"
    );
    assert_eq!(e.line, Some(5));
}
