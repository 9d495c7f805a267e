//! ntc-templates' own test cases through the TextFSM path of `fleetpoll parse --textfsm`
//! (`parse::textfsm::rows` with the built-in templates): every `tests/<platform>/<command>/
//! <name>.raw` under `../shared/ntc-templates` (or `$FLEETPOLL_NTC_TESTS`) is parsed and its
//! rows compared strictly (same rows, same order, same fields, same values) with
//! `parsed_sample` of `<name>.yml`. The pass rate may not drop below [`MIN_PASS_RATE`], and
//! every case that fails must be listed with its reason in `known_failures.txt` (and every
//! listed case must still fail, so the list stays true). The suite is absent on a machine
//! without `shared/`: the test then prints a note and passes.

#[path = "../common/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

use fleetpoll::parse::textfsm::{library, Library};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The strict pass rate reached (percent); README "TextFSM" quotes it.
const MIN_PASS_RATE: f64 = 100.0;

fn shared() -> PathBuf {
    std::env::var_os("FLEETPOLL_NTC_TESTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/ntc-templates"))
}

/// `known_failures.txt`: `<platform>/<command>/<name>.raw<TAB>reason`, `#` comments.
fn known_failures() -> BTreeMap<String, String> {
    let text = include_str!("known_failures.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (case, why) = l.split_once('\t').unwrap_or((l, ""));
            assert!(
                !why.trim().is_empty(),
                "known failure without a reason: {l}"
            );
            (case.trim().to_string(), why.trim().to_string())
        })
        .collect()
}

/// Why one case fails, or `None` when it passes.
fn check(lib: &Library, case: &fixtures::Case) -> Option<String> {
    let Some(platform) = case.platform else {
        return Some("platform folder is not a fleetpoll platform".into());
    };
    let raw = std::fs::read_to_string(&case.path).unwrap();
    let yml = std::fs::read_to_string(case.path.with_extension("yml")).unwrap();
    let doc: serde_json::Value = serde_yaml::from_str(&yml).unwrap();
    let want = doc.get("parsed_sample").cloned().unwrap_or_default();
    let got = match fleetpoll::parse::textfsm::rows(lib, platform, &case.command, &raw) {
        Ok(t) => t.rows_json(),
        Err(e) => return Some(format!("error: {e}")),
    };
    if got == want {
        return None;
    }
    let (g, w) = (
        got.as_array().unwrap(),
        want.as_array().cloned().unwrap_or_default(),
    );
    if g.len() != w.len() {
        return Some(format!("{} rows, expected {}", g.len(), w.len()));
    }
    let (i, (a, b)) = g
        .iter()
        .zip(&w)
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .unwrap();
    Some(format!("row {i}: got {a}, expected {b}"))
}

#[test]
fn ntc_templates_suite_passes_strictly() {
    let root = shared();
    let cases = fixtures::cases(&root.join("tests"), "raw");
    if cases.is_empty() {
        eprintln!(
            "textfsm conformance: note: no ntc-templates tests at {}",
            root.display()
        );
        return;
    }
    let lib = Library::embedded().unwrap();
    let known = known_failures();
    let mut failed = Vec::new();
    for case in &cases {
        let name = case.path.strip_prefix(root.join("tests")).unwrap();
        let name = name.to_string_lossy().replace('\\', "/");
        if let Some(why) = check(&lib, case) {
            failed.push((name, why));
        }
    }
    let passed = cases.len() - failed.len();
    let rate = 100.0 * passed as f64 / cases.len() as f64;
    eprintln!(
        "textfsm conformance: {passed}/{} strict ({rate:.2} %), {} known failure(s)",
        cases.len(),
        known.len()
    );
    let unlisted: Vec<_> = failed
        .iter()
        .filter(|(n, _)| !known.contains_key(n))
        .collect();
    assert!(
        unlisted.is_empty(),
        "failing cases not in known_failures.txt: {unlisted:#?}"
    );
    let fixed: Vec<_> = known
        .keys()
        .filter(|k| !failed.iter().any(|(n, _)| n == *k))
        .collect();
    assert!(
        fixed.is_empty(),
        "listed in known_failures.txt but passing (remove them): {fixed:?}"
    );
    assert!(
        rate >= MIN_PASS_RATE,
        "strict pass rate {rate:.2} % < {MIN_PASS_RATE} %"
    );
}

/// The vendored templates are the shared ones, byte for byte, and the vendored index is the
/// shared index's Cisco lines.
#[test]
fn vendored_templates_match_the_shared_copy() {
    let dir = shared().join("templates");
    if !dir.is_dir() {
        eprintln!(
            "textfsm conformance: note: no ntc-templates at {}",
            dir.display()
        );
        return;
    }
    let vendored = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/ntc");
    let mut n = 0;
    for name in library::embedded_names().filter(|n| n.ends_with(".textfsm")) {
        let a = std::fs::read(vendored.join(name)).unwrap();
        let b = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(a == b, "{name} differs from the shared copy");
        n += 1;
    }
    let cisco = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| {
                ["cisco_ios_", "cisco_xe_", "cisco_asa_"]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .map(str::to_string)
            .collect()
    };
    let ours = cisco(&std::fs::read_to_string(vendored.join("index")).unwrap());
    let theirs = cisco(&std::fs::read_to_string(dir.join("index")).unwrap());
    assert_eq!(ours, theirs);
    let shared_templates = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_string_lossy();
            n.ends_with(".textfsm")
        })
        .count();
    assert_eq!(
        n, shared_templates,
        "every shared Cisco template is vendored"
    );
}
