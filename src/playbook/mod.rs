//! Playbooks: per platform, the ordered show commands to run, the parser that reads each one
//! and the CSV metric columns it contributes. The read-only guard lives here: a playbook that
//! could change a device is rejected before anything connects.

pub mod builtin;
pub mod textfsm;

use crate::error::{ConfigError, Located};
use crate::parse::{self, Metric, ParserSpec};
use crate::Platform;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaybookFile {
    name: String,
    #[serde(default)]
    description: Option<String>,
    platforms: BTreeMap<Platform, PlatformEntry>,
    /// Rule thresholds, disabled codes and severity overrides (see `fleetpoll rules`).
    #[serde(default)]
    health: crate::health::HealthSection,
    /// A template folder (ntc-templates layout: `index` and the files it names) for the
    /// templated commands, relative to this file's folder; `--templates` outranks it.
    #[serde(default)]
    templates: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformEntry {
    commands: Vec<CommandEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandEntry {
    command: String,
    /// A registered parser name; default: the parser registered for this command.
    parser: Option<String>,
    /// Metric columns to fill; default: every metric the parser offers. A templated command
    /// declares its own (`{name: …, count: true}`, …).
    metrics: Option<Vec<MetricEntry>>,
    /// Rules on a templated command's metrics.
    rules: Option<Vec<textfsm::RuleSpec>>,
    timeout: Option<String>,
}

/// A `metrics:` item: a built-in parser's column name, or a templated command's metric.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum MetricEntry {
    Name(String),
    Templated(textfsm::MetricSpec),
}

/// One validated command of a playbook.
#[derive(Clone)]
pub struct PlannedCommand {
    pub command: String,
    pub parser: Option<&'static ParserSpec>,
    pub metrics: Vec<&'static Metric>,
    pub timeout: Option<Duration>,
    /// The TextFSM path (no built-in parser, or `parser: textfsm[:FILE]`): templates compiled
    /// once for the run, the declared metrics and rules.
    pub textfsm: Option<std::sync::Arc<crate::health::templated::TextfsmPlan>>,
}

impl PlannedCommand {
    /// What the session types for this command.
    pub fn line(&self) -> crate::session::driver::CommandLine {
        crate::session::driver::CommandLine {
            command: self.command.clone(),
            timeout: self.timeout,
        }
    }
}

impl std::fmt::Debug for PlannedCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlannedCommand")
            .field("command", &self.command)
            .field("parser", &self.parser.map(|p| p.name))
            .field(
                "metrics",
                &self.metrics.iter().map(|m| m.name).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field(
                "textfsm",
                &self.textfsm.as_ref().map(|t| t.templates.name()),
            )
            .finish()
    }
}

#[derive(Debug)]
pub struct Playbook {
    pub path: PathBuf,
    pub name: String,
    pub description: Option<String>,
    pub commands: BTreeMap<Platform, Vec<PlannedCommand>>,
    /// SHA-256 of the file, so snapshots can tell which playbook made them.
    pub sha256: String,
    pub health: crate::health::HealthConfig,
}

impl Playbook {
    /// Commands for a platform; `cisco_xe` falls back to `cisco_ios` when not given.
    pub fn commands_for(&self, p: Platform) -> &[PlannedCommand] {
        self.commands
            .get(&p)
            .or_else(|| self.commands.get(&p.family()))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Metric columns in a stable order: platforms in id order, commands in playbook order,
    /// each name once.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut cols: Vec<&'static str> = Vec::new();
        for cmds in self.commands.values() {
            for c in cmds {
                let templated = c
                    .textfsm
                    .iter()
                    .flat_map(|t| t.metrics.iter().map(|m| m.name));
                for name in c.metrics.iter().map(|m| m.name).chain(templated) {
                    if !cols.contains(&name) {
                        cols.push(name);
                    }
                }
            }
        }
        cols
    }
}

/// Non-show commands known to be read-only.
const READ_ONLY_EXTRA: &[&str] = &["accelerator mapi verify encryption-settings"];
/// Output filters that only select lines (no `redirect`, `append` or `tee`: they write files).
const SAFE_FILTERS: &[&str] = &[
    "include", "exclude", "begin", "section", "count", "grep", "i", "inc", "ex", "exc", "b", "be",
    "beg", "s", "sec",
];

