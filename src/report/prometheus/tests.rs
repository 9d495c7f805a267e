//! The Prometheus text of a few hand-made reports, read back with a real exposition-format
//! parser (openmetrics-parser's strict pest grammar), and the naming and escaping rules.

use super::*;
use crate::outcome::{Finding, Severity};
use openmetrics_parser::{prometheus::parse_prometheus, PrometheusType, PrometheusValue};

/// One parsed sample: its labels and value.
type Parsed = Vec<(BTreeMap<String, String>, f64)>;

/// Parse `text` strictly; every family must be a gauge. Family name → (help, samples).
fn parse(text: &str) -> BTreeMap<String, (String, Parsed)> {
    let exp = parse_prometheus(text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
    exp.families
        .into_iter()
        .map(|(name, f)| {
            assert_eq!(f.family_type, PrometheusType::Gauge, "{name}");
            let samples = f
                .iter_samples()
                .map(|s| {
                    let labels = s
                        .get_labelset()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    let PrometheusValue::Gauge(n) = &s.value else {
                        panic!("{name}: {:?}", s.value)
                    };
                    (labels, n.as_f64())
                })
                .collect();
            (name, (f.help.clone(), samples))
        })
        .collect()
}

fn finding(code: &str, severity: Severity) -> Finding {
    Finding {
        code: code.into(),
        severity,
        subject: String::new(),
        message: "m".into(),
        evidence: "e".into(),
        remediation: "r".into(),
        command: None,
        standing: None,
    }
}

fn run() -> RunInfo {
    RunInfo {
        duration: Duration::from_millis(41_234),
        finished_at: SystemTime::UNIX_EPOCH + Duration::from_millis(1_764_762_318_792),
        exit_status: 2,
    }
}

/// fw-1 (critical, two peers down and a warning), rtr-1 (ok), gone-1 (not polled).
fn reports() -> Vec<DeviceReport> {
    let mut fw = DeviceReport::sample("fw-1");
    fw.platform = crate::Platform::CiscoAsa;
    fw.site = Some("dc \"1\" \\ east\nrack\r9".into());
    fw.health = Health::Critical;
    fw.findings = vec![
        finding("IKE_PEER_DOWN", Severity::Critical),
        finding("CERT_EXPIRING", Severity::Warning),
        finding("IKE_PEER_DOWN", Severity::Critical),
    ];
    fw.metrics.insert("ike_sa_total", "12".into());
    fw.metrics.insert("ntp_offset_ms", "-0.1788".into());
    fw.metrics.insert("ntp_synced", "false".into());
    fw.metrics.insert("sw_version", "9.8".into());
    fw.metrics.insert("failover_this_state", "Active".into());
    let mut rtr = DeviceReport::sample("rtr-1");
    rtr.site = Some("branch".into());
    rtr.metrics.insert("ike_sa_total", "3".into());
    rtr.metrics.insert("ntp_synced", "true".into());
    rtr.metrics.insert("sw_version", "15.5(3)M9".into());
    let mut gone = DeviceReport::blank("gone-1", "192.0.2.9", 22, crate::Platform::CiscoWaas);
    gone.poll_status = PollStatus::Deadline;
    vec![fw, rtr, gone]
}

const COLUMNS: &[&str] = &[
    "sw_version",
    "ike_sa_total",
    "ntp_offset_ms",
    "ntp_synced",
    "failover_this_state",
];

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_run_reads_back_with_every_value() {
    let text = render(&families(&reports(), COLUMNS, &run()));
    let p = parse(&text);
    let fw_site = "dc \"1\" \\ east\nrack 9";
    let id = |d: &str, plat: &str, site: &str| {
        labels(&[("device", d), ("platform", plat), ("site", site)])
    };
    assert_eq!(
        p["fleetpoll_device_up"].1,
        [
            (id("fw-1", "cisco_asa", fw_site), 1.0),
            (id("rtr-1", "cisco_ios", "branch"), 1.0),
            (id("gone-1", "cisco_waas", ""), 0.0),
        ]
    );
    assert_eq!(
        p["fleetpoll_device_health"]
            .1
            .iter()
            .map(|(_, v)| *v)
            .collect::<Vec<_>>(),
        [2.0, 0.0, 3.0]
    );
    assert_eq!(
        p["fleetpoll_findings"].1,
        [
            (
                labels(&[
                    ("device", "fw-1"),
                    ("code", "CERT_EXPIRING"),
                    ("severity", "warning")
                ]),
                1.0
            ),
            (
                labels(&[
                    ("device", "fw-1"),
                    ("code", "IKE_PEER_DOWN"),
                    ("severity", "critical")
                ]),
                2.0
            ),
        ]
    );
    assert_eq!(
        p["fleetpoll_ike_sa_total"].1,
        [
            (id("fw-1", "cisco_asa", fw_site), 12.0),
            (id("rtr-1", "cisco_ios", "branch"), 3.0)
        ]
    );
    assert!(
        p["fleetpoll_ike_sa_total"]
            .0
            .contains("(health.csv column ike_sa_total)"),
        "help from the registry: {}",
        p["fleetpoll_ike_sa_total"].0
    );
    assert_eq!(p["fleetpoll_ntp_offset_ms"].1[0].1, -0.1788);
    assert_eq!(
        p["fleetpoll_ntp_synced"]
            .1
            .iter()
            .map(|(_, v)| *v)
            .collect::<Vec<_>>(),
        [0.0, 1.0],
        "true/false are 1/0"
    );
    assert!(
        !p.contains_key("fleetpoll_failover_this_state"),
        "a column with no numeric value has no family"
    );
    assert!(
        !p.contains_key("fleetpoll_sw_version"),
        "9.8 is a version, not a gauge"
    );
    let info = &p["fleetpoll_device_info"].1;
    assert_eq!(info[0].0["sw_version"], "9.8");
    assert_eq!(info[1].0["sw_version"], "15.5(3)M9");
    assert_eq!(info[2].0["sw_version"], "");
    assert_eq!(
        p["fleetpoll_run_duration_seconds"].1,
        [(labels(&[]), 41.234)]
    );
    assert_eq!(
        p["fleetpoll_last_run_timestamp_seconds"].1,
        [(labels(&[]), 1_764_762_318.792)]
    );
    assert_eq!(p["fleetpoll_exit_status"].1, [(labels(&[]), 2.0)]);
    let devices: Vec<(String, String, f64)> = p["fleetpoll_devices"]
        .1
        .iter()
        .map(|(l, v)| (l["poll_status"].clone(), l["health"].clone(), *v))
        .collect();
    let want: Vec<(String, String, f64)> = [
        ("polled", "ok", 1.0),
        ("polled", "warning", 0.0),
        ("polled", "critical", 1.0),
        ("failed", "unknown", 0.0),
        ("interrupted", "unknown", 0.0),
        ("deadline", "unknown", 1.0),
    ]
    .iter()
    .map(|(a, b, v)| (a.to_string(), b.to_string(), *v))
    .collect();
    assert_eq!(devices, want);
}

#[test]
fn each_family_is_written_once_with_help_and_type_first() {
    let text = render(&families(&reports(), COLUMNS, &run()));
    assert!(text.ends_with('\n'));
    let mut seen: Vec<&str> = Vec::new();
    let mut current = "";
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            assert!(!seen.contains(&name), "{name} twice");
            seen.push(name);
            current = name;
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            assert_eq!(rest, format!("{current} gauge"));
        } else {
            assert!(line.starts_with(current), "{line} outside its family");
        }
    }
    assert_eq!(&seen[..4], &FIXED_FAMILIES[..4]);
    assert!(
        !text.contains('\r'),
        "a carriage return in a label is a space"
    );
}

