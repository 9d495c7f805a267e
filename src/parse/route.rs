//! Command routing: which registered parser reads a command's output. Routing is exact: a
//! parser names the argument words it reads (their layout is the one it parses); any other
//! trailing word (`brief`, `summary`, `count`, `pem`, `identity` …) changes the layout, so the
//! command gets no parser (raw) rather than a shorter command's parser.

use super::{registry, ParserSpec};
use crate::Platform;

/// One argument word a parser accepts after its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// A keyword on its own (`detail`, `verbose`, `ipv6`).
    Word(&'static str),
    /// A keyword followed by up to `n` values (`peer 10.0.0.1`, `interface Tunnel 1`). The
    /// values are optional so that a keyword the output does not depend on may stand alone, as
    /// test-case names do (`show crypto ipsec sa peer detail`).
    Key(&'static str, u8),
    /// One free word, such as a trustpoint name (`show crypto pki certificates TP-1`).
    Name,
    /// A word that changes the layout even where [`Arg::Name`] would take it (`pem`).
    Not(&'static str),
}

/// Lowercase, collapse whitespace, drop an output filter (`| include ...`).
pub fn normalize_command(cmd: &str) -> String {
    let cmd = cmd.split('|').next().unwrap_or("");
    cmd.split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `words` (the normalized words after a parser's command) are all arguments of
/// `args`.
pub fn accepts(args: &[Arg], words: &[&str]) -> bool {
    let keyword = |w: &str| {
        args.iter()
            .any(|a| matches!(a, Arg::Word(k) | Arg::Key(k, _) if *k == w))
    };
    let mut free = args.iter().filter(|a| matches!(a, Arg::Name)).count();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        i += 1;
        if args.iter().any(|a| matches!(a, Arg::Not(k) if *k == w)) {
            return false;
        }
        match args
            .iter()
            .find(|a| matches!(a, Arg::Word(k) | Arg::Key(k, _) if *k == w))
        {
            Some(Arg::Key(_, n)) => {
                let mut taken = 0;
                while taken < *n && i < words.len() && !keyword(words[i]) {
                    i += 1;
                    taken += 1;
                }
            }
            Some(_) => {}
            None if free > 0 => free -= 1,
            None => return false,
        }
    }
    true
}

/// The parser for `command` on `platform`: the registered command it starts with whose
/// parser accepts every word after it; the longest such command when several do.
pub fn lookup(platform: Platform, command: &str) -> Option<&'static ParserSpec> {
    let cmd = normalize_command(command);
    let words: Vec<&str> = cmd.split(' ').filter(|w| !w.is_empty()).collect();
    let fam = platform.family();
    registry()
        .iter()
        .filter(|s| s.platforms.contains(&fam))
        .filter(|s| {
            let own = s.command.split(' ').count();
            words.len() >= own
                && words[..own].join(" ") == s.command
                && accepts(s.args, &words[own..])
        })
        .max_by_key(|s| s.command.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_take_their_values_and_nothing_else() {
        let a = &[Arg::Word("detail"), Arg::Key("peer", 1)];
        assert!(accepts(a, &[]));
        assert!(accepts(a, &["detail"]));
        assert!(accepts(a, &["peer", "10.0.0.1", "detail"]));
        assert!(accepts(a, &["peer", "detail"]));
        assert!(!accepts(a, &["peer", "10.0.0.1", "10.0.0.2"]));
        assert!(!accepts(a, &["brief"]));
        assert!(!accepts(&[], &["detail"]));
    }

    #[test]
    fn one_free_name_unless_excluded() {
        let a = &[Arg::Word("verbose"), Arg::Name, Arg::Not("pem")];
        assert!(accepts(a, &["tp-self-signed-1"]));
        assert!(accepts(a, &["verbose", "tp-1"]));
        assert!(!accepts(a, &["tp-1", "tp-2"]));
        assert!(!accepts(a, &["pem"]));
    }

    #[test]
    fn longer_commands_never_fall_back_to_shorter_parsers() {
        let name = |p, c: &str| lookup(p, c).map(|s| s.name);
        let ios = Platform::CiscoIos;
        assert_eq!(
            name(ios, "show crypto ipsec sa count"),
            Some("crypto_ipsec_sa_count")
        );
        assert_eq!(
            name(ios, "Show Crypto IPsec SA count | inc total"),
            Some("crypto_ipsec_sa_count")
        );
        assert_eq!(
            name(ios, "show crypto isakmp sa count"),
            Some("crypto_isakmp_sa_count")
        );
        assert_eq!(
            name(ios, "show crypto ipsec sa peer 10.0.0.1 detail"),
            Some("crypto_ipsec_sa")
        );
        assert_eq!(name(ios, "show crypto isakmp sa"), Some("crypto_isakmp_sa"));
        // Other layouts of the same command family are not the table parsers' to read.
        for raw in [
            "show crypto ipsec sa count x",
            "show crypto ipsec sa identity",
            "show crypto ipsec sa address",
            "show crypto session brief",
            "show crypto session summary",
            "show crypto pki certificates pem",
            "show crypto pki certificates storage",
            "show dmvpn x y",
            "show versions",
        ] {
            assert_eq!(name(ios, raw), None, "{raw}");
        }
        let asa = Platform::CiscoAsa;
        assert_eq!(
            name(asa, "show vpn-sessiondb anyconnect filter name bob"),
            Some("vpn_sessiondb_anyconnect")
        );
        assert_eq!(
            name(asa, "show vpn-sessiondb anyconnect sort ip"),
            Some("vpn_sessiondb_anyconnect")
        );
        assert_eq!(name(asa, "show asp drop frame"), Some("asp_drop"));
        assert_eq!(name(asa, "show asp drop all"), None);
        assert_eq!(
            name(asa, "show crypto ca certificates ASDM_TrustPoint0"),
            Some("crypto_ca_certificates")
        );
    }

    #[test]
    fn normalize_collapses_and_drops_filters() {
        assert_eq!(
            normalize_command("  Show  Crypto IPsec SA | inc pkts"),
            "show crypto ipsec sa"
        );
    }
}
