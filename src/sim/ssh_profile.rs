//! SSH algorithm profiles of the simulator (`modern`, `iosxe`, `asa`, `ios15`, `waas`), read
//! from `platforms/ssh_profiles.yaml`: what each kind of real Cisco image offers, so the
//! client negotiates against the simulator what it would negotiate against the fleet.

use crate::session::transport::algorithms;
use crate::Platform;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{Algorithm, PrivateKey};
use russh::{cipher, kex, mac};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../platforms/ssh_profiles.yaml");
/// A fixed RSA-2048 key, so tests need no slow RSA key generation. It is a test key of the
/// simulator only, published with the source; nothing real is ever keyed with it.
const RSA2048_HOST_KEY: &str = include_str!("host_keys/rsa2048");

/// One simulated image's algorithm set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SshProfile {
    Modern,
    Iosxe,
    Asa,
    Ios15,
    Waas,
}

impl SshProfile {
    pub const ALL: [SshProfile; 5] = [
        SshProfile::Modern,
        SshProfile::Iosxe,
        SshProfile::Asa,
        SshProfile::Ios15,
        SshProfile::Waas,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SshProfile::Modern => "modern",
            SshProfile::Iosxe => "iosxe",
            SshProfile::Asa => "asa",
            SshProfile::Ios15 => "ios15",
            SshProfile::Waas => "waas",
        }
    }

    /// The algorithm lists of this profile.
    pub fn spec(self) -> &'static ProfileSpec {
        &data().profiles[&self]
    }

    /// The profile `mix` gives the `index`-th device of `platform`.
    pub fn for_device(platform: Platform, index: usize) -> SshProfile {
        let choices = &data().mix[&platform];
        choices[index % choices.len()]
    }

    /// What a device with this profile is (`platform` in the data; per-profile benches).
    pub fn platform(self) -> Platform {
        self.spec().platform
    }
}

impl fmt::Display for SshProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for SshProfile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        SshProfile::ALL
            .into_iter()
            .find(|p| p.id() == s)
            .ok_or_else(|| {
                let known: Vec<_> = SshProfile::ALL.iter().map(|p| p.id()).collect();
                format!(
                    "unknown SSH profile `{s}` (known: {}, mix)",
                    known.join(", ")
                )
            })
    }
}

/// Which host key a profile serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostKeyKind {
    Ed25519,
    Rsa2048,
}

/// The inventory algorithm profile a client needs for a simulated profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientProfile {
    Modern,
    Legacy,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    pub platform: Platform,
    pub kex: Vec<String>,
    pub ciphers: Vec<String>,
    pub macs: Vec<String>,
    pub host_key_algorithms: Vec<String>,
    pub host_key: HostKeyKind,
    pub client: ClientProfile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    profiles: BTreeMap<SshProfile, ProfileSpec>,
    mix: BTreeMap<Platform, Vec<SshProfile>>,
}

// The data is compiled in and checked by this module's tests: a mistake in it is a build
// defect, not an input error, so it may stop the simulator.
#[allow(clippy::panic)]
fn data() -> &'static Data {
    static DATA_: OnceLock<Data> = OnceLock::new();
    DATA_.get_or_init(|| {
        let d: Data = serde_yaml::from_str(DATA)
            .unwrap_or_else(|e| panic!("platforms/ssh_profiles.yaml: {e}"));
        for p in SshProfile::ALL {
            assert!(
                d.profiles.contains_key(&p),
                "ssh_profiles.yaml: no profile {p}"
            );
        }
        for p in Platform::ALL {
            assert!(
                d.mix.get(&p).is_some_and(|v| !v.is_empty()),
                "ssh_profiles.yaml: mix has no profile for {p}"
            );
        }
        d
    })
}

#[allow(clippy::expect_used)] // the key is compiled in and parsed by the tests
/// The host key of a kind (one per process: Ed25519 random, RSA-2048 the fixed test key).
pub fn host_key(kind: HostKeyKind) -> &'static PrivateKey {
    static ED: OnceLock<PrivateKey> = OnceLock::new();
    static RSA: OnceLock<PrivateKey> = OnceLock::new();
    match kind {
        HostKeyKind::Ed25519 => ED.get_or_init(|| {
            let seed: [u8; 32] = rand::random();
            PrivateKey::from(Ed25519Keypair::from_seed(&seed))
        }),
        HostKeyKind::Rsa2048 => RSA.get_or_init(|| {
            PrivateKey::from_openssh(RSA2048_HOST_KEY).expect("embedded simulator RSA key")
        }),
    }
}

#[allow(clippy::panic)] // names come from the compiled-in data, checked by the tests
fn resolve<T>(what: &str, names: &[String], f: impl Fn(&str) -> Option<T>) -> Vec<T> {
    names
        .iter()
        .map(|n| f(n).unwrap_or_else(|| panic!("ssh_profiles.yaml: unknown {what} `{n}`")))
        .collect()
}

