//! The simulated device fleet: in-process russh servers on loopback that behave like WAEs,
//! ASAs and IOS routers (banner, prompts, echo, enable, paging, errors, latency), playing
//! scenarios from `scenario`. Used by `demo`, `simulate`, the end-to-end tests and the bench.
//!
//! - [`device`]: the terminal behaviour of one device, pure (bytes in, actions out);
//! - [`server`]: the russh adapter that runs a device per shell channel ([`serve`]);
//! - [`spec`]: what one device is ([`DeviceSpec`]) and the fleet's credentials;
//! - [`ssh_profile`]: the SSH algorithms of real images (`platforms/ssh_profiles.yaml`);
//! - [`fleet`]: the demo fleet, generated fleets, [`spawn_fleet`];
//! - [`render`]: what each command prints, per command family and scenario;
//! - [`command_log`]: every line typed at a prompt, judged read-only or not.
//!
//! What a client sees from a simulated device: a short banner, then (after the device's
//! latency) `host>` or `host#` (ASA: `host> ` / `host# `, with the trailing space of the real
//! appliance); every typed character echoed; CR, LF or CRLF as one Enter; output lines in
//! CRLF; `enable` → `Password: ` (no echo) → `% Access denied` (IOS/WAAS) or `Invalid password`
//! (ASA) on a wrong secret; `terminal length 0` (IOS/WAAS) or `terminal pager 0` /
//! `terminal pager lines 0` (ASA) turns paging off, the other platform's spelling is an
//! invalid-input error; with paging on, every 23 lines ` --More-- ` (IOS/WAAS) or
//! `<--- More --->` (ASA), answered by space (page), Enter (line) or anything else (abort),
//! then erased with [`device::pager_erase`]; unknown commands get a caret line and
//! `% Invalid input detected at '^' marker.` (ASA: `ERROR: % ...`), prefixes of known
//! commands `% Incomplete command.`; `configure ...` is refused like an unknown command;
//! `exit`/`logout` closes the channel and drops the connection.

pub mod command_log;
pub mod device;
pub mod fleet;
pub mod render;
pub mod scenario;
pub mod server;
pub mod spec;
pub mod ssh_profile;

pub use fleet::{
    applies_to, apply_ssh_profiles, demo_specs, fleet_specs, spawn_fleet, spawn_fleet_at,
    DeviceSpec, RunningDevice, RunningFleet, SshProfileChoice, SIM_ENABLE_SECRET, SIM_PASSWORD,
    SIM_USERNAME, WRONG_PASSWORD,
};
pub use scenario::Scenario;
pub use server::{host_key, host_public_key, serve};
pub use ssh_profile::SshProfile;
