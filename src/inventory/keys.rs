//! Private key files, checked at plan time: each file is read and parsed once per load, and an
//! encrypted one decrypted once per (file, `key_passphrase` field), so a garbage file, a folder,
//! a missing passphrase or a wrong one fails the plan instead of every login.

use super::settings::Secret;
use russh::keys::PrivateKey;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A device's key: decoded (decrypted) once and shared by every device using the file, and the
/// passphrase for the openssh transport, whose `ssh` decrypts the file itself.
#[derive(Clone)]
pub struct UserKey {
    pub key: Arc<PrivateKey>,
    pub passphrase: Option<Secret>,
}

impl fmt::Debug for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserKey")
            .field("algorithm", &self.key.algorithm().as_str())
            .field("passphrase", &self.passphrase)
            .finish()
    }
}

enum Parsed {
    Plain(Arc<PrivateKey>),
    /// The file's text, for decrypting with each passphrase the inventory gives for it.
    Encrypted(String),
}

/// The key files a load has seen; failures are kept too, so a file shared by many devices is
/// reported the same way for each without being read again.
#[derive(Default)]
pub(super) struct KeyFiles {
    parsed: BTreeMap<PathBuf, Result<Arc<Parsed>, KeyError>>,
    decrypted: BTreeMap<(PathBuf, String), Result<Arc<PrivateKey>, KeyError>>,
}

fn parse(p: &Path) -> Result<Parsed, KeyError> {
    let text = std::fs::read_to_string(p).map_err(|e| KeyError::Unreadable {
        path: p.to_path_buf(),
        err: Arc::new(e),
    })?;
    match russh::keys::decode_secret_key(&text, None) {
        Ok(k) => Ok(Parsed::Plain(Arc::new(k))),
        Err(russh::keys::Error::KeyIsEncrypted) => Ok(Parsed::Encrypted(text)),
        Err(e) => Err(KeyError::NotAKey {
            path: p.to_path_buf(),
            err: Arc::new(e),
        }),
    }
}

/// Why a key file cannot be used. The inner errors are shared (`Arc`) because a cached
/// failure is handed out once per device using the file.
#[derive(Debug, Clone, thiserror::Error)]
pub(super) enum KeyError {
    #[error("cannot read key file {}: {err}", path.display())]
    Unreadable {
        path: PathBuf,
        err: Arc<std::io::Error>,
    },
    #[error("key file {} is not a usable private key: {err}", path.display())]
    NotAKey {
        path: PathBuf,
        err: Arc<russh::keys::Error>,
    },
    #[error(
        "key file {} is encrypted: set key_passphrase ({{env: VAR}}, {{file: PATH}} or {{prompt: true}}) beside key_file, or load the key into ssh-agent and leave key_file out",
        .0.display()
    )]
    Encrypted(PathBuf),
    #[error("the passphrase does not decrypt key file {} ({err})", path.display())]
    WrongPassphrase {
        path: PathBuf,
        err: Arc<russh::keys::Error>,
    },
}

impl KeyError {
    /// The error is the `key_passphrase` field's (else the `key_file` field's).
    pub(super) fn at_passphrase(&self) -> bool {
        matches!(self, KeyError::WrongPassphrase { .. })
    }
}

/// The passphrase a device has for its key: the value (`None` while a prompt is deferred, in
/// `check`) and the field that set it (the decryption cache key).
pub(super) struct Passphrase<'a> {
    pub value: Option<&'a Secret>,
    pub at: &'a str,
}

impl KeyFiles {
    /// The key in `path`, decrypted with `passphrase` when the file is encrypted. `Ok(None)`:
    /// encrypted and the passphrase is not known yet (`check` defers prompts).
    pub(super) fn load(
        &mut self,
        path: &Path,
        passphrase: Option<Passphrase<'_>>,
    ) -> Result<Option<Arc<PrivateKey>>, KeyError> {
        let parsed = self
            .parsed
            .entry(path.to_path_buf())
            .or_insert_with(|| parse(path).map(Arc::new))
            .clone()?;
        let text = match &*parsed {
            Parsed::Plain(k) => return Ok(Some(k.clone())),
            Parsed::Encrypted(text) => text,
        };
        let Some(pass) = passphrase else {
            return Err(KeyError::Encrypted(path.to_path_buf()));
        };
        let Some(value) = pass.value else {
            return Ok(None);
        };
        self.decrypted
            .entry((path.to_path_buf(), pass.at.to_string()))
            .or_insert_with(|| {
                russh::keys::decode_secret_key(text, Some(value.expose()))
                    .map(Arc::new)
                    .map_err(|e| KeyError::WrongPassphrase {
                        path: path.to_path_buf(),
                        err: Arc::new(e),
                    })
            })
            .clone()
            .map(Some)
    }
}
