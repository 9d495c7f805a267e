//! Configuration errors (inventory, playbook, arguments, output paths): one message that
//! names the file, line, column and field, so the engineer can go straight to the mistake.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl std::error::Error for ConfigError {}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(l) = self.line {
                write!(f, ":{l}")?;
                if let Some(c) = self.column {
                    write!(f, ":{c}")?;
                }
            }
            f.write_str(": ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl ConfigError {
    pub fn msg(message: impl Into<String>) -> Self {
        ConfigError {
            file: None,
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }

    pub fn io(path: &Path, message: impl Into<String>) -> Self {
        ConfigError {
            file: Some(path.to_path_buf()),
            ..ConfigError::msg(message)
        }
    }

    /// A serde_yaml error: its message already carries the field path; keep its position.
    pub fn yaml(path: &Path, _text: &str, e: &serde_yaml::Error) -> Self {
        let (line, column) = e
            .location()
            .map(|l| (Some(l.line()), Some(l.column())))
            .unwrap_or((None, None));
        let mut message = e.to_string();
        // serde_yaml appends " at line L column C"; we print the position up front instead.
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        let (mut field, message) = match message.split_once(": ") {
            Some((f, m)) if !f.contains(' ') && !f.is_empty() => {
                (Some(f.to_string()), m.to_string())
            }
            _ => (None, message),
        };
        // Name the offending key itself, not only the map that holds it.
        if let Some(key) = message
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
        {
            field = Some(match field {
                Some(f) => format!("{f}.{key}"),
                None => key.to_string(),
            });
        }
        ConfigError {
            file: Some(path.to_path_buf()),
            line,
            column,
            field,
            message,
        }
    }
}

/// A file's text with its key-position index, to locate errors found after deserializing.
/// The index is built on first use: a valid 100,000-device inventory never needs it, and
/// building it up front cost seconds and hundreds of MB.
pub struct Located {
    pub path: PathBuf,
    text: String,
    index: std::sync::OnceLock<std::collections::HashMap<String, (usize, usize)>>,
    described: std::sync::Mutex<std::collections::HashMap<String, String>>,
    /// Set when the text was generated from other files (an Ansible, Nornir or NetBox
    /// inventory): errors then name where each field was written there.
    sources: Option<std::sync::Arc<dyn SourceMap>>,
}

/// Where the fields of a generated document were written in the files it was made from.
pub trait SourceMap: Send + Sync {
    /// The spot of `field` (a dotted path of the generated document), or of its nearest
    /// parent that has one.
    fn locate(&self, field: &str) -> Option<SourceSpot>;
    /// How to write a credential reference in that source (for the literal-secret warning).
    fn reference_hint(&self, field: &str) -> String;
}

/// A place in a source file: the field as that file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpot {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: String,
}

impl SourceSpot {
    /// `hosts.ini:12` (the column too when known).
    pub fn position(&self) -> String {
        let mut s = self.file.display().to_string();
        if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(":{c}"));
            }
        }
        s
    }

    /// `hosts.ini:12: rtr01.ansible_user`.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.position(), self.field)
    }
}

impl Located {
    pub fn new(path: &Path, text: &str) -> Self {
        Located {
            path: path.to_path_buf(),
            text: text.to_string(),
            index: std::sync::OnceLock::new(),
            described: Default::default(),
            sources: None,
        }
    }

    /// A generated document (named `path`): positions come from `sources`, not its text.
    pub fn generated(path: &Path, sources: std::sync::Arc<dyn SourceMap>) -> Self {
        Located {
            path: path.to_path_buf(),
            text: String::new(),
            index: std::sync::OnceLock::new(),
            described: Default::default(),
            sources: Some(sources),
        }
    }

    /// `inv.yaml: defaults.password`, or for a generated document where the field was
    /// written (`group_vars/all.yml:3:1: ansible_password`); for messages that are not errors.
    pub fn describe(&self, field: &str) -> String {
        // Every device inheriting `defaults.password` asks for the same one: memoized, but
        // not a device's own fields, each asked once.
        if field.starts_with("devices[") {
            return self.describe_uncached(field);
        }
        let mut memo = self.described.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(d) = memo.get(field) {
            return d.clone();
        }
        let d = self.describe_uncached(field);
        memo.insert(field.to_string(), d.clone());
        d
    }

    fn describe_uncached(&self, field: &str) -> String {
        if let Some(spot) = self.sources.as_ref().and_then(|s| s.locate(field)) {
            return spot.describe();
        }
        match self.position(field) {
            Some(p) => format!("{p}: {field}"),
            None => format!("{}: {field}", self.path.display()),
        }
    }

    /// How a credential is written as a reference in this inventory's format.
    pub fn reference_hint(&self, field: &str) -> String {
        match &self.sources {
            Some(s) => s.reference_hint(field),
            None => "{env: VAR}, {file: PATH} or {prompt: true}".to_string(),
        }
    }

    /// An error found in the generated text (serde's, with its field path) re-aimed at the
    /// source; unchanged for an ordinary file.
    pub fn remap(&self, e: ConfigError) -> ConfigError {
        let Some(sources) = &self.sources else {
            return e;
        };
        let spot = e.field.as_deref().and_then(|f| sources.locate(f));
        match spot {
            Some(s) => ConfigError {
                file: Some(s.file),
                line: s.line,
                column: s.column,
                field: Some(s.field),
                message: e.message,
            },
            // Lines of the generated text mean nothing to the reader.
            None => ConfigError {
                file: Some(self.path.clone()),
                line: None,
                column: None,
                ..e
            },
        }
    }

    /// Line and column of `field` (a dotted path), or of its nearest located parent.
    fn locate(&self, field: &str) -> Option<(usize, usize)> {
        let index = self.index.get_or_init(|| crate::yamlpos::index(&self.text));
        let mut probe = field.to_string();
        loop {
            if let Some(p) = index.get(&probe) {
                return Some(*p);
            }
            match probe.rfind(['.', '[']) {
                Some(i) => probe.truncate(i),
                None => return None,
            }
        }
    }

    /// `inv.yaml:3:13`: where `field` is written.
    pub fn position(&self, field: &str) -> Option<String> {
        if let Some(sources) = &self.sources {
            return sources.locate(field).map(|s| s.position());
        }
        self.locate(field)
            .map(|(l, c)| format!("{}:{l}:{c}", self.path.display()))
    }

    /// An error at `field` (a dotted path); falls back to the nearest located parent.
    pub fn error(&self, field: &str, message: impl Into<String>) -> ConfigError {
        if self.sources.is_some() {
            return self.remap(ConfigError {
                file: Some(self.path.clone()),
                line: None,
                column: None,
                field: Some(field.to_string()),
                message: message.into(),
            });
        }
        let pos = self.locate(field);
        ConfigError {
            file: Some(self.path.clone()),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}
