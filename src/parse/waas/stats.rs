//! `show statistics accelerator mapi` and `show statistics accelerator epm`: an AO's global
//! `Name:  value` counters under an `MAPI:` / `EPM:` heading.
//!
//! Layout, reconstructed from the seed's flattened sample (one counter per line, names left,
//! values in a column):
//!
//! ```text
//! MAPI:
//! Global Statistics
//! -----------------
//! Time Accelerator was started:                            Thu Nov  5 19:45:19 2009
//! Time Statistics were Last Reset/Cleared:                 Thu Nov  5 19:45:19 2009
//! Total Handled Connections:                               8615
//! Total Optimized Connections:                             8614
//! ...
//! Secured Connections:                                     1
//! Lower than 2000 Sessions:                                0
//! Higher than 2007 Sessions:                               0
//! ```

use super::common::{device_lines, is_rule, leading_u64, maybe_cut_line, split_kv, Line};
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counters every AO prints at the top of its global statistics.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AoGlobal {
    /// `Time Accelerator was started`, as printed with runs of spaces collapsed.
    pub started: Option<String>,
    /// `Time Statistics were Last Reset/Cleared`, as printed with runs of spaces collapsed.
    pub last_reset: Option<String>,
    pub total_handled: Option<u64>,
    pub total_optimized: Option<u64>,
    /// `Total Connections Handed-off with Compression Policies Unchanged` (to the generic AO).
    pub total_handed_off: Option<u64>,
    pub total_dropped: Option<u64>,
    pub current_active: Option<u64>,
    pub current_pending: Option<u64>,
    pub max_active: Option<u64>,
}

/// `show statistics accelerator mapi`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MapiStats {
    #[serde(flatten)]
    pub global: AoGlobal,
    /// Synch-get / read-stream / read-ahead buffer statistics (boxed: rarely read, and it
    /// keeps `Record` small).
    pub buffers: Box<MapiBufferStats>,
    pub local_response_count: Option<u64>,
    pub avg_local_response_usec: Option<u64>,
    pub remote_response_count: Option<u64>,
    pub avg_remote_response_usec: Option<u64>,
    pub current_2000_sessions: Option<u64>,
    pub current_2003_sessions: Option<u64>,
    pub current_2007_sessions: Option<u64>,
    /// Encrypted connections the MAPI AO did not accelerate (handed to the generic AO).
    pub secured_connections: Option<u64>,
    pub lower_than_2000_sessions: Option<u64>,
    pub higher_than_2007_sessions: Option<u64>,
    /// Numeric counters this parser does not name (other releases), by printed name.
    #[serde(default)]
    pub other: BTreeMap<String, u64>,
}

impl MapiStats {
    /// Sessions from clients older than Outlook 2000 or newer than 2007 (not accelerated).
    pub fn unsupported_clients(&self) -> Option<u64> {
        match (
            self.lower_than_2000_sessions,
            self.higher_than_2007_sessions,
        ) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0))),
        }
    }
}

/// The buffer-size statistics of `show statistics accelerator mapi`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MapiBufferStats {
    pub synch_get_buffer_requests: Option<u64>,
    pub min_synch_get_buffer_bytes: Option<u64>,
    pub max_synch_get_buffer_bytes: Option<u64>,
    pub avg_synch_get_buffer_bytes: Option<u64>,
    pub read_stream_requests: Option<u64>,
    pub min_read_stream_buffer_bytes: Option<u64>,
    pub max_read_stream_buffer_bytes: Option<u64>,
    pub avg_read_stream_buffer_bytes: Option<u64>,
    pub min_read_ahead_bytes: Option<u64>,
    pub max_read_ahead_bytes: Option<u64>,
    pub avg_read_ahead_bytes: Option<u64>,
}

/// `show statistics accelerator epm`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EpmStats {
    #[serde(flatten)]
    pub global: AoGlobal,
    pub requests_parsed: Option<u64>,
    pub responses_parsed: Option<u64>,
    /// Numeric counters this parser does not name, by printed name.
    #[serde(default)]
    pub other: BTreeMap<String, u64>,
}

/// One `Name: value` line: its number, printed name, normalized name and value text.
struct Kv<'a> {
    no: usize,
    name: String,
    key: String,
    value: &'a str,
}

