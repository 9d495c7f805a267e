//! Where each of a host's credentials comes from (env, file, prompt, flag or plain text), kept
//! beside the resolved secret so `inventory show` and `convert` can print the reference, never
//! the value.

use super::{expand_path, pick, SecretRef, Settings};
use crate::error::Located;
use std::path::{Path, PathBuf};

/// Where a credential of a host comes from, without its value (`inventory show` prints it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// Written in the inventory as plain text (the value is never kept here).
    Literal,
    Env(String),
    /// The file, as resolved from the inventory's folder.
    File(PathBuf),
    Prompt,
    /// `--ask-pass` / `--ask-become-pass`.
    Flag(&'static str),
}

/// A credential's source and where the inventory sets it (`inv.yaml:3:13: defaults.password`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced {
    pub source: CredentialSource,
    pub at: Option<String>,
}

/// The sources of a host's credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub password: Option<Sourced>,
    pub enable_secret: Option<Sourced>,
    pub key_passphrase: Option<Sourced>,
}

/// The source of the credential field `field` the first layer sets.
pub(super) fn sourced(
    layers: &[(String, &Settings)],
    loc: &Located,
    base: &Path,
    field: &str,
    get: fn(&Settings) -> Option<&SecretRef>,
) -> Option<Sourced> {
    pick(layers, field, get).map(|(r, at)| Sourced {
        source: match r {
            SecretRef::Literal(_) => CredentialSource::Literal,
            SecretRef::Env(v) => CredentialSource::Env(v.clone()),
            SecretRef::File(p) => CredentialSource::File(normalize(&expand_path(base, p))),
            SecretRef::Prompt => CredentialSource::Prompt,
        },
        at: Some(loc.describe(&at)),
    })
}

/// `a/b/../c` → `a/c`, without touching the file system (the file may not exist yet).
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

pub(super) fn flag_sourced(flag: &'static str) -> Sourced {
    Sourced {
        source: CredentialSource::Flag(flag),
        at: None,
    }
}
