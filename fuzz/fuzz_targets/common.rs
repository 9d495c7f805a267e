//! Shared by the fuzz targets: the registered parsers of one family, and one run.
//!
//! The first input byte picks the parser within the family, the rest (as lossy UTF-8) is the
//! command output; so one target explores each of its parsers separately. Any panic is a crash.

use fleetpoll::parse::{registry, ParserSpec};

/// The families the targets split the registry into, by command.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// show version / clock / ntp status.
    System,
    /// Commands only WAAS parsers read.
    Waas,
    /// IKE / IPsec / CERM / ASA VPN and everything else on IOS and ASA.
    Crypto,
}

pub fn family_of(spec: &ParserSpec) -> Family {
    use fleetpoll::Platform;
    if matches!(spec.command, "show version" | "show clock" | "show ntp status") {
        Family::System
    } else if spec.platforms.iter().all(|p| *p == Platform::CiscoWaas) {
        Family::Waas
    } else {
        Family::Crypto
    }
}

pub fn parsers(family: Family) -> Vec<&'static ParserSpec> {
    registry().iter().filter(|s| family_of(s) == family).collect()
}

pub fn run(family: Family, data: &[u8]) {
    let specs = parsers(family);
    let Some((&pick, rest)) = data.split_first() else { return };
    if specs.is_empty() {
        return;
    }
    let spec = specs[pick as usize % specs.len()];
    let text = String::from_utf8_lossy(rest);
    // Errors are fine; a panic is the bug libFuzzer looks for.
    let _ = (spec.parse)(&text);
}
