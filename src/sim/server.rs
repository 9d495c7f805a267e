//! The russh server adapter of a simulated device: accepts TCP connections on an already
//! bound listener, runs one SSH session per connection, authenticates (password and
//! keyboard-interactive), and plays the [`Device`] model on the shell channel, executing its
//! [`Action`]s in order with tokio timers and russh flow control.
//!
//! Transport and authentication faults are played here: `Blackhole` accepts the TCP
//! connection and never runs SSH on it (no identification line); `BannerThenSilence` sends
//! the identification line and then nothing; both read and discard what the client sends
//! until it hangs up. `KbdInteractiveOnly` offers only keyboard-interactive and turns a
//! password request down as an unsupported method. `WrongCredentials` rejects everything.
//! [`Action::Drop`] (`DisconnectMidOutput`) shuts the TCP connection down under the SSH
//! session, so the client sees the stream end without an SSH disconnect message.
//!
//! Cost per device: one accept task; per connection, one session task (russh) and one
//! channel task. Output goes through `ChannelWriteHalf::data_bytes`, which waits for the
//! client's window, so a slow reader holds back the device instead of growing a buffer.

use super::device::{Action, Device};
use super::scenario::Scenario;
use super::spec::DeviceSpec;
use super::ssh_profile::{self, HostKeyKind};
use crate::Platform;
use russh::keys::{PrivateKey, PublicKey};
use russh::server::{Auth, ChannelOpenHandle, Msg, Response, Session};
use russh::{Channel, ChannelId, ChannelMsg, ChannelReadHalf, MethodKind, MethodSet};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Rejected authentication attempts are answered after this long (russh's default is 1 s;
/// tests of wrong credentials must be fast).
pub const AUTH_REJECTION_TIME: Duration = Duration::from_millis(20);
/// Typeahead received while the device is still busy is kept up to this many bytes.
const MAX_TYPEAHEAD: usize = 64 * 1024;

/// The Ed25519 host key of every `modern` simulated device in this process.
pub fn host_key() -> &'static PrivateKey {
    ssh_profile::host_key(HostKeyKind::Ed25519)
}

/// The public half of [`host_key`], for clients to pin.
pub fn host_public_key() -> PublicKey {
    host_key().public_key().clone()
}

/// The SSH identification line of a platform.
fn server_id(platform: Platform) -> &'static str {
    match platform {
        Platform::CiscoWaas => "SSH-2.0-OpenSSH_7.4",
        _ => "SSH-2.0-Cisco-1.25",
    }
}

/// The server configuration of one device; `server_id` looks like the platform's.
fn config(spec: &DeviceSpec) -> russh::server::Config {
    let id = server_id(spec.platform);
    let mut methods = MethodSet::empty();
    if spec.scenario != Scenario::KbdInteractiveOnly {
        methods.push(MethodKind::Password);
    }
    methods.push(MethodKind::KeyboardInteractive);
    russh::server::Config {
        server_id: russh::SshId::Standard(Cow::Borrowed(id)),
        methods,
        auth_rejection_time: AUTH_REJECTION_TIME,
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![ssh_profile::host_key(spec.ssh_profile.spec().host_key).clone()],
        inactivity_timeout: Some(Duration::from_secs(600)),
        nodelay: true,
        preferred: ssh_profile::preferred(spec.ssh_profile),
        ..Default::default()
    }
}

