//! Every way a device can fail, end to end: one simulated device (or a few) per fault over
//! loopback SSH, swept by the real runner with the health playbook; each test asserts the
//! outcome class, the failed stage and that the sweep ends within its deadline.
//!
//! Expected outcomes (where the brief left them open, the choice is documented at the test):
//!
//! | fault | poll status | stage | class |
//! |---|---|---|---|
//! | refused connection | failed | connect | unreachable |
//! | blackhole (TCP accepted, no SSH banner) | failed | auth (handshake) | timeout |
//! | SSH banner, then silence | failed | auth (handshake) | timeout |
//! | wrong credentials | failed | auth | auth_failed |
//! | keyboard-interactive only | polled | | |
//! | wrong enable secret | failed | enable | auth_failed |
//! | connection drops mid-output | failed | command | protocol (earlier commands ok) |
//! | prompt never printed | failed | prompt | timeout |
//! | stall mid-output | failed | command | timeout (the command recorded `timeout`) |
//! | pager stuck (paging-off rejected) | polled, outputs equal a paging-off twin's | | |
//! | garbage bytes in outputs | polled, records equal a clean twin's | | |
//! | huge output | polled, the command `truncated`, raw ≤ `max_output_bytes` | | |
//! | slow drip (1 byte / 100 ms) | failed | command | timeout (the command recorded `timeout`) |
//! | ASA context change mid-session | polled, every command ok | | |
//!
//! Elapsed-time bounds are generous: the CI box has two loaded cores and these are debug
//! builds doing real SSH crypto on both ends.

mod common;

use common::sim::{fleet, spec};
use fleetpoll::outcome::Cut;
use fleetpoll::runner::{CommandStatus, DeviceReport, PollStatus};
use fleetpoll::session::error::{ErrorClass, Stage};
use fleetpoll::sim::{DeviceSpec, RunningFleet, Scenario};
use fleetpoll::Platform;
use std::time::{Duration, Instant};
use tokio::sync::{RwLock, RwLockReadGuard};

/// The timeouts of most tests: a stuck stage fails in seconds.
const TIMEOUTS: &str = "{connect: 2s, auth: 3s, prompt: 3s, enable: 3s, command: 5s, device: 60s}";

/// A healthy device that prints exactly what `of` prints when nothing goes wrong: same
/// hostname, same seed, same login mode.
fn twin(name: &str, of: &DeviceSpec) -> DeviceSpec {
    let mut s = spec(name, of.platform, Scenario::Healthy);
    s.hostname = of.hostname.clone();
    s.seed = of.seed;
    s.enable_secret = of.enable_secret.clone();
    s
}

/// One device of each platform with `scenario`, named `PREFIX-rtr`, `-xe`, `-asa`, `-wae`, each
/// beside its healthy twin `NAME-twin`; the names come back with the specs.
fn beside_twins(prefix: &str, scenario: Scenario) -> (Vec<DeviceSpec>, Vec<String>) {
    let mut specs = Vec::new();
    let mut names = Vec::new();
    for (suffix, p) in [
        ("rtr", Platform::CiscoIos),
        ("xe", Platform::CiscoXe),
        ("asa", Platform::CiscoAsa),
        ("wae", Platform::CiscoWaas),
    ] {
        let name = format!("{prefix}-{suffix}");
        let s = spec(&name, p, scenario);
        specs.push(twin(&format!("{name}-twin"), &s));
        specs.push(s);
        names.push(name);
    }
    (specs, names)
}

struct Sweep {
    reports: Vec<DeviceReport>,
    elapsed: Duration,
}

impl Sweep {
    fn row(&self, name: &str) -> &DeviceReport {
        common::row(&self.reports, name)
    }
}

