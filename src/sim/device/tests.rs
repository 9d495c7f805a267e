//! Unit tests of `device`.

use super::*;

fn spec(platform: Platform, scenario: Scenario, enable: Option<&str>) -> DeviceSpec {
    DeviceSpec {
        name: "d1".into(),
        platform,
        hostname: "R1".into(),
        scenario,
        username: "u".into(),
        password: "p".into(),
        enable_secret: enable.map(str::to_string),
        latency: Duration::ZERO,
        seed: 7,
        huge_output_bytes: 200_000,
        ssh_profile: crate::sim::SshProfile::Modern,
        contexts: Vec::new(),
        drift: Default::default(),
    }
}

/// Everything sent, concatenated (delays dropped).
fn sent(actions: &[Action]) -> String {
    let mut s = Vec::new();
    for a in actions {
        if let Action::Send(b) = a {
            s.extend_from_slice(b);
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

/// A started device that the test types lines at which are not read-only (garbage, a
/// configuration command): named as a canary of the command log (`sim::command_log`).
fn canary(platform: Platform, name: &str) -> Device {
    let mut s = spec(platform, Scenario::Healthy, None);
    s.name = format!("{}{name}", crate::sim::command_log::CANARY_PREFIX);
    let mut d = Device::new(&s);
    d.start();
    d
}

fn started(platform: Platform, scenario: Scenario, enable: Option<&str>) -> Device {
    let mut d = Device::new(&spec(platform, scenario, enable));
    d.start();
    d
}

/// Output with enough lines to page, through the device's paging machinery.
fn feed_output(d: &mut Device, n: usize) -> String {
    let text: String = (1..=n).map(|i| format!("line {i}\n")).collect();
    let mut out = Out::default();
    d.state = State::Line;
    d.print_output("show fake", &text, &mut out);
    sent(&out.0)
}

#[test]
fn start_prints_banner_then_delayed_prompt() {
    let mut s = spec(Platform::CiscoIos, Scenario::Healthy, None);
    s.latency = Duration::from_millis(50);
    let mut d = Device::new(&s);
    let a = d.start();
    assert!(matches!(&a[0], Action::Send(b) if b.starts_with(b"\r\n****")));
    assert_eq!(a[1], Action::Delay(Duration::from_millis(50)));
    assert_eq!(a[2], Action::Send(b"R1#".to_vec()));
    assert_eq!(a.len(), 3);
}

#[test]
fn prompts_per_platform_and_mode() {
    let d = started(Platform::CiscoIos, Scenario::Healthy, Some("s"));
    assert_eq!(d.prompt(), "R1>");
    let d = started(Platform::CiscoWaas, Scenario::Healthy, None);
    assert_eq!(d.prompt(), "R1#");
    let d = started(Platform::CiscoAsa, Scenario::Healthy, Some("s"));
    assert_eq!(d.prompt(), "R1> ");
    let d = started(Platform::CiscoXe, Scenario::Healthy, None);
    assert_eq!(d.prompt(), "R1#");
}

#[test]
fn echoes_characters_and_backspace() {
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    assert_eq!(sent(&d.input(b"shw")), "shw");
    assert_eq!(sent(&d.input(b"\x7f\x08")), "\x08 \x08\x08 \x08");
    assert_eq!(sent(&d.input(b"\x7f")), "\x08 \x08");
    assert_eq!(sent(&d.input(b"\x7f")), "", "nothing left to erase");
    assert_eq!(
        sent(&d.input(b"\x03\t")),
        "",
        "control characters are not echoed"
    );
}

#[test]
fn cr_lf_and_crlf_are_one_enter_each() {
    for enter in [&b"\r"[..], b"\n", b"\r\n"] {
        let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
        let mut input = Vec::new();
        for _ in 0..3 {
            input.extend_from_slice(enter);
        }
        assert_eq!(sent(&d.input(&input)), "\r\nR1#\r\nR1#\r\nR1#", "{enter:?}");
    }
    // The LF of a CRLF split across two reads is still the same Enter.
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    assert_eq!(sent(&d.input(b"\r")), "\r\nR1#");
    assert_eq!(sent(&d.input(b"\n")), "");
    // LF CR is two Enters.
    assert_eq!(sent(&d.input(b"\n\r")), "\r\nR1#\r\nR1#");
}

#[test]
fn latency_before_each_reply() {
    let mut s = spec(Platform::CiscoIos, Scenario::Healthy, None);
    s.latency = Duration::from_millis(5);
    let mut d = Device::new(&s);
    d.start();
    let a = d.input(b"\r");
    assert_eq!(
        a,
        vec![
            Action::Send(b"\r\n".to_vec()),
            Action::Delay(Duration::from_millis(5)),
            Action::Send(b"R1#".to_vec())
        ]
    );
}

#[test]
fn enable_good_secret() {
    for p in [Platform::CiscoIos, Platform::CiscoAsa, Platform::CiscoWaas] {
        let mut d = started(p, Scenario::Healthy, Some("s3cret"));
        assert!(!d.is_privileged());
        let out = sent(&d.input(b"enable\n"));
        assert!(out.ends_with("\r\nPassword: "), "{out:?}");
        let out = sent(&d.input(b"s3cret\n"));
        assert!(!out.contains("s3cret"), "secret must not be echoed");
        assert!(d.is_privileged());
        assert_eq!(out, format!("\r\n{}", prompt(p, "R1", true)));
        // disable goes back, enable again asks again.
        assert_eq!(
            sent(&d.input(b"disable\r")),
            format!("disable\r\n{}", prompt(p, "R1", false))
        );
        assert!(!d.is_privileged());
    }
}

#[test]
fn enable_bad_secret_per_platform() {
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, Some("s3cret"));
    d.input(b"enable\r\n");
    let out = sent(&d.input(b"nope\r\n"));
    assert_eq!(out, "\r\n% Access denied\r\n\r\nR1>");
    assert!(!d.is_privileged());

    let mut d = started(Platform::CiscoAsa, Scenario::Healthy, Some("s3cret"));
    d.input(b"enable\r");
    let out = sent(&d.input(b"nope\r"));
    assert_eq!(out, "\r\nInvalid password\r\nR1> ");

    let mut d = started(Platform::CiscoWaas, Scenario::Healthy, Some("s3cret"));
    d.input(b"enable\n");
    assert!(sent(&d.input(b"nope\n")).contains("% Access denied"));
}

#[test]
fn wrong_enable_secret_scenario_rejects_the_right_secret() {
    let mut d = started(
        Platform::CiscoIos,
        Scenario::WrongEnableSecret,
        Some("s3cret"),
    );
    d.input(b"enable\n");
    assert!(sent(&d.input(b"s3cret\n")).contains("% Access denied"));
    assert!(!d.is_privileged());
}

#[test]
fn enable_without_secret_or_when_privileged_is_silent() {
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    assert_eq!(sent(&d.input(b"enable\n")), "enable\r\nR1#");
}

#[test]
fn exit_closes() {
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    let a = d.input(b"exit\nshow version\n");
    assert_eq!(a.last(), Some(&Action::Close));
    assert!(d.is_closed());
    let mut d = started(Platform::CiscoAsa, Scenario::Healthy, None);
    let a = d.input(b"logout\r");
    assert!(sent(&a).contains("Logoff"));
    assert_eq!(a.last(), Some(&Action::Close));
}

#[test]
fn paging_commands_are_platform_specific() {
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    assert_eq!(
        sent(&d.input(b"terminal length 0\n")),
        "terminal length 0\r\nR1#"
    );
    assert_eq!(d.page_length(), 0);
    let out = sent(&d.input(b"terminal pager 0\n"));
    assert!(out.contains("% Invalid input detected at '^' marker."));
    // caret under "pager": prompt (3) + "terminal " (9)
    assert!(
        out.contains(&format!("\r\n{}^\r\n", " ".repeat(12))),
        "{out:?}"
    );

    let mut d = started(Platform::CiscoAsa, Scenario::Healthy, None);
    let out = sent(&d.input(b"terminal length 0\n"));
    assert!(
        out.contains("ERROR: % Invalid input detected at '^' marker."),
        "{out:?}"
    );
    assert_eq!(d.page_length(), DEFAULT_PAGE_LENGTH);
    assert_eq!(
        sent(&d.input(b"terminal pager 0\n")),
        "terminal pager 0\r\nR1# "
    );
    assert_eq!(d.page_length(), 0);
    d.input(b"terminal pager lines 10\n");
    assert_eq!(d.page_length(), 10);
    d.input(b"terminal pager lines 0\n");
    assert_eq!(d.page_length(), 0);

    let mut d = canary(Platform::CiscoWaas, "terminal-length-without-n");
    d.input(b"terminal length 0\r\n");
    assert_eq!(d.page_length(), 0);
    assert!(sent(&d.input(b"terminal length\r\n")).contains("% Incomplete command."));
}

#[test]
fn ios_pager_space_enter_and_q() {
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    d.input(b"terminal length 5\n");
    let out = feed_output(&mut d, 10);
    assert_eq!(out, "line 1\r\nline 2\r\nline 3\r\nline 4\r\n --More-- ");
    let erase = String::from_utf8(pager_erase(Platform::CiscoIos)).unwrap_or_default();
    assert_eq!(
        erase,
        format!("{0}{1}{0}", "\x08".repeat(10), " ".repeat(10))
    );
    // Enter: one more line.
    assert_eq!(
        sent(&d.input(b"\r")),
        format!("{erase}line 5\r\n --More-- ")
    );
    // Space: next page (4 lines).
    assert_eq!(
        sent(&d.input(b" ")),
        format!("{erase}line 6\r\nline 7\r\nline 8\r\nline 9\r\n --More-- ")
    );
    // Space again: the last line, then the prompt.
    assert_eq!(sent(&d.input(b" ")), format!("{erase}line 10\r\nR1#"));

    // q aborts to the prompt.
    feed_output(&mut d, 10);
    assert_eq!(sent(&d.input(b"q")), format!("{erase}R1#"));
    // and the next Enter is a normal line again
    assert_eq!(sent(&d.input(b"\n")), "\r\nR1#");
}

#[test]
fn asa_pager_with_crlf_answer() {
    let mut d = started(Platform::CiscoAsa, Scenario::Healthy, None);
    d.input(b"terminal pager 4\n");
    let out = feed_output(&mut d, 5);
    assert_eq!(out, "line 1\r\nline 2\r\nline 3\r\n<--- More --->");
    let erase = format!("\r{}\r", " ".repeat(14));
    // CRLF is one Enter, also at the pager: exactly one line.
    assert_eq!(
        sent(&d.input(b"\r\n")),
        format!("{erase}line 4\r\n<--- More --->")
    );
    assert_eq!(sent(&d.input(b" ")), format!("{erase}line 5\r\nR1# "));
}

#[test]
fn paging_off_prints_everything() {
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    d.input(b"terminal length 0\n");
    let out = feed_output(&mut d, 100);
    assert!(out.ends_with("line 100\r\nR1#"));
    assert!(!out.contains("More"));
}

#[test]
fn invalid_input_caret_per_platform() {
    let mut d = canary(Platform::CiscoIos, "garbage");
    let out = sent(&d.input(b"frobnicate now\n"));
    assert_eq!(
        out,
        format!(
            "frobnicate now\r\n{}^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1#",
            " ".repeat(3)
        )
    );
    let mut d = canary(Platform::CiscoAsa, "garbage");
    let out = sent(&d.input(b"frobnicate\n"));
    assert_eq!(
        out,
        format!(
            "frobnicate\r\n{}^\r\nERROR: % Invalid input detected at '^' marker.\r\nR1# ",
            " ".repeat(4)
        )
    );
    // Caret under the first unknown word of a show command.
    let mut d = started(Platform::CiscoWaas, Scenario::Healthy, None);
    let out = sent(&d.input(b"show  bogus thing\n"));
    assert!(
        out.contains(&format!("\r\n{}^\r\n% Invalid", " ".repeat(3 + 6))),
        "{out:?}"
    );
}

#[test]
fn incomplete_and_config_commands() {
    // A canary: the one device of the suite that is typed a configuration line, so the
    // suite's command log proves it catches one (`.ci/check-sim-log`).
    let mut d = canary(Platform::CiscoIos, "config-refused");
    assert!(sent(&d.input(b"show\n")).contains("% Incomplete command."));
    let out = sent(&d.input(b"configure terminal\n"));
    assert!(out.contains("% Invalid input detected"), "{out:?}");
    assert!(out.ends_with("R1#"));
    assert!(crate::sim::command_log::violations()
        .contains(&"canary-config-refused\tconfigure terminal".to_string()));
    let mut d = started(Platform::CiscoAsa, Scenario::Healthy, None);
    assert!(sent(&d.input(b"show\n")).contains("ERROR: % Incomplete command"));
}

#[test]
fn no_prompt_prints_banner_only_and_ignores_input() {
    let mut d = Device::new(&spec(Platform::CiscoIos, Scenario::NoPrompt, None));
    let out = sent(&d.start());
    assert!(out.contains("Authorized access only"));
    assert!(!out.contains("R1#"));
    assert!(d.input(b"\r\nshow version\r\n").is_empty());
}

#[test]
fn stall_prints_half_of_the_first_show_then_nothing() {
    let mut d = started(Platform::CiscoIos, Scenario::StallMidOutput, None);
    d.input(b"terminal length 0\n");
    let text: String = (1..=10).map(|i| format!("line {i}\n")).collect();
    let mut out = Out::default();
    d.print_output("show fake", &text, &mut out);
    let s = sent(&out.0);
    assert!(s.ends_with("line 5\r\n"), "{s:?}");
    assert!(!s.contains("line 6"));
    assert!(d.input(b"\n").is_empty(), "silent after the stall");
}

#[test]
fn rendered_show_version_reaches_the_terminal_in_crlf() {
    // What the renderer prints for `show version` is printed in CRLF, then the prompt.
    let mut d = started(Platform::CiscoIos, Scenario::Healthy, None);
    d.input(b"terminal length 0\n");
    let out = sent(&d.input(b"show version\n"));
    assert!(out.starts_with("show version\r\n"));
    assert!(out.ends_with("\r\nR1#"));
    let ctx = RenderCtx {
        platform: Platform::CiscoIos,
        scenario: Scenario::Healthy,
        hostname: "R1",
        seed: 7,
        drift: Default::default(),
    };
    let Some(text) = render::render(&ctx, "show version") else {
        panic!("no renderer for IOS show version");
    };
    let expect = text.replace("\r\n", "\n").replace('\n', "\r\n");
    // The two renderings may straddle a clock tick (`System restarted at`).
    let Ok(clock) = regex::Regex::new(r"\d\d:\d\d:\d\d") else {
        panic!("clock regex");
    };
    assert!(clock
        .replace_all(&out, "<clock>")
        .contains(clock.replace_all(expect.trim_end(), "<clock>").as_ref()));
    assert!(
        !out.replace("\r\n", "").contains('\n'),
        "bare LF in {out:?}"
    );
}

#[test]
fn crlf_lines_normalizes() {
    assert_eq!(
        crlf_lines("a\nb\r\nc"),
        vec![b"a\r\n".to_vec(), b"b\r\n".to_vec(), b"c\r\n".to_vec()]
    );
    assert!(crlf_lines("").is_empty());
}

/// Everything sent as raw bytes, following [`Action::Continue`] through `resume`; also
/// returns the largest single send and whether the last action was a drop.
fn drain(d: &mut Device, mut actions: Vec<Action>) -> (Vec<u8>, usize, bool) {
    let mut bytes = Vec::new();
    let mut largest = 0;
    let mut dropped = false;
    loop {
        let mut more = false;
        for a in actions {
            match a {
                Action::Send(b) => {
                    largest = largest.max(b.len());
                    bytes.extend_from_slice(&b);
                }
                Action::Continue => more = true,
                Action::Drop => dropped = true,
                Action::Delay(_) | Action::Close => {}
            }
        }
        if !more {
            return (bytes, largest, dropped);
        }
        actions = d.resume();
    }
}

fn paging_off(p: Platform) -> &'static [u8] {
    if p == Platform::CiscoAsa {
        b"terminal pager 0\n"
    } else {
        b"terminal length 0\n"
    }
}

/// What a terminal shows of `bytes`: escape sequences and control bytes (but LF) dropped.
fn visible(bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && !(0x40..=0x7e).contains(&bytes[i]) {
                i += 1;
            }
        } else if b == b'\n' || b >= 0x20 {
            v.push(b);
        }
        i += 1;
    }
    v
}

