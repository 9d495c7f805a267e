//! IOS / IOS-XE `show license`, `show license summary` and `show license all`, in both
//! licensing generations. Not from the two seed guides: formats read from real captures
//! (ntc-templates and genieparser test outputs) and the Cisco IOS licensing guides.
//!
//! Classic (IOS 15 "Cisco Software Licensing", IOS-XE 3.x): one block per feature,
//!
//! ```text
//! Index 2 Feature: uck9
//!         Period left: Not Activated
//!         Period Used: 0  minute  0  second
//!         License Type: EvalRightToUse
//!         License State: Active, Not in Use, EULA not accepted
//!         License Count: 0/0  (In-use/Violation)
//!         License Priority: None
//! ```
//!
//! (`show license all` / `detail`: `License Store: Primary License Storage` headings and
//! `StoreIndex:  0  Feature: ipbasek9   Version: 1.0` lines). Smart Licensing (IOS-XE 16.x, and
//! 17.3+ "Using Policy"): the titled `Key: value` sections the ASA prints too, read by
//! [`super::smart_license`]; `show license summary` gives the usage as a table
//! (`network-advantage  (C9300-48 Network Advan...)  1 IN USE`). Exec timestamps (`Load for
//! five secs: …`, `Time source is …`) are skipped.

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci};
use super::smart_license::{opt, smart_line, smart_section, udi, SmartLicensing, SmartSection};
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

/// One classic licence feature block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IosLicenseFeature {
    /// `Index N` (`show license`) or `StoreIndex: N` (`show license all`).
    pub index: Option<u32>,
    /// `License Store:` heading the feature is listed under (`show license all`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    pub feature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `Life time`, `Not Activated`, `8  weeks 4  days`, as printed.
    pub period_left: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_used: Option<String>,
    /// `Permanent`, `EvalRightToUse`, `Evaluation`, `RightToUse`, `Extension`, …
    pub license_type: Option<String>,
    /// `Active, In Use`, `Active, Not in Use, EULA not accepted`, `Not in Use`, as printed.
    pub state: Option<String>,
    /// `Non-Counted`, `0/0  (In-use/Violation)`, as printed.
    pub count: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_in_use: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_violation: Option<u64>,
    pub priority: Option<String>,
}

impl IosLicenseFeature {
    /// The state says `In Use` (not `Not in Use`).
    pub fn in_use(&self) -> bool {
        self.state.as_deref().is_some_and(|s| {
            s.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("in use"))
        })
    }
    /// An evaluation licence (`EvalRightToUse`, `Evaluation`).
    pub fn is_eval(&self) -> bool {
        self.license_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("eval"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IosLicense {
    /// Classic licence features, in printed order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<IosLicenseFeature>,
    /// The Smart Licensing part (IOS-XE 16+). Boxed: classic outputs have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smart: Option<Box<SmartLicensing>>,
    /// `UDI: PID:…,SN:…` of the Smart Licensing product information.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub udi_pid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub udi_serial: Option<String>,
}

impl IosLicense {
    pub fn feature(&self, name: &str) -> Option<&IosLicenseFeature> {
        self.features
            .iter()
            .find(|f| f.feature.eq_ignore_ascii_case(name))
    }
    pub fn in_use(&self) -> usize {
        self.features.iter().filter(|f| f.in_use()).count()
    }
    /// Features running on an evaluation licence.
    pub fn eval_in_use(&self) -> usize {
        self.features
            .iter()
            .filter(|f| f.in_use() && f.is_eval())
            .count()
    }
}

/// `Index 1 Feature: appxk9` / `StoreIndex:  0  Feature: ipbasek9   Version: 1.0`.
fn feature_head(t: &str) -> Option<IosLicenseFeature> {
    let rest = if starts_with_ci(t, "storeindex:") {
        t.get("storeindex:".len()..)?
    } else if starts_with_ci(t, "index ") {
        t.get("index ".len()..)?
    } else {
        return None;
    };
    let (idx, rest) = rest.trim_start().split_once(char::is_whitespace)?;
    let index = idx.parse::<u32>().ok()?;
    let rest = rest.trim_start();
    if !starts_with_ci(rest, "feature:") {
        return None;
    }
    let rest = rest.get("feature:".len()..)?.trim();
    let mut words = rest.split_whitespace();
    let feature = words.next()?.to_string();
    let after: Vec<&str> = words.collect();
    let version = match after.as_slice() {
        [v, n] if v.eq_ignore_ascii_case("version:") => Some(n.to_string()),
        _ => None,
    };
    Some(IosLicenseFeature {
        index: Some(index),
        feature,
        version,
        ..IosLicenseFeature::default()
    })
}

/// `0/0  (In-use/Violation)` → (in use, violation).
fn count_pair(v: &str) -> Option<(u64, u64)> {
    let first = v.split_whitespace().next()?;
    let (a, b) = first.split_once('/')?;
    Some((text::parse_u64(a)?, text::parse_u64(b)?))
}

/// One `Key: value` line of a feature block; whether the key is one of a block's.
fn feature_line(f: &mut IosLicenseFeature, t: &str) -> bool {
    let Some((k, v)) = t.split_once(':') else {
        return false;
    };
    let v = opt(v.trim().to_string());
    match k.trim().to_ascii_lowercase().as_str() {
        "period left" | "evaluation period left" => f.period_left = v,
        "period used" => f.period_used = v,
        "license type" => f.license_type = v,
        "license state" => f.state = v,
        "license count" => {
            if let Some((u, x)) = v.as_deref().and_then(count_pair) {
                f.count_in_use = Some(u);
                f.count_violation = Some(x);
            }
            f.count = v;
        }
        "license priority" => f.priority = v,
        // `show license all` / `detail` extras, not kept.
        "evaluation total period"
        | "license addition"
        | "store index"
        | "store name"
        | "comment"
        | "license version"
        | "version" => {}
        _ => return false,
    }
    true
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Feature,
    Smart(SmartSection),
}

/// Parse IOS / IOS-XE `show license [summary | all]`.
pub fn parse_ios_license(input: &str) -> Result<IosLicense, ParseError> {
    let lines = text::lines(input);
    let mut out = IosLicense::default();
    let mut smart: Option<SmartLicensing> = None;
    let mut section = Section::None;
    let mut store: Option<String> = None;
    let mut recognised = false;
    let mut first_unknown: Option<(usize, String)> = None;
    let mut last_event = None;
    for (idx, (n, line)) in lines.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) || t.bytes().all(|b| b == b'=' || b == b'-') {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(*n, format!("device error: {e}")));
        }
        if starts_with_ci(t, "load for ") || starts_with_ci(t, "time source is") {
            continue; // exec prompt timestamps
        }
        if let Some(f) = feature_head(t) {
            out.features.push(IosLicenseFeature {
                store: store.clone(),
                ..f
            });
            section = Section::Feature;
            recognised = true;
            continue;
        }
        if let Some(v) = t
            .split_once(':')
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case("license store"))
        {
            store = opt(v.1.trim().to_string());
            section = Section::None;
            recognised = true;
            continue;
        }
        let underlined = lines
            .get(idx + 1)
            .is_some_and(|(_, l)| l.trim().len() >= 3 && l.trim().bytes().all(|b| b == b'='));
        if underlined || t.ends_with(':') {
            if let Some(s) = smart_section(t) {
                section = Section::Smart(s);
                smart.get_or_insert_with(SmartLicensing::default);
                recognised = true;
                last_event = None;
                continue;
            }
        }
        if starts_with_ci(t, "smart licensing is ") {
            let sm = smart.get_or_insert_with(SmartLicensing::default);
            smart_line(sm, SmartSection::Status, t, &mut last_event);
            recognised = true;
            continue;
        }
        match section {
            Section::Feature => {
                if let Some(f) = out.features.last_mut() {
                    if feature_line(f, t) {
                        continue;
                    }
                }
                first_unknown.get_or_insert((*n, t.to_string()));
            }
            Section::Smart(s) => {
                if let Some((pid, sn)) = udi(t) {
                    out.udi_pid = pid;
                    out.udi_serial = sn;
                }
                let sm = smart.get_or_insert_with(SmartLicensing::default);
                smart_line(sm, s, t, &mut last_event);
            }
            Section::None => {
                first_unknown.get_or_insert((*n, t.to_string()));
            }
        }
    }
    if !recognised {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a `show license` output: `{l}`")),
            None => ParseError::new(0, "empty output"),
        });
    }
    out.smart = smart.map(Box::new);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