/// Why [`check_read_only`] refuses a command; the text follows the field name (`…command: `).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("contains a control character or newline; one command per entry")]
    LineBreak,
    #[error("has the non-ASCII character U+{:04X} at position {}: commands are plain ASCII", *.c as u32, .pos + 1)]
    NonAscii {
        /// 0-based character index.
        pos: usize,
        c: char,
    },
    #[error("contains `>` or `<`: output redirection writes files on the device")]
    Redirection,
    #[error("is empty")]
    Empty,
    #[error(
        "`{0}` is not a read-only command: fleetpoll sends only `show …` and {extra} (never configure, clear, debug, reload, write, copy, delete or `no …`)",
        extra = READ_ONLY_EXTRA.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
    )]
    NotReadOnly(String),
    #[error("output filter `| {0}` is not allowed (only include, exclude, begin, section, count, grep: `redirect`, `append` and `tee` write files on the device)")]
    Filter(String),
}

/// Refuse anything that is not a read-only show command.
pub fn check_read_only(command: &str) -> Result<(), GuardError> {
    if crate::util::line_break_in(command).is_some() {
        return Err(GuardError::LineBreak);
    }
    // Cisco CLIs take ASCII: anything else (look-alike letters, bidi or zero-width characters)
    // only hides what the line really says.
    if let Some((pos, c)) = command.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        return Err(GuardError::NonAscii { pos, c });
    }
    if command.contains(['>', '<']) {
        return Err(GuardError::Redirection);
    }
    let mut parts = command.split('|');
    let main = parse::normalize_command(parts.next().unwrap_or(""));
    if main.is_empty() {
        return Err(GuardError::Empty);
    }
    let first = main.split(' ').next().unwrap_or("");
    let is_show = first.len() >= 2 && "show".starts_with(first);
    if !is_show && !READ_ONLY_EXTRA.contains(&main.as_str()) {
        return Err(GuardError::NotReadOnly(command.trim().to_string()));
    }
    for filter in parts {
        let word = filter
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if !SAFE_FILTERS.contains(&word.as_str()) {
            return Err(GuardError::Filter(filter.trim().to_string()));
        }
    }
    Ok(())
}

pub fn load(path: &Path) -> Result<Playbook, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::io(path, format!("cannot read playbook: {e}")))?;
    parse_text(path, &text)
}

