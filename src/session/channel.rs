//! Bytes → "send a line, read until the prompt". A streaming sanitizer keeps completed lines
//! and the current unterminated line apart, so prompt and pager detection look only at that
//! last line (bounded), never rescanning the output: cost is linear in bytes received.

use super::budget::Deadline;
use super::error::{SessionError, Stage};
use super::platform::{Mode, PlatformDef};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

pub use super::screen::Screen;

/// What a read stopped on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Prompt { mode: Mode, host: String },
    Password,
}

/// One command's output, echo and prompt removed.
#[derive(Debug, Clone)]
pub struct Output {
    pub text: String,
    pub truncated: bool,
}

/// A line-oriented CLI conversation over any byte stream (an SSH channel, a pty, a test duplex).
pub struct Channel<S> {
    stream: S,
    screen: Screen,
    def: &'static PlatformDef,
    host: Option<String>,
    buf: Vec<u8>,
    secrets: Vec<String>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Channel<S> {
    pub fn new(stream: S, def: &'static PlatformDef, max_output: usize) -> Self {
        Channel {
            stream,
            screen: Screen::new(max_output),
            def,
            host: None,
            // 4 KiB: one per in-flight session (1000 at once in a big sweep); a larger read
            // saves no work, the SSH channel hands over its packets whatever the size.
            buf: vec![0u8; 4 * 1024],
            secrets: Vec::new(),
        }
    }

    /// Strings that must never appear in an error message (the device might echo them).
    pub fn set_secrets(&mut self, secrets: Vec<String>) {
        self.secrets = secrets.into_iter().filter(|s| !s.is_empty()).collect();
    }

    pub fn hostname(&self) -> Option<&str> {
        self.host.as_deref()
    }

    pub fn redact(&self, s: &str) -> String {
        let mut s = s.to_string();
        for secret in &self.secrets {
            s = s.replace(secret.as_str(), "******");
        }
        s
    }

    pub async fn write_line(&mut self, line: &str, stage: Stage) -> Result<(), SessionError> {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.stream
            .write_all(&bytes)
            .await
            .map_err(|e| SessionError::Closed {
                stage,
                tail: format!("write failed: {e}"),
            })?;
        self.stream.flush().await.map_err(|e| SessionError::Closed {
            stage,
            tail: format!("write failed: {e}"),
        })
    }

    fn check(&mut self, want_password: bool) -> Option<Stop> {
        let line = self.screen.current_line()?;
        if line.is_empty() {
            return None;
        }
        if let Some((mode, host)) = self.def.classify_prompt(line) {
            let ours = match &self.host {
                None => true,
                Some(h) => self.def.same_device(h, &host),
            };
            if ours {
                self.host = Some(host.clone());
                return Some(Stop::Prompt { mode, host });
            }
        }
        if want_password && self.def.password_prompt.is_match(line) {
            return Some(Stop::Password);
        }
        None
    }

    /// Read until a prompt (or, when `want_password`, a password prompt), answering pagers on
    /// the way. Fails with `Timeout` at `deadline` (`DeviceDeadline` when that is the device's),
    /// `Closed` on EOF.
    pub async fn read_until(
        &mut self,
        want_password: bool,
        deadline: impl Into<Deadline>,
        stage: Stage,
    ) -> Result<Stop, SessionError> {
        let deadline = deadline.into();
        let started = Instant::now();
        loop {
            let read = tokio::time::timeout_at(deadline.instant(), self.stream.read(&mut self.buf));
            let n = match read.await {
                Err(_) => {
                    return Err(deadline.expired(|| SessionError::Timeout {
                        stage,
                        waited: started.elapsed(),
                        tail: self.redact(&self.screen.tail()),
                    }))
                }
                Ok(Err(e)) => {
                    return Err(SessionError::Closed {
                        stage,
                        tail: self.redact(&format!("{e}; {}", self.screen.tail())),
                    })
                }
                Ok(Ok(0)) => {
                    return Err(SessionError::Closed {
                        stage,
                        tail: self.redact(&self.screen.tail()),
                    })
                }
                Ok(Ok(n)) => n,
            };
            let chunk = &self.buf[..n];
            self.screen.feed(chunk);
            if let Some(line) = self.screen.current_line() {
                if !line.is_empty() && self.def.pager.is_match(line) {
                    self.screen.clear_current();
                    let answer = self.def.pager_answer.clone();
                    self.stream
                        .write_all(answer.as_bytes())
                        .await
                        .map_err(|e| SessionError::Closed {
                            stage,
                            tail: format!("write failed: {e}"),
                        })?;
                    continue;
                }
            }
            if let Some(stop) = self.check(want_password) {
                return Ok(stop);
            }
        }
    }

    /// Send `command`, read to the prompt, strip the echo, and check the platform's failure
    /// indicators.
    pub async fn send_command(
        &mut self,
        command: &str,
        deadline: impl Into<Deadline>,
        stage: Stage,
    ) -> Result<Output, SessionError> {
        // Anything left from before (a stray banner line) is not this command's output.
        let _ = self.screen.take_output();
        self.screen.clear_current();
        self.write_line(command, stage).await?;
        match self.read_until(false, deadline, stage).await? {
            Stop::Prompt {
                mode: Mode::Config, ..
            } => {
                return Err(SessionError::Protocol(format!(
                    "device entered configuration mode after `{command}`; refusing to continue"
                )))
            }
            Stop::Prompt { .. } | Stop::Password => {}
        }
        let (raw, truncated) = self.screen.take_output();
        self.screen.clear_current();
        let text = strip_echo(&raw, command);
        if let Some(ind) = self.def.failure_in(&text) {
            return Err(SessionError::CommandRejected {
                command: command.to_string(),
                indicator: ind.to_string(),
            });
        }
        Ok(Output { text, truncated })
    }

    /// After a command failed part-way: the lines it had printed (echo removed); consumes them.
    pub fn take_partial(&mut self, command: &str) -> String {
        let (raw, _) = self.screen.take_output();
        self.screen.clear_current();
        strip_echo(&raw, command)
    }

    /// Lines received before the prompt just read, consumed together with that prompt (e.g.
    /// what `enable` answered).
    pub fn take_text(&mut self) -> String {
        self.screen.clear_current();
        self.screen.take_output().0
    }

    pub fn into_inner(self) -> S {
        self.stream
    }
}

/// Drop the echoed command line (possibly preceded by a redrawn prompt) from the output.
pub fn strip_echo(output: &str, command: &str) -> String {
    let cmd = command.trim();
    let mut lines = output.splitn(2, '\n');
    let first = lines.next().unwrap_or("");
    let rest = lines.next();
    let first_trim = first.trim_end();
    if !cmd.is_empty() && first_trim.ends_with(cmd) {
        rest.unwrap_or("").to_string()
    } else if first_trim.is_empty() && rest.is_some() {
        // An empty first line: the echo may come next (some devices print CRLF first).
        let rest = rest.unwrap_or("");
        let mut l2 = rest.splitn(2, '\n');
        let second = l2.next().unwrap_or("");
        if !cmd.is_empty() && second.trim_end().ends_with(cmd) {
            l2.next().unwrap_or("").to_string()
        } else {
            output.to_string()
        }
    } else {
        output.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::platform::definition;
    use crate::Platform;
    use rand::{Rng, SeedableRng};
    use std::time::Duration;
    use tokio::io::{duplex, AsyncBufReadExt, BufReader};

    #[test]
    fn screen_normalizes_crlf_ansi_and_erasure() {
        let mut s = Screen::new(1 << 20);
        s.feed(b"one \r\ntw\x1b[1mo\x1b[0m\r\n --More-- \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08          \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08three\r\nfour\r     \rfive\r\nRouter#");
        let (out, trunc) = s.take_output();
        assert_eq!(out, "one\ntwo\nthree\nfive\n");
        assert!(!trunc);
        assert_eq!(s.current_line(), Some("Router#"));
    }

    #[test]
    fn screen_split_escape_and_crlf_across_chunks() {
        let mut s = Screen::new(1 << 20);
        for b in b"a\x1b[3"
            .iter()
            .chain(b"1mb\r".iter())
            .chain(b"\nc".iter())
        {
            s.feed(&[*b]);
        }
        assert_eq!(s.take_output().0, "ab\n");
        assert_eq!(s.current_line(), Some("c"));
    }

    #[test]
    fn screen_drops_three_byte_escapes_and_ignores_del() {
        let mut s = Screen::new(1 << 20);
        s.feed(b"\x1b(Bone\x1b)0 two\x1b#8\x1b[m three\r\ntw\x7fo\r\n");
        assert_eq!(s.take_output().0, "one two three\ntwo\n");
    }

    #[test]
    fn screen_caps_output_and_reports_truncation() {
        let mut s = Screen::new(100);
        for _ in 0..50 {
            s.feed(b"0123456789\r\n");
        }
        let (out, trunc) = s.take_output();
        assert!(trunc);
        assert!(out.len() <= 100);
    }

    fn split_chunks(data: Vec<u8>, chunk: &mut dyn FnMut() -> usize) -> Vec<Vec<u8>> {
        let mut parts = Vec::new();
        let mut i = 0;
        while i < data.len() {
            let n = chunk().max(1).min(data.len() - i);
            parts.push(data[i..i + n].to_vec());
            i += n;
        }
        parts
    }

    /// A scripted device: for each line it reads, writes the canned reply in chunks whose sizes
    /// come from `chunk`, yielding between chunks so the reader sees every split.
    async fn device(
        stream: tokio::io::DuplexStream,
        greeting: Vec<u8>,
        replies: Vec<(&'static str, Vec<u8>)>,
        mut chunk: impl FnMut() -> usize + Send + 'static,
    ) {
        let (r, mut w) = tokio::io::split(stream);
        let mut r = BufReader::new(r);
        for p in split_chunks(greeting, &mut chunk) {
            if w.write_all(&p).await.is_err() {
                return;
            }
            tokio::task::yield_now().await;
        }
        let mut line = String::new();
        loop {
            line.clear();
            match r.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let cmd = line.trim().to_string();
            let reply = replies
                .iter()
                .find(|(c, _)| *c == cmd)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| {
                    b"\r\n% Invalid input detected at '^' marker.\r\n\r\nR1#".to_vec()
                });
            let mut all = format!("{cmd}\r\n").into_bytes();
            all.extend_from_slice(&reply);
            for p in split_chunks(all, &mut chunk) {
                if w.write_all(&p).await.is_err() {
                    return;
                }
                tokio::task::yield_now().await;
            }
        }
    }

    fn isakmp_reply() -> Vec<u8> {
        b"IPv4 Crypto ISAKMP SA\r\ndst             src             state          conn-id status\r\n10.0.0.2        10.0.0.1        QM_IDLE           1001 ACTIVE\r\n10.0.0.3        10.0.0.1        MM_NO_STATE       1002 ACTIVE\r\n\r\nR1#".to_vec()
    }

    async fn converse(chunk: impl FnMut() -> usize + Send + 'static) {
        let def = definition(Platform::CiscoIos).unwrap();
        let (a, b) = duplex(64);
        tokio::spawn(device(
            b,
            b"\r\n\x1b[0mWelcome\r\n\r\nR1#".to_vec(),
            vec![
                ("terminal length 0", b"R1#".to_vec()),
                ("show crypto isakmp sa", isakmp_reply()),
            ],
            chunk,
        ));
        let mut ch = Channel::new(a, def, 1 << 20);
        let deadline = Instant::now() + Duration::from_secs(5);
        let stop = ch.read_until(false, deadline, Stage::Prompt).await.unwrap();
        assert_eq!(
            stop,
            Stop::Prompt {
                mode: Mode::Privileged,
                host: "R1".into()
            }
        );
        let out = ch
            .send_command(
                "terminal length 0",
                Instant::now() + Duration::from_secs(5),
                Stage::Paging,
            )
            .await
            .unwrap();
        assert_eq!(out.text, "");
        let out = ch
            .send_command(
                "show crypto isakmp sa",
                Instant::now() + Duration::from_secs(5),
                Stage::Command,
            )
            .await
            .unwrap();
        assert_eq!(
            out.text,
            "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n10.0.0.2        10.0.0.1        QM_IDLE           1001 ACTIVE\n10.0.0.3        10.0.0.1        MM_NO_STATE       1002 ACTIVE\n\n"
        );
        let err = ch
            .send_command(
                "show bogus",
                Instant::now() + Duration::from_secs(5),
                Stage::Command,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, SessionError::CommandRejected { ref indicator, .. } if indicator == "% Invalid input"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn replay_one_byte_at_a_time() {
        converse(|| 1).await;
    }

    #[tokio::test]
    async fn replay_random_chunks() {
        for seed in 0..20u64 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            converse(move || rng.gen_range(1..=40)).await;
        }
    }

    #[tokio::test]
    async fn pager_is_answered_and_erased() {
        let def = definition(Platform::CiscoAsa).unwrap();
        let (a, b) = duplex(1024);
        let page2 = b"line3\r\nfw1#".to_vec();
        tokio::spawn(async move {
            let (mut r, mut w) = tokio::io::split(b);
            w.write_all(b"fw1#").await.unwrap();
            let mut buf = [0u8; 64];
            let n = r.read(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"show run\n");
            w.write_all(b"show run\r\nline1\r\nline2\r\n<--- More --->")
                .await
                .unwrap();
            let n = r.read(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b" ");
            w.write_all(b"\r              \r").await.unwrap();
            w.write_all(&page2).await.unwrap();
            let _ = r.read(&mut buf).await;
        });
        let mut ch = Channel::new(a, def, 1 << 20);
        ch.read_until(
            false,
            Instant::now() + Duration::from_secs(5),
            Stage::Prompt,
        )
        .await
        .unwrap();
        let out = ch
            .send_command(
                "show run",
                Instant::now() + Duration::from_secs(5),
                Stage::Command,
            )
            .await
            .unwrap();
        assert_eq!(out.text, "line1\nline2\nline3\n");
    }

    #[tokio::test(start_paused = true)]
    async fn no_prompt_times_out_at_its_deadline() {
        let def = definition(Platform::CiscoIos).unwrap();
        let (a, mut b) = duplex(1024);
        b.write_all(b"Banner without prompt\r\n").await.unwrap();
        let mut ch = Channel::new(a, def, 1 << 20);
        let start = Instant::now();
        let err = ch
            .read_until(false, start + Duration::from_secs(15), Stage::Prompt)
            .await
            .unwrap_err();
        match err {
            SessionError::Timeout {
                stage,
                waited,
                tail,
            } => {
                assert_eq!(stage, Stage::Prompt);
                assert_eq!(waited, Duration::from_secs(15));
                assert!(tail.contains("Banner without prompt"));
            }
            e => panic!("unexpected {e}"),
        }
        drop(b);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_the_device_deadline_ends_says_so() {
        let def = definition(Platform::CiscoIos).unwrap();
        let (a, _b) = duplex(1024);
        let mut ch = Channel::new(a, def, 1 << 20);
        let budget = crate::session::budget::Budget::start(crate::inventory::ResolvedTimeouts {
            device: Duration::from_secs(5),
            ..Default::default()
        });
        let start = Instant::now();
        let err = ch
            .read_until(false, budget.until(Stage::Prompt), Stage::Prompt)
            .await
            .unwrap_err();
        assert!(
            matches!(err, SessionError::DeviceDeadline { waited } if waited == Duration::from_secs(5)),
            "{err}"
        );
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn stall_mid_output_times_out_with_the_tail() {
        let def = definition(Platform::CiscoIos).unwrap();
        let (a, b) = duplex(1024);
        let (mut r, mut w) = tokio::io::split(b);
        w.write_all(b"R1#").await.unwrap();
        let mut ch = Channel::new(a, def, 1 << 20);
        ch.read_until(
            false,
            Instant::now() + Duration::from_secs(1),
            Stage::Prompt,
        )
        .await
        .unwrap();
        let dev = tokio::spawn(async move {
            let mut buf = [0u8; 64];
            let _ = r.read(&mut buf).await;
            w.write_all(b"show crypto ipsec sa\r\ninterface: Gi0/0\r\n  Crypto map tag: CM")
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(w);
        });
        let start = Instant::now();
        let err = ch
            .send_command(
                "show crypto ipsec sa",
                Instant::now() + Duration::from_secs(30),
                Stage::Command,
            )
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            SessionError::Timeout {
                stage: Stage::Command,
                ..
            }
        ));
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        assert!(err.to_string().contains("Crypto map tag: CM"));
        dev.abort();
    }

    #[tokio::test]
    async fn closed_stream_is_reported_with_stage() {
        let def = definition(Platform::CiscoIos).unwrap();
        let (a, mut b) = duplex(1024);
        b.write_all(b"partial").await.unwrap();
        drop(b);
        let mut ch = Channel::new(a, def, 1 << 20);
        let err = ch
            .read_until(
                false,
                Instant::now() + Duration::from_secs(5),
                Stage::Prompt,
            )
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            SessionError::Closed {
                stage: Stage::Prompt,
                ..
            }
        ));
    }

    #[test]
    fn strip_echo_variants() {
        assert_eq!(strip_echo("show clock\n*10:00\n", "show clock"), "*10:00\n");
        assert_eq!(
            strip_echo("R1#show clock\n*10:00\n", "show clock"),
            "*10:00\n"
        );
        assert_eq!(
            strip_echo("\nshow clock\n*10:00\n", "show clock"),
            "*10:00\n"
        );
        assert_eq!(strip_echo("*10:00\n", "show clock"), "*10:00\n");
    }
}
