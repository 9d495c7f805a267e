//! Platform definitions as data: prompts per mode, enable flow, paging command, pager pattern
//! and failure indicators, loaded from `platforms/*.yaml` (embedded at build time) and
//! validated once. Everything the driver knows about a platform comes from here.

use crate::Platform;
use regex::Regex;
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDef {
    id: Platform,
    prompt_user: String,
    prompt_privileged: String,
    prompt_config: String,
    enable_command: String,
    password_prompt: String,
    paging_off: String,
    pager: String,
    pager_answer: String,
    failure_indicators: Vec<String>,
    enable_failure_indicators: Vec<String>,
    exit_command: String,
    /// Separates hostname and context in prompts (`fw1/admin#`); absent when the platform
    /// has no contexts.
    #[serde(default)]
    context_separator: Option<String>,
}

/// A validated platform definition with compiled patterns.
#[derive(Debug)]
pub struct PlatformDef {
    pub id: Platform,
    pub prompt_user: Regex,
    pub prompt_privileged: Regex,
    pub prompt_config: Regex,
    pub enable_command: String,
    pub password_prompt: Regex,
    pub paging_off: String,
    pub pager: Regex,
    pub pager_answer: String,
    pub failure_indicators: Vec<String>,
    pub enable_failure_indicators: Vec<String>,
    pub exit_command: String,
    pub context_separator: Option<String>,
}

/// Which CLI mode a prompt shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    User,
    Privileged,
    Config,
}

const SOURCES: &[(&str, &str)] = &[
    (
        "platforms/cisco_ios.yaml",
        include_str!("../../platforms/cisco_ios.yaml"),
    ),
    (
        "platforms/cisco_asa.yaml",
        include_str!("../../platforms/cisco_asa.yaml"),
    ),
    (
        "platforms/cisco_waas.yaml",
        include_str!("../../platforms/cisco_waas.yaml"),
    ),
];

/// A compiled-in platform definition that cannot be used (a build of fleetpoll that must not
/// ship; the plan reports it before anything connects).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefError {
    #[error("{file}: {message}")]
    Yaml { file: &'static str, message: String },
    #[error("{file}: field `{field}`: bad regex: {message}")]
    Regex {
        file: &'static str,
        field: &'static str,
        message: String,
    },
    #[error("{file}: field `{field}` must capture the hostname as (?P<host>...)")]
    NoHostCapture {
        file: &'static str,
        field: &'static str,
    },
    #[error("no platform definition for {0}")]
    Missing(Platform),
}

fn compile(file: &'static str, field: &'static str, pattern: &str) -> Result<Regex, DefError> {
    Regex::new(pattern).map_err(|e| DefError::Regex {
        file,
        field,
        message: e.to_string(),
    })
}

fn load(file: &'static str, text: &str) -> Result<PlatformDef, DefError> {
    let raw: RawDef = serde_yaml::from_str(text).map_err(|e| DefError::Yaml {
        file,
        message: e.to_string(),
    })?;
    let def = PlatformDef {
        id: raw.id,
        prompt_user: compile(file, "prompt_user", &raw.prompt_user)?,
        prompt_privileged: compile(file, "prompt_privileged", &raw.prompt_privileged)?,
        prompt_config: compile(file, "prompt_config", &raw.prompt_config)?,
        enable_command: raw.enable_command,
        password_prompt: compile(file, "password_prompt", &raw.password_prompt)?,
        paging_off: raw.paging_off,
        pager: compile(file, "pager", &raw.pager)?,
        pager_answer: raw.pager_answer,
        failure_indicators: raw.failure_indicators,
        enable_failure_indicators: raw.enable_failure_indicators,
        exit_command: raw.exit_command,
        context_separator: raw.context_separator,
    };
    for (field, re) in [
        ("prompt_user", &def.prompt_user),
        ("prompt_privileged", &def.prompt_privileged),
        ("prompt_config", &def.prompt_config),
    ] {
        if !re.capture_names().any(|n| n == Some("host")) {
            return Err(DefError::NoHostCapture { file, field });
        }
    }
    Ok(def)
}

fn all() -> &'static Result<Vec<PlatformDef>, DefError> {
    static DEFS: OnceLock<Result<Vec<PlatformDef>, DefError>> = OnceLock::new();
    DEFS.get_or_init(|| SOURCES.iter().map(|(f, t)| load(f, t)).collect())
}

