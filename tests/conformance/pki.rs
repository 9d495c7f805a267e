//! Conformance for certificates: IOS / IOS-XE `show crypto pki certificates [verbose]` and ASA
//! `show crypto ca certificates`, against ntc-templates' flat rows (`certificate_type`, `status`,
//! `serial_number`, `certificate_usage`, `issuer_*` / `subject_*`, `start_date` / `end_date` /
//! `renew_date`, `associated_trustpoints`, `storage`; `""` = not captured, not compared).

use crate::{run_parser, Outcome};
use fleetpoll::parse::pki::{CertDate, CertName, Certificate};
use fleetpoll::parse::Record;
use serde_json::Value;

pub fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    if !command.starts_with("show crypto pki certificates")
        && !command.starts_with("show crypto ca certificates")
    {
        return None;
    }
    let r = match run_parser(platform, command, raw) {
        Ok(Record::Certificates(r)) => r,
        Ok(_) => return Some(Outcome::Fail("wrong record kind".into())),
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let Some(rows) = expected
        .and_then(|e| e.get("parsed_sample"))
        .and_then(Value::as_array)
    else {
        return Some(Outcome::Skip("no ntc-templates expected parse".into()));
    };
    let mut diffs = Vec::new();
    let mut compared = 0;
    if rows.len() != r.certificates.len() {
        diffs.push(format!(
            "certificates: ours {}, expected {}",
            r.certificates.len(),
            rows.len()
        ));
    }
    for (i, (row, c)) in rows.iter().zip(&r.certificates).enumerate() {
        let mut cmp = |field: &str, ours: Option<String>| {
            let Some(t) = row.get(field).and_then(Value::as_str) else {
                return;
            };
            let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            compared += 1;
            let ok = if t.is_empty() {
                ours.as_deref().is_none_or(str::is_empty)
            } else {
                ours.as_deref().map(norm) == Some(norm(t))
            };
            if !ok {
                diffs.push(format!(
                    "cert {} {field}: ours {ours:?}, expected {t:?}",
                    i + 1
                ));
            }
        };
        fields(c, &mut cmp);
    }
    Some(if !diffs.is_empty() {
        Outcome::Fail(diffs.join("; "))
    } else if compared == 0 {
        Outcome::Fail("nothing compared".into())
    } else {
        Outcome::Pass
    })
}

fn date(d: &Option<CertDate>) -> Option<String> {
    d.as_ref().map(|d| d.text.clone())
}

fn attr(n: &CertName, k: &str) -> Option<String> {
    n.get(k).map(str::to_string)
}

/// The values that matter, under ntc-templates' names.
fn fields(c: &Certificate, cmp: &mut dyn FnMut(&str, Option<String>)) {
    cmp("certificate_type", Some(c.kind.to_string()));
    cmp("status", c.status.clone());
    cmp("serial_number", c.serial.clone());
    cmp("certificate_usage", c.usage.clone());
    for k in ["e", "cn", "ou", "o", "l", "st", "c"] {
        cmp(&format!("issuer_{k}"), attr(&c.issuer, k));
        cmp(&format!("subject_{k}"), attr(&c.subject, k));
    }
    cmp("subject_name", c.subject.name.clone());
    cmp("subject_serial_number", c.subject.serial_number.clone());
    cmp("subject_hostname", attr(&c.subject, "hostname"));
    cmp(
        "crl_distribution_point",
        c.crl_distribution_points.first().cloned(),
    );
    cmp("start_date", date(&c.start));
    cmp("end_date", date(&c.end));
    cmp("renew_date", date(&c.renew));
    cmp(
        "associated_trustpoints",
        Some(c.trustpoints.join(" ")).filter(|s| !s.is_empty()),
    );
    cmp("storage", c.storage.clone());
}
