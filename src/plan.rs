//! The validated, typed plan: the only thing async code ever sees. Building it checks the
//! inventory, the playbook, `--limit` and the platform definitions, so every mistake that can
//! be found without a network is found here, before the first connection.

use crate::error::ConfigError;
use crate::inventory::{self, limit::Limit, Host, ResolvedTimeouts};
use crate::playbook::{self, PlannedCommand, Playbook};
use crate::session::budget::Budget;
use crate::session::contexts::ContextWalk;
use crate::session::driver::CommandLine;
use crate::session::platform::{self, PlatformDef};
use crate::Platform;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug)]
pub struct Plan {
    /// One job per selected device, in inventory order: what the runner polls.
    pub jobs: Vec<PollJob>,
    /// The jobs' hosts, in the same order (shared with them), for listing and checks.
    pub hosts: Vec<Arc<Host>>,
    pub playbook: Playbook,
    /// Metric columns of the CSV, in order.
    pub columns: Vec<&'static str>,
    pub warnings: Vec<String>,
    pub inventory_path: std::path::PathBuf,
    /// The prompts the inventory asked (in `check`: would ask).
    pub prompts: Vec<inventory::PromptUse>,
}

/// Build a plan from an inventory file and a playbook (a file or a built-in). `limit`
/// filters devices (`--limit`). A `{prompt: true}` is refused (no terminal): see
/// [`build_with`].
pub fn build(
    inventory: &Path,
    playbook: &playbook::builtin::Source,
    limit: Option<&str>,
) -> Result<Plan, ConfigError> {
    build_with(
        &inventory::formats::Source::new(inventory),
        playbook,
        limit,
        inventory::Asking::none(),
    )
}

/// [`build`], asking the inventory's prompts through `asking`. The playbook and `--limit` are
/// checked first, so nobody types a password for a plan that fails anyway.
pub fn build_with(
    inventory: &inventory::formats::Source,
    playbook: &playbook::builtin::Source,
    limit: Option<&str>,
    asking: inventory::Asking,
) -> Result<Plan, ConfigError> {
    let limit = limit.map(Limit::parse).transpose()?;
    let pb = playbook.load()?;
    let inv = inventory::formats::load(inventory, asking)?;
    from_parts(inv, pb, limit.as_ref())
}

/// One device, resolved once: everything polling and assessing it needs, so nothing after the
/// plan looks anything up by platform name.
#[derive(Debug, Clone)]
pub struct PollJob {
    pub host: Arc<Host>,
    /// The compiled definition of the device's platform (`cisco_xe`: the IOS one).
    pub platform: &'static PlatformDef,
    /// The playbook's commands for the platform, shared by every device of it.
    pub commands: Arc<[PlannedCommand]>,
    /// The same commands as the session types them (line and timeout), in the same order.
    pub lines: Arc<[CommandLine]>,
    /// The device's time budget: per-stage timeouts and `device`, its whole allowance.
    pub timeouts: ResolvedTimeouts,
    /// `asa_contexts`: the contexts to walk and how to read `show context`; the budget above
    /// covers all of them.
    pub walk: Option<ContextWalk>,
}

impl PollJob {
    /// Start the job's clock: its budget from now on.
    pub fn budget(&self) -> Budget {
        Budget::start(self.timeouts)
    }
}

/// A plan from an inventory and a playbook already loaded (tests, benches, the demo), with
/// the same checks as [`build`] after loading.
pub fn from_parts(
    inv: inventory::Inventory,
    pb: Playbook,
    limit: Option<&Limit>,
) -> Result<Plan, ConfigError> {
    // Here rather than in `build`, so plans made from parts (tests, benches, demo) are checked
    // the same way.
    platform::validate_all().map_err(|e| ConfigError::msg(e.to_string()))?;
    if inv.hosts.is_empty() {
        return Err(ConfigError::io(&inv.path, "the inventory lists no devices"));
    }
    let (hosts, mut warnings): (Vec<Host>, Vec<String>) = match limit {
        None => (inv.hosts, inv.warnings),
        Some(l) => {
            let (sel, limit_warnings) = l.select(&inv)?;
            (
                sel,
                inv.warnings.into_iter().chain(limit_warnings).collect(),
            )
        }
    };
    let insecure: Vec<&str> = hosts
        .iter()
        .filter(|h| h.host_key_policy == inventory::HostKeyPolicy::InsecureAcceptAny)
        .map(|h| h.name.as_str())
        .collect();
    if !insecure.is_empty() {
        warnings.push(format!(
            "INSECURE: host keys are not checked for {} device(s) ({}): anyone on the path can impersonate them (ssh.host_key_policy: insecure-accept-any)",
            insecure.len(),
            insecure.iter().take(5).copied().collect::<Vec<_>>().join(", ")
        ));
    }
    // Commands are resolved once per platform and shared by its devices.
    type Commands = (Arc<[PlannedCommand]>, Arc<[CommandLine]>);
    let mut by_platform: HashMap<Platform, Commands> = HashMap::new();
    let mut missing: Vec<String> = Vec::new();
    let mut jobs = Vec::with_capacity(hosts.len());
    for h in hosts {
        let def = platform::definition(h.platform).map_err(|e| ConfigError::msg(e.to_string()))?;
        let (commands, lines) = by_platform
            .entry(h.platform)
            .or_insert_with(|| {
                let cmds = pb.commands_for(h.platform);
                let lines = cmds.iter().map(PlannedCommand::line).collect();
                (cmds.into(), lines)
            })
            .clone();
        if commands.is_empty() && !missing.contains(&h.platform.to_string()) {
            missing.push(h.platform.to_string());
        }
        let walk = h.asa_contexts.clone().map(|selection| ContextWalk {
            selection,
            list: crate::parse::asa_context::context_names,
        });
        jobs.push(PollJob {
            walk,
            timeouts: h.timeouts,
            host: Arc::new(h),
            platform: def,
            commands,
            lines,
        });
    }
    for p in missing {
        warnings.push(format!(
            "playbook {} has no commands for {p}: those devices are only logged in to",
            pb.path.display()
        ));
    }
    Ok(Plan {
        columns: pb.columns(),
        hosts: jobs.iter().map(|j| j.host.clone()).collect(),
        jobs,
        playbook: pb,
        warnings,
        inventory_path: inv.path,
        prompts: inv.prompts,
    })
}
