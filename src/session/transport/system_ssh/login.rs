//! The login dialogue on the pty: answering ssh's prompts (host key, password, passphrase,
//! username) per the device's settings, with stages and deadlines driven by ssh's log.

use super::child::Child;
use super::log::{LogSource, LogState};
use crate::inventory::{Host, HostKeyPolicy};
use crate::session::budget::{Budget, Deadline};
use crate::session::error::{SessionError, Stage};
use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::time::Duration;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;
/// Prompts are looked for at the end of the pending pty output; older output beyond this is
/// dropped (a long pre-login banner) so expectrl's rescans stay cheap.
const LOGIN_BUFFER: usize = 16 * 1024;
/// The tty prompts of the login, matched at the end of the pending pty output (`\z`), so a
/// pre-login banner that mentions a password is never taken for a prompt.
const HOST_KEY_PROMPT: &str = r"\(yes/no[^\n]*\)\?[ \t]*\z";
const PASSPHRASE_PROMPT: &str = r"Enter passphrase for key '([^'\n]*)':[ \t]*\z";
const PASSWORD_PROMPT: &str = r"(?i)(?:password|passcode)[^\n:]*:[ \t]*\z";
const USERNAME_PROMPT: &str = r"(?i)(?:username|login)[^\n:]*:[ \t]*\z";
/// Everything pending (any bytes, newlines included).
const EVERYTHING: &str = r"(?s-u).+";
/// A needle that never matches: reads what is available and reports end of file.
const NOTHING: expectrl::NBytes = expectrl::NBytes(usize::MAX);

/// The last bytes seen on the pty during the login, for error messages.
#[derive(Default)]
struct Tail(VecDeque<u8>);

impl Tail {
    fn push(&mut self, b: &[u8]) {
        for &c in b {
            if self.0.len() == 300 {
                self.0.pop_front();
            }
            self.0.push_back(c);
        }
    }

    fn text(&self, host: &Host) -> String {
        let v: Vec<u8> = self.0.iter().copied().collect();
        let mut s = String::from_utf8_lossy(&v).into_owned();
        for secret in host
            .password
            .iter()
            .chain(passphrases(host).map(|(_, p)| p))
        {
            if !secret.expose().is_empty() {
                s = s.replace(secret.expose(), "******");
            }
        }
        s
    }
}

/// The key files of the device and its jump hosts that have a passphrase, as ssh names them in
/// its prompt (the path given to it), with the passphrase.
fn passphrases(host: &Host) -> impl Iterator<Item = (String, &crate::inventory::Secret)> {
    std::iter::once(host)
        .chain(host.jump.iter().map(|j| &**j))
        .filter_map(|h| {
            let pass = h.key.as_ref()?.passphrase.as_ref()?;
            Some((h.key_file.as_ref()?.to_string_lossy().into_owned(), pass))
        })
}

/// A prompt ssh shows on the tty during the login.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Prompt {
    HostKey,
    Passphrase(String),
    Password,
    Username,
}

fn matched(
    r: Result<expectrl::Captures, expectrl::Error>,
) -> Result<Option<expectrl::Captures>, expectrl::Error> {
    r.map(|c| (!c.is_empty()).then_some(c))
}

/// Any login prompt (one needle: every `check` reads the pty first, so the matching must be
/// one check, the last before waiting, or bytes read by a later check would sit unexamined
/// while no new readiness event comes).
fn any_prompt() -> &'static str {
    static ANY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ANY.get_or_init(|| {
        [
            HOST_KEY_PROMPT,
            PASSPHRASE_PROMPT,
            PASSWORD_PROMPT,
            USERNAME_PROMPT,
        ]
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|")
    })
}

/// Which prompt `text` (a match of [`any_prompt`]) is.
fn classify(text: &[u8]) -> Option<Prompt> {
    static RES: std::sync::OnceLock<Vec<regex::bytes::Regex>> = std::sync::OnceLock::new();
    let res = RES.get_or_init(|| {
        [
            HOST_KEY_PROMPT,
            PASSPHRASE_PROMPT,
            PASSWORD_PROMPT,
            USERNAME_PROMPT,
        ]
        .iter()
        .filter_map(|p| regex::bytes::Regex::new(p).ok())
        .collect()
    });
    let hit = |i: usize| res.get(i).and_then(|r| r.captures(text));
    if hit(0).is_some() {
        Some(Prompt::HostKey)
    } else if let Some(c) = hit(1) {
        let key = c
            .get(1)
            .map(|k| String::from_utf8_lossy(k.as_bytes()).into_owned());
        Some(Prompt::Passphrase(key.unwrap_or_default()))
    } else if hit(2).is_some() {
        Some(Prompt::Password)
    } else if hit(3).is_some() {
        Some(Prompt::Username)
    } else {
        None
    }
}