/// Check every embedded definition; called when a plan is built so a bad definition is a
/// startup error, never a mid-run one.
pub fn validate_all() -> Result<(), DefError> {
    let defs = all().as_ref().map_err(|e| e.clone())?;
    for p in Platform::ALL {
        if !defs.iter().any(|d| d.id == p.family()) {
            return Err(DefError::Missing(p));
        }
    }
    Ok(())
}

/// The definition for `platform` (`cisco_xe` gets the IOS one).
pub fn definition(platform: Platform) -> Result<&'static PlatformDef, DefError> {
    let defs = all().as_ref().map_err(|e| e.clone())?;
    defs.iter()
        .find(|d| d.id == platform.family())
        .ok_or(DefError::Missing(platform))
}

impl PlatformDef {
    /// The mode and hostname shown by `line` if it is a prompt of this platform.
    pub fn classify_prompt(&self, line: &str) -> Option<(Mode, String)> {
        for (mode, re) in [
            (Mode::Privileged, &self.prompt_privileged),
            (Mode::User, &self.prompt_user),
            (Mode::Config, &self.prompt_config),
        ] {
            if let Some(c) = re.captures(line) {
                let host = c.name("host").map(|m| m.as_str()).unwrap_or_default();
                return Some((mode, host.to_string()));
            }
        }
        None
    }

    /// Whether two prompt hostnames are the same device: equal, or (on platforms with
    /// contexts) equal up to the context, since `changeto context` keeps the system name.
    pub fn same_device(&self, a: &str, b: &str) -> bool {
        a == b
            || self
                .context_separator
                .as_deref()
                .is_some_and(|sep| a.split(sep).next() == b.split(sep).next())
    }

    /// The failure indicator `output` starts with, if any. Only the first lines are looked at:
    /// CLI errors come straight after the echo, while later lines are device data that may
    /// legitimately contain words like `ERROR:`.
    pub fn failure_in(&self, output: &str) -> Option<&str> {
        output
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .find_map(|l| {
                let t = l.trim_start();
                self.failure_indicators
                    .iter()
                    .find(|ind| t.starts_with(ind.as_str()))
                    .map(|s| s.as_str())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_definitions_load() {
        validate_all().unwrap();
        for p in Platform::ALL {
            assert_eq!(definition(p).unwrap().id, p.family());
        }
    }

    #[test]
    fn prompts_classify_per_platform() {
        let ios = definition(Platform::CiscoIos).unwrap();
        assert_eq!(
            ios.classify_prompt("Router>"),
            Some((Mode::User, "Router".into()))
        );
        assert_eq!(
            ios.classify_prompt("rtr-01.lab#"),
            Some((Mode::Privileged, "rtr-01.lab".into()))
        );
        assert_eq!(
            ios.classify_prompt("Router(config-if)#").map(|p| p.0),
            Some(Mode::Config)
        );
        assert_eq!(ios.classify_prompt("show version"), None);
        assert_eq!(ios.classify_prompt("#########"), None);
        let asa = definition(Platform::CiscoAsa).unwrap();
        assert_eq!(
            asa.classify_prompt("ciscoasa/admin#"),
            Some((Mode::Privileged, "ciscoasa/admin".into()))
        );
        assert!(asa.pager.is_match("<--- More --->"));
        assert!(ios.pager.is_match(" --More-- "));
        assert!(asa.same_device("fw1", "fw1/admin"));
        assert!(!asa.same_device("fw1", "fw2/admin"));
        assert!(!ios.same_device("r1", "r1/x"), "IOS has no contexts");
        let waas = definition(Platform::CiscoWaas).unwrap();
        assert_eq!(
            waas.classify_prompt("WAE674>"),
            Some((Mode::User, "WAE674".into()))
        );
    }

    #[test]
    fn failure_indicators_only_at_the_top() {
        let asa = definition(Platform::CiscoAsa).unwrap();
        assert!(asa
            .failure_in("        ^\nERROR: % Invalid input detected at '^' marker.\n")
            .is_some());
        let long = "line1\nline2\nline3\nline4\nERROR: something logged\n";
        assert!(asa.failure_in(long).is_none());
    }
}
