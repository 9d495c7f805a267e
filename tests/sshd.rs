//! A real peer: OpenSSH's `sshd` on loopback, polled through both transports.
//!
//! - A **legacy-only** sshd (`diffie-hellman-group14-sha1`, `aes128-cbc`, `hmac-sha1`, an
//!   `ssh-rsa` host key) is polled by `native` and `openssh` with `ssh.algorithms: legacy`:
//!   the device is polled, its outputs parse, and the negotiated algorithms are the legacy
//!   ones. `modern` must fail there with a protocol (key-exchange) error.
//! - A **default** sshd is polled with `legacy` too: the profile only appends, so modern
//!   algorithms still win.
//! - The openssh transport's host-key policies, credentials and failure classes against it.
//!
//! The device is `tests/sshd/fake_ios.sh`, sshd's `ForceCommand`. Authentication: public key
//! for the user running the tests (always possible); password for a throwaway account
//! `fleetpoll-sshd` created with `useradd` and removed afterwards, only when the tests run as
//! root and `useradd` works (otherwise the password cases are skipped with a note). Without
//! `/usr/sbin/sshd` every test prints a skip note and passes (`.ci/run` installs it).

use fleetpoll::runner::{DeviceReport, PollStatus, RunOptions, Runner};
use fleetpoll::session::error::{ErrorClass, Stage};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";
const PASSWORD_USER: &str = "fleetpoll-sshd";
const ENABLE: &str = "lab-enable-9";
const PLAYBOOK: &str = "name: sshd
platforms:
  cisco_ios:
    commands:
      - command: show version
        metrics: [sw_version, model, serial, uptime_s]
      - command: show crypto isakmp sa
        metrics: [ike_sa_total, ike_sa_up, ike_sa_down]
";

/// One test at a time: they share the machine's two cores, the throwaway account, and the
/// zombie check counts this process's `ssh` children.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn skip() -> bool {
    for tool in [SSHD, "/usr/bin/ssh-keygen"] {
        if !Path::new(tool).exists() {
            eprintln!("SKIP tests/sshd.rs: {tool} not found; install openssh-server and openssh-client (.ci/run does)");
            return true;
        }
    }
    if Command::new("ssh").arg("-V").output().is_err() {
        eprintln!(
            "SKIP tests/sshd.rs: no `ssh` client in PATH; install openssh-client (.ci/run does)"
        );
        return true;
    }
    false
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn keygen(path: &Path, kind: &str) {
    let mut c = Command::new("ssh-keygen");
    c.args(["-q", "-t", kind, "-N", "", "-C", "fleetpoll-test", "-f"])
        .arg(path);
    if kind == "rsa" {
        c.args(["-b", "2048"]);
    }
    run(&mut c);
}

/// `SHA256:…` of a public key file.
fn fingerprint(pub_key: &Path) -> String {
    let out = run(Command::new("ssh-keygen").arg("-lf").arg(pub_key));
    out.split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("no fingerprint in {out:?}"))
        .to_string()
}

fn whoami() -> String {
    run(Command::new("id").arg("-un")).trim().to_string()
}

