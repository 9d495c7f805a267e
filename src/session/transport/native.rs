//! The built-in transport end to end: reach the device (TCP, or a channel through the jump
//! chain), run the SSH handshake and authentication (`ssh`), and open the pty and shell whose
//! byte stream the channel layer reads.

use super::jump;
use super::ssh::{self, ShellStream, SshConnection, PTY_COLUMNS};
use crate::inventory::Host;
use crate::session::budget::Budget;
use crate::session::error::{SessionError, Stage};

/// Connect (directly or through the jump chain), authenticate and open a shell. Stages:
/// `connect` (TCP or jump channel), `auth` (SSH handshake and authentication), `shell`
/// (channel, pty, shell), each bounded by `budget`.
pub async fn open(
    host: &Host,
    stage: &mut Stage,
    budget: Budget,
) -> Result<(SshConnection, ShellStream), SessionError> {
    *stage = Stage::Connect;
    let stream = if host.jump.is_empty() {
        ssh::tcp(host, budget).await?
    } else {
        jump::open_channel(host, budget).await?
    };
    *stage = Stage::Auth;
    let auth = ssh::handshake(host, budget, stream, || async {
        if host.jump.is_empty() {
            ssh::tcp(host, budget).await
        } else {
            jump::open_channel(host, budget).await
        }
    })
    .await?;
    let handle = auth.handle;

    *stage = Stage::Shell;
    let stream = budget
        .until(Stage::Shell)
        .run(Stage::Shell, async {
            let ch = handle
                .channel_open_session()
                .await
                .map_err(|e| SessionError::ssh("cannot open a session channel", e))?;
            ch.request_pty(false, "vt100", PTY_COLUMNS, 0, 0, 0, &[])
                .await
                .map_err(|e| SessionError::ssh("pty request failed", e))?;
            ch.request_shell(false)
                .await
                .map_err(|e| SessionError::ssh("shell request failed", e))?;
            Ok(ch.into_stream())
        })
        .await?;
    Ok((
        SshConnection {
            handle,
            algorithms: auth.algorithms,
        },
        stream,
    ))
}
