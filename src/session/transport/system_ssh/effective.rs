//! Before the run: what `ssh` would really do for each OpenSSH-transport device, read with
//! `ssh -G` and the exact options fleetpoll will pass, so a `~/.ssh/config` or
//! `/etc/ssh/ssh_config` (`Host`, `Match`, `Include`) that still runs or forwards anything
//! refuses the run before the first connection.

use super::args::{build_args, Capabilities};
use super::SSH_PROGRAM;
use crate::inventory::{AlgorithmProfile, Algorithms, Host, TransportKind};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// At most this many `ssh -G` at once (each a few milliseconds of CPU).
const PARALLEL: usize = 8;
/// `ssh -G` evaluates `Match exec`: a command that hangs must not hang the run.
const TIMEOUT: Duration = Duration::from_secs(20);

/// What is wrong with `ssh -G`'s output: the first effective setting that would run a
/// command or open anything besides the one interactive session, as `keyword value`.
pub fn unsafe_setting(effective: &str) -> Option<String> {
    for line in effective.lines() {
        let (k, v) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
        let k = k.to_ascii_lowercase();
        let v_lc = v.trim().to_ascii_lowercase();
        let off = |ok: &[&str]| !ok.contains(&v_lc.as_str());
        let bad = match k.as_str() {
            "remotecommand" => off(&["none", ""]),
            "localforward" | "remoteforward" | "dynamicforward" => true,
            "permitlocalcommand"
            | "forwardagent"
            | "forwardx11"
            | "stdinnull"
            | "forkafterauthentication"
            | "clearallforwardings" => {
                if k == "clearallforwardings" {
                    off(&["yes", "true"])
                } else {
                    off(&["no", "false"])
                }
            }
            "tunnel" => off(&["no", "false"]),
            "sessiontype" => off(&["default"]),
            "controlmaster" => off(&["no", "false"]),
            "controlpath" => off(&["none", ""]),
            _ => false,
        };
        if bad {
            return Some(format!("{k} {}", v.trim()));
        }
    }
    None
}

/// The `ssh -G` arguments for `host`: the session's own options, with the algorithm profile
/// left at the client's defaults (algorithms cannot run or forward anything, and a legacy
/// name this client lacks would only make `ssh -G` fail).
fn query_args(host: &Host, caps: &Capabilities) -> Vec<String> {
    let mut h = host.clone();
    h.algorithms = Algorithms::Profile(AlgorithmProfile::Modern);
    h.jump.clear();
    let known = h
        .known_hosts
        .clone()
        .unwrap_or_else(super::super::ssh::default_known_hosts);
    let mut a = vec!["-G".to_string()];
    // `-tt -e none -E LOG` are for the session, not the configuration.
    a.extend(
        build_args(&h, caps, &known, "/dev/null")
            .into_iter()
            .skip(5),
    );
    a
}

/// Why a device's effective OpenSSH configuration could not be read or is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("`ssh -G` did not finish in {0} s")]
    Hung(u64),
    #[error("cannot run `ssh -G`: {0}")]
    CannotRun(String),
    #[error("`ssh -G` failed: {0}")]
    Failed(String),
    #[error("its effective OpenSSH configuration (`ssh -G`, from ~/.ssh/config or /etc/ssh/ssh_config) still sets `{0}` after fleetpoll's safety options; fleetpoll never lets ssh run a command or forward anything: remove it for this host")]
    Unsafe(String),
}

/// The first device (in inventory order) the check refuses, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: device `{device}`: {problem}", inventory.display())]
pub struct Refused {
    pub inventory: std::path::PathBuf,
    pub device: String,
    pub problem: Problem,
}

