//! IOS / IOS-XE `show crypto pki certificates [verbose]` and ASA `show crypto ca certificates`:
//! one block per certificate (`CA Certificate`, `Certificate`, `Router Self-Signed Certificate`)
//! with `Status:`, serial, usage, `Issuer:` / `Subject:` names, `Validity Date:` and trustpoints.
//!
//! Format (Cisco IOS Security Command Reference, ASA command reference; real captures in
//! `shared/fixtures/cisco_ios/show_crypto_pki_certificates`):
//!
//! ```text
//! Certificate
//!   Status: Available
//!   Certificate Serial Number (hex): 1A
//!   Certificate Usage: General Purpose
//!   Issuer:
//!     cn=IOS-CA
//!   Subject:
//!     Name: R1.example.com
//!     hostname=R1.example.com
//!   Validity Date:
//!     start date: 09:17:52 UTC Jun 22 2022
//!     end   date: 09:17:52 UTC Jun 22 2023
//!   Associated Trustpoints: TP-R1
//! ```
//!
//! The ASA prints `Issuer Name:` / `Subject Name:` and `Certificate Serial Number:`; verbose
//! output adds key, fingerprint and X509v3 sections (skipped). Validity dates may also sit on
//! one line (`Validity Date: start date: … end date: …`). Dates keep the zone they carry; it is
//! turned into UTC only when the abbreviation is known ([`zone_offset`]).

use super::isakmp::{device_error, is_echo_or_prompt};
use super::text::{self, device_enum};
use super::{Arg, Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

device_enum! {
    /// The heading of a certificate block.
    CertKind {
        /// `CA Certificate`: a trusted CA (root or subordinate) of a trustpoint.
        Ca => "CA Certificate",
        /// `Certificate`: the device's own identity certificate, issued by a CA.
        Identity => "Certificate",
        /// `Router Self-Signed Certificate` (IOS HTTPS / SSH self-signed trustpoint).
        RouterSelfSigned => "Router Self-Signed Certificate",
    }
}

/// A date as printed (`09:17:52 UTC Jun 22 2022`): local time, its zone, and UTC when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertDate {
    pub text: String,
    /// The wall-clock time printed, in `zone`.
    pub local: NaiveDateTime,
    /// The zone abbreviation printed (`UTC`, `KST`), if any.
    pub zone: Option<String>,
    /// `local` in UTC, when `zone` is a known abbreviation (or absent: read as UTC, as IOS
    /// prints UTC without `clock timezone`). `None` for an unknown zone.
    pub utc: Option<DateTime<Utc>>,
}

/// A distinguished name: its `k=v` attributes in order, plus IOS's `Name:` / `Serial Number:`
/// / `IP Address:` lines of a subject.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CertName {
    /// `(attribute, value)` as printed, attribute lowercase (`cn`, `o`, `hostname`).
    pub attributes: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

impl CertName {
    /// The first value of attribute `key` (`cn`, `o`, …).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// A short label: `cn=…`, else the IOS `Name:`, else `hostname=…`, else the first attribute.
    pub fn label(&self) -> String {
        if let Some(cn) = self.get("cn") {
            return format!("cn={cn}");
        }
        if let Some(n) = &self.name {
            return n.clone();
        }
        if let Some(h) = self.get("hostname") {
            return format!("hostname={h}");
        }
        self.attributes
            .first()
            .map(|(k, v)| format!("{k}={v}"))
            .unwrap_or_default()
    }
}

/// One certificate block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub kind: CertKind,
    /// `Status: Available` (or `Pending`, …).
    pub status: Option<String>,
    /// `Certificate Serial Number (hex):` (IOS) / `Certificate Serial Number:` (ASA).
    pub serial: Option<String>,
    /// `Certificate Usage: General Purpose` / `Signature` / `Encryption`.
    pub usage: Option<String>,
    pub issuer: CertName,
    pub subject: CertName,
    pub start: Option<CertDate>,
    pub end: Option<CertDate>,
    /// IOS `renew date:` (auto-enrollment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew: Option<CertDate>,
    /// `Associated Trustpoints:`, space-separated names.
    pub trustpoints: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crl_distribution_points: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
    /// `Key Label:` (IOS-XE), `Public Key Type:` (ASA), `Signature Algorithm:` when printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<String>,
}

impl Certificate {
    fn new(kind: CertKind) -> Self {
        Certificate {
            kind,
            status: None,
            serial: None,
            usage: None,
            issuer: CertName::default(),
            subject: CertName::default(),
            start: None,
            end: None,
            renew: None,
            trustpoints: Vec::new(),
            crl_distribution_points: Vec::new(),
            storage: None,
            key_label: None,
            key_type: None,
            signature_algorithm: None,
        }
    }

