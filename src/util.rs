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
