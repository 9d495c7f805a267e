//! The OpenSSH lab shared by `tests/sshd.rs` and `tests/kex.rs`: keys, the fake IOS device
//! script, a throwaway password account, an `sshd` on loopback with a chosen algorithm
//! offer, and sweeps of inventories that reach it.
#![allow(dead_code)]

use fleetpoll::runner::{DeviceReport, PollStatus};
use fleetpoll::session::error::{ErrorClass, Stage};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const SSHD: &str = "/usr/sbin/sshd";
pub const PASSWORD_USER: &str = "fleetpoll-sshd";
pub const ENABLE: &str = "lab-enable-9";
pub const PLAYBOOK: &str = "name: sshd
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
pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub fn skip() -> bool {
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

pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn keygen(path: &Path, kind: &str) {
    crate::common::ssh_keygen(path, kind, "").unwrap_or_else(|e| panic!("{e}"));
}

/// `SHA256:…` of a public key file.
pub fn fingerprint(pub_key: &Path) -> String {
    let out = run(Command::new("ssh-keygen").arg("-lf").arg(pub_key));
    out.split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("no fingerprint in {out:?}"))
        .to_string()
}

pub fn whoami() -> String {
    run(Command::new("id").arg("-un")).trim().to_string()
}

pub fn is_root() -> bool {
    run(Command::new("id").arg("-u")).trim() == "0"
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Keys, the device script and secrets in a temp folder every test user can traverse.
pub struct Lab {
    pub dir: tempfile::TempDir,
    pub user: String,
    pub key: PathBuf,
    pub script: PathBuf,
    pub enable: PathBuf,
    pub rsa_host: PathBuf,
    pub ed_host: PathBuf,
}

impl Lab {
    pub fn new() -> Lab {
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

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Offer {
    /// Only SHA-1 key exchange, CBC, hmac-sha1 and an ssh-rsa host key.
    LegacyOnly,
    /// OpenSSH's defaults.
    Default,
    /// OpenSSH's defaults but exactly this one key exchange (and an RSA host key, as Cisco
    /// images have).
    OnlyKex(&'static str),
}

/// A running sshd; killed and reaped on drop.
pub struct Sshd {
    pub child: std::process::Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Sshd {
    pub fn start(lab: &Lab, offer: Offer, extra_users: &[&str]) -> Sshd {
        if is_root() {
            // Debian's privilege-separation folder; absent on a fresh install without a boot.
            let _ = std::fs::create_dir_all("/run/sshd");
            set_mode(Path::new("/run/sshd"), 0o755);
        }
        let mut last = String::new();
        for attempt in 0..3 {
            let port = free_port();
            let name: String = format!("{offer:?}-{attempt}")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
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
                Offer::OnlyKex(kex) => text.push_str(&format!(
                    "HostKey {}\nKexAlgorithms {kex}\n",
                    lab.rsa_host.display()
                )),
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

    pub fn log_text(&self) -> String {
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
pub struct PasswordUser {
    pub name: &'static str,
    pub password_file: PathBuf,
}

impl PasswordUser {
    /// Only as root with a working `useradd`; `None` (with a note) otherwise.
    pub fn create(lab: &Lab) -> Option<PasswordUser> {
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
pub struct Dev {
    pub name: String,
    pub port: u16,
    pub transport: &'static str,
    pub user: String,
    pub auth: String,
    pub ssh: String,
}

impl Dev {
    pub fn key(
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

pub const TIMEOUTS: &str =
    "{connect: 10s, auth: 30s, prompt: 30s, enable: 15s, command: 30s, device: 120s}";
/// For a peer that never answers: fail fast.
pub const QUICK: &str =
    "{connect: 3s, auth: 3s, prompt: 30s, enable: 15s, command: 30s, device: 120s}";

pub async fn sweep(lab: &Lab, file: &str, devices: &[Dev]) -> Vec<DeviceReport> {
    sweep_with(lab, file, TIMEOUTS, 4, devices).await
}

/// Write an inventory of `devices` and poll it with the test playbook.
pub async fn sweep_with(
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
    let inv = crate::common::load(&crate::common::write(lab.dir.path(), file, &inv));
    let plan = crate::common::plan_of(inv, "sshd.yaml", PLAYBOOK);
    crate::common::run_concurrently(&plan, concurrency).await
}

pub use crate::common::{metric, row};

pub fn explain(d: &DeviceReport, sshd: &Sshd) -> String {
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
pub fn assert_polled(d: &DeviceReport, sshd: &Sshd) {
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

pub fn assert_failed(d: &DeviceReport, class: ErrorClass, stage: Stage, text: &str, sshd: &Sshd) {
    assert_eq!(d.poll_status, PollStatus::Failed, "{}", explain(d, sshd));
    assert_eq!(d.error_class, Some(class), "{}", explain(d, sshd));
    assert_eq!(d.failed_stage, Some(stage), "{}", explain(d, sshd));
    let e = d.error.as_deref().unwrap_or("");
    assert!(e.contains(text), "`{text}` not in: {}", explain(d, sshd));
}

pub const LEGACY_ALGORITHMS: &str =
    "kex=diffie-hellman-group14-sha1 hostkey=ssh-rsa cipher=aes128-cbc mac=hmac-sha1";

/// This process's `ssh` children (any state, zombies included).
pub fn ssh_children() -> Vec<String> {
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

pub async fn no_ssh_left() {
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