fn smart_of(r: &Record) -> Option<&SmartLicensing> {
    IosLicense::of(r).and_then(|x| x.smart.as_deref())
}

const METRICS: &[Metric] = &[
    Metric {
        name: "license_features",
        help: "classic licence features listed (IOS 15 / IOS-XE 3.x `Index N Feature:` blocks)",
        get: |r| IosLicense::of(r).map(|x| x.features.len().to_string()),
    },
    Metric {
        name: "license_features_in_use",
        help: "classic licence features whose state says `In Use`",
        get: |r| IosLicense::of(r).map(|x| x.in_use().to_string()),
    },
    Metric {
        name: "license_eval_in_use",
        help:
            "classic licence features in use on an evaluation licence (EvalRightToUse, Evaluation)",
        get: |r| IosLicense::of(r).map(|x| x.eval_in_use().to_string()),
    },
    Metric {
        name: "license_serial",
        help: "serial number of the Smart Licensing UDI",
        get: |r| IosLicense::of(r).and_then(|x| x.udi_serial.clone()),
    },
    Metric {
        name: "license_smart_registration",
        help: "Smart Licensing registration status (REGISTERED, UNREGISTERED)",
        get: |r| smart_of(r).and_then(|s| s.registration_status.clone()),
    },
    Metric {
        name: "license_smart_authorization",
        help: "Smart Licensing authorization status (AUTHORIZED, EVAL MODE, OUT OF COMPLIANCE)",
        get: |r| smart_of(r).and_then(|s| s.authorization_status().map(str::to_string)),
    },
    Metric {
        name: "license_smart_using_policy",
        help: "Smart Licensing Using Policy status (IOS-XE 17.3+: ENABLED)",
        get: |r| smart_of(r).and_then(|s| s.using_policy.clone()),
    },
    Metric {
        name: "license_smart_entitlements",
        help: "Smart Licensing entitlements in use, `;`-separated (name (tag) on IOS-XE)",
        get: |r| {
            smart_of(r).map(|s| {
                s.entitlements
                    .iter()
                    .map(|e| match &e.name {
                        Some(n) => format!("{n} ({})", e.tag),
                        None => e.tag.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(";")
            })
        },
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_ios_license(t).map(Record::IosLicense)
}

/// One parser per form: the outputs share one reader, and `show license udi` / `feature` /
/// `usage` / `status` (other layouts or not seen) stay unrouted.
pub fn parsers() -> Vec<ParserSpec> {
    let spec = |name, command| ParserSpec {
        name,
        command,
        args: &[],
        platforms: &[Platform::CiscoIos],
        parse: parse_record,
        metrics: METRICS,
    };
    vec![
        spec("ios_license", "show license"),
        spec("ios_license_summary", "show license summary"),
        spec("ios_license_all", "show license all"),
    ]
}

#[cfg(test)]
mod tests;
