//! `--limit` on a small two-site inventory: each operator, their precedence, unknown
//! selectors, and the warnings and errors of terms that select nothing.

use super::Limit;
use crate::inventory::{parse, Inventory};
use std::path::Path;

const INV: &str = "\
defaults: {username: u, password: p, platform: cisco_ios}
groups:
  dc1: {}
  dc2: {}
  lab: {}
  empty: {}
devices:
  - {name: core-1, host: h1, groups: [dc1], site: dc1, platform: cisco_xe, tags: [core]}
  - {name: core-2, host: h2, groups: [dc1, lab], site: dc1, platform: cisco_xe}
  - {name: fw-1, host: h3, groups: [dc1], site: dc1, platform: cisco_asa, tags: [dmz]}
  - {name: rtr-1, host: h4, groups: [dc2], site: dc2, platform: cisco_xe}
  - {name: wae-1, host: h5, groups: [dc2, lab], site: dc2, platform: cisco_waas}
";

fn inv() -> Inventory {
    parse(Path::new("inv.yaml"), INV).unwrap()
}

/// The names `expr` selects, and its warnings.
fn select(expr: &str) -> (Vec<String>, Vec<String>) {
    let (hosts, warnings) = Limit::parse(expr).unwrap().select(&inv()).unwrap();
    (hosts.into_iter().map(|h| h.name).collect(), warnings)
}

fn names(expr: &str) -> Vec<String> {
    let (n, w) = select(expr);
    assert_eq!(w, Vec::<String>::new(), "{expr}");
    n
}

/// The error of a limit that parses but cannot be applied to the inventory.
fn select_err(expr: &str) -> String {
    Limit::parse(expr)
        .unwrap()
        .select(&inv())
        .unwrap_err()
        .to_string()
}

fn parse_err(expr: &str) -> String {
    Limit::parse(expr).unwrap_err().to_string()
}

#[test]
fn plain_terms_are_a_union_in_inventory_order() {
    assert_eq!(names("fw-1,core-1"), ["core-1", "fw-1"]);
    assert_eq!(names("rtr-*,group:lab"), ["core-2", "rtr-1", "wae-1"]);
    assert_eq!(names("platform:cisco_asa,tag:core"), ["core-1", "fw-1"]);
    assert_eq!(names("site:dc2"), ["rtr-1", "wae-1"]);
}

#[test]
fn and_terms_intersect_and_start_from_every_device_alone() {
    assert_eq!(names("site:dc1,&platform:cisco_xe"), ["core-1", "core-2"]);
    assert_eq!(names("&platform:cisco_xe"), ["core-1", "core-2", "rtr-1"]);
    assert_eq!(names("group:dc1,&platform:cisco_xe,&tag:core"), ["core-1"]);
    assert_eq!(names("&group:lab,&site:dc2"), ["wae-1"]);
}

#[test]
fn not_terms_exclude_and_start_from_every_device_alone() {
    assert_eq!(names("!group:lab"), ["core-1", "fw-1", "rtr-1"]);
    assert_eq!(names("site:dc1,!fw-1"), ["core-1", "core-2"]);
    assert_eq!(names("!group:dc1,!wae-*"), ["rtr-1"]);
}

#[test]
fn union_then_intersection_then_exclusion_whatever_the_order() {
    let want = ["core-1"];
    assert_eq!(names("site:dc1,&platform:cisco_xe,!group:lab"), want);
    assert_eq!(names("!group:lab,&platform:cisco_xe,site:dc1"), want);
    assert_eq!(
        names(" site:dc1 , & platform:cisco_xe , ! group:lab "),
        want
    );
    // An exclusion wins over a plain term naming the same device.
    assert_eq!(names("core-1,core-2,!group:lab"), want);
    // An intersection narrows every plain term, not only the one before it.
    assert_eq!(names("fw-1,rtr-1,&site:dc2"), ["rtr-1"]);
}

#[test]
fn empty_terms_are_ignored() {
    assert_eq!(names(",,core-1,,fw-1,"), ["core-1", "fw-1"]);
    assert_eq!(parse_err(" , ,"), "--limit is empty");
}

