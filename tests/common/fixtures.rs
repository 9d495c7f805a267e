//! The fixture trees: `tests/fixtures/<platform>/<command words joined by _>/<case>.txt` and
//! the real-device corpus (`../shared/fixtures`, or `FLEETPOLL_SHARED_FIXTURES`), laid out
//! the same way with `.raw` files.

use fleetpoll::Platform;
use std::path::{Path, PathBuf};

/// `tests/fixtures`.
pub fn local() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Where the real-device corpus is expected (it may be absent).
pub fn shared_root() -> PathBuf {
    std::env::var_os("FLEETPOLL_SHARED_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"))
}

/// The real-device corpus, if it is there.
pub fn shared() -> Option<PathBuf> {
    let p = shared_root();
    p.is_dir().then_some(p)
}

/// The text of `tests/fixtures/<platform>/<dir>/<name>`.
pub fn read(platform: &str, dir: &str, name: &str) -> String {
    let p = local().join(platform).join(dir).join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One file of a fixture tree.
pub struct Case {
    /// The platform folder's platform, when it names one.
    pub platform: Option<Platform>,
    /// The command folder's name with `_` read as spaces.
    pub command: String,
    pub path: PathBuf,
}

/// Every `<platform>/<command>/<file>.<ext>` under `root` (none when `root` is missing),
/// sorted by path.
pub fn cases(root: &Path, ext: &str) -> Vec<Case> {
    let dirs = |p: &Path| -> Vec<std::fs::DirEntry> {
        std::fs::read_dir(p)
            .into_iter()
            .flatten()
            .flatten()
            .collect()
    };
    let mut out = Vec::new();
    for plat in dirs(root) {
        let platform = plat.file_name().to_string_lossy().parse::<Platform>().ok();
        for cmd in dirs(&plat.path()) {
            let command = cmd.file_name().to_string_lossy().replace('_', " ");
            for f in dirs(&cmd.path()) {
                let path = f.path();
                if path.extension().is_some_and(|e| e == ext) {
                    out.push(Case {
                        platform,
                        command: command.clone(),
                        path,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
