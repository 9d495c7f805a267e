//! The validated, typed plan: the only thing async code ever sees. Building it checks the
//! inventory, the playbook, `--limit` and the platform definitions, so every mistake that can
//! be found without a network is found here, before the first connection.

use crate::error::ConfigError;
use crate::inventory::{self, limit::Limit, Host};
use crate::playbook::{self, Playbook};
use std::path::Path;

#[derive(Debug)]
pub struct Plan {
    pub hosts: Vec<Host>,
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
    build_with(inventory, playbook, limit, inventory::Asking::none())
}

/// [`build`], asking the inventory's prompts through `asking`. The playbook and `--limit` are
/// checked first, so nobody types a password for a plan that fails anyway.
pub fn build_with(
    inventory: &Path,
    playbook: &playbook::builtin::Source,
    limit: Option<&str>,
    asking: inventory::Asking,
) -> Result<Plan, ConfigError> {
    let limit = limit.map(Limit::parse).transpose()?;
    let pb = playbook.load()?;
    let inv = inventory::load_with(inventory, asking)?;
    from_parts(inv, pb, limit.as_ref())
}

pub fn from_parts(
    inv: inventory::Inventory,
    pb: Playbook,
    limit: Option<&Limit>,
) -> Result<Plan, ConfigError> {
    // Here rather than in `build`, so plans made from parts (tests, benches, demo) are checked
    // the same way.
    crate::session::platform::validate_all().map_err(ConfigError::msg)?;
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
    let mut missing: Vec<String> = Vec::new();
    for h in &hosts {
        if pb.commands_for(h.platform).is_empty() && !missing.contains(&h.platform.to_string()) {
            missing.push(h.platform.to_string());
        }
    }
    for p in missing {
        warnings.push(format!(
            "playbook {} has no commands for {p}: those devices are only logged in to",
            pb.path.display()
        ));
    }
    Ok(Plan {
        columns: pb.columns(),
        hosts,
        playbook: pb,
        warnings,
        inventory_path: inv.path,
        prompts: inv.prompts,
    })
}
