//! Transports: how bytes reach a device's CLI. `native` (russh: `ssh` handshake and auth, `jump`
//! chains) or `system_ssh` (the user's own ssh in a pty); both end in
//! an `AsyncRead + AsyncWrite` stream handed to the channel layer.

pub mod agent;
pub mod algorithms;
pub mod jump;
pub mod native;
pub mod ssh;
pub mod system_ssh;
