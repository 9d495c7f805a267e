//! The Devices list's CSV export ("Export → Current view"): columns by their header, as the
//! export writes them (`Name`, `Status`, `Site`, `Role`, `Platform`, `IP Address`,
//! `IPv4 Address`, `Tags`) or as the API names them (`primary_ip4`). Names (of sites, roles,
//! platforms, tags) are turned into slugs as NetBox makes them.

use super::{csv_column, Column, Device, Field};
use crate::error::ConfigError;
use crate::inventory::formats::draft::Origin;
use std::path::Path;

pub fn devices(path: &Path, text: &str) -> Result<Vec<Device>, ConfigError> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rd
        .headers()
        .map_err(|e| ConfigError::io(path, format!("cannot read the CSV header: {e}")))?
        .clone();
    let columns: Vec<(Option<Column>, String)> = headers
        .iter()
        .map(|h| {
            (
                csv_column(&h.trim().to_ascii_lowercase()),
                h.trim().to_string(),
            )
        })
        .collect();
    let find = |c: Column| columns.iter().position(|(x, _)| *x == Some(c));
    if find(Column::Name).is_none() {
        return Err(Origin::line(path, Some(1), "header")
            .error("no `Name` column: export the Devices list with its Name column"));
    }
    if [Column::PrimaryIp, Column::Ipv4, Column::Ipv6]
        .iter()
        .all(|c| find(*c).is_none())
    {
        return Err(Origin::line(path, Some(1), "header").error(
            "no IP address column (`IP Address`, `IPv4 Address` or `IPv6 Address`): add one to the table view before exporting",
        ));
    }
    let mut out = Vec::new();
    for rec in rd.records() {
        // The reader's line count leaves out blank lines, and a record's byte offset is where
        // the blank lines before it start: count from its first character.
        let line_of = |p: &csv::Position| {
            let mut at = (p.byte() as usize).min(text.len());
            while text[at..].starts_with(['\n', '\r']) {
                at += 1;
            }
            text[..at].matches('\n').count() + 1
        };
        let rec = rec.map_err(|e| {
            let line = e.position().map(line_of);
            Origin::line(path, line, "row").error(format!("not CSV: {e}"))
        })?;
        let line = rec.position().map(line_of);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let field = |c: Column| -> Field {
            let i = find(c)?;
            let v = rec.get(i)?.trim();
            (!v.is_empty() && v != "—").then(|| {
                (
                    v.to_string(),
                    Origin::line(path, line, columns[i].1.clone()),
                )
            })
        };
        let tags = field(Column::Tags)
            .map(|(v, o)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| (t.to_string(), o.clone()))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Device {
            id: None,
            origin: Origin::line(path, line, "row"),
            name: field(Column::Name),
            status: field(Column::Status),
            site: field(Column::Site),
            role: field(Column::Role),
            platform: field(Column::Platform),
            ips: [
                field(Column::PrimaryIp),
                field(Column::Ipv4),
                field(Column::Ipv6),
            ],
            ip_at: [Column::PrimaryIp, Column::Ipv4, Column::Ipv6]
                .iter()
                .find_map(|c| find(*c))
                .map(|i| Origin::line(path, line, columns[i].1.clone()))
                .unwrap_or_else(|| Origin::line(path, line, "row")),
            tags,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_columns_and_lines() {
        let text = "Name,Status,Site,Role,Platform,IP Address,Tags\nr1,Active,DC1 Ams,Core Router,Cisco IOS,10.0.0.1/24,\"core,vpn\"\n\nr2,Planned,dc1,router,ios,—,\n";
        let d = devices(Path::new("d.csv"), text).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].name.as_ref().unwrap().0, "r1");
        assert_eq!(
            d[0].tags.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
            ["core", "vpn"]
        );
        let (ip, o) = d[0].ips[0].clone().unwrap();
        assert_eq!(
            (ip.as_str(), o.line, o.field.as_str()),
            ("10.0.0.1/24", Some(2), "IP Address")
        );
        assert!(d[1].ips[0].is_none());
        assert_eq!(d[1].origin.line, Some(4));
        let e = devices(Path::new("d.csv"), "Name,Site\nr1,dc1\n")
            .map(|_| ())
            .unwrap_err();
        assert!(e.message.contains("no IP address column"), "{e}");
    }
}
