use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:05}")).collect()
}

#[test]
fn k_over_n_parses_and_checks_its_range() {
    assert_eq!(
        Shard::parse("3/10"),
        Ok(Shard {
            index: 3,
            count: 10
        })
    );
    assert_eq!(Shard::parse(" 0/1 "), Ok(Shard { index: 0, count: 1 }));
    assert_eq!(
        Shard::parse("10/10"),
        Err(ShardError::Range {
            index: 10,
            count: 10
        })
    );
    assert!(matches!(Shard::parse("0/0"), Err(ShardError::Range { .. })));
    assert!(matches!(Shard::parse("3"), Err(ShardError::Syntax(_))));
    assert!(matches!(Shard::parse("a/3"), Err(ShardError::Syntax(_))));
    assert_eq!(
        Shard::from_index_env(4, Some("2")),
        Ok(Shard { index: 2, count: 4 })
    );
    assert_eq!(
        Shard::from_index_env(4, None),
        Err(ShardError::NoIndex { count: 4 })
    );
    assert!(matches!(
        Shard::from_index_env(4, Some("x")),
        Err(ShardError::BadIndex { .. })
    ));
    assert!(matches!(
        Shard::from_index_env(4, Some("4")),
        Err(ShardError::Range { .. })
    ));
}

#[test]
fn the_folder_name_round_trips() {
    let s = Shard::new(7, 12).unwrap();
    assert_eq!(s.folder(), "shard-7-of-12");
    assert_eq!(Shard::from_folder("shard-7-of-12"), Some(s));
    assert_eq!(Shard::from_folder("shard-12-of-12"), None);
    assert_eq!(Shard::from_folder("shard-x-of-2"), None);
    assert_eq!(Shard::from_folder("merged"), None);
}

#[test]
fn the_hash_is_pinned() {
    // Shards and merges from different builds must agree: these values may never change.
    let got: Vec<u32> = ["rtr-1", "rtr-2", "fw-dc1-a", "site=ams"]
        .iter()
        .map(|k| owner(k, 10))
        .collect();
    assert_eq!(got, [0, 1, 3, 0]);
}

#[test]
fn shards_are_roughly_even() {
    let n = 10u32;
    let mut counts = vec![0u32; n as usize];
    for k in names("rtr", 10_000) {
        counts[owner(&k, n) as usize] += 1;
    }
    // 1,000 expected per shard; a fair hash stays well within ±20 %.
    for (i, c) in counts.iter().enumerate() {
        assert!((800..=1200).contains(c), "shard {i} got {c}: {counts:?}");
    }
}

