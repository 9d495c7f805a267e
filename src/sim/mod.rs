//! The simulated device fleet: in-process russh servers on loopback that behave like WAEs,
//! ASAs and IOS routers (banner, prompts, echo, enable, paging, errors, latency), playing
//! scenarios from `scenario`. Used by `demo`, `simulate`, the end-to-end tests and the bench.

pub mod render;
pub mod scenario;
