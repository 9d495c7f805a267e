//! Every mistake in a Nornir inventory or a NetBox dump is one error at its file, line and
//! field.

use super::errors::{assert_at, files};
use super::*;

const DEFAULTS: &str = "username: netops\npassword: pw\nplatform: cisco_ios\n";

fn nornir_err(hosts: &str, groups: &str) -> fleetpoll::error::ConfigError {
    let d = files(&[
        ("hosts.yaml", hosts),
        ("groups.yaml", groups),
        ("defaults.yaml", DEFAULTS),
    ]);
    load_err(&Source::new(d.path()))
}

#[test]
fn nornir_mistakes() {
    let e = nornir_err("r1:\n  hostname: 10.0.0.1\n  groups: [dc9]\n", "dc1: {}\n");
    assert_at(
        &e,
        "hosts.yaml",
        Some(3),
        "r1.groups[0]",
        &["host `r1` names group `dc9`", "groups.yaml does not define"],
    );
    let e = nornir_err("r1:\n  hostname: 10.0.0.1\n  platform: juniper_junos\n", "");
    assert_at(
        &e,
        "hosts.yaml",
        Some(3),
        "r1.platform",
        &[
            "host `r1`",
            "`juniper_junos` is not a platform fleetpoll polls",
            "cisco_iosxe",
        ],
    );
    let e = nornir_err("r1:\n  port: 22\n", "");
    assert_at(
        &e,
        "hosts.yaml",
        Some(1),
        "r1",
        &["host `r1` has no address (set hostname"],
    );
    let e = nornir_err(
        "r1:\n  hostname: h\n  groups: [a]\n",
        "a:\n  groups: [b]\nb:\n  groups: [a]\n",
    );
    assert!(e.message.contains("groups form a loop"), "{e}");
    let e = nornir_err(
        "r1:\n  hostname: h\n  connection_options:\n    netmiko:\n      extras: {secret: one}\n    scrapli:\n      extras:\n        auth_secondary: two\n",
        "",
    );
    assert_at(
        &e,
        "hosts.yaml",
        Some(8),
        "r1.connection_options.scrapli.extras.auth_secondary",
        &["differs from"],
    );
    let e = nornir_err("r1:\n  hostname: h\n  port: ssh\n", "");
    assert_at(
        &e,
        "hosts.yaml",
        Some(3),
        "r1.port",
        &["`ssh` is not a TCP port"],
    );
    let e = nornir_err("r1:\n  hostname: h\n  groups: dc1\n", "dc1: {}\n");
    assert_at(
        &e,
        "hosts.yaml",
        Some(3),
        "r1.groups",
        &["a list of group names"],
    );
}

#[test]
fn nornir_fleetpoll_settings_errors_point_into_data() {
    let d = files(&[
        ("hosts.yaml", "r1:\n  hostname: h\n"),
        (
            "defaults.yaml",
            "username: u\npassword: p\nplatform: ios\ndata:\n  fleetpoll:\n    retires: 2\n",
        ),
    ]);
    let e = load_err(&Source::new(&d.path().join("hosts.yaml")));
    assert_at(
        &e,
        "defaults.yaml",
        Some(6),
        "data.fleetpoll.retires",
        &["unknown field `retires`"],
    );
    // A key Nornir does not know is ignored, as Nornir does, with a warning.
    let d = files(&[
        ("hosts.yaml", "r1:\n  hostname: h\n  plaform: cisco_asa\n"),
        ("defaults.yaml", DEFAULTS),
    ]);
    let inv = load(d.path());
    assert_eq!(inv.hosts[0].platform, fleetpoll::Platform::CiscoIos);
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("hosts.yaml:3:3: `plaform` is not a Nornir inventory key")),
        "{:?}",
        inv.warnings
    );
}

const SETTINGS: &str = "defaults:\n  username: netops\n  password: pw\n";

fn netbox_err(name: &str, dump: &str, settings: Option<&str>) -> fleetpoll::error::ConfigError {
    let d = files(&[(name, dump), ("netbox.yaml", settings.unwrap_or(SETTINGS))]);
    let src = match settings {
        Some("") => Source::new(&d.path().join(name)),
        _ => netbox(&d.path().join(name), &d.path().join("netbox.yaml")),
    };
    load_err(&src)
}

fn device(name: &str, platform: &str, ip: &str) -> String {
    format!(
        "  {{\n    \"id\": {},\n    \"name\": \"{name}\",\n    \"status\": {{\"value\": \"active\", \"label\": \"Active\"}},\n    \"platform\": {{\"id\": 3, \"name\": \"P\", \"slug\": \"{platform}\"}},\n    \"primary_ip\": {ip}\n  }}",
        name.bytes().map(u64::from).sum::<u64>()
    )
}

