//! `show inventory` (IOS, IOS-XE, ASA): per unit a `NAME: "…", DESCR: "…"` line (`Name:` on the
//! ASA) then `PID: …, VID: …, SN: …`. Not from the two Cisco seed guides: the format is read from
//! real captures (genieparser and ntc-templates test outputs in `shared/fixtures`).
//!
//! ```text
//! NAME: "Chassis", DESCR: "Cisco ISR4451 Chassis"
//! PID: ISR4451-X/K9 , VID: V01 , SN: FGL172511Q5
//!
//! Name: "module 100", DESCR: "WS-SVC-ASASM-1 Adaptive Security Appliance Service Module"
//! PID: AA-AAA-111-111    , VID: V01     , SN: AAAAA11111
//! ```
//!
//! Quoted values may hold commas and colons (`"Micron 128 GB SSD MLC, Model Number: C1"`); PIDs
//! may hold spaces (`SFCT-739SMZ-CS1 G3`); any field may be empty (`VID: , SN:`). Banners
//! (`INFO: Please use "show license UDI" …`), echoes and prompts around the items are skipped.
//! An output with no item, a device error, or one that ends inside an item (a `NAME:` line
//! with no `PID:` line, or a `PID:` line without its `SN:`) is a [`ParseError`].

use super::isakmp::{device_error, is_echo_or_prompt, starts_with_ci};
use super::text;
use super::{Metric, ParseError, ParserSpec, Record};
use crate::parse::Family;
use crate::Platform;
use serde::{Deserialize, Serialize};

/// One field-replaceable unit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InventoryItem {
    /// `NAME`, as printed between the quotes (trimmed).
    pub name: String,
    /// `DESCR` (trimmed; may be empty).
    pub descr: String,
    /// `PID`; `None` when printed empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    /// `VID` (`V01`, `1.0`, `N/A` kept as printed); `None` when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vid: Option<String>,
    /// `SN`; `None` when empty or missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Inventory {
    /// In the order printed (the chassis first on every platform seen).
    pub items: Vec<InventoryItem>,
}

impl Inventory {
    /// The chassis: the first item whose name or description says `chassis`, else the first
    /// item (a stack, a fixed switch `NAME: "1"`, an ASA that lists only modules).
    pub fn chassis(&self) -> Option<&InventoryItem> {
        let says_chassis = |i: &&InventoryItem| {
            i.name.to_ascii_lowercase().contains("chassis")
                || i.descr.to_ascii_lowercase().contains("chassis")
        };
        self.items
            .iter()
            .find(says_chassis)
            .or_else(|| self.items.first())
    }
}

/// Byte offsets of `keys` (`"DESCR:"`, …) in `line`, outside double quotes, each at the start
/// of the line or after a space or comma. `None` for a key that is not there.
fn key_positions<const N: usize>(line: &str, keys: [&str; N]) -> [Option<usize>; N] {
    let mut out = [None; N];
    let mut in_quote = false;
    let mut prev: Option<char> = None;
    for (i, c) in line.char_indices() {
        if c == '"' {
            in_quote = !in_quote;
        } else if !in_quote && prev.is_none_or(|p| p == ' ' || p == ',' || p == '\t') {
            let rest = line.get(i..).unwrap_or("");
            for (k, slot) in keys.iter().zip(out.iter_mut()) {
                if slot.is_none() && starts_with_ci(rest, k) {
                    *slot = Some(i);
                }
            }
        }
        prev = Some(c);
    }
    out
}

