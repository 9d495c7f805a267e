//! The terminal behaviour of one simulated device, with no I/O: bytes typed by the client go
//! in, a list of [`Action`]s (bytes to send, pauses, close) comes out, and the server adapter
//! (`server.rs`) executes them in order. Everything a poller has to cope with on a real CLI is
//! here: login banner, user/privileged prompts, character echo, `enable` with a hidden secret,
//! per-platform paging commands, the pager and its erase sequence, caret errors, latency, and
//! the session-level fault scenarios played on the terminal (`NoPrompt`, `StallMidOutput`,
//! `WrongEnableSecret`, `DisconnectMidOutput`, `PagerStuck`, `Garbage`, `HugeOutput`,
//! `SlowDrip`, `ContextChange`, `SlowCommand`). Transport and authentication faults (`Blackhole`,
//! `BannerThenSilence`, `KbdInteractiveOnly`, `WrongCredentials`, `RefuseConnection`) are the
//! server adapter's.
//!
//! Large outputs are never built whole: an output is a queue of lines, optionally fed by a
//! generator, printed at most [`CHUNK_BYTES`] at a time; [`Action::Continue`] asks the adapter
//! to call [`Device::resume`] for the next chunk once the previous one has been sent (so the
//! SSH window paces the device).

use super::render;
use super::scenario::{RenderCtx, Scenario};
use super::spec::{DeviceSpec, SimContext};
use crate::parse::normalize_command;
use crate::Platform;
use std::collections::VecDeque;
use std::time::Duration;

mod contexts;
mod text;
use contexts::Space;
pub use text::{banner, pager_erase, pager_string, prompt, LATIN1};
use text::{crlf_lines, garble, locate_error, words_with_offsets, CommandError};

/// One thing the server adapter must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write these bytes to the channel.
    Send(Vec<u8>),
    /// Wait this long before the next action (the device's round-trip latency).
    Delay(Duration),
    /// Close the channel (the user typed `exit`/`logout`).
    Close,
    /// More output is ready: call [`Device::resume`] and run its actions next (before
    /// feeding the device any input).
    Continue,
    /// Drop the TCP connection at once, without an SSH disconnect message (the device
    /// reloaded or its session was reset).
    Drop,
}

/// Page length of a fresh session (`terminal length 24` on IOS, `pager lines 24` on ASA).
pub const DEFAULT_PAGE_LENGTH: usize = 24;
/// Typeahead beyond this many bytes per line is dropped, like a terminal line buffer.
const MAX_LINE: usize = 4096;
/// At most this many output bytes go into one [`Action::Send`]; more output is announced
/// with [`Action::Continue`].
pub const CHUNK_BYTES: usize = 64 * 1024;
/// `SlowDrip`: the time between two bytes of a reply.
pub const SLOW_DRIP_INTERVAL: Duration = Duration::from_millis(100);
/// `DisconnectMidOutput`: this many `show` commands complete; the next one is cut.
pub const SHOWS_BEFORE_DISCONNECT: usize = 2;
/// `DisconnectMidOutput`: how long the half output is left to reach the client before the
/// connection drops (the device dies a moment after printing it).
const DROP_AFTER: Duration = Duration::from_millis(100);
/// `SlowCommand`: how long the first `show` command takes before it prints anything.
pub const SLOW_COMMAND_DELAY: Duration = Duration::from_secs(4);
/// `ContextChange`: the security context the prompt switches to.
pub const CHANGED_CONTEXT: &str = "admin";
/// `HugeOutput`: the command whose output is huge.
pub const HUGE_COMMAND: &str = "show crypto ipsec sa";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Shell not started yet: input is ignored.
    NotStarted,
    /// Line editing at a prompt.
    Line,
    /// `enable` asked for the secret: characters are collected without echo.
    EnableSecret,
    /// A page was printed and the pager string is waiting for an answer.
    More,
    /// A long output is being printed chunk by chunk; `rows` lines of the current screen
    /// are still to print (`usize::MAX` with paging off). Resumed by [`Device::resume`].
    Streaming { rows: usize },
    /// The device prints nothing more, ever (NoPrompt, StallMidOutput).
    Silent,
    /// The session is over.
    Closed,
}