    /// `CA Certificate cn=Root serial 01`, for evidence and diff subjects.
    pub fn label(&self) -> String {
        let mut s = format!("{} {}", self.kind, self.subject.label());
        if let Some(n) = &self.serial {
            s.push_str(&format!(" serial {n}"));
        }
        s.trim().to_string()
    }
}

/// `show crypto pki certificates` / `show crypto ca certificates`: every certificate printed,
/// in order (an empty list when the device holds none: it then prints nothing).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Certificates {
    pub certificates: Vec<Certificate>,
}

/// UTC offset in seconds of a zone abbreviation as Cisco devices print it; `None` when
/// unknown (a `clock timezone` name is free text). Ambiguous names (`IST`, `BST`) are unknown.
pub fn zone_offset(zone: &str) -> Option<i32> {
    const H: i32 = 3600;
    let z = zone.to_ascii_uppercase();
    Some(match z.as_str() {
        "UTC" | "GMT" | "Z" | "UCT" | "WET" => 0,
        "CET" | "MET" | "WEST" => H,
        "CEST" | "MEST" | "EET" => 2 * H,
        "EEST" | "MSK" => 3 * H,
        "HKT" | "SGT" | "AWST" | "CST8" => 8 * H,
        "KST" | "JST" => 9 * H,
        "AEST" => 10 * H,
        "AEDT" => 11 * H,
        "NZST" => 12 * H,
        "NZDT" => 13 * H,
        "AST" | "EDT" => -4 * H,
        "EST" | "CDT" => -5 * H,
        "CST" | "MDT" => -6 * H,
        "MST" | "PDT" => -7 * H,
        "PST" | "AKDT" => -8 * H,
        "AKST" => -9 * H,
        "HST" => -10 * H,
        _ => return None,
    })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `09:17:52 UTC Jun 22 2022` (also `09:17:52.123 UTC …`, or without a zone).
pub fn parse_cert_date(s: &str) -> Option<CertDate> {
    let text = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let toks: Vec<&str> = text.split(' ').collect();
    let (time, zone, rest) = match toks.as_slice() {
        [t, z, m, d, y] => (*t, Some(*z), [*m, *d, *y]),
        [t, m, d, y] => (*t, None, [*m, *d, *y]),
        _ => return None,
    };
    let [m, d, y] = rest;
    let month = MONTHS
        .iter()
        .position(|x| x.eq_ignore_ascii_case(m))
        .and_then(|i| u32::try_from(i + 1).ok())?;
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, month, d.parse().ok()?)?;
    let hms = time.split('.').next().unwrap_or(time);
    let mut parts = hms.split(':').map(|p| p.parse::<u32>().ok());
    let (Some(Some(h)), Some(Some(mi)), Some(Some(sec)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let local = date.and_hms_opt(h, mi, sec)?;
    let offset = match zone {
        None => Some(0),
        Some(z) => zone_offset(z),
    };
    let utc = offset.map(|o| (local - chrono::Duration::seconds(i64::from(o))).and_utc());
    let zone = zone.map(str::to_string);
    Some(CertDate {
        text,
        local,
        zone,
        utc,
    })
}

/// Which part of a block the following lines belong to.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Issuer,
    Subject,
    Crl,
    Validity,
    /// Verbose sections whose lines are not kept (key info, X509v3 extensions, OCSP).
    Skip,
}

fn is_heading(t: &str) -> Option<CertKind> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let (last, head) = words.split_last()?;
    let ok = last.eq_ignore_ascii_case("certificate")
        && head.len() <= 3
        && head
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_alphabetic() || c == '-'));
    ok.then(|| CertKind::from(t))
}

/// `key: value` split of a trimmed line (key lowercase, single-spaced).
fn key_value(t: &str) -> Option<(String, &str)> {
    let (k, v) = t.split_once(':')?;
    let key = k.split_whitespace().collect::<Vec<_>>().join(" ");
    if key.is_empty() || key.contains('=') || key.len() > 40 {
        return None;
    }
    Some((key.to_ascii_lowercase(), v.trim()))
}