/// Look for a prompt at the end of the pending pty output (and bound what stays pending).
/// `Ok(None)`: nothing to answer yet, and the pty was read until it had nothing more.
/// `Err`: the pty is closed (ssh exited) or unreadable.
fn next_prompt(
    s: &mut expectrl::Session,
    tail: &mut Tail,
) -> Result<Option<Prompt>, expectrl::Error> {
    // Older output than the last LOGIN_BUFFER bytes cannot hold the prompt: drop it first.
    if let Some(c) = matched(s.check(expectrl::NBytes(LOGIN_BUFFER)))? {
        tail.push(c.as_bytes());
    }
    // Last: this check's read leaves the pty empty, so anything later wakes the loop.
    let Some(c) = matched(s.check(expectrl::Regex(any_prompt())))? else {
        return Ok(None);
    };
    tail.push(c.as_bytes());
    Ok(c.get(0).and_then(classify))
}

/// Everything expectrl holds (read to the end of what the pty has now).
fn take_pending(s: &mut expectrl::Session) -> Vec<u8> {
    match s.check(expectrl::Regex(EVERYTHING)) {
        Ok(c) => c.get(0).map(<[u8]>::to_vec).unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

fn pinned_ok(host: &Host, st: &LogState) -> Option<Result<(), SessionError>> {
    if host.host_key_policy != HostKeyPolicy::Pinned {
        return Some(Ok(()));
    }
    let fp = st.server_fp.as_deref()?;
    Some(match &host.host_key_fingerprint {
        Some(p) if p.trim() == fp => Ok(()),
        Some(p) => Err(SessionError::HostKeyRejected(format!(
            "host key fingerprint {fp} does not match the pinned {}",
            p.trim()
        ))),
        None => Err(SessionError::HostKeyRejected(
            "no pinned fingerprint configured".into(),
        )),
    })
}

/// The login's stage and deadline, moved on by what ssh's log says.
struct Clock {
    budget: Budget,
    stage_at: Instant,
    /// The current stage's timeout (the connect stage's grows by `auth` behind a proxy).
    allowed: Duration,
    deadline: Deadline,
    proxy_extended: bool,
}

impl Clock {
    fn new(budget: Budget) -> Clock {
        let allowed = budget.allowance(Stage::Connect);
        Clock {
            budget,
            stage_at: Instant::now(),
            allowed,
            deadline: budget.within(allowed),
            proxy_extended: false,
        }
    }

    fn enter(&mut self, stage: &mut Stage, next: Stage) {
        *stage = next;
        self.stage_at = Instant::now();
        self.allowed = self.budget.allowance(next);
        self.deadline = self.budget.within(self.allowed);
    }

    /// `connect` until the TCP connection, `auth` until authenticated, then `shell`.
    fn advance(&mut self, st: &LogState, stage: &mut Stage) {
        if st.proxied && !self.proxy_extended {
            // A ProxyCommand / ProxyJump connects through another login first.
            self.proxy_extended = true;
            self.allowed += self.budget.allowance(Stage::Auth);
            self.deadline = self.budget.cap(self.stage_at + self.allowed, self.allowed);
        }
        if *stage == Stage::Connect && (st.connected || st.authenticated) {
            self.enter(stage, Stage::Auth);
        }
        if st.authenticated && *stage != Stage::Shell {
            self.enter(stage, Stage::Shell);
        }
    }
}

/// Drive ssh to the interactive session. Returns the pty bytes already read past the login.
pub(super) async fn login(
    host: &Host,
    budget: Budget,
    child: &mut Child,
    pty: &AsyncFd<File>,
    log: &mut LogSource,
    st: &mut LogState,
    stage: &mut Stage,
) -> Result<Vec<u8>, SessionError> {
    let mut clock = Clock::new(budget);
    let mut log_open = true;
    let mut passwords = 0u32;
    let mut skipped_key: Option<String> = None;
    let mut answered_keys: Vec<String> = Vec::new();
    let mut tail = Tail::default();
    let send = |s: &mut expectrl::Session, line: &str| {
        s.send_line(line)
            .and_then(|_| s.flush())
            .map_err(|e| SessionError::local("cannot write to ssh", e))
    };
    loop {
        // The log first: ssh logs before it prompts or relays remote output, so once it says
        // "authenticated", what the pty shows is the device's, not ssh's.
        if log_open && log.drain(st) {
            log_open = false;
        }
        clock.advance(st, stage);
        if let Some(Err(e)) = pinned_ok(host, st) {
            return Err(e);
        }
        let s = child.session()?;
        if st.interactive {
            match pinned_ok(host, st) {
                Some(Ok(())) => {}
                Some(Err(e)) => return Err(e),
                None => return Err(SessionError::HostKeyRejected(
                    "ssh did not report the server's host key; cannot check the pinned fingerprint"
                        .into(),
                )),
            }
            return Ok(take_pending(s));
        }
        let prompt = if st.authenticated {
            // Output from here on is the device's: keep it for the channel, only notice EOF.
            s.check(NOTHING).map(|_| None)
        } else {
            next_prompt(s, &mut tail)
        };
        match prompt {
            Ok(None) => {}
            Ok(Some(Prompt::HostKey)) => {
                let yes = match host.host_key_policy {
                    HostKeyPolicy::AcceptNew | HostKeyPolicy::InsecureAcceptAny => true,
                    HostKeyPolicy::Strict => false,
                    HostKeyPolicy::Pinned => match pinned_ok(host, st) {
                        Some(Ok(())) => true,
                        Some(Err(e)) => return Err(e),
                        None => {
                            return Err(SessionError::HostKeyRejected(
                                "ssh asked about a host key it did not log; cannot check the pinned fingerprint".into(),
                            ))
                        }
                    },
                };
                tracing::debug!(device = %host.name, yes, "answering ssh's host key question");
                send(s, if yes { "yes" } else { "no" })?;
                continue;
            }
            Ok(Some(Prompt::Passphrase(key))) => {
                match passphrases(host).find(|(k, _)| *k == key) {
                    // Decrypted with it at plan time, so a second question means ssh wants
                    // something else of this key; never loop on it.
                    Some(_) if answered_keys.contains(&key) => {
                        return Err(SessionError::AuthRejected(format!(
                            "ssh asked again for the passphrase of key file {key}"
                        )));
                    }
                    Some((_, pass)) => {
                        tracing::debug!(device = %host.name, key = %key, "answering ssh's passphrase prompt");
                        send(s, pass.expose())?;
                        answered_keys.push(key);
                    }
                    None => {
                        // A key fleetpoll has no passphrase for (one from ~/.ssh/config): skip
                        // it, other methods may follow.
                        tracing::debug!(device = %host.name, key = %key, "key file is encrypted; skipping it");
                        skipped_key = Some(key);
                        send(s, "")?;
                    }
                }
                continue;
            }
            Ok(Some(Prompt::Password)) => {
                if *stage == Stage::Connect {
                    clock.enter(stage, Stage::Auth);
                }
                if let Some(Err(e)) = pinned_ok(host, st) {
                    return Err(e);
                }
                if host.host_key_policy == HostKeyPolicy::Pinned && st.server_fp.is_none() {
                    return Err(SessionError::HostKeyRejected(
                        "asked for a password before the host key was checked against the pinned fingerprint".into(),
                    ));
                }
                let Some(pw) = &host.password else {
                    return Err(SessionError::AuthRejected(format!(
                        "user `{}`: the device asks for a password and none is configured",
                        host.username
                    )));
                };
                if passwords >= 1 {
                    return Err(SessionError::AuthRejected(format!(
                        "user `{}` rejected: password not accepted",
                        host.username
                    )));
                }
                passwords += 1;
                tracing::debug!(device = %host.name, "answering ssh's password prompt");
                send(s, pw.expose())?;
                continue;
            }
            Ok(Some(Prompt::Username)) => {
                send(s, &host.username)?;
                continue;
            }
            Err(_) => {
                // ssh exited (or its pty broke): everything it logged is in the pipe by now.
                if log_open {
                    log.drain(st);
                }
                clock.advance(st, stage);
                tail.push(&take_pending(s));
                let waited = clock.stage_at.elapsed();
                let mut e = st.failure(host, *stage, waited, &tail.text(host));
                if let (SessionError::AuthRejected(m), Some(k)) = (&mut e, &skipped_key) {
                    m.push_str(&format!(" (key file {k} is encrypted and no passphrase is configured; it was skipped)"));
                }
                return Err(e);
            }
        }
        tokio::select! {
            r = pty.readable() => match r {
                Ok(mut g) => g.clear_ready(),
                Err(e) => return Err(SessionError::local("cannot wait on the pty", e)),
            },
            r = log.readable(), if log_open => {
                if r.is_err() {
                    log_open = false;
                }
            }
            _ = tokio::time::sleep_until(clock.deadline.instant()) => {
                if log_open && log.drain(st) {
                    log_open = false;
                }
                clock.advance(st, stage);
                if Instant::now() < clock.deadline.instant() {
                    // The log had news the loop had not read yet: a new stage, a new budget.
                    continue;
                }
                let mut last = st.recent.iter().cloned().collect::<Vec<_>>().join(" | ");
                if let Some(cut) = last.char_indices().rev().nth(500).map(|(i, _)| i) {
                    last = format!("…{}", &last[cut..]);
                }
                tail.push(&take_pending(s));
                let pty_tail = tail.text(host);
                if !pty_tail.trim().is_empty() {
                    last.push_str(&format!(" | tty: {}", pty_tail.trim()));
                }
                let waited = clock.stage_at.elapsed();
                return Err(clock.deadline.expired(|| SessionError::Timeout { stage: *stage, waited, tail: last }));
            }
        }
    }
}

#[cfg(test)]
mod tests;