/// The counters of an AO statistics output whose heading (if printed) is `expect:`.
/// `cut`: the last line's number when it may be cut off (no prompt after it).
fn counters<'a>(
    lines: &'a [Line],
    expect: &str,
    cut: Option<usize>,
) -> Result<Vec<Kv<'a>>, ParseError> {
    let mut out = Vec::new();
    for l in lines {
        if is_rule(&l.text) {
            continue;
        }
        let Some((key, value)) = split_kv(&l.text) else {
            continue;
        };
        let name = l
            .text
            .split_once(':')
            .map(|(k, _)| k.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        if value.is_empty() && Some(l.no) == cut {
            continue;
        }
        if value.is_empty() && !key.contains(' ') {
            // An AO heading (`MAPI:`): another AO's statistics is the wrong output.
            if out.is_empty() && !key.eq_ignore_ascii_case(expect) {
                return Err(ParseError::new(
                    l.no,
                    format!(
                        "statistics for `{name}`, expected `{}`",
                        expect.to_uppercase()
                    ),
                ));
            }
            continue;
        }
        out.push(Kv {
            no: l.no,
            name,
            key,
            value,
        });
    }
    Ok(out)
}

fn number(kv: &Kv<'_>) -> Result<u64, ParseError> {
    leading_u64(kv.value).ok_or_else(|| {
        ParseError::new(
            kv.no,
            format!("counter `{}` is not a number: `{}`", kv.name, kv.value),
        )
    })
}

/// Fill a common AO counter; `Ok(false)` when `key` is not one.
fn global_field(g: &mut AoGlobal, kv: &Kv<'_>) -> Result<bool, ParseError> {
    let slot = match kv.key.as_str() {
        "time accelerator was started" => {
            g.started = Some(kv.value.split_whitespace().collect::<Vec<_>>().join(" "));
            return Ok(true);
        }
        "time statistics were last reset/cleared" => {
            g.last_reset = Some(kv.value.split_whitespace().collect::<Vec<_>>().join(" "));
            return Ok(true);
        }
        "total handled connections" => &mut g.total_handled,
        "total optimized connections" => &mut g.total_optimized,
        "total connections handed-off with compression policies unchanged" => {
            &mut g.total_handed_off
        }
        "total dropped connections" => &mut g.total_dropped,
        "current active connections" => &mut g.current_active,
        "current pending connections" => &mut g.current_pending,
        "maximum active connections" => &mut g.max_active,
        _ => return Ok(false),
    };
    *slot = Some(number(kv)?);
    Ok(true)
}

/// `show statistics accelerator mapi`
pub fn parse_mapi_stats(text: &str) -> Result<MapiStats, ParseError> {
    let lines = device_lines(text)?;
    let kvs = counters(&lines, "mapi", maybe_cut_line(text, &lines))?;
    let mut s = MapiStats::default();
    let mut known = 0usize;
    for kv in &kvs {
        if global_field(&mut s.global, kv)? {
            known += 1;
            continue;
        }
        let slot = match kv.key.as_str() {
            "number of synch get buffer requests" => &mut s.buffers.synch_get_buffer_requests,
            "minimum synch get buffer size (bytes)" => &mut s.buffers.min_synch_get_buffer_bytes,
            "maximum synch get buffer size (bytes)" => &mut s.buffers.max_synch_get_buffer_bytes,
            "average synch get buffer size (bytes)" => &mut s.buffers.avg_synch_get_buffer_bytes,
            "number of read stream requests" => &mut s.buffers.read_stream_requests,
            "minimum read stream buffer size (bytes)" => {
                &mut s.buffers.min_read_stream_buffer_bytes
            }
            "maximum read stream buffer size (bytes)" => {
                &mut s.buffers.max_read_stream_buffer_bytes
            }
            "average read stream buffer size (bytes)" => {
                &mut s.buffers.avg_read_stream_buffer_bytes
            }
            "minimum accumulated read ahead data size (bytes)" => {
                &mut s.buffers.min_read_ahead_bytes
            }
            "maximum accumulated read ahead data size (bytes)" => {
                &mut s.buffers.max_read_ahead_bytes
            }
            "average accumulated read ahead data size (bytes)" => {
                &mut s.buffers.avg_read_ahead_bytes
            }
            "local response count" => &mut s.local_response_count,
            "average local response time (usec)" => &mut s.avg_local_response_usec,
            "remote response count" => &mut s.remote_response_count,
            "average remote response time (usec)" => &mut s.avg_remote_response_usec,
            "current 2000 accelerated sessions" => &mut s.current_2000_sessions,
            "current 2003 accelerated sessions" => &mut s.current_2003_sessions,
            "current 2007 accelerated sessions" => &mut s.current_2007_sessions,
            "secured connections" => &mut s.secured_connections,
            "lower than 2000 sessions" => &mut s.lower_than_2000_sessions,
            "higher than 2007 sessions" => &mut s.higher_than_2007_sessions,
            _ => {
                if let Some(v) = leading_u64(kv.value) {
                    s.other.insert(kv.name.clone(), v);
                }
                continue;
            }
        };
        *slot = Some(number(kv)?);
        known += 1;
    }
    if known == 0 {
        return Err(no_counters(&lines, "MAPI"));
    }
    Ok(s)
}