/// The russh server preference lists of a profile (with the server-side protocol extensions).
pub fn preferred(profile: SshProfile) -> russh::Preferred {
    let s = profile.spec();
    let mut kex = resolve("kex", &s.kex, algorithms::kex_by_name);
    kex.push(kex::EXTENSION_SUPPORT_AS_SERVER);
    kex.push(kex::EXTENSION_OPENSSH_STRICT_KEX_AS_SERVER);
    let cipher: Vec<cipher::Name> = resolve("cipher", &s.ciphers, algorithms::cipher_by_name);
    let mac: Vec<mac::Name> = resolve("mac", &s.macs, algorithms::mac_by_name);
    let key: Vec<Algorithm> = resolve("host key algorithm", &s.host_key_algorithms, |n| {
        Algorithm::from_str(n).ok()
    });
    russh::Preferred {
        kex: Cow::Owned(kex),
        cipher: Cow::Owned(cipher),
        mac: Cow::Owned(mac),
        key: Cow::Owned(key),
        ..Default::default()
    }
}

/// The group a simulated OpenSSH-like server answers a group-exchange request with: the
/// smallest built-in safe prime of at least the preferred size, within the client's range
/// (OpenSSH's `choose_dh` does the same over its moduli file). russh's default handler picks
/// the first group *larger* than the preferred size, so a 2048-bit request got 4096 bits.
pub fn gex_group(
    min: usize,
    preferred: usize,
    max: usize,
) -> Option<russh::kex::dh::groups::DhGroup> {
    use russh::kex::dh::groups::{DH_GROUP14, DH_GROUP15, DH_GROUP16, DH_GROUP17, DH_GROUP18};
    let groups = [DH_GROUP14, DH_GROUP15, DH_GROUP16, DH_GROUP17, DH_GROUP18];
    let fits = |g: &&russh::kex::dh::groups::DhGroup| g.bit_size() >= min && g.bit_size() <= max;
    groups
        .iter()
        .filter(fits)
        .find(|g| g.bit_size() >= preferred)
        .or_else(|| groups.iter().rfind(fits))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_resolves_to_algorithms_russh_has() {
        for p in SshProfile::ALL {
            let pr = preferred(p);
            assert_eq!(pr.kex.len(), p.spec().kex.len() + 2, "{p}");
            assert!(!pr.cipher.is_empty() && !pr.mac.is_empty() && !pr.key.is_empty());
            let key = host_key(p.spec().host_key);
            assert!(
                pr.key.iter().all(|a| match a {
                    Algorithm::Rsa { .. } => matches!(key.algorithm(), Algorithm::Rsa { .. }),
                    other => *other == key.algorithm(),
                }),
                "{p}: host key algorithms match the key"
            );
        }
    }

    #[test]
    fn profiles_offer_what_the_images_offer() {
        let kex = |p: SshProfile| p.spec().kex.clone();
        assert_eq!(kex(SshProfile::Asa), ["diffie-hellman-group14-sha256"]);
        assert!(kex(SshProfile::Iosxe)
            .iter()
            .all(|k| !k.contains("curve25519")));
        assert!(kex(SshProfile::Iosxe)[0].starts_with("ecdh-sha2-nistp256"));
        assert!(kex(SshProfile::Ios15).iter().all(|k| k.ends_with("sha1")));
        assert_eq!(SshProfile::Iosxe.spec().host_key, HostKeyKind::Rsa2048);
        assert_eq!(SshProfile::Modern.spec().host_key, HostKeyKind::Ed25519);
        assert_eq!(SshProfile::Ios15.spec().client, ClientProfile::Legacy);
        let rsa = host_key(HostKeyKind::Rsa2048);
        assert_eq!(
            rsa.public_key()
                .key_data()
                .rsa()
                .and_then(|k| k.n().as_positive_bytes())
                .map(|b| b.len() * 8),
            Some(2048)
        );
    }

    #[test]
    fn mix_gives_each_platform_its_images() {
        assert_eq!(
            SshProfile::for_device(Platform::CiscoAsa, 7),
            SshProfile::Asa
        );
        assert_eq!(
            SshProfile::for_device(Platform::CiscoWaas, 3),
            SshProfile::Waas
        );
        assert_eq!(
            SshProfile::for_device(Platform::CiscoXe, 1),
            SshProfile::Iosxe
        );
        let ios: Vec<_> = (0..4)
            .map(|i| SshProfile::for_device(Platform::CiscoIos, i))
            .collect();
        assert_eq!(
            ios,
            [
                SshProfile::Iosxe,
                SshProfile::Ios15,
                SshProfile::Iosxe,
                SshProfile::Ios15
            ]
        );
        assert_eq!("waas".parse::<SshProfile>(), Ok(SshProfile::Waas));
        assert!("ios16"
            .parse::<SshProfile>()
            .unwrap_err()
            .contains("known: modern"));
    }

    #[test]
    fn gex_answers_the_smallest_group_of_the_preferred_size() {
        assert_eq!(
            gex_group(2048, 2048, 8192).map(|g| g.bit_size()),
            Some(2048)
        );
        assert_eq!(
            gex_group(2048, 3000, 8192).map(|g| g.bit_size()),
            Some(3072)
        );
        assert_eq!(
            gex_group(3072, 8192, 8192).map(|g| g.bit_size()),
            Some(8192)
        );
        assert_eq!(
            gex_group(2048, 9000, 4096).map(|g| g.bit_size()),
            Some(4096)
        );
        assert!(gex_group(9000, 9000, 9000).is_none());
    }
}