/// Serve one device on `listener` until `shutdown` is cancelled; then open sessions are
/// disconnected too. Never panics on I/O errors: a failed accept is logged and retried.
///
/// A `RefuseConnection` spec closes the listener and returns at once, so connects are refused
/// (`spawn_fleet` instead keeps such a port bound without listening, so nobody reuses it).
pub async fn serve(listener: TcpListener, spec: Arc<DeviceSpec>, shutdown: CancellationToken) {
    if spec.scenario == Scenario::RefuseConnection {
        drop(listener);
        return;
    }
    let config = Arc::new(config(&spec));
    loop {
        tokio::select! {
            biased;
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => match spec.scenario {
                    Scenario::Blackhole => {
                        tokio::spawn(hold(stream, None, shutdown.clone()));
                    }
                    Scenario::BannerThenSilence => {
                        tokio::spawn(hold(
                            stream,
                            Some(server_id(spec.platform)),
                            shutdown.clone(),
                        ));
                    }
                    _ => {
                        tokio::spawn(connection(
                            stream,
                            config.clone(),
                            spec.clone(),
                            shutdown.clone(),
                        ));
                    }
                },
                Err(e) => {
                    // e.g. EMFILE: back off instead of spinning.
                    tracing::warn!(device = %spec.name, error = %e, "sim accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
}

/// `Blackhole` (`id` = None) and `BannerThenSilence`: hold an accepted connection without
/// running SSH: optionally send the identification line, then read and discard whatever
/// arrives, answering nothing, until the client hangs up or the fleet shuts down.
async fn hold(mut stream: TcpStream, id: Option<&'static str>, shutdown: CancellationToken) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if let Some(id) = id {
        let line = format!("{id}\r\n");
        let wrote = tokio::select! {
            _ = shutdown.cancelled() => return,
            r = stream.write_all(line.as_bytes()) => r,
        };
        if wrote.is_err() {
            return;
        }
    }
    let mut buf = vec![0u8; 4096];
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            r = stream.read(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
        }
    }
}

/// A second handle on the connection's socket, to shut it down under the SSH session.
fn split_killer(stream: TcpStream) -> std::io::Result<(TcpStream, std::net::TcpStream)> {
    let std = stream.into_std()?;
    let killer = std.try_clone()?;
    Ok((TcpStream::from_std(std)?, killer))
}

async fn connection(
    stream: TcpStream,
    config: Arc<russh::server::Config>,
    spec: Arc<DeviceSpec>,
    shutdown: CancellationToken,
) {
    let _ = stream.set_nodelay(true);
    let (stream, killer) = match split_killer(stream) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(device = %spec.name, error = %e, "sim connection setup failed");
            return;
        }
    };
    let kill = CancellationToken::new();
    let handler = SimHandler {
        spec: spec.clone(),
        shutdown: shutdown.clone(),
        kill: kill.clone(),
    };
    let session = match russh::server::run_stream(
        config,
        tokio::io::BufReader::with_capacity(4096, stream),
        handler,
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!(device = %spec.name, error = %e, "sim ssh handshake failed");
            return;
        }
    };
    let handle = session.handle();
    tokio::pin!(session);
    tokio::select! {
        r = &mut session => {
            if let Err(e) = r {
                tracing::debug!(device = %spec.name, error = %e, "sim session ended");
            }
        }
        _ = kill.cancelled() => {
            // No SSH goodbye: the socket goes away under the session, which then ends on EOF.
            let _ = killer.shutdown(std::net::Shutdown::Both);
            let _ = tokio::time::timeout(Duration::from_secs(5), &mut session).await;
        }
        _ = shutdown.cancelled() => {
            let _ = handle
                .disconnect(
                    russh::Disconnect::ByApplication,
                    "simulator shutting down".into(),
                    "en".into(),
                )
                .await;
        }
    }
}

struct SimHandler {
    spec: Arc<DeviceSpec>,
    shutdown: CancellationToken,
    /// Cancelled to drop the connection without an SSH goodbye ([`Action::Drop`]).
    kill: CancellationToken,
}

impl SimHandler {
    fn check(&self, user: &str, password: &[u8]) -> Auth {
        if self.spec.scenario != Scenario::WrongCredentials
            && user == self.spec.username
            && password == self.spec.password.as_bytes()
        {
            Auth::Accept
        } else {
            Auth::reject()
        }
    }
}

impl russh::server::Handler for SimHandler {
    type Error = russh::Error;

