//! The simulated device fleet: in-process russh servers on loopback that behave like WAEs,
//! ASAs and IOS routers (banner, prompts, echo, enable, paging, errors, latency), playing
//! scenarios from `scenario`. Used by `demo`, `simulate`, the end-to-end tests and the bench.
//!
//! - [`device`]: the terminal behaviour of one device, pure (bytes in, actions out);
//! - [`server`]: the russh adapter that runs a device per shell channel ([`serve`]);
//! - [`fleet`]: device specs, the demo fleet, generated fleets, [`spawn_fleet`];
//! - [`render`]: what each command prints, per command family and scenario.

pub mod device;
pub mod fleet;
pub mod render;
pub mod scenario;
pub mod server;

pub use fleet::{
    applies_to, demo_specs, fleet_specs, spawn_fleet, DeviceSpec, RunningDevice, RunningFleet,
    SIM_ENABLE_SECRET, SIM_PASSWORD, SIM_USERNAME, WRONG_PASSWORD,
};
pub use scenario::Scenario;
pub use server::{host_key, host_public_key, serve};
