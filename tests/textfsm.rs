//! The TextFSM path end to end: a command no built-in parser reads (`show ip interface brief`)
//! polled over SSH from the simulator gives template rows in JSONL and snapshots, the
//! playbook's metrics in the CSV and its rules as findings; playbook mistakes are refused at
//! plan time with file, line and field; `fleetpoll parse --textfsm` prints the rows.

mod common;

use common::bin;
use common::sim::{fleet, spec};
use common::table;
use fleetpoll::playbook;
use fleetpoll::sim::Scenario;
use fleetpoll::Platform;
use std::path::Path;

const PLAYBOOK: &str = "\
name: interfaces
platforms:
  cisco_ios:
    commands:
      - command: show version
      - command: sh ip int br
        metrics:
          - {name: interfaces, count: true}
          - name: interfaces_admin_down
            count_where: {status: administratively down}
        rules:
          - code: INTERFACE_ADMIN_DOWN
            metric: interfaces_admin_down
            above: 0
            severity: warning
            message: '{value} interface(s) administratively down'
            remediation: Check that the ports are meant to be shut.
";

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_templated_command_polled_over_ssh_gives_rows_metrics_and_findings() {
    let f = fleet(vec![
        spec("rtr-tf", Platform::CiscoIos, Scenario::Healthy),
        spec("xe-tf", Platform::CiscoXe, Scenario::Healthy),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let inv = common::sim::default_inventory(&f, &dir.path().join("inv.yaml"));
    let pb = dir.path().join("pb.yaml");
    std::fs::write(&pb, PLAYBOOK).unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let (csv, findings, jl) = (p("health.csv"), p("findings.csv"), p("health.jsonl"));
    let args = [
        "poll",
        "-q",
        "-i",
        inv.to_str().unwrap(),
        "-p",
        pb.to_str().unwrap(),
    ];
    let o = bin::run_async(args.iter().copied().chain([
        "-o",
        &csv,
        "--findings",
        &findings,
        "--jsonl",
        &jl,
    ]))
    .await;
    assert_eq!(bin::code(&o), 1, "the rule's warning: {}", bin::stderr(&o));
    assert_eq!(table::column(Path::new(&csv), "interfaces"), ["4", "4"]);
    assert_eq!(
        table::column(Path::new(&csv), "interfaces_admin_down"),
        ["1", "1"]
    );
    assert_eq!(
        table::column(Path::new(&findings), "code"),
        ["INTERFACE_ADMIN_DOWN", "INTERFACE_ADMIN_DOWN"]
    );
    assert_eq!(
        table::column(Path::new(&findings), "message"),
        [
            "1 interface(s) administratively down",
            "1 interface(s) administratively down"
        ]
    );
    let lines = jsonl(Path::new(&jl));
    for (line, port) in lines
        .iter()
        .zip(["GigabitEthernet0/2", "GigabitEthernet0/0/2"])
    {
        let c = &line["commands"][1];
        assert_eq!(c["command"], "sh ip int br");
        assert_eq!(c["parser"], "textfsm");
        assert_eq!(c["status"], "ok");
        let rec = &c["record"];
        assert_eq!(rec["record"], "textfsm");
        assert_eq!(rec["template"], "cisco_ios_show_ip_interface_brief.textfsm");
        assert_eq!(rec["rows"].as_array().unwrap().len(), 4);
        assert_eq!(rec["rows"][2]["interface"], port);
        assert_eq!(rec["rows"][2]["status"], "administratively down");
        assert_eq!(rec["rows"][0]["proto"], "up");
        // show version keeps its built-in parser.
        assert_eq!(line["commands"][0]["parser"], "ios_version");
    }

    // Snapshots hold the rows and read back: two of the same fleet compare clean.
    for s in ["before", "after"] {
        let o = bin::run_async(
            [
                "snapshot",
                "-q",
                "-i",
                inv.to_str().unwrap(),
                "-p",
                pb.to_str().unwrap(),
            ]
            .into_iter()
            .chain(["--out-dir", &p(s)]),
        )
        .await;
        assert!(bin::code(&o) <= 1, "{}", bin::stderr(&o));
    }
    let o = bin::run(&["diff", &p("before"), &p("after"), "--format", "json"]);
    assert_eq!(bin::code(&o), 0, "{}{}", bin::stdout(&o), bin::stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&bin::stdout(&o)).unwrap();
    assert_eq!(report["changes"], serde_json::json!([]), "{report}");
    f.shutdown().await;
}

fn plan_error(yaml: &str) -> fleetpoll::error::ConfigError {
    playbook::parse_text(Path::new("pb.yaml"), yaml).unwrap_err()
}

#[test]
fn unknown_template_fields_and_bad_rules_are_refused_at_plan_time() {
    let e = plan_error(&PLAYBOOK.replace("{status: administratively down}", "{state: down}"));
    assert_eq!(e.file.as_deref(), Some(Path::new("pb.yaml")));
    assert_eq!(e.line, Some(10), "{e}");
    assert_eq!(
        e.field.as_deref(),
        Some("platforms.cisco_ios.commands[1].metrics[1].count_where.state")
    );
    assert!(
        e.message
            .contains("no field `state` (its fields: interface, ip_address, status, proto)"),
        "{e}"
    );
    let e = plan_error(&PLAYBOOK.replace(
        "{name: interfaces, count: true}",
        "{name: interfaces, sum: mtu}",
    ));
    assert_eq!(e.line, Some(8), "{e}");
    assert!(e.to_string().contains("no field `mtu`"), "{e}");
    let e = plan_error(&PLAYBOOK.replace("metric: interfaces_admin_down", "metric: nope"));
    assert_eq!(
        e.field.as_deref(),
        Some("platforms.cisco_ios.commands[1].rules[0].metric")
    );
    let e = plan_error(&PLAYBOOK.replace("INTERFACE_ADMIN_DOWN", "NTP_UNSYNCED"));
    assert!(e.to_string().contains("built-in rule's code"), "{e}");
    let e = plan_error(&PLAYBOOK.replace("above: 0", "above: 0\n            below: 3"));
    assert!(
        e.to_string().contains("exactly one finite threshold"),
        "{e}"
    );
    // A built-in metric name on a templated command, declared metrics on a built-in one.
    let e = plan_error(&PLAYBOOK.replace("{name: interfaces, count: true}", "ntp_synced"));
    assert!(e.to_string().contains("read by TextFSM template"), "{e}");
    let e = plan_error(&PLAYBOOK.replace(
        "      - command: show version\n",
        "      - command: show version\n        metrics: [{name: x, count: true}]\n",
    ));
    assert!(
        e.to_string().contains("built-in parser `ios_version`"),
        "{e}"
    );
    // `parser: textfsm` where the index has no template.
    let e = plan_error("name: t\nplatforms:\n  cisco_asa:\n    commands:\n      - command: show conn count\n        parser: textfsm\n");
    assert_eq!(e.line, Some(6));
    assert!(
        e.to_string()
            .contains("has no template for `show conn count` on cisco_asa"),
        "{e}"
    );
    // The playbook's own codes may be disabled or re-graded under `health:`.
    let ok = format!("{PLAYBOOK}health:\n  severity: {{INTERFACE_ADMIN_DOWN: info}}\n");
    let pb = playbook::parse_text(Path::new("pb.yaml"), &ok).unwrap();
    assert!(pb.health.severity.contains_key("INTERFACE_ADMIN_DOWN"));
    assert!(pb.columns().contains(&"interfaces_admin_down"));
}

#[test]
fn forced_textfsm_and_a_template_file_from_the_playbook_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pools.textfsm"),
        "Value Key NAME (\\S+)\nValue USED (\\d+)\nValue List TAGS (\\w+)\n\nStart\n  ^pool ${NAME} used ${USED}( tag ${TAGS})? -> Record\n",
    )
    .unwrap();
    let pb = dir.path().join("pb.yaml");
    let yaml = "name: t\nplatforms:\n  cisco_asa:\n    commands:\n      - command: show version\n        parser: textfsm\n      - command: show ip local pool\n        parser: textfsm:pools.textfsm\n        metrics:\n          - {name: pool_used, sum: USED}\n          - {name: pool_min, min: used}\n          - {name: pool_max, max: used}\n          - {name: pools_blue, count_where: {tags: blue}}\n";
    std::fs::write(&pb, yaml).unwrap();
    let pb = playbook::load(&pb).unwrap();
    let cmds = pb.commands_for(Platform::CiscoAsa);
    assert!(
        cmds[0].parser.is_none(),
        "parser: textfsm outranks the built-in parser"
    );
    assert_eq!(
        cmds[0].textfsm.as_ref().unwrap().templates.name(),
        "cisco_asa_show_version.textfsm"
    );
    let plan = cmds[1].textfsm.as_ref().unwrap();
    let t = plan
        .templates
        .parse("pool a used 10 tag blue\npool b used 5\nnoise\npool c used 1\n")
        .unwrap();
    assert_eq!(t.key, ["name"]);
    assert_eq!(t.rows.len(), 3);
    // A List value whose group sat out a matching line keeps an item for it, as Python
    // TextFSM does (ntc-templates writes it "None").
    assert_eq!(t.rows[1].get("tags").unwrap(), &serde_json::json!(["None"]));
    let mut m = std::collections::BTreeMap::new();
    plan.fill(&t, &mut m);
    assert_eq!(m["pool_used"], "16");
    assert_eq!(m["pool_min"], "1");
    assert_eq!(m["pool_max"], "10");
    assert_eq!(m["pools_blue"], "1");
    assert_eq!(plan.metrics[0].value(&t), Some(16.0));
    let e = plan_error("name: t\nplatforms:\n  cisco_asa:\n    commands:\n      - command: show x\n        parser: textfsm:missing.textfsm\n");
    assert_eq!(
        e.field.as_deref(),
        Some("platforms.cisco_asa.commands[0].parser")
    );
}

