//! ASA `show license all`, in both of its formats. Not from the two Cisco seed guides: read from
//! real captures (ntc-templates Smart Licensing outputs in `shared/fixtures`) and the ASA's
//! activation-key layout, which `show version` prints too (genieparser / ntc-templates captures).
//!
//! Activation-key (PAK) licensing, ASA 5500 / 5500-X:
//!
//! ```text
//! Serial Number: JMX0938K0C0
//! Running Permanent Activation Key: 0xce06dc6b 0x8a7b5ab7 0xa1e21dd4 0xd2c4b8b8 0xc4594f9c
//! Licensed features for this platform:
//! Maximum Physical Interfaces       : Unlimited      perpetual
//! AnyConnect Premium Peers          : 2              perpetual
//!  Shared AnyConnect Premium Peers  : 12000          perpetual
//! UC Phone Proxy Sessions           : 12             62 days
//! This platform has an ASA5555 VPN Premium license.
//! ```
//!
//! with optionally `Failover cluster licensed features for this platform:` (the pair's combined
//! limits), `... for this user context:` and an `Active Timebased Activation Key:` list. Smart
//! Licensing (ASAv, Firepower): `Smart Licensing is ENABLED`, `Registration:` / `License
//! Authorization:` blocks of `Key: value` lines, `License Usage` entitlements
//! (`ASAv5 Standard - 100M (ASAv-STD-100M):` then `Count:`, `Status:` …) and the `UDI:`, read
//! by [`super::smart_license`], which IOS-XE's `show license` parser shares.

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci};
use super::smart_license::{opt, smart_line, smart_section, tail, udi, SmartSection};
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

pub use super::smart_license::{SmartEntitlement, SmartEvent, SmartLicensing};

/// One `Feature : value [duration]` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseFeature {
    /// As printed (`AnyConnect Premium Peers`).
    pub name: String,
    /// As printed: a count (`250`), `Unlimited`, `Enabled` / `Disabled`, `Active/Active`.
    pub value: String,
    /// `perpetual` or a time left (`62 days`); `None` when the release prints no column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

