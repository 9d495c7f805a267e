//! Command outputs of simulated devices, in the real formats (domain.md, shared fixtures).
//! Each family module answers the commands its parsers read; `None` means "not my command".

pub mod crypto;
pub mod system;
pub mod waas;

use super::scenario::RenderCtx;

/// The text a simulated device prints for `command` (already normalized by
/// [`crate::parse::normalize_command`]), without echo or trailing prompt; lines end in `\n`
/// (the server turns them into CRLF). `None` when no family knows the command.
pub fn render(ctx: &RenderCtx<'_>, command: &str) -> Option<String> {
    crypto::render(ctx, command)
        .or_else(|| waas::render(ctx, command))
        .or_else(|| system::render(ctx, command))
}
