//! Jump hosts: devices behind bastions are reached through direct-tcpip channels. One SSH
//! connection per bastion (per chain of hops) is shared by every device behind it, and each
//! bastion carries at most `max_channels` device sessions at once.

use super::ssh::{self, BoxStream, KeyCheck};
use crate::inventory::Host;
use crate::session::budget::{Budget, Deadline};
use crate::session::error::{SessionError, Stage};
use russh::client;
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

/// An authenticated connection to one hop.
pub struct Bastion {
    name: String,
    handle: client::Handle<KeyCheck>,
    slots: Arc<Semaphore>,
}

type Cell = Arc<OnceCell<Arc<Bastion>>>;

/// Process-wide: a sweep's devices share their bastions.
fn pool() -> &'static Mutex<HashMap<String, Cell>> {
    static POOL: OnceLock<Mutex<HashMap<String, Cell>>> = OnceLock::new();
    POOL.get_or_init(|| Mutex::new(HashMap::new()))
}

fn hop_error(name: &str, e: SessionError) -> SessionError {
    match e {
        SessionError::Connect(m) => SessionError::Connect(format!("jump host `{name}`: {m}")),
        SessionError::HostKeyRejected(m) => {
            SessionError::HostKeyRejected(format!("jump host `{name}`: {m}"))
        }
        SessionError::AuthRejected(m) => {
            SessionError::AuthRejected(format!("jump host `{name}`: {m}"))
        }
        SessionError::Protocol(m) => SessionError::Protocol(format!("jump host `{name}`: {m}")),
        SessionError::Timeout { waited, tail, .. } => SessionError::Timeout {
            stage: Stage::Connect,
            waited,
            tail: format!("jump host `{name}`: {tail}"),
        },
        e => e,
    }
}

/// A direct-tcpip channel from `via` to `host:port`, as a byte stream.
async fn forward(
    via: &Bastion,
    host: &str,
    port: u16,
    deadline: Deadline,
) -> Result<BoxStream, SessionError> {
    let ch = deadline
        .run(Stage::Connect, async {
            via.handle
                .channel_open_direct_tcpip(host, port as u32, "127.0.0.1", 0)
                .await
                .map_err(|e| {
                    SessionError::Connect(format!(
                        "{host}:{port} through jump host `{}`: {e}",
                        via.name
                    ))
                })
        })
        .await?;
    Ok(Box::new(ch.into_stream()))
}

/// Connect and log in to `hop` within its own timeouts, and the budget of the device whose
/// session is connecting it.
async fn connect_hop(
    hop: &Arc<Host>,
    via: Option<Arc<Bastion>>,
    budget: Budget,
) -> Result<Arc<Bastion>, SessionError> {
    let connect = || budget.within(hop.timeouts.connect);
    let stream = match &via {
        None => ssh::tcp(hop, budget).await?,
        Some(b) => forward(b, &hop.host, hop.port, connect()).await?,
    };
    let via2 = via.clone();
    let auth = ssh::handshake(hop, budget, stream, || async move {
        match &via2 {
            None => ssh::tcp(hop, budget).await,
            Some(b) => forward(b, &hop.host, hop.port, connect()).await,
        }
    })
    .await?;
    tracing::info!(jump_host = %hop.name, "connected to jump host");
    Ok(Arc::new(Bastion {
        name: hop.name.clone(),
        handle: auth.handle,
        slots: Arc::new(Semaphore::new(hop.max_channels)),
    }))
}

/// The connection to the last hop of `hops`, establishing (once) any that are missing.
async fn chain(hops: &[Arc<Host>], budget: Budget) -> Result<Arc<Bastion>, SessionError> {
    let mut prev: Option<Arc<Bastion>> = None;
    let mut key = String::new();
    for hop in hops {
        key.push_str(&format!("{}@{}:{}>", hop.username, hop.host, hop.port));
        let cell = {
            let mut p = pool()
                .lock()
                .map_err(|_| SessionError::Protocol("jump host pool poisoned".into()))?;
            let cell = p.entry(key.clone()).or_default();
            // A bastion that hung up is reconnected by the next device that needs it.
            if cell.get().is_some_and(|b| b.handle.is_closed()) {
                *cell = Arc::default();
            }
            cell.clone()
        };
        let via = prev.clone();
        let b = cell
            .get_or_try_init(|| connect_hop(hop, via, budget))
            .await
            .map_err(|e| hop_error(&hop.name, e))?
            .clone();
        prev = Some(b);
    }
    prev.ok_or_else(|| SessionError::Protocol("empty jump chain".into()))
}

/// A channel stream that frees its slot on the bastion when the SSH session running over it
/// drops the stream, not merely when the device session is closed.
struct Slotted {
    inner: BoxStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for Slotted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Slotted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A channel to the device through its jump chain; it occupies one of the last hop's slots
/// for as long as it exists.
pub async fn open_channel(host: &Host, budget: Budget) -> Result<BoxStream, SessionError> {
    let last = chain(&host.jump, budget).await?;
    let permit = budget
        .until(Stage::Connect)
        .run(Stage::Connect, async {
            last.slots
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| SessionError::Protocol("jump host closed".into()))
        })
        .await
        .map_err(|e| hop_error(&last.name, e))?;
    let stream = forward(&last, &host.host, host.port, budget.until(Stage::Connect)).await?;
    Ok(Box::new(Slotted {
        inner: stream,
        _slot: permit,
    }))
}