/// `show statistics accelerator epm`
pub fn parse_epm_stats(text: &str) -> Result<EpmStats, ParseError> {
    let lines = device_lines(text)?;
    let kvs = counters(&lines, "epm", maybe_cut_line(text, &lines))?;
    let mut s = EpmStats::default();
    let mut known = 0usize;
    for kv in &kvs {
        if global_field(&mut s.global, kv)? {
            known += 1;
            continue;
        }
        let slot = match kv.key.as_str() {
            "total requests successfully parsed" => &mut s.requests_parsed,
            "total responses successfully parsed" => &mut s.responses_parsed,
            _ => {
                if let Some(v) = leading_u64(kv.value) {
                    s.other.insert(kv.name.clone(), v);
                }
                continue;
            }
        };
        *slot = Some(number(kv)?);
        known += 1;
    }
    if known == 0 {
        return Err(no_counters(&lines, "EPM"));
    }
    Ok(s)
}

fn no_counters(lines: &[Line], ao: &str) -> ParseError {
    match lines.first() {
        Some(l) => ParseError::new(
            l.no,
            format!(
                "no {ao} accelerator counters; first line `{}`",
                l.text.trim()
            ),
        ),
        None => ParseError::new(0, format!("no {ao} accelerator counters")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapi_counters_and_annotation() {
        let t = "wae# sh stat accel mapi\nMAPI:\nGlobal Statistics\n-----------------\nTime Accelerator was started:   Thu Nov  5 19:45:19 2009\nTotal Handled Connections:   8615\nSecured Connections:  1 <-----  Encrypted connections\nLower than 2000 Sessions: 2\nSome New Counter: 7\nwae#";
        let s = parse_mapi_stats(t).unwrap();
        assert_eq!(s.global.started.as_deref(), Some("Thu Nov 5 19:45:19 2009"));
        assert_eq!(s.global.total_handled, Some(8615));
        assert_eq!(s.secured_connections, Some(1));
        assert_eq!(s.unsupported_clients(), Some(2));
        assert_eq!(s.other.get("Some New Counter"), Some(&7));
    }

    #[test]
    fn wrong_ao_and_garbage_are_errors() {
        let e = parse_mapi_stats("CIFS:\nGlobal Statistics\nTotal Handled Connections: 3\n")
            .unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_mapi_stats("banner text\nnothing here\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_mapi_stats("MAPI:\nTotal Handled Connections: many\n").unwrap_err();
        assert_eq!(e.line, 2);
        // an empty value on a cut-off last line is truncation
        let s = parse_mapi_stats("MAPI:\nTotal Handled Connections: 5\nTotal Dropped Connections:")
            .unwrap();
        assert_eq!(s.global.total_dropped, None);
        let e = parse_mapi_stats(
            "MAPI:\nTotal Handled Connections: 5\nTotal Dropped Connections:\nwae#",
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn epm_counters() {
        let s = parse_epm_stats("EPM:\nGlobal Statistics\n-----------------\nTotal Handled Connections: 12\nTotal Requests Successfully Parsed: 11\nTotal Responses Successfully Parsed: 10\n").unwrap();
        assert_eq!(s.global.total_handled, Some(12));
        assert_eq!(s.requests_parsed, Some(11));
        assert_eq!(s.responses_parsed, Some(10));
    }
}
