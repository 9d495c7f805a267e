//! Small helpers the crypto parsers share (`isakmp`, `ipsec`, `asa`, `cerm`): command echo and
//! prompt detection, device error lines, address-shaped tokens, durations, and the
//! `string_enum!` macro for string-backed enums, and the line loop of the IOS table parsers.

use crate::parse::ParseError;

/// Declares a string-backed enum: known spellings map to variants (compared case-insensitively,
/// ignoring `_`, `-` and spaces, so `MM_WAIT_MSG_6` is `MM_WAIT_MSG6`), anything else is kept
/// verbatim in `Other`. Serializes as the canonical spelling (or the `Other` text).
macro_rules! string_enum {
    (
        $(#[$m:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vm:meta])* $var:ident => $lit:literal ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        $vis enum $name {
            $( $(#[$vm])* $var, )*
            /// Any other spelling, kept as printed.
            Other(String),
        }

        impl $name {
            /// The canonical device spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$var => $lit, )*
                    Self::Other(s) => s.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                let key = $crate::parse::isakmp::enum_key(s);
                $( if key == $crate::parse::isakmp::enum_key($lit) { return Self::$var; } )*
                Self::Other(s.to_string())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::from(s.as_str())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                match v {
                    $name::Other(s) => s,
                    other => other.as_str().to_string(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

/// Comparison key for enum spellings: uppercase alphanumerics only.
#[doc(hidden)]
pub fn enum_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// True for a command echo (`Router#show crypto isakmp sa`, `ciscoasa# sh cry isa sa`), a bare
/// prompt (`Router#`, `ciscoasa/ctx>`), or a pager remnant.
pub(crate) fn is_echo_or_prompt(line: &str) -> bool {
    let t = line.trim();
    if t.contains("More") && (t.contains("--More--") || t.contains("<--- More --->")) {
        return true;
    }
    let Some(p) = t.bytes().position(|b| b == b'#' || b == b'>') else {
        return false;
    };
    let prefix = t.get(..p).unwrap_or("");
    let rest = t.get(p + 1..).unwrap_or("").trim();
    if prefix.is_empty()
        || !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/():@".contains(c))
    {
        return false;
    }
    rest.is_empty()
        || starts_with_ci(rest, "sh ")
        || starts_with_ci(rest, "show ")
        || rest.eq_ignore_ascii_case("show")
}

/// The device's own error message, if the line is one (`% Invalid input detected ...`,
/// `ERROR: % Invalid input ...`, `% Incomplete command.`).
pub(crate) fn device_error(line: &str) -> Option<&str> {
    let t = line.trim();
    if !matches!(t.as_bytes().first(), Some(b'%' | b'e' | b'E' | b'i' | b'I')) {
        return None;
    }
    const PREFIXES: &[&str] = &[
        "% invalid",
        "% incomplete",
        "% ambiguous",
        "% unknown command",
        "% unrecognized",
        "error:",
        "invalid input",
    ];
    PREFIXES.iter().any(|p| starts_with_ci(t, p)).then_some(t)
}

/// ASCII case-insensitive `starts_with`, without allocating.
#[inline]
pub(crate) fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Loosely address-shaped: hex digits, `.` and `:` only, with at least one digit and one
/// separator. Deliberately lenient (hand-edited or sanitized IPv6 still counts).
pub(crate) fn is_addr(tok: &str) -> bool {
    !tok.is_empty()
        && tok
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == '.' || c == ':')
        && tok.chars().any(|c| c.is_ascii_digit())
        && tok.contains(['.', ':'])
        && !tok.ends_with(':')
}

/// `addr/port` (IKEv2 tables): the address and the port.
pub(crate) fn addr_port(tok: &str) -> Option<(&str, u16)> {
    let (a, p) = tok.rsplit_once('/')?;
    let port = p.parse::<u16>().ok()?;
    is_addr(a).then_some((a, port))
}

/// `hh:mm:ss` (or `d:hh:mm:ss`) as seconds.
pub(super) fn hms_secs(tok: &str) -> Option<u64> {
    let parts: Vec<&str> = tok.split(':').collect();
    let mults: &[u64] = match parts.len() {
        2 => &[60, 1],
        3 => &[3600, 60, 1],
        4 => &[86400, 3600, 60, 1],
        _ => return None,
    };
    let mut total: u64 = 0;
    for (p, m) in parts.iter().zip(mults) {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u64 = p.parse().ok()?;
        total = total.checked_add(v.checked_mul(*m)?)?;
    }
    Some(total)
}

pub(crate) fn is_uint(tok: &str) -> bool {
    !tok.is_empty() && tok.bytes().all(|b| b.is_ascii_digit())
}

/// What [`scan_lines`] saw besides the lines it handed on.
pub(crate) struct Scan {
    /// The first line the parser did not recognise, with its number.
    first_unknown: Option<(usize, String)>,
    /// Whether any line other than blanks, echoes and prompts was there.
    any: bool,
}

impl Scan {
    /// `Ok` when the parser recognised the output (`structured`); else "not a `what` output"
    /// naming the first line it did not recognise, or "empty output".
    pub(crate) fn require(self, structured: bool, what: &str) -> Result<(), ParseError> {
        if structured {
            return Ok(());
        }
        Err(match self.first_unknown {
            Some((n, l)) => ParseError::new(n, format!("not a {what} output: `{l}`")),
            None if self.any => ParseError::new(0, format!("not a {what} output")),
            None => ParseError::new(0, "empty output"),
        })
    }
}

/// The line loop of the IOS table parsers: blank, echo and prompt lines skipped, a device
/// error fails at its line, and every other line (trimmed) goes to `line`, which answers
/// `Ok(true)` (read), `Ok(false)` (not recognised) or `Err` (a line it cannot read).
pub(crate) fn scan_lines(
    input: &str,
    mut line: impl FnMut(&str) -> Result<bool, String>,
) -> Result<Scan, ParseError> {
    let mut scan = Scan {
        first_unknown: None,
        any: false,
    };
    for (n, raw) in crate::parse::text::lines(input) {
        let t = raw.trim();
        if t.is_empty() || is_echo_or_prompt(&raw) {
            continue;
        }
        scan.any = true;
        if let Some(e) = device_error(&raw) {
            return Err(ParseError::new(n, format!("device error: {e}")));
        }
        match line(t) {
            Ok(true) => {}
            Ok(false) => {
                if scan.first_unknown.is_none() {
                    scan.first_unknown = Some((n, t.to_string()));
                }
            }
            Err(e) => return Err(ParseError::new(n, e)),
        }
    }
    Ok(scan)
}
