//! Text clean-up shared by every parser: CRLF, ANSI escapes, trailing spaces, and numbered lines,
//! so that each parser sees the same tidy text whatever the session delivered.

/// Lines of `input` with their 1-based numbers: CR removed, ANSI escape sequences removed,
/// trailing whitespace trimmed. Never panics on any input.
pub fn lines(input: &str) -> Vec<(usize, String)> {
    input
        .split('\n')
        .enumerate()
        .map(|(i, l)| {
            (
                i + 1,
                strip_ansi(l).replace('\r', "").trim_end().to_string(),
            )
        })
        .collect()
}

/// Remove ANSI CSI / OSC escape sequences and other C0 control characters except tab.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.peek() {
                Some('[') => {
                    chars.next();
                    // CSI: parameters then one final byte in 0x40..=0x7e
                    for c2 in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c2) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    chars.next();
                    // OSC: ends with BEL or ESC \
                    while let Some(c2) = chars.next() {
                        if c2 == '\u{7}' {
                            break;
                        }
                        if c2 == '\u{1b}' {
                            chars.next();
                            break;
                        }
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            }
        } else if c == '\t' || c == '\n' || c == '\r' || !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// Defines a state enum whose variants are the literal strings a device prints, with an
/// `Other(String)` fallback. Matching is ASCII case-insensitive and ignores surrounding space;
/// serialization writes the canonical literal (or the `Other` text as read), so values round-trip.
macro_rules! device_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $var:ident => $lit:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $var,)+
            /// Any other text the device printed, kept as read.
            Other(String),
        }

        impl $name {
            /// The text the device prints for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$var => $lit,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
                $(if t.eq_ignore_ascii_case($lit) {
                    return Self::$var;
                })+
                Self::Other(t)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::from(s.as_str())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_string()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use device_enum;

/// Parse an unsigned counter, tolerating thousands separators (`1,234`).
pub fn parse_u64(s: &str) -> Option<u64> {
    let t: String = s.trim().chars().filter(|c| *c != ',').collect();
    if t.is_empty() {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_strip_cr_ansi_and_trailing_space() {
        let l = lines("a \r\n\u{1b}[1mb\u{1b}[0m\t \r\n");
        assert_eq!(l[0], (1, "a".to_string()));
        assert_eq!(l[1], (2, "b".to_string()));
    }

    #[test]
    fn parse_u64_accepts_separators() {
        assert_eq!(parse_u64(" 1,234 "), Some(1234));
        assert_eq!(parse_u64("x"), None);
        assert_eq!(parse_u64(""), None);
    }
}
