//! `fleetpoll playbook`: list the playbooks built into the binary, or print one exactly as
//! shipped, to read what a run without `-p` does or to start an edited copy from.

use super::exit;
use crate::playbook::builtin;
use clap::{Args, Subcommand};

#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  fleetpoll playbook list\n  mkdir -p playbooks && fleetpoll playbook show health > playbooks/health.yaml\n      # edit it: poll and check run from this folder use it instead of the built-in\n  fleetpoll playbook show snapshot | less"
)]
pub struct PlaybookArgs {
    #[command(subcommand)]
    pub cmd: PlaybookCmd,
}

#[derive(Subcommand, Debug)]
pub enum PlaybookCmd {
    /// Name and purpose of each built-in playbook.
    List,
    /// Print a built-in playbook's YAML on stdout, byte for byte.
    Show {
        /// health or snapshot.
        name: String,
    },
}

pub fn run(a: PlaybookArgs) -> i32 {
    match a.cmd {
        PlaybookCmd::List => {
            for b in builtin::ALL {
                println!("{:<10} {}", b.name, b.purpose);
            }
            exit::OK
        }
        PlaybookCmd::Show { name } => match builtin::by_name(&name) {
            Some(b) => {
                use std::io::Write;
                // Not print!: it panics when stdout is closed early (`| head`).
                let mut out = std::io::stdout().lock();
                match out.write_all(b.text.as_bytes()).and_then(|()| out.flush()) {
                    Ok(()) => exit::OK,
                    Err(e) => super::unusable(format!("cannot write to stdout: {e}")),
                }
            }
            None => super::unusable(format!(
                "no built-in playbook `{name}` (built-in: {})",
                builtin::ALL
                    .iter()
                    .map(|b| b.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    }
}