#[test]
fn unknown_groups_sites_tags_and_names_are_errors_that_list_what_exists() {
    assert_eq!(
        select_err("group:dc9"),
        "--limit `group:dc9`: no group `dc9` in inv.yaml (groups: dc1, dc2, empty, lab)"
    );
    assert_eq!(
        select_err("site:dc1,!group:dc9"),
        "--limit `!group:dc9`: no group `dc9` in inv.yaml (groups: dc1, dc2, empty, lab)"
    );
    assert_eq!(
        select_err("site:hq"),
        "--limit `site:hq`: no site `hq` in inv.yaml (sites: dc1, dc2)"
    );
    assert_eq!(
        select_err("core-1,&tag:edge"),
        "--limit `&tag:edge`: no tag `edge` in inv.yaml (tags: core, dmz)"
    );
    assert_eq!(
        select_err("core-1,core-9"),
        "--limit `core-9`: no device named `core-9` in inv.yaml"
    );
    assert_eq!(
        select_err("site:dc1,!Core-1"),
        "--limit `!Core-1`: no device named `Core-1` in inv.yaml",
        "names are case-sensitive"
    );
}

#[test]
fn an_inventory_without_groups_sites_or_tags_says_so() {
    let bare = parse(
        Path::new("bare.yaml"),
        "defaults: {username: u, password: p, platform: cisco_ios}\ndevices:\n  - {name: a, host: h}\n",
    )
    .unwrap();
    let err = |e: &str| {
        Limit::parse(e)
            .unwrap()
            .select(&bare)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("group:x"),
        "--limit `group:x`: no group `x` in bare.yaml (it defines no groups)"
    );
    assert_eq!(
        err("site:x"),
        "--limit `site:x`: no site `x` in bare.yaml (no device has a site)"
    );
    assert_eq!(
        err("tag:x"),
        "--limit `tag:x`: no tag `x` in bare.yaml (no device has a tag)"
    );
}

#[test]
fn globs_platforms_and_empty_groups_that_match_nothing_only_warn() {
    assert_eq!(
        select("nope-*,core-1"),
        (
            vec!["core-1".to_string()],
            vec!["--limit term `nope-*` selects no device".to_string()]
        )
    );
    assert_eq!(
        select("group:empty,platform:cisco_ios,fw-1,!x?"),
        (
            vec!["fw-1".to_string()],
            vec![
                "--limit term `group:empty` selects no device".to_string(),
                "--limit term `platform:cisco_ios` selects no device".to_string(),
                "--limit term `!x?` selects no device".to_string(),
            ]
        )
    );
    // Not a char boundary at byte 1: the operator check must not slice there.
    assert_eq!(select("é*,fw-1").1, ["--limit term `é*` selects no device"]);
}

#[test]
fn a_limit_that_selects_no_device_is_an_error() {
    assert_eq!(
        select_err("group:empty"),
        "--limit `group:empty` selects none of the 5 devices in inv.yaml"
    );
    assert_eq!(
        select_err("site:dc1,&site:dc2"),
        "--limit `site:dc1,&site:dc2` selects none of the 5 devices in inv.yaml"
    );
    assert_eq!(
        select_err("group:lab,!core-2,!wae-1"),
        "--limit `group:lab,!core-2,!wae-1` selects none of the 5 devices in inv.yaml"
    );
}

#[test]
fn bare_operators_and_malformed_terms_are_refused() {
    assert_eq!(
        parse_err("&"),
        "--limit `&`: `&` needs a term after it, e.g. `&group:lab`"
    );
    assert_eq!(
        parse_err("core-1, !"),
        "--limit `!`: `!` needs a term after it, e.g. `!group:lab`"
    );
    assert_eq!(
        parse_err("&!lab"),
        "--limit `&!lab`: one operator per term: `&` (and) or `!` (not)"
    );
    assert_eq!(
        parse_err("group:"),
        "--limit `group:`: no group name after `group:`"
    );
    assert_eq!(
        parse_err("!site:"),
        "--limit `!site:`: no site name after `site:`"
    );
    assert_eq!(
        parse_err("colour:red"),
        "--limit `colour:red`: unknown selector `colour:` (use group:, platform:, site:, tag: or a name/glob)"
    );
    assert!(
        parse_err("&platform:junos").starts_with("--limit `&platform:junos`: "),
        "{}",
        parse_err("&platform:junos")
    );
}
