//! Transports: how bytes reach a device's CLI. `ssh` is the native russh client; both end in
//! an `AsyncRead + AsyncWrite` stream handed to the channel layer.

pub mod algorithms;
pub mod jump;
pub mod ssh;
pub mod system_ssh;
