//! The fleet runner: one task per planned job under a concurrency semaphore, a budget per
//! device and a deadline for the whole run, a stop signal with a grace period (a second stop
//! cuts it short), each device assessed as it finishes, and exactly one [`DeviceReport`] per
//! planned device (per security context for `asa_contexts`: [`contexts`]), in inventory
//! order, whatever happened to it.

mod contexts;

pub use crate::outcome::{CommandReport, CommandStatus, DeviceReport, PollStatus};

use crate::assess;
use crate::inventory::Host;
use crate::plan::{Plan, PollJob};
use crate::session::budget::Budget;
use crate::session::driver::{self, Progress};
use crate::session::error::{ErrorClass, SessionError, Stage};
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub concurrency: usize,
    /// Bound on the whole run; devices not finished by then are marked `deadline`.
    pub deadline: Option<Duration>,
    /// After a stop signal, how long in-flight devices may finish.
    pub grace: Duration,
    /// Keep each command's raw output in its report (snapshots, `--include-raw`). Off, a
    /// device's text is dropped once parsed.
    pub keep_raw: bool,
    /// Keep each command's parsed record (snapshots, JSONL). Off, records are dropped once
    /// the device is judged, so a 10,000-device sweep holds metrics and findings only.
    pub keep_records: bool,
    /// How long the first wave of logins (the first `concurrency` devices) is spread over;
    /// `None` is [`auto_ramp`]. Zero opens them all at once.
    pub ramp: Option<Duration>,
}

/// The default ramp: 2 ms per device of the first wave (about the CPU of one login, key
/// exchange and host-key signature, on one core), at most 5 s.
pub fn auto_ramp(first_wave: usize) -> Duration {
    (Duration::from_millis(2) * first_wave.min(2500) as u32).min(Duration::from_secs(5))
}

impl RunOptions {
    /// The ramp a run of `jobs` devices gets: the one set, else [`auto_ramp`] of its first
    /// wave.
    pub fn ramp_for(&self, jobs: usize) -> Duration {
        self.ramp
            .unwrap_or_else(|| auto_ramp(first_wave(self.concurrency, jobs)))
    }
}

/// How many devices start before any slot frees up.
fn first_wave(concurrency: usize, jobs: usize) -> usize {
    concurrency.max(1).min(jobs)
}

/// A ramp as `--ramp` takes it: 0, or a duration (`500ms`, `2s`).
pub fn parse_ramp(s: &str) -> Result<Duration, crate::inventory::DurationError> {
    if matches!(s.trim(), "0" | "0s" | "0ms") {
        return Ok(Duration::ZERO);
    }
    crate::inventory::settings_parse_duration(s)
}

/// When the `i`th device of the first wave may start, `ramp` after `t0` for the last one.
/// Devices that all log in at the same instant queue behind each other's CPU (and the AAA
/// server's) and, finishing together, hand the same burst to the next wave; started a
/// little apart, the slots stay apart for the whole run.
fn ramp_start(t0: Instant, ramp: Duration, first_wave: usize, i: usize) -> Option<Instant> {
    (i < first_wave && !ramp.is_zero()).then(|| t0 + ramp.mul_f64(i as f64 / first_wave as f64))
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 100,
            deadline: None,
            grace: Duration::from_secs(5),
            keep_raw: true,
            keep_records: true,
            ramp: None,
        }
    }
}

/// The signals that stop a run: Ctrl-C, `timeout`/systemd/Kubernetes, a closed terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Int,
    Term,
    Hup,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
            Signal::Hup => "SIGHUP",
        }
    }
}

/// Why the run is stopping early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// A stop signal: no new device starts, in-flight ones get the grace.
    Signal(Signal),
    /// `--deadline`: no grace.
    Deadline,
}

/// A handle to stop a run early. The first stop decides the reason; any later one cuts the
/// grace short (a second Ctrl-C, or the run deadline during the grace).
#[derive(Clone)]
pub struct Stopper {
    reason: Arc<watch::Sender<Option<StopReason>>>,
    hurry: Arc<watch::Sender<bool>>,
}

