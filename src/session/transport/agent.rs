//! ssh-agent authentication for the native transport: an entry with neither a password nor a
//! key_file signs in with the identities of the agent at `SSH_AUTH_SOCK`, in the agent's order.

use crate::inventory::Host;
use crate::session::error::SessionError;
use russh::client;
use russh::keys::agent::client::AgentClient;
use russh::keys::agent::AgentIdentity;
use russh::keys::HashAlg;

/// A connection to the user's agent.
pub(crate) type Agent = AgentClient<tokio::net::UnixStream>;

/// The agent at `SSH_AUTH_SOCK` and its identities; an error when there is none to sign with.
pub(crate) async fn identities(host: &Host) -> Result<(Agent, Vec<AgentIdentity>), SessionError> {
    let mut agent = AgentClient::connect_env().await.map_err(|e| {
        SessionError::AuthRejected(format!(
            "user `{}`: no password or key_file, and no ssh-agent to authenticate with (SSH_AUTH_SOCK): {e}",
            host.username
        ))
    })?;
    let identities = agent.request_identities().await.map_err(|e| {
        SessionError::AuthRejected(format!("ssh-agent: cannot list its identities: {e}"))
    })?;
    if identities.is_empty() {
        return Err(SessionError::AuthRejected(format!(
            "user `{}`: no password or key_file, and the ssh-agent holds no identities (ssh-add one)",
            host.username
        )));
    }
    Ok((agent, identities))
}

/// Try each of the agent's identities, RSA ones signing with `hash`; `Ok(false)` when the
/// server accepted none of them.
pub(crate) async fn sign_in<H: client::Handler>(
    handle: &mut client::Handle<H>,
    host: &Host,
    (mut agent, identities): (Agent, Vec<AgentIdentity>),
    hash: Option<HashAlg>,
) -> Result<bool, SessionError> {
    for id in identities {
        let key = id.public_key().into_owned();
        match handle
            .authenticate_publickey_with(&host.username, key, hash, &mut agent)
            .await
        {
            Ok(r) if r.success() => return Ok(true),
            Ok(_) => {}
            // The agent declined to sign (a confirm constraint refused, a locked agent): the
            // next identity may still do.
            Err(e) => {
                tracing::debug!(device = %host.name, error = %e, "ssh-agent did not sign");
            }
        }
    }
    Ok(false)
}
