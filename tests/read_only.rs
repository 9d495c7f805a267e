//! Read-only by construction at the ssh layer: an `ssh.options` entry that would make ssh run
//! a command, forward, tunnel, share the connection or change fleetpoll's own safety options
//! is refused when the plan is built, with the file, line and field.

mod common;

fn load(options: &str) -> Result<fleetpoll::inventory::Inventory, String> {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "defaults:\n  username: u\n  password: {{env: PATH}}\n  platform: cisco_ios\n  transport: openssh\ndevices:\n  - name: r1\n    host: 192.0.2.1\n    ssh:\n      options: [{options}]\n"
    );
    let path = common::write(dir.path(), "inv.yaml", &text);
    fleetpoll::inventory::load(&path).map_err(|e| e.to_string())
}

#[test]
fn options_that_run_forward_or_undo_safety_are_refused_with_file_line_field() {
    for bad in [
        "\"RemoteCommand=configure terminal\"",
        "\"remotecommand=configure terminal\"",
        "\"REMOTECOMMAND =conf t\"",
        "\"LocalCommand=touch /tmp/x\"",
        "PermitLocalCommand=yes",
        "LocalForward=8080:127.0.0.1:80",
        "RemoteForward=9000:127.0.0.1:22",
        "DynamicForward=1080",
        "Tunnel=yes",
        "TunnelDevice=any:any",
        "SessionType=none",
        "StdinNull=yes",
        "ForkAfterAuthentication=yes",
        "\"KnownHostsCommand=/bin/echo %H\"",
        "ForwardAgent=yes",
        "ForwardX11=yes",
        "ClearAllForwardings=no",
        "ControlMaster=auto",
        "ControlPath=/tmp/cm-%r",
        "ControlPersist=yes",
        "RequestTTY=no",
        "LogLevel=QUIET",
        "PermitRemoteOpen=any",
        "GatewayPorts=yes",
        "Include=/tmp/evil.conf",
    ] {
        let e = load(bad).expect_err(bad);
        assert!(e.contains("inv.yaml:10"), "{bad}: line of the options: {e}");
        assert!(e.contains("devices[0].ssh.options[0]"), "{bad}: {e}");
        assert!(e.contains("not allowed in ssh.options"), "{bad}: {e}");
    }
    // A line break inside an option, or no Key=Value shape, is refused too.
    for bad in [
        "\"ProxyJump=a\\nRemoteCommand=conf t\"",
        "\"RemoteCommand configure\"",
    ] {
        let e = load(bad).expect_err(bad);
        assert!(e.contains("devices[0].ssh.options[0]"), "{bad}: {e}");
    }
    // What reaching a device needs is still allowed.
    let inv =
        load("ProxyJump=bastion, ConnectTimeout=3, \"ProxyCommand=nc -X 5 -x socks:1080 %h %p\"")
            .expect("reaching options are allowed");
    assert_eq!(inv.hosts[0].ssh_options.len(), 3);
}
