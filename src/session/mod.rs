//! Sessions: transport (bytes over SSH) → channel (send a line, read to the prompt) → driver
//! (login, enable, paging off, commands), with platform knowledge kept as data.

pub mod budget;
pub mod channel;
pub mod driver;
pub mod error;
pub mod platform;
pub mod transport;