    async fn lookup_dh_gex_group(
        &mut self,
        p: &russh::client::GexParams,
    ) -> Result<Option<russh::kex::dh::groups::DhGroup>, Self::Error> {
        Ok(ssh_profile::gex_group(
            p.min_group_size(),
            p.preferred_group_size(),
            p.max_group_size(),
        ))
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        if self.spec.scenario == Scenario::KbdInteractiveOnly {
            // Not an offered method: refused unchecked; the failure lists keyboard-interactive.
            return Ok(Auth::UnsupportedMethod);
        }
        Ok(self.check(user, password.as_bytes()))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        match response {
            None => Ok(Auth::Partial {
                name: Cow::Borrowed(""),
                instructions: Cow::Borrowed(""),
                prompts: Cow::Owned(vec![(Cow::Borrowed("Password: "), false)]),
            }),
            Some(mut answers) => {
                let first = answers.next().unwrap_or_default();
                Ok(self.check(user, &first))
            }
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        reply.accept().await;
        tokio::spawn(run_channel(
            channel,
            session.handle(),
            self.spec.clone(),
            self.shutdown.clone(),
            self.kill.clone(),
        ));
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _col_width: u32,
        _row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _variable_name: &str,
        _variable_value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The simulated devices only offer an interactive shell.
        session.channel_failure(channel)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }
}

/// Input side of a channel while the device is busy: typeahead and whether input ended.
struct Input {
    rx: ChannelReadHalf,
    typeahead: Vec<u8>,
    closed: bool,
}

impl Input {
    fn take(&mut self, msg: Option<ChannelMsg>) {
        match msg {
            Some(ChannelMsg::Data { data }) => {
                let room = MAX_TYPEAHEAD.saturating_sub(self.typeahead.len());
                let n = data.len().min(room);
                self.typeahead
                    .extend_from_slice(data.get(..n).unwrap_or_default());
            }
            Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => self.closed = true,
            Some(_) => {}
        }
    }
}

/// One shell channel: wait for the shell request, then play the device. When the device
/// closes (`exit`), the whole SSH connection is dropped, as a router does.
async fn run_channel(
    channel: Channel<Msg>,
    session: russh::server::Handle,
    spec: Arc<DeviceSpec>,
    shutdown: CancellationToken,
    kill: CancellationToken,
) {
    let (rx, tx) = channel.split();
    let mut input = Input {
        rx,
        typeahead: Vec::new(),
        closed: false,
    };
    // Until the shell starts, keystrokes are ignored (a real device is not listening yet).
    loop {
        let msg = tokio::select! {
            _ = shutdown.cancelled() => return,
            m = input.rx.wait() => m,
        };
        match msg {
            Some(ChannelMsg::RequestShell { .. }) => break,
            Some(ChannelMsg::Eof) | Some(ChannelMsg::Close) | None => return,
            Some(_) => {}
        }
    }
    let mut device = Device::new(&spec);
    let mut queue: std::collections::VecDeque<Action> = device.start().into();
    loop {
        if let Some(action) = queue.pop_front() {
            match action {
                Action::Send(bytes) => {
                    let send = tx.data_bytes(bytes);
                    tokio::pin!(send);
                    loop {
                        tokio::select! {
                            biased;
                            _ = shutdown.cancelled() => return,
                            r = &mut send => {
                                if r.is_err() {
                                    return;
                                }
                                break;
                            }
                            m = input.rx.wait(), if !input.closed => input.take(m),
                        }
                    }
                }
                Action::Delay(d) => {
                    let sleep = tokio::time::sleep(d);
                    tokio::pin!(sleep);
                    loop {
                        tokio::select! {
                            biased;
                            _ = shutdown.cancelled() => return,
                            _ = &mut sleep => break,
                            m = input.rx.wait(), if !input.closed => input.take(m),
                        }
                    }
                }
                Action::Close => {
                    let _ = tx.eof().await;
                    let _ = tx.exit_status(0).await;
                    let _ = tx.close().await;
                    let _ = session
                        .disconnect(
                            russh::Disconnect::ByApplication,
                            "logged out".into(),
                            "en".into(),
                        )
                        .await;
                    return;
                }
                // The next chunk of a long output, generated only now that the previous one
                // is on its way (the SSH window paces the device).
                Action::Continue => queue.extend(device.resume()),
                Action::Drop => {
                    kill.cancel();
                    return;
                }
            }
        } else if !input.typeahead.is_empty() {
            let bytes = std::mem::take(&mut input.typeahead);
            queue.extend(device.input(&bytes));
        } else if input.closed {
            // The client sent EOF or closed: a device hangs up too.
            let _ = tx.close().await;
            return;
        } else {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                m = input.rx.wait() => input.take(m),
            }
        }
    }
}

#[cfg(test)]
mod tests;