/// The value between `start` (just after a key) and `end`: trimmed, trailing comma removed,
/// surrounding double quotes removed.
fn value(line: &str, start: usize, end: usize) -> String {
    let v = line.get(start..end).unwrap_or("").trim();
    let v = v.strip_suffix(',').unwrap_or(v).trim_end();
    let v = v.strip_prefix('"').unwrap_or(v);
    let v = v.strip_suffix('"').unwrap_or(v);
    v.trim().to_string()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// `NAME: "x", DESCR: "y"` → (name, descr, whether DESCR: was there).
fn name_line(line: &str) -> (String, String, bool) {
    let [d] = key_positions(line, ["DESCR:"]);
    // A quote inside a value can hide `DESCR:` from the quote-aware scan: look again plainly.
    let d = d.or_else(|| {
        line.to_ascii_uppercase()
            .find(", DESCR:")
            .map(|i| i + 2)
            .filter(|i| line.is_char_boundary(*i))
    });
    let name_start = "NAME:".len();
    match d {
        Some(d) => (
            value(line, name_start, d),
            value(line, d + "DESCR:".len(), line.len()),
            true,
        ),
        None => (value(line, name_start, line.len()), String::new(), false),
    }
}

/// `PID: x, VID: y, SN: z` → (pid, vid, sn, whether SN: was there).
fn pid_line(line: &str) -> (Option<String>, Option<String>, Option<String>, bool) {
    let [v, s] = key_positions(line, ["VID:", "SN:"]);
    let end_pid = v.or(s).unwrap_or(line.len());
    let pid = value(line, "PID:".len(), end_pid);
    let vid = v.map(|v| {
        value(
            line,
            v + "VID:".len(),
            s.filter(|s| *s > v).unwrap_or(line.len()),
        )
    });
    let sn = s.map(|s| value(line, s + "SN:".len(), line.len()));
    (
        non_empty(pid),
        vid.and_then(non_empty),
        sn.and_then(non_empty),
        s.is_some(),
    )
}

/// Parse `show inventory` (any of IOS, IOS-XE, ASA; also `show inventory raw`).
pub fn parse_inventory(input: &str) -> Result<Inventory, ParseError> {
    let lines = text::lines(input);
    let mut out = Inventory::default();
    // The item whose PID line is still to come, with the line number of its NAME line.
    let mut open: Option<(usize, InventoryItem)> = None;
    let mut first_unknown: Option<(usize, String)> = None;
    let mut i = 0;
    while let Some((n, line)) = lines.get(i) {
        i += 1;
        let t = line.trim();
        if t.is_empty() || is_echo_or_prompt(t) {
            continue;
        }
        if let Some(e) = device_error(t) {
            return Err(ParseError::new(*n, format!("device error: {e}")));
        }
        if starts_with_ci(t, "NAME:") {
            if let Some((_, item)) = open.take() {
                out.items.push(item); // a unit printed without a PID line
            }
            let mut full = t.to_string();
            let (mut name, mut descr, mut has_descr) = name_line(&full);
            // A description wrapped onto the next line(s): its closing quote is missing.
            while has_descr && unclosed_descr(&full) {
                match lines.get(i) {
                    Some((_, next))
                        if !next.trim().is_empty()
                            && !starts_with_ci(next.trim(), "PID:")
                            && !starts_with_ci(next.trim(), "NAME:") =>
                    {
                        full.push_str(next.trim_start());
                        i += 1;
                        (name, descr, has_descr) = name_line(&full);
                    }
                    _ => break,
                }
            }
            if !has_descr && is_last(&lines, i) {
                return Err(ParseError::new(
                    *n,
                    format!("output cut short in a NAME line: `{t}`"),
                ));
            }
            open = Some((
                *n,
                InventoryItem {
                    name,
                    descr,
                    ..InventoryItem::default()
                },
            ));
            continue;
        }
        if starts_with_ci(t, "PID:") {
            let Some((_, mut item)) = open.take() else {
                if out.items.is_empty() {
                    if first_unknown.is_none() {
                        first_unknown = Some((*n, t.to_string()));
                    }
                    continue;
                }
                return Err(ParseError::new(
                    *n,
                    format!("PID line without a NAME line before it: `{t}`"),
                ));
            };
            let (pid, vid, sn, has_sn) = pid_line(t);
            if !has_sn && is_last(&lines, i) {
                return Err(ParseError::new(
                    *n,
                    format!("output cut short in a PID line: `{t}`"),
                ));
            }
            item.pid = pid;
            item.vid = vid;
            item.sn = sn;
            out.items.push(item);
            continue;
        }
        // Banners, `Load for five secs`, `Time source is …`, test harness labels: noise.
        if first_unknown.is_none() {
            first_unknown = Some((*n, t.to_string()));
        }
    }
    if let Some((n, item)) = open {
        return Err(ParseError::new(
            n,
            format!(
                "output cut short: no PID line for `{}` at the end of the output",
                item.name
            ),
        ));
    }
    if out.items.is_empty() {
        return Err(match first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a `show inventory` output: `{l}`")),
            None => ParseError::new(0, "empty output"),
        });
    }
    Ok(out)
}