#[test]
fn one_more_shard_moves_only_what_the_new_shard_takes() {
    let keys = names("dev", 5_000);
    for n in 1..12u32 {
        for k in &keys {
            let before = owner(k, n);
            let after = owner(k, n + 1);
            assert!(
                after == before || after == n,
                "{k}: {before}/{n} went to {after}/{} instead of staying or going to the new shard",
                n + 1
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// For any fleet and any N: the union of the shards is the fleet, each device in exactly
    /// one shard.
    #[test]
    fn every_device_is_in_exactly_one_shard(
        fleet in proptest::collection::btree_set("[a-z]{1,6}-[0-9]{1,4}", 1..300),
        n in 1u32..64,
    ) {
        let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
        for shard in 0..n {
            for d in fleet.iter().filter(|d| owner(d, n) == shard) {
                prop_assert!(seen.insert(d.as_str(), shard).is_none(), "{} twice", d);
            }
        }
        let union: BTreeSet<&str> = seen.keys().copied().collect();
        let all: BTreeSet<&str> = fleet.iter().map(String::as_str).collect();
        prop_assert_eq!(union, all);
    }

    /// Adding a device to the inventory moves no other device.
    #[test]
    fn adding_a_device_moves_only_that_device(
        fleet in proptest::collection::btree_set("[a-z]{1,6}-[0-9]{1,4}", 1..200),
        new in "[a-z]{1,6}-[0-9]{1,4}",
        n in 1u32..40,
    ) {
        // The owners as computed for the fleet, then for the fleet with one more device.
        let before: Vec<u32> = fleet.iter().map(|d| owner(d, n)).collect();
        let mut grown: Vec<&String> = fleet.iter().collect();
        grown.push(&new);
        let after: Vec<u32> = grown.iter().map(|d| owner(d, n)).collect();
        prop_assert_eq!(&after[..before.len()], &before[..]);
        prop_assert!(after[before.len()] < n);
    }
}

/// A loaded inventory with sites, to shard real hosts.
fn inventory(dir: &std::path::Path) -> crate::inventory::Inventory {
    let mut s = String::from("defaults:\n  username: u\n  password: {file: pw}\ndevices:\n");
    for site in ["ams", "fra", "lon", "nyc", "sfo", "sin"] {
        for i in 0..7 {
            s.push_str(&format!(
                "  - {{name: {site}-rtr-{i}, host: 192.0.2.{}, platform: cisco_ios, site: {site}}}\n",
                i + 1
            ));
        }
    }
    s.push_str("  - {name: lonely, host: 192.0.2.99, platform: cisco_asa}\n");
    std::fs::write(dir.join("pw"), "secret").unwrap();
    let p = dir.join("inv.yaml");
    std::fs::write(&p, s).unwrap();
    crate::inventory::load(&p).unwrap()
}

#[test]
fn shard_by_site_keeps_each_site_on_one_shard_and_covers_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(dir.path());
    let hosts: Vec<Host> = inv.hosts.clone();
    for n in 1..9u32 {
        let mut site_owner: BTreeMap<String, u32> = BTreeMap::new();
        let mut count = 0;
        for k in 0..n {
            for h in hosts.iter().filter(|h| owner_of(h, ShardBy::Site, n) == k) {
                count += 1;
                if let Some(site) = &h.site {
                    let prev = site_owner.insert(site.clone(), k);
                    assert!(
                        prev.is_none() || prev == Some(k),
                        "site {site} split over shards {prev:?} and {k} of {n}"
                    );
                }
            }
        }
        assert_eq!(count, hosts.len(), "N={n}: every device exactly once");
    }
    // The device with no site is sharded by its name.
    let lonely = hosts.iter().find(|h| h.name == "lonely").unwrap();
    assert_eq!(ShardBy::Site.key(lonely), "name=lonely");
    assert_eq!(ShardBy::Name.key(lonely), "name=lonely");
    let ams = hosts.iter().find(|h| h.name == "ams-rtr-0").unwrap();
    assert_eq!(ShardBy::Site.key(ams), "site=ams");
    assert_eq!(ShardBy::Platform.key(ams), "platform=cisco_ios");
}

#[test]
fn select_keeps_inventory_order_and_the_shards_partition_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let full = crate::plan::from_parts(inventory(dir.path()), health(), None).unwrap();
    let all: Vec<String> = full.hosts.iter().map(|h| h.name.clone()).collect();
    let n = 4;
    let mut union = Vec::new();
    for k in 0..n {
        let plan = crate::plan::from_parts(inventory(dir.path()), health(), None).unwrap();
        let part = select(plan, Shard::new(k, n).unwrap(), ShardBy::Name);
        let names: Vec<String> = part.jobs.iter().map(|j| j.host.name.clone()).collect();
        let hosts: Vec<String> = part.hosts.iter().map(|h| h.name.clone()).collect();
        assert_eq!(names, hosts);
        // In inventory order: a subsequence of the whole.
        let mut it = all.iter();
        assert!(names.iter().all(|n| it.any(|a| a == n)), "{names:?}");
        union.extend(names);
    }
    union.sort();
    let mut expected = all.clone();
    expected.sort();
    assert_eq!(union, expected);
}

#[test]
fn the_inventory_hash_is_stable_and_changes_with_the_devices() {
    let dir = tempfile::tempdir().unwrap();
    let a = crate::plan::from_parts(inventory(dir.path()), health(), None).unwrap();
    let b = crate::plan::from_parts(inventory(dir.path()), health(), None).unwrap();
    assert_eq!(inventory_hash(&a.hosts), inventory_hash(&b.hosts));
    assert_ne!(inventory_hash(&a.hosts), inventory_hash(&a.hosts[1..]));
}

fn health() -> crate::playbook::Playbook {
    crate::playbook::builtin::HEALTH.parse().unwrap()
}
