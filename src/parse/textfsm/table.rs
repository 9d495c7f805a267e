//! The TextFSM record and how one output becomes it: every template of a [`TemplateSet`] is
//! run on the text and the tables are joined the way ntc-templates' CliTable joins them.

use super::library::{Compiled, TemplateSet};
use crate::parse::ParseError;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value as Json;

/// The rows a template set read from one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextfsmTable {
    /// The template file(s), `:`-joined as in an ntc-templates index.
    pub template: String,
    /// The template's `Key` fields (lowercased): what identifies a row in a snapshot diff;
    /// empty when the template declares none (rows are then identified by their content).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    pub rows: Vec<Row>,
}

/// One row: (lowercased field, value) in the template's field order. A value is a string, or
/// for a `List` field an array (of strings, or of objects for nested named groups).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row(pub Vec<(String, Json)>);

impl Row {
    pub fn get(&self, field: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == field).map(|(_, v)| v)
    }

    /// The row as the JSON object ntc-templates' `parse_output` gives.
    pub fn to_json(&self) -> Json {
        Json::Object(self.0.iter().cloned().collect())
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Row, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Row;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a TextFSM row (an object of fields)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Row, A::Error> {
                // Entries in document order: a snapshot read back keeps the template's order.
                let mut v = Vec::new();
                while let Some(e) = a.next_entry::<String, Json>()? {
                    v.push(e);
                }
                Ok(Row(v))
            }
        }
        d.deserialize_map(V)
    }
}

impl TextfsmTable {
    /// The rows as the JSON array `fleetpoll parse --textfsm` prints.
    pub fn rows_json(&self) -> Json {
        Json::Array(self.rows.iter().map(Row::to_json).collect())
    }

    /// A row's identity in a diff: its `Key` values, or (no key) its whole content.
    pub fn identity(&self, row: &Row) -> String {
        if self.key.is_empty() {
            return row
                .0
                .iter()
                .map(|(k, v)| format!("{k}={}", cell_text(v)))
                .collect::<Vec<_>>()
                .join(" ");
        }
        self.key
            .iter()
            .map(|k| format!("{k}={}", row.get(k).map(cell_text).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A cell for messages and keys: a string as is, a list as `[a, b]`.
pub fn cell_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(cell_text).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

/// One template's output before joining: its fields (as written), keys and rows.
struct Part {
    header: Vec<String>,
    keys: Vec<String>,
    rows: Vec<Vec<Json>>,
}

fn cell(v: &textfsm_core::Value) -> Json {
    use textfsm_core::{ListItem, Value};
    match v {
        Value::Empty => Json::String(String::new()),
        Value::Single(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(
            items
                .iter()
                .map(|i| match i {
                    ListItem::String(s) => Json::String(s.clone()),
                    ListItem::Dict(d) => Json::Object(
                        d.iter()
                            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                            .collect(),
                    ),
                })
                .collect(),
        ),
    }
}

fn run(t: &Compiled, text: &str) -> Result<Part, ParseError> {
    let rows = t
        .template
        .parser()
        .parse_text(text)
        .map_err(|e| ParseError::new(0, format!("template {}: {e}", t.name)))?;
    Ok(Part {
        header: t.header.clone(),
        keys: t.keys.clone(),
        rows: rows.iter().map(|r| r.iter().map(cell).collect()).collect(),
    })
}

/// CliTable's join of a later template's table into the first (Python textfsm's
/// `TextTable.extend`): its new columns are added; with key columns (the first template's
/// `Key` values, else the first later one's) a row takes the values of the first later row
/// whose keys are equal, without keys rows are joined by position. Rows of later tables that
/// match nothing are dropped, as upstream does.
fn extend(a: &mut Part, b: Part) -> Result<(), ParseError> {
    if a.keys.is_empty() {
        a.keys = b.keys.clone();
    }
    let new: Vec<usize> = (0..b.header.len())
        .filter(|&i| !a.header.contains(&b.header[i]))
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    let width = a.header.len();
    for &i in &new {
        a.header.push(b.header[i].clone());
    }
    for r in &mut a.rows {
        r.resize(a.header.len(), Json::String(String::new()));
    }
    if a.keys.is_empty() {
        for (r1, r2) in a.rows.iter_mut().zip(&b.rows) {
            for (j, &i) in new.iter().enumerate() {
                r1[width + j] = r2[i].clone();
            }
        }
        return Ok(());
    }
    let pos = |h: &[String], k: &String| h.iter().position(|x| x == k);
    let mut pairs = Vec::new();
    for k in &a.keys {
        let (Some(x), y) = (pos(&a.header, k), pos(&b.header, k)) else {
            return Err(ParseError::new(
                0,
                format!("key `{k}` is not a field of the first template"),
            ));
        };
        pairs.push((x, y));
    }
    for r1 in &mut a.rows {
        let hit = b.rows.iter().find(|r2| {
            pairs
                .iter()
                .all(|&(x, y)| y.is_some_and(|y| r1[x] == r2[y]))
        });
        if let Some(r2) = hit {
            for (j, &i) in new.iter().enumerate() {
                r1[width + j] = r2[i].clone();
            }
        }
    }
    Ok(())
}

impl TemplateSet {
    /// Run the set on one output. A template's `Error` action is a [`ParseError`]; an output
    /// no rule matches is an empty table, as ntc-templates gives.
    pub fn parse(&self, text: &str) -> Result<TextfsmTable, ParseError> {
        let mut parts = self.parts.iter();
        let Some(first) = parts.next() else {
            return Err(ParseError::new(0, "no template"));
        };
        let mut table = run(first, text)?;
        for t in parts {
            extend(&mut table, run(t, text)?)?;
        }
        let header: Vec<String> = table.header.iter().map(|h| h.to_lowercase()).collect();
        Ok(TextfsmTable {
            template: self.name(),
            key: table.keys.iter().map(|k| k.to_lowercase()).collect(),
            rows: table
                .rows
                .into_iter()
                .map(|r| Row(header.iter().cloned().zip(r).collect()))
                .collect(),
        })
    }
}
