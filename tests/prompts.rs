//! Credentials asked at the terminal, through the binary: `{prompt: true}` and `-k`/`-K` are
//! answered on a pty (expectrl) and the simulated devices log in with the answers; each prompt
//! is asked once for the whole fleet, without echo; with no terminal (stdin null, a new session
//! without a controlling tty, as under cron) the run refuses with exit 3 before connecting.

mod common;

use common::table::column;
use fleetpoll::sim::{RunningFleet, Scenario, SIM_ENABLE_SECRET};
use fleetpoll::sim::{SIM_PASSWORD, SIM_USERNAME};
use fleetpoll::Platform;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const PLAYBOOK: &str = common::HEALTH_PLAYBOOK;

async fn fleet(n: usize) -> RunningFleet {
    let specs = (0..n)
        .map(|i| {
            let platform = if i % 2 == 0 {
                Platform::CiscoAsa
            } else {
                Platform::CiscoIos
            };
            common::sim::spec(&format!("dev-{i}"), platform, Scenario::Healthy)
        })
        .collect();
    common::sim::fleet(specs).await
}

/// The simulated fleet's inventory with its credential lines replaced by `password` and
/// `enable` (`None`: the line is dropped).
fn inventory(
    fleet: &RunningFleet,
    dir: &Path,
    password: Option<&str>,
    enable: Option<&str>,
) -> PathBuf {
    let inv = common::sim::default_inventory(fleet, &dir.join("inv.yaml"));
    common::edit(&inv, |text| {
        let mut out = String::new();
        for line in text.lines() {
            let replaced = if line.starts_with("  password: ") {
                password.map(|p| format!("  password: {p}"))
            } else if line.starts_with("  enable_secret: ") {
                enable.map(|e| format!("  enable_secret: {e}"))
            } else {
                Some(line.to_string())
            };
            if let Some(l) = replaced {
                out.push_str(&l);
                out.push('\n');
            }
        }
        assert!(out.contains(&format!("username: {SIM_USERNAME}")));
        out
    });
    inv
}

fn poll_cmd(inv: &Path, csv: &Path, extra: &[&str]) -> Command {
    let mut c = common::bin::fleetpoll();
    c.args(["-q", "poll", "-i"])
        .arg(inv)
        .args(["-p", PLAYBOOK, "-o"])
        .arg(csv)
        .args(extra);
    c
}

