//! Filesystem-safe, unique names for device folders and command files.
//!
//! Inventory names are validated (no commas, no control characters) but may hold `/`, spaces
//! or non-ASCII letters, and two names may differ only by case (one folder on a
//! case-insensitive filesystem). A device folder is the name with every character outside
//! `[A-Za-z0-9._-]` replaced by `_` (no leading dot, at most 64 characters); when that changed
//! the name, or two names would share a folder ignoring case, `-` and the first 8 hex digits of
//! the name's SHA-256 are appended, so different names never share a folder.

use std::collections::{HashMap, HashSet};

const MAX: usize = 64;

fn sanitize(name: &str, max: usize) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(max)
        .collect();
    if s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s.is_empty() {
        s.push_str("device");
    }
    s
}

/// Names Windows refuses as file names, whatever the extension.
fn reserved(s: &str) -> bool {
    let stem = s.split('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// One folder name per device name, in the same order; all distinct, even ignoring case.
pub fn device_dirs(names: &[&str]) -> Vec<String> {
    let bases: Vec<String> = names.iter().map(|n| sanitize(n, MAX)).collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for b in &bases {
        *count.entry(b.to_ascii_lowercase()).or_default() += 1;
    }
    let mut out = Vec::with_capacity(names.len());
    let mut used: HashSet<String> = HashSet::new();
    for (name, base) in names.iter().zip(bases) {
        let clash = count.get(&base.to_ascii_lowercase()).copied().unwrap_or(0) > 1;
        let mut slug = if base != *name || clash || reserved(&base) {
            let h = crate::util::sha256_hex(name.as_bytes());
            format!("{base}-{}", &h[..8])
        } else {
            base
        };
        // A hash-prefix collision is astronomically unlikely; stay correct anyway.
        let mut n = 2;
        while used.contains(&slug.to_ascii_lowercase()) {
            slug = format!("{slug}-{n}");
            n += 1;
        }
        used.insert(slug.to_ascii_lowercase());
        out.push(slug);
    }
    out
}

/// File stem for the `index`-th (1-based) command of a device: `03_show_crypto_isakmp_sa`.
pub fn command_stem(index: usize, command: &str) -> String {
    let mut s = String::new();
    let mut last_us = true;
    for c in command.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
            s.push(c.to_ascii_lowercase());
            last_us = false;
        } else if !last_us {
            s.push('_');
            last_us = true;
        }
    }
    while s.ends_with('_') {
        s.pop();
    }
    let s: String = s.chars().take(60).collect();
    format!("{index:02}_{}", if s.is_empty() { "command" } else { &s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_kept() {
        assert_eq!(
            device_dirs(&["rtr-01", "wae_2.dc"]),
            vec!["rtr-01", "wae_2.dc"]
        );
    }

    #[test]
    fn unsafe_names_are_sanitized_and_made_unique() {
        let d = device_dirs(&[
            "dc1/rtr-01",
            "dc1_rtr-01",
            "..",
            "a b",
            "RTR",
            "rtr",
            "nul",
            "",
        ]);
        for s in &d {
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
                "{s}"
            );
            assert!(!s.starts_with('.'), "{s}");
        }
        assert!(d[0].starts_with("dc1_rtr-01-"), "{}", d[0]);
        // `dc1_rtr-01` clashes with the sanitized `dc1/rtr-01`: both get a hash.
        assert!(d[1].starts_with("dc1_rtr-01-"), "{}", d[1]);
        assert_ne!(d[0], d[1]);
        assert!(d[2].starts_with("_.-"), "{}", d[2]);
        assert!(
            d[4].starts_with("RTR-") && d[5].starts_with("rtr-"),
            "{d:?}"
        );
        assert!(d[6].starts_with("nul-"), "{}", d[6]);
        assert!(d[7].starts_with("device-"), "{}", d[7]);
        let lower: HashSet<String> = d.iter().map(|s| s.to_ascii_lowercase()).collect();
        assert_eq!(lower.len(), d.len(), "{d:?}");
        // Deterministic.
        assert_eq!(
            d,
            device_dirs(&[
                "dc1/rtr-01",
                "dc1_rtr-01",
                "..",
                "a b",
                "RTR",
                "rtr",
                "nul",
                ""
            ])
        );
    }

    #[test]
    fn long_names_are_bounded() {
        let long = "x".repeat(300);
        let d = device_dirs(&[&long]);
        assert!(d[0].len() <= MAX + 9, "{}", d[0].len());
    }

    #[test]
    fn command_stems() {
        assert_eq!(
            command_stem(3, "show crypto isakmp sa"),
            "03_show_crypto_isakmp_sa"
        );
        assert_eq!(
            command_stem(12, "show crypto ipsec sa peer 10.0.0.1 | inc pkts"),
            "12_show_crypto_ipsec_sa_peer_10.0.0.1_inc_pkts"
        );
        assert_eq!(
            command_stem(1, "show run all sysopt"),
            "01_show_run_all_sysopt"
        );
        assert_eq!(command_stem(1, "|||"), "01_command");
    }
}