/// Every `start date:` / `end date:` / `renew date:` on a line.
fn dates_on_line(t: &str, c: &mut Certificate) -> bool {
    let lower = t.to_ascii_lowercase();
    let mut marks: Vec<(usize, usize, &str)> = Vec::new();
    for which in ["start", "end", "renew"] {
        let mut from = 0;
        while let Some(i) = lower.get(from..).and_then(|s| s.find(which)) {
            let at = from + i;
            let after = lower.get(at + which.len()..).unwrap_or("");
            let gap = after.len() - after.trim_start().len();
            if after.trim_start().starts_with("date:")
                && !at
                    .checked_sub(1)
                    .and_then(|i| lower.as_bytes().get(i))
                    .is_some_and(u8::is_ascii_alphabetic)
            {
                marks.push((at, at + which.len() + gap + 5, which));
            }
            from = at + which.len();
        }
    }
    marks.sort_unstable();
    for (i, (_, val_start, which)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(t.len(), |m| m.0);
        let v = t.get(*val_start..end).unwrap_or("").trim();
        let d = parse_cert_date(v);
        match *which {
            "start" => c.start = d,
            "end" => c.end = d,
            _ => c.renew = d,
        }
    }
    !marks.is_empty()
}

/// `cn=A,o=B` or one `cn=A` line into `name`.
fn name_line(t: &str, name: &mut CertName) -> bool {
    if let Some((k, v)) = key_value(t) {
        let slot = match k.as_str() {
            "name" => &mut name.name,
            "serial number" => &mut name.serial_number,
            "ip address" => &mut name.ip_address,
            _ => return false,
        };
        *slot = Some(v.to_string());
        return true;
    }
    let Some((k, v)) = t.split_once('=') else {
        return false;
    };
    let k = k.trim();
    if k.is_empty() || k.contains(' ') {
        return false;
    }
    name.attributes
        .push((k.to_ascii_lowercase(), v.trim().to_string()));
    true
}

fn inline_name(v: &str, name: &mut CertName) {
    for part in v.split(',') {
        name_line(part.trim(), name);
    }
}

/// Parse `show crypto pki certificates [verbose]` (IOS) or `show crypto ca certificates` (ASA).
pub fn parse_certificates(input: &str) -> Result<Certificates, ParseError> {
    let mut out = Certificates::default();
    let mut cur: Option<Certificate> = None;
    let mut section = Section::None;
    // A CLI error anywhere (after the echo and the `^` marker line) is the answer.
    if let Some((n, e)) = text::lines(input)
        .into_iter()
        .find_map(|(n, l)| device_error(&l).map(|e| (n, e.to_string())))
    {
        return Err(ParseError::new(n, format!("device error: {e}")));
    }
    for (n, line) in text::lines(input) {
        let t = line
            .replace("<--- More --->", "")
            .replace("--More--", "")
            .trim()
            .to_string();
        if t.is_empty() || is_echo_or_prompt(&t) {
            continue;
        }
        if let Some(e) = device_error(&t) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        if let Some(kind) = is_heading(&t) {
            out.certificates.extend(cur.take());
            cur = Some(Certificate::new(kind));
            section = Section::None;
            continue;
        }
        let Some(c) = cur.as_mut() else {
            return Err(ParseError::new(
                n,
                format!("not a certificate listing (expected a `Certificate` heading): `{t}`"),
            ));
        };
        if let Some((key, v)) = key_value(&t) {
            let v_opt = (!v.is_empty()).then(|| v.to_string());
            let top = match key.as_str() {
                "status" => {
                    c.status = v_opt;
                    Some(Section::None)
                }
                k if k.starts_with("certificate serial number") => {
                    c.serial = v_opt;
                    Some(Section::None)
                }
                "certificate usage" => {
                    c.usage = v_opt;
                    Some(Section::None)
                }
                "issuer" | "issuer name" => {
                    inline_name(v, &mut c.issuer);
                    Some(Section::Issuer)
                }
                "subject" | "subject name" => {
                    inline_name(v, &mut c.subject);
                    Some(Section::Subject)
                }
                k if k.starts_with("crl distribution point") => {
                    if !v.is_empty() {
                        c.crl_distribution_points.push(v.to_string());
                    }
                    Some(Section::Crl)
                }
                "validity date" => {
                    dates_on_line(v, c);
                    Some(Section::Validity)
                }
                "associated trustpoints" | "associated trustpoint" => {
                    c.trustpoints = v.split_whitespace().map(str::to_string).collect();
                    Some(Section::None)
                }
                "storage" => {
                    c.storage = v_opt;
                    Some(Section::None)
                }
                "key label" => {
                    c.key_label = v_opt;
                    Some(Section::None)
                }
                "public key type" => {
                    c.key_type = v_opt;
                    Some(Section::None)
                }
                "signature algorithm" => {
                    c.signature_algorithm = v_opt;
                    Some(Section::None)
                }
                "version" | "key storage device" | "cert install time" | "fingerprint md5"
                | "fingerprint sha1" | "fingerprint sha256" | "key usage" => Some(Section::None),
                "subject key info" | "x509v3 extensions" | "ocsp aia" | "authority info access" => {
                    Some(Section::Skip)
                }
                _ => None,
            };
            if let Some(s) = top {
                // `Name:` / `Serial Number:` inside a subject are that subject's, not keys.
                let subject_field = section == Section::Subject
                    && matches!(key.as_str(), "name" | "serial number" | "ip address");
                if !subject_field {
                    section = s;
                    continue;
                }
            }
        }
        match section {
            Section::Issuer => {
                name_line(&t, &mut c.issuer);
            }
            Section::Subject => {
                name_line(&t, &mut c.subject);
            }
            Section::Crl => {
                let url = t.trim_start_matches(|ch: char| {
                    ch == '[' || ch == ']' || ch.is_ascii_digit() || ch == ' '
                });
                if !url.is_empty() {
                    c.crl_distribution_points.push(url.trim().to_string());
                }
            }
            Section::Validity | Section::None => {
                dates_on_line(&t, c);
            }
            Section::Skip => {}
        }
    }
    out.certificates.extend(cur);
    Ok(out)
}