#[test]
fn pager_stuck_rejects_paging_off_and_keeps_paging() {
    let mut d = started(Platform::CiscoIos, Scenario::PagerStuck, None);
    let out = sent(&d.input(b"terminal length 0\n"));
    assert_eq!(
        out,
        format!(
            "terminal length 0\r\n{}^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1#",
            " ".repeat(3 + 9)
        )
    );
    assert_eq!(d.page_length(), DEFAULT_PAGE_LENGTH);
    let out = feed_output(&mut d, 30);
    assert!(out.ends_with("line 23\r\n --More-- "), "{out:?}");

    let mut d = started(Platform::CiscoAsa, Scenario::PagerStuck, None);
    for cmd in ["terminal pager 0\n", "terminal pager lines 0\n"] {
        let out = sent(&d.input(cmd.as_bytes()));
        assert!(
            out.contains("ERROR: % Invalid input detected at '^' marker."),
            "{out:?}"
        );
    }
    assert_eq!(d.page_length(), DEFAULT_PAGE_LENGTH);
    let out = feed_output(&mut d, 30);
    assert!(out.ends_with("<--- More --->"), "{out:?}");
}

#[test]
fn garbage_colours_control_bytes_and_latin1_in_show_outputs_only() {
    let Ok(clock) = regex::Regex::new(r"\d\d:\d\d:\d\d(?:\.\d{3})?") else {
        panic!("clock regex");
    };
    for p in [Platform::CiscoIos, Platform::CiscoAsa, Platform::CiscoWaas] {
        let mut d = started(p, Scenario::Garbage, None);
        d.input(paging_off(p));
        let (raw, _, _) = {
            let a = d.input(b"show version\n");
            drain(&mut d, a)
        };
        assert!(raw.windows(2).any(|w| w == b"\x1b["), "{p}: no ANSI");
        assert!(
            raw.contains(&0x07) && raw.contains(&0x00),
            "{p}: no BEL/NUL"
        );
        assert!(std::str::from_utf8(&raw).is_err(), "{p}: all valid UTF-8");
        let prompt = prompt(p, "R1", true);
        // The echo and the prompt are clean.
        assert!(raw.starts_with(b"show version\r\n"), "{p}");
        assert!(raw.ends_with(prompt.as_bytes()), "{p}");
        // What a terminal shows is the rendered text, Latin-1 free text aside.
        let ctx = RenderCtx {
            platform: p,
            scenario: Scenario::Garbage,
            hostname: "R1",
            seed: 7,
            drift: Default::default(),
        };
        let Some(text) = render::render(&ctx, "show version") else {
            panic!("no show version on {p}");
        };
        let mut want: Vec<u8> = format!("show version\r\n{}", text.replace('\n', "\r\n"))
            .into_bytes()
            .into_iter()
            .filter(|b| *b != b'\r')
            .collect();
        for (needle, latin1) in LATIN1 {
            if let Some(at) = want.windows(needle.len()).position(|w| w == *needle) {
                want.splice(at..at + needle.len(), latin1.iter().copied());
            }
        }
        want.extend_from_slice(prompt.as_bytes());
        // The two renderings may straddle a clock tick (`System restarted at`, ...).
        assert_eq!(
            clock.replace_all(&String::from_utf8_lossy(&visible(&raw)), "<clock>"),
            clock.replace_all(&String::from_utf8_lossy(&want), "<clock>"),
            "{p}"
        );
    }
    // Built-in commands are not garbled.
    let mut d = started(Platform::CiscoIos, Scenario::Garbage, None);
    assert_eq!(
        sent(&d.input(b"terminal length 0\n")),
        "terminal length 0\r\nR1#"
    );
}