/// Sweep `fleet` with the health playbook; `extra` is YAML added under `defaults:`.
async fn sweep(fleet: &RunningFleet, timeouts: &str, extra: &str, concurrency: usize) -> Sweep {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = common::sim::inventory(fleet, &dir.path().join("inv.yaml"), timeouts);
    if !extra.is_empty() {
        common::edit(&path, |text| {
            text.replacen("defaults:\n", &format!("defaults:\n{extra}"), 1)
        });
    }
    let plan = common::health_plan(&path);
    let t0 = Instant::now();
    let reports = common::run_concurrently(&plan, concurrency).await;
    let elapsed = t0.elapsed();
    assert_eq!(reports.len(), plan.hosts.len(), "one report per device");
    eprintln!(
        "swept [{}] in {elapsed:.2?}",
        reports
            .iter()
            .map(|r| format!("{} {} ms", r.device, r.duration_ms))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Sweep { reports, elapsed }
}

#[track_caller]
fn assert_failed(d: &DeviceReport, stage: Stage, class: ErrorClass) {
    assert_eq!(
        d.poll_status,
        PollStatus::Failed,
        "{}: {:?}",
        d.device,
        d.error
    );
    assert_eq!(d.failed_stage, Some(stage), "{}: {:?}", d.device, d.error);
    assert_eq!(d.error_class, Some(class), "{}: {:?}", d.device, d.error);
}

#[track_caller]
fn assert_polled_clean(d: &DeviceReport) {
    assert_eq!(
        d.poll_status,
        PollStatus::Polled,
        "{}: {:?}",
        d.device,
        d.error
    );
    assert!(d.error_class.is_none(), "{}: {:?}", d.device, d.error);
    assert!(
        d.command_errors().is_empty(),
        "{}: {:?}",
        d.device,
        d.command_errors()
    );
    assert!(!d.commands.is_empty(), "{}: no commands", d.device);
}

#[track_caller]
fn assert_within(s: &Sweep, min: Duration, max: Duration) {
    assert!(
        s.elapsed >= min && s.elapsed < max,
        "sweep took {:?}, expected {min:?}..{max:?}",
        s.elapsed
    );
}

/// Wall-clock times (and NTP timestamps) masked: the renderers derive `reference time`,
/// `Configuration last modified`, `System restarted at` and `show clock` from the current
/// time, so they differ between two devices polled a few milliseconds apart (in a parsed
/// clock record too: its `hour` … `millisecond` fields).
fn mask_clock(s: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"[0-9A-F]{8}\.[0-9A-F]{8}|\d\d:\d\d:\d\d(?:\.\d{3})?|"(?:hour|minute|second|millisecond)":\d+"#,
        )
        .expect("regex")
    });
    re.replace_all(s, "<clock>").into_owned()
}

/// Assert that `d` got the same outputs, records and metrics as `t`, wall-clock stamps aside;
/// name the first difference.
#[track_caller]
fn assert_same_outputs(d: &DeviceReport, t: &DeviceReport) {
    assert_eq!(d.commands.len(), t.commands.len(), "{}", d.device);
    for (c, ct) in d.commands.iter().zip(&t.commands) {
        assert_eq!(c.command, ct.command, "{}", d.device);
        assert_eq!(c.status, ct.status, "{}: {}", d.device, c.command);
        let a = mask_clock(c.raw.as_deref().unwrap_or(""));
        let b = mask_clock(ct.raw.as_deref().unwrap_or(""));
        if a != b {
            let (n, (la, lb)) = a
                .lines()
                .chain(std::iter::repeat("<end>"))
                .zip(b.lines().chain(std::iter::repeat("<end>")))
                .enumerate()
                .find(|(_, (x, y))| x != y)
                .unwrap_or((0, ("?", "?")));
            panic!(
                "{}: `{}` differs from its twin's at line {}:\n  got  {la:?}\n  twin {lb:?}",
                d.device,
                c.command,
                n + 1
            );
        }
        assert_eq!(
            mask_clock(&serde_json::to_string(&c.record).unwrap_or_default()),
            mask_clock(&serde_json::to_string(&ct.record).unwrap_or_default()),
            "{}: {}",
            d.device,
            c.command
        );
    }
    assert_eq!(d.metrics, t.metrics, "{}", d.device);
}

/// Tests take this lock shared; the huge-output test takes it alone, so its memory and
/// time are its own.
static EXCLUSIVE: RwLock<()> = RwLock::const_new(());

async fn shared() -> RwLockReadGuard<'static, ()> {
    EXCLUSIVE.read().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connection_is_unreachable_at_connect() {
    let _g = shared().await;
    let f = fleet(vec![spec(
        "gone",
        Platform::CiscoIos,
        Scenario::RefuseConnection,
    )])
    .await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    assert_failed(sw.row("gone"), Stage::Connect, ErrorClass::Unreachable);
    assert!(sw.row("gone").commands.is_empty());
    assert_within(&sw, Duration::ZERO, Duration::from_secs(5));
    f.shutdown().await;
}

