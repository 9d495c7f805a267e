use super::*;
use crate::inventory::{parse_with, Asking};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Answers prompts from a list, in order, and records what was asked.
struct Scripted {
    answers: Vec<&'static str>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Prompter for Scripted {
    fn ask(&mut self, prompt: &str) -> Result<Option<Secret>, CannotAsk> {
        self.asked.lock().unwrap().push(prompt.to_string());
        if self.answers.is_empty() {
            return Err("no more scripted answers".into());
        }
        Ok(Some(Secret::new(self.answers.remove(0))))
    }
}

fn scripted(answers: &[&'static str], k: bool, kk: bool) -> (Asking, Arc<Mutex<Vec<String>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let p = Scripted {
        answers: answers.to_vec(),
        asked: asked.clone(),
    };
    (
        Asking {
            prompter: Box::new(p),
            ask_pass: k,
            ask_become_pass: kk,
        },
        asked,
    )
}

const FLEET: &str = "defaults:
  platform: cisco_ios
  username: netops
  password: {prompt: true}
  enable_secret: {prompt: true}
groups:
  dc2:
    password: {env: FLEETPOLL_TEST_NEVER_SET_PROMPT}
devices:
  - {name: r1, host: 192.0.2.1}
  - {name: r2, host: 192.0.2.2}
  - name: r3
    host: 192.0.2.3
    password: {prompt: true}
";

#[test]
fn each_prompt_is_asked_once_however_many_devices_use_it() {
    let many: String = (4..1004)
        .map(|i| format!("  - {{name: r{i}, host: 192.0.2.9}}\n"))
        .collect();
    let text = format!("{FLEET}{many}");
    let (asking, asked) = scripted(&["pw-default", "en-default", "pw-r3"], false, false);
    let inv = parse_with(Path::new("inv.yaml"), &text, asking).unwrap();
    assert_eq!(
        *asked.lock().unwrap(),
        [
            "Password for devices using defaults.password: ",
            "Enable secret for devices using defaults.enable_secret: ",
            "Password for devices using devices[2].password: ",
        ]
    );
    let pw = |n: &str| {
        let h = inv.hosts.iter().find(|h| h.name == n).unwrap();
        h.password.as_ref().unwrap().expose().to_string()
    };
    assert_eq!(pw("r1"), "pw-default");
    assert_eq!(pw("r3"), "pw-r3");
    assert_eq!(pw("r1003"), "pw-default");
    assert!(inv
        .hosts
        .iter()
        .all(|h| h.enable_secret.as_ref().unwrap().expose() == "en-default"));
    let uses: Vec<(&str, Option<&str>, usize)> = inv
        .prompts
        .iter()
        .map(|u| (u.field.as_str(), u.location.as_deref(), u.uses))
        .collect();
    assert_eq!(
        uses,
        [
            ("defaults.password", Some("inv.yaml:4:3"), 1002),
            ("defaults.enable_secret", Some("inv.yaml:5:3"), 1003),
            ("devices[2].password", Some("inv.yaml:14:5"), 1),
        ]
    );
}

