//! `show accelerator` and `show accelerator mapi`: the application-optimizer (AO) state table
//! and, for one AO, its config items and policy-engine registration block.
//!
//! Layout (columns separated by runs of spaces; the MAPI block appears only for `show
//! accelerator mapi`, the `Accelerator Config Item` table only on 5.x):
//!
//! ```text
//! Accelerator     Licensed        Config State    Operational State
//! -----------     --------        ------------    -----------------
//! mapi            Yes             Enabled         Running
//!
//! MAPI:
//! Accelerator Config Item         Mode            Value
//! -------------------------       ----            -----
//! WanSecure Mode                  Default         Auto
//!
//! Policy Engine Config Item       Value
//! -------------------------       -----
//! State                           Registered
//! Default Action                  Use Policy
//! Connection Limit                750
//! Effective Limit                 750
//! Keepalive timeout               5.0 seconds
//! ```
//!
//! `show accelerator` may add a `Service  Config State  Operational State` table
//! (`Encryption-service`), the same shape the seed's verify output embeds.

use super::common::{
    columns, device_enum, device_lines, is_rule, maybe_cut_line, norm, unrecognised, yes_no,
    ConfigState, Line, OperState,
};
use crate::parse::{text, ParseError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

device_enum! {
    /// The policy-engine registration of an AO (`State` row).
    RegistrationState { Registered => "Registered", NotRegistered => "Not Registered" }
}

device_enum! {
    /// Which setting is in force for an `Accelerator Config Item`: configured or default.
    ConfigMode { User => "User", Default => "Default" }
}

/// One row of the AO (or service) state table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AoRow {
    /// AO name as printed, lowercase on real devices (`mapi`, `epm`, `wafs-core`,
    /// `Encryption-service` for the service table).
    pub name: String,
    /// The `Licensed` column (`Yes`/`No`); `None` for services and older releases without it.
    pub licensed: Option<bool>,
    pub config_state: ConfigState,
    pub oper_state: OperState,
}

impl AoRow {
    /// Config Enabled but not Running: the documented licensing symptom.
    pub fn enabled_not_running(&self) -> bool {
        self.config_state == ConfigState::Enabled && self.oper_state != OperState::Running
    }
}

/// One row of the `Accelerator Config Item  Mode  Value` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigItem {
    pub item: String,
    pub mode: Option<ConfigMode>,
    pub value: String,
}

/// `show accelerator`: every AO row, and the service rows when printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accelerators {
    pub accelerators: Vec<AoRow>,
    #[serde(default)]
    pub services: Vec<AoRow>,
}

impl Accelerators {
    pub fn get(&self, name: &str) -> Option<&AoRow> {
        self.accelerators
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// `show accelerator mapi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapiAccelerator {
    pub licensed: Option<bool>,
    pub config_state: ConfigState,
    pub oper_state: OperState,
    /// Policy engine `State` (`Registered`); `None` when the block is missing (truncated).
    pub registration: Option<RegistrationState>,
    pub default_action: Option<String>,
    pub connection_limit: Option<u64>,
    /// Connection limit less reserved connections.
    pub effective_limit: Option<u64>,
    /// As printed, e.g. `5.0 seconds`.
    pub keepalive_timeout: Option<String>,
    #[serde(default)]
    pub config_items: Vec<ConfigItem>,
    /// Policy-engine items this parser does not know, name → value as printed.
    #[serde(default)]
    pub other: BTreeMap<String, String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Aos,
    Services,
    Items,
    Policy,
}

#[derive(Default)]
struct Parsed {
    saw_table: bool,
    /// The first table row that could not be read (not counting a cut-off last line).
    bad_row: Option<(usize, String)>,
    aos: Vec<(usize, AoRow)>,
    services: Vec<AoRow>,
    items: Vec<ConfigItem>,
    policy: Vec<(usize, String)>,
}

fn section_of(n: &str) -> Option<Section> {
    if n.starts_with("accelerator config item") {
        Some(Section::Items)
    } else if n.starts_with("policy engine config item") {
        Some(Section::Policy)
    } else if n.starts_with("accelerator") && n.contains("config state") {
        Some(Section::Aos)
    } else if n.starts_with("service") && n.contains("config state") {
        Some(Section::Services)
    } else {
        None
    }
}

/// `mapi  Yes  Enabled  Running` (Licensed optional; Operational State may be several words).
fn ao_row(text: &str) -> Option<AoRow> {
    let w: Vec<&str> = text.split_whitespace().collect();
    let name = *w.first()?;
    if name.ends_with(':') {
        return None;
    }
    let (licensed, i) = match w.get(1).and_then(|s| yes_no(s)) {
        Some(b) => (Some(b), 2),
        None => (None, 1),
    };
    let config = *w.get(i)?;
    let oper = w.get(i + 1..)?.join(" ");
    if oper.is_empty() {
        return None;
    }
    Some(AoRow {
        name: name.to_string(),
        licensed,
        config_state: config.into(),
        oper_state: oper.as_str().into(),
    })
}

fn config_item(text: &str) -> ConfigItem {
    if let Some(cols) = columns(text) {
        if cols.len() >= 3 {
            return ConfigItem {
                item: cols[0].clone(),
                mode: Some(cols[1].as_str().into()),
                value: cols[2..].join(" "),
            };
        }
    }
    let w: Vec<&str> = text.split_whitespace().collect();
    let pos = w
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, s)| s.eq_ignore_ascii_case("user") || s.eq_ignore_ascii_case("default"))
        .map(|(i, _)| i);
    match pos {
        Some(i) => ConfigItem {
            item: w[..i].join(" "),
            mode: Some(w[i].into()),
            value: w[i + 1..].join(" "),
        },
        None => ConfigItem {
            item: w.join(" "),
            mode: None,
            value: String::new(),
        },
    }
}

