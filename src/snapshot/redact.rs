//! Redaction of secrets in configuration-bearing outputs before they are stored.
//!
//! A command is configuration-bearing when it shows configuration: `show running-config` /
//! `show startup-config` and their abbreviations (`sh run`, `show run all sysopt`),
//! `show configuration`, `show archive config…`, `show tech-support`, `more <file>`, or any
//! command naming a key (`show crypto isakmp key`, `show crypto keyring`). Other show outputs
//! (SA tables, statistics) hold no configuration secrets and are stored as captured.
//!
//! In those outputs, on every line, the value after `pre-shared-key`, `password`, `passwd`,
//! `secret`, `key`, `key-string`, `authentication-key`, `message-digest-key` (and
//! `community` on `snmp-server` lines) is replaced by `<redacted>`; an encryption-type or key
//! number (`7`, `5`, `md5`) between keyword and value is kept, and so is the rest of the line:
//!
//! ```text
//! crypto isakmp key S3cr3t address 1.2.3.4          → crypto isakmp key <redacted> address 1.2.3.4
//!  ikev1 pre-shared-key *****                        →  ikev1 pre-shared-key <redacted>
//!  pre-shared-key address 10.0.0.1 key S3cr3t        →  pre-shared-key address 10.0.0.1 key <redacted>
//! username admin privilege 15 secret 9 $9$abc        → username admin privilege 15 secret 9 <redacted>
//! ```

/// The redacted value.
pub const MARK: &str = "<redacted>";

const KEYWORDS: &[&str] = &[
    "pre-shared-key",
    "password",
    "passwd",
    "secret",
    "key",
    "key-string",
    "authentication-key",
    "message-digest-key",
];

/// Words that, right after a keyword, mean the value comes later on the line
/// (`pre-shared-key address 10.0.0.1 key S3cr3t`) or that the line names no secret
/// (`key chain NAME`, `key config-key ...`).
const NOT_A_VALUE: &[&str] = &["address", "hostname", "chain", "config-key"];

/// Tokens between a keyword and its value: encryption types, key numbers, digest names.
fn is_qualifier(tok: &str) -> bool {
    (tok.len() == 1 && tok.as_bytes()[0].is_ascii_digit())
        || matches!(
            tok.to_ascii_lowercase().as_str(),
            "md5" | "sha" | "sha1" | "sha256" | "sha512" | "ascii" | "hex"
        )
}

/// Whether a command's output can hold configuration (and so secrets).
pub fn is_config_bearing(command: &str) -> bool {
    let norm = crate::parse::normalize_command(command);
    let words: Vec<&str> = norm.split(' ').collect();
    let Some(first) = words.first() else {
        return false;
    };
    if first.len() >= 2 && "more".starts_with(first) {
        return true;
    }
    let rest = &words[1..];
    let prefix_of = |w: &str, full: &str, min: usize| w.len() >= min && full.starts_with(w);
    rest.iter().any(|w| {
        prefix_of(w, "running-config", 3)
            || prefix_of(w, "startup-config", 3)
            || prefix_of(w, "configuration", 4)
            || prefix_of(w, "tech-support", 4)
            || w.contains("config")
            || w.starts_with("key")
    })
}

/// Token spans of a line: (start, end) byte offsets of each whitespace-separated word.
fn tokens(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    out
}

/// Redact one line; `None` when it carries no secret.
pub fn redact_line(line: &str) -> Option<String> {
    let toks = tokens(line);
    let word = |i: usize| &line[toks[i].0..toks[i].1];
    let snmp = !toks.is_empty() && word(0).eq_ignore_ascii_case("snmp-server");
    let mut values: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let w = word(i).to_ascii_lowercase();
        let is_kw = KEYWORDS.contains(&w.as_str()) || (snmp && w == "community");
        if !is_kw || i + 1 >= toks.len() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if NOT_A_VALUE.contains(&word(j).to_ascii_lowercase().as_str()) {
            i += 1;
            continue;
        }
        while j + 1 < toks.len() && is_qualifier(word(j)) {
            j += 1;
        }
        values.push(j);
        i = j + 1;
    }
    if values.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut pos = 0;
    for v in values {
        let (s, e) = toks[v];
        out.push_str(&line[pos..s]);
        out.push_str(MARK);
        pos = e;
    }
    out.push_str(&line[pos..]);
    Some(out)
}

/// Redact every line of a text; returns the text and how many lines changed. Line endings
/// (LF or CRLF) are kept.
pub fn redact_text(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    for piece in text.split_inclusive('\n') {
        let (body, end) = match piece.strip_suffix("\r\n") {
            Some(b) => (b, "\r\n"),
            None => match piece.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (piece, ""),
            },
        };
        match redact_line(body) {
            Some(r) => {
                out.push_str(&r);
                n += 1;
            }
            None => out.push_str(body),
        }
        out.push_str(end);
    }
    (out, n)
}

