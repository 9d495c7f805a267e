//! `fleetpoll check`: validate inventory and playbook, print what would run (no connections,
//! and no prompts: it lists the credentials a run would ask for).

use super::{exit, PlanArgs, Ui};
use clap::Args;

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
}

pub async fn run(a: CheckArgs, ui: &Ui) -> i32 {
    // `check` asks nothing: it lists what a run would ask.
    let asking = a.plan.ask.with(Box::new(crate::inventory::Deferred));
    let plan = match a.plan.build(&crate::playbook::builtin::HEALTH, ui, asking) {
        Ok(p) => p,
        Err(e) => return super::unusable(e),
    };
    if let Err(e) = super::preflight(&plan).await {
        return super::unusable(e);
    }
    for w in &plan.warnings {
        ui.note(format!("warning: {w}"));
    }
    println!(
        "inventory {}: {} devices; playbook {} ({}), sha256 {}",
        plan.inventory_path.display(),
        plan.hosts.len(),
        plan.playbook.path.display(),
        plan.playbook.name,
        &plan.playbook.sha256[..12.min(plan.playbook.sha256.len())]
    );
    println!("\ndevices:");
    for h in &plan.hosts {
        println!(
            "  {:<20} {}:{:<5} {:<10} user={} auth={} enable={} transport={} algorithms={} host_key={} jump={} retries={} timeouts(connect={:?} command={:?} device={:?})",
            h.name,
            h.host,
            h.port,
            h.platform.id(),
            h.username,
            match (&h.key_file, &h.password) {
                (Some(_), Some(_)) => "publickey+password",
                (Some(_), None) => "publickey",
                (None, Some(_)) => "password",
                (None, None) => "agent",
            },
            if h.enable_secret.is_some() { "secret" } else { "none" },
            h.transport.id(),
            h.algorithms.describe(),
            h.host_key_policy.id(),
            if h.jump.is_empty() {
                "direct".to_string()
            } else {
                h.jump.iter().map(|j| format!("{}({}:{})", j.name, j.host, j.port)).collect::<Vec<_>>().join(">")
            },
            h.retries,
            h.timeouts.connect,
            h.timeouts.command,
            h.timeouts.device,
        );
        match &h.asa_contexts {
            None => {}
            Some(crate::inventory::ContextSelection::All) => {
                println!(
                    "  {:<20} asa_contexts: all (one row per context `show context` lists)",
                    ""
                )
            }
            Some(crate::inventory::ContextSelection::Named(n)) => println!(
                "  {:<20} asa_contexts: {} (one row each)",
                "",
                n.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    if !plan.prompts.is_empty() {
        println!("\nprompts (a run asks each once on the terminal; check asks none):");
        for p in &plan.prompts {
            println!(
                "  {:<30} {:<22} {} use(s)  {:?}",
                p.field,
                p.location.as_deref().unwrap_or("(command line)"),
                p.uses,
                p.prompt
            );
        }
    }
    println!("\ncommands:");
    for (p, cmds) in &plan.playbook.commands {
        println!("  {p}:");
        for c in cmds {
            let parser = match (c.parser, &c.textfsm) {
                (Some(p), _) => p.name.to_string(),
                (None, Some(t)) => format!("textfsm:{}", t.templates.name()),
                (None, None) => "(none: raw only)".into(),
            };
            let templated = c
                .textfsm
                .iter()
                .flat_map(|t| t.metrics.iter().map(|m| m.name));
            println!(
                "    {:<45} parser={:<40} metrics={}",
                c.command,
                parser,
                c.metrics
                    .iter()
                    .map(|m| m.name)
                    .chain(templated)
                    .collect::<Vec<_>>()
                    .join(",")
            );
            for r in c.textfsm.iter().flat_map(|t| t.rules.iter()) {
                println!("      rule {} ({})", r.code, r.severity.id());
            }
        }
    }
    println!(
        "\ncsv columns: {}",
        crate::report::FIXED_COLUMNS
            .iter()
            .chain(plan.columns.iter())
            .copied()
            .collect::<Vec<_>>()
            .join(",")
    );
    exit::OK
}
