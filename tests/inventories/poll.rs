//! Each format polled end to end: an inventory of that format written for a simulated fleet
//! (its ports, the simulator's credentials and host key), swept by the binary with the health
//! playbook, every device polled and healthy.

use super::common::{self, bin, table::column};
use fleetpoll::sim::{RunningFleet, Scenario, SIM_ENABLE_SECRET, SIM_PASSWORD, SIM_USERNAME};
use fleetpoll::Platform;
use std::path::Path;

const T: &str = "{connect: 5s, auth: 10s, prompt: 10s, enable: 10s, command: 30s, device: 120s}";

async fn fleet() -> RunningFleet {
    common::sim::fleet_of(&[
        ("r1", Platform::CiscoIos, Scenario::Healthy),
        ("x1", Platform::CiscoXe, Scenario::Healthy),
        ("a1", Platform::CiscoAsa, Scenario::Healthy),
        ("w1", Platform::CiscoWaas, Scenario::Healthy),
    ])
    .await
}

fn port(f: &RunningFleet, name: &str) -> u16 {
    f.device(name).unwrap().addr.port()
}

/// Poll `inventory` with the health playbook; every device must be polled and healthy.
async fn poll_all_ok(inventory: &Path, extra: &[&str], dir: &Path) -> String {
    let csv = dir.join("health.csv");
    let mut cmd = bin::fleetpoll();
    cmd.arg("poll")
        .arg("-i")
        .arg(inventory)
        .args(["-p", common::HEALTH_PLAYBOOK, "-o"])
        .arg(&csv)
        .args(extra);
    let out = bin::output_async(cmd).await;
    let err = bin::stderr(&out);
    assert_eq!(bin::code(&out), 0, "{}: {err}", inventory.display());
    assert_eq!(column(&csv, "device"), ["r1", "x1", "a1", "w1"], "{err}");
    assert_eq!(column(&csv, "poll_status"), ["polled"; 4], "{err}");
    assert_eq!(column(&csv, "health"), ["ok"; 4], "{err}");
    assert_eq!(
        column(&csv, "platform"),
        ["cisco_ios", "cisco_xe", "cisco_asa", "cisco_waas"]
    );
    err
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ansible_ini_inventory_is_polled() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = common::sim::fingerprint();
    write(
        d,
        "hosts.ini",
        &format!(
            "[routers]\nr1 ansible_host=127.0.0.1 ansible_port={} ansible_network_os=cisco.ios.ios\nx1 ansible_host=127.0.0.1 ansible_port={} ansible_network_os=cisco.iosxe\n\n[firewalls]\na1 ansible_host=127.0.0.1 ansible_port={} ansible_network_os=asa\n\n[wan]\nw1 ansible_host=127.0.0.1 ansible_port={}\n\n[sim:children]\nrouters\nfirewalls\nwan\n",
            port(&f, "r1"),
            port(&f, "x1"),
            port(&f, "a1"),
            port(&f, "w1")
        ),
    );
    // Credentials the Ansible way (plain text, warned about), fleetpoll's own settings in
    // the `fleetpoll` variable.
    write(
        d,
        "group_vars/all.yml",
        &format!(
            "ansible_user: {SIM_USERNAME}\nansible_password: {SIM_PASSWORD}\nansible_become_password: {SIM_ENABLE_SECRET}\nfleetpoll:\n  timeouts: {T}\n  retries: 0\n  ssh:\n    host_key_policy: pinned\n    host_key_fingerprint: \"{fp}\"\n"
        ),
    );
    write(
        d,
        "group_vars/wan.yml",
        "fleetpoll:\n  platform: cisco_waas\n",
    );
    let err = poll_all_ok(&d.join("hosts.ini"), &[], d).await;
    assert!(
        err.contains("group_vars/all.yml:2:1: ansible_password: literal password"),
        "{err}"
    );
    assert!(!err.contains(SIM_PASSWORD), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ansible_yaml_folder_is_polled() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory");
    let fp = common::sim::fingerprint();
    let hosts = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("            {n}:\n              ansible_host: 127.0.0.1\n"))
            .collect::<String>()
    };
    write(
        &inv,
        "hosts.yml",
        &format!(
            "all:\n  children:\n    sim:\n      children:\n        ios:\n          hosts:\n{}          vars:\n            ansible_network_os: cisco.ios.ios\n        asa:\n          hosts:\n{}          vars:\n            ansible_network_os: cisco.asa.asa\n        waas:\n          hosts:\n{}",
            hosts(&["r1", "x1"]),
            hosts(&["a1"]),
            hosts(&["w1"])
        ),
    );
    for n in ["r1", "x1", "a1", "w1"] {
        write(
            &inv,
            &format!("host_vars/{n}.yml"),
            &format!("ansible_port: {}\n", port(&f, n)),
        );
    }
    write(
        &inv,
        "host_vars/x1.yml",
        &format!(
            "ansible_port: {}\nansible_network_os: cisco.iosxe\n",
            port(&f, "x1")
        ),
    );
    write(
        &inv,
        "group_vars/waas/platform.yml",
        "fleetpoll: {platform: cisco_waas}\n",
    );
    std::fs::write(dir.path().join("pw"), SIM_PASSWORD).unwrap();
    std::fs::write(dir.path().join("en"), SIM_ENABLE_SECRET).unwrap();
    write(
        &inv,
        "group_vars/all.yml",
        &format!(
            "ansible_user: {SIM_USERNAME}\nfleetpoll:\n  password: {{file: ../pw}}\n  enable_secret: {{file: ../en}}\n  timeouts: {T}\n  retries: 0\n  ssh: {{host_key_policy: pinned, host_key_fingerprint: \"{fp}\"}}\n"
        ),
    );
    let err = poll_all_ok(&inv, &[], dir.path()).await;
    assert!(!err.contains("literal"), "references, not literals: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nornir_inventory_is_polled() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = common::sim::fingerprint();
    let mut hosts = String::new();
    for (n, p) in [
        ("r1", "cisco_ios"),
        ("x1", "cisco_iosxe"),
        ("a1", "cisco_asa"),
        ("w1", "cisco_waas"),
    ] {
        hosts.push_str(&format!(
            "{n}:\n  hostname: 127.0.0.1\n  port: {}\n  platform: {p}\n  groups: [sim]\n",
            port(&f, n)
        ));
    }
    write(d, "hosts.yaml", &hosts);
    write(
        d,
        "groups.yaml",
        &format!(
            "sim:\n  data:\n    site: loopback\n    fleetpoll:\n      ssh: {{host_key_policy: pinned, host_key_fingerprint: \"{fp}\"}}\n"
        ),
    );
    write(
        d,
        "defaults.yaml",
        &format!(
            "username: {SIM_USERNAME}\npassword: {SIM_PASSWORD}\nconnection_options:\n  netmiko:\n    extras:\n      secret: {SIM_ENABLE_SECRET}\ndata:\n  fleetpoll:\n    timeouts: {T}\n    retries: 0\n"
        ),
    );
    poll_all_ok(d, &[], d).await;
}

