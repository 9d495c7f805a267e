//! TextFSM tables in a snapshot diff, row by row: a row is identified by its template's `Key`
//! values (by its whole content when the template declares no key), and a row added, a row
//! gone or a field changed is one neutral change each: a generic template says what the
//! device printed, not which value is good.

use super::{Compare, Cx, Severity};
use crate::parse::textfsm::{table::cell_text, Row, TextfsmTable};
use std::collections::HashMap;

/// Rows by identity, in order; a repeated identity gets `#2`, `#3`… so no row hides another.
fn by_identity(t: &TextfsmTable) -> Vec<(String, &Row)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    t.rows
        .iter()
        .map(|r| {
            let id = t.identity(r);
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            let id = if *n == 1 { id } else { format!("{id} #{n}") };
            (id, r)
        })
        .collect()
}

impl Compare for TextfsmTable {
    fn compare(b: &Self, a: &Self, cx: &mut Cx) {
        let (bs, as_) = (by_identity(b), by_identity(a));
        let find = |v: &[(String, &'_ Row)], id: &str| v.iter().position(|(i, _)| i == id);
        for (id, br) in &bs {
            let subject = Some(format!("row {id}"));
            match find(&as_, id) {
                None => cx.out.push(
                    Severity::Neutral,
                    subject,
                    "presence",
                    Some("present".into()),
                    Some("absent".into()),
                    format!("row {id} is gone"),
                ),
                Some(j) => {
                    let ar = as_[j].1;
                    for (field, bv) in &br.0 {
                        let av = ar.get(field);
                        if av == Some(bv) {
                            continue;
                        }
                        let (bt, at) = (cell_text(bv), av.map(cell_text).unwrap_or_default());
                        cx.out.push(
                            Severity::Neutral,
                            subject.clone(),
                            field,
                            Some(bt.clone()),
                            Some(at.clone()),
                            format!("row {id}: {field} {bt:?} -> {at:?}"),
                        );
                    }
                }
            }
        }
        for (id, _) in &as_ {
            if find(&bs, id).is_none() {
                cx.out.push(
                    Severity::Neutral,
                    Some(format!("row {id}")),
                    "presence",
                    Some("absent".into()),
                    Some("present".into()),
                    format!("new row {id}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::snapshot::diff::tests::{k, one, N};
    use serde_json::json;

    fn intf(rows: serde_json::Value) -> serde_json::Value {
        json!({"record": "textfsm", "template": "cisco_ios_show_ip_interface_brief.textfsm",
            "rows": rows})
    }

    #[test]
    fn rows_are_matched_by_key_else_by_content() {
        let c = "show ip interface brief";
        let keyed = |status: &str, extra: bool| {
            let mut rows = vec![json!({"interface": "Gi0/0", "status": status, "proto": "up"})];
            if extra {
                rows.push(json!({"interface": "Gi0/1", "status": "up", "proto": "up"}));
            }
            let mut v = intf(json!(rows));
            v["key"] = json!(["interface"]);
            v
        };
        assert_eq!(
            one(c, keyed("up", true), keyed("administratively down", false)),
            vec![
                (N, k("d/show ip interface brief/row interface=Gi0/0/status")),
                (
                    N,
                    k("d/show ip interface brief/row interface=Gi0/1/presence")
                ),
            ]
        );
        assert!(one(c, keyed("up", true), keyed("up", true)).is_empty());
        // Without a key a changed row is one row gone and one new.
        let plain = |s: &str| intf(json!([{"interface": "Gi0/0", "status": s}]));
        assert_eq!(
            one(c, plain("up"), plain("down")),
            vec![
                (
                    N,
                    k("d/show ip interface brief/row interface=Gi0/0 status=up/presence")
                ),
                (
                    N,
                    k("d/show ip interface brief/row interface=Gi0/0 status=down/presence")
                ),
            ]
        );
    }
}
