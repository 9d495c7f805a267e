//! `fleetpoll parse`: run one parser on saved output and print the record as JSON — the tool
//! to reach for when a CSV row looks wrong. `--textfsm` runs the command's TextFSM template
//! instead and prints its rows as the JSON array ntc-templates gives.

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
    /// Read the output with the command's TextFSM template (from --templates, $NTC_TEMPLATES_DIR
    /// or the built-in ntc-templates) and print its rows, even where a built-in parser exists.
    #[arg(long)]
    pub textfsm: bool,
    /// File with the output; `-` or nothing reads stdin.
    pub file: Option<PathBuf>,
}

fn read_input(file: &Option<PathBuf>) -> Result<String, String> {
    let mut text = Vec::new();
    let read = match file {
        None => std::io::stdin().read_to_end(&mut text).map(|_| ()),
        Some(p) if p.as_os_str() == "-" => std::io::stdin().read_to_end(&mut text).map(|_| ()),
        Some(p) => std::fs::read(p).map(|t| text = t),
    };
    read.map_err(|e| {
        format!(
            "cannot read {}: {e}",
            file.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or("stdin".into())
        )
    })?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

fn run_textfsm(a: &ParseArgs) -> i32 {
    let lib = match crate::parse::textfsm::Library::configured(None) {
        Ok(l) => l,
        Err(e) => return super::unusable(e),
    };
    let text = match read_input(&a.file) {
        Ok(t) => t,
        Err(e) => return super::unusable(e),
    };
    use crate::parse::textfsm::RowsError;
    match crate::parse::textfsm::rows(&lib, a.platform, &a.command, &text) {
        Ok(table) => match serde_json::to_string_pretty(&table.rows) {
            Ok(j) => {
                println!("{j}");
                exit::OK
            }
            Err(e) => super::unusable(e),
        },
        Err(e @ (RowsError::NoTemplate(_) | RowsError::Library(_))) => super::unusable(e),
        Err(e @ RowsError::Parse(_)) => {
            eprintln!("error: {e}");
            exit::CRITICAL
        }
    }
}

pub fn run(a: ParseArgs) -> i32 {
    if a.textfsm {
        return run_textfsm(&a);
    }
    let Some(spec) = crate::parse::lookup(a.platform, &a.command) else {
        let known: Vec<String> = crate::parse::registry()
            .iter()
            .filter(|s| s.platforms.contains(&a.platform.family()))
            .map(|s| s.command.to_string())
            .collect();
        return super::unusable(format!(
            "no parser for `{}` on {} (known: {}; --textfsm reads any command an ntc-templates template does)",
            a.command,
            a.platform,
            known.join(", ")
        ));
    };
    let text = match read_input(&a.file) {
        Ok(t) => t,
        Err(e) => return super::unusable(e),
    };
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