#[test]
fn huge_output_streams_in_bounded_chunks() {
    for p in [Platform::CiscoIos, Platform::CiscoAsa] {
        let mut d = started(p, Scenario::HugeOutput, None);
        d.input(paging_off(p));
        let first = d.input(b"show crypto ipsec sa\n");
        assert_eq!(first.last(), Some(&Action::Continue), "{p}: not streamed");
        // Typed while streaming: ignored by the model (the adapter holds typeahead).
        assert!(d.input(b"show version\n").is_empty());
        let (raw, largest, dropped) = drain(&mut d, first);
        assert!(!dropped);
        // A chunk is at most CHUNK_BYTES plus the line that crossed the limit.
        assert!(
            largest < CHUNK_BYTES + 512,
            "{p}: a send of {largest} bytes"
        );
        let text = String::from_utf8_lossy(&raw);
        let prompt = prompt(p, "R1", true);
        assert!(text.ends_with(&format!("\r\n{prompt}")), "{p}");
        // About the configured size (200 kB), overshooting by at most one rendering.
        assert!(
            raw.len() >= 200_000 && raw.len() < 230_000,
            "{p}: {}",
            raw.len()
        );
        // One interface header, then SA blocks of many peers.
        assert_eq!(text.matches("interface:").count(), 1, "{p}");
        let peers: std::collections::BTreeSet<&str> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("current_peer"))
            .collect();
        assert!(peers.len() > 20, "{p}: {} peers", peers.len());
        // Other commands are normal, and so is the prompt after the huge output.
        let out = sent(&d.input(b"show version\n"));
        assert!(out.ends_with(&prompt) && out.len() < 10_000, "{p}");
    }
    // With paging on, the huge output pages like any other (one screen at a time).
    let mut d = started(Platform::CiscoIos, Scenario::HugeOutput, None);
    let out = sent(&d.input(b"show crypto ipsec sa\n"));
    assert!(out.ends_with(" --More-- "), "{out:?}");
    assert_eq!(out.matches("\r\n").count(), 1 + 23);
    let out = sent(&d.input(b"q"));
    assert!(out.ends_with("R1#"));
}