fn is_root() -> bool {
    run(Command::new("id").arg("-u")).trim() == "0"
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Keys, the device script and secrets in a temp folder every test user can traverse.
struct Lab {
    dir: tempfile::TempDir,
    user: String,
    key: PathBuf,
    script: PathBuf,
    enable: PathBuf,
    rsa_host: PathBuf,
    ed_host: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::Builder::new()
            .prefix("fleetpoll-sshd")
            .tempdir()
            .unwrap();
        let p = dir.path();
        set_mode(p, 0o755);
        let key = p.join("id_ed25519");
        keygen(&key, "ed25519");
        std::fs::copy(p.join("id_ed25519.pub"), p.join("authorized_keys")).unwrap();
        let rsa_host = p.join("host_rsa");
        keygen(&rsa_host, "rsa");
        let ed_host = p.join("host_ed25519");
        keygen(&ed_host, "ed25519");
        let script = p.join("fake_ios.sh");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sshd/fake_ios.sh"),
            &script,
        )
        .unwrap();
        set_mode(&script, 0o755);
        let enable = p.join("enable");
        std::fs::write(&enable, ENABLE).unwrap();
        set_mode(&enable, 0o644);
        // A pre-login banner that mentions a password must not be taken for a prompt.
        std::fs::write(
            p.join("banner"),
            "Authorized access only. Password: never share it\nAll sessions are logged.\n",
        )
        .unwrap();
        Lab {
            user: whoami(),
            dir,
            key,
            script,
            enable,
            rsa_host,
            ed_host,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Offer {
    /// Only SHA-1 key exchange, CBC, hmac-sha1 and an ssh-rsa host key.
    LegacyOnly,
    /// OpenSSH's defaults.
    Default,
}

/// A running sshd; killed and reaped on drop.
struct Sshd {
    child: std::process::Child,
    port: u16,
    log: PathBuf,
}

impl Sshd {
    fn start(lab: &Lab, offer: Offer, extra_users: &[&str]) -> Sshd {
        if is_root() {
            // Debian's privilege-separation folder; absent on a fresh install without a boot.
            let _ = std::fs::create_dir_all("/run/sshd");
            set_mode(Path::new("/run/sshd"), 0o755);
        }
        let mut last = String::new();
        for attempt in 0..3 {
            let port = free_port();
            let name = format!("{offer:?}-{attempt}");
            let config = lab.path(&format!("sshd_config.{name}"));
            let log = lab.path(&format!("sshd.{name}.log"));
            let mut users = vec![lab.user.clone()];
            users.extend(extra_users.iter().map(|u| u.to_string()));
            let mut text = format!(
                "ListenAddress 127.0.0.1:{port}
PidFile none
UsePAM no
StrictModes no
AuthorizedKeysFile {keys}
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin yes
AllowUsers {users}
ForceCommand /bin/sh {script} {enable}
Banner {banner}
PrintMotd no
PrintLastLog no
MaxStartups 50
LogLevel VERBOSE
",
                keys = lab.path("authorized_keys").display(),
                users = users.join(" "),
                script = lab.script.display(),
                enable = lab.enable.display(),
                banner = lab.path("banner").display(),
            );
            match offer {
                Offer::LegacyOnly => text.push_str(&format!(
                    "HostKey {}
KexAlgorithms diffie-hellman-group14-sha1
Ciphers aes128-cbc
MACs hmac-sha1
HostKeyAlgorithms ssh-rsa
",
                    lab.rsa_host.display()
                )),
                Offer::Default => text.push_str(&format!("HostKey {}\n", lab.ed_host.display())),
            }
            std::fs::write(&config, text).unwrap();
            let child = Command::new(SSHD)
                .arg("-D")
                .arg("-e")
                .arg("-f")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {SSHD}: {e}"));
            let mut sshd = Sshd { child, port, log };
            let until = Instant::now() + Duration::from_secs(30);
            loop {
                if let Ok(Some(status)) = sshd.child.try_wait() {
                    last = format!("sshd exited ({status}):\n{}", sshd.log_text());
                    break;
                }
                if TcpStream::connect_timeout(
                    &([127, 0, 0, 1], port).into(),
                    Duration::from_secs(1),
                )
                .is_ok()
                {
                    return sshd;
                }
                if Instant::now() > until {
                    last = format!(
                        "sshd did not listen on {port} within 30 s:\n{}",
                        sshd.log_text()
                    );
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("cannot start sshd: {last}");
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The throwaway password account; removed on drop.
struct PasswordUser {
    name: &'static str,
    password_file: PathBuf,
}

impl PasswordUser {
    /// Only as root with a working `useradd`; `None` (with a note) otherwise.
    fn create(lab: &Lab) -> Option<PasswordUser> {
        if !is_root() {
            eprintln!("NOTE tests/sshd.rs: not root, so no throwaway account: password authentication is not tested (public keys are)");
            return None;
        }
        // A leftover from an interrupted run.
        let _ = Command::new("userdel")
            .arg(PASSWORD_USER)
            .stderr(Stdio::null())
            .status();
        let made = Command::new("useradd")
            .args(["-M", "-s", "/bin/sh", "-d"])
            .arg(lab.dir.path())
            .arg(PASSWORD_USER)
            .status();
        if !matches!(made, Ok(s) if s.success()) {
            eprintln!("NOTE tests/sshd.rs: useradd failed ({made:?}): password authentication is not tested (public keys are)");
            return None;
        }
        let user = PasswordUser {
            name: PASSWORD_USER,
            password_file: lab.path("password"),
        };
        let password: String = format!("Fp-{:016x}", rand::random::<u64>());
        let mut chpasswd = Command::new("chpasswd")
            .stdin(Stdio::piped())
            .spawn()
            .ok()?;
        chpasswd
            .stdin
            .take()?
            .write_all(format!("{PASSWORD_USER}:{password}\n").as_bytes())
            .ok()?;
        if !chpasswd.wait().is_ok_and(|s| s.success()) {
            eprintln!("NOTE tests/sshd.rs: chpasswd failed: password authentication is not tested");
            return None;
        }
        std::fs::write(&user.password_file, &password).unwrap();
        std::fs::write(lab.path("wrong_password"), "not-the-password").unwrap();
        Some(user)
    }
}

impl Drop for PasswordUser {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(self.name).status();
    }
}

/// One inventory device; `ssh` is the body of its `ssh:` map.
struct Dev {
    name: String,
    port: u16,
    transport: &'static str,
    user: String,
    auth: String,
    ssh: String,
}

impl Dev {
    fn key(
        lab: &Lab,
        name: impl Into<String>,
        port: u16,
        transport: &'static str,
        ssh: String,
    ) -> Dev {
        Dev {
            name: name.into(),
            port,
            transport,
            user: lab.user.clone(),
            auth: format!("key_file: {}", lab.key.display()),
            ssh,
        }
    }
}

const TIMEOUTS: &str =
    "{connect: 10s, auth: 30s, prompt: 30s, enable: 15s, command: 30s, device: 120s}";
/// For a peer that never answers: fail fast.
const QUICK: &str = "{connect: 3s, auth: 3s, prompt: 30s, enable: 15s, command: 30s, device: 120s}";

async fn sweep(lab: &Lab, file: &str, devices: &[Dev]) -> Vec<DeviceReport> {
    sweep_with(lab, file, TIMEOUTS, 4, devices).await
}

/// Write an inventory of `devices` and poll it with the test playbook.
async fn sweep_with(
    lab: &Lab,
    file: &str,
    timeouts: &str,
    concurrency: usize,
    devices: &[Dev],
) -> Vec<DeviceReport> {
    let mut inv = format!(
        "defaults:\n  platform: cisco_ios\n  retries: 0\n  enable_secret: {{file: {}}}\n  timeouts: {timeouts}\ndevices:\n",
        lab.enable.display()
    );
    for d in devices {
        inv.push_str(&format!(
            "  - name: {}\n    host: 127.0.0.1\n    port: {}\n    transport: {}\n    username: {}\n    {}\n    ssh: {{{}}}\n",
            d.name, d.port, d.transport, d.user, d.auth, d.ssh
        ));
    }
    let path = lab.path(file);
    std::fs::write(&path, inv).unwrap();
    let inv = fleetpoll::inventory::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let pb = fleetpoll::playbook::parse_text(Path::new("sshd.yaml"), PLAYBOOK).unwrap();
    let plan = fleetpoll::plan::from_parts(inv, pb, None).unwrap();
    let opts = RunOptions {
        concurrency,
        ..RunOptions::default()
    };
    Runner::new().run(&plan, &opts, |_| {}).await
}

fn row<'a>(r: &'a [DeviceReport], name: &str) -> &'a DeviceReport {
    r.iter()
        .find(|d| d.device == name)
        .unwrap_or_else(|| panic!("no row for {name}"))
}

fn metric<'a>(d: &'a DeviceReport, m: &str) -> &'a str {
    d.metrics.get(m).map(String::as_str).unwrap_or("")
}

fn explain(d: &DeviceReport, sshd: &Sshd) -> String {
    format!(
        "{}: {:?} stage {:?} class {:?}: {:?}\nsshd log:\n{}",
        d.device,
        d.poll_status,
        d.failed_stage,
        d.error_class,
        d.error,
        sshd.log_text()
    )
}

/// Polled, every command parsed, the fake router's numbers in the metrics.
fn assert_polled(d: &DeviceReport, sshd: &Sshd) {
    assert_eq!(d.poll_status, PollStatus::Polled, "{}", explain(d, sshd));
    // Loopback sessions take well under a second; one that waited out a stage timeout has
    // stalled (a missed wake-up), even if it got there in the end.
    assert!(d.duration_ms < 15_000, "{}: {} ms", d.device, d.duration_ms);
    assert_eq!(
        d.hostname.as_deref(),
        Some("lab-rtr1"),
        "{}",
        explain(d, sshd)
    );
    assert!(d.command_errors().is_empty(), "{:?}", d.command_errors());
    assert_eq!(metric(d, "sw_version"), "15.7(3)M5");
    assert_eq!(metric(d, "model"), "CISCO1941/K9");
    assert_eq!(metric(d, "serial"), "FGL2231X0ZK");
    assert_eq!(metric(d, "uptime_s"), "601320");
    assert_eq!(metric(d, "ike_sa_total"), "3");
    assert_eq!(metric(d, "ike_sa_up"), "2");
    assert_eq!(metric(d, "ike_sa_down"), "1");
}

fn assert_failed(d: &DeviceReport, class: ErrorClass, stage: Stage, text: &str, sshd: &Sshd) {
    assert_eq!(d.poll_status, PollStatus::Failed, "{}", explain(d, sshd));
    assert_eq!(d.error_class, Some(class), "{}", explain(d, sshd));
    assert_eq!(d.failed_stage, Some(stage), "{}", explain(d, sshd));
    let e = d.error.as_deref().unwrap_or("");
    assert!(e.contains(text), "`{text}` not in: {}", explain(d, sshd));
}

const LEGACY_ALGORITHMS: &str =
    "kex=diffie-hellman-group14-sha1 hostkey=ssh-rsa cipher=aes128-cbc mac=hmac-sha1";

/// This process's `ssh` children (any state, zombies included).
fn ssh_children() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if comm == "ssh" && rest.get(1) == Some(&me.as_str()) {
            out.push(format!("{} {}", stat[..open].trim(), rest[0]));
        }
    }
    out
}

