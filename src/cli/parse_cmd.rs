//! `fleetpoll parse`: run one parser on saved output and print the record as JSON — the tool
//! to reach for when a CSV row looks wrong.

use super::exit;
use crate::Platform;
use clap::Args;
use std::io::Read;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ParseArgs {
    /// Platform the output came from (cisco_ios, cisco_xe, cisco_asa, cisco_waas).
    #[arg(long)]
    pub platform: Platform,
    /// The command that produced the output, e.g. "show crypto isakmp sa".
    #[arg(long)]
    pub command: String,
    /// File with the output; `-` or nothing reads stdin.
    pub file: Option<PathBuf>,
}

pub fn run(a: ParseArgs) -> i32 {
    let Some(spec) = crate::parse::lookup(a.platform, &a.command) else {
        let known: Vec<String> = crate::parse::registry()
            .iter()
            .filter(|s| s.platforms.contains(&a.platform.family()))
            .map(|s| s.command.to_string())
            .collect();
        return super::unusable(format!(
            "no parser for `{}` on {} (known: {})",
            a.command,
            a.platform,
            known.join(", ")
        ));
    };
    let mut text = Vec::new();
    let read = match &a.file {
        None => std::io::stdin().read_to_end(&mut text).map(|_| ()),
        Some(p) if p.as_os_str() == "-" => std::io::stdin().read_to_end(&mut text).map(|_| ()),
        Some(p) => std::fs::read(p).map(|t| text = t),
    };
    if let Err(e) = read {
        return super::unusable(format!(
            "cannot read {}: {e}",
            a.file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or("stdin".into())
        ));
    }
    let text = String::from_utf8_lossy(&text);
    match (spec.parse)(&text) {
        Ok(rec) => {
            // A capture that stops at a pager prompt is partial: the record says so.
            let cut = crate::assess::ends_at_pager(a.platform, &text);
            let mut value = match serde_json::to_value(&rec) {
                Ok(v) => v,
                Err(e) => return super::unusable(e),
            };
            if cut {
                if let Some(o) = value.as_object_mut() {
                    o.insert("truncated".into(), true.into());
                    o.insert(
                        "truncated_by".into(),
                        crate::outcome::Cut::Pager.id().into(),
                    );
                }
            }
            match serde_json::to_string_pretty(&value) {
                Ok(j) => println!("{j}"),
                Err(e) => return super::unusable(e),
            }
            if cut {
                eprintln!(
                    "warning: the output stops at a pager prompt: the record holds only what came before it"
                );
                return exit::WARNING;
            }
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {} could not read this output: {e}", spec.name);
            exit::CRITICAL
        }
    }
}
