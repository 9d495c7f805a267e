//! ASA multiple-context mode in the session. The only navigation lines fleetpoll ever types
//! are [`Navigation`]'s two, `changeto system` and `changeto context NAME`, built from typed
//! values (a [`ContextName`] validated when the plan was built, or one `show context` listed
//! that passes the same check), never from playbook text; the playbook guard refuses both
//! shapes, so a playbook cannot navigate. They are code, not platform data, for that reason.
//!
//! The walk, after login, enable and paging off (in the context logged in to, normally the
//! admin context): `changeto system`; `show context` in the system execution space (the only
//! place that lists every context), read by the plan's lister; then for each selected context
//! `changeto context NAME`, a check that the prompt now reads `SYSTEM/NAME#`, paging off again,
//! and the playbook's commands; finally `changeto system` again.
//!
//! Paging: the ASA command reference says a session's `terminal pager` setting follows it
//! when it changes to other contexts, whatever each context's own `pager` configuration; the
//! paging command is nonetheless re-sent after each `changeto context` (one round trip, an
//! exec command that changes no configuration), so an image that resets it costs nothing but
//! that round trip instead of a pager answer every 24 lines. The simulator follows the
//! command reference.

use super::budget::Budget;
use super::channel::Channel;
use super::error::{SessionError, Stage};
use super::platform::PlatformDef;
use super::run::{self, CommandLine, Progress};
pub use super::run::{ContextFailure, ContextProgress, ContextRun};
use crate::inventory::{ContextName, ContextSelection, Host};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

/// The command that lists the contexts (in the system execution space).
pub const LIST_COMMAND: &str = "show context";

/// One of the two lines that move a session between the system execution space and contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigation<'a> {
    System,
    Context(&'a ContextName),
}

impl Navigation<'_> {
    /// The line to type.
    pub fn line(&self) -> String {
        match self {
            Navigation::System => "changeto system".to_string(),
            Navigation::Context(name) => format!("changeto context {name}"),
        }
    }
}

/// Reads the context names out of `show context` output (the plan hands the session the
/// parser's [`crate::parse::asa_context::context_names`]: the session knows no parser).
pub type ListContexts = fn(&str) -> Result<Vec<String>, String>;

/// What the session needs to walk a device's contexts.
#[derive(Debug, Clone)]
pub struct ContextWalk {
    pub selection: ContextSelection,
    pub list: ListContexts,
}

/// Send one navigation line; a device error (`ERROR: …`) is `CommandRejected`.
async fn navigate<S: AsyncRead + AsyncWrite + Unpin>(
    ch: &mut Channel<S>,
    to: Navigation<'_>,
    budget: Budget,
) -> Result<(), SessionError> {
    ch.send_command(&to.line(), budget.until(Stage::Context), Stage::Context)
        .await
        .map(|_| ())
}

/// Walk the device's contexts (see the module docs). `Err` is what ends the session; a
/// context that cannot be entered is its run's error and the walk goes on.
pub(super) async fn walk<S: AsyncRead + AsyncWrite + Unpin>(
    ch: &mut Channel<S>,
    host: &Host,
    def: &PlatformDef,
    walk: &ContextWalk,
    commands: &[CommandLine],
    budget: Budget,
    progress: &mut Progress,
) -> Result<(), SessionError> {
    progress.stage = Stage::Context;
    let cp = progress.contexts.insert(ContextProgress::default());
    let Some(sep) = def.context_separator.as_deref() else {
        return Err(SessionError::Protocol(format!(
            "{} has no security contexts",
            def.id
        )));
    };
    match navigate(ch, Navigation::System, budget).await {
        Ok(()) => {}
        Err(SessionError::CommandRejected { indicator, .. }) => {
            return Err(SessionError::Protocol(format!(
                "asa_contexts is set, but the device refused `changeto system` (`{indicator}`): the ASA is not in multiple-context mode (`show mode`), or this login may not leave its context (log in to the admin context as a system administrator)"
            )))
        }
        Err(e) => return Err(e),
    }
    let system = ch.hostname().unwrap_or_default().to_string();
    if system.contains(sep) {
        return Err(SessionError::Protocol(format!(
            "after `changeto system` the prompt still shows a context (`{system}`)"
        )));
    }
    let out = ch
        .send_command(LIST_COMMAND, budget.until(Stage::Context), Stage::Context)
        .await?;
    let listed = (walk.list)(&out.text)
        .map_err(|e| SessionError::Protocol(format!("cannot read `{LIST_COMMAND}`: {e}")))?;
    // Only names that pass the plan's check are ever typed; a listed name that does not is
    // reported as its row's error by the runner.
    let targets: Vec<ContextName> = match &walk.selection {
        ContextSelection::All => listed
            .iter()
            .filter_map(|n| ContextName::new(n).ok())
            .collect(),
        ContextSelection::Named(names) => names
            .iter()
            .filter(|n| listed.iter().any(|l| l == n.as_str()))
            .cloned()
            .collect(),
    };
    tracing::debug!(device = %host.name, listed = ?listed, "security contexts listed");
    cp.listed = Some(listed);
    for name in targets {
        progress.stage = Stage::Context;
        cp.runs.push(ContextRun {
            name: name.clone(),
            hostname: None,
            result: None,
            commands: Vec::new(),
            started: Instant::now(),
            finished: None,
        });
        let Some(run) = cp.runs.last_mut() else {
            break;
        };
        match navigate(ch, Navigation::Context(&name), budget).await {
            Ok(()) => {}
            Err(e @ SessionError::CommandRejected { .. }) => {
                // The prompt came back unchanged: still where we were, the walk goes on.
                run.result = Some(ContextFailure::at(Stage::Context, e));
                run.finished = Some(Instant::now());
                continue;
            }
            Err(e) => return Err(e),
        }
        let want = format!("{system}{sep}{name}");
        let shown = ch.hostname().unwrap_or_default().to_string();
        if shown != want {
            // Commands run now would be filed under the wrong context.
            let e = SessionError::Protocol(format!(
                "after `changeto context {name}` the prompt shows `{shown}`, not `{want}`"
            ));
            run.result = Some(ContextFailure::at(Stage::Context, e.clone()));
            return Err(e);
        }
        run.hostname = Some(shown);
        run::paging_off(ch, host, def, budget, Stage::Context).await?;
        progress.stage = Stage::Command;
        let r = run::run_commands(ch, commands, budget, &mut run.commands).await;
        run.finished = Some(Instant::now());
        if let Err(e) = r {
            let stage = match &e {
                SessionError::Timeout { stage, .. } | SessionError::Closed { stage, .. } => *stage,
                _ => Stage::Command,
            };
            run.result = Some(ContextFailure::at(stage, e.clone()));
            return Err(e);
        }
        run.result = Some(Ok(()));
    }
    progress.stage = Stage::Context;
    // Every context is read by now: failing to get back only costs the tidy exit.
    match navigate(ch, Navigation::System, budget).await {
        Ok(()) => cp.returned_to_system = !ch.hostname().unwrap_or_default().contains(sep),
        Err(e) => {
            tracing::warn!(device = %host.name, error = %e, "could not return to the system execution space")
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_navigation_lines_and_nothing_a_playbook_may_type() {
        let n = ContextName::new("ctx-a").unwrap();
        assert_eq!(Navigation::System.line(), "changeto system");
        assert_eq!(Navigation::Context(&n).line(), "changeto context ctx-a");
        // The playbook guard refuses both: only the driver types them.
        for l in [Navigation::System.line(), Navigation::Context(&n).line()] {
            assert!(crate::playbook::check_read_only(&l).is_err(), "{l}");
        }
    }
}
