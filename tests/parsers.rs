//! The fixture harness for every parser.
//!
//! Layout: `tests/fixtures/<platform>/<command words joined by _>/<case>.txt`, with beside it
//! either `<case>.json` (the expected record, `serde_json::to_string_pretty(&Record::..)`, with
//! its `"record"` tag) or `<case>.error` (the case must fail to parse, with an error message
//! containing that file's text). The command is the folder name with `_` read as spaces and is
//! resolved with `fleetpoll::parse::lookup`, so `show_crypto_ipsec_sa_detail` finds the
//! `show crypto ipsec sa` parser when that one takes arguments.
//!
//! Meta-tests: every registered parser has, for every platform it serves, fixture folders with
//! at least three cases; every fixture folder resolves to a registered parser; every case has
//! exactly one expectation file.
//!
//! `FLEETPOLL_BLESS=cisco_ios/show_version,cisco_asa/show_clock cargo test --test parsers`
//! writes the `.json` of cases in the named folders (label prefixes; `all` for every folder)
//! that have neither a `.json` nor an `.error` (never overwriting one); every blessed file must
//! then be read and checked by hand.

mod common;

use fleetpoll::parse::{lookup, registry, Record};
use fleetpoll::Platform;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

const MIN_CASES: usize = 3;

fn fixtures_root() -> PathBuf {
    common::fixtures::local()
}

/// One `<platform>/<command_dir>` folder.
struct Folder {
    platform_dir: String,
    command_dir: String,
    path: PathBuf,
}

