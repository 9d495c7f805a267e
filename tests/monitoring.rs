//! Monitoring outputs through the binary against the simulator: the `--prometheus` textfile
//! read back with a real exposition-format parser and compared with health.csv and
//! findings.csv (a hostile site name included), its file mode and atomic replacement, an
//! unwritable target refused before anything connects, and `--nagios` check mode for OK,
//! WARNING, CRITICAL and UNKNOWN.

mod common;

use common::prom::parse_file;
use common::sim::fleet_of as fleet;
use common::table::{column, position, read};
use fleetpoll::sim::{RunningFleet, Scenario};
use fleetpoll::Platform;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const T: &str = "{connect: 5s, auth: 8s, prompt: 5s, command: 8s, device: 60s}";

/// A site name with everything the exposition format must escape: quotes, a backslash and a
/// line feed.
const HOSTILE_SITE: &str = "dc \"1\" \\ east\nrack 9";

/// ok-1 and wae-1 healthy, cerm-1 a warning, fw-1 a critical finding, gone-1 not polled.
async fn mixed(dir: &Path) -> (RunningFleet, PathBuf) {
    use Platform::*;
    let f = fleet(&[
        ("ok-1", CiscoIos, Scenario::Healthy),
        ("fw-1", CiscoAsa, Scenario::IkePskMismatch),
        ("cerm-1", CiscoIos, Scenario::CermTxLimit),
        ("wae-1", CiscoWaas, Scenario::Healthy),
        ("gone-1", CiscoIos, Scenario::RefuseConnection),
    ])
    .await;
    let inv = common::sim::inventory(&f, &dir.join("inv.yaml"), T);
    // ok-1 is the first device: its `site: sim` becomes the hostile one (YAML escapes).
    common::edit(&inv, |t| {
        t.replacen(
            "    site: sim\n",
            "    site: \"dc \\\"1\\\" \\\\ east\\nrack 9\"\n",
            1,
        )
    });
    (f, inv)
}

/// `fleetpoll poll -i inv -p health.yaml ARGS` from `cwd`.
async fn poll(inv: &Path, cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = common::bin::fleetpoll();
    cmd.current_dir(cwd)
        .arg("poll")
        .arg("-i")
        .arg(inv)
        .args(["-p", common::HEALTH_PLAYBOOK])
        .args(args);
    common::bin::output_async(cmd).await
}

/// A CSV cell as the number a gauge must carry, by the rule the README gives: a finite
/// number, or true/false as 1/0.
fn gauge_value(cell: &str) -> Option<f64> {
    match cell {
        "true" => Some(1.0),
        "false" => Some(0.0),
        c => c.parse::<f64>().ok().filter(|v| v.is_finite()),
    }
}

