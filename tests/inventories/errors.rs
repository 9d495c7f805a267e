//! Every mistake in an Ansible inventory is one error at its file, line and field.

use super::*;
use fleetpoll::error::ConfigError;

/// A folder with these files.
pub fn files(list: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in list {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    dir
}

/// The error names `file` (its end), `line`, `field` and says `says`.
#[track_caller]
pub fn assert_at(e: &ConfigError, file: &str, line: Option<usize>, field: &str, says: &[&str]) {
    let f = e
        .file
        .as_ref()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    assert!(f.ends_with(file), "file {f:?}, want …{file}: {e}");
    assert_eq!(e.line, line, "line: {e}");
    assert_eq!(e.field.as_deref(), Some(field), "field: {e}");
    for s in says {
        assert!(e.message.contains(s), "message should say {s:?}: {e}");
    }
}

fn ini_err(hosts: &str, more: &[(&str, &str)]) -> ConfigError {
    let mut all = vec![("hosts.ini", hosts)];
    all.extend_from_slice(more);
    let d = files(&all);
    load_err(&Source::new(&d.path().join("hosts.ini")))
}

const CREDS: &str = "ansible_user: netops\nansible_password: not-secret\n";

#[test]
fn unknown_network_os_names_the_host_and_where_it_is_set() {
    let e = ini_err(
        "[switches]\nnx1 ansible_host=10.0.0.5 ansible_network_os=cisco.nxos.nxos\n",
        &[("group_vars/all.yml", CREDS)],
    );
    assert_at(
        &e,
        "hosts.ini",
        Some(2),
        "[switches] nx1 ansible_network_os",
        &[
            "host `nx1`",
            "`cisco.nxos.nxos` is not a platform fleetpoll polls",
            "cisco.ios.ios",
        ],
    );
    // Overridden for every host: no one's platform, no error.
    let d = files(&[
        (
            "hosts.ini",
            "[r]\nr1 ansible_network_os=ios\n[r:vars]\nansible_network_os=junos\n",
        ),
        ("group_vars/all.yml", CREDS),
    ]);
    let inv = load(&d.path().join("hosts.ini"));
    assert_eq!(inv.hosts[0].platform, fleetpoll::Platform::CiscoIos);
}

#[test]
fn a_host_without_platform_or_username_is_refused_at_its_line() {
    let e = ini_err(
        "[all:vars]\nansible_user=u\nansible_password=p\n\n[r]\nr1 ansible_host=10.0.0.1\n",
        &[],
    );
    assert_at(
        &e,
        "hosts.ini",
        Some(6),
        "[r] r1",
        &["host `r1` has no platform", "ansible_network_os"],
    );
    let e = ini_err("[r]\nr1 ansible_network_os=ios ansible_password=p\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(2),
        "[r] r1",
        &["host `r1` has no username", "ansible_user"],
    );
}

#[test]
fn vault_values_are_refused_with_the_way_out() {
    let d = files(&[
        ("hosts.ini", "[r]\nr1 ansible_network_os=ios\n"),
        (
            "group_vars/all.yml",
            "ansible_user: netops\nansible_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  62313365396662343061393464336163383764373764613633653634306231386433626436623361\n",
        ),
    ]);
    let e = load_err(&Source::new(&d.path().join("hosts.ini")));
    assert_at(
        &e,
        "group_vars/all.yml",
        Some(2),
        "ansible_password",
        &[
            "encrypted with ansible-vault",
            "fleetpoll: {password: {env: VAR}}",
            "ansible-vault view",
        ],
    );
    // The string form, in a YAML inventory's vars.
    let d = files(&[(
        "hosts.yml",
        "all:\n  vars:\n    ansible_user: netops\n    ansible_become_password: \"$ANSIBLE_VAULT;1.1;AES256\\n3132\"\n  hosts:\n    r1:\n",
    )]);
    let e = load_err(&Source::new(&d.path().join("hosts.yml")));
    assert_at(
        &e,
        "hosts.yml",
        Some(4),
        "all.vars.ansible_become_password",
        &["ansible-vault", "fleetpoll: {enable_secret: {env: VAR}}"],
    );
}

#[test]
fn jinja_in_a_variable_fleetpoll_reads_is_refused_not_half_evaluated() {
    let d = files(&[
        ("hosts.ini", "[r]\nr1 ansible_network_os=ios\n"),
        (
            "group_vars/all.yml",
            "ansible_user: netops\nmotd: \"{{ inventory_hostname }}\"\n",
        ),
        (
            "host_vars/r1.yml",
            "ansible_password: \"{{ lookup('env', 'NET_PW') }}\"\n",
        ),
    ]);
    let e = load_err(&Source::new(&d.path().join("hosts.ini")));
    assert_at(
        &e,
        "host_vars/r1.yml",
        Some(1),
        "ansible_password",
        &["Jinja template", "not even in part", "{env: NET_PW}"],
    );
    // In the inventory file, and in the fleetpoll variable.
    let e = ini_err(
        "[r]\nr1 ansible_network_os=ios ansible_user='{{ user }}'\n",
        &[],
    );
    assert_at(&e, "hosts.ini", Some(2), "[r] r1 ansible_user", &["Jinja"]);
    let e = ini_err(
        "[r]\nr1 ansible_network_os=ios\n",
        &[(
            "group_vars/all.yml",
            "ansible_user: u\nfleetpoll:\n  timeouts:\n    command: \"{% if x %}2m{% endif %}\"\n",
        )],
    );
    assert_at(
        &e,
        "group_vars/all.yml",
        Some(4),
        "fleetpoll.timeouts.command",
        &["Jinja"],
    );
}

#[test]
fn ini_syntax_mistakes_are_ansibles_errors_at_their_line() {
    let e = ini_err("[r]\nr1 ansible_port\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(2),
        "[r] r1",
        &["expected key=value host variable assignment, got `ansible_port`"],
    );
    let e = ini_err("[r]\nr1 ansible_password=half secret-half\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(2),
        "[r] r1",
        &["a word after ansible_password= (not shown"],
    );
    assert!(!e.to_string().contains("secret-half"), "{e}");
    let e = ini_err("# routers\n\n[r]\nrtr[01:100].example.net\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(4),
        "[r] rtr[01:100].example.net",
        &["equal length"],
    );
    let e = ini_err("[r]\nr1\n[dc9:vars]\nansible_user=x\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(3),
        "dc9",
        &["[dc9:vars] is not valid for group `dc9`, which is not defined"],
    );
    let e = ini_err("[dc1:children]\ndc2\n[dc1]\nr1\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(2),
        "dc2",
        &["[dc1:children] includes group `dc2`, which is not defined"],
    );
    let e = ini_err("[r]\nr1 ansible_port=abc\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(2),
        "[r] r1 ansible_port",
        &["`abc` is not a TCP port"],
    );
    let e = ini_err("[r:bogus]\nr1\n", &[]);
    assert_at(
        &e,
        "hosts.ini",
        Some(1),
        "[r:bogus]",
        &["unknown type `bogus`"],
    );
    let e = ini_err("[r]\nr1 ansible_password='unclosed\n", &[]);
    assert_at(&e, "hosts.ini", Some(2), "[r]", &["no closing quotation"]);
    let e = ini_err("[a:children]\nb\n[b:children]\na\n[a]\n[b]\nr1\n", &[]);
    assert!(e.message.contains("groups form a loop"), "{e}");
    assert_eq!(e.line, Some(1), "{e}");
}

#[test]
fn fleetpoll_settings_errors_point_into_the_vars_file() {
    let base = "[r]\nr1 ansible_network_os=ios\n";
    let e = ini_err(
        base,
        &[(
            "group_vars/all.yml",
            "ansible_user: u\nansible_password: p\nfleetpoll:\n  timeouts:\n    conect: 5s\n",
        )],
    );
    assert_at(
        &e,
        "group_vars/all.yml",
        Some(5),
        "fleetpoll.timeouts.conect",
        &["unknown field `conect`"],
    );
    let e = ini_err(base, &[("group_vars/r.yml", "fleetpoll:\n  groups: [x]\n")]);
    assert_at(
        &e,
        "group_vars/r.yml",
        Some(2),
        "fleetpoll.groups",
        &["own hosts and groups"],
    );
    let e = ini_err(
        base,
        &[(
            "host_vars/r1",
            "ansible_user: u\nfleetpoll: {platform: cisco_nxos, password: p}\n",
        )],
    );
    assert_at(
        &e,
        "host_vars/r1",
        Some(2),
        "fleetpoll.platform",
        &["unknown variant `cisco_nxos`"],
    );
    // A reference that does not resolve: where it is written, not the generated document.
    let e = ini_err(
        base,
        &[(
            "group_vars/all/creds.yml",
            "ansible_user: u\nfleetpoll:\n  password: {env: FP_INV_TEST_SURELY_UNSET}\n",
        )],
    );
    assert_at(
        &e,
        "group_vars/all/creds.yml",
        Some(3),
        "fleetpoll.password",
        &["environment variable FP_INV_TEST_SURELY_UNSET is not set"],
    );
    let e = ini_err(
        base,
        &[(
            "group_vars/all.yml",
            "ansible_user: u\nansible_password: p\nfleetpoll: [transport, openssh]\n",
        )],
    );
    assert_at(
        &e,
        "group_vars/all.yml",
        Some(3),
        "fleetpoll",
        &["as a mapping"],
    );
}

#[test]
fn yaml_inventory_structure_errors() {
    let d = files(&[("hosts.yml", "all:\n  hosts:\n    r1: 5\n")]);
    let e = load_err(&Source::new(&d.path().join("hosts.yml")));
    assert_at(
        &e,
        "hosts.yml",
        Some(3),
        "all.hosts.r1",
        &["must be a mapping"],
    );
    let d = files(&[("hosts.yml", "all:\n  children:\n    dc1: [a, b]\n")]);
    let e = load_err(&Source::new(&d.path().join("hosts.yml")));
    assert_at(
        &e,
        "hosts.yml",
        Some(3),
        "all.children.dc1",
        &["requires a mapping"],
    );
    // A YAML syntax error keeps serde's position.
    let d = files(&[(
        "hosts.yml",
        "all:\n  hosts:\n    r1:\n      ansible_host: [unclosed\n",
    )]);
    let e = load_err(&Source::new(&d.path().join("hosts.yml")));
    assert!(
        e.line.is_some() && e.file.as_ref().unwrap().ends_with("hosts.yml"),
        "{e}"
    );
    // Unknown keys are skipped with a warning, as Ansible does.
    let d = files(&[(
        "hosts.yml",
        "all:\n  vars:\n    ansible_user: u\n    ansible_password: p\n    ansible_network_os: ios\n  host:\n    r9:\n  hosts:\n    r1:\n",
    )]);
    let inv = load(&d.path().join("hosts.yml"));
    assert_eq!(inv.hosts.len(), 1);
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("hosts.yml:6:3: skipping key `host`")),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn dynamic_inventory_scripts_are_not_run() {
    let d = files(&[(
        "inventory.py",
        "#!/usr/bin/env python3\nimport json\nprint(json.dumps({}))\n",
    )]);
    let e = load_err(&Source {
        format: Some(Format::Ansible),
        ..Source::new(&d.path().join("inventory.py"))
    });
    assert!(
        e.message.contains("dynamic inventory script") && e.message.contains("ansible-inventory"),
        "{e}"
    );
}

#[test]
fn ini_files_in_an_inventory_folder_are_skipped_as_ansible_skips_them() {
    let d = files(&[
        ("inv/hosts", "[r]\nr1 ansible_network_os=ios\n"),
        ("inv/old.ini", "[x]\nnot-polled\n"),
        ("inv/group_vars/all.yml", CREDS),
    ]);
    let inv = load(&d.path().join("inv"));
    assert_eq!(
        inv.hosts
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>(),
        ["r1"]
    );
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("old.ini") && w.contains("INVENTORY_IGNORE_EXTS")),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn ansible_key_file_is_relative_to_the_inventory_folder() {
    let d = files(&[
        ("inv/hosts.ini", "[r]\nr1 ansible_network_os=ios ansible_user=u ansible_ssh_private_key_file=keys/id_ed25519\n"),
        (
            "inv/fleet.yaml",
            "devices:\n  - {name: r1, host: r1, platform: cisco_ios, groups: [r], username: u, key_file: keys/id_ed25519}\ngroups: {r: {}}\n",
        ),
    ]);
    let keys = d.path().join("inv/keys");
    std::fs::create_dir_all(&keys).unwrap();
    super::common::ssh_keygen(&keys.join("id_ed25519"), "ed25519", "")
        .unwrap_or_else(|e| panic!("{e}"));
    let inv = load(&d.path().join("inv/hosts.ini"));
    assert_eq!(
        inv.hosts[0].key_file.as_deref(),
        Some(keys.join("id_ed25519").as_path())
    );
    assert!(inv.hosts[0].key.is_some(), "the key is read at plan time");
    assert_same_hosts(&inv, &load(&d.path().join("inv/fleet.yaml")));
    // A missing key file is refused where the variable is written.
    std::fs::remove_file(keys.join("id_ed25519")).unwrap();
    let e = load_err(&Source::new(&d.path().join("inv/hosts.ini")));
    assert_at(
        &e,
        "inv/hosts.ini",
        Some(2),
        "[r] r1 ansible_ssh_private_key_file",
        &["id_ed25519"],
    );
}
