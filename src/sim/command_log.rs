//! The simulator's command log: every line typed at a simulated device's exec prompt, judged
//! read-only or not by the simulator's own rule (independent of the poller's playbook guard).
//! Lines that are not read-only are kept in memory ([`violations`]); with
//! `FLEETPOLL_SIM_COMMAND_LOG=DIR` every line is also appended to `DIR/sim-commands-<pid>.log`
//! as `device<TAB>verdict<TAB>line`, so a whole test suite (many processes) can be checked
//! afterwards (`.ci/check-sim-log`). A test may also [`watch`] a device to read back every line
//! it was sent ([`transcript`]). Secrets typed at a password prompt are never logged.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// The environment variable naming the folder of the on-disk log.
pub const ENV: &str = "FLEETPOLL_SIM_COMMAND_LOG";

/// Devices whose name starts with this exist to prove the log catches a write: the check of a
/// suite's log requires their violations to be present and everyone else's to be absent.
pub const CANARY_PREFIX: &str = "canary-";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    ReadOnly,
    NotReadOnly,
}

impl Verdict {
    pub fn id(self) -> &'static str {
        match self {
            Verdict::ReadOnly => "read-only",
            Verdict::NotReadOnly => "NOT-READ-ONLY",
        }
    }
}

/// Whether `line`, typed at an exec prompt, only reads: an empty line, `show …` (abbreviated
/// down to `sh`) without output redirection, `terminal length|width|pager N`, `enable`,
/// `disable`, `exit`/`logout`/`quit`, WAAS's `accelerator mapi verify encryption-settings`,
/// and the ASA's two navigation lines, exactly `changeto system` and `changeto context NAME`
/// with NAME one context-name word (they change where the session is, not the device).
/// Everything else — configure, clear, copy, write, debug, reload, a
/// `| redirect`/`| tee`/`| append` or `>`, any other `changeto` — is not.
pub fn verdict(line: &str) -> Verdict {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let is = |word: &str, full: &str, min: usize| word.len() >= min && full.starts_with(word);
    let ok = match w.as_slice() {
        [] => true,
        [first, rest @ ..] if is(first, "show", 2) => !redirects(rest),
        [t, what, n] if is(t, "terminal", 3) => {
            (is(what, "length", 3) || is(what, "width", 3) || is(what, "pager", 3))
                && n.parse::<u16>().is_ok()
        }
        [t, p, l, n] if is(t, "terminal", 3) => {
            is(p, "pager", 3) && is(l, "lines", 3) && n.parse::<u16>().is_ok()
        }
        ["changeto", "system"] => true,
        ["changeto", "context", name] => context_word(name),
        [e] => ["enable", "disable", "exit", "logout", "quit"].contains(e),
        [a, m, v, e] => {
            is(a, "accelerator", 3)
                && *m == "mapi"
                && is(v, "verify", 3)
                && *e == "encryption-settings"
        }
        _ => false,
    };
    if ok {
        Verdict::ReadOnly
    } else {
        Verdict::NotReadOnly
    }
}

/// One ASA context name (lowercased here): 1 to 32 letters, digits, `-`, `_`, `.`, not a
/// reserved name. The simulator's own rule, kept apart from the poller's validation.
fn context_word(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name != "system"
        && name != "null"
}

/// An output filter that writes somewhere (`| redirect disk0:x`, `| tee`, `| append`, `>`).
fn redirects(rest: &[&str]) -> bool {
    rest.iter().any(|w| w.contains('>'))
        || rest.windows(2).any(|p| {
            p[0] == "|"
                && ["redirect", "tee", "append"]
                    .iter()
                    .any(|f| f.starts_with(p[1]) && p[1].len() >= 2)
        })
}

struct Log {
    violations: Mutex<Vec<String>>,
    file: Option<Mutex<std::fs::File>>,
    /// Every line typed at the devices a test watches ([`watch`]), in order.
    watched: Mutex<std::collections::HashMap<String, Vec<String>>>,
    /// Shells started per device name, and a wake-up for whoever waits for one.
    shells: Mutex<std::collections::HashMap<String, usize>>,
    shell_started: tokio::sync::Notify,
}

