//! Sessions: transport (bytes over SSH) → channel (send a line, read to the prompt) → driver
//! (login, enable, paging off, commands; `contexts`: the same in each ASA security context),
//! every wait bounded by the device's `budget`, with platform knowledge kept as data. Returns
//! raw outputs; what they mean is `assess`'s.

pub mod budget;
pub mod channel;
pub mod contexts;
pub mod driver;
pub mod error;
pub mod platform;
pub mod run;
pub mod screen;
pub mod transport;