/// Run `cmd` in a pty, answer each `(prompt, answer)` in order, and return everything the
/// terminal showed and the exit status. Fails if a prompt does not come (generous bound).
fn on_a_terminal(cmd: Command, dialogue: &[(&str, &str)]) -> (String, i32) {
    let mut s = expectrl::Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(120)));
    let mut shown = String::new();
    for (prompt, answer) in dialogue {
        let c = s
            .expect(*prompt)
            .unwrap_or_else(|e| panic!("no prompt {prompt:?} ({e}); so far: {shown:?}"));
        shown.push_str(&String::from_utf8_lossy(c.before()));
        shown.push_str(prompt);
        s.send_line(answer).unwrap();
    }
    let rest = s.expect(expectrl::Eof).unwrap();
    shown.push_str(&String::from_utf8_lossy(rest.before()));
    let status = s.get_process().wait().unwrap();
    let code = match status {
        expectrl::WaitStatus::Exited(_, c) => c,
        other => panic!("fleetpoll did not exit normally: {other:?}; terminal: {shown}"),
    };
    (shown, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompted_password_and_enable_secret_log_every_device_in() {
    let fleet = fleet(6).await;
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(
        &fleet,
        dir.path(),
        Some("{prompt: true}"),
        Some("{prompt: true}"),
    );
    let csv = dir.path().join("health.csv");
    let cmd = poll_cmd(&inv, &csv, &[]);
    let (shown, code) = tokio::task::spawn_blocking(move || {
        on_a_terminal(
            cmd,
            &[
                (
                    "Password for devices using defaults.password: ",
                    SIM_PASSWORD,
                ),
                (
                    "Enable secret for devices using defaults.enable_secret: ",
                    SIM_ENABLE_SECRET,
                ),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "terminal: {shown}");
    assert_eq!(column(&csv, "poll_status"), vec!["polled"; 6], "{shown}");
    assert!(!shown.contains(SIM_PASSWORD), "echoed: {shown:?}");
    assert!(!shown.contains(SIM_ENABLE_SECRET), "echoed: {shown:?}");
    assert_eq!(
        shown.matches("Password for devices").count(),
        1,
        "asked once for six devices: {shown:?}"
    );
    fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_pass_flags_fill_in_what_the_inventory_lacks() {
    let fleet = fleet(3).await;
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(&fleet, dir.path(), None, None);
    let csv = dir.path().join("health.csv");
    let cmd = poll_cmd(&inv, &csv, &["-k", "--ask-become-pass"]);
    let (shown, code) = tokio::task::spawn_blocking(move || {
        on_a_terminal(
            cmd,
            &[
                (
                    "Password for devices without a password in the inventory (--ask-pass): ",
                    SIM_PASSWORD,
                ),
                (
                    "Enable secret for devices without an enable secret in the inventory (--ask-become-pass): ",
                    SIM_ENABLE_SECRET,
                ),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "terminal: {shown}");
    assert_eq!(column(&csv, "poll_status"), vec!["polled"; 3], "{shown}");
    assert!(!shown.contains(SIM_PASSWORD), "echoed: {shown:?}");

    // A wrong answer is the device's to reject: the run happens and says so per device.
    let cmd = poll_cmd(&inv, &csv, &["-k", "-K"]);
    let (shown, code) = tokio::task::spawn_blocking(move || {
        on_a_terminal(
            cmd,
            &[
                ("(--ask-pass): ", "not-the-password"),
                ("(--ask-become-pass): ", SIM_ENABLE_SECRET),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 2, "terminal: {shown}");
    assert_eq!(column(&csv, "error"), vec!["auth_failed"; 3], "{shown}");
    fleet.shutdown().await;
}

/// A new session has no controlling terminal, so `/dev/tty` cannot be opened: as under cron.
fn without_a_terminal(cmd: &mut Command) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    cmd.stdin(std::process::Stdio::null());
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            Ok(())
        });
    }
    cmd.output().unwrap()
}

#[test]
fn without_a_terminal_the_run_refuses_before_connecting() {
    // Any connection attempt would be queued here; none may be.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "pw", "a-password\n");
    let inv = dir.path().join("inv.yaml");
    std::fs::write(
        &inv,
        format!("defaults:\n  platform: cisco_ios\n  username: u\n  password: {{file: pw}}\n  enable_secret: {{prompt: true}}\ndevices:\n  - {{name: r1, host: 127.0.0.1, port: {port}}}\n"),
    )
    .unwrap();
    let csv = dir.path().join("health.csv");
    std::fs::write(&csv, "last night's run\n").unwrap();
    let o = without_a_terminal(&mut poll_cmd(&inv, &csv, &[]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "error: {}:5:3: defaults.enable_secret: asks for a prompt, but it cannot be asked (no terminal: /dev/tty: No such device or address (os error 6)); for unattended runs (cron) use {{env: VAR}} or {{file: PATH}} instead",
            inv.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "last night's run\n",
        "nothing written"
    );

    // The flag too, and `snapshot` likewise.
    std::fs::write(
        &inv,
        format!("defaults:\n  platform: cisco_ios\n  username: u\ndevices:\n  - {{name: r1, host: 127.0.0.1, port: {port}}}\n"),
    )
    .unwrap();
    let o = without_a_terminal(&mut poll_cmd(&inv, &csv, &["-k"]));
    assert_eq!(o.status.code(), Some(3));
    let flag_refused = "error: --ask-pass: asks for a prompt, but it cannot be asked (no terminal: /dev/tty: No such device or address (os error 6)); for unattended runs (cron) use {env: VAR} or {file: PATH} instead";
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim_end(), flag_refused);
    let mut snap = common::bin::fleetpoll();
    snap.args(["snapshot", "--ask-pass", "-i"])
        .arg(&inv)
        .args(["--out-dir"])
        .arg(dir.path().join("snap"));
    let o = without_a_terminal(&mut snap);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim_end(), flag_refused);
    assert!(!dir.path().join("snap").exists());
    assert_eq!(
        listener.accept().map(|_| ()).map_err(|e| e.kind()),
        Err(std::io::ErrorKind::WouldBlock),
        "nothing connected"
    );
}

#[test]
fn check_lists_the_prompts_and_asks_none() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.yaml");
    std::fs::write(
        &inv,
        "defaults:\n  platform: cisco_ios\n  username: u\n  password: {prompt: true}\ndevices:\n  - {name: r1, host: 192.0.2.1}\n  - {name: r2, host: 192.0.2.2}\n",
    )
    .unwrap();
    let mut cmd = common::bin::fleetpoll();
    cmd.args(["check", "-K", "-i"])
        .arg(&inv)
        .args(["-p", PLAYBOOK]);
    let o = without_a_terminal(&mut cmd);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let section: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("prompts"))
        .take(3)
        .collect();
    assert_eq!(
        section,
        [
            "prompts (a run asks each once on the terminal; check asks none):",
            &format!(
                "  {:<30} {:<22} 2 use(s)  \"Password for devices using defaults.password: \"",
                "defaults.password",
                format!("{}:4:3", inv.display())
            ),
            &format!(
                "  {:<30} {:<22} 2 use(s)  \"Enable secret for devices without an enable secret in the inventory (--ask-become-pass): \"",
                "--ask-become-pass", "(command line)"
            ),
        ]
    );
}