pub fn parse_text(path: &Path, text: &str) -> Result<Playbook, ConfigError> {
    let file: PlaybookFile =
        serde_yaml::from_str(text).map_err(|e| ConfigError::yaml(path, text, &e))?;
    let loc = Located::new(path, text);
    if file.platforms.is_empty() {
        return Err(loc.error(
            "platforms",
            "no platforms: list at least one platform's commands",
        ));
    }
    let mut library = textfsm::LazyLibrary::new(
        file.templates
            .as_deref()
            .map(|d| textfsm::templates_dir(path, d)),
    );
    let mut templated = crate::health::templated::TemplatedRules {
        platforms: file.platforms.keys().copied().collect(),
        commands: Vec::new(),
    };
    let mut commands = BTreeMap::new();
    for (platform, entry) in &file.platforms {
        let mut planned = Vec::new();
        for (i, c) in entry.commands.iter().enumerate() {
            let at = format!("platforms.{platform}.commands[{i}]");
            check_read_only(&c.command)
                .map_err(|e| loc.error(&format!("{at}.command"), e.to_string()))?;
            let choice = match c.parser.as_deref() {
                Some(textfsm::FORCED) => Some(textfsm::Choice::Forced),
                Some(p) => p.strip_prefix("textfsm:").map(textfsm::Choice::File),
                None => None,
            };
            let parser = match (&c.parser, &choice) {
                (_, Some(_)) => None,
                (Some(name), None) => Some(builtin_parser(&loc, &at, *platform, name)?),
                (None, None) => parse::lookup(*platform, &c.command),
            };
            // Built-in parsers win; the TextFSM path reads what none of them does.
            let set = match parser {
                Some(_) => None,
                None => {
                    let field = match c.parser {
                        Some(_) => format!("{at}.parser"),
                        None => format!("{at}.command"),
                    };
                    let lib = library
                        .get()
                        .map_err(|m| loc.error(library.field(&field), m))?;
                    textfsm::templates(
                        &lib,
                        choice.unwrap_or(textfsm::Choice::Index),
                        *platform,
                        &c.command,
                        path.parent().unwrap_or(Path::new(".")),
                    )
                    .map_err(|m| loc.error(&field, m))?
                }
            };
            let (metrics, textfsm) = match set {
                Some(set) => {
                    let plan = templated_plan(&loc, &at, c, set)?;
                    let plan = std::sync::Arc::new(plan);
                    if !plan.rules.is_empty() {
                        templated.commands.push((
                            *platform,
                            c.command.trim().to_string(),
                            plan.clone(),
                        ));
                    }
                    (Vec::new(), Some(plan))
                }
                None => {
                    if c.rules.as_ref().is_some_and(|r| !r.is_empty()) {
                        return Err(loc.error(
                            &format!("{at}.rules"),
                            "`rules:` are for templated (TextFSM) commands; a built-in parser's rules are tuned under `health:`",
                        ));
                    }
                    (builtin_metrics(&loc, &at, *platform, c, parser)?, None)
                }
            };
            let timeout = c
                .timeout
                .as_deref()
                .map(crate::inventory::settings_parse_duration)
                .transpose()
                .map_err(|e| loc.error(&format!("{at}.timeout"), e.to_string()))?;
            planned.push(PlannedCommand {
                command: c.command.trim().to_string(),
                parser,
                metrics,
                timeout,
                textfsm,
            });
        }
        commands.insert(*platform, planned);
    }
    let codes: Vec<&str> = templated
        .commands
        .iter()
        .flat_map(|(_, _, p)| p.rules.iter().map(|r| r.code.as_str()))
        .collect();
    let mut health = file
        .health
        .validate_with(&codes)
        .map_err(|(field, m)| loc.error(&field, m))?;
    health.templated = templated;
    Ok(Playbook {
        path: path.to_path_buf(),
        name: file.name,
        description: file.description,
        commands,
        sha256: crate::util::sha256_hex(text.as_bytes()),
        health,
    })
}

