//! `fleetpoll inventory show`, `--inventory-format` and `check` with foreign inventories,
//! through the binary.

use super::common::bin;
use super::*;

fn run(args: &[&str]) -> (i32, String, String) {
    let o = bin::run(args);
    (bin::code(&o), bin::stdout(&o), bin::stderr(&o))
}

#[test]
fn show_prints_references_and_where_they_are_set_never_values() {
    let dir = fixture("ansible_yaml/inventory");
    let (code, out, err) = run(&["inventory", "show", "-i", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("(ansible): 6 devices"), "{err}");
    let hosts: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
    let fw = hosts
        .as_sequence()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "nyc-fw-01")
        .unwrap();
    assert_eq!(fw["password"], "<plain text in the inventory, not shown>");
    assert!(
        fw["password_set_at"]
            .as_str()
            .unwrap()
            .ends_with("host_vars/nyc-fw-01.yml:4:1: ansible_password"),
        "{:?}",
        fw["password_set_at"]
    );
    assert_eq!(fw["username"], "fw-local");
    assert_eq!(fw["groups"][0], "us_east_firewalls");
    let rtr = &hosts[0];
    assert!(
        rtr["password"].as_str().unwrap().starts_with("{file: "),
        "{:?}",
        rtr["password"]
    );
    assert!(rtr["password"]
        .as_str()
        .unwrap()
        .ends_with("secrets/netops-ro.pw}"));
    assert_eq!(rtr["timeouts"]["command"], "45s");
    for secret in [
        "Fw-R0-2024!",
        "fw-enable-2024",
        "fixture-ro-password",
        "fixture-enable",
    ] {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{secret} printed"
        );
    }

    let (code, out, err) = run(&[
        "inventory",
        "show",
        "-i",
        fixture("nornir").to_str().unwrap(),
        "--format",
        "table",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[0].contains("PASSWORD"),
        "{out}"
    );
    assert_eq!(lines.len(), 5, "{out}");
    assert!(
        lines[2].starts_with("dc2-rtr-02")
            && lines[2].contains("10.20.0.2:2222")
            && lines[2].contains("plain-text"),
        "{out}"
    );
    assert!(!out.contains("r2-enable"), "{out}");
}

#[test]
fn inventory_format_forces_the_reading() {
    let csv = fixture("netbox/devices.csv");
    // Read as Ansible INI, the export's header is a host line with a word that is no
    // variable: Ansible's own error, at line 1.
    let (code, _, err) = run(&[
        "inventory",
        "show",
        "-i",
        csv.to_str().unwrap(),
        "--inventory-format",
        "ansible",
    ]);
    assert_eq!(code, 3);
    assert!(
        err.contains("devices.csv:1:")
            && err.contains("expected key=value host variable assignment, got `Address,Tags`"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "inventory",
        "show",
        "-i",
        csv.to_str().unwrap(),
        "--inventory-format",
        "junos",
    ]);
    assert_eq!(code, 3);
    assert!(err.contains("fleetpoll") && err.contains("netbox"), "{err}");
}

#[test]
fn check_and_snapshot_take_foreign_inventories() {
    let nb = fixture("netbox/devices.json");
    let settings = fixture("netbox/netbox.yaml");
    let (code, out, err) = run(&[
        "check",
        "-i",
        nb.to_str().unwrap(),
        "--netbox-settings",
        settings.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("4 devices") && out.contains("fra3-wae-01"),
        "{out}"
    );
    assert!(err.contains("not polled for their NetBox status"), "{err}");
    // Without the settings file there are no credentials, and the error says so.
    let (code, _, err) = run(&["check", "-i", nb.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(
        err.contains("devices.json:") && err.contains("--netbox-settings"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "snapshot",
        "-i",
        fixture("nornir").to_str().unwrap(),
        "--netbox-settings",
        settings.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(
        err.contains("--netbox-settings is for a NetBox inventory"),
        "{err}"
    );
}
