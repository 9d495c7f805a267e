//! Multiple-context mode of a simulated ASA: where the session is (the system execution space
//! or one of the device's contexts), `changeto system` / `changeto context NAME`, the prompt
//! there (`name# `, `name/ctx# `), and which outputs each space prints: the system space
//! answers only the system-wide commands, a context renders as a device of its own playing
//! its scenario. The session's `terminal pager` setting follows it from space to space, as the
//! ASA command reference describes.

use super::{Builtin, Device, Out};
use crate::sim::render::{self, contexts as text};
use crate::sim::scenario::Scenario;
use crate::sim::spec::seed_for;

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Space {
    /// Single-context mode (every device but a multiple-context ASA).
    Single,
    /// The system execution space (`changeto system`).
    System,
    /// The context at this index of the spec's contexts (the login lands in the first, the
    /// admin context).
    Context(usize),
}

/// What the system execution space answers: it has no interfaces, VPN or routing of its
/// own, so everything else is an invalid-input error there.
const SYSTEM_COMMANDS: &[&str] = &[
    "show context",
    "show mode",
    "show version",
    "show clock",
    "show inventory",
    "show failover",
    "show ntp status",
];

/// `word` typed for `full`, abbreviated to at least `min` letters.
fn is(word: &str, full: &str, min: usize) -> bool {
    word.len() >= min && full.starts_with(word)
}

impl Device {
    /// Where a new session starts: single mode, or the admin context.
    pub(super) fn initial_space(multiple: bool) -> Space {
        if multiple {
            Space::Context(0)
        } else {
            Space::Single
        }
    }

    /// The host part of the prompt.
    pub(super) fn prompt_host(&self) -> String {
        let context = match self.space {
            Space::Single => self.context.map(str::to_string),
            Space::System => None,
            Space::Context(i) => self.contexts.get(i).map(|c| c.name.clone()),
        };
        match context {
            Some(c) => format!("{}/{c}", self.hostname),
            None => self.hostname.clone(),
        }
    }

    /// The scenario and seed this space's outputs are rendered with: a context's own (and a
    /// seed of its own, so contexts differ in peers and counters); healthy in the system space.
    pub(super) fn render_as(&self) -> (Scenario, u64) {
        match self.space {
            Space::Single => (self.scenario, self.seed),
            Space::System => (Scenario::Healthy, self.seed),
            Space::Context(i) => self
                .contexts
                .get(i)
                .map(|c| (c.scenario, self.seed ^ seed_for(&c.name)))
                .unwrap_or((self.scenario, self.seed)),
        }
    }

    /// `changeto …`: only privileged and in multiple-context mode (in single mode the command
    /// does not exist). `words` as typed (context names are case-sensitive), `lw` lowercased.
    pub(super) fn changeto(
        &mut self,
        words: &[(usize, &str)],
        lw: &[&str],
        out: &mut Out,
    ) -> Builtin {
        if self.space == Space::Single || !self.privileged {
            return Builtin::Invalid(0);
        }
        match lw {
            [_] => Builtin::Incomplete,
            [_, w] if is(w, "system", 2) => {
                self.space = Space::System;
                out.send(self.prompt().as_bytes());
                Builtin::Handled
            }
            [_, w] if is(w, "context", 1) => Builtin::Incomplete,
            [_, w, _] if is(w, "context", 1) => {
                let name = words.get(2).map_or("", |(_, n)| *n);
                match self.contexts.iter().position(|c| c.name == name) {
                    Some(i) => self.space = Space::Context(i),
                    None => {
                        // Wording not checked against a capture of a real ASA (none was at
                        // hand); what the poller relies on is the `ERROR:` prefix and the
                        // unchanged prompt, both of which the ASA prints.
                        out.send(format!("ERROR: Context '{name}' does not exist\r\n").as_bytes());
                    }
                }
                out.send(self.prompt().as_bytes());
                Builtin::Handled
            }
            [_, w, ..] if is(w, "context", 1) => Builtin::Invalid(3),
            _ => Builtin::Invalid(1),
        }
    }