/// `parser: NAME` of a built-in parser, checked against the platform.
fn builtin_parser(
    loc: &Located,
    at: &str,
    platform: Platform,
    name: &str,
) -> Result<&'static ParserSpec, ConfigError> {
    let spec = parse::by_name(name).ok_or_else(|| {
        loc.error(
            &format!("{at}.parser"),
            format!(
                "unknown parser `{name}` (known: {}, textfsm, textfsm:FILE)",
                parse::registry()
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    if !spec.platforms.contains(&platform.family()) {
        return Err(loc.error(
            &format!("{at}.parser"),
            format!("parser `{name}` does not read {platform} output"),
        ));
    }
    Ok(spec)
}

/// The metric columns of a command read by a built-in parser (or by none).
fn builtin_metrics(
    loc: &Located,
    at: &str,
    platform: Platform,
    c: &CommandEntry,
    parser: Option<&'static ParserSpec>,
) -> Result<Vec<&'static Metric>, ConfigError> {
    let Some(entries) = &c.metrics else {
        return Ok(parser
            .map(|p| p.metrics.iter().collect())
            .unwrap_or_default());
    };
    let Some(p) = parser else {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        return Err(loc.error(
            &format!("{at}.metrics"),
            format!(
                "no parser or template reads `{}` on {platform}, so it has no metrics",
                c.command
            ),
        ));
    };
    let mut v = Vec::new();
    for (mi, e) in entries.iter().enumerate() {
        let n = match e {
            MetricEntry::Name(n) => n,
            MetricEntry::Templated(m) => {
                return Err(loc.error(
                    &format!("{at}.metrics[{mi}]"),
                    format!(
                        "`{}` is read by the built-in parser `{}`: list its metric names (declared metrics such as `{}` are for templated commands)",
                        c.command, p.name, m.name
                    ),
                ))
            }
        };
        let m = p.metric(n).ok_or_else(|| {
            loc.error(
                &format!("{at}.metrics[{mi}]"),
                format!(
                    "parser `{}` has no metric `{n}` (it has: {})",
                    p.name,
                    p.metrics
                        .iter()
                        .map(|m| m.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        v.push(m);
    }
    Ok(v)
}

/// A templated command's metrics and rules, checked against its template's fields.
fn templated_plan(
    loc: &Located,
    at: &str,
    c: &CommandEntry,
    set: crate::parse::textfsm::TemplateSet,
) -> Result<crate::health::templated::TextfsmPlan, ConfigError> {
    let mut specs = Vec::new();
    for (mi, m) in c.metrics.iter().flatten().enumerate() {
        match m {
            MetricEntry::Templated(spec) => specs.push(spec),
            MetricEntry::Name(n) => {
                return Err(loc.error(
                    &format!("{at}.metrics[{mi}]"),
                    format!(
                        "`{n}`: `{}` is read by TextFSM template {}, whose metrics are declared as {{name: NAME, count: true}}, {{name: NAME, count_where: {{FIELD: VALUE}}}} or {{name: NAME, sum|min|max: FIELD}} (fields: {})",
                        c.command,
                        set.name(),
                        set.fields().join(", ")
                    ),
                ))
            }
        }
    }
    let metrics = textfsm::metrics(&set, &specs)
        .map_err(|(k, m)| loc.error(&format!("{at}.metrics{k}"), m))?;
    let rules = textfsm::rules(&metrics, c.rules.as_deref().unwrap_or(&[]))
        .map_err(|(k, m)| loc.error(&format!("{at}.rules{k}"), m))?;
    Ok(crate::health::templated::TextfsmPlan {
        templates: set,
        metrics,
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_guard() {
        for ok in [
            "show crypto isakmp sa",
            "sh ver",
            "show run | include sysopt",
            "accelerator mapi verify encryption-settings",
            "SHOW VERSION",
        ] {
            assert!(check_read_only(ok).is_ok(), "{ok}");
        }
        for bad in [
            "configure terminal",
            "clear crypto sa",
            "debug crypto isakmp",
            "reload",
            "write memory",
            "copy run start",
            "delete flash:x",
            "no crypto map X",
            "show version\nreload",
            "show run | redirect tftp://x/y",
            "show run | append disk0:/x",
            "show run | tee flash:x",
            "s",
            "",
            "ntpdate 1.2.3.4",
        ] {
            assert!(check_read_only(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn a_command_is_one_line_whatever_the_line_separator() {
        for sep in ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}", "\u{1b}"] {
            let c = format!("show version{sep}configure terminal");
            assert!(check_read_only(&c).is_err(), "{c:?}");
        }
        assert!(check_read_only("show version").is_ok());
    }

    #[test]
    fn non_read_only_command_is_located() {
        let y = "name: t\nplatforms:\n  cisco_ios:\n    commands:\n      - command: show version\n      - command: clear crypto sa\n";
        let e = parse_text(Path::new("pb.yaml"), y).unwrap_err();
        assert_eq!(e.line, Some(6));
        assert_eq!(
            e.field.as_deref(),
            Some("platforms.cisco_ios.commands[1].command")
        );
        assert!(e.message.contains("not a read-only command"));
    }

    #[test]
    fn health_section_codes_are_checked() {
        let base = "name: t\nplatforms:\n  cisco_ios:\n    commands: []\n";
        let ok = format!("{base}health:\n  disable: [COMMAND_FAILED]\n");
        let pb = parse_text(Path::new("pb.yaml"), &ok).unwrap();
        assert!(pb.health.disabled.contains("COMMAND_FAILED"));
        let bad = format!("{base}health:\n  disable: [NO_SUCH_RULE]\n");
        let e = parse_text(Path::new("pb.yaml"), &bad).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("health.disable[0]"));
        assert_eq!(e.line, Some(6));
        assert!(
            e.message.contains("unknown rule code `NO_SUCH_RULE`"),
            "{e}"
        );
        let bad = format!("{base}health:\n  thresholds: {{no_such_threshold: 3}}\n");
        assert!(parse_text(Path::new("pb.yaml"), &bad)
            .unwrap_err()
            .to_string()
            .contains("no_such_threshold"));
    }

    #[test]
    fn unknown_platform_and_fields_are_rejected() {
        let e = parse_text(
            Path::new("pb.yaml"),
            "name: t\nplatforms:\n  junos:\n    commands: []\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("junos"), "{e}");
        let e = parse_text(
            Path::new("pb.yaml"),
            "name: t\nplatforms:\n  cisco_ios:\n    comands: []\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("comands"), "{e}");
    }
}