async fn no_ssh_left() {
    let until = Instant::now() + Duration::from_secs(10);
    while !ssh_children().is_empty() && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        ssh_children(),
        Vec::<String>::new(),
        "ssh children left behind (pid state)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_only_sshd_is_polled_by_both_transports_with_the_legacy_profile() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let pw_user = PasswordUser::create(&lab);
    let extra: Vec<&str> = pw_user.iter().map(|u| u.name).collect();
    let sshd = Sshd::start(&lab, Offer::LegacyOnly, &extra);
    let p = sshd.port;
    let kh = |n: &str| format!("known_hosts: {}", lab.path(&format!("kh-{n}")).display());
    let mut devs = vec![
        Dev::key(
            &lab,
            "native-legacy",
            p,
            "native",
            format!("algorithms: legacy, {}", kh("1")),
        ),
        Dev::key(
            &lab,
            "openssh-legacy",
            p,
            "openssh",
            format!("algorithms: legacy, {}", kh("2")),
        ),
        Dev::key(
            &lab,
            "native-modern",
            p,
            "native",
            format!("algorithms: modern, {}", kh("3")),
        ),
        Dev::key(
            &lab,
            "openssh-modern",
            p,
            "openssh",
            format!("algorithms: modern, {}", kh("4")),
        ),
    ];
    if let Some(u) = &pw_user {
        for (name, transport, file, n) in [
            ("native-password", "native", "password", "5"),
            ("openssh-password", "openssh", "password", "6"),
            ("native-bad-password", "native", "wrong_password", "7"),
            ("openssh-bad-password", "openssh", "wrong_password", "8"),
        ] {
            devs.push(Dev {
                name: name.into(),
                port: p,
                transport,
                user: u.name.to_string(),
                auth: format!("password: {{file: {}}}", lab.path(file).display()),
                ssh: format!("algorithms: legacy, {}", kh(n)),
            });
        }
    }
    let r = sweep(&lab, "legacy.yaml", &devs).await;

    for name in ["native-legacy", "openssh-legacy"] {
        let d = row(&r, name);
        assert_polled(d, &sshd);
        assert_eq!(
            d.ssh_algorithms.as_deref(),
            Some(LEGACY_ALGORITHMS),
            "{name}"
        );
    }
    // `modern` is the point of the profile: no SHA-1 key exchange, no CBC, no hmac-sha1.
    let d = row(&r, "native-modern");
    assert_failed(d, ErrorClass::Protocol, Stage::Auth, "", &sshd);
    let d = row(&r, "openssh-modern");
    assert_failed(
        d,
        ErrorClass::Protocol,
        Stage::Auth,
        "no matching key exchange method",
        &sshd,
    );

    if pw_user.is_some() {
        for name in ["native-password", "openssh-password"] {
            let d = row(&r, name);
            assert_polled(d, &sshd);
            assert_eq!(
                d.ssh_algorithms.as_deref(),
                Some(LEGACY_ALGORITHMS),
                "{name}"
            );
        }
        for name in ["native-bad-password", "openssh-bad-password"] {
            assert_failed(
                row(&r, name),
                ErrorClass::AuthFailed,
                Stage::Auth,
                "",
                &sshd,
            );
        }
        for d in &r {
            let e = d.error.as_deref().unwrap_or("");
            let pw = std::fs::read_to_string(lab.path("password")).unwrap();
            assert!(
                !e.contains(&pw) && !e.contains("not-the-password"),
                "secret in an error: {e}"
            );
        }
    }
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_profile_still_negotiates_modern_algorithms_with_a_modern_sshd() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let sshd = Sshd::start(&lab, Offer::Default, &[]);
    let p = sshd.port;
    let kh = |n: &str| format!("known_hosts: {}", lab.path(&format!("kh-{n}")).display());
    let devs = vec![
        Dev::key(
            &lab,
            "native-legacy",
            p,
            "native",
            format!("algorithms: legacy, {}", kh("1")),
        ),
        Dev::key(
            &lab,
            "openssh-legacy",
            p,
            "openssh",
            format!("algorithms: legacy, {}", kh("2")),
        ),
        Dev::key(&lab, "openssh-modern", p, "openssh", kh("3")),
    ];
    let r = sweep(&lab, "modern.yaml", &devs).await;
    for name in ["native-legacy", "openssh-legacy", "openssh-modern"] {
        let d = row(&r, name);
        assert_polled(d, &sshd);
        let a = d
            .ssh_algorithms
            .as_deref()
            .unwrap_or_else(|| panic!("{name}: no algorithms"));
        let field = |k: &str| {
            a.split_whitespace()
                .find_map(|f| f.strip_prefix(k))
                .unwrap_or_else(|| panic!("{name}: no {k} in {a}"))
                .to_string()
        };
        assert!(!field("kex=").ends_with("sha1"), "{name}: {a}");
        assert!(!field("cipher=").ends_with("-cbc"), "{name}: {a}");
        assert_ne!(field("mac="), "hmac-sha1", "{name}: {a}");
        assert_eq!(field("hostkey="), "ssh-ed25519", "{name}: {a}");
    }
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssh_transport_host_keys_credentials_and_failures() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let sshd = Sshd::start(&lab, Offer::LegacyOnly, &[]);
    let p = sshd.port;
    let fp = fingerprint(&lab.rsa_host.with_extension("pub"));
    let kh = |n: &str| lab.path(&format!("kh-{n}"));
    let legacy = |rest: String| format!("algorithms: legacy, {rest}");

    // A known_hosts that has another key for this server: the key "changed".
    let other = lab.path("other_rsa");
    keygen(&other, "rsa");
    let other_fp = fingerprint(&other.with_extension("pub"));
    let other_pub = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    let mut fields = other_pub.split_whitespace();
    let (kind, b64) = (fields.next().unwrap(), fields.next().unwrap());
    std::fs::write(kh("changed"), format!("[127.0.0.1]:{p} {kind} {b64}\n")).unwrap();
    std::fs::write(kh("empty"), "").unwrap();

    // A user key the server does not know, and a port nothing listens on.
    let stranger = lab.path("stranger");
    keygen(&stranger, "ed25519");
    let closed = free_port();
    // A listener that accepts and never speaks: ssh waits for the SSH banner.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();

    let mut devs = vec![
        Dev::key(
            &lab,
            "learn",
            p,
            "native",
            legacy(format!("known_hosts: {}", kh("learned").display())),
        ),
        Dev::key(
            &lab,
            "pinned-ok",
            p,
            "openssh",
            legacy(format!(
                "host_key_policy: pinned, host_key_fingerprint: \"{fp}\""
            )),
        ),
        Dev::key(
            &lab,
            "pinned-wrong",
            p,
            "openssh",
            legacy(format!(
                "host_key_policy: pinned, host_key_fingerprint: \"{other_fp}\""
            )),
        ),
        Dev::key(
            &lab,
            "strict-unknown",
            p,
            "openssh",
            legacy(format!(
                "host_key_policy: strict, known_hosts: {}",
                kh("empty").display()
            )),
        ),
        Dev::key(
            &lab,
            "changed",
            p,
            "openssh",
            legacy(format!("known_hosts: {}", kh("changed").display())),
        ),
        Dev::key(
            &lab,
            "refused",
            closed,
            "openssh",
            legacy(format!("known_hosts: {}", kh("r").display())),
        ),
        Dev::key(
            &lab,
            "insecure",
            p,
            "openssh",
            legacy("host_key_policy: insecure-accept-any".into()),
        ),
    ];
    let mut stranger_dev = Dev::key(
        &lab,
        "stranger",
        p,
        "openssh",
        legacy(format!("known_hosts: {}", kh("s").display())),
    );
    stranger_dev.auth = format!("key_file: {}", stranger.display());
    devs.push(stranger_dev);
    let r = sweep(&lab, "policies.yaml", &devs).await;

    assert_polled(row(&r, "learn"), &sshd);
    assert_polled(row(&r, "pinned-ok"), &sshd);
    assert_polled(row(&r, "insecure"), &sshd);
    let d = row(&r, "pinned-wrong");
    assert_failed(
        d,
        ErrorClass::HostKey,
        Stage::Auth,
        &format!("{fp} does not match the pinned {other_fp}"),
        &sshd,
    );
    let d = row(&r, "strict-unknown");
    assert_failed(
        d,
        ErrorClass::HostKey,
        Stage::Auth,
        &format!("host key {fp} for 127.0.0.1:{p} is not in known_hosts"),
        &sshd,
    );
    let d = row(&r, "changed");
    assert_failed(
        d,
        ErrorClass::HostKey,
        Stage::Auth,
        "HOST KEY CHANGED",
        &sshd,
    );
    let e = d.error.as_deref().unwrap_or("");
    assert!(
        e.contains(&format!("known {other_fp}")) && e.contains(&format!("offered {fp}")),
        "{e}"
    );
    let d = row(&r, "refused");
    assert_failed(
        d,
        ErrorClass::Unreachable,
        Stage::Connect,
        "Connection refused",
        &sshd,
    );
    let d = row(&r, "stranger");
    assert_failed(
        d,
        ErrorClass::AuthFailed,
        Stage::Auth,
        "Permission denied",
        &sshd,
    );
    assert_eq!(
        d.ssh_algorithms, None,
        "no session, no algorithms in the row"
    );

    // What the native transport learned, OpenSSH trusts under `strict` (same file format).
    let learned = std::fs::read_to_string(kh("learned")).unwrap();
    assert!(learned.contains(&format!("[127.0.0.1]:{p}")), "{learned}");
    let silent_dev = Dev::key(
        &lab,
        "silent",
        silent_port,
        "openssh",
        legacy(format!("known_hosts: {}", kh("q").display())),
    );
    let strict = Dev::key(
        &lab,
        "strict-learned",
        p,
        "openssh",
        legacy(format!(
            "host_key_policy: strict, known_hosts: {}",
            kh("learned").display()
        )),
    );
    let r = sweep_with(&lab, "strict.yaml", QUICK, 4, &[strict, silent_dev]).await;
    assert_polled(row(&r, "strict-learned"), &sshd);
    let d = row(&r, "silent");
    assert_failed(d, ErrorClass::Timeout, Stage::Auth, "", &sshd);
    drop(silent);
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_openssh_sessions_at_once() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let sshd = Sshd::start(&lab, Offer::Default, &[]);
    let kh = format!("known_hosts: {}", lab.path("kh").display());
    let devs: Vec<Dev> = (0..16)
        .map(|i| {
            Dev::key(
                &lab,
                format!("rtr-{i:02}"),
                sshd.port,
                "openssh",
                kh.clone(),
            )
        })
        .collect();
    let started = Instant::now();
    let r = sweep_with(&lab, "many.yaml", TIMEOUTS, 16, &devs).await;
    for d in &r {
        assert_polled(d, &sshd);
    }
    eprintln!(
        "16 openssh sessions at once: {:?} (per device, ms: {:?})",
        started.elapsed(),
        r.iter().map(|d| d.duration_ms).collect::<Vec<_>>()
    );
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_openssh_session_leaves_no_process() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    // Accepts and never speaks: the login hangs until the future is dropped.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let inv = format!(
        "devices:\n  - name: hang\n    host: 127.0.0.1\n    port: {port}\n    platform: cisco_ios\n    transport: openssh\n    username: {}\n    key_file: {}\n    ssh: {{known_hosts: {}}}\n",
        lab.user,
        lab.key.display(),
        lab.path("kh").display()
    );
    let path = lab.path("hang.yaml");
    std::fs::write(&path, inv).unwrap();
    let host = fleetpoll::inventory::load(&path).unwrap().hosts.remove(0);
    let mut progress = fleetpoll::session::driver::Progress::default();
    let polled = tokio::time::timeout(
        Duration::from_millis(1500),
        fleetpoll::session::driver::poll(&host, &[], &mut progress),
    )
    .await;
    assert!(polled.is_err(), "the login cannot finish: {polled:?}");
    assert_eq!(
        progress.stage,
        Stage::Auth,
        "connected, waiting for the SSH banner"
    );
    no_ssh_left().await;
    drop(silent);
}