impl Stopper {
    /// Stop the run; returns false when it was already stopping (the grace is cut instead).
    pub fn stop(&self, reason: StopReason) -> bool {
        let first = self.reason.send_if_modified(|s| {
            if s.is_none() {
                *s = Some(reason);
                true
            } else {
                false
            }
        });
        if !first {
            self.hurry.send_replace(true);
        }
        first
    }
}

pub struct Runner {
    tx: Arc<watch::Sender<Option<StopReason>>>,
    hurry: Arc<watch::Sender<bool>>,
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl Runner {
    pub fn new() -> Self {
        Runner {
            tx: Arc::new(watch::channel(None).0),
            hurry: Arc::new(watch::channel(false).0),
        }
    }

    pub fn stopper(&self) -> Stopper {
        Stopper {
            reason: self.tx.clone(),
            hurry: self.hurry.clone(),
        }
    }

    /// Poll every device of the plan. `on_done` is called as each device finishes (progress),
    /// with its rows (one, or one per security context).
    pub async fn run(
        &self,
        plan: &Plan,
        opts: &RunOptions,
        on_done: impl Fn(&[DeviceReport]) + Send + Sync + 'static,
    ) -> Vec<DeviceReport> {
        let sem = Arc::new(Semaphore::new(opts.concurrency.max(1)));
        let on_done = Arc::new(on_done);
        if let Some(d) = opts.deadline {
            // Also when the run is already stopping: the deadline then cuts the grace short.
            let stopper = self.stopper();
            tokio::spawn(async move {
                tokio::time::sleep(d).await;
                stopper.stop(StopReason::Deadline);
            });
        }
        let health = Arc::new(plan.playbook.health.clone());
        let keep = (opts.keep_raw, opts.keep_records);
        let first_wave = first_wave(opts.concurrency, plan.jobs.len());
        let ramp = opts.ramp_for(plan.jobs.len());
        tracing::info!(devices = plan.jobs.len(), concurrency = opts.concurrency, ?ramp, deadline = ?opts.deadline, "sweep started");
        let t0 = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        let mut out: Vec<Option<Vec<DeviceReport>>> = vec![None; plan.jobs.len()];
        let mut stop_rx = self.tx.subscribe();
        for (i, job) in plan.jobs.iter().enumerate() {
            // Devices start in inventory order: the slot is taken here, before the task
            // exists, so only `concurrency` device tasks ever run or wait.
            let acquired = tokio::select! {
                biased;
                r = stopped(&mut stop_rx) => Err(r),
                p = sem.clone().acquire_owned() => p.map_err(|_| StopReason::Signal(Signal::Int)),
            };
            // A stop that came while the slot was being taken still wins.
            let stop = *stop_rx.borrow();
            let permit = match (acquired, stop) {
                (Ok(p), None) => p,
                (Err(reason), _) | (Ok(_), Some(reason)) => {
                    let r = not_started(&job.host, reason);
                    let rows = assessed(job, r, Progress::default(), &health);
                    out[i] = Some(finish(rows, keep, on_done.as_ref()));
                    continue;
                }
            };
            let job = job.clone();
            let rx = self.tx.subscribe();
            let hurry = self.hurry.subscribe();
            let grace = opts.grace;
            let health = health.clone();
            let on_done = on_done.clone();
            let start_at = ramp_start(t0, ramp, first_wave, i);
            set.spawn(async move {
                if let Some(at) = start_at {
                    let mut stop = rx.clone();
                    tokio::select! {
                        biased;
                        reason = stopped(&mut stop) => {
                            let rows = assessed(&job, not_started(&job.host, reason), Progress::default(), &health);
                            return (i, finish(rows, keep, on_done.as_ref()));
                        }
                        _ = tokio::time::sleep_until(at) => {}
                    }
                }
                let (r, progress) = poll_one(&job, permit, (rx, hurry), grace).await;
                let rows = assessed(&job, r, progress, &health);
                (i, finish(rows, keep, on_done.as_ref()))
            });
        }
        while let Some(j) = set.join_next().await {
            // A panicking task is a bug; its device still gets a row below.
            if let Ok((i, r)) = j {
                out[i] = Some(r);
            }
        }
        out.into_iter()
            .zip(plan.jobs.iter())
            .flat_map(|(r, job)| {
                r.unwrap_or_else(|| {
                    let mut r = skeleton(&job.host);
                    r.poll_status = PollStatus::Failed;
                    r.error_class = Some(ErrorClass::Protocol);
                    r.error = Some("internal error while polling this device".into());
                    assessed(job, r, Progress::default(), &plan.playbook.health)
                })
            })
            .collect()
    }
}

/// A device's rows (see [`contexts::rows`]), each assessed from its own command outputs.
fn assessed(
    job: &PollJob,
    device: DeviceReport,
    progress: Progress,
    health: &crate::health::HealthConfig,
) -> Vec<DeviceReport> {
    contexts::rows(job, device, progress)
        .into_iter()
        .map(|(mut r, runs)| {
            assess::device(&mut r, runs, &job.commands, health);
            r
        })
        .collect()
}

/// A device's rows once assessed: stripped of what nobody asked to keep, logged and
/// announced to `on_done`.
fn finish(
    mut rows: Vec<DeviceReport>,
    (keep_raw, keep_records): (bool, bool),
    on_done: &(impl Fn(&[DeviceReport]) + ?Sized),
) -> Vec<DeviceReport> {
    for r in &mut rows {
        for c in &mut r.commands {
            if !keep_raw {
                c.raw = None;
            }
            if !keep_records {
                c.record = None;
            }
        }
        tracing::info!(
            device = %r.device,
            status = r.poll_status.id(),
            stage = r.failed_stage.map(|s| s.id()),
            error = r.error_class.map(|c| c.id()),
            duration_ms = r.duration_ms,
            "device done"
        );
    }
    on_done(&rows);
    rows
}

fn stop_status(r: StopReason) -> (PollStatus, ErrorClass) {
    match r {
        StopReason::Signal(_) => (PollStatus::Interrupted, ErrorClass::Interrupted),
        StopReason::Deadline => (PollStatus::Deadline, ErrorClass::Deadline),
    }
}

/// The report of a device the run stopped before it could start.
fn not_started(h: &Host, reason: StopReason) -> DeviceReport {
    let mut r = skeleton(h);
    let (s, c) = stop_status(reason);
    r.poll_status = s;
    r.error_class = Some(c);
    r.error = Some("not started".into());
    r
}

fn skeleton(h: &Host) -> DeviceReport {
    DeviceReport {
        site: h.site.clone(),
        groups: h.groups.clone(),
        ..DeviceReport::blank(&h.name, &h.host, h.port, h.platform)
    }
}

/// Whether a failure is worth another attempt: nothing was sent to the device's CLI yet and
/// the cause may pass (unreachable, or a timeout before login completed).
fn transient(e: &SessionError, progress: &Progress) -> bool {
    let before_login =
        matches!(progress.stage, Stage::Connect | Stage::Auth) && progress.hostname.is_none();
    before_login
        && match e {
            SessionError::Connect(_) => true,
            SessionError::Timeout { stage, .. } => matches!(stage, Stage::Connect | Stage::Auth),
            _ => false,
        }
}

/// Poll with retries and exponential backoff for transient failures only.
async fn with_retries(
    job: &PollJob,
    budget: Budget,
    progress: &mut Progress,
    attempts: &mut u32,
) -> Result<(), SessionError> {
    let host = &job.host;
    let mut backoff = host.retry_backoff;
    loop {
        *attempts += 1;
        *progress = Progress::default();
        match driver::poll_with(
            host,
            job.platform,
            &job.lines,
            job.walk.as_ref(),
            budget,
            progress,
        )
        .await
        {
            Err(e) if *attempts <= host.retries && transient(&e, progress) => {
                tracing::info!(device = %host.name, attempt = *attempts, error = %e, ?backoff, "transient failure; retrying");
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
            r => return r,
        }
    }
}

async fn stopped(rx: &mut watch::Receiver<Option<StopReason>>) -> StopReason {
    // Copy the value out: the watch guard must not live across an await.
    let seen = rx.wait_for(|s| s.is_some()).await.map(|s| *s);
    match seen {
        Ok(s) => s.unwrap_or(StopReason::Signal(Signal::Int)),
        // The runner is gone: nothing will ever stop us.
        Err(_) => std::future::pending().await,
    }
}

/// Poll one device: its report filled in with how the session went, and the session's
/// progress (raw command outputs, per context with `asa_contexts`) for [`assess`] to read.
async fn poll_one(
    job: &PollJob,
    _permit: tokio::sync::OwnedSemaphorePermit,
    (mut rx, mut hurry): (watch::Receiver<Option<StopReason>>, watch::Receiver<bool>),
    grace: Duration,
) -> (DeviceReport, Progress) {
    let mut report = skeleton(&job.host);
    report.started_at = Some(Utc::now());
    let t0 = Instant::now();
    let mut progress = Progress::default();
    // One budget for all attempts. Every wait inside ends by the device's deadline with a
    // typed error; this outer bound also covers what is not a wait (backoff, writes).
    let budget = job.budget();
    let mut attempts = 0u32;
    let outcome: Result<Result<(), SessionError>, StopReason> = {
        // Boxed: the session's state is large, and every device's task exists from the
        // start of the run; only the `concurrency` running ones should carry it.
        let mut session = Box::pin(tokio::time::timeout_at(
            budget.device_deadline(),
            with_retries(job, budget, &mut progress, &mut attempts),
        ));
        tokio::select! {
            r = &mut session => Ok(r.unwrap_or(Err(SessionError::DeviceDeadline {
                waited: budget.timeouts().device,
            }))),
            reason = async {
                let r = stopped(&mut rx).await;
                // A signal leaves in-flight devices a grace period, which a second stop cuts
                // short; the run deadline leaves none.
                if matches!(r, StopReason::Signal(_)) {
                    tokio::select! {
                        _ = tokio::time::sleep(grace) => {}
                        _ = hurry.wait_for(|h| *h) => {}
                    }
                }
                r
            } => Err(reason),
        }
    };
    report.duration_ms = t0.elapsed().as_millis() as u64;
    report.attempts = attempts;
    report.hostname = progress.hostname.take();
    report.ssh_algorithms = progress.ssh_algorithms.take();
    match outcome {
        Ok(Ok(())) => report.poll_status = PollStatus::Polled,
        Ok(Err(e)) => {
            report.poll_status = PollStatus::Failed;
            let stage = match &e {
                SessionError::Timeout { stage, .. } | SessionError::Closed { stage, .. } => *stage,
                _ => progress.stage,
            };
            report.failed_stage = Some(stage);
            report.error_class = Some(e.class());
            report.error = Some(e.to_string());
        }
        Err(reason) => {
            let (s, c) = stop_status(reason);
            report.poll_status = s;
            report.failed_stage = Some(progress.stage);
            report.error_class = Some(c);
            report.error = Some(match reason {
                StopReason::Signal(s) => format!("interrupted ({})", s.name()),
                StopReason::Deadline => "run deadline reached".into(),
            });
        }
    }
    (report, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_ramp_is_two_ms_a_slot_up_to_five_seconds() {
        assert_eq!(auto_ramp(0), Duration::ZERO);
        assert_eq!(auto_ramp(100), Duration::from_millis(200));
        assert_eq!(auto_ramp(1000), Duration::from_secs(2));
        assert_eq!(auto_ramp(10_000), Duration::from_secs(5));
    }

    #[test]
    fn the_first_wave_starts_evenly_over_the_ramp_and_later_devices_do_not_wait() {
        let t0 = Instant::now();
        let ramp = Duration::from_millis(400);
        let at = |i| ramp_start(t0, ramp, 4, i).map(|t| t - t0);
        assert_eq!(at(0), Some(Duration::ZERO));
        assert_eq!(at(1), Some(Duration::from_millis(100)));
        assert_eq!(at(3), Some(Duration::from_millis(300)));
        assert_eq!(at(4), None, "the second wave starts as slots free up");
        assert_eq!(ramp_start(t0, Duration::ZERO, 4, 1), None, "0: all at once");
    }
}
