//! Two resolved inventories compared setting by setting: a translated inventory must give
//! the very hosts of its fleetpoll equivalent (tests, and `convert`'s check of what it wrote).

use crate::inventory::Host;

/// A host's resolved settings as (name, value) pairs; secrets as their SHA-256, never the
/// value, and where credentials are set left out (that differs between formats by design).
pub fn host_fields(h: &Host) -> Vec<(&'static str, String)> {
    let secret = |s: &Option<crate::inventory::Secret>| {
        s.as_ref()
            .map(|s| crate::util::sha256_hex(s.expose().as_bytes()))
            .unwrap_or_default()
    };
    let source =
        |c: &Option<crate::inventory::Sourced>| format!("{:?}", c.as_ref().map(|c| &c.source));
    vec![
        ("name", h.name.clone()),
        ("host", h.host.clone()),
        ("port", h.port.to_string()),
        ("platform", h.platform.id().to_string()),
        ("groups", h.groups.join(",")),
        ("site", format!("{:?}", h.site)),
        ("tags", h.tags.join(",")),
        ("username", h.username.clone()),
        ("password", secret(&h.password)),
        ("password source", source(&h.credentials.password)),
        ("enable_secret", secret(&h.enable_secret)),
        ("enable_secret source", source(&h.credentials.enable_secret)),
        ("key_file", format!("{:?}", h.key_file)),
        (
            "key_passphrase source",
            source(&h.credentials.key_passphrase),
        ),
        ("timeouts", format!("{:?}", h.timeouts)),
        ("host_key_policy", h.host_key_policy.id().to_string()),
        (
            "host_key_fingerprint",
            format!("{:?}", h.host_key_fingerprint),
        ),
        ("known_hosts", format!("{:?}", h.known_hosts)),
        ("max_output_bytes", h.max_output_bytes.to_string()),
        ("transport", h.transport.id().to_string()),
        ("algorithms", format!("{:?}", h.algorithms)),
        (
            "jump",
            h.jump
                .iter()
                .map(|j| j.name.clone())
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("ssh_options", h.ssh_options.join(" ")),
        ("max_channels", h.max_channels.to_string()),
        ("retries", h.retries.to_string()),
        ("retry_backoff", format!("{:?}", h.retry_backoff)),
    ]
}

/// The first difference between two host lists (`None`: the same hosts, in the same order).
pub fn first_difference(a: &[Host], b: &[Host]) -> Option<String> {
    if a.len() != b.len() {
        return Some(format!("{} devices against {}", a.len(), b.len()));
    }
    for (x, y) in a.iter().zip(b) {
        for ((k, vx), (_, vy)) in host_fields(x).into_iter().zip(host_fields(y)) {
            if vx != vy {
                let shown = |v: &str| {
                    if k.contains("password") || k.contains("secret") {
                        "(differs)".to_string()
                    } else {
                        v.to_string()
                    }
                };
                return Some(format!(
                    "device `{}`: {k} is {} against {}",
                    x.name,
                    shown(&vx),
                    shown(&vy)
                ));
            }
        }
    }
    None
}
