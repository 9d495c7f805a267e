use super::*;
use std::path::Path;

fn p() -> &'static Path {
    Path::new("inv.yaml")
}

const GOOD: &str = "\
defaults:
  username: netops
  password: {env: FP_TEST_PW}
  timeouts: {command: 30s}
groups:
  edge:
    platform: cisco_asa
    port: 2222
  branch:
    platform: cisco_ios
    port: 2200
    timeouts:
      connect: 3s
devices:
  - name: fw1
    host: 10.0.0.1
    groups: [edge, branch]
    site: hq
    tags: [dmz]
  - name: r1
    host: 10.0.0.2
    groups: [branch]
    port: 22
    username: other
  - name: wae1
    host: 10.0.0.3
    platform: cisco_waas
    enable_secret: {env: FP_TEST_EN}
";

fn env() {
    std::env::set_var("FP_TEST_PW", "pw-value");
    std::env::set_var("FP_TEST_EN", "en-value");
}

#[test]
fn precedence_device_then_groups_in_order_then_defaults() {
    env();
    let inv = parse(p(), GOOD).unwrap();
    let fw = &inv.hosts[0];
    assert_eq!(fw.platform, Platform::CiscoAsa, "first listed group wins");
    assert_eq!(fw.port, 2222);
    assert_eq!(fw.username, "netops");
    assert_eq!(fw.password.as_ref().unwrap().expose(), "pw-value");
    assert_eq!(fw.timeouts.connect, Duration::from_secs(3));
    assert_eq!(fw.timeouts.command, Duration::from_secs(30));
    assert_eq!(fw.timeouts.device, ResolvedTimeouts::default().device);
    assert_eq!(fw.site.as_deref(), Some("hq"));
    let r1 = &inv.hosts[1];
    assert_eq!(
        (r1.platform, r1.port, r1.username.as_str()),
        (Platform::CiscoIos, 22, "other")
    );
    let wae = &inv.hosts[2];
    assert_eq!(wae.port, 22);
    assert_eq!(wae.enable_secret.as_ref().unwrap().expose(), "en-value");
    assert!(inv.warnings.is_empty());
    assert!(
        !format!("{:?}", inv.hosts).contains("pw-value"),
        "Debug must not leak secrets"
    );
}

fn err(text: &str) -> ConfigError {
    env();
    parse(p(), text).unwrap_err()
}

#[test]
fn unknown_field_is_located() {
    let e = err("devices:\n  - name: a\n    host: h\n    platfrom: cisco_ios\n");
    assert_eq!((e.line, e.column), (Some(4), Some(5)), "{e}");
    assert_eq!(e.field.as_deref(), Some("devices[0].platfrom"), "{e}");
}

#[test]
fn unknown_platform_is_located() {
    let e = err("defaults: {username: u, password: x}\ndevices:\n  - name: a\n    host: h\n    platform: cisco_nxos\n");
    assert_eq!((e.line, e.column), (Some(5), Some(15)), "{e}");
    assert!(e.to_string().contains("cisco_nxos"), "{e}");
    assert!(
        e.to_string()
            .starts_with("inv.yaml:5:15: devices[0].platform"),
        "{e}"
    );
}

#[test]
fn malformed_yaml_is_located() {
    let e = err("devices:\n  - name: a\n   host: [\n");
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn duplicate_names() {
    let e = err("defaults: {username: u, password: x, platform: cisco_ios}\ndevices:\n  - name: a\n    host: h\n  - name: a\n    host: h2\n");
    assert_eq!(e.line, Some(5));
    assert_eq!(e.field.as_deref(), Some("devices[1].name"));
    assert!(e.message.contains("duplicate device name `a`"));
}

#[test]
fn missing_group() {
    let e = err("defaults: {username: u, password: x, platform: cisco_ios}\ngroups:\n  core: {port: 22}\ndevices:\n  - name: a\n    host: h\n    groups: [core, edge]\n");
    assert_eq!(e.field.as_deref(), Some("devices[0].groups[1]"));
    assert_eq!(e.line, Some(7));
    assert!(
        e.message.contains("`edge`") && e.message.contains("core"),
        "{e}"
    );
}

#[test]
fn missing_credential_variable() {
    let e = err("defaults:\n  username: u\n  platform: cisco_ios\n  password: {env: FP_SURELY_UNSET_VAR}\ndevices:\n  - name: a\n    host: h\n");
    assert_eq!(e.field.as_deref(), Some("defaults.password"));
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("FP_SURELY_UNSET_VAR is not set"), "{e}");
}

#[test]
fn unreadable_key_file() {
    let e = err("defaults: {username: u, platform: cisco_ios}\ndevices:\n  - name: a\n    host: h\n    key_file: /nonexistent/id_rsa\n");
    assert_eq!(e.field.as_deref(), Some("devices[0].key_file"));
    assert_eq!(e.line, Some(5));
    assert!(e.message.contains("/nonexistent/id_rsa"), "{e}");
}

