//! The run history (`poll --history`, `fleetpoll history`) through the binary against the
//! simulator: three nights with a peer failing and recovering, IPsec errors growing, a reload
//! and an unreachable device; a run SIGKILLed inside its write transaction; an interrupted
//! run; a locked, newer or foreign database refused before anything is contacted; the queries
//! and prune. Nights are 24 h apart by the history's clock hook, never by waiting.

mod common;

use common::bin::{code, stderr, stdout};
use fleetpoll::sim::Scenario;
use fleetpoll::Platform;
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;
use std::process::Stdio;

use common::nights::{fleet, night, poll, poll_cmd, Night};

/// The rows without their subjects: (device, code, status, first_seen, runs_open), sorted.
fn statuses(n: &Night) -> Vec<(&str, &str, &str, &str, &str)> {
    let mut v: Vec<_> = n
        .rows
        .iter()
        .map(|r| {
            (
                r.0.as_str(),
                r.1.as_str(),
                r.3.as_str(),
                r.4.as_str(),
                r.5.as_str(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The subjects of `device`'s `code` rows with `status`.
fn subjects<'a>(n: &'a Night, device: &str, code: &str, status: &str) -> BTreeSet<&'a str> {
    n.rows
        .iter()
        .filter(|r| r.0 == device && r.1 == code && r.3 == status)
        .map(|r| r.2.as_str())
        .collect()
}

fn health<'a>(n: &'a Night, device: &str) -> (&'a str, &'a str, &'a str) {
    let r = n.health.iter().find(|r| r.0 == device).unwrap();
    (r.1.as_str(), r.2.as_str(), r.3.as_str())
}

fn sqlite(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(db).unwrap()
}

fn ints(db: &Path, sql: &str) -> Vec<i64> {
    let c = sqlite(db);
    let mut st = c.prepare(sql).unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nights_read_as_new_ongoing_and_resolved_and_a_reload_is_no_growth() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    let (n1, n2, n3) = (night(1), night(2), night(3));

    // Night 1: the first run; every finding is new.
    let f = fleet(1).await;
    let one = poll(&f, dir.path(), &db, &n1).await;
    f.shutdown().await;
    assert_eq!(one.code, 2, "{}", one.stderr);
    assert_eq!(
        statuses(&one),
        [
            ("asa-fo", "FAILOVER_NOT_READY", "new", n1.as_str(), "1"),
            (
                "wae-1",
                "MAPI_NEAR_MAX_CONNECTIONS",
                "new",
                n1.as_str(),
                "1"
            ),
        ],
        "{}",
        one.stderr
    );
    assert!(
        one.stderr.starts_with("First run in this history"),
        "{}",
        one.stderr
    );
    assert_eq!(health(&one, "asa-fo"), ("critical", "1", "0"));
    assert_eq!(health(&one, "rtr-err"), ("ok", "0", "0"));

    // Night 2: the peer fails, the errors grow, the WAE cannot be reached.
    let f = fleet(2).await;
    let two = poll(&f, dir.path(), &db, &n2).await;
    f.shutdown().await;
    assert_eq!(two.code, 2, "{}", two.stderr);
    assert_eq!(
        statuses(&two),
        [
            ("asa-fo", "FAILOVER_NOT_READY", "ongoing", n1.as_str(), "2"),
            ("rtr-err", "IPSEC_ERRORS_GROWING", "new", n2.as_str(), "1"),
            ("rtr-err", "IPSEC_ERRORS_GROWING", "new", n2.as_str(), "1"),
            ("rtr-vpn", "CRYPTO_SESSION_DOWN", "new", n2.as_str(), "1"),
        ],
        "{}",
        two.stderr
    );
    let grown = subjects(&two, "rtr-err", "IPSEC_ERRORS_GROWING", "new");
    let kinds: BTreeSet<&str> = grown.iter().map(|s| &s[s.len() - 12..]).collect();
    assert_eq!(kinds, BTreeSet::from(["#send errors", "#recv errors"]));
    let evidence = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    assert!(
        evidence.contains("#recv errors 0 at the previous run, 500 now, 24 h apart: 20.8 per hour"),
        "{evidence}"
    );
    // Not polled: its finding is neither resolved nor ongoing; nothing new either.
    assert_eq!(health(&two, "wae-1"), ("unknown", "0", "0"));
    assert_eq!(health(&two, "rtr-vpn"), ("critical", "1", "0"));
    assert_eq!(health(&two, "rtr-err"), ("warning", "2", "0"));
    assert!(
        two.stderr
            .starts_with("NEW since the previous run (2025-03-01T02:00:00Z) (3):"),
        "{}",
        two.stderr
    );
    let down = subjects(&two, "rtr-vpn", "CRYPTO_SESSION_DOWN", "new");

    // Night 3: the peer is back, rtr-err reloaded (its counters are higher than on night 2,
    // but count since the reload), the WAE answers again.
    let f = fleet(3).await;
    let three = poll(&f, dir.path(), &db, &n3).await;
    f.shutdown().await;
    assert_eq!(three.code, 2, "{}", three.stderr);
    assert_eq!(
        statuses(&three),
        [
            ("asa-fo", "FAILOVER_NOT_READY", "ongoing", n1.as_str(), "3"),
            (
                "rtr-err",
                "IPSEC_ERRORS_GROWING",
                "resolved",
                n2.as_str(),
                "1"
            ),
            (
                "rtr-err",
                "IPSEC_ERRORS_GROWING",
                "resolved",
                n2.as_str(),
                "1"
            ),
            (
                "rtr-vpn",
                "CRYPTO_SESSION_DOWN",
                "resolved",
                n2.as_str(),
                "1"
            ),
            (
                "wae-1",
                "MAPI_NEAR_MAX_CONNECTIONS",
                "ongoing",
                n1.as_str(),
                "2"
            ),
        ],
        "{}",
        three.stderr
    );
    assert_eq!(
        subjects(&three, "rtr-vpn", "CRYPTO_SESSION_DOWN", "resolved"),
        down
    );
    assert_eq!(
        subjects(&three, "rtr-err", "IPSEC_ERRORS_GROWING", "resolved"),
        grown
    );
    assert_eq!(health(&three, "rtr-err"), ("ok", "0", "2"));
    assert_eq!(health(&three, "rtr-vpn"), ("ok", "0", "1"));
    assert!(
        three.stderr.starts_with("RESOLVED since the previous run"),
        "{}",
        three.stderr
    );

    // What the database holds: three runs, each exit 2; metric spans that continue while a
    // value holds (sw_version) and restart when it changes (uptime_s).
    assert_eq!(
        ints(&db, "SELECT exit_status FROM runs ORDER BY id"),
        [2, 2, 2]
    );
    let spans = |metric: &str| {
        ints(
            &db,
            &format!(
                "SELECT s.last_run - s.first_run + 1 FROM metric_spans s
                 JOIN devices d ON d.id = s.device_id JOIN names n ON n.id = s.name_id
                 WHERE d.name = 'rtr-err' AND n.name = '{metric}' ORDER BY s.first_run"
            ),
        )
    };
    assert_eq!(spans("sw_version"), [3]);
    assert_eq!(spans("uptime_s"), [1, 1, 1]);
    // No secret and no raw output anywhere in the file.
    let bytes = std::fs::read(&db).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for secret in [
        fleetpoll::sim::SIM_PASSWORD,
        fleetpoll::sim::SIM_ENABLE_SECRET,
    ] {
        assert!(!text.contains(secret), "{secret} in the history");
    }
    assert!(
        !text.contains("Crypto map tag"),
        "raw output in the history"
    );

    // The queries.
    let h = db.to_str().unwrap();
    let open = common::bin::run(&["history", "findings", "--open", "-H", h, "--format", "csv"]);
    assert_eq!(code(&open), 0, "{}", stderr(&open));
    let open_text = stdout(&open);
    let open_rows: Vec<&str> = open_text.lines().skip(1).collect();
    assert_eq!(open_rows.len(), 2, "{open_text}");
    assert!(open_rows[0].starts_with("asa-fo,critical,FAILOVER_NOT_READY,"));
    assert!(open_rows[1].starts_with("wae-1,warning,MAPI_NEAR_MAX_CONNECTIONS,"));
    let code_x = common::bin::run(&[
        "history",
        "findings",
        "--code",
        "IPSEC_ERRORS_GROWING",
        "-H",
        h,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&code_x)).unwrap();
    let got: Vec<(&str, &str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["device"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["resolved_at"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("rtr-err", "resolved", n3.as_str()),
            ("rtr-err", "resolved", n3.as_str())
        ]
    );
    let timeline = common::bin::run(&["history", "device", "rtr-vpn", "-H", h, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&timeline)).unwrap();
    let days: Vec<(String, String, usize, usize)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["health"].as_str().unwrap().to_string(),
                r["findings"].to_string(),
                r["new"].as_array().unwrap().len(),
                r["resolved"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("ok".into(), "[]".into(), 0, 0),
            ("critical".into(), "[\"CRYPTO_SESSION_DOWN\"]".into(), 1, 0),
            ("ok".into(), "[]".into(), 0, 1),
        ]
    );
    let runs = common::bin::run(&["history", "runs", "-H", h, "--format", "csv"]);
    let runs_text = stdout(&runs);
    let lines: Vec<&str> = runs_text.lines().collect();
    assert_eq!(lines.len(), 4, "{runs_text}");
    assert!(lines[0].starts_with(
        "run,started_at,ended_at,exit_status,devices,polled,new_findings,resolved_findings"
    ));
    assert!(
        lines[2].starts_with(&format!("2,{n2},")) && lines[2].contains(",2,4,3,3,0,"),
        "{}",
        lines[2]
    );

    // While a writer holds the lock, the queries still read (WAL); prune waits, then gives up.
    let holder = sqlite(&db);
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let read = common::bin::run(&["history", "runs", "-H", h, "--format", "csv"]);
    assert_eq!(code(&read), 0, "{}", stderr(&read));
    assert_eq!(stdout(&read).lines().count(), 4);
    let blocked = common::bin::run(&[
        "history", "prune", "--keep", "1d", "-H", h, "--wait", "100ms",
    ]);
    assert_eq!(code(&blocked), 3);
    assert!(
        stderr(&blocked).contains("is locked by another fleetpoll"),
        "{}",
        stderr(&blocked)
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    // Prune: a week after night 3, keeping 5 days leaves nights 2 and 3 (the open episodes,
    // first seen on night 1, keep their first_seen); the latest run is never pruned.
    let later = "2025-03-08T02:00:00.000Z";
    let pruned = common::bin::output(
        common::bin::fleetpoll()
            .env(fleetpoll::history::NOW_ENV, later)
            .args(["history", "prune", "--keep", "6d", "-H", h]),
    );
    assert_eq!(code(&pruned), 0, "{}", stderr(&pruned));
    assert!(
        stdout(&pruned).starts_with("pruned 1 runs older than 2025-03-02T02:00:00.000Z"),
        "{}",
        stdout(&pruned)
    );
    assert_eq!(ints(&db, "SELECT id FROM runs ORDER BY id"), [2, 3]);
    assert_eq!(spans("sw_version"), [2], "the span is cut to the kept runs");
    let open = common::bin::run(&["history", "findings", "--open", "-H", h, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&open)).unwrap();
    assert_eq!(v[0]["first_seen"].as_str(), Some(n1.as_str()));
    let all = common::bin::output(
        common::bin::fleetpoll()
            .env(fleetpoll::history::NOW_ENV, "2026-01-01T00:00:00.000Z")
            .args(["history", "prune", "--keep", "1d", "-H", h]),
    );
    assert_eq!(code(&all), 0);
    assert_eq!(
        ints(&db, "SELECT id FROM runs"),
        [3],
        "the latest run stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_inside_its_write_leaves_the_database_the_next_run_extends() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    let f = fleet(1).await;
    let one = poll(&f, dir.path(), &db, &night(1)).await;
    assert_eq!(one.code, 2, "{}", one.stderr);

    // Night 2 stops inside its transaction with its rows in the WAL file, and is killed.
    let mut cmd = poll_cmd(&f, dir.path(), &db, &night(2));
    cmd.env(fleetpoll::history::PAUSE_ENV, "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let paused = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .any(|l| l.contains(fleetpoll::history::PAUSED_LINE))
    });
    let wal = dir.path().join("history.sqlite-wal");
    let reached = tokio::time::timeout(std::time::Duration::from_secs(300), paused).await;
    let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(matches!(reached, Ok(Ok(true))), "the run never paused");
    assert!(wal_len > 0, "the uncommitted rows were not in the WAL file");

    // The killed run left nothing: one run, and the night-1 findings still open once.
    assert_eq!(ints(&db, "SELECT id FROM runs"), [1]);
    assert_eq!(
        ints(&db, "SELECT runs_open FROM issues ORDER BY id"),
        [1, 1]
    );

    // The next run opens and extends it: its findings are ongoing from night 1.
    let three = poll(&f, dir.path(), &db, &night(3)).await;
    f.shutdown().await;
    assert_eq!(three.code, 2, "{}", three.stderr);
    assert_eq!(ints(&db, "SELECT id FROM runs ORDER BY id"), [1, 2]);
    assert_eq!(
        statuses(&three),
        [
            (
                "asa-fo",
                "FAILOVER_NOT_READY",
                "ongoing",
                night(1).as_str(),
                "2"
            ),
            (
                "wae-1",
                "MAPI_NEAR_MAX_CONNECTIONS",
                "ongoing",
                night(1).as_str(),
                "2"
            ),
        ]
    );
    let check = sqlite(&db)
        .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_is_recorded_with_exit_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    let f = common::sim::fleet_of(&[
        ("ok-1", Platform::CiscoIos, Scenario::Healthy),
        ("hung-1", Platform::CiscoIos, Scenario::NoPrompt),
    ])
    .await;
    let inv = common::sim::inventory(
        &f,
        &dir.path().join("inv.yaml"),
        "{prompt: 10m, device: 1h}",
    );
    let mut child = common::bin::fleetpoll()
        .args(["-vv", "--log-format", "json", "poll", "-i"])
        .arg(&inv)
        .arg("-o")
        .arg(dir.path().join("health.csv"))
        .arg("--history")
        .arg(&db)
        .args(["--grace", "100ms"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let pid = child.id();
    // SIGINT once ok-1 is done (hung-1 never will be); then read stderr to its end.
    let sent = tokio::task::spawn_blocking(move || {
        let mut sent = false;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if !sent && line.contains("device done") && line.contains("ok-1") {
                let _ = std::process::Command::new("kill")
                    .args(["-INT", &pid.to_string()])
                    .status();
                sent = true;
            }
        }
        sent
    });
    let sent = tokio::time::timeout(std::time::Duration::from_secs(300), sent).await;
    if !matches!(sent, Ok(Ok(true))) {
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    f.shutdown().await;
    assert!(matches!(sent, Ok(Ok(true))), "never saw ok-1 done");
    assert_eq!(status.code(), Some(2));
    assert_eq!(ints(&db, "SELECT exit_status FROM runs"), [2]);
    let c = sqlite(&db);
    let mut st = c
        .prepare("SELECT d.name, p.poll_status FROM polls p JOIN devices d ON d.id = p.device_id ORDER BY d.name")
        .unwrap();
    let polls: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        polls,
        [
            ("hung-1".to_string(), "interrupted".to_string()),
            ("ok-1".to_string(), "polled".to_string())
        ]
    );
}

/// A poll that must stop before contacting anything: exit 3, `needle` in the message, and no
/// output written (the fleet's devices would log any command typed; none is).
async fn refused(db: &Path, extra: &[&str], needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let f = common::sim::fleet_of(&[("rtr-1", Platform::CiscoIos, Scenario::Healthy)]).await;
    let inv = common::sim::default_inventory(&f, &dir.path().join("inv.yaml"));
    let mut cmd = common::bin::fleetpoll();
    cmd.arg("poll")
        .arg("-i")
        .arg(&inv)
        .arg("-o")
        .arg(dir.path().join("health.csv"))
        .arg("--history")
        .arg(db)
        .args(extra);
    let out = common::bin::output_async(cmd).await;
    f.shutdown().await;
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let msg = stderr(&out);
    assert!(msg.contains(needle), "{msg}");
    assert!(
        msg.contains(&db.display().to_string()),
        "the message names the file: {msg}"
    );
    assert!(
        !dir.path().join("health.csv").exists(),
        "an output was written"
    );
    assert!(!msg.contains("devices in"), "the sweep ran: {msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_newer_or_foreign_history_is_refused_before_anything_is_contacted() {
    let dir = tempfile::tempdir().unwrap();
    // Locked: another writer holds the write lock for the whole attempt.
    let db = dir.path().join("locked.sqlite");
    let holder = sqlite(&db);
    holder
        .execute_batch("PRAGMA journal_mode = WAL; BEGIN IMMEDIATE; CREATE TABLE x (y);")
        .unwrap();
    refused(
        &db,
        &["--history-wait", "200ms"],
        "is locked by another fleetpoll",
    )
    .await;
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    // Newer: a schema version this build does not know.
    let db = dir.path().join("newer.sqlite");
    sqlite(&db)
        .execute_batch("CREATE TABLE schema_version (version INTEGER); INSERT INTO schema_version VALUES (99);")
        .unwrap();
    refused(&db, &[], "written by a newer fleetpoll (schema version 99").await;
    let q = common::bin::run(&["history", "runs", "-H", db.to_str().unwrap()]);
    assert_eq!(code(&q), 3);
    assert!(stderr(&q).contains("newer fleetpoll"), "{}", stderr(&q));

    // Foreign: some other SQLite database, and a file that is no database at all.
    let db = dir.path().join("other.sqlite");
    sqlite(&db)
        .execute_batch("CREATE TABLE accounts (id)")
        .unwrap();
    refused(&db, &[], "not a fleetpoll history database").await;
    let db = dir.path().join("garbage.sqlite");
    std::fs::write(&db, vec![b'x'; 4096]).unwrap();
    refused(&db, &[], "not an SQLite database").await;
    let q = common::bin::run(&["history", "findings", "--open", "-H", db.to_str().unwrap()]);
    assert_eq!(code(&q), 3);
    assert!(
        stderr(&q).contains("not an SQLite database"),
        "{}",
        stderr(&q)
    );

    // A folder that does not exist: cannot open.
    refused(&dir.path().join("no/such/dir/h.sqlite"), &[], "cannot open").await;
    // Missing for the queries.
    let q = common::bin::run(&[
        "history",
        "runs",
        "-H",
        dir.path().join("none.sqlite").to_str().unwrap(),
    ]);
    assert_eq!(code(&q), 3);
    assert!(stderr(&q).contains("no such file"), "{}", stderr(&q));
}