#[test]
fn slow_drip_sends_each_reply_byte_alone_after_login() {
    let mut d = Device::new(&spec(Platform::CiscoIos, Scenario::SlowDrip, None));
    // Banner and first prompt arrive as usual.
    let a = d.start();
    assert!(a.len() <= 3, "{a:?}");
    let a = d.input(b"\n");
    let reply = "\r\nR1#";
    assert_eq!(a.len(), 2 * reply.len());
    for (pair, b) in a.chunks(2).zip(reply.bytes()) {
        assert_eq!(pair[0], Action::Delay(SLOW_DRIP_INTERVAL));
        assert_eq!(pair[1], Action::Send(vec![b]));
    }
}

#[test]
fn disconnect_mid_output_cuts_the_third_show_command() {
    let mut d = started(Platform::CiscoWaas, Scenario::DisconnectMidOutput, None);
    d.input(b"terminal length 0\n");
    for _ in 0..SHOWS_BEFORE_DISCONNECT {
        let out = sent(&d.input(b"show version\n"));
        assert!(out.ends_with("R1#"), "{out:?}");
    }
    let a = d.input(b"show version\n");
    assert_eq!(a.last(), Some(&Action::Drop));
    assert!(a.contains(&Action::Delay(DROP_AFTER)));
    let out = sent(&a);
    assert!(!out.ends_with("R1#"));
    let full = {
        let mut t = started(Platform::CiscoWaas, Scenario::Healthy, None);
        t.input(b"terminal length 0\n");
        sent(&t.input(b"show version\n"))
    };
    assert!(
        full.starts_with(&out) && out.len() < full.len() * 3 / 4,
        "{out:?}"
    );
    assert!(d.is_closed());
    assert!(d.input(b"\n").is_empty());
}