impl Folder {
    fn command(&self) -> String {
        self.command_dir.replace('_', " ")
    }
    fn label(&self) -> String {
        format!("{}/{}", self.platform_dir, self.command_dir)
    }
    /// Case names (file stems of the `.txt` files), sorted.
    fn cases(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.path)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                    .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

fn folders() -> Vec<Folder> {
    let mut out = Vec::new();
    let Ok(plats) = std::fs::read_dir(fixtures_root()) else {
        return out;
    };
    for p in plats.flatten().filter(|e| e.path().is_dir()) {
        let Ok(cmds) = std::fs::read_dir(p.path()) else {
            continue;
        };
        for c in cmds.flatten().filter(|e| e.path().is_dir()) {
            out.push(Folder {
                platform_dir: p.file_name().to_string_lossy().into_owned(),
                command_dir: c.file_name().to_string_lossy().into_owned(),
                path: c.path(),
            });
        }
    }
    out.sort_by_key(|f| f.label());
    out
}

fn read_lossy(p: &Path) -> std::io::Result<String> {
    std::fs::read(p).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Differences between two JSON values, one line per differing path.
fn json_diff(path: &str, ours: &Value, expected: &Value, out: &mut Vec<String>) {
    match (ours, expected) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => json_diff(&p, x, y, out),
                    (Some(x), None) => out.push(format!("  {p}: ours {x}, not in expected")),
                    (None, Some(y)) => out.push(format!("  {p}: missing from ours, expected {y}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "  {path}: ours has {} items, expected {}",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                json_diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (a, b) if a == b => {}
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) => out.push(format!("  {path}: ours {a}, expected {b}")),
    }
}

/// Run one case; `Err` describes the failure.
fn run_case(folder: &Folder, case: &str, bless: bool) -> Result<(), String> {
    let platform = Platform::from_str(&folder.platform_dir)?;
    let spec = lookup(platform, &folder.command()).ok_or_else(|| {
        format!(
            "no parser for {} `{}`",
            folder.platform_dir,
            folder.command()
        )
    })?;
    let txt = folder.path.join(format!("{case}.txt"));
    let json_path = folder.path.join(format!("{case}.json"));
    let err_path = folder.path.join(format!("{case}.error"));
    let input = read_lossy(&txt).map_err(|e| format!("{}: {e}", txt.display()))?;
    let parse = spec.parse;
    let result = std::panic::catch_unwind(|| parse(&input))
        .map_err(|_| format!("parser `{}` PANICKED", spec.name))?;

    match (json_path.is_file(), err_path.is_file()) {
        (true, true) => Err("both a .json and an .error expectation".into()),
        (false, true) => {
            let want = read_lossy(&err_path).map_err(|e| e.to_string())?;
            let want = want.trim();
            match result {
                Ok(r) => Err(format!(
                    "expected a parse error containing {want:?}, got a record:\n{}",
                    serde_json::to_string_pretty(&r).unwrap_or_default()
                )),
                Err(e) if e.to_string().contains(want) => Ok(()),
                Err(e) => Err(format!("error `{e}` does not contain {want:?}")),
            }
        }
        (true, false) => {
            let record = result.map_err(|e| format!("parser `{}` failed: {e}", spec.name))?;
            let text = read_lossy(&json_path).map_err(|e| e.to_string())?;
            let expected: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{}: bad JSON: {e}", json_path.display()))?;
            let ours = serde_json::to_value(&record).map_err(|e| e.to_string())?;
            let mut diffs = Vec::new();
            json_diff("", &ours, &expected, &mut diffs);
            if !diffs.is_empty() {
                return Err(format!(
                    "parser `{}` output differs from {case}.json:\n{}",
                    spec.name,
                    diffs.join("\n")
                ));
            }
            // The expected file must read back into the same record (serde round trip).
            let back: Record = serde_json::from_value(expected)
                .map_err(|e| format!("{case}.json does not deserialize into a Record: {e}"))?;
            if back != record {
                return Err(format!(
                    "{case}.json deserializes into a different record than parsed"
                ));
            }
            Ok(())
        }
        (false, false) => {
            if !bless {
                return Err(
                    "no .json or .error expectation (FLEETPOLL_BLESS=<platform>/<command_dir> writes the .json)"
                        .into(),
                );
            }
            let record =
                result.map_err(|e| format!("parser `{}` failed, cannot bless: {e}", spec.name))?;
            let mut text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
            text.push('\n');
            std::fs::write(&json_path, text).map_err(|e| e.to_string())?;
            println!("blessed {} (check it by hand)", json_path.display());
            Ok(())
        }
    }
}

#[test]
fn fixtures_parse_as_expected() {
    let bless_list = std::env::var("FLEETPOLL_BLESS").unwrap_or_default();
    let blessed = |label: &str| {
        bless_list
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .any(|p| p == "all" || label.starts_with(p))
    };
    let mut failures = Vec::new();
    let mut passed = 0;
    for folder in folders() {
        let resolves = Platform::from_str(&folder.platform_dir)
            .ok()
            .and_then(|p| lookup(p, &folder.command()))
            .is_some();
        if !resolves {
            // Reported by `every_fixture_folder_resolves_to_a_parser`.
            continue;
        }
        for case in folder.cases() {
            match run_case(&folder, &case, blessed(&folder.label())) {
                Ok(()) => passed += 1,
                Err(e) => failures.push(format!("{}/{case}: {e}", folder.label())),
            }
        }
    }
    for f in &failures {
        println!("FAILED {f}\n");
    }
    println!("fixtures: {passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} fixture cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_folder_resolves_to_a_parser() {
    let mut problems = Vec::new();
    for folder in folders() {
        let Ok(p) = Platform::from_str(&folder.platform_dir) else {
            problems.push(format!(
                "{}: `{}` is not a platform id",
                folder.label(),
                folder.platform_dir
            ));
            continue;
        };
        if lookup(p, &folder.command()).is_none() {
            problems.push(format!(
                "{}: no registered parser for {} `{}`",
                folder.label(),
                folder.platform_dir,
                folder.command()
            ));
        }
        // Every case has exactly one expectation, and no expectation lacks its case.
        let cases = folder.cases();
        for e in std::fs::read_dir(&folder.path)
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = e.path();
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let ext = path
                .extension()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match ext.as_str() {
                "txt" => {}
                "json" | "error" if cases.contains(&stem) => {}
                "json" | "error" => problems.push(format!(
                    "{}: {stem}.{ext} has no {stem}.txt",
                    folder.label()
                )),
                _ => problems.push(format!(
                    "{}: unexpected file {}",
                    folder.label(),
                    path.display()
                )),
            }
        }
        if cases.is_empty() {
            problems.push(format!("{}: no cases", folder.label()));
        }
    }
    assert!(
        problems.is_empty(),
        "fixture folder problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_registered_parser_has_three_fixture_cases_per_platform() {
    // (parser name, platform id) -> number of cases in folders that resolve to that parser.
    let mut counts: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    for folder in folders() {
        let Ok(p) = Platform::from_str(&folder.platform_dir) else {
            continue;
        };
        let Some(spec) = lookup(p, &folder.command()) else {
            continue;
        };
        // `cisco_xe` folders count for the IOS-family parser they resolve to.
        *counts.entry((spec.name, p.family().id())).or_default() += folder.cases().len();
    }
    let mut missing = Vec::new();
    for spec in registry() {
        for plat in spec.platforms {
            let n = counts.get(&(spec.name, plat.id())).copied().unwrap_or(0);
            if n < MIN_CASES {
                missing.push(format!(
                    "parser `{}` (`{}`) on {}: {n} fixture cases, need {MIN_CASES} under tests/fixtures/{}/{}/",
                    spec.name,
                    spec.command,
                    plat.id(),
                    plat.id(),
                    spec.command.replace(' ', "_")
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "parsers without enough fixtures:\n{}",
        missing.join("\n")
    );
}

#[test]
fn json_diff_reports_paths() {
    let a = serde_json::json!({"x": 1, "y": [1, 2], "z": {"k": "a"}});
    let b = serde_json::json!({"x": 1.0, "y": [1], "z": {"k": "b"}, "w": null});
    let mut d = Vec::new();
    json_diff("", &a, &b, &mut d);
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(d.iter().any(|l| l.contains(".z.k")));
    assert!(d.iter().any(|l| l.contains(".w")));
    assert!(d.iter().any(|l| l.contains(".y")));
}
