//! The command loop of a session and what it records: each line typed at the privileged
//! prompt, its output or error (with what had arrived when a session was cut), and the
//! [`Progress`] the caller keeps (also of an `asa_contexts` walk), shared by the driver and
//! the context walk.

use super::budget::{Budget, Deadline};
use super::channel::{Channel, Stop};
use super::error::{SessionError, Stage};
use super::platform::PlatformDef;
use crate::inventory::{ContextName, Host};
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

/// The walk so far; kept in the caller's [`Progress`], so it survives the session being cut
/// off.
#[derive(Debug, Default)]
pub struct ContextProgress {
    /// The names `show context` listed, in its order, once read.
    pub listed: Option<Vec<String>>,
    /// One per context taken up, in order.
    pub runs: Vec<ContextRun>,
    /// The session went back to the system execution space after the last context.
    pub returned_to_system: bool,
}

/// One context's part of the session.
#[derive(Debug)]
pub struct ContextRun {
    pub name: ContextName,
    /// The prompt's host once there (`fw1/ctx-a`).
    pub hostname: Option<String>,
    /// `None` while under way (the session ended inside it); `Some(Err)` when the context
    /// could not be entered or its session failed there.
    pub result: Option<Result<(), ContextFailure>>,
    pub commands: Vec<CommandRun>,
    pub started: Instant,
    pub finished: Option<Instant>,
}

/// Why a context's part failed, and at which stage (`context`: entering it).
#[derive(Debug, Clone)]
pub struct ContextFailure {
    pub stage: Stage,
    pub error: SessionError,
}

impl ContextFailure {
    pub(super) fn at(stage: Stage, error: SessionError) -> Result<(), ContextFailure> {
        Err(ContextFailure { stage, error })
    }
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