#[test]
fn flags_fill_in_below_defaults_for_devices_only() {
    let text = "defaults:
  platform: cisco_ios
  username: netops
groups:
  own:
    password: group-pw
    enable_secret: group-en
jump_hosts:
  bastion: {host: 192.0.2.100, key_file: /nonexistent-but-unused}
devices:
  - {name: asks, host: 192.0.2.1}
  - {name: has-own, host: 192.0.2.2, groups: [own]}
  - {name: asks-too, host: 192.0.2.3}
";
    // The jump host would fail on its key file if it were resolved with a flag value: give
    // it a real key instead so only the flags are under test.
    let key = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/host_keys/rsa2048");
    let text = text.replace("/nonexistent-but-unused", key);
    let (asking, asked) = scripted(&["flag-pw", "flag-en"], true, true);
    let inv = parse_with(Path::new("inv.yaml"), &text, asking).unwrap();
    assert_eq!(
        *asked.lock().unwrap(),
        [
            "Password for devices without a password in the inventory (--ask-pass): ",
            "Enable secret for devices without an enable secret in the inventory (--ask-become-pass): ",
        ]
    );
    let creds = |n: &str| {
        let h = inv.hosts.iter().find(|h| h.name == n).unwrap();
        (
            h.password.as_ref().map(|s| s.expose().to_string()),
            h.enable_secret.as_ref().map(|s| s.expose().to_string()),
        )
    };
    let s = |v: &str| Some(v.to_string());
    assert_eq!(creds("asks"), (s("flag-pw"), s("flag-en")));
    assert_eq!(creds("has-own"), (s("group-pw"), s("group-en")));
    assert_eq!(creds("asks-too"), (s("flag-pw"), s("flag-en")));
    let jump = &inv.hosts[0].jump;
    assert!(jump.is_empty(), "no device uses the bastion");
    let uses: Vec<(&str, Option<&str>, usize)> = inv
        .prompts
        .iter()
        .map(|u| (u.field.as_str(), u.location.as_deref(), u.uses))
        .collect();
    assert_eq!(
        uses,
        [("--ask-pass", None, 2), ("--ask-become-pass", None, 2)]
    );
}

#[test]
fn without_a_terminal_the_field_that_asks_is_named() {
    let e = crate::inventory::parse(Path::new("inv.yaml"), FLEET).unwrap_err();
    assert_eq!(
        e.to_string(),
        "inv.yaml:4:3: defaults.password: asks for a prompt, but it cannot be asked (no terminal to ask on); for unattended runs (cron) use {env: VAR} or {file: PATH} instead"
    );
    let (asking, _) = scripted(&[], true, false);
    let e = parse_with(
        Path::new("inv.yaml"),
        "defaults: {platform: cisco_ios, username: u}\ndevices:\n  - {name: r1, host: h}\n",
        asking,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "--ask-pass: asks for a prompt, but it cannot be asked (no more scripted answers); for unattended runs (cron) use {env: VAR} or {file: PATH} instead"
    );
}

#[test]
fn an_answer_that_is_not_one_line_is_refused_without_printing_it() {
    for (answer, code) in [
        ("pw\u{1b}[Aconf-x", "U+001B at character 3"),
        ("pw\tconf-y", "U+0009 at character 3"),
        ("pw\u{2028}conf-z", "U+2028 at character 3"),
    ] {
        let (asking, _) = scripted(&[answer], false, false);
        let e = parse_with(Path::new("inv.yaml"), FLEET, asking)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("inv.yaml:4:3: defaults.password: the answer to the prompt contains "),
            "{e}"
        );
        assert!(e.contains(code), "{e}");
        assert!(!e.contains("conf-"), "the value leaked: {e}");
    }
    let (asking, _) = scripted(&[""], false, false);
    let e = parse_with(Path::new("inv.yaml"), FLEET, asking).unwrap_err();
    assert_eq!(
        e.to_string(),
        "inv.yaml:4:3: defaults.password: the answer to the prompt is empty"
    );
}

#[test]
fn deferred_prompts_are_listed_not_asked() {
    let asking = Asking {
        prompter: Box::new(Deferred),
        ask_pass: false,
        ask_become_pass: false,
    };
    let inv = parse_with(Path::new("inv.yaml"), FLEET, asking).unwrap();
    let fields: Vec<&str> = inv.prompts.iter().map(|u| u.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "defaults.password",
            "defaults.enable_secret",
            "devices[2].password"
        ]
    );
    assert_eq!(inv.hosts.len(), 3);
}

#[test]
fn prompt_false_and_unknown_keys_are_refused() {
    let e = crate::inventory::parse(
        Path::new("inv.yaml"),
        "defaults: {password: {prompt: false}}\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`prompt: false` asks for nothing"), "{e}");
    let e = crate::inventory::parse(Path::new("inv.yaml"), "defaults: {password: {ask: true}}\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected one of `env`, `file`, `prompt`"), "{e}");
}