/// The client's SSH handshake (`auth` stage: handshake and authentication share the auth
/// timeout) never gets an identification line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blackhole_times_out_in_the_handshake() {
    let _g = shared().await;
    let f = fleet(vec![spec("hole", Platform::CiscoAsa, Scenario::Blackhole)]).await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    let d = sw.row("hole");
    assert_failed(d, Stage::Auth, ErrorClass::Timeout);
    assert!(d.commands.is_empty());
    // The 3 s auth timeout, twice: a timeout before login is transient and the simulated
    // fleet's inventory allows one retry (100 ms backoff).
    assert_within(&sw, Duration::from_millis(2900), Duration::from_secs(15));
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn banner_then_silence_times_out_in_the_handshake() {
    let _g = shared().await;
    let f = fleet(vec![spec(
        "mute",
        Platform::CiscoWaas,
        Scenario::BannerThenSilence,
    )])
    .await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    let d = sw.row("mute");
    assert_failed(d, Stage::Auth, ErrorClass::Timeout);
    assert!(d.commands.is_empty());
    // As for the blackhole: 3 s, retried once.
    assert_within(&sw, Duration::from_millis(2900), Duration::from_secs(15));
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_fail_auth() {
    let _g = shared().await;
    let f = fleet(vec![spec(
        "badpw",
        Platform::CiscoAsa,
        Scenario::WrongCredentials,
    )])
    .await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    assert_failed(sw.row("badpw"), Stage::Auth, ErrorClass::AuthFailed);
    // Rejections are answered at once: no timeout is involved.
    assert_within(&sw, Duration::ZERO, Duration::from_secs(5));
    f.shutdown().await;
}

/// Password auth is turned down with keyboard-interactive as the method that can continue;
/// the client answers its `Password: ` prompt with the inventory password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_interactive_only_logs_in_with_the_password() {
    let _g = shared().await;
    let f = fleet(vec![
        spec("kbd-rtr", Platform::CiscoIos, Scenario::KbdInteractiveOnly),
        spec("kbd-asa", Platform::CiscoAsa, Scenario::KbdInteractiveOnly),
        spec("kbd-wae", Platform::CiscoWaas, Scenario::KbdInteractiveOnly),
    ])
    .await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    for name in ["kbd-rtr", "kbd-asa", "kbd-wae"] {
        assert_polled_clean(sw.row(name));
    }
    assert_within(&sw, Duration::ZERO, Duration::from_secs(20));
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_enable_secret_fails_enable() {
    let _g = shared().await;
    let f = fleet(vec![
        spec("en-rtr", Platform::CiscoIos, Scenario::WrongEnableSecret),
        spec("en-asa", Platform::CiscoAsa, Scenario::WrongEnableSecret),
    ])
    .await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    for name in ["en-rtr", "en-asa"] {
        let d = sw.row(name);
        assert_failed(d, Stage::Enable, ErrorClass::AuthFailed);
        assert!(d.commands.is_empty());
    }
    assert_within(&sw, Duration::ZERO, Duration::from_secs(10));
    f.shutdown().await;
}

/// The TCP connection goes away in the middle of the third show command's output: the
/// device fails at `command` with `protocol` (connection closed), the two commands before it
/// are recorded with their parsed records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_mid_output_fails_the_command_and_keeps_earlier_ones() {
    let _g = shared().await;
    let f = fleet(vec![
        spec("cut-rtr", Platform::CiscoIos, Scenario::DisconnectMidOutput),
        spec("cut-asa", Platform::CiscoAsa, Scenario::DisconnectMidOutput),
        spec(
            "cut-wae",
            Platform::CiscoWaas,
            Scenario::DisconnectMidOutput,
        ),
    ])
    .await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    for name in ["cut-rtr", "cut-asa", "cut-wae"] {
        let d = sw.row(name);
        assert_failed(d, Stage::Command, ErrorClass::Protocol);
        let before = fleetpoll::sim::device::SHOWS_BEFORE_DISCONNECT;
        assert_eq!(d.commands.len(), before + 1, "{name}: {:?}", d.commands);
        // The command the session ended on is recorded with what it had printed, marked.
        let cut = &d.commands[before];
        assert_eq!(cut.status, CommandStatus::SessionLost, "{name}");
        assert_eq!(cut.truncated_by, Some(Cut::SessionLost), "{name}");
        assert!(!cut.raw.as_deref().unwrap_or("").is_empty(), "{name}");
        assert!(
            d.findings
                .iter()
                .any(|f| f.code == "COMMAND_FAILED" && f.message.contains("cut short")),
            "{name}: {:?}",
            d.findings
        );
        for c in &d.commands[..before] {
            assert_eq!(
                c.status,
                CommandStatus::Ok,
                "{name}: {}: {:?}",
                c.command,
                c.error
            );
            assert!(c.record.is_some());
        }
    }
    // No timeout is involved: the end of the stream is seen at once.
    assert_within(&sw, Duration::ZERO, Duration::from_secs(10));
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_prompt_times_out_at_prompt() {
    let _g = shared().await;
    let f = fleet(vec![spec("np", Platform::CiscoIos, Scenario::NoPrompt)]).await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    assert_failed(sw.row("np"), Stage::Prompt, ErrorClass::Timeout);
    assert_within(&sw, Duration::from_millis(2900), Duration::from_secs(10));
    f.shutdown().await;
}

/// Half an output, then silence: the command times out (5 s), the resync Enter gets no
/// prompt back (3 s), the device fails at `command` with `timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stall_mid_output_times_out_the_command() {
    let _g = shared().await;
    let f = fleet(vec![spec(
        "stall",
        Platform::CiscoWaas,
        Scenario::StallMidOutput,
    )])
    .await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    let d = sw.row("stall");
    assert_failed(d, Stage::Command, ErrorClass::Timeout);
    assert_eq!(d.command_errors(), ["show version=timeout"]);
    assert_within(&sw, Duration::from_millis(7900), Duration::from_secs(20));
    f.shutdown().await;
}

