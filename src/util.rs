//! Small shared helpers: hashing and atomic file writes.

use std::io::Write;
use std::path::Path;

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(data);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Write `data` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees half a file and a failed run never truncates the previous one.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Fail early if `path` cannot be written (folder missing or read-only), without creating or
/// truncating it.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(std::io::Error::other("is a directory"));
    }
    // A throwaway temp file in the same folder proves we can create and rename there.
    tempfile::NamedTempFile::new_in(dir).map(|_| ())
}

/// Where `s` breaks the one-line rule: the first C0 or C1 control character, DEL, or Unicode
/// line/paragraph separator, as (character position, code point). Everything fleetpoll types at
/// a device's prompt must be a single line, or its second line would be typed as a command.
pub fn line_break_in(s: &str) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|(_, c)| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

#[cfg(test)]
mod one_line_tests {
    use super::line_break_in;

    #[test]
    fn line_breaks_and_control_characters_are_found_by_position() {
        assert_eq!(line_break_in("show version"), None);
        assert_eq!(
            line_break_in("pässwörd-ok"),
            None,
            "non-ASCII letters are fine"
        );
        assert_eq!(line_break_in("a\nb"), Some((1, '\n')));
        assert_eq!(line_break_in("ab\r"), Some((2, '\r')));
        assert_eq!(line_break_in("x\u{7f}"), Some((1, '\u{7f}')));
        assert_eq!(line_break_in("x\u{85}"), Some((1, '\u{85}')));
        assert_eq!(line_break_in("x\u{9b}2J"), Some((1, '\u{9b}')), "C1 CSI");
        assert_eq!(line_break_in("é\u{2028}"), Some((1, '\u{2028}')));
        assert_eq!(line_break_in("\u{2029}"), Some((0, '\u{2029}')));
        assert_eq!(line_break_in("tab\there"), Some((3, '\t')));
    }
}
