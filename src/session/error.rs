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
    #[error("protocol error: {0}")]
    Protocol(String),
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
            SessionError::Closed { .. } | SessionError::Protocol(_) => ErrorClass::Protocol,
        }
    }
}
