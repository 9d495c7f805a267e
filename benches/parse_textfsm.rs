//! The TextFSM path over ntc-templates' Cisco test cases (`../shared/ntc-templates/tests`, or
//! `$FLEETPOLL_NTC_TESTS`): every raw output parsed with the built-in templates through
//! `parse::textfsm::rows`, as `fleetpoll parse --textfsm` does. Prints the first pass (index
//! lookups plus compiling each template once) apart from the passes after it (templates
//! compiled, as every device after the first of a run sees them).
//!
//! `cargo bench --bench parse_textfsm`

use fleetpoll::parse::textfsm::{rows, Library};
use fleetpoll::Platform;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn cases(root: &Path) -> Vec<(Platform, String, String)> {
    let mut out = Vec::new();
    let dirs = |p: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(p)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        v.sort();
        v
    };
    for plat in dirs(root) {
        let Some(platform) = plat
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<Platform>().ok())
        else {
            continue;
        };
        for cmd in dirs(&plat) {
            let command = cmd.file_name().unwrap().to_string_lossy().replace('_', " ");
            for f in dirs(&cmd) {
                if f.extension().is_some_and(|e| e == "raw") {
                    let text = std::fs::read_to_string(&f).unwrap();
                    out.push((platform, command.clone(), text));
                }
            }
        }
    }
    out
}

fn pass(lib: &Library, cases: &[(Platform, String, String)]) -> usize {
    let mut n = 0;
    for (p, c, t) in cases {
        n += black_box(
            rows(lib, *p, c, black_box(t))
                .map(|t| t.rows.len())
                .unwrap_or(0),
        );
    }
    n
}

fn main() {
    let root = std::env::var_os("FLEETPOLL_NTC_TESTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/ntc-templates"))
        .join("tests");
    let cases = cases(&root);
    if cases.is_empty() {
        println!(
            "parse_textfsm: no ntc-templates tests at {}: nothing to measure",
            root.display()
        );
        return;
    }
    let bytes: usize = cases.iter().map(|(_, _, t)| t.len()).sum();
    let lib = Library::embedded().unwrap();
    let t = Instant::now();
    let rows_n = pass(&lib, &cases);
    let first = t.elapsed();
    let mut runs: Vec<Duration> = Vec::new();
    let started = Instant::now();
    while runs.len() < 5 || (started.elapsed() < Duration::from_secs(3) && runs.len() < 100) {
        let t = Instant::now();
        assert_eq!(pass(&lib, &cases), rows_n);
        runs.push(t.elapsed());
    }
    runs.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    // The 10th percentile: on a shared machine the median includes waits for a core.
    let p10 = runs[runs.len() / 10];
    let median = runs[runs.len() / 2];
    println!(
        "parse_textfsm: {} cases, {:.2} MiB, {rows_n} rows; first pass (compiling templates) {:.1} ms; \
         then {} passes: p10 {:.1} ms ({:.0} µs/case, {:.1} MB/s), median {:.1} ms",
        cases.len(),
        bytes as f64 / (1024.0 * 1024.0),
        ms(first),
        runs.len(),
        ms(p10),
        p10.as_secs_f64() * 1e6 / cases.len() as f64,
        bytes as f64 / 1e6 / p10.as_secs_f64(),
        ms(median),
    );
}