/// The device model. One per SSH shell channel.
#[derive(Debug)]
pub struct Device {
    /// The inventory name, for the command log.
    name: String,
    platform: Platform,
    scenario: Scenario,
    hostname: String,
    seed: u64,
    drift: crate::sim::scenario::Drift,
    enable_secret: Option<String>,
    latency: Duration,
    privileged: bool,
    state: State,
    /// The line being typed (or the secret being typed, in `EnableSecret`).
    line: Vec<u8>,
    /// The previous input byte was a CR: a following LF belongs to the same Enter.
    after_cr: bool,
    /// 0 = paging off.
    page_length: usize,
    /// Output lines (each ending in CRLF) still to print behind the pager.
    pending: Pending,
    /// `StallMidOutput` already played (it stalls the first `show` command only).
    stalled: bool,
    /// How many `show` commands have printed output in this session.
    shows: usize,
    /// The security context shown in the prompt (`ContextChange`): `host/context#`.
    context: Option<&'static str>,
    /// `HugeOutput`: size of the huge output.
    huge_output_bytes: usize,
    /// Multiple-context mode: the spec's contexts, and where the session is.
    contexts: Vec<SimContext>,
    space: Space,
}

/// The output still to print: queued lines, then (for a huge output) whatever the generator
/// produces, a few kilobytes at a time.
#[derive(Debug, Default)]
struct Pending {
    lines: VecDeque<Vec<u8>>,
    gen: Option<HugeIpsec>,
}

impl Pending {
    fn from_lines(lines: Vec<Vec<u8>>) -> Pending {
        Pending {
            lines: lines.into(),
            gen: None,
        }
    }

    fn fill(&mut self) {
        while self.lines.is_empty() {
            let Some(g) = self.gen.as_mut() else { return };
            if !g.refill(&mut self.lines) {
                self.gen = None;
            }
        }
    }

    fn pop_front(&mut self) -> Option<Vec<u8>> {
        self.fill();
        self.lines.pop_front()
    }

    fn is_empty(&mut self) -> bool {
        self.fill();
        self.lines.is_empty()
    }

    fn clear(&mut self) {
        self.lines.clear();
        self.gen = None;
    }
}

/// The `show crypto ipsec sa` of a VPN hub with thousands of SAs, generated on demand: the
/// device's own output first, then the SA blocks of the same renderer for further seeds
/// (different peers, counters and SPIs), until about `remaining` bytes were produced.
#[derive(Debug)]
struct HugeIpsec {
    platform: Platform,
    hostname: String,
    seed: u64,
    /// Renderings produced so far.
    next: u64,
    remaining: usize,
}

impl HugeIpsec {
    /// Append the lines of one more rendering; false when the budget is spent.
    fn refill(&mut self, lines: &mut VecDeque<Vec<u8>>) -> bool {
        if self.remaining == 0 {
            return false;
        }
        let ctx = RenderCtx {
            platform: self.platform,
            scenario: Scenario::Healthy,
            hostname: &self.hostname,
            seed: self.seed.wrapping_add(self.next),
            drift: Default::default(),
        };
        let Some(text) = render::render(&ctx, HUGE_COMMAND) else {
            return false;
        };
        let mut rendered = crlf_lines(&text);
        if self.next > 0 {
            // Only the SA blocks: the interface header was printed once, at the top.
            let header = match self.platform.family() {
                Platform::CiscoAsa => rendered
                    .iter()
                    .take_while(|l| l.starts_with(b"interface:"))
                    .count(),
                _ => rendered
                    .iter()
                    .position(|l| l.trim_ascii_start().starts_with(b"Crypto map tag"))
                    .map_or(0, |i| i + 1),
            };
            rendered.drain(..header.min(rendered.len()));
        }
        self.next += 1;
        if rendered.is_empty() {
            return self.next < 4;
        }
        for l in rendered {
            self.remaining = self.remaining.saturating_sub(l.len());
            lines.push_back(l);
        }
        true
    }
}

