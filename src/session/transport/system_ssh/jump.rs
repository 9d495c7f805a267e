//! `ssh.jump` for the openssh transport: the hops become `-J user@host:port,…`. ssh applies
//! command-line options to the destination only, so each bastion's host-key policy, key and
//! safety options go in a generated `-F` file, ahead of the user's own configuration.

use super::args::{algorithm_options, host_key_options, ssh_path, Capabilities};
pub use crate::inventory::openssh::hop_problem;
use crate::inventory::{Host, HostKeyPolicy};
use crate::session::transport::ssh::default_known_hosts;
use std::fmt::Write as _;

/// The `-J` value: `user@host:port` per hop, outermost first; IPv6 addresses in brackets.
pub(super) fn spec(hops: &[std::sync::Arc<Host>]) -> String {
    hops.iter()
        .map(|h| {
            if h.host.contains(':') {
                format!("{}@[{}]:{}", h.username, h.host, h.port)
            } else {
                format!("{}@{}:{}", h.username, h.host, h.port)
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The `-F` file for `host`'s hops: one `Host` block per bastion with fleetpoll's options
/// (first value wins in ssh_config), then the user's and the system's configuration.
pub(super) fn config(host: &Host, caps: &Capabilities) -> String {
    let before_7_6 = caps.version.is_some_and(|v| v < (7, 6));
    let mut s = format!(
        "# fleetpoll: options for the jump hosts of `{}`; then the usual configuration.\n",
        host.name.escape_debug()
    );
    let mut seen: Vec<&str> = Vec::new();
    for hop in &host.jump {
        // A host listed twice gets its first hop's block, as ssh would use it.
        if seen.contains(&hop.host.as_str()) {
            continue;
        }
        seen.push(&hop.host);
        let _ = writeln!(s, "Host {}", hop.host);
        let known_hosts = hop.known_hosts.clone().unwrap_or_else(default_known_hosts);
        if hop.host_key_policy == HostKeyPolicy::AcceptNew {
            if let Some(dir) = known_hosts.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
        }
        let mut o = host_key_options(hop, &known_hosts, before_7_6);
        o.extend(algorithm_options(hop, caps));
        // Never a password, a host-key question or anything else on the tty for a bastion:
        // only the passphrase of its own key, which the login recognises by the file's name.
        let asks_passphrase = hop.key.as_ref().is_some_and(|k| k.passphrase.is_some());
        o.push(format!(
            "BatchMode={}",
            if asks_passphrase && !before_7_6 {
                "no"
            } else {
                "yes"
            }
        ));
        o.push("PasswordAuthentication=no".into());
        o.push("KbdInteractiveAuthentication=no".into());
        if let Some(k) = &hop.key_file {
            o.push("IdentitiesOnly=yes".into());
            o.push(format!("IdentityFile={}", ssh_path(k)));
        }
        let connect = hop.timeouts.connect.as_secs_f64().ceil().max(1.0) as u64;
        o.push(format!("ConnectTimeout={connect}"));
        for kv in [
            "ServerAliveInterval=15",
            "ServerAliveCountMax=3",
            "ForwardAgent=no",
            "ForwardX11=no",
            "ClearAllForwardings=yes",
            "ControlMaster=no",
            "ControlPath=none",
            "PermitLocalCommand=no",
            // Its stderr is the pty: errors only, no debug lines among the prompts.
            "LogLevel=ERROR",
        ] {
            o.push(kv.into());
        }
        for kv in o {
            let _ = writeln!(s, "  {kv}");
        }
    }
    s.push_str("Host *\nInclude ~/.ssh/config\nInclude /etc/ssh/ssh_config\n");
    s
}

/// ssh puts the `-F` path unquoted into the jump command's shell line too.
pub(super) fn config_path_ok(p: &std::path::Path) -> bool {
    p.to_str().is_some_and(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::parse;
    use std::path::Path;

    fn device(jump_hosts: &str, extra: &str) -> Host {
        let key = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/host_keys/rsa2048");
        let yaml = format!(
            "jump_hosts:\n{jump_hosts}devices:\n  - {{name: r1, host: 10.0.0.1, platform: cisco_ios, transport: openssh, username: netops, password: s3cret, ssh: {{jump: [outer, inner]{extra}}}}}\n"
        )
        .replace("KEY", key);
        parse(Path::new("t.yaml"), &yaml)
            .unwrap_or_else(|e| panic!("{e}"))
            .hosts
            .remove(0)
    }

    const HOPS: &str = "  outer: {host: bastion.example.net, port: 2200, username: jump, key_file: KEY, ssh: {known_hosts: /kh/outer}}\n  inner: {host: \"fd00::5\", username: ops, key_file: KEY, ssh: {host_key_policy: strict, known_hosts: /kh/inner}}\n";

    #[test]
    fn hops_become_one_j_value_and_a_host_block_each() {
        let h = device(HOPS, "");
        assert_eq!(
            spec(&h.jump),
            "jump@bastion.example.net:2200,ops@[fd00::5]:22"
        );
        let key = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/host_keys/rsa2048");
        let caps = Capabilities {
            version: Some((9, 2)),
            ..Capabilities::default()
        };
        let expected = format!(
            "# fleetpoll: options for the jump hosts of `r1`; then the usual configuration.
Host bastion.example.net
  StrictHostKeyChecking=accept-new
  UserKnownHostsFile=/kh/outer
  HashKnownHosts=no
  BatchMode=yes
  PasswordAuthentication=no
  KbdInteractiveAuthentication=no
  IdentitiesOnly=yes
  IdentityFile={key}
  ConnectTimeout=10
  ServerAliveInterval=15
  ServerAliveCountMax=3
  ForwardAgent=no
  ForwardX11=no
  ClearAllForwardings=yes
  ControlMaster=no
  ControlPath=none
  PermitLocalCommand=no
  LogLevel=ERROR
Host fd00::5
  StrictHostKeyChecking=yes
  UserKnownHostsFile=/kh/inner ~/.ssh/known_hosts ~/.ssh/known_hosts2
  BatchMode=yes
  PasswordAuthentication=no
  KbdInteractiveAuthentication=no
  IdentitiesOnly=yes
  IdentityFile={key}
  ConnectTimeout=10
  ServerAliveInterval=15
  ServerAliveCountMax=3
  ForwardAgent=no
  ForwardX11=no
  ClearAllForwardings=yes
  ControlMaster=no
  ControlPath=none
  PermitLocalCommand=no
  LogLevel=ERROR
Host *
Include ~/.ssh/config
Include /etc/ssh/ssh_config
"
        );
        assert_eq!(config(&h, &caps), expected);
    }

    #[test]
    fn hops_that_would_inject_or_cannot_be_checked_are_refused() {
        let key = "  inner: {host: ok.example, username: ops, key_file: KEY}\n";
        for (outer, why) in [
            ("{host: h, username: \"-l\", key_file: KEY}", "username `-l`"),
            ("{host: h, username: \"u@x\", key_file: KEY}", "username `u@x`"),
            ("{host: h, username: \"u$(id)\", key_file: KEY}", "username `u$(id)`"),
            (
                "{host: h, username: u, key_file: KEY, ssh: {host_key_policy: pinned, host_key_fingerprint: \"SHA256:x\"}}",
                "pinned",
            ),
        ] {
            let hops = format!("  outer: {outer}\n{key}");
            let key_path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/host_keys/rsa2048");
            let yaml = format!(
                "jump_hosts:\n{hops}devices:\n  - {{name: r1, host: 10.0.0.1, platform: cisco_ios, transport: openssh, username: netops, password: s3cret, ssh: {{jump: [outer, inner]}}}}\n"
            )
            .replace("KEY", key_path);
            let e = parse(Path::new("t.yaml"), &yaml).unwrap_err().to_string();
            assert!(e.starts_with("t.yaml:5:"), "{e}");
            assert!(e.contains("devices[0].ssh.jump[0]: jump host `outer`"), "{e}");
            assert!(e.contains(why), "{why}: {e}");
        }
        // A host that is not a name or an address is refused where the jump host is defined,
        // before any device names it (as for every host: `util::bad_host`).
        for (outer, why) in [
            (
                "{host: \"-oProxyCommand=x\", username: u, key_file: KEY}",
                "starts with `-`",
            ),
            ("{host: \"a b\", username: u, key_file: KEY}", "U+0020"),
            ("{host: \"h;touch x\", username: u, key_file: KEY}", "`;`"),
            ("{host: \"h,evil\", username: u, key_file: KEY}", "`,`"),
        ] {
            let key_path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/host_keys/rsa2048");
            let yaml = format!(
                "jump_hosts:\n  outer: {outer}\n{key}devices:\n  - {{name: r1, host: 10.0.0.1, platform: cisco_ios, transport: openssh, username: netops, password: s3cret, ssh: {{jump: [outer, inner]}}}}\n"
            )
            .replace("KEY", key_path);
            let e = parse(Path::new("t.yaml"), &yaml).unwrap_err().to_string();
            assert!(e.starts_with("t.yaml:2:"), "{e}");
            assert!(e.contains("jump_hosts.outer.host: host"), "{e}");
            assert!(e.contains(why), "{why}: {e}");
        }
    }

    #[test]
    fn a_bastion_password_is_refused_for_openssh_only() {
        let inv = |hop: &str, defaults: &str, transport: &str, options: &str| {
            format!(
                "defaults: {{platform: cisco_ios, username: netops{defaults}}}\njump_hosts:\n  b: {{host: b.example{hop}}}\ndevices:\n  - {{name: r1, host: 10.0.0.1, transport: {transport}, password: s3cret, ssh: {{jump: [b]{options}}}}}\n"
            )
        };
        let e = |text: String| parse(Path::new("t.yaml"), &text).unwrap_err().to_string();
        let tail = "but the openssh transport reaches jump hosts with `ssh -J`, which cannot be given one safely: authenticate it with key_file or the ssh-agent (and set device passwords on the devices or their groups), or use the native transport";
        assert_eq!(
            e(inv(", password: bpw", "", "openssh", "")),
            format!("t.yaml:5:3: devices[0].ssh.jump[0]: jump host `b` has a password (jump_hosts.b.password), {tail}")
        );
        assert_eq!(
            e(inv("", ", password: dpw", "openssh", "")),
            format!("t.yaml:5:3: devices[0].ssh.jump[0]: jump host `b` has a password (defaults.password), {tail}")
        );
        assert_eq!(
            e(inv(", password: bpw", "", "openssh", ", options: [\"ProxyJump=x@y\"]")),
            "t.yaml:5:3: devices[0].ssh.jump: ssh.jump and `ProxyJump=x@y` in ssh.options both say how to reach the device: keep one"
        );
        parse(
            Path::new("t.yaml"),
            &inv(", password: bpw", "", "native", ""),
        )
        .expect("the native transport gives a bastion its password");
    }

    #[test]
    fn the_config_path_must_be_shell_plain() {
        assert!(config_path_ok(Path::new("/tmp/.tmpAb12_x-y.conf")));
        assert!(!config_path_ok(Path::new("/tmp/a b")));
        assert!(!config_path_ok(Path::new("/tmp/a;b")));
    }
}
