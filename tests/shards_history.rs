//! `merge --history`: the three nights of `tests/history.rs` (a peer failing and recovering,
//! IPsec errors growing, a reload, an unreachable WAE) swept each night twice, once by one
//! `poll --history` and once by two shards merged with `merge --history` into another
//! database; both histories read the same: the same new / ongoing / resolved rows, growth
//! finding, health and exit status. A merged run is recorded once: merging it again is refused.

mod common;

use common::bin::{code, stderr};
use common::nights::{fleet, night, playbook, poll, read_night};
use std::path::Path;

/// Sweep `inv` as shards `0/2` and `1/2` of run `run_id` into `out`.
async fn shards(inv: &Path, pb: &Path, out: &Path, run_id: &str) {
    for k in 0..2 {
        let mut c = common::bin::fleetpoll();
        c.arg("poll")
            .arg("-i")
            .arg(inv)
            .arg("-p")
            .arg(pb)
            .args([
                "--shard",
                &format!("{k}/2"),
                "--run-id",
                run_id,
                "--out-dir",
            ])
            .arg(out);
        let o = common::bin::output_async(c).await;
        assert_ne!(code(&o), 3, "shard {k}: {}", stderr(&o));
    }
}

fn merge(dir: &Path, inv: &Path, pb: &Path, db: &Path, at: &str) -> std::process::Output {
    let mut c = common::bin::fleetpoll();
    c.env(fleetpoll::history::NOW_ENV, at)
        .arg("merge")
        .arg(dir.join("run"))
        .arg("-i")
        .arg(inv)
        .arg("-p")
        .arg(pb)
        .arg("-o")
        .arg(dir.join("health.csv"))
        .arg("-f")
        .arg(dir.join("findings.csv"))
        .arg("--history")
        .arg(db);
    common::bin::output(&mut c)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merged_shards_are_recorded_as_one_unsharded_run_would_be_and_only_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, sharded) = (tmp.path().join("one"), tmp.path().join("sharded"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&sharded).unwrap();
    let (db_one, db_merged) = (
        tmp.path().join("one.sqlite"),
        tmp.path().join("merged.sqlite"),
    );
    let mut growth_seen = false;
    let mut resolved_seen = false;
    for n in 1..=3 {
        let f = fleet(n).await;
        let at = night(n);
        let want = poll(&f, &one, &db_one, &at).await;
        assert_ne!(want.code, 3, "{}", want.stderr);
        let inv = common::sim::default_inventory(&f, &sharded.join("inv.yaml"));
        let pb = playbook(&sharded);
        shards(&inv, &pb, &sharded.join("run"), &format!("night-{n}")).await;
        let out = merge(&sharded, &inv, &pb, &db_merged, &at);
        let got = read_night(&sharded, &out);
        assert_eq!(got.rows, want.rows, "night {n}: {}", got.stderr);
        assert_eq!(got.health, want.health, "night {n}");
        assert_eq!(got.code, want.code, "night {n}: {}", got.stderr);
        assert!(
            got.stderr
                .contains(&format!("merge of 2 shards, run night-{n}")),
            "{}",
            got.stderr
        );
        growth_seen |= got
            .rows
            .iter()
            .any(|r| r.0 == "rtr-err" && r.1 == "IPSEC_ERRORS_GROWING" && r.3 == "new");
        resolved_seen |= got.rows.iter().any(|r| r.3 == "resolved");
        if n == 3 {
            // The same merged run again: refused, the history and files as they were.
            let before = std::fs::read(sharded.join("findings.csv")).unwrap();
            let again = merge(&sharded, &inv, &pb, &db_merged, &at);
            assert_eq!(code(&again), 3);
            assert!(
                stderr(&again).contains("already recorded"),
                "{}",
                stderr(&again)
            );
            assert_eq!(std::fs::read(sharded.join("findings.csv")).unwrap(), before);
        }
    }
    assert!(
        growth_seen && resolved_seen,
        "the nights are not the ones of tests/history.rs"
    );
    let db = rusqlite::Connection::open(&db_merged).unwrap();
    let marks: Vec<String> = db
        .prepare("SELECT shard FROM runs ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        marks,
        (1..=3)
            .map(|n| format!("merge of 2 shards, run night-{n}"))
            .collect::<Vec<_>>()
    );
}