impl LicenseFeature {
    /// The value as a number, when it is one.
    pub fn count(&self) -> Option<u64> {
        text::parse_u64(&self.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AsaLicense {
    /// `Serial Number:`, or the `SN:` of the Smart Licensing `UDI:`.
    pub serial: Option<String>,
    /// The `PID:` of the Smart Licensing `UDI:` (`ASAv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_permanent_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_timebased_key: Option<String>,
    /// `This platform has an ASA5555 VPN Premium license.` → `ASA5555 VPN Premium` (the first
    /// such line; `Base` for `a Base license`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_license: Option<String>,
    /// `Licensed features for this platform:` (or `for this user context:`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<LicenseFeature>,
    /// `Failover cluster licensed features …`: what the failover pair may use together.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failover_features: Vec<LicenseFeature>,
    /// The features of the `Active Timebased Activation Key:` list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timebased_features: Vec<LicenseFeature>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Boxed: most ASAs print no Smart Licensing part, and it is the bulk of the record.
    pub smart: Option<Box<SmartLicensing>>,
}

fn same_name(a: &str, b: &str) -> bool {
    a.split_whitespace()
        .map(str::to_ascii_lowercase)
        .eq(b.split_whitespace().map(str::to_ascii_lowercase))
}

impl AsaLicense {
    /// The feature `name` (case and spacing ignored) of `Licensed features for this platform`.
    pub fn feature(&self, name: &str) -> Option<&LicenseFeature> {
        self.features.iter().find(|f| same_name(&f.name, name))
    }
    /// The value of feature `name`, as printed.
    pub fn feature_value(&self, name: &str) -> Option<String> {
        self.feature(name).map(|f| f.value.clone())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Features,
    Failover,
    Timebased,
    Smart(SmartSection),
}

/// `Name : value [perpetual | N days]`.
fn feature(line: &str) -> Option<LicenseFeature> {
    let (name, rest) = line.split_once(':')?;
    let name = name.trim();
    let rest = rest.trim();
    if name.is_empty() || rest.is_empty() {
        return None;
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    let (value_words, duration) = match words.as_slice() {
        [v @ .., last] if !v.is_empty() && last.eq_ignore_ascii_case("perpetual") => {
            (v, Some(last.to_string()))
        }
        [v @ .., n, unit]
            if !v.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && matches!(unit.to_ascii_lowercase().as_str(), "day" | "days") =>
        {
            (v, Some(format!("{n} {unit}")))
        }
        v => (v, None),
    };
    Some(LicenseFeature {
        name: name.to_string(),
        value: value_words.join(" "),
        duration,
    })
}

/// Parse ASA `show license all` (activation-key or Smart Licensing output).
pub fn parse_asa_license(input: &str) -> Result<AsaLicense, ParseError> {
    let lines = text::lines(input);
    let mut out = AsaLicense::default();
    let mut smart: Option<SmartLicensing> = None;
    let mut section = Section::None;
    let mut recognized = false;
    let mut first_unknown: Option<(usize, String)> = None;
    // Which event a `Failure reason:` line belongs to.
    let mut last_event = None;

    for (idx, (n, line)) in lines.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) || t.bytes().all(|b| b == b'=' || b == b'-') {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(*n, format!("device error: {e}")));
        }
        let lower = t.to_ascii_lowercase();
        let underlined = lines
            .get(idx + 1)
            .is_some_and(|(_, l)| l.trim().len() >= 3 && l.trim().bytes().all(|b| b == b'='));
        // Section headings.
        if lower.starts_with("failover cluster licensed features") {
            section = Section::Failover;
            recognized = true;
            continue;
        }
        if lower.starts_with("licensed features for this") {
            section = Section::Features;
            recognized = true;
            continue;
        }
        if lower.starts_with("active timebased activation key") {
            section = Section::Timebased;
            recognized = true;
            continue;
        }
        if underlined || t.ends_with(':') {
            if let Some(s) = smart_section(t) {
                section = Section::Smart(s);
                smart.get_or_insert_with(SmartLicensing::default);
                recognized = true;
                last_event = None;
                continue;
            }
        }
        // Activation-key lines, wherever they are.
        if let Some(v) = lower.strip_prefix("serial number:") {
            out.serial = opt(t.get(t.len() - v.len()..).unwrap_or("").trim().to_string());
            recognized = true;
            continue;
        }
        if let Some(v) = lower.strip_prefix("running permanent activation key:") {
            out.running_permanent_key = opt(tail(t, v));
            recognized = true;
            continue;
        }
        if let Some(v) = lower.strip_prefix("running timebased activation key:") {
            out.running_timebased_key = opt(tail(t, v));
            recognized = true;
            continue;
        }
        if let Some(v) = lower.strip_prefix("this platform has ") {
            let v = tail(t, v);
            let v = v.trim_end_matches('.');
            let v = v.strip_suffix(" license").unwrap_or(v);
            let v = v
                .strip_prefix("an ")
                .or_else(|| v.strip_prefix("a "))
                .unwrap_or(v);
            if out.platform_license.is_none() {
                out.platform_license = opt(v.trim().to_string());
            }
            recognized = true;
            if section != Section::Timebased {
                section = Section::None;
            }
            continue;
        }
        if starts_with_ci(t, "the flash ") || starts_with_ci(t, "0x") {
            continue; // flash-key comparison; a timebased key's words
        }
        match section {
            Section::Features | Section::Failover | Section::Timebased => {
                let Some(f) = feature(t) else {
                    section = Section::None;
                    if first_unknown.is_none() {
                        first_unknown = Some((*n, t.to_string()));
                    }
                    continue;
                };
                match section {
                    Section::Features => out.features.push(f),
                    Section::Failover => out.failover_features.push(f),
                    _ => out.timebased_features.push(f),
                }
            }
            Section::Smart(s) => {
                let sm = smart.get_or_insert_with(SmartLicensing::default);
                if s == SmartSection::Product {
                    if let Some((pid, sn)) = udi(t) {
                        out.pid = pid;
                        out.serial = sn;
                    }
                }
                smart_line(sm, s, t, &mut last_event);
            }
            Section::None => {
                if let Some(v) = lower.strip_prefix("smart licensing is ") {
                    smart.get_or_insert_with(SmartLicensing::default).state = opt(tail(t, v));
                    recognized = true;
                    continue;
                }
                if first_unknown.is_none() {
                    first_unknown = Some((*n, t.to_string()));
                }
            }
        }
    }
    if !recognized {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a `show license all` output: `{l}`")),
            None => ParseError::new(0, "empty output"),
        });
    }
    out.smart = smart.map(Box::new);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const LICENSE_METRICS: &[Metric] = &[
    Metric {
        name: "license_serial",
        help: "ASA serial number the license is bound to (activation key or Smart UDI)",
        get: |r| AsaLicense::of(r).and_then(|x| x.serial.clone()),
    },
    Metric {
        name: "license_platform",
        help: "ASA platform license (`ASA5555 VPN Premium`, `Base`)",
        get: |r| AsaLicense::of(r).and_then(|x| x.platform_license.clone()),
    },
    Metric {
        name: "license_anyconnect_premium_peers",
        help: "licensed AnyConnect Premium Peers (as printed: a number or Unlimited)",
        get: |r| AsaLicense::of(r).and_then(|x| x.feature_value("AnyConnect Premium Peers")),
    },
    Metric {
        name: "license_other_vpn_peers",
        help: "licensed Other VPN Peers (IPsec site-to-site and IKEv1 clients)",
        get: |r| AsaLicense::of(r).and_then(|x| x.feature_value("Other VPN Peers")),
    },
    Metric {
        name: "license_total_vpn_peers",
        help: "licensed Total VPN Peers",
        get: |r| AsaLicense::of(r).and_then(|x| x.feature_value("Total VPN Peers")),
    },
    Metric {
        name: "license_security_contexts",
        help: "licensed Security Contexts",
        get: |r| AsaLicense::of(r).and_then(|x| x.feature_value("Security Contexts")),
    },
    Metric {
        name: "license_smart_registration",
        help: "Smart Licensing registration status (REGISTERED, UNREGISTERED)",
        get: |r| AsaLicense::of(r).and_then(|x| x.smart.as_ref()?.registration_status.clone()),
    },
    Metric {
        name: "license_smart_authorization",
        help: "Smart Licensing authorization status (AUTHORIZED, EVAL MODE, OUT OF COMPLIANCE)",
        get: |r| {
            AsaLicense::of(r).and_then(|x| {
                x.smart
                    .as_ref()?
                    .authorization
                    .as_ref()
                    .map(|a| a.status.clone())
            })
        },
    },
    Metric {
        name: "license_smart_entitlements",
        help: "Smart Licensing entitlements in use, `;`-separated tags (ASAv-STD-100M)",
        get: |r| {
            AsaLicense::of(r).and_then(|x| {
                let s = x.smart.as_ref()?;
                Some(
                    s.entitlements
                        .iter()
                        .map(|e| e.tag.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                )
            })
        },
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_asa_license(t).map(Record::AsaLicense)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "asa_license_all",
        command: "show license all",
        args: &[],
        platforms: &[Platform::CiscoAsa],
        parse: parse_record,
        metrics: LICENSE_METRICS,
    }]
}

#[cfg(test)]
mod tests;