#[test]
fn parse_textfsm_prints_the_rows_as_ntc_templates_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("out.txt");
    std::fs::write(
        &f,
        "Interface              IP-Address      OK? Method Status                Protocol\n\
         GigabitEthernet0/0     10.0.0.1        YES NVRAM  up                    up\n\
         Tunnel7                unassigned      YES unset  down                  down\n",
    )
    .unwrap();
    let o = bin::run(&[
        "parse",
        "--textfsm",
        "--platform",
        "cisco_xe",
        "--command",
        "show ip interface brief",
        f.to_str().unwrap(),
    ]);
    assert_eq!(bin::code(&o), 0, "{}", bin::stderr(&o));
    let out = bin::stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"interface": "GigabitEthernet0/0", "ip_address": "10.0.0.1", "status": "up", "proto": "up"},
            {"interface": "Tunnel7", "ip_address": "unassigned", "status": "down", "proto": "down"}
        ])
    );
    // Fields in the template's order, as ntc-templates' dicts are.
    let (a, b) = (
        out.find("\"interface\"").unwrap(),
        out.find("\"ip_address\"").unwrap(),
    );
    assert!(a < b, "{out}");
    // No template: exit 3, said on stderr.
    let o = bin::run(&[
        "parse",
        "--textfsm",
        "--platform",
        "cisco_waas",
        "--command",
        "show accelerator",
        f.to_str().unwrap(),
    ]);
    assert_eq!(bin::code(&o), 3);
    assert!(
        bin::stderr(&o).contains("has no template"),
        "{}",
        bin::stderr(&o)
    );
    // --templates DIR replaces the built-in templates.
    let tdir = dir.path().join("tpl");
    std::fs::create_dir(&tdir).unwrap();
    std::fs::write(
        tdir.join("index"),
        "Template, Hostname, Platform, Command\n\nmine.textfsm, .*, cisco_ios, sh[[ow]] ip int[[erface]] br[[ief]]\n",
    )
    .unwrap();
    std::fs::write(
        tdir.join("mine.textfsm"),
        "Value NAME (\\S+)\n\nStart\n  ^${NAME}\\s+\\d -> Record\n",
    )
    .unwrap();
    let o = bin::run(&[
        "parse",
        "--templates",
        tdir.to_str().unwrap(),
        "--textfsm",
        "--platform",
        "cisco_ios",
        "--command",
        "sh ip int br",
        f.to_str().unwrap(),
    ]);
    assert_eq!(bin::code(&o), 0, "{}", bin::stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&bin::stdout(&o)).unwrap();
    assert_eq!(v, serde_json::json!([{"name": "GigabitEthernet0/0"}]));
}
