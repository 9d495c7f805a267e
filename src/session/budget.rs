//! A device's time budget: every wait of a session ends at an absolute [`Deadline`] computed
//! here, a stage's own timeout capped by the device's deadline, so no layer re-derives its
//! clock and a wait the device's budget cut short says so with a typed error.

use super::error::{SessionError, Stage};
use crate::inventory::ResolvedTimeouts;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// The device's deadline (`timeouts.device` from when its polling started, retries
/// included) and the per-stage timeouts each wait is also bounded by.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    device: Instant,
    timeouts: ResolvedTimeouts,
}

impl Budget {
    /// Start the device's clock now.
    pub fn start(timeouts: ResolvedTimeouts) -> Budget {
        Budget {
            device: Instant::now() + timeouts.device,
            timeouts,
        }
    }

    /// When the device's whole budget runs out.
    pub fn device_deadline(&self) -> Instant {
        self.device
    }

    pub fn timeouts(&self) -> &ResolvedTimeouts {
        &self.timeouts
    }

    /// How long `stage` may take on its own. The shell is opened within the prompt timeout,
    /// and paging off is a command.
    pub fn allowance(&self, stage: Stage) -> Duration {
        let t = &self.timeouts;
        match stage {
            Stage::Connect => t.connect,
            Stage::Auth => t.auth,
            Stage::Shell | Stage::Prompt | Stage::Close => t.prompt,
            Stage::Enable => t.enable,
            Stage::Paging | Stage::Context | Stage::Command => t.command,
        }
    }

    /// The deadline of a wait in `stage` starting now.
    pub fn until(&self, stage: Stage) -> Deadline {
        self.within(self.allowance(stage))
    }

    /// The deadline of a wait of `allowed` starting now (a command's own timeout, a jump
    /// host's timeouts).
    pub fn within(&self, allowed: Duration) -> Deadline {
        self.cap(Instant::now() + allowed, allowed)
    }

    /// `at` (the end of a wait of `allowed`), or the device's deadline when that comes first.
    pub fn cap(&self, at: Instant, allowed: Duration) -> Deadline {
        if self.device <= at {
            Deadline {
                at: self.device,
                allowed,
                device: Some(self.timeouts.device),
            }
        } else {
            Deadline {
                at,
                allowed,
                device: None,
            }
        }
    }
}

/// When one wait must end, and whether that moment is the device's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
    /// The wait's own timeout, for the message of a stage timeout.
    allowed: Duration,
    /// `timeouts.device` when `at` is the device's deadline.
    device: Option<Duration>,
}

impl Deadline {
    pub fn instant(&self) -> Instant {
        self.at
    }

    pub fn allowed(&self) -> Duration {
        self.allowed
    }

    /// The error for this deadline having passed: the device's budget when that is what ran
    /// out (whatever the stage), else the stage's own timeout error.
    pub fn expired(&self, stage_timeout: impl FnOnce() -> SessionError) -> SessionError {
        match self.device {
            Some(waited) => SessionError::DeviceDeadline { waited },
            None => stage_timeout(),
        }
    }

    /// `fut`, cut off at this deadline: a timeout of `stage` after the wait's own timeout, or
    /// the device's deadline.
    pub async fn run<T>(
        self,
        stage: Stage,
        fut: impl Future<Output = Result<T, SessionError>>,
    ) -> Result<T, SessionError> {
        match tokio::time::timeout_at(self.at, fut).await {
            Ok(r) => r,
            Err(_) => Err(self.expired(|| SessionError::Timeout {
                stage,
                waited: self.allowed,
                tail: String::new(),
            })),
        }
    }
}

/// A plain deadline with no device budget behind it (the channel's unit tests, and callers
/// that bound a wait of their own).
impl From<Instant> for Deadline {
    fn from(at: Instant) -> Deadline {
        Deadline {
            at,
            allowed: at.saturating_duration_since(Instant::now()),
            device: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeouts() -> ResolvedTimeouts {
        ResolvedTimeouts {
            connect: Duration::from_secs(10),
            command: Duration::from_secs(60),
            device: Duration::from_secs(30),
            ..ResolvedTimeouts::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_stage_deadline_is_capped_by_the_device_deadline() {
        let b = Budget::start(timeouts());
        let connect = b.until(Stage::Connect);
        assert_eq!(connect.instant(), Instant::now() + Duration::from_secs(10));
        assert!(matches!(
            connect.expired(|| SessionError::Protocol("stage".into())),
            SessionError::Protocol(_)
        ));
        let command = b.until(Stage::Command);
        assert_eq!(command.instant(), b.device_deadline());
        assert!(matches!(
            command.expired(|| SessionError::Protocol("stage".into())),
            SessionError::DeviceDeadline { waited } if waited == Duration::from_secs(30)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn run_reports_which_deadline_expired() {
        let b = Budget::start(timeouts());
        let hang = std::future::pending::<Result<(), SessionError>>;
        match b.until(Stage::Connect).run(Stage::Connect, hang()).await {
            Err(SessionError::Timeout { stage, waited, .. }) => {
                assert_eq!(stage, Stage::Connect);
                assert_eq!(waited, Duration::from_secs(10));
            }
            r => panic!("unexpected {r:?}"),
        }
        let r = b.until(Stage::Command).run(Stage::Command, hang()).await;
        assert!(
            matches!(r, Err(SessionError::DeviceDeadline { .. })),
            "{r:?}"
        );
    }
}
