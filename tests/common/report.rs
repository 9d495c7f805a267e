//! The HTML report tests' shared material: the demo's output (run once per test process),
//! a 5,000-device JSONL and page made from it, and reading a page's data block. Files go to
//! `target/report-html-test/`, where a person can open them.

use super::bin::{code, run, stderr};
use super::browser::target_dir;
use fleetpoll::report::jsonl::Line;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where these tests leave what a person may open: `target/report-html-test/`.
pub fn out_dir() -> PathBuf {
    let d = target_dir().join("report-html-test");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The demo's folder (`fleetpoll -q demo`, run once per test process).
pub fn demo() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = out_dir().join("demo");
        let _ = std::fs::remove_dir_all(&dir);
        let o = run(&["-q", "demo", "--out-dir", dir.to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        dir
    })
}

pub fn demo_lines() -> Vec<Line> {
    fleetpoll::report::jsonl::read(&demo().join("health.jsonl")).unwrap()
}

/// The data block of a written sweep page.
pub fn data_block(page: &str) -> Value {
    let start = page
        .find("<script type=\"application/json\" id=\"fp-data\">")
        .expect("a data block");
    let rest = &page[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).unwrap()
}

pub fn codes_of(l: &Line) -> BTreeSet<String> {
    l.findings.iter().map(|f| f.code.clone()).collect()
}

/// A 5,000-device sweep: the demo's devices over and over, renamed, on 40 sites.
pub fn big_jsonl(path: &Path) {
    let demo = std::fs::read_to_string(demo().join("health.jsonl")).unwrap();
    let lines: Vec<Value> = demo
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..5000 {
        let mut v = lines[i % lines.len()].clone();
        let name = v["device"].as_str().unwrap().to_string();
        v["device"] = json!(format!("{name}-{i:04}"));
        v["site"] = json!(format!("site-{:02}", i % 40));
        v["host"] = json!(format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256));
        // The raw outputs are not what a page shows; a nightly JSONL has none by default.
        if let Some(cmds) = v["commands"].as_array_mut() {
            for c in cmds {
                c.as_object_mut().unwrap().remove("raw");
            }
        }
        serde_json::to_writer(&mut out, &v).unwrap();
        out.write_all(b"\n").unwrap();
    }
}

/// The 5,000-device page written by `fleetpoll report` (made once per test process).
pub fn big_page() -> &'static Path {
    static PAGE: OnceLock<PathBuf> = OnceLock::new();
    PAGE.get_or_init(|| {
        let dir = out_dir();
        let (jsonl, page) = (dir.join("big.jsonl"), dir.join("big.html"));
        big_jsonl(&jsonl);
        let o = run(&[
            "report",
            "--from",
            jsonl.to_str().unwrap(),
            "--html",
            page.to_str().unwrap(),
        ]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        page
    })
}
