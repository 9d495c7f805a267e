//! Session errors, one variant per thing a caller can do something about, and the stage at
//! which a device failed. A failed device is a result (a CSV row), never an abort.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// Where in a device's session something happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Connect,
    Auth,
    Shell,
    Prompt,
    Enable,
    Paging,
    /// ASA multiple-context mode: `changeto system`, `show context`, `changeto context NAME`.
    Context,
    Command,
    Close,
}

impl Stage {
    pub fn id(self) -> &'static str {
        match self {
            Stage::Connect => "connect",
            Stage::Auth => "auth",
            Stage::Shell => "shell",
            Stage::Prompt => "prompt",
            Stage::Enable => "enable",
            Stage::Paging => "paging",
            Stage::Context => "context",
            Stage::Command => "command",
            Stage::Close => "close",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The error classes of the CSV `error` column and the JSONL `error_class` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    Unreachable,
    Timeout,
    AuthFailed,
    HostKey,
    Protocol,
    Rejected,
    Interrupted,
    Deadline,
    /// `asa_contexts` lists a context that the device's `show context` does not.
    NoSuchContext,
}

impl ErrorClass {
    pub fn id(self) -> &'static str {
        match self {
            ErrorClass::Unreachable => "unreachable",
            ErrorClass::Timeout => "timeout",
            ErrorClass::AuthFailed => "auth_failed",
            ErrorClass::HostKey => "host_key",
            ErrorClass::Protocol => "protocol",
            ErrorClass::Rejected => "rejected",
            ErrorClass::Interrupted => "interrupted",
            ErrorClass::Deadline => "deadline",
            ErrorClass::NoSuchContext => "no_such_context",
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum SessionError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("host key rejected: {0}")]
    HostKeyRejected(String),
    #[error("authentication rejected: {0}")]
    AuthRejected(String),
    #[error("timed out after {waited:?} at stage {stage}; last output: {tail:?}")]
    Timeout {
        stage: Stage,
        waited: Duration,
        tail: String,
    },
    /// The device's whole budget (`timeouts.device`) ran out, in whatever stage it was.
    #[error("device deadline of {waited:?} reached")]
    DeviceDeadline { waited: Duration },
    #[error("command `{command}` rejected by the device: {indicator}")]
    CommandRejected { command: String, indicator: String },
    #[error("connection closed by the device at stage {stage}; last output: {tail:?}")]
    Closed { stage: Stage, tail: String },
    /// This machine failed the session (starting ssh, its log, the pty, a temporary file):
    /// `what` was being done, `detail` is the system's word for it.
    #[error("protocol error: {what}: {detail}")]
    Local { what: &'static str, detail: String },
    /// The SSH protocol failed (key exchange, authentication, the session channel) while
    /// `during`; `detail` is the SSH library's error.
    #[error("protocol error: {during}: {detail}")]
    Ssh {
        during: &'static str,
        detail: String,
    },
    /// The OpenSSH client exited before the session could be used.
    #[error("protocol error: ssh exited at stage {stage}: {why}")]
    SshExited { stage: Stage, why: String },
    /// Anything else the device or the client did that fleetpoll cannot work with.
    #[error("protocol error: {0}")]
    Protocol(String),
}

impl SessionError {
    pub fn local(what: &'static str, e: impl fmt::Display) -> Self {
        SessionError::Local {
            what,
            detail: e.to_string(),
        }
    }

    pub fn ssh(during: &'static str, e: impl fmt::Display) -> Self {
        SessionError::Ssh {
            during,
            detail: e.to_string(),
        }
    }
}

impl SessionError {
    pub fn class(&self) -> ErrorClass {
        match self {
            SessionError::Connect(_) => ErrorClass::Unreachable,
            SessionError::HostKeyRejected(_) => ErrorClass::HostKey,
            SessionError::AuthRejected(_) => ErrorClass::AuthFailed,
            SessionError::Timeout { .. } | SessionError::DeviceDeadline { .. } => {
                ErrorClass::Timeout
            }
            SessionError::CommandRejected { .. } => ErrorClass::Rejected,
            SessionError::Closed { .. }
            | SessionError::Local { .. }
            | SessionError::Ssh { .. }
            | SessionError::SshExited { .. }
            | SessionError::Protocol(_) => ErrorClass::Protocol,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed variants print what the single `Protocol(String)` printed before them, so the
    /// CSV's error_message and the JSONL error keep their text, and all are class `protocol`.
    #[test]
    fn typed_protocol_errors_keep_their_text_and_class() {
        let cases = [
            (
                SessionError::ssh("SSH handshake failed", "no common kex"),
                "protocol error: SSH handshake failed: no common kex",
            ),
            (
                SessionError::local("cannot start ssh", "No such file or directory"),
                "protocol error: cannot start ssh: No such file or directory",
            ),
            (
                SessionError::SshExited {
                    stage: Stage::Auth,
                    why: "Permission denied".into(),
                },
                "protocol error: ssh exited at stage auth: Permission denied",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
            assert_eq!(e.class(), ErrorClass::Protocol);
        }
    }
}