#[test]
fn literal_password_warns_without_the_value() {
    env();
    let inv = parse(p(), "defaults: {username: u, platform: cisco_ios, password: hunter2}\ndevices:\n  - name: a\n    host: h\n  - name: b\n    host: h\n").unwrap();
    assert_eq!(inv.warnings.len(), 1);
    assert!(inv.warnings[0].contains("literal password"));
    assert!(!inv.warnings[0].contains("hunter2"));
}

#[test]
fn secret_from_file_and_device_only_keys() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "from-file\n").unwrap();
    let path = dir.path().join("inv.yaml");
    let inv = parse(&path, "defaults: {username: u, platform: cisco_ios, password: {file: pw}}\ndevices:\n  - name: a\n    host: h\n").unwrap();
    assert_eq!(
        inv.hosts[0].password.as_ref().unwrap().expose(),
        "from-file"
    );
    let e = err("defaults: {host: x}\n");
    assert!(e.message.contains("belongs on a device"), "{e}");
}

#[test]
fn missing_platform_username_and_credentials() {
    assert!(
        err("devices:\n  - name: a\n    host: h\n    username: u\n    password: p\n")
            .message
            .contains("no platform")
    );
    assert!(
        err("devices:\n  - name: a\n    host: h\n    platform: cisco_ios\n    password: p\n")
            .message
            .contains("no username")
    );
    // Neither: the ssh-agent, so SSH_AUTH_SOCK must be set (this test's environment decides).
    let no_creds = "devices:\n  - name: a\n    host: h\n    platform: cisco_ios\n    username: u\n";
    if std::env::var_os("SSH_AUTH_SOCK").is_none() {
        assert_eq!(
            err(no_creds).message,
            "device `a` has neither a password nor a key_file, and SSH_AUTH_SOCK is not set (no ssh-agent to authenticate with)"
        );
    } else {
        parse(Path::new("t.yaml"), no_creds).expect("the agent authenticates");
    }
    // OpenSSH has identities of its own (~/.ssh/config, default keys): never refused for that.
    let openssh = format!("{no_creds}    transport: openssh\n");
    parse(Path::new("t.yaml"), &openssh).expect("ssh's own identities authenticate");
    assert!(err("defaults: {timeouts: {command: 10 parsecs}}\n")
        .to_string()
        .contains("duration"));
}

#[test]
fn durations() {
    use super::settings::parse_duration;
    assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
    assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
    assert_eq!(parse_duration("15").unwrap(), Duration::from_secs(15));
    assert!(parse_duration("0s").is_err());
    assert!(parse_duration("10x").is_err());
    assert!(parse_duration("").is_err());
}

#[test]
fn limit_expressions() {
    env();
    let inv = parse(p(), GOOD).unwrap();
    let sel = |e: &str| -> Vec<String> {
        let l = limit::Limit::parse(e).unwrap();
        inv.hosts
            .iter()
            .filter(|h| l.matches(h))
            .map(|h| h.name.clone())
            .collect()
    };
    assert_eq!(sel("fw1"), ["fw1"]);
    assert_eq!(sel("r*,wae1"), ["r1", "wae1"]);
    assert_eq!(sel("group:branch"), ["fw1", "r1"]);
    assert_eq!(sel("platform:cisco_waas"), ["wae1"]);
    assert_eq!(sel("site:hq,tag:dmz"), ["fw1"]);
    assert!(limit::Limit::parse("platform:junos").is_err());
    assert!(limit::Limit::parse("colour:red").is_err());
    let (hosts, warnings) = limit::Limit::parse("nope*,fw1")
        .unwrap()
        .select(&inv)
        .unwrap();
    assert_eq!(hosts.len(), 1);
    assert_eq!(warnings, ["--limit term `nope*` selects no device"]);
}

#[test]
fn shipped_example_inventory_loads() {
    std::env::set_var("FLEETPOLL_PASSWORD", "x");
    std::env::set_var("FLEETPOLL_ENABLE", "y");
    std::env::set_var("FLEETPOLL_DC1_PASSWORD", "z");
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/inventory/example.yaml"
    ));
    let inv = load(path).unwrap();
    assert_eq!(inv.hosts.len(), 6);
    assert_eq!(
        inv.hosts[5].asa_contexts,
        Some(crate::inventory::ContextSelection::All)
    );
    let fw = &inv.hosts[0];
    assert_eq!(
        (fw.platform, fw.username.as_str()),
        (Platform::CiscoAsa, "netops-dc1")
    );
    assert_eq!(fw.password.as_ref().unwrap().expose(), "z");
    assert_eq!(inv.hosts[1].timeouts.command, Duration::from_secs(120));
    assert_eq!(inv.hosts[4].host_key_policy, HostKeyPolicy::Pinned);
    assert_eq!(inv.hosts[4].port, 2222);
}
