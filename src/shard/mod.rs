//! Sharding a sweep over several workers: which of N shards owns each device (rendezvous
//! hashing of the device name, or of an inventory field so a site stays together), the
//! `shard-K-of-N/` folder a shard writes with its [`manifest`], and [`merge`] back into what
//! one unsharded run writes.

pub mod ingest;
pub mod manifest;
pub mod merge;

use crate::inventory::Host;
use crate::plan::Plan;
use std::fmt;

/// This process is shard `index` of `count` (0-based, like Kubernetes' JOB_COMPLETION_INDEX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// The environment variable an Indexed Job sets in each pod: the pod's 0-based index.
pub const INDEX_ENV: &str = "JOB_COMPLETION_INDEX";

/// A `--shard` / `--shards` value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("--shard {0:?}: expected K/N, K from 0 to N-1 (e.g. 0/10)")]
    Syntax(String),
    #[error("shard {index}/{count}: the index is 0-based and must be below {count}")]
    Range { index: u32, count: u32 },
    #[error("--shards {count}: {INDEX_ENV} is not set (it names this shard's 0-based index)")]
    NoIndex { count: u32 },
    #[error("--shards {count}: {INDEX_ENV}={value:?} is not a number")]
    BadIndex { count: u32, value: String },
}

impl Shard {
    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        if count == 0 || index >= count {
            return Err(ShardError::Range { index, count });
        }
        Ok(Shard { index, count })
    }

    /// `K/N` as written on the command line.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(s.to_string());
        let (k, n) = s.trim().split_once('/').ok_or_else(syntax)?;
        let k: u32 = k.trim().parse().map_err(|_| syntax())?;
        let n: u32 = n.trim().parse().map_err(|_| syntax())?;
        Shard::new(k, n)
    }

    /// Shard `?/count` with its index from `JOB_COMPLETION_INDEX` (as `value`).
    pub fn from_index_env(count: u32, value: Option<&str>) -> Result<Shard, ShardError> {
        let v = value.ok_or(ShardError::NoIndex { count })?;
        let index = v.trim().parse().map_err(|_| ShardError::BadIndex {
            count,
            value: v.to_string(),
        })?;
        Shard::new(index, count)
    }

    /// The folder name of this shard's outputs: `shard-K-of-N`.
    pub fn folder(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }

    /// The inverse of [`Shard::folder`].
    pub fn from_folder(name: &str) -> Option<Shard> {
        let rest = name.strip_prefix("shard-")?;
        let (k, n) = rest.split_once("-of-")?;
        Shard::new(k.parse().ok()?, n.parse().ok()?).ok()
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a device is sharded by: its name (the default, spreading devices evenly), or an
/// inventory field shared by a group of devices that must stay on one worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShardBy {
    #[default]
    Name,
    Site,
    Host,
    Platform,
    /// The device's first group (the innermost it was listed under).
    Group,
    Transport,
}

impl ShardBy {
    pub const ALL: &'static [(&'static str, ShardBy)] = &[
        ("name", ShardBy::Name),
        ("site", ShardBy::Site),
        ("host", ShardBy::Host),
        ("platform", ShardBy::Platform),
        ("group", ShardBy::Group),
        ("transport", ShardBy::Transport),
    ];

    pub fn parse(s: &str) -> Result<ShardBy, String> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
                format!(
                    "--shard-by {s:?}: one of {} (a device without the field is sharded by its name)",
                    names.join(", ")
                )
            })
    }

    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, b)| *b == self)
            .map_or("name", |(n, _)| n)
    }

    /// The key a device is hashed by. A device without the field (no site, no group) falls
    /// back to its name, so it is still owned by exactly one shard. The field name is part of
    /// the key so that a site called like a device does not land with that device by accident.
    pub fn key(self, h: &Host) -> String {
        let field = match self {
            ShardBy::Name => None,
            ShardBy::Site => h.site.clone(),
            ShardBy::Host => Some(h.host.clone()),
            ShardBy::Platform => Some(h.platform.to_string()),
            ShardBy::Group => h.groups.first().cloned(),
            ShardBy::Transport => Some(h.transport.id().to_string()),
        };
        match field {
            Some(v) => format!("{}={v}", self.id()),
            None => format!("name={}", h.name),
        }
    }
}

/// The shard (0-based, below `count`) that owns `key`: rendezvous (highest random weight)
/// hashing, so a key's owner depends on the key and `count` only. Adding or removing a device
/// moves no other device; going from N to N+1 shards moves only the keys the new shard wins
/// (about 1/(N+1) of them). The hash is written out here, not taken from std (whose hasher
/// may change between releases): every shard and the merge must agree on it, whichever
/// fleetpoll build runs them.
pub fn owner(key: &str, count: u32) -> u32 {
    let base = fnv1a64(key.as_bytes());
    (0..count.max(1))
        .max_by_key(|&k| (mix64(base ^ mix64(u64::from(k) + 1)), std::cmp::Reverse(k)))
        .unwrap_or(0)
}

/// FNV-1a, 64 bits.
fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The splitmix64 finalizer: spreads every input bit over the output.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The shard that owns host `h`.
pub fn owner_of(h: &Host, by: ShardBy, count: u32) -> u32 {
    owner(&by.key(h), count)
}

/// `plan` cut down to the devices `shard` owns, in the same (inventory) order. A shard may
/// own no device at all (more shards than sites): it then polls nothing and says so.
pub fn select(mut plan: Plan, shard: Shard, by: ShardBy) -> Plan {
    plan.jobs
        .retain(|j| owner_of(&j.host, by, shard.count) == shard.index);
    plan.hosts = plan.jobs.iter().map(|j| j.host.clone()).collect();
    plan
}

/// What identifies the inventory a run used, for the merge to check every shard saw the same
/// one: SHA-256 over each selected device's name, address, port, platform and site, in order
/// (not the file bytes: an Ansible inventory is a folder, and a comment changes nothing).
pub fn inventory_hash(hosts: &[std::sync::Arc<Host>]) -> String {
    let mut s = String::new();
    for h in hosts {
        s.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            h.name,
            h.host,
            h.port,
            h.platform,
            h.site.as_deref().unwrap_or("")
        ));
    }
    crate::util::sha256_hex(s.as_bytes())
}

#[cfg(test)]
mod tests;