/// Paging cannot be turned off: the client answers every pager (24-line pages) and gets the
/// same complete, clean outputs and records as a device with paging off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pager_stuck_outputs_equal_a_paging_off_twin() {
    let _g = shared().await;
    let (specs, names) = beside_twins("pg", Scenario::PagerStuck);
    let f = fleet(specs).await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    for name in &names {
        let d = sw.row(name);
        let t = sw.row(&format!("{name}-twin"));
        assert_polled_clean(d);
        assert_polled_clean(t);
        assert_same_outputs(d, t);
        // The outputs are long enough to have paged.
        assert!(
            d.commands
                .iter()
                .any(|c| c.raw.as_deref().is_some_and(|r| r.lines().count() > 24)),
            "{name}: no output longer than a page"
        );
    }
    assert_within(&sw, Duration::ZERO, Duration::from_secs(30));
    f.shutdown().await;
}

/// ANSI colours, control bytes and invalid UTF-8 in every show output: the device is polled,
/// every record parses and equals a clean twin's; the bytes that were not UTF-8 are U+FFFD.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_outputs_parse_like_a_clean_twin() {
    let _g = shared().await;
    let (specs, names) = beside_twins("gb", Scenario::Garbage);
    let f = fleet(specs).await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    for name in &names {
        let d = sw.row(name);
        let t = sw.row(&format!("{name}-twin"));
        assert_polled_clean(d);
        assert_polled_clean(t);
        // The twin's outputs with the device's Latin-1 free text as the client must see it.
        let mut expected = t.clone();
        for c in &mut expected.commands {
            let mut raw = c.raw.clone().unwrap_or_default();
            for (needle, latin1) in fleetpoll::sim::device::LATIN1 {
                raw = raw.replace(
                    &*String::from_utf8_lossy(needle),
                    &String::from_utf8_lossy(latin1),
                );
            }
            c.raw = Some(raw);
        }
        let mut replaced = false;
        for c in &d.commands {
            let raw = c.raw.as_deref().unwrap_or("");
            assert!(
                !raw.chars()
                    .any(|ch| ch.is_control() && ch != '\n' && ch != '\t'),
                "{name}: {}: control characters left in {raw:?}",
                c.command
            );
            replaced |= raw.contains('\u{FFFD}');
        }
        assert_same_outputs(d, &expected);
        assert!(replaced, "{name}: no U+FFFD in any output");
    }
    assert_within(&sw, Duration::ZERO, Duration::from_secs(30));
    f.shutdown().await;
}