    /// The output of `command` (normalized) where this space decides it rather than the
    /// renderers: `show context` and `show mode`, and `Err` for what the system execution
    /// space does not have.
    pub(super) fn space_output(&self, command: &str) -> Option<Result<String, ()>> {
        if !self.is_asa() {
            return None;
        }
        let known = render::canonical(&["show context", "show mode"], command);
        match (self.space, known) {
            (Space::Single, Some("show mode")) => Some(Ok(text::show_mode(false))),
            (Space::Single, _) => None,
            (_, Some("show mode")) => Some(Ok(text::show_mode(true))),
            (Space::System, Some(_)) => Some(Ok(text::show_context(&self.contexts, None))),
            (Space::Context(i), Some(_)) => Some(Ok(text::show_context(&self.contexts, Some(i)))),
            (Space::System, None) if render::canonical(SYSTEM_COMMANDS, command).is_none() => {
                Some(Err(()))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, Device};
    use crate::sim::command_log;
    use crate::sim::scenario::Scenario;
    use crate::sim::spec::DeviceSpec;
    use crate::Platform;

    fn sent(actions: &[Action]) -> String {
        let mut s = Vec::new();
        for a in actions {
            if let Action::Send(b) = a {
                s.extend_from_slice(b);
            }
        }
        String::from_utf8_lossy(&s).into_owned()
    }

    /// A multiple-context ASA logged in and enabled; `name` unique to the test (command log).
    fn logged_in(name: &str) -> Device {
        let mut spec = DeviceSpec::new(name, Platform::CiscoAsa, Scenario::MultiContext);
        spec.hostname = "fw".into();
        let mut d = Device::new(&spec);
        assert!(
            sent(&d.start()).ends_with("fw/admin> "),
            "lands in the admin context"
        );
        d.input(b"enable\r");
        assert!(sent(&d.input(b"sim-enable\r")).ends_with("fw/admin# "));
        d
    }

    fn typed(d: &mut Device, line: &str) -> String {
        sent(&d.input(format!("{line}\r").as_bytes()))
    }

    #[test]
    fn changeto_moves_between_the_system_space_and_contexts() {
        let mut d = logged_in("mc-unit-nav");
        command_log::watch("mc-unit-nav");
        assert!(typed(&mut d, "terminal pager 0").ends_with("fw/admin# "));
        let out = typed(&mut d, "changeto system");
        assert!(out.ends_with("\r\nfw# "), "{out:?}");
        let list = typed(&mut d, "show context");
        for row in [
            "*admin ",
            " ctx-a ",
            " ctx-b ",
            "Total active Security Contexts: 3",
        ] {
            assert!(list.contains(row), "{row}: {list}");
        }
        // The system execution space has no VPN of its own.
        assert!(typed(&mut d, "show crypto isakmp sa").contains("ERROR: % Invalid input"));
        assert!(typed(&mut d, "changeto context ctx-b").ends_with("fw/ctx-b# "));
        // Inside a context, `show context` lists that context only; the pager setting
        // followed the session.
        let own = typed(&mut d, "show context");
        assert!(own.contains(" ctx-b ") && !own.contains("admin"), "{own}");
        assert!(!own.contains("<--- More --->"));
        assert_eq!(d.page_length(), 0);
        assert!(typed(&mut d, "show mode").contains("Security context mode: multiple"));
        let out = typed(&mut d, "changeto context nosuch");
        assert!(
            out.contains("ERROR: Context 'nosuch' does not exist") && out.ends_with("fw/ctx-b# "),
            "{out:?}"
        );
        // Names are case-sensitive.
        assert!(typed(&mut d, "changeto context CTX-A").contains("does not exist"));
        // (`changeto context` alone is incomplete on the device, and not a line the command log
        // allows: not typed here, where the suite's log must stay read-only.)
        assert!(typed(&mut d, "changeto system").ends_with("fw# "));
        assert_eq!(
            command_log::transcript("mc-unit-nav"),
            [
                "terminal pager 0",
                "changeto system",
                "show context",
                "show crypto isakmp sa",
                "changeto context ctx-b",
                "show context",
                "show mode",
                "changeto context nosuch",
                "changeto context CTX-A",
                "changeto system",
            ]
        );
    }

    #[test]
    fn each_context_prints_its_own_outputs() {
        let mut d = logged_in("mc-unit-outputs");
        typed(&mut d, "terminal pager 0");
        let admin = typed(&mut d, "show vpn-sessiondb l2l");
        typed(&mut d, "changeto system");
        typed(&mut d, "changeto context ctx-b");
        let b = typed(&mut d, "show vpn-sessiondb l2l");
        let rec = |t: &str| {
            let body: String = t.lines().skip(1).collect::<Vec<_>>().join("\n");
            crate::parse::asa_sessions::parse_vpn_l2l(&body).unwrap()
        };
        let one_way = |t: &str| rec(t).sessions.iter().filter(|s| s.has_one_way()).count();
        assert_eq!(one_way(&admin), 0, "{admin}");
        assert_eq!(one_way(&b), 1, "{b}");
    }

    #[test]
    fn single_mode_has_no_changeto() {
        let mut spec = DeviceSpec::new("mc-unit-single", Platform::CiscoAsa, Scenario::Healthy);
        spec.enable_secret = None;
        let mut d = Device::new(&spec);
        d.start();
        assert!(typed(&mut d, "changeto system").contains("ERROR: % Invalid input"));
        assert!(typed(&mut d, "show mode").contains("Security context mode: single"));
    }
}