/// Collects actions, merging consecutive sends and skipping zero delays.
#[derive(Default)]
struct Out(Vec<Action>);

impl Out {
    fn send(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if let Some(Action::Send(last)) = self.0.last_mut() {
            last.extend_from_slice(bytes);
        } else {
            self.0.push(Action::Send(bytes.to_vec()));
        }
    }
    fn delay(&mut self, d: Duration) {
        if !d.is_zero() {
            self.0.push(Action::Delay(d));
        }
    }
    fn close(&mut self) {
        self.0.push(Action::Close);
    }
    fn push(&mut self, a: Action) {
        self.0.push(a);
    }
}

/// `SlowDrip`: every byte sent on its own, [`SLOW_DRIP_INTERVAL`] after the previous one.
fn drip(actions: Vec<Action>) -> Vec<Action> {
    let mut out = Vec::new();
    for a in actions {
        match a {
            Action::Send(bytes) => {
                for b in bytes {
                    out.push(Action::Delay(SLOW_DRIP_INTERVAL));
                    out.push(Action::Send(vec![b]));
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// How the command line was classified by the built-in (non-rendered) commands.
enum Builtin {
    Handled,
    Other,
    /// Invalid on this platform, caret under word `usize`.
    Invalid(usize),
    Incomplete,
}

impl Device {
    pub fn new(spec: &DeviceSpec) -> Device {
        Device {
            name: spec.name.clone(),
            platform: spec.platform,
            scenario: spec.scenario,
            hostname: spec.hostname.clone(),
            seed: spec.seed,
            drift: spec.drift,
            enable_secret: spec.enable_secret.clone(),
            latency: spec.latency,
            privileged: spec.enable_secret.is_none(),
            state: State::NotStarted,
            line: Vec::new(),
            after_cr: false,
            page_length: DEFAULT_PAGE_LENGTH,
            pending: Pending::default(),
            stalled: false,
            shows: 0,
            context: None,
            huge_output_bytes: spec.huge_output_bytes,
            contexts: spec.contexts.clone(),
            space: Device::initial_space(!spec.contexts.is_empty()),
        }
    }

    /// Whether the session is in privileged mode.
    pub fn is_privileged(&self) -> bool {
        self.privileged
    }

    /// Lines per screen, 0 when paging is off.
    pub fn page_length(&self) -> usize {
        self.page_length
    }

    /// Whether the device has closed the session.
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    fn prompt(&self) -> String {
        prompt(self.platform, &self.prompt_host(), self.privileged)
    }

    fn is_asa(&self) -> bool {
        self.platform.family() == Platform::CiscoAsa
    }

    /// The shell opened: banner, then (after the latency) the first prompt.
    pub fn start(&mut self) -> Vec<Action> {
        super::command_log::shell_started(&self.name);
        let mut out = Out::default();
        if self.state != State::NotStarted {
            return out.0;
        }
        out.send(banner(self.platform).as_bytes());
        if self.scenario == Scenario::NoPrompt {
            self.state = State::Silent;
            return out.0;
        }
        out.delay(self.latency);
        out.send(self.prompt().as_bytes());
        self.state = State::Line;
        out.0
    }

    /// Bytes typed by the client. CR, LF and CRLF are each one Enter, also when the LF of a
    /// CRLF arrives in a later call. Input while an output is streaming (after
    /// [`Action::Continue`], before [`Device::resume`] finished it) is ignored: the adapter
    /// keeps it as typeahead until then.
    pub fn input(&mut self, bytes: &[u8]) -> Vec<Action> {
        let mut out = Out::default();
        for &b in bytes {
            let after_cr = std::mem::replace(&mut self.after_cr, b == b'\r');
            if b == b'\n' && after_cr {
                continue;
            }
            match self.state {
                State::NotStarted | State::Silent | State::Closed | State::Streaming { .. } => {}
                State::Line => self.line_byte(b, &mut out),
                State::EnableSecret => self.secret_byte(b, &mut out),
                State::More => self.more_byte(b, &mut out),
            }
        }
        self.finish(out)
    }

    /// The next chunk of a streaming output (after [`Action::Continue`]).
    pub fn resume(&mut self) -> Vec<Action> {
        let mut out = Out::default();
        if let State::Streaming { rows } = self.state {
            self.print_rows(rows, &mut out);
        }
        self.finish(out)
    }

    /// Replies after login, as the scenario delivers them.
    fn finish(&self, out: Out) -> Vec<Action> {
        if self.scenario == Scenario::SlowDrip {
            drip(out.0)
        } else {
            out.0
        }
    }

    fn line_byte(&mut self, b: u8, out: &mut Out) {
        match b {
            b'\r' | b'\n' => {
                out.send(b"\r\n");
                let line = String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
                self.execute(&line, out);
            }
            0x08 | 0x7f if !self.line.is_empty() => {
                self.line.pop();
                out.send(b"\x08 \x08");
            }
            0x20..=0x7e if self.line.len() < MAX_LINE => {
                self.line.push(b);
                out.send(&[b]);
            }
            // Tab, ^C, ^Z, escape sequences, non-ASCII: ignored.
            _ => {}
        }
    }

    fn secret_byte(&mut self, b: u8, out: &mut Out) {
        match b {
            b'\r' | b'\n' => {
                out.send(b"\r\n");
                let typed = std::mem::take(&mut self.line);
                out.delay(self.latency);
                let ok = self.scenario != Scenario::WrongEnableSecret
                    && self
                        .enable_secret
                        .as_deref()
                        .is_none_or(|s| s.as_bytes() == typed.as_slice());
                if ok {
                    self.privileged = true;
                } else if self.is_asa() {
                    out.send(b"Invalid password\r\n");
                } else {
                    out.send(b"% Access denied\r\n\r\n");
                }
                self.state = State::Line;
                out.send(self.prompt().as_bytes());
            }
            0x08 | 0x7f => {
                self.line.pop();
            }
            0x20..=0x7e if self.line.len() < MAX_LINE => {
                self.line.push(b);
            }
            _ => {}
        }
    }

    fn more_byte(&mut self, b: u8, out: &mut Out) {
        out.delay(self.latency);
        out.send(&pager_erase(self.platform));
        match b {
            b' ' => self.print_page(out),
            b'\r' | b'\n' => {
                if let Some(line) = self.pending.pop_front() {
                    out.send(&line);
                }
                self.after_page(out);
            }
            // `q` and, like IOS, any other key: abandon the rest of the output.
            _ => {
                self.pending.clear();
                self.finish_output(out);
            }
        }
    }

    /// Print one screen of pending output, then the pager or the prompt.
    fn print_page(&mut self, out: &mut Out) {
        // The pager line takes the last row of the screen.
        let rows = if self.page_length == 0 {
            usize::MAX
        } else {
            self.page_length.saturating_sub(1).max(1)
        };
        self.print_rows(rows, out);
    }

    /// Print up to `rows` lines of pending output, at most [`CHUNK_BYTES`] now: with more
    /// to print, announce it ([`Action::Continue`]) and stream the rest from [`resume`].
    ///
    /// [`resume`]: Device::resume
    fn print_rows(&mut self, mut rows: usize, out: &mut Out) {
        let mut bytes = 0usize;
        while rows > 0 {
            if bytes >= CHUNK_BYTES {
                self.state = State::Streaming { rows };
                out.push(Action::Continue);
                return;
            }
            match self.pending.pop_front() {
                Some(line) => {
                    bytes += line.len();
                    out.send(&line);
                }
                None => break,
            }
            if rows != usize::MAX {
                rows -= 1;
            }
        }
        self.after_page(out);
    }

    fn after_page(&mut self, out: &mut Out) {
        if self.pending.is_empty() {
            self.finish_output(out);
        } else {
            out.send(pager_string(self.platform).as_bytes());
            self.state = State::More;
        }
    }

    fn finish_output(&mut self, out: &mut Out) {
        self.state = State::Line;
        out.send(self.prompt().as_bytes());
    }

    /// One Enter at the prompt with `line` typed.
    fn execute(&mut self, line: &str, out: &mut Out) {
        super::command_log::record(&self.name, line);
        out.delay(self.latency);
        let words = words_with_offsets(line);
        if words.is_empty() {
            out.send(self.prompt().as_bytes());
            return;
        }
        match self.builtin(&words, out) {
            Builtin::Handled => return,
            Builtin::Invalid(w) => {
                self.invalid_input(line, &words, w, out);
                return;
            }
            Builtin::Incomplete => {
                self.incomplete(out);
                return;
            }
            Builtin::Other => {}
        }
        let command = normalize_command(line);
        match self.space_output(&command) {
            Some(Ok(text)) => return self.print_output(&command, &text, out),
            Some(Err(())) => return self.invalid_input(line, &words, 1, out),
            None => {}
        }
        if self.scenario == Scenario::HugeOutput && command == HUGE_COMMAND {
            self.shows += 1;
            self.pending = Pending {
                lines: VecDeque::new(),
                gen: Some(HugeIpsec {
                    platform: self.platform,
                    hostname: self.hostname.clone(),
                    seed: self.seed,
                    next: 0,
                    remaining: self.huge_output_bytes.max(1),
                }),
            };
            self.print_page(out);
            return;
        }
        let (scenario, seed) = self.render_as();
        let ctx = RenderCtx {
            platform: self.platform,
            scenario,
            hostname: &self.hostname,
            seed,
            drift: self.drift,
        };
        match render::render(&ctx, &command) {
            Some(text) => self.print_output(&command, &text, out),
            None => match locate_error(self.platform, &command) {
                CommandError::Incomplete => self.incomplete(out),
                CommandError::InvalidAt(w) => self.invalid_input(line, &words, w, out),
            },
        }
    }

    fn print_output(&mut self, command: &str, text: &str, out: &mut Out) {
        let mut lines = crlf_lines(text);
        let show = command.starts_with("show ");
        if show {
            self.shows += 1;
        }
        let half = lines.len().div_ceil(2).max(1).min(lines.len());
        match self.scenario {
            Scenario::StallMidOutput if show && !self.stalled => {
                self.stalled = true;
                for l in lines.iter().take(half) {
                    out.send(l);
                }
                self.state = State::Silent;
                return;
            }
            Scenario::DisconnectMidOutput if show && self.shows > SHOWS_BEFORE_DISCONNECT => {
                for l in lines.iter().take(half) {
                    out.send(l);
                }
                out.delay(DROP_AFTER);
                out.push(Action::Drop);
                self.state = State::Closed;
                return;
            }
            Scenario::Garbage if show => {
                lines = lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| garble(i, l))
                    .collect();
                // A colour reset right before the prompt, as colouring CLIs print.
                if let Some(last) = lines.last_mut() {
                    last.extend_from_slice(b"\x1b[0m");
                }
            }
            Scenario::SlowCommand if show && self.shows == 1 => out.delay(SLOW_COMMAND_DELAY),
            // The prompt that ends the first show output is already the new context's.
            Scenario::ContextChange if show && self.is_asa() => {
                self.context = Some(CHANGED_CONTEXT);
            }
            _ => {}
        }
        self.pending = Pending::from_lines(lines);
        self.print_page(out);
    }

    fn incomplete(&mut self, out: &mut Out) {
        if self.is_asa() {
            out.send(b"ERROR: % Incomplete command\r\n");
        } else {
            out.send(b"% Incomplete command.\r\n\r\n");
        }
        out.send(self.prompt().as_bytes());
    }

    fn invalid_input(&mut self, line: &str, words: &[(usize, &str)], w: usize, out: &mut Out) {
        let offset = words
            .get(w)
            .or(words.last())
            .map_or(line.len(), |(o, _)| *o);
        let col = self.prompt().len() + offset;
        let mut msg = " ".repeat(col);
        msg.push_str("^\r\n");
        if self.is_asa() {
            msg.push_str("ERROR: % Invalid input detected at '^' marker.\r\n");
        } else {
            msg.push_str("% Invalid input detected at '^' marker.\r\n\r\n");
        }
        out.send(msg.as_bytes());
        out.send(self.prompt().as_bytes());
    }

    /// Session commands the device answers itself (not through the renderers).
    fn builtin(&mut self, words: &[(usize, &str)], out: &mut Out) -> Builtin {
        let lw: Vec<String> = words.iter().map(|(_, w)| w.to_ascii_lowercase()).collect();
        let lw: Vec<&str> = lw.iter().map(String::as_str).collect();
        let asa = self.is_asa();
        match lw.as_slice() {
            ["enable"] => {
                if self.privileged || self.enable_secret.is_none() {
                    self.privileged = true;
                    out.send(self.prompt().as_bytes());
                } else {
                    out.send(b"Password: ");
                    self.state = State::EnableSecret;
                }
                Builtin::Handled
            }
            ["disable"] => {
                self.privileged = false;
                out.send(self.prompt().as_bytes());
                Builtin::Handled
            }
            ["exit"] | ["logout"] | ["quit"] => {
                if asa {
                    out.send(b"\r\nLogoff\r\n\r\n");
                }
                out.close();
                self.state = State::Closed;
                Builtin::Handled
            }
            ["terminal"] => Builtin::Incomplete,
            ["terminal", "length"] if !asa => Builtin::Incomplete,
            // A restricted parser view without `terminal length` / `terminal pager`.
            ["terminal", "length", _] | ["terminal", "pager", ..]
                if self.scenario == Scenario::PagerStuck =>
            {
                Builtin::Invalid(1)
            }
            ["terminal", "length", n] if !asa => match n.parse::<u16>() {
                Ok(n) if n <= 512 => {
                    self.page_length = usize::from(n);
                    out.send(self.prompt().as_bytes());
                    Builtin::Handled
                }
                _ => Builtin::Invalid(2),
            },
            ["terminal", "pager"] if asa => Builtin::Incomplete,
            ["terminal", "pager", "lines"] if asa => Builtin::Incomplete,
            ["terminal", "pager", n] | ["terminal", "pager", "lines", n] if asa => {
                match n.parse::<u16>() {
                    Ok(n) if n <= 512 => {
                        self.page_length = usize::from(n);
                        out.send(self.prompt().as_bytes());
                        Builtin::Handled
                    }
                    _ => Builtin::Invalid(lw.len() - 1),
                }
            }
            ["terminal", "width", n] => match n.parse::<u16>() {
                Ok(_) => {
                    out.send(self.prompt().as_bytes());
                    Builtin::Handled
                }
                Err(_) => Builtin::Invalid(2),
            },
            ["terminal", ..] => Builtin::Invalid(1),
            // Unit tests only: `show simtest-lines N` prints N numbered lines (large outputs
            // and stalls without depending on the renderers).
            #[cfg(test)]
            ["show", "simtest-lines", n] => match n.parse::<usize>() {
                Ok(n) => {
                    let text: String = (1..=n).map(|i| format!("line {i}\n")).collect();
                    self.print_output("show simtest-lines", &text, out);
                    Builtin::Handled
                }
                Err(_) => Builtin::Invalid(2),
            },
            [first, ..] if asa && first.len() >= 4 && "changeto".starts_with(first) => {
                self.changeto(words, &lw, out)
            }
            // The poller never configures; the simulated devices refuse to.
            [first, ..] if "configure".starts_with(first) && first.len() >= 4 => {
                Builtin::Invalid(0)
            }
            _ => Builtin::Other,
        }
    }
}

#[cfg(test)]
mod tests;
