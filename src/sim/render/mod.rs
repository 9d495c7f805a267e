//! Command outputs of simulated devices, in the real formats (domain.md, shared fixtures).
//! Each family module answers the commands its parsers read; `None` means "not my command".

pub mod contexts;
pub mod crypto;
pub mod ha;
pub mod interfaces;
pub mod inventory;
pub mod pki;
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
        .or_else(|| inventory::render(ctx, command))
        .or_else(|| pki::render(ctx, command))
        .or_else(|| ha::render(ctx, command))
        .or_else(|| interfaces::render(ctx, command))
}

/// `command` (normalized) as one of `commands`, accepting word-by-word abbreviations of at
/// least two letters (`sh ver`, `sh cry pki cert`).
pub(crate) fn canonical(commands: &[&'static str], command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    commands.iter().copied().find(|c| {
        let cw: Vec<&str> = c.split(' ').collect();
        cw.len() == words.len()
            && cw
                .iter()
                .zip(&words)
                .all(|(c, w)| w.len() >= 2.min(c.len()) && c.starts_with(w))
    })
}

/// splitmix64: a deterministic number from the device seed and a per-value salt, so one seed
/// gives a device stable, varied counters and addresses across every command it renders.
pub(crate) fn mix(seed: u64, salt: u64) -> u64 {
    let mut z = seed
        .wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