#[test]
fn context_change_after_the_first_show_command() {
    let mut d = started(Platform::CiscoAsa, Scenario::ContextChange, None);
    assert_eq!(
        sent(&d.input(b"terminal pager 0\n")),
        "terminal pager 0\r\nR1# "
    );
    let out = sent(&d.input(b"show version\n"));
    assert!(out.ends_with("\r\nR1/admin# "), "{out:?}");
    assert_eq!(sent(&d.input(b"\n")), "\r\nR1/admin# ");
    // Not on IOS, whose prompts have no contexts.
    let mut d = started(Platform::CiscoIos, Scenario::ContextChange, None);
    d.input(b"terminal length 0\n");
    assert!(sent(&d.input(b"show version\n")).ends_with("\r\nR1#"));
}

#[test]
fn slow_command_pauses_before_the_first_show_output_only() {
    let mut d = started(Platform::CiscoIos, Scenario::SlowCommand, None);
    let a = d.input(b"terminal length 0\n");
    assert!(!a.contains(&Action::Delay(SLOW_COMMAND_DELAY)));
    let a = d.input(b"show version\n");
    let at = a
        .iter()
        .position(|x| *x == Action::Delay(SLOW_COMMAND_DELAY));
    // Echo, then the pause, then the whole output and the prompt.
    assert_eq!(at, Some(1), "{a:?}");
    assert_eq!(sent(&a[..1]), "show version\r\n");
    assert!(sent(&a).ends_with("\r\nR1#"));
    let a = d.input(b"show version\n");
    assert!(!a.contains(&Action::Delay(SLOW_COMMAND_DELAY)));
}
