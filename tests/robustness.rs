//! Robustness: no registered parser may panic, whatever it is given.
//!
//! Inputs, all run through every parser in `fleetpoll::parse::registry()`:
//! - arbitrary strings, and arbitrary bytes read as lossy UTF-8;
//! - "Cisco-ish" lines assembled from the words, numbers and punctuation real outputs use, so
//!   that the parsers get past their first regex and into their field handling;
//! - every fixture text under `tests/fixtures/` mutated: lines dropped, duplicated, shuffled,
//!   cut mid-line, CRLF / lone CR inserted, digits blown up to huge numbers, junk lines added;
//! - deterministically, every fixture cut after each line and with each line dropped, through
//!   the parser of its own folder.
//!
//! A panic is caught with `catch_unwind` and reported with the parser's name and the input.
//! Case counts are kept moderate (the CI machine has 2 cores); `PROPTEST_CASES` raises them.

mod common;

use fleetpoll::parse::{lookup, registry, ParserSpec};
use proptest::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

fn show(input: &str) -> String {
    let d = format!("{input:?}");
    if d.len() > 3000 {
        format!(
            "{}... ({} bytes)",
            &d[..d.char_indices().nth(2900).map_or(d.len(), |(i, _)| i)],
            input.len()
        )
    } else {
        d
    }
}

/// Run one parser; a panic becomes an error naming the parser and the input.
fn no_panic(spec: &ParserSpec, input: &str) -> Result<(), String> {
    let parse = spec.parse;
    match catch_unwind(AssertUnwindSafe(|| parse(input))) {
        Ok(_) => Ok(()),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!(
                "parser `{}` (`{}`) PANICKED: {msg}\ninput: {}",
                spec.name,
                spec.command,
                show(input)
            ))
        }
    }
}

