//! The per-device conversation: first prompt → enable → paging off → each command (or, with
//! `asa_contexts`, each command in each security context: [`super::contexts`]) → exit.
//! Never enters configuration mode. Progress is kept in a [`Progress`] owned by the caller so
//! that a device cut off by its deadline still reports its stage and the commands it finished.

use super::budget::Budget;
use super::channel::{Channel, Stop};
use super::contexts::{self, ContextWalk};
use super::error::{SessionError, Stage};
use super::platform::{self, Mode, PlatformDef};
use super::run::{paging_off, run_commands};
pub use super::run::{CommandLine, CommandOk, CommandRun, Progress};
use super::transport::{native, system_ssh};
use crate::inventory::{Host, TransportKind};
use tokio::io::{AsyncRead, AsyncWrite};

/// Poll one device over SSH: the native client, or the system's `ssh` (`transport: openssh`),
/// looking its platform definition up and starting its budget now. The runner polls what the
/// plan resolved through [`poll_with`]; this is the entry point for a bare [`Host`], and polls
/// the context it logs in to (walking `asa_contexts` needs the plan's [`ContextWalk`]).
pub async fn poll(
    host: &Host,
    commands: &[CommandLine],
    progress: &mut Progress,
) -> Result<(), SessionError> {
    let def =
        platform::definition(host.platform).map_err(|e| SessionError::Protocol(e.to_string()))?;
    poll_with(
        host,
        def,
        commands,
        None,
        Budget::start(host.timeouts),
        progress,
    )
    .await
}

/// Poll one device with its resolved platform definition, every wait bounded by `budget`;
/// with `walk`, in each of its security contexts.
pub async fn poll_with(
    host: &Host,
    def: &'static PlatformDef,
    commands: &[CommandLine],
    walk: Option<&ContextWalk>,
    budget: Budget,
    progress: &mut Progress,
) -> Result<(), SessionError> {
    if host.transport == TransportKind::Openssh {
        let (conn, stream) = Box::pin(system_ssh::open(host, &mut progress.stage, budget)).await?;
        progress.ssh_algorithms = conn.algorithms.clone();
        let r = converse(stream, host, def, commands, walk, budget, progress).await;
        conn.close().await;
        return r;
    }
    // Boxed: the handshake's future (russh's connect, key exchange, authentication) is the
    // largest part of a session's state; inline, every session would hold its room for the
    // whole conversation, boxed only while it logs in.
    let (conn, stream) = Box::pin(native::open(host, &mut progress.stage, budget)).await?;
    progress.ssh_algorithms = conn.algorithms.clone();
    let r = converse(stream, host, def, commands, walk, budget, progress).await;
    conn.close().await;
    r
}

/// The CLI conversation over any byte stream (also used by tests with in-memory streams).
pub async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    host: &Host,
    def: &'static PlatformDef,
    commands: &[CommandLine],
    walk: Option<&ContextWalk>,
    budget: Budget,
    progress: &mut Progress,
) -> Result<(), SessionError> {
    let mut ch = Channel::new(stream, def, host.max_output_bytes);
    let mut secrets = Vec::new();
    if let Some(p) = &host.password {
        secrets.push(p.expose().to_string());
    }
    if let Some(s) = &host.enable_secret {
        secrets.push(s.expose().to_string());
    }
    ch.set_secrets(secrets);

    progress.stage = Stage::Prompt;
    tracing::debug!(device = %host.name, "shell open; waiting for the first prompt");
    let mode = match ch
        .read_until(false, budget.until(Stage::Prompt), Stage::Prompt)
        .await?
    {
        Stop::Prompt { mode, host } => {
            progress.hostname = Some(host);
            mode
        }
        Stop::Password => {
            return Err(SessionError::Protocol(
                "unexpected password prompt after login".into(),
            ))
        }
    };
    if mode == Mode::Config {
        return Err(SessionError::Protocol(
            "session opened in configuration mode; refusing to continue".into(),
        ));
    }

    if mode == Mode::User {
        progress.stage = Stage::Enable;
        enable(&mut ch, host, def, budget).await?;
    }

    progress.stage = Stage::Paging;
    paging_off(&mut ch, host, def, budget, Stage::Paging).await?;

    match walk {
        Some(w) => contexts::walk(&mut ch, host, def, w, commands, budget, progress).await?,
        None => {
            progress.stage = Stage::Command;
            run_commands(&mut ch, commands, budget, &mut progress.commands).await?;
        }
    }

    progress.stage = Stage::Close;
    let _ = ch.write_line(&def.exit_command, Stage::Close).await;
    Ok(())
}

async fn enable<S: AsyncRead + AsyncWrite + Unpin>(
    ch: &mut Channel<S>,
    host: &Host,
    def: &PlatformDef,
    budget: Budget,
) -> Result<(), SessionError> {
    let deadline = budget.until(Stage::Enable);
    ch.write_line(&def.enable_command, Stage::Enable).await?;
    let mut asked = 0;
    loop {
        match ch.read_until(true, deadline, Stage::Enable).await? {
            Stop::Prompt {
                mode: Mode::Privileged,
                ..
            } => return Ok(()),
            Stop::Prompt {
                mode: Mode::Config, ..
            } => {
                return Err(SessionError::Protocol(
                    "`enable` led to configuration mode; refusing to continue".into(),
                ))
            }
            Stop::Prompt {
                mode: Mode::User, ..
            } => {
                let said = ch.take_text();
                let indicator = def
                    .enable_failure_indicators
                    .iter()
                    .find(|i| said.contains(i.as_str()))
                    .map(|i| format!(" (device: `{i}`)"))
                    .unwrap_or_default();
                return Err(SessionError::AuthRejected(if asked > 0 {
                    format!("enable secret rejected{indicator}")
                } else {
                    format!("`enable` did not reach privileged mode{indicator}")
                }));
            }
            Stop::Password => {
                let Some(secret) = &host.enable_secret else {
                    return Err(SessionError::AuthRejected(
                        "the device asks for an enable secret and none is configured (set enable_secret)".into(),
                    ));
                };
                if asked >= 1 {
                    // Asked again: the secret was wrong. Do not retry with the same secret.
                    return Err(SessionError::AuthRejected("enable secret rejected".into()));
                }
                asked += 1;
                ch.write_line(secret.expose(), Stage::Enable).await?;
            }
        }
    }
}
