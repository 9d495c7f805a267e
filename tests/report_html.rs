//! The HTML reports through the binary: `poll --html`, `report --from`, `snapshot --html`
//! and `diff --html` (pages written, unwritable pages refused before anything connects, exit
//! statuses as before), and the size of a 5,000-device page. The browser tests are in
//! tests/report_browser.rs.

mod common;

use common::bin::{code, run, run_async, stderr};
use common::report::{big_page, data_block};
use fleetpoll::sim::Scenario;
use fleetpoll::Platform;
use std::path::{Path, PathBuf};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poll_report_snapshot_and_diff_write_their_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s = |p: &Path| p.display().to_string();
    let fleet = common::sim::fleet_of(&[
        ("rtr-dc1-01", Platform::CiscoIos, Scenario::Healthy),
        ("asa-dc1-02", Platform::CiscoAsa, Scenario::IkePskMismatch),
        (
            "gone-dc2-03",
            Platform::CiscoIos,
            Scenario::RefuseConnection,
        ),
    ])
    .await;
    let inv = common::sim::default_inventory(&fleet, &dir.join("inv.yaml"));

    // An unwritable page is refused before anything connects, and nothing is written.
    let csv = dir.join("health.csv");
    let o = run_async([
        "poll".into(),
        "-i".into(),
        s(&inv),
        "-o".into(),
        s(&csv),
        "--html".into(),
        s(&dir.join("no-such-folder/report.html")),
    ])
    .await;
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("no-such-folder"), "{}", stderr(&o));
    assert!(!csv.exists());

    let (jsonl, page) = (dir.join("health.jsonl"), dir.join("report.html"));
    let o = run_async([
        "-q".into(),
        "poll".into(),
        "-i".into(),
        s(&inv),
        "-o".into(),
        s(&csv),
        "--jsonl".into(),
        s(&jsonl),
        "--html".into(),
        s(&page),
    ])
    .await;
    assert_eq!(code(&o), 2, "a device was not polled: {}", stderr(&o));
    let poll_page = std::fs::read_to_string(&page).unwrap();
    assert!(poll_page.contains("IKE_PSK_MISMATCH"));
    assert!(poll_page.contains("<code>fleetpoll poll</code>"));
    // The page drawn later from the JSONL holds the same device rows and the same header.
    let later = dir.join("later.html");
    let o = run(&["report", "--from", &s(&jsonl), "--html", &s(&later)]);
    assert_eq!(code(&o), 2, "exit status as poll's: {}", stderr(&o));
    let report_page = std::fs::read_to_string(&later).unwrap();
    assert_eq!(data_block(&report_page), data_block(&poll_page));
    let header = |p: &str| p[p.find("<header").unwrap()..p.find("</header>").unwrap()].to_string();
    assert_eq!(header(&report_page), header(&poll_page));
    let rows = data_block(&poll_page)["rows"].as_array().unwrap().len();
    assert_eq!(rows, 3);
    assert_eq!(
        code(&run(&[
            "report",
            "--from",
            &s(&dir.join("none.jsonl")),
            "--html",
            &s(&later)
        ])),
        3
    );
    assert_eq!(
        code(&run(&[
            "report",
            "--from",
            &s(&jsonl),
            "--html",
            &s(&dir.join("x/y.html"))
        ])),
        3
    );

    // snapshot --html names the snapshot and its manifest hash; diff --html shows both.
    let snap = |name: &str, inv: PathBuf| {
        let (out, html) = (dir.join(name), dir.join(format!("{name}.html")));
        let args = vec![
            "snapshot".to_string(),
            "-i".into(),
            s(&inv),
            "--out-dir".into(),
            s(&out),
            "--html".into(),
            s(&html),
        ];
        async move {
            let o = run_async(args).await;
            assert_eq!(code(&o), 2, "{}", stderr(&o));
            let err = stderr(&o);
            let sha = err
                .lines()
                .find_map(|l| l.strip_prefix("manifest sha256 "))
                .and_then(|l| l.split_whitespace().next())
                .unwrap_or_else(|| panic!("no manifest hash in {err}"))
                .to_string();
            let page = std::fs::read_to_string(&html).unwrap();
            assert!(
                page.contains(&sha),
                "the snapshot page shows its manifest hash"
            );
            (out, sha)
        }
    };
    let (before, sha_b) = snap("before", inv.clone()).await;
    fleet.shutdown().await;
    let fleet = common::sim::fleet_of(&[
        ("rtr-dc1-01", Platform::CiscoIos, Scenario::PeerDown),
        ("asa-dc1-02", Platform::CiscoAsa, Scenario::IkePskMismatch),
        (
            "gone-dc2-03",
            Platform::CiscoIos,
            Scenario::RefuseConnection,
        ),
    ])
    .await;
    let inv2 = common::sim::default_inventory(&fleet, &dir.join("inv2.yaml"));
    let (after, sha_a) = snap("after", inv2).await;
    fleet.shutdown().await;
    let diff_page = dir.join("diff.html");
    let o = run(&[
        "diff",
        &s(&before),
        &s(&after),
        "--html",
        &s(&dir.join("x/d.html")),
    ]);
    assert_eq!(code(&o), 3, "an unwritable page is refused first");
    let o = run(&["diff", &s(&before), &s(&after), "--html", &s(&diff_page)]);
    assert_eq!(code(&o), 2, "rtr-dc1-01 lost its peer: {}", stderr(&o));
    let d = std::fs::read_to_string(&diff_page).unwrap();
    assert!(
        d.contains(&sha_b) && d.contains(&sha_a),
        "both manifest hashes"
    );
    assert!(d.contains(">rtr-dc1-01 <span class=\"badge sev-regression\">"));
    assert!(!d.contains("<script"), "the diff page needs no script");
}

#[test]
fn a_five_thousand_device_page_is_under_5_mb() {
    let page = big_page();
    let size = std::fs::metadata(page).unwrap().len();
    println!(
        "5,000-device page: {size} bytes ({:.2} MB)",
        size as f64 / 1e6
    );
    assert!(size < 5_000_000, "{size} bytes");
    let text = std::fs::read_to_string(page).unwrap();
    assert_eq!(data_block(&text)["rows"].as_array().unwrap().len(), 5000);
}
