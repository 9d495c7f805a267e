//! `fleetpoll demo`: start a mixed simulated fleet in-process, sweep it with the health
//! playbook, write DIR/health.csv, DIR/health.jsonl, DIR/findings.csv, DIR/fleetpoll.prom and
//! DIR/report.html
//! and print the summary.

use super::poll::{check_outputs, sweep, Outputs};
use super::{exit, Ui};
use crate::runner::RunOptions;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  cargo run --release -- demo --out-dir /tmp/fp && column -s, -t < /tmp/fp/health.csv | less -S\n  fleetpoll demo --out-dir /tmp/fp && xdg-open /tmp/fp/report.html   # the HTML report"
)]
pub struct DemoArgs {
    /// Where health.csv, health.jsonl, findings.csv, fleetpoll.prom (Prometheus) and report.html go.
    #[arg(short, long, value_name = "DIR", default_value = "fleetpoll-demo")]
    pub out_dir: PathBuf,
    /// Use this playbook instead of the built-in health playbook (`fleetpoll playbook show health`).
    #[arg(short, long, value_name = "FILE")]
    pub playbook: Option<PathBuf>,
}

pub async fn run(a: DemoArgs, ui: &Ui) -> i32 {
    if let Err(e) = std::fs::create_dir_all(&a.out_dir) {
        return super::unusable(format!("cannot create {}: {e}", a.out_dir.display()));
    }
    let csv = a.out_dir.join("health.csv");
    let jsonl = a.out_dir.join("health.jsonl");
    let findings = a.out_dir.join("findings.csv");
    let prometheus = a.out_dir.join("fleetpoll.prom");
    let html = a.out_dir.join("report.html");
    let outputs = Outputs {
        csv: Some(&csv),
        jsonl: Some(&jsonl),
        include_raw: true,
        findings: Some(&findings),
        prometheus: Some(&prometheus),
        html: Some(&html),
        command: "demo",
        limit: None,
    };
    if let Err(e) = check_outputs(&outputs) {
        return super::unusable(e);
    }
    let playbook = match &a.playbook {
        Some(p) => crate::playbook::load(p),
        None => crate::playbook::builtin::HEALTH.parse(),
    };
    let playbook = match playbook {
        Ok(p) => p,
        Err(e) => return super::unusable(e),
    };
    let mut specs = crate::sim::demo_specs();
    crate::sim::apply_ssh_profiles(&mut specs, crate::sim::SshProfileChoice::Mix);
    let fleet = match crate::sim::spawn_fleet(specs).await {
        Ok(f) => f,
        Err(e) => return super::unusable(format!("cannot start the simulated fleet: {e}")),
    };
    ui.note(format!(
        "demo: {} simulated devices on 127.0.0.1",
        fleet.devices.len()
    ));
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => return super::unusable(format!("cannot create a temporary folder: {e}")),
    };
    let inv_path = tmp.path().join("demo-inventory.yaml");
    let plan = super::siminv::write(&fleet, &inv_path)
        .map_err(|e| e.to_string())
        .and_then(|p| crate::inventory::load(&p).map_err(|e| e.to_string()))
        .and_then(|inv| crate::plan::from_parts(inv, playbook, None).map_err(|e| e.to_string()));
    let plan = match plan {
        Ok(p) => p,
        Err(e) => return super::unusable(e),
    };
    let result = sweep(
        &plan,
        &RunOptions::default(),
        &outputs,
        ui,
        super::signals::install(),
    )
    .await;
    fleet.shutdown().await;
    match result {
        Ok(_) => exit::OK,
        Err(e) => super::unusable(e),
    }
}