fn parse_record(input: &str) -> Result<Record, ParseError> {
    parse_certificates(input).map(Record::from)
}

/// The earliest end date among the certificates, RFC 3339 in UTC (unknown zones left out).
pub fn earliest_end(r: &Certificates) -> Option<DateTime<Utc>> {
    r.certificates
        .iter()
        .filter_map(|c| c.end.as_ref()?.utc)
        .min()
}

const METRICS: &[Metric] = &[
    Metric {
        name: "cert_count",
        help: "certificates listed (CA, identity and self-signed)",
        get: |r| Certificates::of(r).map(|c| c.certificates.len().to_string()),
    },
    Metric {
        name: "cert_earliest_end",
        help: "earliest certificate end date, RFC 3339 UTC (days left need the device clock: see CERT_EXPIRING)",
        get: |r| {
            Certificates::of(r)
                .and_then(earliest_end)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        },
    },
];

/// `show crypto pki certificates [verbose] [trustpoint]`; `pem` and `storage` print other things.
const PKI_ARGS: &[Arg] = &[
    Arg::Word("verbose"),
    Arg::Name,
    Arg::Not("pem"),
    Arg::Not("storage"),
];

pub fn parsers() -> Vec<ParserSpec> {
    vec![
        ParserSpec {
            name: "crypto_pki_certificates",
            command: "show crypto pki certificates",
            args: PKI_ARGS,
            platforms: &[Platform::CiscoIos],
            parse: parse_record,
            metrics: METRICS,
        },
        ParserSpec {
            name: "crypto_ca_certificates",
            command: "show crypto ca certificates",
            args: &[Arg::Name],
            platforms: &[Platform::CiscoAsa],
            parse: parse_record,
            metrics: METRICS,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_zones() {
        let d = parse_cert_date("09:17:52 UTC Jun 22 2022").unwrap();
        assert_eq!(
            d.utc.map(|u| u.to_rfc3339()),
            Some("2022-06-22T09:17:52+00:00".into())
        );
        let k = parse_cert_date("09:17:52 KST Jun 22 2022").unwrap();
        assert_eq!(
            k.utc.map(|u| u.to_rfc3339()),
            Some("2022-06-22T00:17:52+00:00".into())
        );
        let x = parse_cert_date("09:17:52 FOO Jun 22 2022").unwrap();
        assert_eq!((x.utc, x.zone.as_deref()), (None, Some("FOO")));
        assert!(parse_cert_date("09:17:52 UTC Foo 22 2022").is_none());
        assert!(parse_cert_date("25:17:52 UTC Jun 22 2022").is_none());
    }

    #[test]
    fn flattened_validity_line() {
        let r = parse_certificates(
            "Certificate\n Status: Available\n Validity Date: start date: 00:01:22 UTC Jan 1 2020  end date: 00:01:22 UTC Jan 1 2021\n",
        )
        .unwrap();
        let c = &r.certificates[0];
        assert_eq!(
            c.start.as_ref().map(|d| d.text.as_str()),
            Some("00:01:22 UTC Jan 1 2020")
        );
        assert_eq!(
            c.end.as_ref().map(|d| d.text.as_str()),
            Some("00:01:22 UTC Jan 1 2021")
        );
    }

    #[test]
    fn junk_is_an_error_and_empty_is_no_certificate() {
        assert!(parse_certificates("hello world\n").is_err());
        assert!(parse_certificates("% Invalid input detected at '^' marker.\n").is_err());
        assert_eq!(
            parse_certificates("\n").map(|c| c.certificates.len()),
            Ok(0)
        );
    }
}
