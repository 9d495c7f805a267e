//! The CSV files the binary writes, read by column name.

use std::path::Path;

/// The header and rows of the CSV file at `csv`.
pub fn read(csv: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut rd = csv::Reader::from_path(csv).unwrap_or_else(|e| panic!("{}: {e}", csv.display()));
    let headers = rd.headers().unwrap().clone();
    let rows = rd.records().map(|r| r.unwrap()).collect();
    (headers, rows)
}

/// Where the column `name` is in `headers`.
#[track_caller]
pub fn position(headers: &csv::StringRecord, name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// Every row's value in the column `name`.
#[track_caller]
pub fn column(csv: &Path, name: &str) -> Vec<String> {
    let (headers, rows) = read(csv);
    let i = position(&headers, name);
    rows.iter().map(|r| r[i].to_string()).collect()
}