/// Size of the huge output: big enough that holding it whole anywhere would show in the
/// process's peak memory.
const HUGE: usize = 48_000_000;

/// 48 MB of `show crypto ipsec sa` (and 12 MB on an ASA at the same time) against a 1 MiB
/// `max_output_bytes`: the command is flagged `truncated`, its stored output is at most the
/// cap, the device is polled, and the process's peak memory grows by less than the output's
/// size (neither the simulator nor the client holds it whole).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_output_is_truncated_at_the_cap_in_bounded_memory() {
    let _g = EXCLUSIVE.write().await;
    let hwm_before = peak_rss_kib();
    let mut s = spec("hub", Platform::CiscoIos, Scenario::HugeOutput);
    s.huge_output_bytes = HUGE;
    let mut a = spec("hub-asa", Platform::CiscoAsa, Scenario::HugeOutput);
    a.huge_output_bytes = HUGE / 4;
    let f = fleet(vec![s, a]).await;
    let cap: usize = 1 << 20;
    let sw = sweep(
        &f,
        "{connect: 2s, auth: 3s, prompt: 3s, enable: 3s, command: 90s, device: 120s}",
        &format!("  max_output_bytes: {cap}\n"),
        8,
    )
    .await;
    for name in ["hub", "hub-asa"] {
        let d = sw.row(name);
        assert_eq!(d.poll_status, PollStatus::Polled, "{name}: {:?}", d.error);
        let c = d
            .commands
            .iter()
            .find(|c| c.command == "show crypto ipsec sa")
            .expect("ipsec command");
        assert!(c.truncated, "{name}");
        assert_eq!(c.truncated_by, Some(Cut::OutputCap), "{name}");
        // Half an SA list is not judged; the finding says so.
        assert!(
            d.findings.iter().any(|f| f.code == "OUTPUT_INCOMPLETE"
                && f.command.as_deref() == Some("show crypto ipsec sa")),
            "{name}: {:?}",
            d.findings
        );
        let raw = c.raw.as_deref().unwrap_or("");
        assert!(raw.len() <= cap, "{name}: {} bytes kept", raw.len());
        assert!(raw.len() > cap / 2, "{name}: only {} bytes kept", raw.len());
        // A truncated output still parses (the SAs read before the cut).
        assert_eq!(c.status, CommandStatus::Ok, "{name}: {:?}", c.error);
        for c in d
            .commands
            .iter()
            .filter(|c| c.command != "show crypto ipsec sa")
        {
            assert_eq!(c.status, CommandStatus::Ok, "{name}: {}", c.command);
            assert!(!c.truncated, "{name}: {}", c.command);
        }
    }
    assert_within(&sw, Duration::ZERO, Duration::from_secs(100));
    if let (Some(before), Some(after)) = (hwm_before, peak_rss_kib()) {
        let grew = after.saturating_sub(before) * 1024;
        eprintln!("peak memory {before} KiB before, {after} KiB after");
        // Holding the big output whole, once, would take HUGE alone; two sessions with
        // their 1 MiB outputs, parsed records and SSH windows take about 25 MB.
        assert!(
            grew < HUGE,
            "peak memory grew by {grew} bytes for a {HUGE}-byte output"
        );
    }
    f.shutdown().await;
}

/// The process's peak resident memory (Linux), in KiB.
fn peak_rss_kib() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One byte every 100 ms after login: `terminal length 0` still completes (about 2.5 s of
/// echo and prompt, under the 5 s command timeout), `show version` does not; its timeout is
/// recorded, the resync Enter gets no prompt within 3 s, and the device fails at `command`
/// with `timeout`, long before its 60 s deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_drip_times_out_commands_within_the_device_deadline() {
    let _g = shared().await;
    let mut s = spec("drip", Platform::CiscoIos, Scenario::SlowDrip);
    // Privileged at login: the enable dialogue would drip for ~2.5 s against a 3 s timeout.
    s.enable_secret = None;
    let f = fleet(vec![s]).await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    let d = sw.row("drip");
    assert_failed(d, Stage::Command, ErrorClass::Timeout);
    assert!(
        d.command_errors().iter().any(|e| e.ends_with("=timeout")),
        "{:?}",
        d.command_errors()
    );
    assert_eq!(d.commands[0].status, CommandStatus::Timeout);
    // paging ~2.5 s + command 5 s + resync 3 s.
    assert!(d.duration_ms < 30_000, "{} ms", d.duration_ms);
    assert_within(&sw, Duration::from_secs(8), Duration::from_secs(30));
    f.shutdown().await;
}

