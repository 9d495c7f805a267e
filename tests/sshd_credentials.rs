//! Credentials against a real `sshd` on loopback (the lab of `tests/sshd.rs`): an encrypted
//! key with `key_passphrase` through both transports, the ssh-agent (`SSH_AUTH_SOCK`) when a
//! device has neither password nor key_file, and `ssh.jump` with the openssh transport
//! (`-J`, the same sshd as bastion and device). Skipped with a note without sshd/ssh-agent.

mod common;
#[path = "sshd/lab.rs"]
mod lab;

use lab::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An ssh-agent in the foreground on a socket in the lab; killed and reaped on drop.
struct Agent {
    child: Child,
    sock: PathBuf,
}

impl Agent {
    fn start(lab: &Lab) -> Option<Agent> {
        if Command::new("ssh-agent").arg("-h").output().is_err() {
            eprintln!("SKIP: no ssh-agent in PATH; install openssh-client (.ci/run does)");
            return None;
        }
        let sock = lab.path("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&sock)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut agent = Agent { child, sock };
        // The socket appears once the agent listens (no event to wait on from here).
        let until = Instant::now() + Duration::from_secs(30);
        while !agent.sock.exists() {
            assert!(
                agent.child.try_wait().unwrap().is_none(),
                "ssh-agent exited"
            );
            assert!(Instant::now() < until, "ssh-agent did not listen in 30 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(agent)
    }

    fn add(&self, key: &Path) {
        run(Command::new("ssh-add")
            .arg(key)
            .env("SSH_AUTH_SOCK", &self.sock)
            .stdin(Stdio::null()));
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A key for the lab user, authorised by the lab's sshd; `pass` encrypts it.
fn authorised_key(lab: &Lab, name: &str, pass: &str) -> PathBuf {
    let key = lab.path(name);
    common::ssh_keygen(&key, "ed25519", pass).unwrap_or_else(|e| panic!("{e}"));
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let mut keys = std::fs::read_to_string(lab.path("authorized_keys")).unwrap();
    keys.push_str(&public);
    std::fs::write(lab.path("authorized_keys"), keys).unwrap();
    key
}

/// Poll `inventory` with the lab playbook through the binary, with `env` set for it alone.
fn poll_binary(lab: &Lab, inventory: &str, env: &[(&str, &Path)]) -> (i32, String, PathBuf) {
    let inv = common::write(lab.dir.path(), "bin-inv.yaml", inventory);
    let pb = common::write(lab.dir.path(), "bin-playbook.yaml", PLAYBOOK);
    let csv = lab.path("bin-health.csv");
    let mut c = common::bin::fleetpoll();
    c.args(["-q", "poll", "-i"])
        .arg(&inv)
        .arg("-p")
        .arg(&pb)
        .arg("-o")
        .arg(&csv)
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let o = common::bin::output(&mut c);
    (common::bin::code(&o), common::bin::stderr(&o), csv)
}

/// `(device, poll_status, sw_version, error)` per CSV row.
fn rows(csv: &Path) -> Vec<(String, String, String, String)> {
    let mut rd = csv::Reader::from_path(csv).unwrap();
    let h = rd.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (d, p, n, e) = (
        at("device"),
        at("poll_status"),
        at("sw_version"),
        at("error"),
    );
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[d].to_string(),
                r[p].to_string(),
                r[n].to_string(),
                r[e].to_string(),
            )
        })
        .collect()
}

fn polled(name: &str) -> (String, String, String, String) {
    (
        name.into(),
        "polled".into(),
        "15.7(3)M5".into(),
        String::new(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_key_with_passphrase_is_polled_by_both_transports() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    // An agent of the developer's could answer for ssh instead of the passphrase.
    std::env::remove_var("SSH_AUTH_SOCK");
    let lab = Lab::new();
    let key = authorised_key(&lab, "id_encrypted", "lab-passphrase-3");
    std::fs::write(lab.path("passphrase"), "lab-passphrase-3\n").unwrap();
    // No public key beside it: ssh must decrypt the file to learn which key it is.
    std::fs::remove_file(key.with_extension("pub")).unwrap();
    let sshd = Sshd::start(&lab, Offer::Default, &[]);
    let auth = format!(
        "key_file: {}\n    key_passphrase: {{file: {}}}",
        key.display(),
        lab.path("passphrase").display()
    );
    let devs: Vec<Dev> = ["native", "openssh"]
        .into_iter()
        .map(|t| {
            let mut d = Dev::key(
                &lab,
                format!("enc-{t}"),
                sshd.port,
                t,
                format!("known_hosts: {}", lab.path(&format!("kh-{t}")).display()),
            );
            d.auth = auth.clone();
            d
        })
        .collect();
    let r = sweep(&lab, "encrypted.yaml", &devs).await;
    for d in &r {
        assert_polled(d, &sshd);
    }
    no_ssh_left().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_authenticates_a_device_without_password_or_key_file() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let Some(agent) = Agent::start(&lab) else {
        return;
    };
    let key = authorised_key(&lab, "id_agent", "");
    agent.add(&key);
    let sshd = Sshd::start(&lab, Offer::Default, &[]);
    let inv = |transports: &[&str]| {
        let mut s = format!(
            "defaults:\n  platform: cisco_ios\n  retries: 0\n  username: {}\n  enable_secret: {{file: {}}}\n  timeouts: {TIMEOUTS}\ndevices:\n",
            lab.user,
            lab.enable.display()
        );
        for t in transports {
            s.push_str(&format!(
                "  - {{name: agent-{t}, host: 127.0.0.1, port: {}, transport: {t}, ssh: {{known_hosts: {}}}}}\n",
                sshd.port,
                lab.path(&format!("kh-{t}")).display()
            ));
        }
        s
    };
    let (code, err, csv) = poll_binary(
        &lab,
        &inv(&["native", "openssh"]),
        &[("SSH_AUTH_SOCK", &agent.sock)],
    );
    // 1: the lab router has one IKE SA down, a warning.
    assert_eq!(code, 1, "{err}\nsshd log:\n{}", sshd.log_text());
    assert_eq!(
        rows(&csv),
        [polled("agent-native"), polled("agent-openssh")]
    );

    // Without SSH_AUTH_SOCK the plan says so before anything connects.
    let (code, err, _) = poll_binary(&lab, &inv(&["native"]), &[]);
    assert_eq!(code, 3);
    assert_eq!(
        err.trim_end(),
        format!(
            "error: {}:8:3: devices[0]: device `agent-native` has neither a password nor a key_file, and SSH_AUTH_SOCK is not set (no ssh-agent to authenticate with)",
            lab.path("bin-inv.yaml").display()
        )
    );

    // An agent without the key: refused by the server, reported as an authentication failure.
    run(Command::new("ssh-add")
        .arg("-D")
        .env("SSH_AUTH_SOCK", &agent.sock)
        .stdin(Stdio::null()));
    let (code, err, csv) = poll_binary(&lab, &inv(&["native"]), &[("SSH_AUTH_SOCK", &agent.sock)]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        rows(&csv),
        [(
            "agent-native".into(),
            "failed".into(),
            String::new(),
            "auth_failed".into()
        )]
    );
    drop(agent);
}

/// Poll an inventory text in-process with the lab playbook.
async fn sweep_text(lab: &Lab, file: &str, text: &str) -> Vec<fleetpoll::runner::DeviceReport> {
    let inv = common::load(&common::write(lab.dir.path(), file, text));
    let plan = common::plan_of(inv, "sshd.yaml", PLAYBOOK);
    common::run_concurrently(&plan, 2).await
}

/// The same sshd is the bastion (as `localhost`: ssh refuses a jump to the same name) and the
/// device (as 127.0.0.1): `-J` reaches it through itself, and the
/// bastion's host key is checked by the jump host's own policy and known_hosts file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssh_jump_goes_through_the_bastion_with_its_host_key_policy() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    std::env::remove_var("SSH_AUTH_SOCK");
    let lab = Lab::new();
    let sshd = Sshd::start(&lab, Offer::Default, &[]);
    let p = sshd.port;
    std::fs::write(lab.path("kh-empty"), "").unwrap();
    let text = format!(
        "defaults:
  platform: cisco_ios
  retries: 0
  username: {user}
  key_file: {key}
  enable_secret: {{file: {enable}}}
  timeouts: {TIMEOUTS}
jump_hosts:
  bastion: {{host: localhost, port: {p}, ssh: {{known_hosts: {kh_jump}}}}}
  strict-bastion: {{host: localhost, port: {p}, ssh: {{host_key_policy: strict, known_hosts: {kh_empty}}}}}
devices:
  - {{name: via-bastion, host: 127.0.0.1, port: {p}, transport: openssh, ssh: {{jump: [bastion], known_hosts: {kh_dev}}}}}
  - {{name: via-strict, host: 127.0.0.1, port: {p}, transport: openssh, ssh: {{jump: [strict-bastion], known_hosts: {kh_dev2}}}}}
",
        user = lab.user,
        key = lab.key.display(),
        enable = lab.enable.display(),
        kh_jump = lab.path("kh-jump").display(),
        kh_empty = lab.path("kh-empty").display(),
        kh_dev = lab.path("kh-dev").display(),
        kh_dev2 = lab.path("kh-dev2").display(),
    );
    let r = sweep_text(&lab, "jump.yaml", &text).await;
    let d = row(&r, "via-bastion");
    assert_polled(d, &sshd);
    let log = sshd.log_text();
    assert!(
        log.contains("direct-tcpip") || log.matches("Accepted publickey").count() >= 2,
        "the device session went through the bastion: {log}"
    );
    // Learned into the bastion's own known_hosts (fleetpoll's policy for it), not ~/.ssh's.
    let learned = std::fs::read_to_string(lab.path("kh-jump")).unwrap_or_default();
    assert!(learned.contains(&format!("[localhost]:{p}")), "{learned:?}");
    let expected = format!("host key rejected: jump host: No ED25519 host key is known for [localhost]:{p} and you have requested strict checking. | Host key verification failed.");
    let d = row(&r, "via-strict");
    assert_failed(
        d,
        fleetpoll::session::error::ErrorClass::HostKey,
        fleetpoll::session::error::Stage::Connect,
        &expected,
        &sshd,
    );
    assert_eq!(d.error.as_deref(), Some(expected.as_str()));
    assert!(
        std::fs::read_to_string(lab.path("kh-empty"))
            .unwrap()
            .is_empty(),
        "strict learns nothing"
    );
    no_ssh_left().await;
}
