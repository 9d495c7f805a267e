//! Credentials asked at the terminal: `{prompt: true}` fields and the `--ask-pass` /
//! `--ask-become-pass` values. Each distinct prompt is asked once per load, however many
//! devices use it; the reading itself is the caller's [`Prompter`] (the CLI reads `/dev/tty`).

use super::settings::{one_line, NotOneLine, Secret};
use std::collections::BTreeMap;

/// Reads one secret for a prompt text.
pub trait Prompter {
    /// `Ok(Some)`: the answer; `Ok(None)`: not asked now (`check` only reports what a run would
    /// ask); `Err`: it cannot be asked (no terminal, cancelled), the reason without the value.
    fn ask(&mut self, prompt: &str) -> Result<Option<Secret>, CannotAsk>;
}

/// Why a prompter cannot ask. Boxed: each prompter has its own failures (the CLI's are the
/// terminal's), which the inventory only reports.
pub type CannotAsk = Box<dyn std::error::Error + Send + Sync>;

/// [`NoTerminal`]'s refusal.
#[derive(Debug, thiserror::Error)]
#[error("no terminal to ask on")]
pub struct NoTerminalToAsk;

/// For loads that must not prompt and have no terminal (library use, tests): every prompt is
/// refused.
pub struct NoTerminal;

impl Prompter for NoTerminal {
    fn ask(&mut self, _prompt: &str) -> Result<Option<Secret>, CannotAsk> {
        Err(Box::new(NoTerminalToAsk))
    }
}

/// For `check`: nothing is asked; the load records which fields would be.
pub struct Deferred;

impl Prompter for Deferred {
    fn ask(&mut self, _prompt: &str) -> Result<Option<Secret>, CannotAsk> {
        Ok(None)
    }
}

/// How a load gets credentials that are not in the inventory's files or environment.
pub struct Asking {
    pub prompter: Box<dyn Prompter>,
    /// `--ask-pass`: the password of every device for which no inventory level sets one.
    pub ask_pass: bool,
    /// `--ask-become-pass`: likewise for the enable secret.
    pub ask_become_pass: bool,
}

impl Asking {
    /// No prompter: `{prompt: true}` is refused as having no terminal; no flags.
    pub fn none() -> Asking {
        Asking {
            prompter: Box::new(NoTerminal),
            ask_pass: false,
            ask_become_pass: false,
        }
    }
}

/// One prompt of the load: what asks (a field path or a flag), where, and how many entries
/// (devices and jump hosts) use the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptUse {
    /// `defaults.password`, `devices[2].key_passphrase`, `--ask-pass`.
    pub field: String,
    /// `inv.yaml:3:13` for a field; `None` for a flag.
    pub location: Option<String>,
    /// The text shown on the terminal.
    pub prompt: String,
    pub uses: usize,
}

/// What a load asked so far: each prompt's answer, asked once.
#[derive(Default)]
pub(super) struct Asked {
    answers: BTreeMap<String, Option<Secret>>,
    pub uses: Vec<PromptUse>,
}

/// Why one prompt gave no value: the message (never the value) for the field's location.
#[derive(Debug, thiserror::Error)]
pub(super) enum Refused {
    /// Cannot ask at all (no terminal, cancelled).
    #[error("asks for a prompt, but it cannot be asked ({0}); for unattended runs (cron) use {{env: VAR}} or {{file: PATH}} instead")]
    Cannot(CannotAsk),
    #[error("the answer to the prompt is empty")]
    Empty,
    #[error(transparent)]
    NotOneLine(#[from] NotOneLine),
}

impl Asked {
    /// The answer for `field` (asking with `prompt` the first time). `Ok(None)` when the
    /// prompter defers (`check`).
    pub(super) fn get(
        &mut self,
        prompter: &mut dyn Prompter,
        field: &str,
        location: Option<String>,
        prompt: String,
    ) -> Result<Option<Secret>, Refused> {
        if let Some(a) = self.answers.get(field) {
            if let Some(u) = self.uses.iter_mut().find(|u| u.field == field) {
                u.uses += 1;
            }
            return Ok(a.clone());
        }
        let answer = match prompter.ask(&prompt).map_err(Refused::Cannot)? {
            None => None,
            Some(s) if s.expose().is_empty() => return Err(Refused::Empty),
            Some(s) => Some(one_line(s, "the answer to the prompt")?),
        };
        self.answers.insert(field.to_string(), answer.clone());
        self.uses.push(PromptUse {
            field: field.to_string(),
            location,
            prompt,
            uses: 1,
        });
        Ok(answer)
    }
}

/// The terminal text for a `{prompt: true}` field: names the field so the person knows which
/// credential is asked (`Password for devices using defaults.password: `).
pub(super) fn field_prompt(label: &str, at: &str) -> String {
    format!("{label} for devices using {at}: ")
}

/// The terminal text for a flag's value.
pub(super) fn flag_prompt(label: &str, what: &str, flag: &str) -> String {
    format!("{label} for devices without {what} in the inventory ({flag}): ")
}

#[cfg(test)]
mod tests;