/// Whether the DESCR value of a NAME line opens a quote it does not close.
fn unclosed_descr(line: &str) -> bool {
    let [d] = key_positions(line, ["DESCR:"]);
    let Some(d) = d else {
        return false;
    };
    let v = line.get(d + "DESCR:".len()..).unwrap_or("").trim();
    v.starts_with('"') && (v.len() == 1 || !v.ends_with('"'))
}

/// Whether nothing but blank lines and prompts follows index `i`.
fn is_last(lines: &[(usize, String)], i: usize) -> bool {
    lines
        .get(i..)
        .unwrap_or(&[])
        .iter()
        .all(|(_, l)| l.trim().is_empty() || is_echo_or_prompt(l))
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const INVENTORY_METRICS: &[Metric] = &[
    Metric {
        name: "inventory_chassis_pid",
        help: "chassis product id from show inventory (ISR4451-X/K9, ASA5555)",
        get: |r| Inventory::of(r).and_then(|x| x.chassis().and_then(|c| c.pid.clone())),
    },
    Metric {
        name: "inventory_chassis_serial",
        help: "chassis serial number from show inventory",
        get: |r| Inventory::of(r).and_then(|x| x.chassis().and_then(|c| c.sn.clone())),
    },
    Metric {
        name: "inventory_items",
        help: "number of units show inventory lists (chassis, modules, power supplies, optics)",
        get: |r| Inventory::of(r).map(|x| x.items.len().to_string()),
    },
];

fn parse_record(t: &str) -> Result<Record, ParseError> {
    parse_inventory(t).map(Record::Inventory)
}

pub fn parsers() -> Vec<ParserSpec> {
    vec![ParserSpec {
        name: "inventory",
        command: "show inventory",
        args: &[],
        platforms: &[Platform::CiscoIos, Platform::CiscoAsa],
        parse: parse_record,
        metrics: INVENTORY_METRICS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    const XE: &str = "\nRouter#show inventory\n\
+++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++\n\
INFO: Please use \"show license UDI\" to get serial number for licensing.\n\
+++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++\n\n\
NAME: \"Chassis\", DESCR: \"Cisco ISR4451 Chassis\"\n\
PID: ISR4451-X/K9 , VID: V01 , SN: FGL172511Q5\n\n\
NAME: \"Power Supply Module 0\", DESCR: \"450W AC Power Supply for Cisco ISR4450, ISR4350\"\n\
PID: PWR-4450-AC , VID: V01 , SN: DCA1645X0EK\n\n\
NAME: \"Fan Tray\", DESCR: \"Cisco ISR4450, ISR4350 Fan Assembly\"\n\
PID: ACS-4450-FANASSY , VID: , SN:\nRouter#\n";

    #[test]
    fn xe_items_banner_and_empty_fields() {
        let inv = parse_inventory(XE).unwrap();
        assert_eq!(inv.items.len(), 3);
        let c = inv.chassis().unwrap();
        assert_eq!(c.name, "Chassis");
        assert_eq!(c.pid.as_deref(), Some("ISR4451-X/K9"));
        assert_eq!(c.vid.as_deref(), Some("V01"));
        assert_eq!(c.sn.as_deref(), Some("FGL172511Q5"));
        assert_eq!(
            inv.items[1].descr,
            "450W AC Power Supply for Cisco ISR4450, ISR4350"
        );
        assert_eq!(inv.items[2].pid.as_deref(), Some("ACS-4450-FANASSY"));
        assert_eq!(inv.items[2].vid, None);
        assert_eq!(inv.items[2].sn, None);
    }

    #[test]
    fn asa_quotes_colons_spaces_in_pid() {
        let inv = parse_inventory(
            "Name: \"Storage Device 1\", DESCR: \"Micron 128 GB SSD MLC, Model Number: C11111-AAAAAAAA\"\r\n\
PID: N/A, VID: N/A, SN: AAAAA11111\r\n\r\n\
Name: \"GigabitEthernet1/0\", DESCR: \"\"\r\n\
PID: SFCT-739SMZ-CS1 G3, VID: G3.1, SN: JMX8318372GB     \r\n",
        )
        .unwrap();
        assert_eq!(
            inv.items[0].descr,
            "Micron 128 GB SSD MLC, Model Number: C11111-AAAAAAAA"
        );
        assert_eq!(inv.items[0].pid.as_deref(), Some("N/A"));
        assert_eq!(inv.items[1].descr, "");
        assert_eq!(inv.items[1].pid.as_deref(), Some("SFCT-739SMZ-CS1 G3"));
        assert_eq!(inv.items[1].vid.as_deref(), Some("G3.1"));
        assert_eq!(inv.items[1].sn.as_deref(), Some("JMX8318372GB"));
        // No item says chassis: the first one stands for it.
        assert_eq!(inv.chassis().unwrap().name, "Storage Device 1");
    }

    #[test]
    fn wide_gaps_blank_line_before_pid_and_wrapped_descr() {
        let inv = parse_inventory(
            "NAME: \"WS-C6504-E\", DESCR: \"Cisco Systems Cisco 6500 4-slot Chassis System\"\n\
PID: WS-C6504-E        ,                     VID: V01, SN: FXS1712Q1R8\n\n\
NAME: \"ME1200\", DESCR: \"Network Interface Device\"\n\nPID: ME1200-4S-A , VID: V01 , SN: RTC213800DC\n\
NAME: \"1\", DESCR: \"A very long description that the termi\n\
nal wrapped\"\nPID: X-1 , VID: , SN: ABC\n",
        )
        .unwrap();
        assert_eq!(inv.items.len(), 3);
        assert_eq!(inv.items[0].pid.as_deref(), Some("WS-C6504-E"));
        assert_eq!(inv.items[0].vid.as_deref(), Some("V01"));
        assert_eq!(inv.items[1].sn.as_deref(), Some("RTC213800DC"));
        assert_eq!(
            inv.items[2].descr,
            "A very long description that the terminal wrapped"
        );
        assert_eq!(inv.items[2].pid.as_deref(), Some("X-1"));
    }

    #[test]
    fn errors_and_truncation() {
        assert_eq!(parse_inventory("").unwrap_err().line, 0);
        assert_eq!(parse_inventory("hello world\n").unwrap_err().line, 1);
        let e = parse_inventory("r1#show inventroy\n% Invalid input detected at '^' marker.\n")
            .unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_inventory("NAME: \"Chassis\", DESCR: \"x\"\nPID: A , VID: V01 , SN: 1\nNAME: \"PSU\", DESCR: \"y\"\n")
            .unwrap_err();
        assert!(e.message.contains("cut short"), "{e}");
        let e = parse_inventory("NAME: \"Chassis\", DESCR: \"x\"\nPID: A , VID: V0").unwrap_err();
        assert!(e.message.contains("cut short"), "{e}");
        let e = parse_inventory("NAME: \"Chas").unwrap_err();
        assert!(e.message.contains("cut short"), "{e}");
        for i in 0..XE.len() {
            let _ = parse_inventory(XE.get(..i).unwrap_or(""));
        }
    }
}
