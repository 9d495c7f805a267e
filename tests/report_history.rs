//! The HTML trend from a real run history: four simulated nights polled with `--history` and
//! `--html` (nights 24 h apart by the history's clock hook, never by waiting). Each night's
//! page has one chart point per stored run plus its own, its "new" badges are exactly the
//! findings.csv rows the history calls `new`, and `fleetpoll report --from … --history` draws
//! a past night with the runs before it only. In Chromium when it is installed.

mod common;

use common::bin::{code, stderr};
use common::browser::Browser;
use common::table;
use fleetpoll::sim::{RunningFleet, Scenario};
use fleetpoll::Platform;
use serde_json::json;
use std::path::{Path, PathBuf};

fn night(n: u32) -> String {
    format!("2025-03-{:02}T02:00:00.000Z", n)
}

/// rtr-vpn's crypto session is down on nights 2 and 3 (new, then ongoing) and back on night
/// 4; asa-fo's failover mate is failed every night; rtr-ok is healthy.
async fn fleet(n: u32) -> RunningFleet {
    let vpn = if n == 2 || n == 3 {
        Scenario::CryptoSessionDown
    } else {
        Scenario::Healthy
    };
    common::sim::fleet_of(&[
        ("rtr-vpn", Platform::CiscoIos, vpn),
        (
            "asa-fo",
            Platform::CiscoAsa,
            Scenario::FailoverStandbyFailed,
        ),
        ("rtr-ok", Platform::CiscoIos, Scenario::Healthy),
    ])
    .await
}

struct Night {
    page: String,
    jsonl: PathBuf,
    /// findings.csv rows whose status is `new`.
    new_rows: usize,
}

async fn poll(dir: &Path, db: &Path, n: u32) -> Night {
    let f = fleet(n).await;
    let nd = dir.join(format!("night-{n}"));
    std::fs::create_dir_all(&nd).unwrap();
    let inv = common::sim::default_inventory(&f, &nd.join("inv.yaml"));
    let (html, jsonl, findings) = (
        nd.join("report.html"),
        nd.join("health.jsonl"),
        nd.join("findings.csv"),
    );
    let mut c = common::bin::fleetpoll();
    c.env(fleetpoll::history::NOW_ENV, night(n)).args([
        "poll".as_ref(),
        "-i".as_ref(),
        inv.as_os_str(),
        "-o".as_ref(),
        nd.join("health.csv").as_os_str(),
        "-f".as_ref(),
        findings.as_os_str(),
        "--jsonl".as_ref(),
        jsonl.as_os_str(),
        "--html".as_ref(),
        html.as_os_str(),
        "--history".as_ref(),
        db.as_os_str(),
    ]);
    let out = common::bin::output_async(c).await;
    assert_eq!(code(&out), 2, "night {n}: {}", stderr(&out));
    let (h, rows) = table::read(&findings);
    let status = table::position(&h, "status");
    Night {
        page: std::fs::read_to_string(&html).unwrap(),
        jsonl,
        new_rows: rows.iter().filter(|r| &r[status] == "new").count(),
    }
}

/// Chart points of one series (`critical`, `warning`, `unknown`).
fn points(page: &str, series: &str) -> usize {
    let start = page
        .find(&format!("class=\"series s-{series}\""))
        .unwrap_or_else(|| panic!("no {series} series"));
    let end = page[start..].find("</g>").map_or(page.len(), |e| start + e);
    page[start..end].matches("class=\"pt\" data-run=").count()
}

fn new_badges(page: &str) -> usize {
    // In the findings table's row headers (the page's script holds the same markup once).
    page.matches("<span class=\"badge new\">new</span></th>")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_nights_page_has_one_point_per_stored_run_and_the_historys_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    let mut nights = Vec::new();
    for n in 1..=4 {
        let nt = poll(dir.path(), &db, n).await;
        for series in ["critical", "warning", "unknown"] {
            assert_eq!(
                points(&nt.page, series),
                n as usize,
                "night {n}, {series}: one point per stored run and tonight's"
            );
        }
        assert_eq!(new_badges(&nt.page), nt.new_rows, "night {n}");
        nights.push(nt);
    }
    // Night 1: everything is new; night 2: rtr-vpn's session only; nights 3 and 4: nothing.
    assert!(nights[0].new_rows >= 1, "{}", nights[0].new_rows);
    assert!(nights[1].new_rows >= 1);
    assert!(nights[1]
        .page
        .contains("rtr-vpn <span class=\"badge new\">new</span>"));
    assert!(!nights[1]
        .page
        .contains("asa-fo <span class=\"badge new\">new</span>"));
    assert_eq!((nights[2].new_rows, nights[3].new_rows), (0, 0));

    // Drawn afterwards from night 3's JSONL: the runs before night 3 only, though night 4 is
    // stored too, and the same new findings as on the night.
    let later = dir.path().join("night-3-again.html");
    let out = common::bin::run(&[
        "report",
        "--from",
        nights[2].jsonl.to_str().unwrap(),
        "--history",
        db.to_str().unwrap(),
        "--html",
        later.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let page = std::fs::read_to_string(&later).unwrap();
    assert_eq!(points(&page, "critical"), 3);
    assert_eq!(new_badges(&page), 0);
    let out = common::bin::run(&[
        "report",
        "--from",
        nights[1].jsonl.to_str().unwrap(),
        "-H",
        db.to_str().unwrap(),
        "--html",
        later.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let page = std::fs::read_to_string(&later).unwrap();
    assert_eq!(points(&page, "warning"), 2);
    assert_eq!(new_badges(&page), nights[1].new_rows);

    // A history that is not there is refused, and no page is written.
    let missing = dir.path().join("nope.sqlite");
    let none = dir.path().join("none.html");
    let out = common::bin::run(&[
        "report",
        "--from",
        nights[1].jsonl.to_str().unwrap(),
        "-H",
        missing.to_str().unwrap(),
        "--html",
        none.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("nope.sqlite"), "{}", stderr(&out));
    assert!(!none.exists());

    // In a browser: night 4's chart has four points per series and its rows sparklines of
    // the nights each device was in.
    let Some(b) = Browser::start() else { return };
    let path = dir.path().join("night-4").join("report.html");
    b.open(&path);
    for series in ["critical", "warning", "unknown"] {
        let v = b.exec(
            "return Array.from(document.querySelectorAll('#trend-chart .s-' + arguments[0] + ' .pt'), p => +p.dataset.run);",
            json!([series]),
        );
        assert_eq!(v, json!([0, 1, 2, 3]), "{series}");
    }
    let v = b.exec(
        "return Array.from(document.querySelectorAll('#devices-table tbody tr'), r => r.querySelector('td.spark polyline').getAttribute('points').split(' ').length);",
        json!([]),
    );
    assert_eq!(v, json!([4, 4, 4]));
    let problems: Vec<_> = b
        .console()
        .into_iter()
        .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
        .collect();
    assert!(problems.is_empty(), "console: {problems:?}");
}