#[test]
fn netbox_json_mistakes() {
    let dump = format!(
        "[\n{},\n{}\n]\n",
        device("r1", "cisco-ios", "{\"address\": \"10.0.0.1/24\"}"),
        device("r22", "cisco-ios", "null")
    );
    let e = netbox_err("devices.json", &dump, None);
    assert_at(
        &e,
        "devices.json",
        Some(14),
        "primary_ip",
        &["device `r22` has no primary IP"],
    );
    let dump = format!(
        "[\n{}\n]\n",
        device("sw1", "cisco-nx-os", "{\"address\": \"10.0.0.9/24\"}")
    );
    let e = netbox_err("devices.json", &dump, None);
    assert_at(
        &e,
        "devices.json",
        Some(6),
        "platform",
        &[
            "host `sw1`",
            "`cisco-nx-os` is not a platform fleetpoll polls",
            "platforms:",
        ],
    );
    let page = |n: usize| {
        format!(
            "{{\"count\": 3, \"next\": null, \"results\": [\n{}\n]}}\n",
            device(&format!("r{n}"), "ios", "\"10.0.0.1\"")
        )
    };
    let e = netbox_err("devices.json", &format!("{}{}", page(1), page(2)), None);
    assert_at(
        &e,
        "devices.json",
        Some(1),
        "count",
        &[
            "NetBox counted 3 devices but the file holds 2",
            "follow `next`",
        ],
    );
    let e = netbox_err("devices.json", "{\"count\": 1, \"results\": [\n", None);
    assert!(
        e.message.contains("not NetBox JSON") && e.line.is_some(),
        "{e}"
    );
    // No settings file: NetBox holds no credentials, and the error says where they go.
    let dump = format!("[\n{}\n]\n", device("r1", "cisco-ios", "\"10.0.0.1/24\""));
    let e = netbox_err("devices.json", &dump, Some(""));
    assert_at(
        &e,
        "devices.json",
        Some(4),
        "name",
        &["host `r1` has no username", "--netbox-settings"],
    );
}

#[test]
fn netbox_csv_and_settings_mistakes() {
    let header = "Name,Status,Site,Role,Platform,IP Address\n";
    let e = netbox_err(
        "devices.csv",
        &format!(
            "{header}r1,Active,DC1,Router,Cisco IOS,10.0.0.1/24\nr2,Active,DC1,Router,Cisco IOS,\n"
        ),
        None,
    );
    assert_at(
        &e,
        "devices.csv",
        Some(3),
        "IP Address",
        &["device `r2` has no primary IP"],
    );
    let e = netbox_err("devices.csv", &format!("{header}r1,Active,DC1,Router,Cisco IOS,10.0.0.1/24\nr1,Active,DC1,Router,Cisco IOS,10.0.0.2/24\n"), None);
    assert_at(
        &e,
        "devices.csv",
        Some(3),
        "Name",
        &["duplicate device name `r1`"],
    );
    let e = netbox_err(
        "devices.csv",
        &format!("{header},Active,DC1,Router,Cisco IOS,10.0.0.1/24\n"),
        None,
    );
    assert_at(&e, "devices.csv", Some(2), "row", &["has no name"]);
    let e = netbox_err("devices.csv", "Name,Site,Platform\nr1,dc1,ios\n", None);
    assert_at(
        &e,
        "devices.csv",
        Some(1),
        "header",
        &["no IP address column"],
    );
    let dump = format!("{header}r1,Active,DC1,Router,Cisco IOS,10.0.0.1/24\n");
    let e = netbox_err(
        "devices.csv",
        &dump,
        Some("platforms:\n  cisco-ios: junos\ndefaults: {username: u, password: p}\n"),
    );
    assert_at(
        &e,
        "netbox.yaml",
        Some(2),
        "platforms.cisco-ios",
        &["unknown platform `junos`"],
    );
    let e = netbox_err("devices.csv", &dump, Some("default:\n  username: u\n"));
    assert!(
        e.message.contains("unknown field `default`") && e.line == Some(1),
        "{e}"
    );
    let e = netbox_err(
        "devices.csv",
        &dump,
        Some("defaults:\n  username: u\n  passwd: p\n"),
    );
    assert_at(
        &e,
        "netbox.yaml",
        Some(3),
        "defaults.passwd",
        &["unknown field `passwd`"],
    );
    // A device of the settings file that is not in the dump only warns (dumps change).
    let d = files(&[("devices.csv", &dump), ("netbox.yaml", "defaults: {username: u, password: p}\ndevices:\n  gone: {port: 2222}\n  r1: {port: 2200}\n")]);
    let inv = load_source(&netbox(
        &d.path().join("devices.csv"),
        &d.path().join("netbox.yaml"),
    ));
    assert_eq!(inv.hosts[0].port, 2200);
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("netbox.yaml:3:3: devices.gone: no polled device `gone`")),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn netbox_settings_only_go_with_a_netbox_dump() {
    let ansible = fixture("ansible_ini/hosts.ini");
    let e = load_err(&netbox(&ansible, &fixture("netbox/netbox.yaml")));
    assert!(
        e.message
            .contains("--netbox-settings is for a NetBox inventory"),
        "{e}"
    );
}