/// `cut`: the number of the last line when it may be cut off (no prompt after it).
fn scan(lines: &[Line], cut: Option<usize>) -> Parsed {
    let mut p = Parsed::default();
    let mut sec = Section::None;
    for l in lines {
        let n = l.norm();
        if let Some(s) = section_of(&n) {
            if s == Section::Aos {
                p.saw_table = true;
            }
            sec = s;
            continue;
        }
        if is_rule(&l.text) {
            continue;
        }
        let t = l.text.trim();
        // `MAPI:` opens the per-AO block; it ends the state table.
        if t.ends_with(':') && !t.contains(' ') {
            sec = Section::None;
            continue;
        }
        match sec {
            Section::None => {}
            Section::Aos | Section::Services => match ao_row(t) {
                Some(mut r) if sec == Section::Services => {
                    r.licensed = None;
                    p.services.push(r);
                }
                Some(r) => p.aos.push((l.no, r)),
                None if Some(l.no) == cut => {}
                None => {
                    p.bad_row.get_or_insert((l.no, t.to_string()));
                }
            },
            Section::Items => p.items.push(config_item(t)),
            Section::Policy => p.policy.push((l.no, t.to_string())),
        }
    }
    p
}

/// `show accelerator`
pub fn parse_accelerators(text: &str) -> Result<Accelerators, ParseError> {
    let lines = device_lines(text)?;
    let cut = maybe_cut_line(text, &lines);
    let p = scan(&lines, cut);
    if !p.saw_table {
        return Err(unrecognised(
            &lines,
            "the `Accelerator  Licensed  Config State  Operational State` table",
        ));
    }
    if let Some((no, t)) = p.bad_row {
        return Err(ParseError::new(
            no,
            format!("unreadable accelerator row `{t}`"),
        ));
    }
    if p.aos.is_empty() {
        return Err(ParseError::new(
            lines.last().map(|l| l.no).unwrap_or(0),
            "accelerator table has no rows",
        ));
    }
    Ok(Accelerators {
        accelerators: p.aos.into_iter().map(|(_, r)| r).collect(),
        services: p.services,
    })
}

const POLICY_KEYS: &[&str] = &[
    "state",
    "default action",
    "connection limit",
    "effective limit",
    "keepalive timeout",
];

