//! Each fixture against its fleetpoll equivalent, and converted and loaded back.

use super::common::bin;
use super::*;
use fleetpoll::inventory::{CredentialSource, Host};

fn host<'a>(inv: &'a Inventory, name: &str) -> &'a Host {
    inv.hosts
        .iter()
        .find(|h| h.name == name)
        .unwrap_or_else(|| panic!("no device {name}"))
}

#[test]
fn ansible_ini_with_group_vars_and_host_vars_is_its_fleetpoll_equivalent() {
    let src = fixture("ansible_ini/hosts.ini");
    assert_eq!(format_of(&src), Format::Ansible);
    let inv = load(&src);
    assert_same_hosts(&inv, &load(&fixture("ansible_ini/expected.yaml")));

    // The range br[01:03]-rtr... gives three devices; br02's address and port come from a
    // host_vars file without an extension.
    let br: Vec<&str> = inv
        .hosts
        .iter()
        .map(|h| h.name.as_str())
        .filter(|n| n.starts_with("br"))
        .collect();
    assert_eq!(
        br,
        [
            "br01-rtr.emea.example.net",
            "br02-rtr.emea.example.net",
            "br03-rtr.emea.example.net"
        ]
    );
    let br02 = host(&inv, "br02-rtr.emea.example.net");
    assert_eq!((br02.host.as_str(), br02.port), ("192.0.2.42", 2200));
    // No ansible_host: Ansible connects to the inventory name.
    assert_eq!(
        host(&inv, "br01-rtr.emea.example.net").host,
        "br01-rtr.emea.example.net"
    );
    // Three levels: dc1_core > dc1 > emea, deepest first.
    assert_eq!(host(&inv, "dc1-rtr-01").groups, ["dc1_core", "dc1", "emea"]);
    // Ansible's order: group_vars/dc1/ (a group_vars file) beats [dc1_edge:vars]
    // (inventory-file vars), though dc1_edge is the deeper group.
    assert_eq!(host(&inv, "dc1-fw-01").username, "netops-dc1");
    // The host line wins over [dc1_core:vars]; its trailing `# comment` is not part of it.
    assert_eq!(
        host(&inv, "dc1-rtr-02").platform,
        fleetpoll::Platform::CiscoIos
    );
    assert_eq!(
        host(&inv, "dc1-rtr-01").platform,
        fleetpoll::Platform::CiscoXe
    );
    // fleetpoll settings of two files of group_vars/dc1/ and of group_vars/emea.yml merge
    // per setting; dc1_waas's own command timeout wins over emea's.
    let wae = host(&inv, "dc1-wae-01");
    assert_eq!(wae.platform, fleetpoll::Platform::CiscoWaas);
    assert_eq!(wae.timeouts.command.as_secs(), 120);
    assert_eq!(wae.timeouts.device.as_secs(), 600);
    assert_eq!(host(&inv, "dc1-rtr-01").timeouts.command.as_secs(), 90);
    // The encrypted vars file is skipped, and said so; the unrelated Jinja variable
    // (ntp_servers) is not fleetpoll's business.
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("99-vault.yml") && w.contains("ansible-vault")),
        "{:?}",
        inv.warnings
    );
    assert!(
        inv.groups.contains(&"ungrouped".to_string())
            && inv.groups.contains(&"dc1_edge".to_string())
    );
}

#[test]
fn ansible_yaml_folder_with_priority_is_its_fleetpoll_equivalent() {
    let dir = fixture("ansible_yaml/inventory");
    assert_eq!(format_of(&dir), Format::Ansible);
    let want = load(&fixture("ansible_yaml/expected.yaml"));
    let inv = load(&dir);
    assert_same_hosts(&inv, &want);
    // The hosts file alone is the same inventory (its group_vars/host_vars are beside it).
    assert_same_hosts(&load(&dir.join("hosts.yml")), &want);
    let rtr2 = host(&inv, "nyc-rtr-02");
    assert_eq!(
        rtr2.groups,
        ["us_east_routers", "us_east", "americas", "lab"]
    );
    assert_eq!(
        rtr2.timeouts.command.as_secs(),
        45,
        "americas' priority 5 puts it above lab"
    );
    assert_eq!(host(&inv, "lab-xe-01").timeouts.command.as_secs(), 30);
    let fw = host(&inv, "nyc-fw-01");
    assert_eq!(
        fw.password.as_ref().map(|p| p.expose()),
        Some("Fw-R0-2024!")
    );
    assert_eq!(
        fw.credentials.password.as_ref().map(|c| &c.source),
        Some(&CredentialSource::Literal)
    );
    // Literal secrets are warned about where they are written, never with their value.
    let w = inv.warnings.join("\n");
    assert!(
        w.contains("host_vars/nyc-fw-01.yml:4:1: ansible_password: literal password"),
        "{w}"
    );
    assert!(!w.contains("Fw-R0-2024!"), "{w}");
    assert_eq!(
        host(&inv, "gru-rtr-02.example.com").transport.id(),
        "openssh"
    );
}

