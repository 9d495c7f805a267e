//! What the openssh transport can take from an inventory: which jump hosts `ssh -J` may be
//! given. Checked when the inventory is loaded, so a hop ssh cannot reach safely is a config
//! error with its location, never a failure mid-run.

use super::{Host, HostKeyPolicy};

/// ssh builds the jump command as a shell line with the hop inserted unquoted, so a hop's user
/// and host are limited to characters that mean nothing to a shell or to ssh's parser.
fn plain(s: &str, extra: &[char]) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') || extra.contains(&c)
        })
}

/// Why `hop` cannot be reached by the openssh transport's `-J`, or `None`. (A password is the
/// inventory's to refuse: it knows where it was set.)
pub fn hop_problem(hop: &Host) -> Option<String> {
    if !plain(&hop.username, &[]) {
        return Some(format!(
            "jump host `{}`: username `{}` cannot be passed to ssh -J (letters, digits, '.', '_' and '-' only, not first)",
            hop.name,
            hop.username.escape_debug()
        ));
    }
    if !plain(&hop.host, &[':']) {
        return Some(format!(
            "jump host `{}`: host `{}` cannot be passed to ssh -J (a name or address: letters, digits, '.', '-', ':')",
            hop.name,
            hop.host.escape_debug()
        ));
    }
    if hop.host_key_policy == HostKeyPolicy::Pinned {
        return Some(format!(
            "jump host `{}`: host_key_policy pinned cannot be checked by the openssh transport on a jump host (ssh checks it alone, without a log fleetpoll reads): use accept-new or strict for it, or the native transport",
            hop.name
        ));
    }
    None
}