#[test]
fn label_values_and_help_are_escaped() {
    assert_eq!(escape_label_value(r#"a"b\c"#), r#"a\"b\\c"#);
    assert_eq!(escape_label_value("a\nb\rc\u{1b}d"), "a\\nb c d");
    assert_eq!(escape_label_value("ümlaut ok"), "ümlaut ok");
    assert_eq!(escape_help("say \"x\"\\y\nz"), "say \"x\"\\\\y\\nz");
    let mut f = Family::gauge("t", "a \\ help\nwith two lines");
    f.push(&[("v", "x\"}\\n,y=\"z")], 1.0);
    let p = parse(&render(&[f]));
    assert_eq!(p["t"].0, "a \\ help\nwith two lines");
    assert_eq!(p["t"].1[0].0["v"], "x\"}\\n,y=\"z");
}

#[test]
fn names_follow_the_prometheus_rules() {
    assert_eq!(
        metric_name("fleetpoll_ipsec-sa.count"),
        "fleetpoll_ipsec_sa_count"
    );
    assert_eq!(metric_name("9lives"), "_9lives");
    assert_eq!(metric_name(""), "_");
    assert_eq!(metric_name("job:rate5m"), "job:rate5m");
    assert_eq!(metric_name("déjà"), "d_j_");
    assert_eq!(label_name("a:b"), "a_b");
    assert_eq!(label_name("__name__"), "_name__");
    assert_eq!(label_name("___x"), "_x");
    assert_eq!(label_name("1st"), "_1st");
    assert_eq!(label_name("site"), "site");
    let mut f = Family::gauge("x", "h");
    f.push(&[("__reserved", "v")], 1.0);
    assert!(render(&[f]).contains("x{_reserved=\"v\"} 1\n"));
}

#[test]
fn every_registry_metric_column_gets_a_valid_unique_name() {
    let name = regex::Regex::new("^[a-zA-Z_:][a-zA-Z0-9_:]*$").unwrap();
    let mut names: Vec<(String, &str)> = Vec::new();
    for m in crate::parse::registry()
        .iter()
        .flat_map(|s| s.metrics.iter())
    {
        let n = column_family(m.name, &[]);
        assert!(name.is_match(&n), "{} -> {n}", m.name);
        assert!(!n.contains(':'), "{n}: colons are for recording rules");
        assert_eq!(
            n,
            format!("fleetpoll_{}", m.name),
            "a registry column collides with a fixed family"
        );
        assert!(!m.help.is_empty(), "{}: no help", m.name);
        if let Some((other, col)) = names.iter().find(|(o, _)| *o == n) {
            assert_eq!(*col, m.name, "{other} from two different columns");
        } else {
            names.push((n, m.name));
        }
    }
    assert!(names.len() > 50, "{} columns", names.len());
    for f in FIXED_FAMILIES {
        assert!(name.is_match(f) && f.starts_with("fleetpoll_"), "{f}");
    }
}

#[test]
fn a_column_named_like_a_fixed_family_is_renamed() {
    let mut r = DeviceReport::sample("rtr-1");
    r.metrics.insert("devices", "7".into());
    let p = parse(&render(&families(&[r], &["devices"], &run())));
    assert_eq!(p["fleetpoll_metric_devices"].1[0].1, 7.0);
    assert_eq!(
        p["fleetpoll_devices"].1.len(),
        6,
        "the fixed family is untouched"
    );
}

#[test]
fn only_finite_numbers_and_booleans_are_gauge_values() {
    assert_eq!(number("12"), Some(12.0));
    assert_eq!(number("-0.5"), Some(-0.5));
    assert_eq!(number("1e3"), Some(1000.0));
    assert_eq!(number("true"), Some(1.0));
    assert_eq!(number("false"), Some(0.0));
    for text in [
        "",
        "NaN",
        "inf",
        "-infinity",
        "15.5(3)M9",
        "10.0.0.1",
        "Active",
        "2027-10-27T00:00:00Z",
    ] {
        assert_eq!(number(text), None, "{text:?}");
    }
}

#[test]
fn an_empty_run_still_says_when_it_ran() {
    let p = parse(&render(&families(&[], &["ike_sa_total"], &run())));
    assert!(!p.contains_key("fleetpoll_device_up"));
    assert!(!p.contains_key("fleetpoll_ike_sa_total"));
    assert_eq!(p["fleetpoll_exit_status"].1[0].1, 2.0);
    assert_eq!(
        p["fleetpoll_devices"].1.iter().map(|x| x.1).sum::<f64>(),
        0.0
    );
}

#[test]
fn the_parser_these_tests_trust_refuses_what_the_renderer_must_not_write() {
    for bad in [
        // An unescaped quote ends the value early.
        "# TYPE a gauge\na{site=\"dc \"1\"\"} 1\n",
        // A raw newline in a value.
        "# TYPE a gauge\na{site=\"dc\n1\"} 1\n",
        // A family continued after another one.
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\na{x=\"y\"} 2\n",
        // A name starting with a digit, and a value that is no number.
        "# TYPE 9a gauge\n9a 1\n",
        "# TYPE a gauge\na 15.5(3)M9\n",
    ] {
        assert!(parse_prometheus(bad).is_err(), "accepted {bad:?}");
    }
    assert!(parse_prometheus("# TYPE a gauge\na{site=\"dc \\\"1\\\"\"} 1\n").is_ok());
}

/// A merge streams its devices through [`Families::spilling`]: the same text as in memory,
/// while at most [`SPILL_AT`] bytes of samples per family stay in memory.
#[test]
fn spilling_families_render_the_same_text_and_hold_little() {
    let dir = tempfile::tempdir().unwrap();
    let mut mem = Families::new(COLUMNS);
    let mut spill = Families::spilling(COLUMNS, dir.path());
    let base = reports();
    for i in 0..3000 {
        for r in &base {
            let mut r = r.clone();
            r.device = format!("{}-{i}", r.device);
            mem.add(&r);
            spill.add(&r);
        }
    }
    for f in [&spill.up, &spill.health, &spill.info, &spill.findings]
        .into_iter()
        .chain(&spill.gauges)
    {
        assert!(
            f.pending.len() < SPILL_AT,
            "{}: {}",
            f.name,
            f.pending.len()
        );
    }
    assert!(matches!(spill.up.spill, Spill::File { .. }));
    let (mem, spill) = (mem.finish(&run()), spill.finish(&run()));
    let want = render(&mem);
    let mut got = Vec::new();
    render_to(&mut got, &spill).unwrap();
    assert_eq!(String::from_utf8(got).unwrap(), want);
    assert_eq!(render(&spill), want);
    let p = parse(&want);
    assert_eq!(p["fleetpoll_device_up"].1.len(), 9000);
    // Written through `write`: the same text, in place.
    let out = dir.path().join("fleetpoll.prom");
    write(&out, &spill).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), want);
}

/// A spill that cannot be written (its folder is gone) fails the write, naming the family,
/// rather than leaving samples out.
#[test]
fn a_spill_that_cannot_be_kept_fails_the_write() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone");
    let mut spill = Families::spilling(COLUMNS, &gone);
    for i in 0..2000 {
        spill.add(&DeviceReport::sample(&format!("rtr-{i}")));
    }
    let fams = spill.finish(&run());
    let err = write(&dir.path().join("x.prom"), &fams).unwrap_err();
    assert!(err.to_string().contains("fleetpoll_device_up"), "{err}");
    assert!(!dir.path().join("x.prom").exists());
}