/// `show accelerator mapi`
pub fn parse_mapi_accelerator(text: &str) -> Result<MapiAccelerator, ParseError> {
    let lines = device_lines(text)?;
    let cut = maybe_cut_line(text, &lines);
    let p = scan(&lines, cut);
    if !p.saw_table {
        return Err(unrecognised(
            &lines,
            "the `Accelerator  Licensed  Config State  Operational State` table",
        ));
    }
    if let Some((no, t)) = p.bad_row.clone() {
        return Err(ParseError::new(
            no,
            format!("unreadable accelerator row `{t}`"),
        ));
    }
    let row = p
        .aos
        .iter()
        .find(|(_, r)| r.name.eq_ignore_ascii_case("mapi"))
        .map(|(_, r)| r.clone())
        .ok_or_else(|| match p.aos.first() {
            Some((no, r)) => {
                ParseError::new(*no, format!("expected the mapi row, found `{}`", r.name))
            }
            None => ParseError::new(
                lines.last().map(|l| l.no).unwrap_or(0),
                "accelerator table has no mapi row",
            ),
        })?;
    let mut m = MapiAccelerator {
        licensed: row.licensed,
        config_state: row.config_state,
        oper_state: row.oper_state,
        registration: None,
        default_action: None,
        connection_limit: None,
        effective_limit: None,
        keepalive_timeout: None,
        config_items: p.items,
        other: BTreeMap::new(),
    };
    for (no, line) in &p.policy {
        let w: Vec<&str> = line.split_whitespace().collect();
        let known = POLICY_KEYS.iter().find_map(|k| {
            let kw = k.split(' ').count();
            let head = w.get(..kw)?;
            (norm(&head.join(" ")) == *k).then(|| (*k, w.get(kw..).unwrap_or(&[]).join(" ")))
        });
        match known {
            Some((k, v)) => {
                let num = || {
                    v.split_whitespace()
                        .next()
                        .and_then(text::parse_u64)
                        .ok_or_else(|| {
                            ParseError::new(*no, format!("`{k}` is not a number: `{v}`"))
                        })
                };
                match k {
                    "state" => m.registration = Some(v.as_str().into()),
                    "default action" => m.default_action = Some(v),
                    "connection limit" => m.connection_limit = Some(num()?),
                    "effective limit" => m.effective_limit = Some(num()?),
                    _ => m.keepalive_timeout = Some(v),
                }
            }
            // An unknown last line with no prompt after it may be a row cut off mid-word.
            None if Some(*no) == cut && columns(line).is_none() => {}
            None => {
                let (k, v) = match columns(line) {
                    Some(c) => (c[0].clone(), c[1..].join(" ")),
                    // Collapsed spacing: a trailing number is the value.
                    None => match line.rsplit_once(' ') {
                        Some((k, v)) if text::parse_u64(v).is_some() => {
                            (k.trim().to_string(), v.to_string())
                        }
                        _ => (line.clone(), String::new()),
                    },
                };
                m.other.insert(k, v);
            }
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPI: &str = "\
WAE674#show accelerator mapi

Accelerator     Licensed        Config State    Operational State
-----------     --------        ------------    -----------------
mapi            Yes             Enabled         Running

MAPI:
Policy Engine Config Item       Value
-------------------------       -----
State                           Registered
Default Action                  Use Policy
Connection Limit                750
Effective Limit                 750
Keepalive timeout               5.0 seconds
WAE674#";

    #[test]
    fn mapi_healthy() {
        let m = parse_mapi_accelerator(MAPI).unwrap();
        assert_eq!(m.licensed, Some(true));
        assert_eq!(m.config_state, ConfigState::Enabled);
        assert_eq!(m.oper_state, OperState::Running);
        assert_eq!(m.registration, Some(RegistrationState::Registered));
        assert_eq!(m.default_action.as_deref(), Some("Use Policy"));
        assert_eq!(m.connection_limit, Some(750));
        assert_eq!(m.effective_limit, Some(750));
        assert_eq!(m.keepalive_timeout.as_deref(), Some("5.0 seconds"));
        assert!(m.other.is_empty());
    }

    #[test]
    fn mapi_collapsed_whitespace_and_items() {
        let t = "Accelerator Licensed Config State Operational State\nmapi Yes Enabled Shutdown\nMAPI:\nAccelerator Config Item Mode Value\nWanSecure Mode User Not Applicable\nPolicy Engine Config Item Value\nState Not Registered\nConnection Limit 750\nSomething New 3\nKeepalive timeout 5.0 seconds\n";
        let m = parse_mapi_accelerator(t).unwrap();
        assert_eq!(m.oper_state, OperState::Shutdown);
        assert_eq!(m.registration, Some(RegistrationState::NotRegistered));
        assert_eq!(m.config_items[0].item, "WanSecure Mode");
        assert_eq!(m.config_items[0].mode, Some(ConfigMode::User));
        assert_eq!(m.config_items[0].value, "Not Applicable");
        assert_eq!(m.other.get("Something New").map(String::as_str), Some("3"));
    }

    #[test]
    fn mapi_errors() {
        assert!(parse_mapi_accelerator("hello world\n").is_err());
        let e = parse_accelerators(
            "Accelerator Licensed Config State Operational State\ncifs Yes\nmapi Yes Enabled Running\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_mapi_accelerator(
            "Accelerator Licensed Config State Operational State\ncifs Yes Enabled Running\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_mapi_accelerator(
            "Accelerator Licensed Config State Operational State\nmapi Yes Enabled Running\nPolicy Engine Config Item Value\nConnection Limit lots\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
    }

    #[test]
    fn accelerators_table() {
        let t = "\
Accelerator     Licensed        Config State    Operational State
-----------     --------        ------------    -----------------
cifs            Yes             Enabled         Running
epm             Yes             Enabled         Running
mapi            Yes             Enabled         Shutdown
video           No              Enabled         Shutdown
wafs-core       Yes             Disabled        Shutdown

Service                         Config State    Operational State
--------------------            ------------    -----------------
Encryption-service              Enabled         Running
";
        let a = parse_accelerators(t).unwrap();
        assert_eq!(a.accelerators.len(), 5);
        assert_eq!(a.get("video").unwrap().licensed, Some(false));
        assert!(a.get("mapi").unwrap().enabled_not_running());
        assert!(!a.get("wafs-core").unwrap().enabled_not_running());
        assert_eq!(a.services.len(), 1);
        assert_eq!(a.services[0].name, "Encryption-service");
        assert_eq!(a.services[0].licensed, None);
    }
}
