//! `#pkts ...` counter lines: split into `#name: N` / `#name (qualifier) N` parts, the eight
//! typed counters go to their fields, every other one into `counters` by its printed name.

use super::{text, IpsecSaEntry, LineError, Parser};
use std::borrow::Cow;

/// True when a line starting with `#` is a counters line; false for a bare `#` prompt, a
/// command echoed after a prompt with no hostname (`#show crypto ipsec sa`, `# sh cry ipsec sa
/// peer 10.0.0.1`) or any other `#` text with no `#name value` part, which the caller skips.
pub(super) fn is_counters_line(t: &str) -> bool {
    let rest = t.trim_start_matches('#').trim_ascii();
    let first = rest.split_ascii_whitespace().next().unwrap_or("");
    // No counter name starts with `sh`; every abbreviation of `show` does.
    if first.is_empty() || (first.len() >= 2 && "show".starts_with(&first.to_ascii_lowercase())) {
        return false;
    }
    parts(t).any(|part| split_counter(part).is_ok_and(|c| c.is_some()))
}

/// The `#name ...` parts of a counters line: each ends at a `,` followed (after spaces) by the
/// next `#`.
fn parts(t: &str) -> impl Iterator<Item = &str> {
    let b = t.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= b.len() {
            return None;
        }
        let mut end = b.len();
        let mut j = start;
        while let Some(k) = b.get(j..).and_then(|s| s.iter().position(|&c| c == b',')) {
            let k = j + k;
            let next = b
                .get(k + 1..)
                .and_then(|s| s.iter().position(|&c| c != b' '));
            if next.is_some_and(|o| b.get(k + 1 + o) == Some(&b'#')) {
                end = k;
                break;
            }
            j = k + 1;
        }
        let part = t.get(start..end).unwrap_or("");
        start = end + 1;
        Some(part)
    })
}

/// `#pkts encaps: 4, #pkts encrypt: 4`, `#pkts no sa (send) 0`, `##pkts replay failed (rcv): 0`.
pub(super) fn counters_line(p: &mut Parser, t: &str) -> Result<(), LineError> {
    let e = p.entry();
    for part in parts(t) {
        counter(e, part)?;
    }
    Ok(())
}

/// One `#name: N` / `#name (qualifier) N` part of a counters line, into its field.
fn counter(e: &mut IpsecSaEntry, part: &str) -> Result<(), LineError> {
    let Some((name, v)) = split_counter(part)? else {
        return Ok(());
    };
    let slot = match name.as_ref() {
        "pkts encaps" => &mut e.pkts_encaps,
        "pkts encrypt" => &mut e.pkts_encrypt,
        "pkts digest" => &mut e.pkts_digest,
        "pkts decaps" => &mut e.pkts_decaps,
        "pkts decrypt" => &mut e.pkts_decrypt,
        "pkts verify" => &mut e.pkts_verify,
        "send errors" => &mut e.send_errors,
        "recv errors" => &mut e.recv_errors,
        _ => {
            e.counters.insert(name.into_owned(), v);
            return Ok(());
        }
    };
    *slot = Some(v);
    Ok(())
}

/// One `#name: N` / `#name (qualifier) N` part split into its name and value; `None` for an
/// empty part.
fn split_counter(part: &str) -> Result<Option<(Cow<'_, str>, u64)>, LineError> {
    let part = part.trim_ascii().trim_start_matches('#');
    let part = part.trim_end_matches([',', ' ']);
    if part.is_empty() {
        return Ok(None);
    }
    let split = part
        .bytes()
        .rposition(|c| c == b' ' || c == b':')
        .ok_or_else(|| LineError::CounterWithoutValue(part.to_string()))?;
    let (name, value) = (
        part.get(..split).unwrap_or(""),
        part.get(split + 1..).unwrap_or(""),
    );
    let v = num(value).ok_or_else(|| LineError::BadCounterValue(part.to_string()))?;
    let name = name.trim_ascii_end();
    let name = name.strip_suffix(':').unwrap_or(name).trim_ascii_end();
    let name: Cow<str> = if name.as_bytes().windows(2).any(|w| w == b"  ") {
        Cow::Owned(name.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Cow::Borrowed(name)
    };
    if name.is_empty() {
        return Err(LineError::CounterWithoutName(part.to_string()));
    }
    Ok(Some((name, v)))
}

/// A counter: plain digits parse without allocating; `1,234` falls back to the shared helper.
pub(super) fn num(s: &str) -> Option<u64> {
    let s = s.trim_ascii();
    s.parse::<u64>().ok().or_else(|| text::parse_u64(s))
}
