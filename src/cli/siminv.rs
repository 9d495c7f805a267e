//! The inventory that reaches a running simulated fleet: written by `simulate` and `demo`,
//! with credentials in 0600 files beside it and the fleet's host key pinned; a
//! multiple-context ASA gets `asa_contexts: all`.

use crate::sim::ssh_profile::{ClientProfile, HostKeyKind};
use crate::sim::{RunningFleet, Scenario, SIM_ENABLE_SECRET, SIM_PASSWORD, SIM_USERNAME};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn write_private(path: &Path, data: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(data.as_bytes())
}

/// Write `inventory` (and its secret files beside it); returns the inventory path.
pub fn write(fleet: &RunningFleet, inventory: &Path) -> std::io::Result<PathBuf> {
    write_with(fleet, inventory, DEFAULT_TIMEOUTS)
}

/// Timeouts of a simulated fleet's inventory: loopback answers fast, so fail fast too.
pub const DEFAULT_TIMEOUTS: &str =
    "{connect: 5s, auth: 10s, prompt: 10s, enable: 10s, command: 30s, device: 120s}";

/// Like [`write`], with the inventory's `timeouts:` flow mapping given.
pub fn write_with(
    fleet: &RunningFleet,
    inventory: &Path,
    timeouts: &str,
) -> std::io::Result<PathBuf> {
    let dir = match inventory.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let stem = inventory
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sim".into());
    let pw_file = format!("{stem}.password");
    let en_file = format!("{stem}.enable");
    write_private(&dir.join(&pw_file), SIM_PASSWORD)?;
    write_private(&dir.join(&en_file), SIM_ENABLE_SECRET)?;
    let text = render(fleet, &pw_file, &en_file, timeouts);
    crate::util::write_atomic(inventory, text.as_bytes())?;
    Ok(inventory.to_path_buf())
}

/// A simulated device's site: the middle word of a `kind-site-NN` name (`rtr-branch-02` is
/// at `branch`), else `sim`; so the demo's site × platform matrix has rows.
pub fn site_of(name: &str) -> &str {
    let parts: Vec<&str> = name.split('-').collect();
    match parts.as_slice() {
        [_, site, n] if n.chars().all(|c| c.is_ascii_digit()) && !site.is_empty() => site,
        _ => "sim",
    }
}

/// The inventory text. Devices playing `refuse_connection` keep the port that refuses.
pub fn render(fleet: &RunningFleet, pw_file: &str, en_file: &str, timeouts: &str) -> String {
    let fp = crate::session::transport::ssh::fingerprint(&crate::sim::host_public_key());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Inventory of a fleetpoll simulated fleet ({} devices on loopback).",
        fleet.devices.len()
    );
    let _ = writeln!(
        s,
        "# Credentials are in files beside this one; the fleet's host key is pinned."
    );
    let _ = writeln!(s, "defaults:");
    let _ = writeln!(s, "  username: {SIM_USERNAME}");
    let _ = writeln!(s, "  password: {{file: {pw_file}}}");
    let _ = writeln!(s, "  enable_secret: {{file: {en_file}}}");
    let _ = writeln!(s, "  timeouts: {timeouts}");
    let _ = writeln!(s, "  retries: 1");
    let _ = writeln!(s, "  retry_backoff: 100ms");
    let _ = writeln!(s, "  ssh:");
    let _ = writeln!(s, "    host_key_policy: pinned");
    let _ = writeln!(s, "    host_key_fingerprint: \"{fp}\"");
    let _ = writeln!(s, "devices:");
    for d in &fleet.devices {
        let _ = writeln!(s, "  - name: {}", d.spec.name);
        let _ = writeln!(s, "    host: {}", d.addr.ip());
        let _ = writeln!(s, "    port: {}", d.addr.port());
        let _ = writeln!(s, "    platform: {}", d.spec.platform);
        let _ = writeln!(s, "    site: {}", site_of(&d.spec.name));
        let tag = if d.spec.scenario == Scenario::Healthy {
            "healthy".to_string()
        } else {
            d.spec.scenario.to_string()
        };
        let _ = writeln!(s, "    tags: [sim, {tag}]");
        if !d.spec.contexts.is_empty() {
            // Multiple-context mode: each security context is polled as its own row.
            let _ = writeln!(s, "    asa_contexts: all");
        }
        let profile = d.spec.ssh_profile.spec();
        if profile.host_key != HostKeyKind::Ed25519 || profile.client != ClientProfile::Modern {
            let key = crate::sim::ssh_profile::host_key(profile.host_key).public_key();
            let fp = crate::session::transport::ssh::fingerprint(key);
            let _ = writeln!(s, "    # simulated SSH profile: {}", d.spec.ssh_profile);
            let _ = writeln!(s, "    ssh:");
            let _ = writeln!(s, "      host_key_fingerprint: \"{fp}\"");
            if profile.client == ClientProfile::Legacy {
                let _ = writeln!(s, "      algorithms: legacy");
            }
        }
    }
    s
}