/// The sim's devices as NetBox devices (all on 127.0.0.1; their ports come from the
/// settings file's `devices:`, as a NAT's port-forwards would).
fn netbox_settings(f: &RunningFleet, d: &Path) -> std::path::PathBuf {
    std::fs::write(d.join("pw"), SIM_PASSWORD).unwrap();
    std::fs::write(d.join("en"), SIM_ENABLE_SECRET).unwrap();
    let mut s = format!(
        "platforms:\n  cisco-ios-xe-17: cisco_xe\ndefaults:\n  username: {SIM_USERNAME}\n  password: {{file: pw}}\n  enable_secret: {{file: en}}\n  timeouts: {T}\n  retries: 0\n  ssh: {{host_key_policy: pinned, host_key_fingerprint: \"{}\"}}\ndevices:\n",
        common::sim::fingerprint()
    );
    for n in ["r1", "x1", "a1", "w1"] {
        s.push_str(&format!("  {n}: {{port: {}}}\n", port(f, n)));
    }
    let p = d.join("netbox.yaml");
    std::fs::write(&p, s).unwrap();
    p
}

const NB: [(&str, &str, &str, &str); 4] = [
    ("r1", "Cisco IOS", "cisco-ios", "Router"),
    ("x1", "Cisco IOS XE 17", "cisco-ios-xe-17", "Router"),
    ("a1", "Cisco ASA", "cisco-asa", "Firewall"),
    ("w1", "Cisco WAAS", "cisco-waas", "WAN Optimizer"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn netbox_json_pages_are_polled() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let settings = netbox_settings(&f, d);
    let dev = |i: usize| {
        let (n, pname, pslug, role) = NB[i];
        serde_json::json!({
            "id": 100 + i, "name": n, "status": {"value": "active", "label": "Active"},
            "site": {"id": 1, "name": "Sim", "slug": "sim"},
            "role": {"id": 2, "name": role, "slug": role.to_lowercase().replace(' ', "-")},
            "platform": {"id": 3, "name": pname, "slug": pslug},
            "primary_ip": {"id": 9, "address": "127.0.0.1/8", "family": {"value": 4}},
            "primary_ip4": {"id": 9, "address": "127.0.0.1/8"}, "primary_ip6": null,
            "tags": [{"id": 1, "name": "Sim", "slug": "sim"}]
        })
    };
    let page1 = serde_json::json!({"count": 4, "next": "https://nb/api/dcim/devices/?offset=2", "previous": null, "results": [dev(0), dev(1)]});
    let page2 = serde_json::json!({"count": 4, "next": null, "previous": "https://nb/api/dcim/devices/", "results": [dev(2), dev(3)]});
    let dump = d.join("devices.json");
    std::fs::write(&dump, format!("{page1:#}\n{page2:#}\n")).unwrap();
    poll_all_ok(&dump, &["--netbox-settings", settings.to_str().unwrap()], d).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn netbox_csv_export_is_polled() {
    let f = fleet().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let settings = netbox_settings(&f, d);
    let mut csv = String::from(
        "Name,Status,Tenant,Site,Location,Rack,Role,Manufacturer,Type,Platform,IP Address,Tags\n",
    );
    for (n, pname, _, role) in NB {
        csv.push_str(&format!(
            "{n},Active,,Sim,,,{role},Cisco,Simulated,{pname},127.0.0.1/8,Sim\n"
        ));
    }
    let dump = d.join("devices.csv");
    std::fs::write(&dump, csv).unwrap();
    poll_all_ok(&dump, &["--netbox-settings", settings.to_str().unwrap()], d).await;
}