fn all_parsers(input: &str) -> Result<(), TestCaseError> {
    for spec in registry() {
        no_panic(spec, input).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

/// (folder label, parser of that folder if any, text) of every fixture case.
fn fixtures() -> &'static [(String, Option<&'static ParserSpec>, String)] {
    static F: OnceLock<Vec<(String, Option<&'static ParserSpec>, String)>> = OnceLock::new();
    F.get_or_init(|| {
        let root = common::fixtures::local();
        let mut out = Vec::new();
        for case in common::fixtures::cases(&root, "txt") {
            let spec = case.platform.and_then(|p| lookup(p, &case.command));
            if let Ok(b) = std::fs::read(&case.path) {
                let label = case
                    .path
                    .strip_prefix(&root)
                    .unwrap_or(&case.path)
                    .to_string_lossy()
                    .into_owned();
                out.push((label, spec, String::from_utf8_lossy(&b).into_owned()));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    })
}

/// One edit to a text, chosen by proptest.
#[derive(Debug, Clone)]
enum Mutation {
    DropLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Shuffle(u64),
    CutAt(usize),
    CutLineMid(usize, usize),
    CrlfAt(usize),
    LoneCrAt(usize),
    HugeNumbers,
    InsertLine(usize, String),
    Reverse,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let idx = 0usize..10_000;
    prop_oneof![
        idx.clone().prop_map(Mutation::DropLine),
        idx.clone().prop_map(Mutation::DuplicateLine),
        (idx.clone(), idx.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<u64>().prop_map(Mutation::Shuffle),
        idx.clone().prop_map(Mutation::CutAt),
        (idx.clone(), idx.clone()).prop_map(|(a, b)| Mutation::CutLineMid(a, b)),
        idx.clone().prop_map(Mutation::CrlfAt),
        idx.clone().prop_map(Mutation::LoneCrAt),
        Just(Mutation::HugeNumbers),
        (idx, cisco_line()).prop_map(|(a, l)| Mutation::InsertLine(a, l)),
        Just(Mutation::Reverse),
    ]
}

/// Byte index `i % len` moved back to a char boundary.
fn boundary(s: &str, i: usize) -> usize {
    if s.is_empty() {
        return 0;
    }
    let mut i = i % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let n = lines.len().max(1);
    match m {
        Mutation::DropLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
        }
        Mutation::DuplicateLine(i) => {
            if let Some(l) = lines.get(i % n).cloned() {
                lines.insert(i % n, l);
            }
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
        }
        Mutation::Shuffle(seed) => {
            // Fisher-Yates with a small LCG: deterministic per seed.
            let mut x = *seed | 1;
            for i in (1..lines.len()).rev() {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let j = (x >> 33) as usize % (i + 1);
                lines.swap(i, j);
            }
        }
        Mutation::CutAt(i) => return text[..boundary(text, *i)].to_string(),
        Mutation::CutLineMid(i, j) => {
            if let Some(l) = lines.get_mut(i % n) {
                let cut = boundary(l, *j);
                l.truncate(cut);
            }
        }
        Mutation::CrlfAt(i) => {
            let b = boundary(text, *i);
            return format!("{}\r\n{}", &text[..b], &text[b..]);
        }
        Mutation::LoneCrAt(i) => {
            let b = boundary(text, *i);
            return format!("{}\r{}", &text[..b], &text[b..]);
        }
        Mutation::HugeNumbers => {
            return text
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        "99999999999999999999".to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
        }
        Mutation::InsertLine(i, l) => lines.insert(i % (lines.len() + 1), l.clone()),
        Mutation::Reverse => lines.reverse(),
    }
    lines.join("\n")
}

/// A line made of the vocabulary of real outputs.
fn cisco_line() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("Clock".to_string()),
        Just("is".to_string()),
        Just("synchronized,".to_string()),
        Just("unsynchronized,".to_string()),
        Just("stratum".to_string()),
        Just("reference".to_string()),
        Just("uptime".to_string()),
        Just("up".to_string()),
        Just("Version".to_string()),
        Just("Cisco IOS Software,".to_string()),
        Just("Cisco Adaptive Security Appliance Software Version".to_string()),
        Just("Cisco Wide Area Application Services Software (WAAS)".to_string()),
        Just("Version:".to_string()),
        Just("Local time:".to_string()),
        Just("Software (".to_string()),
        Just("processor".to_string()),
        Just("with".to_string()),
        Just("bytes of memory.".to_string()),
        Just("Processor board ID".to_string()),
        Just("Serial Number:".to_string()),
        Just("Hardware:".to_string()),
        Just("days".to_string()),
        Just("hours,".to_string()),
        Just("minutes".to_string()),
        Just("msec,".to_string()),
        Just("*".to_string()),
        Just(".".to_string()),
        Just("#".to_string()),
        Just(":".to_string()),
        Just("=====".to_string()),
        Just("remote refid st t when poll reach delay offset jitter".to_string()),
        Just("NTP enabled".to_string()),
        Just("Server list:".to_string()),
        Just("IKE Peer:".to_string()),
        Just("State   :".to_string()),
        Just("MM_ACTIVE".to_string()),
        Just("QM_IDLE".to_string()),
        Just("#pkts encaps:".to_string()),
        Just("Crypto map tag:".to_string()),
        Just("Total Handled Connections:".to_string()),
        Just("Enabled".to_string()),
        Just("Running".to_string()),
        Just("mapi".to_string()),
        Just("Mon".to_string()),
        Just("Oct".to_string()),
        Just("UTC".to_string()),
        Just("2025".to_string()),
        "[0-9]{1,25}".prop_map(|s| s),
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}".prop_map(|s| s),
        "[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}\\.[0-9]{0,4}".prop_map(|s| s),
        "-?[0-9]{1,6}\\.[0-9]{1,6}".prop_map(|s| s),
        "[A-Za-z_-]{1,12}".prop_map(|s| s),
        "\\PC{0,8}".prop_map(|s| s),
    ];
    (prop::collection::vec(word, 0..12), "[ \t]{0,3}")
        .prop_map(|(words, indent)| format!("{indent}{}", words.join(" ")))
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(192))]

    #[test]
    fn arbitrary_strings_never_panic(input in "\\PC{0,600}|.{0,300}") {
        all_parsers(&input)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1500)) {
        all_parsers(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn cisco_like_lines_never_panic(
        lines in prop::collection::vec(cisco_line(), 0..40),
        crlf in any::<bool>(),
    ) {
        let sep = if crlf { "\r\n" } else { "\n" };
        all_parsers(&lines.join(sep))?;
    }

    #[test]
    fn mutated_fixtures_never_panic(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let fx = fixtures();
        prop_assume!(!fx.is_empty());
        let (_, _, text) = &fx[pick.index(fx.len())];
        let mut t = text.clone();
        for m in &mutations {
            t = apply(&t, m);
        }
        all_parsers(&t)?;
    }
}

#[test]
fn every_fixture_truncated_or_with_a_line_dropped_never_panics() {
    let mut failures = Vec::new();
    let mut runs = 0usize;
    for (label, spec, text) in fixtures() {
        let Some(spec) = spec else { continue };
        let lines: Vec<&str> = text.split('\n').collect();
        for i in 0..=lines.len() {
            let cut = lines[..i].join("\n");
            let dropped = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n");
            for input in [cut, dropped] {
                runs += 1;
                if let Err(e) = no_panic(spec, &input) {
                    failures.push(format!("{label}: {e}"));
                }
            }
        }
    }
    println!("robustness: {runs} truncated / line-dropped fixture runs");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn mutations_do_what_they_say() {
    let t = "a\nb\nc";
    assert_eq!(apply(t, &Mutation::DropLine(1)), "a\nc");
    assert_eq!(apply(t, &Mutation::DuplicateLine(0)), "a\na\nb\nc");
    assert_eq!(apply(t, &Mutation::CutAt(3)), "a\nb");
    assert_eq!(apply(t, &Mutation::Reverse), "c\nb\na");
    assert_eq!(apply("é", &Mutation::CutAt(1)), "");
    assert_eq!(apply("x1", &Mutation::HugeNumbers), "x99999999999999999999");
    assert!(!fixtures().is_empty(), "no fixtures found");
    assert!(!registry().is_empty());
}