/// `fw1# ` becomes `fw1/admin# ` from the end of the first show output on: the client
/// follows the context and every command is ok.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_change_keeps_polling() {
    let _g = shared().await;
    let s = spec("fw1", Platform::CiscoAsa, Scenario::ContextChange);
    let t = twin("fw1-twin", &s);
    let f = fleet(vec![s, t]).await;
    let sw = sweep(&f, TIMEOUTS, "", 8).await;
    let d = sw.row("fw1");
    assert_polled_clean(d);
    assert!(d.commands.iter().all(|c| c.status == CommandStatus::Ok));
    assert_same_outputs(d, sw.row("fw1-twin"));
    assert_within(&sw, Duration::ZERO, Duration::from_secs(15));
    f.shutdown().await;
}

/// The first show command answers after 4 s, past its 2 s timeout but within the 5 s resync
/// wait: the timeout is recorded, the driver's resync Enter finds the prompt, and the device
/// goes on. Expected: polled, `show version=timeout` the only command error, and every other
/// command carrying its own output (equal to a healthy twin's).
///
/// Fails today: the resync stops at the prompt that ends the late output, but the device
/// answers the resync Enter with one more prompt, which then ends the next command's read.
/// Every later command gets the previous command's output (`show ntp status` gets nothing,
/// `show crypto isakmp sa` gets the `show ntp status` echo and output, ...), all
/// `parse_failed` here; with a lenient parser or a raw command the wrong output would be
/// stored under the wrong command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_command_times_out_then_the_session_resyncs() {
    let _g = shared().await;
    let mut s = spec("slow", Platform::CiscoIos, Scenario::SlowCommand);
    s.latency = Duration::from_millis(20);
    let mut t = twin("slow-twin", &s);
    t.latency = s.latency;
    let f = fleet(vec![s, t]).await;
    let sw = sweep(
        &f,
        "{connect: 2s, auth: 3s, prompt: 5s, enable: 3s, command: 2s, device: 60s}",
        "",
        8,
    )
    .await;
    let d = sw.row("slow");
    assert_eq!(d.poll_status, PollStatus::Polled, "{:?}", d.error);
    assert_eq!(d.command_errors(), ["show version=timeout"]);
    let mut expected = sw.row("slow-twin").clone();
    expected.commands[0] = d.commands[0].clone();
    expected.metrics.clear();
    let mut got = d.clone();
    got.metrics.clear();
    assert_same_outputs(&got, &expected);
    assert_within(&sw, Duration::from_secs(4), Duration::from_secs(20));
    f.shutdown().await;
}

/// What the client's terminal sanitizer keeps of `bytes`.
fn sanitized(bytes: &[u8]) -> String {
    let mut s = fleetpoll::session::channel::Screen::new(1 << 20);
    s.feed(bytes);
    s.take_output().0
}

/// Three-byte escape sequences (ESC, an intermediate byte 0x20..=0x2F, a final byte): the
/// charset designations `ESC ( B` (in ncurses' `sgr0` for xterm: `ESC ( B ESC [ m`, what a
/// Linux-based appliance's coloured output resets with), `ESC ) 0`, and `ESC # 8`. A terminal
/// shows nothing of them; the sanitizer drops ESC and the intermediate byte but keeps the
/// final byte as text (`Bone`, `0three`, `8four`).
#[test]
fn sanitizer_drops_three_byte_escape_sequences() {
    assert_eq!(sanitized(b"\x1b(Bone\x1b[m\r\n"), "one\n");
    assert_eq!(sanitized(b"\x1b)0three\r\n"), "three\n");
    assert_eq!(sanitized(b"\x1b#8four\r\n"), "four\n");
    // Two-byte sequences are already right.
    assert_eq!(sanitized(b"fi\x1bMve\r\n"), "five\n");
}

/// DEL (0x7F) received from the device is ignored by a VT100 (it is fill, not an erase); the
/// sanitizer treats it as a backspace and deletes the previous character (`tw<DEL>o` → `to`).
#[test]
fn sanitizer_ignores_del_in_output() {
    assert_eq!(sanitized(b"tw\x7fo\r\n"), "two\n");
}

