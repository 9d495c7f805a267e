//! `/api/dcim/devices/` JSON: one page (`{"count", "next", "results": […]}`), several pages
//! concatenated, a plain list of devices, or devices one per line (`jq -c '.results[]'`).
//! Each device keeps its line, so errors point into the dump.

use super::{Device, Field};
use crate::error::ConfigError;
use crate::inventory::formats::draft::Origin;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

#[derive(serde::Deserialize)]
struct Page<'a> {
    #[serde(borrow, default)]
    results: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    count: Option<u64>,
}

/// (line, column) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// Byte offsets (within `obj`) of the keys of a JSON object's top level.
fn top_keys(obj: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let b = obj.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let end = i.min(b.len());
                if depth == 1 {
                    let rest = obj[end.saturating_add(1).min(obj.len())..].trim_start();
                    if rest.starts_with(':') {
                        out.entry(obj[start + 1..end].to_string()).or_insert(start);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

pub fn devices(path: &Path, text: &str) -> Result<Vec<Device>, ConfigError> {
    let mut raws: Vec<&RawValue> = Vec::new();
    let mut counts: Vec<(u64, usize)> = Vec::new();
    let at_offset = |off: usize, field: &str| {
        let (l, c) = position(text, off);
        Origin {
            column: Some(c),
            ..Origin::line(path, Some(l), field)
        }
    };
    for item in serde_json::Deserializer::from_str(text).into_iter::<&RawValue>() {
        let raw = item.map_err(|e| ConfigError {
            line: Some(e.line()),
            column: Some(e.column()),
            ..ConfigError::io(path, format!("not NetBox JSON: {e}"))
        })?;
        let s = raw.get().trim_start();
        if s.starts_with('[') {
            let list: Vec<&RawValue> = serde_json::from_str(raw.get()).map_err(|e| {
                at_offset(offset_in(text, raw.get()), "")
                    .error(format!("not a list of NetBox devices: {e}"))
            })?;
            raws.extend(list);
        } else if s.starts_with('{') {
            let page: Page = serde_json::from_str(raw.get()).map_err(|e| {
                at_offset(offset_in(text, raw.get()), "results")
                    .error(format!("not a NetBox page: {e}"))
            })?;
            match page.results {
                Some(r) => {
                    if let Some(c) = page.count {
                        counts.push((c, offset_in(text, raw.get())));
                    }
                    raws.extend(r);
                }
                None => raws.push(raw),
            }
        } else {
            return Err(at_offset(offset_in(text, raw.get()), "")
                .error("expected NetBox pages ({\"results\": […]}) or devices"));
        }
    }
    let mut out = Vec::with_capacity(raws.len());
    let mut ids: HashMap<u64, usize> = HashMap::new();
    for raw in raws {
        let off = offset_in(text, raw.get());
        let origin = at_offset(off, "results[]");
        let v: Value = serde_json::from_str(raw.get()).map_err(|e| origin.error(e.to_string()))?;
        let Value::Object(o) = &v else {
            return Err(origin.error("a NetBox device is an object"));
        };
        let keys = top_keys(raw.get());
        let field_at = |k: &str| at_offset(off + keys.get(k).copied().unwrap_or(0), k);
        let id = o.get("id").and_then(Value::as_u64);
        if let Some(id) = id {
            if let Some(first) = ids.insert(id, origin.line.unwrap_or(0)) {
                return Err(origin.error(format!(
                    "device id {id} is also at line {first}: the same page was dumped twice"
                )));
            }
        }
        let field = |keys_: &[&str], get: fn(&Value) -> Option<String>| -> Field {
            keys_
                .iter()
                .find_map(|k| o.get(*k).and_then(get).map(|s| (s, field_at(k))))
        };
        let tags = match o.get("tags") {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(|t| slug_or_name(t).map(|s| (s, field_at("tags"))))
                .collect(),
            _ => Vec::new(),
        };
        out.push(Device {
            id,
            name: field(&["name"], |v| v.as_str().map(str::to_string)),
            status: field(&["status"], |v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Object(m) => m.get("value").and_then(Value::as_str).map(str::to_string),
                _ => None,
            }),
            site: field(&["site"], slug_or_name),
            role: field(&["role", "device_role"], slug_or_name),
            platform: field(&["platform"], slug_or_name),
            ips: [
                field(&["primary_ip"], address),
                field(&["primary_ip4"], address),
                field(&["primary_ip6"], address),
            ],
            tags,
            ip_at: ["primary_ip", "primary_ip4", "primary_ip6"]
                .iter()
                .find(|k| keys.contains_key(**k))
                .map(|k| field_at(k))
                .unwrap_or_else(|| origin.clone()),
            origin,
        });
    }
    // The first page with the largest count: where the dump starts.
    if let Some(&(count, at)) = counts.iter().rev().max_by_key(|(c, _)| *c) {
        if out.len() as u64 != count {
            return Err(at_offset(at, "count").error(format!(
                "NetBox counted {count} devices but the file holds {}: dump every page (follow `next` until it is null) and nothing else",
                out.len()
            )));
        }
    }
    Ok(out)
}

/// A related object's slug (or name), or a plain string.
fn slug_or_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m
            .get("slug")
            .or_else(|| m.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    }
}

/// An IP address object's `address` (or a plain string).
fn address(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(m) => m.get("address").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_lists_and_lines() {
        let text = "{\"count\": 2, \"next\": \"x\", \"results\": [\n {\"id\": 1, \"name\": \"a\",\n  \"primary_ip4\": {\"address\": \"10.0.0.1/24\"}}]}\n{\"count\": 2, \"next\": null, \"results\": [\n {\"id\": 2, \"name\": \"b\", \"status\": {\"value\": \"active\"}, \"site\": {\"slug\": \"dc1\"}}]}\n";
        let d = devices(Path::new("d.json"), text).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].origin.line, Some(2));
        let (ip, o) = d[0].ips[1].clone().unwrap();
        assert_eq!(
            (ip.as_str(), o.line, o.field.as_str()),
            ("10.0.0.1/24", Some(3), "primary_ip4")
        );
        assert_eq!(d[1].status.as_ref().unwrap().0, "active");
        assert_eq!(d[1].site.as_ref().unwrap().0, "dc1");
        let e = devices(Path::new("d.json"), &text[..text.find("\n{").unwrap()])
            .map(|_| ())
            .unwrap_err();
        assert!(
            e.message.contains("counted 2 devices but the file holds 1"),
            "{e}"
        );
        let twice = "[{\"id\": 5, \"name\": \"a\"},\n{\"id\": 5, \"name\": \"a\"}]";
        let e = devices(Path::new("d.json"), twice).map(|_| ()).unwrap_err();
        assert!(e.message.contains("also at line 1"), "{e}");
        assert_eq!(e.line, Some(2));
    }
}
