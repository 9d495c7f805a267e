//! Conformance for IOS / IOS-XE `show license` (ntc-templates: one row per `Index N Feature:`
//! block with `period_left`, `period_used`, `license_type`, `license_state`, `license_count`,
//! `license_priority`; `""` where the block has no such line, which must be our absent value).

use crate::{run_parser, Outcome};
use fleetpoll::parse::ios_license::IosLicense;
use fleetpoll::parse::Record;
use serde_json::Value;

pub fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    let ios = matches!(platform, "cisco_ios" | "cisco_xe");
    if !ios
        || !matches!(
            command,
            "show license" | "show license summary" | "show license all"
        )
    {
        return None;
    }
    let record = match run_parser(platform, command, raw) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let Record::IosLicense(l) = &record else {
        return Some(Outcome::Fail(
            "parser returned the wrong record kind".into(),
        ));
    };
    let Some(rows) = expected
        .and_then(|e| e.get("parsed_sample"))
        .and_then(Value::as_array)
    else {
        return Some(if expected.is_some() {
            Outcome::Fail("nothing compared: expected parse not understood".into())
        } else {
            Outcome::Pass
        });
    };
    let diffs = classic(l, rows);
    Some(if diffs.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(diffs.join("; "))
    })
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn classic(l: &IosLicense, rows: &[Value]) -> Vec<String> {
    let mut diffs = Vec::new();
    if l.features.len() != rows.len() {
        diffs.push(format!(
            "features: ours {}, expected {}",
            l.features.len(),
            rows.len()
        ));
    }
    for (i, (f, row)) in l.features.iter().zip(rows).enumerate() {
        let fields: [(&str, Option<&str>); 7] = [
            ("feature", Some(&f.feature)),
            ("period_left", f.period_left.as_deref()),
            ("period_used", f.period_used.as_deref()),
            ("license_type", f.license_type.as_deref()),
            ("license_state", f.state.as_deref()),
            ("license_count", f.count.as_deref()),
            ("license_priority", f.priority.as_deref()),
        ];
        for (key, ours) in fields {
            let Some(theirs) = row.get(key).and_then(Value::as_str) else {
                continue;
            };
            let ours = ours.map(squash).unwrap_or_default();
            if ours != squash(theirs) {
                diffs.push(format!(
                    "feature {} {key}: ours {ours:?}, expected {theirs:?}",
                    i + 1
                ));
            }
        }
    }
    diffs
}