fn log() -> &'static Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| Log {
        violations: Mutex::new(Vec::new()),
        watched: Mutex::new(Default::default()),
        shells: Mutex::new(Default::default()),
        shell_started: tokio::sync::Notify::new(),
        file: std::env::var_os(ENV).and_then(|dir| {
            let dir = std::path::PathBuf::from(dir);
            let path = dir.join(format!("sim-commands-{}.log", std::process::id()));
            let opened = std::fs::create_dir_all(&dir).and_then(|_| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
            });
            match opened {
                Ok(f) => Some(Mutex::new(f)),
                Err(e) => {
                    tracing::warn!("{ENV}: cannot open {}: {e}", path.display());
                    None
                }
            }
        }),
    })
}

/// Record one line typed at `device`'s exec prompt; returns its verdict.
pub fn record(device: &str, line: &str) -> Verdict {
    let v = verdict(line);
    let log = log();
    // One line per entry whatever was typed: control characters are shown escaped.
    let shown: String = line.escape_debug().collect();
    if v == Verdict::NotReadOnly {
        tracing::warn!(device, line = %shown, "simulator: a line that is not read-only was typed");
        if let Ok(mut all) = log.violations.lock() {
            all.push(format!("{device}\t{shown}"));
        }
    }
    if let Some(f) = &log.file {
        if let Ok(mut f) = f.lock() {
            let _ = writeln!(f, "{device}\t{}\t{shown}", v.id());
        }
    }
    if let Ok(mut w) = log.watched.lock() {
        if let Some(lines) = w.get_mut(device) {
            lines.push(shown);
        }
    }
    v
}

/// Keep every line typed at `device` from now on, in memory (device names must be unique to
/// the test); only watched devices are kept, so a large fleet costs nothing.
pub fn watch(device: &str) {
    if let Ok(mut w) = log().watched.lock() {
        w.entry(device.to_string()).or_default();
    }
}

/// The lines typed at a watched device so far, as logged (control characters escaped).
pub fn transcript(device: &str) -> Vec<String> {
    log()
        .watched
        .lock()
        .map(|w| w.get(device).cloned().unwrap_or_default())
        .unwrap_or_default()
}

/// A shell session started on `device` (before its banner): tests wait on this instead of
/// guessing how long a login takes.
pub fn shell_started(device: &str) {
    let log = log();
    if let Ok(mut m) = log.shells.lock() {
        *m.entry(device.to_string()).or_default() += 1;
    }
    log.shell_started.notify_waiters();
}

/// How many shells have started on `device` in this process.
pub fn shells(device: &str) -> usize {
    log()
        .shells
        .lock()
        .map(|m| m.get(device).copied().unwrap_or(0))
        .unwrap_or(0)
}

/// Wait until `n` shells have started on `device` (device names must be unique to the test).
pub async fn wait_for_shells(device: &str, n: usize) {
    let log = log();
    loop {
        let woken = log.shell_started.notified();
        tokio::pin!(woken);
        // Registered before the check, so a start between check and wait is not missed.
        woken.as_mut().enable();
        if shells(device) >= n {
            return;
        }
        woken.await;
    }
}

/// Every line not read-only typed at any simulated device of this process, as
/// `device<TAB>line`.
pub fn violations() -> Vec<String> {
    log()
        .violations
        .lock()
        .map(|v| v.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        for ro in [
            "",
            "show version",
            "sh ver",
            "show running-config | include ntp",
            "show crypto ipsec sa | begin peer",
            "terminal length 0",
            "term len 0",
            "terminal width 511",
            "terminal pager 0",
            "terminal pager lines 0",
            "enable",
            "exit",
            "accelerator mapi verify encryption-settings",
            "changeto system",
            "changeto context ctx-a",
            "changeto context CUST_066.dmz",
        ] {
            assert_eq!(verdict(ro), Verdict::ReadOnly, "{ro:?}");
        }
        for rw in [
            "configure terminal",
            "conf t",
            "clear crypto sa",
            "copy running-config tftp://x/y",
            "write memory",
            "reload",
            "debug crypto isakmp",
            "show running-config | redirect disk0:/x",
            "show run | tee flash:x",
            "show run | append flash:x",
            "show version > flash:x",
            "terminal length",
            "terminal monitor",
            "no terminal pager",
            "s",
            "enable 15 secret",
            "changeto",
            "changeto context",
            "changeto context a b",
            "changeto context system",
            "changeto context -x",
            "changeto context a;b",
            "changeto context x | redirect disk0:/x",
            "changeto syst",
            "changeto sys tem",
        ] {
            assert_eq!(verdict(rw), Verdict::NotReadOnly, "{rw:?}");
        }
    }
}
