//! The per-device conversation: first prompt → enable → paging off → each command (or, with
//! `asa_contexts`, each command in each security context: [`super::contexts`]) → exit.
//! Never enters configuration mode. Progress is kept in a [`Progress`] owned by the caller so
//! that a device cut off by its deadline still reports its stage and the commands it finished.

use super::budget::{Budget, Deadline};
use super::channel::{Channel, Stop};
use super::contexts::{self, ContextProgress, ContextWalk};
use super::error::{SessionError, Stage};
use super::platform::{self, Mode, PlatformDef};
use super::transport::{native, system_ssh};
use crate::inventory::{Host, TransportKind};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

/// How one command went.
#[derive(Debug, Clone)]
pub struct CommandRun {
    pub command: String,
    pub result: Result<CommandOk, SessionError>,
    pub duration: Duration,
    /// On a timeout or a lost session: the lines that had arrived (echo removed), if any.
    pub partial: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CommandOk {
    pub text: String,
    pub truncated: bool,
}

/// What the session has done so far; survives the session future being dropped.
#[derive(Debug)]
pub struct Progress {
    pub stage: Stage,
    pub hostname: Option<String>,
    pub commands: Vec<CommandRun>,
    /// Negotiated SSH algorithms (`kex=… hostkey=… cipher=… mac=…`) once known.
    pub ssh_algorithms: Option<String>,
    /// With `asa_contexts`: the walk over the security contexts so far (the commands are then
    /// in its runs, one per context, and `commands` stays empty).
    pub contexts: Option<ContextProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            stage: Stage::Connect,
            hostname: None,
            commands: Vec::new(),
            ssh_algorithms: None,
            contexts: None,
        }
    }
}

/// How long re-synchronising with the prompt after a command timed out may take at most.
const RESYNC: Duration = Duration::from_secs(10);

/// One line to type at the privileged prompt and how long its output may take (`None`: the
/// device's `timeouts.command`). What the output means is not the session's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub command: String,
    pub timeout: Option<Duration>,
}

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
        let (conn, stream) = system_ssh::open(host, &mut progress.stage, budget).await?;
        progress.ssh_algorithms = conn.algorithms.clone();
        let r = converse(stream, host, def, commands, walk, budget, progress).await;
        conn.close().await;
        return r;
    }
    let (conn, stream) = native::open(host, &mut progress.stage, budget).await?;
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

/// Turn paging off (the platform's `paging_off`). A rejection is not fatal: without it, the
/// channel still answers pagers.
pub(super) async fn paging_off<S: AsyncRead + AsyncWrite + Unpin>(
    ch: &mut Channel<S>,
    host: &Host,
    def: &PlatformDef,
    budget: Budget,
    stage: Stage,
) -> Result<(), SessionError> {
    match ch
        .send_command(&def.paging_off, budget.until(Stage::Paging), stage)
        .await
    {
        Ok(_) => Ok(()),
        Err(SessionError::CommandRejected { indicator, .. }) => {
            tracing::warn!(device = %host.name, %indicator, "paging command rejected; answering pagers instead");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Type each command at the privileged prompt and record how it went in `out`, one entry as
/// each finishes (so a session cut off keeps what it finished). A rejected or timed-out
/// command is recorded and the next one follows, once the prompt is back after a timeout;
/// only what ends the session is an error.
pub(super) async fn run_commands<S: AsyncRead + AsyncWrite + Unpin>(
    ch: &mut Channel<S>,
    commands: &[CommandLine],
    budget: Budget,
    out: &mut Vec<CommandRun>,
) -> Result<(), SessionError> {
    for c in commands {
        let started = Instant::now();
        let deadline = match c.timeout {
            Some(own) => budget.within(own),
            None => budget.until(Stage::Command),
        };
        let result = ch.send_command(&c.command, deadline, Stage::Command).await;
        let duration = started.elapsed();
        match result {
            Ok(o) => out.push(CommandRun {
                command: c.command.clone(),
                result: Ok(CommandOk {
                    text: o.text,
                    truncated: o.truncated,
                }),
                duration,
                partial: None,
            }),
            Err(e @ SessionError::CommandRejected { .. }) => out.push(CommandRun {
                command: c.command.clone(),
                result: Err(e),
                duration,
                partial: None,
            }),
            Err(e) => {
                // What arrived before the cut is kept: the report marks it incomplete, and
                // it says which command the session ended on.
                let partial = Some(ch.take_partial(&c.command)).filter(|t| !t.trim().is_empty());
                out.push(CommandRun {
                    command: c.command.clone(),
                    result: Err(e.clone()),
                    duration,
                    partial,
                });
                if !matches!(e, SessionError::Timeout { .. }) {
                    return Err(e);
                }
                // The rest of that output may still arrive: send an Enter and carry on only
                // once the CLI is back in step, briefly.
                let resync = budget.within(budget.allowance(Stage::Prompt).min(RESYNC));
                if !resync_prompt(ch, resync).await? {
                    return Err(SessionError::Timeout {
                        stage: Stage::Command,
                        waited: duration,
                        tail: format!(
                            "`{}` did not finish and the prompt did not come back",
                            c.command
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}

/// After a timeout: send an Enter and read prompts until one follows nothing but that Enter's
/// blank line. The late command's own prompt (after its remaining output) comes first and
/// must not be taken for ours, or every later command would get its predecessor's output.
/// Only the device's deadline running out is an error of its own; any other failure is "not
/// back in step".
async fn resync_prompt<S: AsyncRead + AsyncWrite + Unpin>(
    ch: &mut Channel<S>,
    deadline: Deadline,
) -> Result<bool, SessionError> {
    if ch.write_line("", Stage::Command).await.is_err() {
        return Ok(false);
    }
    loop {
        match ch.read_until(false, deadline, Stage::Command).await {
            Ok(Stop::Prompt { .. }) => {
                if ch.take_text().trim().is_empty() {
                    return Ok(true);
                }
            }
            Err(e @ SessionError::DeviceDeadline { .. }) => return Err(e),
            _ => return Ok(false),
        }
    }
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