async fn effective(host: &Host, caps: &Capabilities) -> Result<String, Problem> {
    let mut c = tokio::process::Command::new(SSH_PROGRAM);
    c.args(query_args(host, caps))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let out = match tokio::time::timeout(TIMEOUT, c.output()).await {
        Err(_) => return Err(Problem::Hung(TIMEOUT.as_secs())),
        Ok(Err(e)) => return Err(Problem::CannotRun(e.to_string())),
        Ok(Ok(o)) => o,
    };
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(Problem::Failed(first.trim().to_string()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Check every OpenSSH-transport device (bastions through `-J` included by `ssh -G` itself):
/// `Err` names the device and the setting. No `ssh` installed: nothing to check here (the
/// session itself will fail to start and say so).
pub async fn check<'a>(
    hosts: impl IntoIterator<Item = &'a Host>,
    inventory: &Path,
) -> Result<(), Refused> {
    let todo: Vec<&Host> = hosts
        .into_iter()
        .filter(|h| h.transport == TransportKind::Openssh)
        .collect();
    if todo.is_empty() {
        return Ok(());
    }
    let caps = super::capabilities().await;
    if caps.version.is_none() && caps.kex.is_empty() {
        return Ok(());
    }
    let sem = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut set = tokio::task::JoinSet::new();
    for (i, h) in todo.iter().enumerate() {
        let h = (*h).clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            (i, h.name.clone(), effective(&h, caps).await)
        });
    }
    let mut problems: Vec<(usize, String, Problem)> = Vec::new();
    while let Some(j) = set.join_next().await {
        let Ok((i, name, r)) = j else { continue };
        let problem = match r {
            Err(e) => Some(e),
            Ok(text) => unsafe_setting(&text).map(Problem::Unsafe),
        };
        if let Some(p) = problem {
            problems.push((i, name, p));
        }
    }
    // The first device in inventory order, whichever `ssh -G` finished first.
    match problems.into_iter().min_by_key(|(i, _, _)| *i) {
        None => Ok(()),
        Some((_, device, problem)) => Err(Refused {
            inventory: inventory.to_path_buf(),
            device,
            problem,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_settings_are_named() {
        let clean = "user netops\nclearallforwardings yes\ncontrolmaster false\npermitlocalcommand no\nlocalcommand touch /tmp/x\ntunnel false\nsessiontype default\nstdinnull no\nforkafterauthentication no\nforwardagent no\nforwardx11 no\n";
        assert_eq!(unsafe_setting(clean), None);
        for (line, want) in [
            (
                "remotecommand configure terminal",
                "remotecommand configure terminal",
            ),
            (
                "localforward 8080 [localhost]:80",
                "localforward 8080 [localhost]:80",
            ),
            (
                "remoteforward 9000 [localhost]:22",
                "remoteforward 9000 [localhost]:22",
            ),
            ("dynamicforward 1080", "dynamicforward 1080"),
            ("permitlocalcommand yes", "permitlocalcommand yes"),
            ("tunnel point-to-point", "tunnel point-to-point"),
            ("sessiontype none", "sessiontype none"),
            ("stdinnull yes", "stdinnull yes"),
            ("forkafterauthentication yes", "forkafterauthentication yes"),
            ("controlmaster auto", "controlmaster auto"),
            ("controlpath ~/.ssh/cm-%r@%h", "controlpath ~/.ssh/cm-%r@%h"),
            ("forwardagent yes", "forwardagent yes"),
            ("clearallforwardings no", "clearallforwardings no"),
        ] {
            assert_eq!(
                unsafe_setting(&format!("{clean}{line}\n")).as_deref(),
                Some(want),
                "{line}"
            );
        }
    }

    #[test]
    fn the_query_is_the_session_without_its_log() {
        let h = super::super::test_host();
        let a = query_args(&h, &Capabilities::default());
        assert_eq!(a[0], "-G");
        assert!(!a.iter().any(|x| x == "-tt" || x == "-E"), "{a:?}");
        assert!(a.windows(2).any(|w| w == ["-o", "RemoteCommand=none"]));
        assert_eq!(a[a.len() - 2..], ["--", "10.0.0.1"]);
    }
}