/// The mode a new file gets from a creation mode of 0644 under this process's umask (the
/// binary inherits the same umask).
#[cfg(unix)]
fn mode_0644_under_umask(dir: &Path) -> u32 {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let probe = dir.join("umask-probe");
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(&probe)
        .unwrap();
    let mode = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
    std::fs::remove_file(&probe).unwrap();
    mode
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_textfile_agrees_with_the_csvs() {
    let dir = tempfile::tempdir().unwrap();
    let (f, inv) = mixed(dir.path()).await;
    let (csv, findings, prom) = (
        dir.path().join("health.csv"),
        dir.path().join("findings.csv"),
        dir.path().join("fleetpoll.prom"),
    );
    let out = poll(
        &inv,
        dir.path(),
        &[
            "-o",
            csv.to_str().unwrap(),
            "--findings",
            findings.to_str().unwrap(),
            "--prometheus",
            prom.to_str().unwrap(),
        ],
    )
    .await;
    let stderr = common::bin::stderr(&out);
    assert_eq!(common::bin::code(&out), 2, "{stderr}");
    assert!(
        stderr.contains("fleetpoll.prom"),
        "named in `wrote`: {stderr}"
    );
    let p = parse_file(&prom);
    let text = std::fs::read_to_string(&prom).unwrap();

    // One up sample per device, in inventory order; 1 exactly when polled.
    let devices = column(&csv, "device");
    let up = &p["fleetpoll_device_up"];
    assert_eq!(up.labels("device"), devices);
    let polled: Vec<f64> = column(&csv, "poll_status")
        .iter()
        .map(|s| if s == "polled" { 1.0 } else { 0.0 })
        .collect();
    assert_eq!(
        up.samples.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        polled
    );
    assert_eq!(polled, [1.0, 1.0, 1.0, 1.0, 0.0]);

    // Health as health.csv says it.
    let health = &p["fleetpoll_device_health"];
    for (d, h) in devices.iter().zip(column(&csv, "health")) {
        let want = match h.as_str() {
            "ok" => 0.0,
            "warning" => 1.0,
            "critical" => 2.0,
            "unknown" => 3.0,
            other => panic!("health {other}"),
        };
        assert_eq!(health.value(&[("device", d)]), want, "{d}");
    }
    assert_eq!(health.value(&[("device", "fw-1")]), 2.0);
    assert_eq!(health.value(&[("device", "gone-1")]), 3.0);

    // Finding counts as findings.csv has them, both ways.
    let (fh, rows) = read(&findings);
    let (di, ci, si) = (
        position(&fh, "device"),
        position(&fh, "code"),
        position(&fh, "severity"),
    );
    let mut want: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for r in &rows {
        *want
            .entry((r[di].to_string(), r[ci].to_string(), r[si].to_string()))
            .or_default() += 1.0;
    }
    let got: BTreeMap<(String, String, String), f64> = p["fleetpoll_findings"]
        .samples
        .iter()
        .map(|(l, v)| {
            (
                (
                    l["device"].clone(),
                    l["code"].clone(),
                    l["severity"].clone(),
                ),
                *v,
            )
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        p["fleetpoll_findings"].value(&[
            ("device", "fw-1"),
            ("code", "IKE_PSK_MISMATCH"),
            ("severity", "critical")
        ]),
        1.0
    );
    assert_eq!(
        p["fleetpoll_findings"].value(&[("device", "cerm-1"), ("code", "CERM_TX_NEAR_LIMIT")]),
        1.0
    );

    // Every metric cell: a gauge equal to it when it is a number, no sample when it is not;
    // the identity columns are labels of fleetpoll_device_info instead.
    let (h, rows) = read(&csv);
    let mut compared = 0;
    for (i, col) in h
        .iter()
        .enumerate()
        .skip(fleetpoll::report::FIXED_COLUMNS.len())
    {
        for r in &rows {
            let device = &r[position(&h, "device")];
            if fleetpoll::report::prometheus::INFO_COLUMNS.contains(&col) {
                let info = &p["fleetpoll_device_info"];
                let at = info
                    .labels("device")
                    .iter()
                    .position(|d| d == device)
                    .unwrap();
                assert_eq!(info.samples[at].0[col], r[i], "{device} {col}");
                continue;
            }
            let name = format!("fleetpoll_{col}");
            let sample = p.get(&name).and_then(|fam| {
                fam.samples
                    .iter()
                    .find(|(l, _)| l["device"] == device)
                    .map(|(_, v)| *v)
            });
            assert_eq!(sample, gauge_value(&r[i]), "{device} {col}={:?}", &r[i]);
            compared += usize::from(sample.is_some());
        }
    }
    assert!(compared > 60, "only {compared} gauges compared");
    let fw_ike: f64 = rows[1][position(&h, "ike_sa_total")].parse().unwrap();
    assert_eq!(
        p["fleetpoll_ike_sa_total"].value(&[("device", "fw-1"), ("platform", "cisco_asa")]),
        fw_ike
    );
    let uptime = fleetpoll::parse::registry()
        .iter()
        .flat_map(|s| s.metrics.iter())
        .find(|m| m.name == "uptime_s")
        .unwrap();
    assert_eq!(
        p["fleetpoll_uptime_s"].help,
        format!("{} (health.csv column uptime_s)", uptime.help)
    );

    // The hostile site reads back as it was, and is escaped in the text.
    assert_eq!(
        up.samples[0].0["site"], HOSTILE_SITE,
        "the parser unescapes it"
    );
    assert!(
        text.contains(r#"site="dc \"1\" \\ east\nrack 9""#),
        "{text}"
    );
    assert_eq!(up.samples[1].0["site"], "sim");

    // Run-wide families.
    assert_eq!(p["fleetpoll_exit_status"].value(&[]), 2.0);
    let by = &p["fleetpoll_devices"];
    assert_eq!(by.samples.iter().map(|(_, v)| v).sum::<f64>(), 5.0);
    assert_eq!(
        by.value(&[("poll_status", "polled"), ("health", "ok")]),
        2.0
    );
    assert_eq!(
        by.value(&[("poll_status", "polled"), ("health", "critical")]),
        1.0
    );
    assert_eq!(
        by.value(&[("poll_status", "failed"), ("health", "unknown")]),
        1.0
    );
    let duration = p["fleetpoll_run_duration_seconds"].value(&[]);
    assert!(duration > 0.0 && duration < 600.0, "{duration}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let last = p["fleetpoll_last_run_timestamp_seconds"].value(&[]);
    assert!(last <= now && last > now - 600.0, "{last} vs {now}");

    // Names and secrets.
    let metric = regex::Regex::new("^fleetpoll_[a-z0-9_]+$").unwrap();
    let label = regex::Regex::new("^[a-zA-Z][a-zA-Z0-9_]*$").unwrap();
    for (name, fam) in &p {
        assert!(metric.is_match(name), "{name}");
        for (l, _) in &fam.samples {
            for k in l.keys() {
                assert!(label.is_match(k), "{name}: label {k}");
            }
        }
    }
    for secret in [
        fleetpoll::sim::SIM_PASSWORD,
        fleetpoll::sim::SIM_ENABLE_SECRET,
    ] {
        assert!(!text.contains(secret), "a secret in the textfile");
    }

    // A new file is 0644 under the umask (node_exporter reads it as another user); a file
    // replaced keeps its mode; nothing temporary is left beside it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&prom), mode_0644_under_umask(dir.path()));
        std::fs::set_permissions(&prom, std::fs::Permissions::from_mode(0o640)).unwrap();
        let out = poll(
            &inv,
            dir.path(),
            &[
                "-q",
                "--limit",
                "ok-1",
                "-o",
                csv.to_str().unwrap(),
                "--prometheus",
                prom.to_str().unwrap(),
            ],
        )
        .await;
        assert_eq!(common::bin::code(&out), 0, "{}", common::bin::stderr(&out));
        assert_eq!(mode(&prom), 0o640, "the mode of the file replaced");
        assert_eq!(
            parse_file(&prom)["fleetpoll_device_up"].labels("device"),
            ["ok-1"]
        );
    }
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_textfile_is_refused_before_anything_connects() {
    let dir = tempfile::tempdir().unwrap();
    // A listener no run may reach: anything that connected would sit in its backlog.
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    common::sim::secret_files(dir.path());
    let inv = common::write(
        dir.path(),
        "inv.yaml",
        &format!(
            "defaults:\n  username: {}\n  password: {{file: pw}}\n  enable_secret: {{file: en}}\n\
             devices:\n  - name: trap-1\n    host: 127.0.0.1\n    port: {}\n    platform: cisco_ios\n",
            fleetpoll::sim::SIM_USERNAME,
            trap.local_addr().unwrap().port()
        ),
    );
    // Even root cannot create a file under a regular file.
    std::fs::write(dir.path().join("not-a-dir"), "").unwrap();
    let prom = dir.path().join("not-a-dir").join("fleetpoll.prom");
    let csv = dir.path().join("health.csv");
    let args = [
        "-o",
        csv.to_str().unwrap(),
        "--prometheus",
        prom.to_str().unwrap(),
    ];
    let out = poll(&inv, dir.path(), &args).await;
    let stderr = common::bin::stderr(&out);
    assert_eq!(common::bin::code(&out), 3, "{stderr}");
    assert!(
        stderr.contains(&format!("error: cannot write {}", prom.display())),
        "{stderr}"
    );
    assert!(!csv.exists(), "nothing written");

    let out = poll(&inv, dir.path(), &[&["--nagios"][..], &args].concat()).await;
    assert_eq!(common::bin::code(&out), 3);
    let stdout = common::bin::stdout(&out);
    assert!(
        stdout.starts_with(&format!(
            "FLEETPOLL UNKNOWN - cannot write {}: ",
            prom.display()
        )) && stdout.ends_with('\n')
            && stdout.lines().count() == 1,
        "{stdout:?}"
    );
    assert_eq!(common::bin::stderr(&out), "", "check mode: stdout only");
    match trap.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("something connected: {other:?}"),
    }
}

/// The status line's text and perfdata, with the duration (which varies) checked and cut.
#[track_caller]
fn status(out: &Output) -> String {
    let stdout = common::bin::stdout(out);
    assert_eq!(
        common::bin::stderr(out),
        "",
        "check mode prints nothing on stderr"
    );
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout:?}");
    let re = regex::Regex::new(r"^(.*) duration=\d+\.\ds;;;0\n$").unwrap();
    re.captures(&stdout).unwrap_or_else(|| panic!("{stdout:?}"))[1].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_mode_answers_ok_warning_critical_and_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let (f, inv) = mixed(dir.path()).await;
    let csv = dir.path().join("out.csv");

    // OK, with -o: the CSV is written as well.
    let out = poll(
        &inv,
        dir.path(),
        &[
            "--nagios",
            "--limit",
            "ok-1,wae-1",
            "-o",
            csv.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(common::bin::code(&out), 0);
    assert_eq!(
        status(&out),
        "FLEETPOLL OK - 0 critical, 0 warning, 0 not polled of 2 | critical=0;;0;0;2 \
         warning=0;0;;0;2 not_polled=0;;0;0;2 ok=2;;;0;2"
    );
    assert_eq!(column(&csv, "device"), ["ok-1", "wae-1"]);

    // WARNING, without -o: no health.csv appears in the working folder.
    let cwd = tempfile::tempdir().unwrap();
    let out = poll(&inv, cwd.path(), &["--nagios", "--limit", "ok-1,cerm-1"]).await;
    assert_eq!(common::bin::code(&out), 1);
    assert_eq!(
        status(&out),
        "FLEETPOLL WARNING - 0 critical, 1 warning, 0 not polled of 2 | critical=0;;0;0;2 \
         warning=1;0;;0;2 not_polled=0;;0;0;2 ok=1;;;0;2"
    );
    assert_eq!(std::fs::read_dir(cwd.path()).unwrap().count(), 0);

    // CRITICAL (a critical finding and a device not polled), with the textfile too.
    let prom = dir.path().join("fleetpoll.prom");
    let out = poll(
        &inv,
        dir.path(),
        &["--nagios", "--prometheus", prom.to_str().unwrap()],
    )
    .await;
    assert_eq!(common::bin::code(&out), 2);
    assert_eq!(
        status(&out),
        "FLEETPOLL CRITICAL - 1 critical, 1 warning, 1 not polled of 5 | critical=1;;0;0;5 \
         warning=1;0;;0;5 not_polled=1;;0;0;5 ok=2;;;0;5"
    );
    assert_eq!(parse_file(&prom)["fleetpoll_exit_status"].value(&[]), 2.0);
    f.shutdown().await;

    // UNKNOWN: an inventory that is no inventory.
    let bad = common::write(dir.path(), "bad.yaml", "devices: [ {name: x\n");
    let out = poll(&bad, dir.path(), &["--nagios"]).await;
    assert_eq!(common::bin::code(&out), 3);
    let stdout = common::bin::stdout(&out);
    assert!(
        stdout.starts_with(&format!("FLEETPOLL UNKNOWN - {}", bad.display()))
            && stdout.lines().count() == 1
            && !stdout.contains('|'),
        "{stdout:?}"
    );
    assert_eq!(common::bin::stderr(&out), "");

    // UNKNOWN too for arguments that do not parse.
    let out = common::bin::run_async(["poll", "--nagios", "--no-such-flag"]).await;
    assert_eq!(common::bin::code(&out), 3);
    assert_eq!(
        common::bin::stdout(&out),
        "FLEETPOLL UNKNOWN - unexpected argument '--no-such-flag' found\n"
    );
}