#[test]
fn nornir_folder_and_hosts_file_are_their_fleetpoll_equivalent() {
    let dir = fixture("nornir");
    assert_eq!(format_of(&dir), Format::Nornir);
    assert_eq!(format_of(&dir.join("hosts.yaml")), Format::Nornir);
    let want = load(&dir.join("expected.yaml"));
    let inv = load(&dir);
    assert_same_hosts(&inv, &want);
    assert_same_hosts(&load(&dir.join("hosts.yaml")), &want);
    let r2 = host(&inv, "dc2-rtr-02");
    // Depth first: dc2_core, its parents dc2 and emea, then lab.
    assert_eq!(r2.groups, ["dc2_core", "dc2", "emea", "lab"]);
    assert_eq!(r2.platform, fleetpoll::Platform::CiscoIos);
    assert_eq!(
        r2.enable_secret.as_ref().map(|s| s.expose()),
        Some("r2-enable")
    );
    let r1 = host(&inv, "dc2-rtr-01");
    assert_eq!(
        r1.platform,
        fleetpoll::Platform::CiscoXe,
        "scrapli's cisco_iosxe"
    );
    assert_eq!(
        r1.enable_secret.as_ref().map(|s| s.expose()),
        Some("core-enable"),
        "scrapli auth_secondary"
    );
    assert_eq!(
        host(&inv, "dc2-wae-01")
            .enable_secret
            .as_ref()
            .map(|s| s.expose()),
        Some("default-enable")
    );
    assert_eq!(r1.tags, ["core", "vpn"]);
    assert_eq!(r1.site.as_deref(), Some("fra2"));
}

#[test]
fn netbox_json_pages_and_csv_export_are_their_fleetpoll_equivalent() {
    let dir = fixture("netbox");
    let want = load(&dir.join("expected.yaml"));
    for dump in ["devices.json", "devices.csv"] {
        let path = dir.join(dump);
        assert_eq!(format_of(&path), Format::Netbox, "{dump}");
        let inv = load_source(&netbox(&path, &dir.join("netbox.yaml")));
        assert_same_hosts(&inv, &want);
        assert!(
            inv.warnings
                .iter()
                .any(|w| w.contains("2 device(s) not polled") && w.contains("1 offline, 1 planned")),
            "{dump}: {:?}",
            inv.warnings
        );
    }
}

/// `inventory convert` through the binary, into `dir/fleet.yaml`.
fn convert(args: &[&str], dir: &Path) -> (i32, String, PathBuf) {
    let out = dir.join("fleet.yaml");
    let mut a: Vec<&str> = vec!["inventory", "convert"];
    a.extend(args);
    let out_s = out.to_str().unwrap().to_string();
    a.extend(["-o", &out_s]);
    let o = bin::run(&a);
    (bin::code(&o), bin::stderr(&o), out)
}

#[test]
fn converted_inventories_load_back_to_the_same_devices() {
    let ini = fixture("ansible_ini/hosts.ini");
    let yaml = fixture("ansible_yaml/inventory");
    let nornir = fixture("nornir");
    let nb = fixture("netbox/devices.json");
    let settings = fixture("netbox/netbox.yaml");
    let cases: Vec<(Vec<&str>, PathBuf)> = vec![
        (
            vec!["-i", ini.to_str().unwrap()],
            fixture("ansible_ini/expected.yaml"),
        ),
        (
            vec!["-i", yaml.to_str().unwrap(), "--allow-plaintext-secrets"],
            fixture("ansible_yaml/expected.yaml"),
        ),
        (
            vec!["-i", nornir.to_str().unwrap(), "--allow-plaintext-secrets"],
            fixture("nornir/expected.yaml"),
        ),
        (
            vec![
                "-i",
                nb.to_str().unwrap(),
                "--netbox-settings",
                settings.to_str().unwrap(),
            ],
            fixture("netbox/expected.yaml"),
        ),
    ];
    for (args, expected) in cases {
        // Another folder than the source's: relative secret paths must still name the files.
        let dir = tempfile::tempdir().unwrap();
        let (code, err, out) = convert(&args, dir.path());
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(err.contains("loads back to the same devices"), "{err}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(format_of(&out), Format::Fleetpoll);
        assert!(
            text.starts_with("# fleetpoll inventory converted from"),
            "{text}"
        );
        assert_same_hosts(&load(&out), &load(&expected));
        // Written atomically, readable by its owner only (it may hold plain-text secrets).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", out.display());
        }
    }
}

#[test]
fn convert_refuses_plain_text_secrets_and_existing_files_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = fixture("ansible_yaml/inventory");
    let (code, err, out) = convert(&["-i", yaml.to_str().unwrap()], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(!out.exists(), "nothing written");
    assert!(err.contains("2 plain-text credential(s)"), "{err}");
    assert!(
        err.contains("host_vars/nyc-fw-01.yml:4:1: ansible_password"),
        "{err}"
    );
    assert!(
        err.contains("host_vars/nyc-fw-01.yml:5:1: ansible_become_password"),
        "{err}"
    );
    assert!(err.contains("--allow-plaintext-secrets"), "{err}");
    assert!(
        !err.contains("Fw-R0-2024!") && !err.contains("fw-enable-2024"),
        "{err}"
    );

    std::fs::write(&out, "keep me\n").unwrap();
    let ini = fixture("ansible_ini/hosts.ini");
    let (code, err, _) = convert(&["-i", ini.to_str().unwrap()], dir.path());
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("exists; pass --force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n");
    let (code, err, _) = convert(&["-i", ini.to_str().unwrap(), "--force"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&out).unwrap().contains("dc1-fw-01"));

    let (code, err, _) = convert(
        &[
            "-i",
            fixture("nornir/expected.yaml").to_str().unwrap(),
            "--force",
        ],
        dir.path(),
    );
    assert_eq!(code, 3);
    assert!(err.contains("is a fleetpoll inventory already"), "{err}");
}
