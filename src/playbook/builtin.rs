//! The playbooks compiled into the binary, so `poll`, `check` and `snapshot` work from any
//! folder: without `-p`, `./playbooks/NAME.yaml` is used when present, else the built-in copy.
//! Messages name a built-in source `<built-in NAME>`, where a file would give its path.

use super::Playbook;
use crate::error::ConfigError;
use std::path::{Path, PathBuf};

/// One playbook shipped inside the binary.
#[derive(Debug)]
pub struct Builtin {
    pub name: &'static str,
    /// Where a command without `-p` looks first, relative to the current folder: a copy
    /// there (edited or not) wins, as it did before there were built-ins.
    pub local_path: &'static str,
    /// The YAML, byte for byte the file in the source tree.
    pub text: &'static str,
    /// What it is for, for `fleetpoll playbook list`.
    pub purpose: &'static str,
}

pub const HEALTH: Builtin = Builtin {
    name: "health",
    local_path: "playbooks/health.yaml",
    text: include_str!("../../playbooks/health.yaml"),
    purpose: "nightly health audit; the default of poll and check",
};

pub const SNAPSHOT: Builtin = Builtin {
    name: "snapshot",
    local_path: "playbooks/snapshot.yaml",
    text: include_str!("../../playbooks/snapshot.yaml"),
    purpose: "every command fleetpoll can parse, for before/after diffs; the default of snapshot",
};

/// Every built-in playbook, in the order `playbook list` prints them.
pub const ALL: &[&Builtin] = &[&HEALTH, &SNAPSHOT];

pub fn by_name(name: &str) -> Option<&'static Builtin> {
    ALL.iter().copied().find(|b| b.name == name)
}

impl Builtin {
    /// How messages name it: `<built-in health>`.
    pub fn source_name(&self) -> String {
        format!("<built-in {}>", self.name)
    }

    /// Parse and validate it like any playbook file.
    pub fn parse(&self) -> Result<Playbook, ConfigError> {
        super::parse_text(Path::new(&self.source_name()), self.text)
    }
}

/// Where a command's playbook comes from.
#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    Builtin(&'static Builtin),
}

impl Source {
    /// `-p FILE` when given (a missing one is still an error, when loaded); otherwise
    /// `default.local_path` when the current folder has it; otherwise the built-in itself.
    pub fn choose(explicit: Option<&Path>, default: &'static Builtin) -> Source {
        match explicit {
            Some(p) => Source::File(p.to_path_buf()),
            // symlink_metadata: a dangling link or an unreadable file there is the user's
            // playbook and must fail loudly, not be swapped silently for the built-in.
            None if std::fs::symlink_metadata(default.local_path).is_ok() => {
                Source::File(PathBuf::from(default.local_path))
            }
            None => Source::Builtin(default),
        }
    }

    pub fn load(&self) -> Result<Playbook, ConfigError> {
        match self {
            Source::File(p) => super::load(p),
            Source::Builtin(b) => b.parse(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_validates_and_is_named_as_its_file() {
        for b in ALL {
            let pb = b
                .parse()
                .unwrap_or_else(|e| panic!("built-in {}: {e}", b.name));
            assert_eq!(pb.name, b.name, "the YAML's name is the built-in's");
            assert_eq!(pb.path, Path::new(&format!("<built-in {}>", b.name)));
            assert_eq!(b.local_path, format!("playbooks/{}.yaml", b.name));
            assert!(!pb.commands.is_empty(), "{}", b.name);
            assert!(
                pb.commands.values().all(|c| !c.is_empty()),
                "{}: every platform listed has commands",
                b.name
            );
        }
        let names: Vec<&str> = ALL.iter().map(|b| b.name).collect();
        assert_eq!(names, ["health", "snapshot"]);
        assert!(by_name("health").is_some_and(|b| b.text == HEALTH.text));
        assert!(by_name("nope").is_none());
    }

    #[test]
    fn an_error_in_a_builtin_source_is_named_like_a_file() {
        let broken = Builtin {
            name: "broken",
            local_path: "playbooks/broken.yaml",
            text:
                "name: broken\nplatforms:\n  cisco_ios:\n    commands:\n      - command: reload\n",
            purpose: "",
        };
        let e = broken.parse().unwrap_err().to_string();
        assert!(
            e.starts_with("<built-in broken>:5:"),
            "the message starts with the source name and line: {e}"
        );
    }

    #[test]
    fn an_explicit_playbook_is_used_whether_it_exists_or_not() {
        let p = Path::new("/nonexistent/pb.yaml");
        match Source::choose(Some(p), &HEALTH) {
            Source::File(f) => assert_eq!(f, p),
            Source::Builtin(b) => panic!("chose the built-in {}", b.name),
        }
        let e = Source::File(p.to_path_buf()).load().unwrap_err();
        assert_eq!(e.file.as_deref(), Some(p));
    }
}
