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
pub struct Located {
    pub path: PathBuf,
    index: std::collections::HashMap<String, (usize, usize)>,
}

impl Located {
    pub fn new(path: &Path, text: &str) -> Self {
        Located {
            path: path.to_path_buf(),
            index: crate::yamlpos::index(text),
        }
    }

    /// Line and column of `field` (a dotted path), or of its nearest located parent.
    fn locate(&self, field: &str) -> Option<(usize, usize)> {
        let mut probe = field.to_string();
        loop {
            if let Some(p) = self.index.get(&probe) {
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
        self.locate(field)
            .map(|(l, c)| format!("{}:{l}:{c}", self.path.display()))
    }

    /// An error at `field` (a dotted path); falls back to the nearest located parent.
    pub fn error(&self, field: &str, message: impl Into<String>) -> ConfigError {
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
