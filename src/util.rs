//! Small shared helpers: hashing, atomic file writes, and the one-line rule for text typed at
//! a device or written to a one-line report cell.

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
    let tmp = tempfile::NamedTempFile::new_in(folder_of(path))?;
    fill_and_rename(tmp, path, data)
}

/// [`write_atomic`] for a file another program reads, such as node_exporter's textfile
/// collector running as its own user: the new file gets the mode of the one it replaces, or
/// 0644 less the umask when there is none (a plain temporary file is 0600, which would lock
/// that reader out). The temporary file is `.NAME.<random>.tmp`, hidden and with another
/// extension, so a collector reading `*.prom` never picks up a half-written one.
pub fn write_atomic_shared(path: &Path, data: &[u8]) -> std::io::Result<()> {
    write_atomic_shared_with(path, |w| w.write_all(data))
}

/// [`write_atomic_shared`] of what `fill` writes (through a buffer), for data too large to
/// hold in memory at once.
pub fn write_atomic_shared_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Given to open(2) as the creation mode, so the umask applies.
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let tmp = b.tempfile_in(folder_of(path))?;
    if let Ok(old) = std::fs::metadata(path) {
        if old.is_file() {
            tmp.as_file().set_permissions(old.permissions())?;
        }
    }
    let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp);
    fill(&mut w)?;
    let tmp = w.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Write `data` to `tmp`, flush it to disk and rename it over `path`.
fn fill_and_rename(
    mut tmp: tempfile::NamedTempFile,
    path: &Path,
    data: &[u8],
) -> std::io::Result<()> {
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Fail early if `path` cannot be written (folder missing or read-only), without creating or
/// truncating it.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Err(std::io::Error::other("is a directory"));
    }
    // A throwaway temp file in the same folder proves we can create and rename there.
    tempfile::NamedTempFile::new_in(folder_of(path)).map(|_| ())
}

/// Where `s` breaks the one-line rule: the first C0 or C1 control character, DEL, or Unicode
/// line/paragraph separator, as (character position, code point). Everything fleetpoll types at
/// a device's prompt must be a single line, or its second line would be typed as a command.
pub fn line_break_in(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|(_, c)| breaks_line(*c))
}

/// Whether `c` breaks a line: a C0 or C1 control character, DEL, or U+2028/U+2029.
fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` as one line for a report cell: each run of line breaks and control characters (those
/// [`line_break_in`] finds), with the spaces around it, becomes one space, and the ends are
/// trimmed. A CSV reader copes with a newline in a cell; `grep`, `cut` and a spreadsheet's
/// preview do not, and a terminal would obey an escape sequence.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if breaks_line(c) {
            gap = true;
            continue;
        }
        if gap {
            // The spaces around a break join the one space it becomes.
            if c.is_whitespace() {
                continue;
            }
            out.truncate(out.trim_end().len());
            if !out.is_empty() {
                out.push(' ');
            }
            gap = false;
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// Why `host` is not a host name or address ssh could be given: it must be non-empty, not start
/// with `-` (ssh would read an option) and hold only letters, digits and `. - _ : % [ ]`
/// (names, IPv4, IPv6 with a zone).
pub fn bad_host(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("is empty".into());
    }
    if host.starts_with('-') {
        return Some("starts with `-`, which ssh would read as an option".into());
    }
    host.chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || ".-_:%[]".contains(*c)))
        .map(|(i, c)| {
            format!(
                "has {} at character {}: a host is a name or an address (letters, digits, `. - _ : % [ ]`)",
                if c.is_control() || c.is_whitespace() {
                    format!("U+{:04X}", c as u32)
                } else {
                    format!("`{c}`")
                },
                i + 1
            )
        })
}

#[cfg(test)]
mod write_tests {
    use super::write_atomic_shared;

    /// Names in `dir`, sorted.
    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[cfg(unix)]
    #[test]
    fn a_shared_write_keeps_the_mode_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fleetpoll.prom");
        write_atomic_shared(&p, b"a 1\n").unwrap();
        let new = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(new & !0o644, 0, "never more than 0644: {new:o}");
        assert_ne!(new & 0o600, 0o000, "the owner reads and writes: {new:o}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o604)).unwrap();
        write_atomic_shared(&p, b"a 2\n").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o604
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a 2\n");
        assert_eq!(names(dir.path()), ["fleetpoll.prom"]);
    }

    #[test]
    fn a_failed_shared_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder with something in it cannot be renamed over.
        let p = dir.path().join("taken.prom");
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("x"), "").unwrap();
        assert!(write_atomic_shared(&p, b"a 1\n").is_err());
        assert_eq!(names(dir.path()), ["taken.prom"]);
    }
}

#[cfg(test)]
mod one_line_tests {
    use super::{line_break_in, one_line};

    #[test]
    fn one_line_turns_each_run_of_breaks_into_one_space() {
        assert_eq!(
            one_line("cannot connect: refused"),
            "cannot connect: refused"
        );
        assert_eq!(one_line("a\nb"), "a b");
        assert_eq!(one_line("a\r\n\r\nb"), "a b");
        assert_eq!(one_line("a \n b"), "a b");
        assert_eq!(
            one_line("keep  two"),
            "keep  two",
            "spaces without a break stay"
        );
        assert_eq!(one_line("a\tb\u{1b}[0mc"), "a b [0mc");
        assert_eq!(one_line("é\u{2028}ü\u{85}ß\u{2029}"), "é ü ß");
        assert_eq!(one_line("\n\n  lead and trail \r\n"), "lead and trail");
        assert_eq!(one_line(""), "");
    }

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

    #[test]
    fn hosts_are_names_or_addresses() {
        use super::bad_host;
        for ok in [
            "10.0.0.1",
            "rtr-1.dc1.example.net",
            "2001:db8::1",
            "fe80::1%eth0",
            "[2001:db8::1]",
            "R1_lab",
        ] {
            assert_eq!(bad_host(ok), None, "{ok}");
        }
        assert_eq!(bad_host("").as_deref(), Some("is empty"));
        assert!(bad_host("-oProxyCommand=x")
            .unwrap()
            .contains("starts with `-`"));
        assert!(bad_host("r1 -oProxyCommand=x")
            .unwrap()
            .contains("U+0020 at character 3"));
        assert!(bad_host("r1\nconf").unwrap().contains("U+000A"));
        assert!(bad_host("r1;id").unwrap().contains("`;` at character 3"));
        assert!(bad_host("ｒ1").unwrap().contains("`ｒ` at character 1"));
    }
}