/// What is stored for a command's raw output: redacted when the command is
/// configuration-bearing, as captured otherwise.
pub fn for_storage(command: &str, raw: &str) -> (String, usize) {
    if is_config_bearing(command) {
        redact_text(raw)
    } else {
        (raw.to_string(), 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_bearing_commands() {
        for c in [
            "show running-config",
            "sh run",
            "show run all sysopt",
            "show running-config crypto",
            "show startup-config",
            "show configuration",
            "show tech-support",
            "more system:running-config",
            "show crypto isakmp key",
            "show crypto keyring",
            "show archive config differences",
        ] {
            assert!(is_config_bearing(c), "{c}");
        }
        for c in [
            "show version",
            "show crypto isakmp sa",
            "show crypto ipsec sa",
            "show statistics accelerator mapi",
            "accelerator mapi verify encryption-settings",
            "show cms secure store",
            "show ntp status",
        ] {
            assert!(!is_config_bearing(c), "{c}");
        }
    }

    #[test]
    fn secrets_are_redacted_structure_kept() {
        let cases = [
            (
                "crypto isakmp key S3cr3t address 1.2.3.4",
                "crypto isakmp key <redacted> address 1.2.3.4",
            ),
            (
                "crypto isakmp key 6 S3cr3t address 1.2.3.4 no-xauth",
                "crypto isakmp key 6 <redacted> address 1.2.3.4 no-xauth",
            ),
            (
                " ikev1 pre-shared-key *****",
                " ikev1 pre-shared-key <redacted>",
            ),
            (
                " ikev1 pre-shared-key *",
                " ikev1 pre-shared-key <redacted>",
            ),
            (
                " ikev2 remote-authentication pre-shared-key Sup3r",
                " ikev2 remote-authentication pre-shared-key <redacted>",
            ),
            (
                "  pre-shared-key address 10.0.0.1 key S3cr3t",
                "  pre-shared-key address 10.0.0.1 key <redacted>",
            ),
            (
                "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
                "enable secret 5 <redacted>",
            ),
            (
                "username admin privilege 15 secret 9 $9$abc",
                "username admin privilege 15 secret 9 <redacted>",
            ),
            (
                "username admin password 7 0822455D0A16",
                "username admin password 7 <redacted>",
            ),
            (
                "username admin password XyZ encrypted privilege 15",
                "username admin password <redacted> encrypted privilege 15",
            ),
            (
                "enable password 8Ry2YjIyt7RRXU24 encrypted",
                "enable password <redacted> encrypted",
            ),
            (
                "passwd 2KFQnbNIdI.2KYOU encrypted",
                "passwd <redacted> encrypted",
            ),
            (
                "tacacs-server key 7 045802150C2E",
                "tacacs-server key 7 <redacted>",
            ),
            (
                "ntp authentication-key 1 md5 1511021F0725 7",
                "ntp authentication-key 1 md5 <redacted> 7",
            ),
            (" key-string 7 104D000A0618", " key-string 7 <redacted>"),
            (
                " ip ospf message-digest-key 1 md5 7 XYZ",
                " ip ospf message-digest-key 1 md5 7 <redacted>",
            ),
            (
                "snmp-server community pub1ic RO",
                "snmp-server community <redacted> RO",
            ),
            ("radius-server key secret", "radius-server key <redacted>"),
        ];
        for (line, want) in cases {
            assert_eq!(redact_line(line).as_deref(), Some(want), "{line}");
        }
        for clean in [
            "key chain OSPF",
            "key config-key password-encrypt",
            "interface GigabitEthernet0/0",
            " set community 65000:1",
            "crypto map VPN 10 ipsec-isakmp",
            "service password-encryption",
            "no password",
            "",
        ] {
            assert_eq!(redact_line(clean), None, "{clean}");
        }
    }

    #[test]
    fn text_keeps_line_endings_and_counts() {
        let raw = "hostname r1\r\ncrypto isakmp key S3cr3t address 1.2.3.4\r\n ikev1 pre-shared-key *\nend";
        let (out, n) = redact_text(raw);
        assert_eq!(n, 2);
        assert_eq!(
            out,
            "hostname r1\r\ncrypto isakmp key <redacted> address 1.2.3.4\r\n ikev1 pre-shared-key <redacted>\nend"
        );
        assert!(!out.contains("S3cr3t"));
        let (kept, n) = for_storage("show crypto isakmp sa", raw);
        assert_eq!((kept.as_str(), n), (raw, 0));
        let (red, n) = for_storage("show running-config", raw);
        assert_eq!(n, 2);
        assert!(!red.contains("S3cr3t"));
    }
}