/// How a fault's device must end.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    Polled,
    Failed(Stage, ErrorClass),
}

/// The outcome of each fault scenario under [`TIMEOUTS`] (what the tests above assert one by
/// one).
fn expected(scenario: Scenario) -> Option<Outcome> {
    use ErrorClass::*;
    use Outcome::*;
    Some(match scenario {
        Scenario::RefuseConnection => Failed(Stage::Connect, Unreachable),
        Scenario::Blackhole | Scenario::BannerThenSilence => Failed(Stage::Auth, Timeout),
        Scenario::WrongCredentials => Failed(Stage::Auth, AuthFailed),
        Scenario::WrongEnableSecret => Failed(Stage::Enable, AuthFailed),
        Scenario::NoPrompt => Failed(Stage::Prompt, Timeout),
        Scenario::StallMidOutput | Scenario::SlowDrip => Failed(Stage::Command, Timeout),
        Scenario::DisconnectMidOutput => Failed(Stage::Command, Protocol),
        Scenario::KbdInteractiveOnly
        | Scenario::PagerStuck
        | Scenario::Garbage
        | Scenario::HugeOutput
        | Scenario::ContextChange => Polled,
        _ => return None,
    })
}

/// Every fault at once among healthy devices, eight sessions at a time: exactly one report
/// per device, the healthy devices polled cleanly, and each fault ending as it does alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_fleet_every_fault_at_once() {
    let _g = shared().await;
    let platforms = [
        Platform::CiscoIos,
        Platform::CiscoAsa,
        Platform::CiscoWaas,
        Platform::CiscoXe,
    ];
    let mut specs = Vec::new();
    let mut i = 0usize;
    for &scenario in Scenario::ALL {
        if expected(scenario).is_none() {
            continue;
        }
        // Rotate platforms over the faults, skipping those a fault does not apply to.
        let platform = (0..platforms.len())
            .map(|k| platforms[(i + k) % platforms.len()])
            .find(|p| fleetpoll::sim::applies_to(scenario, *p))
            .expect("an applicable platform");
        i += 1;
        let mut s = spec(&format!("f-{scenario}"), platform, scenario);
        if scenario == Scenario::SlowDrip {
            s.enable_secret = None;
        }
        // Four times the cap, small enough to stream within the command timeout while
        // seventeen other sessions share the two cores.
        s.huge_output_bytes = 4 << 20;
        specs.push(s);
    }
    let faults = specs.len();
    assert!(faults >= 14, "{faults} faults");
    for (k, &p) in platforms.iter().chain(platforms.iter()).enumerate() {
        let mut s = spec(&format!("ok-{k}"), p, Scenario::Healthy);
        if k % 3 == 2 {
            s.enable_secret = None;
        }
        specs.push(s);
    }
    let f = fleet(specs.clone()).await;
    let sw = sweep(&f, TIMEOUTS, "  max_output_bytes: 1048576\n", 8).await;

    let mut names: Vec<&str> = sw.reports.iter().map(|r| r.device.as_str()).collect();
    assert_eq!(names.len(), specs.len());
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), specs.len(), "a device reported twice");
    for (r, s) in sw.reports.iter().zip(&specs) {
        assert_eq!(r.device, s.name, "inventory order");
    }

    for s in &specs {
        let d = sw.row(&s.name);
        match expected(s.scenario) {
            None => assert_polled_clean(d),
            Some(Outcome::Failed(stage, class)) => assert_failed(d, stage, class),
            Some(Outcome::Polled) if s.scenario == Scenario::HugeOutput => {
                assert_eq!(
                    d.poll_status,
                    PollStatus::Polled,
                    "{}: {:?}",
                    d.device,
                    d.error
                );
                assert!(d.commands.iter().any(|c| c.truncated), "{}", d.device);
            }
            Some(Outcome::Polled) => assert_polled_clean(d),
        }
    }
    // The slowest device (slow drip: ~2.5 s paging, 5 s command timeout, 3 s resync) and the
    // 3 s handshake and prompt timeouts, eight at a time.
    assert_within(&sw, Duration::from_secs(8), Duration::from_secs(60));
    eprintln!(
        "mixed fleet of {} devices swept in {:?}",
        specs.len(),
        sw.elapsed
    );
    f.shutdown().await;
}
