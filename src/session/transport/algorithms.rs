//! SSH algorithm profiles per device: `modern` (russh's ciphers and keys, OpenSSH's kex order:
//! elliptic curves before finite-field groups), `legacy` (modern first, then the SHA-1 key
//! exchanges, CBC ciphers, hmac-sha1, ssh-rsa and ssh-dss that old IOS, ASA and WAAS images
//! still need), or explicit lists validated at plan time.

use russh::keys::{Algorithm, HashAlg};
use russh::{cipher, kex, mac, Preferred};
use serde::Deserialize;
use std::borrow::Cow;
use std::str::FromStr;

/// The SSH algorithm profile of a device.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Algorithms {
    /// `modern` or `legacy`.
    Profile(AlgorithmProfile),
    /// Explicit lists, in preference order; an omitted list keeps the modern defaults.
    Explicit(ExplicitAlgorithms),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlgorithmProfile {
    Modern,
    Legacy,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplicitAlgorithms {
    pub kex: Option<Vec<String>>,
    pub ciphers: Option<Vec<String>>,
    pub macs: Option<Vec<String>>,
    pub host_keys: Option<Vec<String>>,
}

impl Algorithms {
    pub fn describe(&self) -> String {
        match self {
            Algorithms::Profile(AlgorithmProfile::Modern) => "modern".into(),
            Algorithms::Profile(AlgorithmProfile::Legacy) => "legacy".into(),
            Algorithms::Explicit(_) => "explicit".into(),
        }
    }
}

impl Default for Algorithms {
    fn default() -> Self {
        Algorithms::Profile(AlgorithmProfile::Modern)
    }
}

const KEX: &[kex::Name] = &[
    kex::MLKEM768X25519_SHA256,
    kex::CURVE25519,
    kex::CURVE25519_PRE_RFC_8731,
    kex::DH_GEX_SHA256,
    kex::DH_G18_SHA512,
    kex::DH_G17_SHA512,
    kex::DH_G16_SHA512,
    kex::DH_G15_SHA512,
    kex::DH_G14_SHA256,
    kex::ECDH_SHA2_NISTP256,
    kex::ECDH_SHA2_NISTP384,
    kex::ECDH_SHA2_NISTP521,
    kex::DH_G14_SHA1,
    kex::DH_G1_SHA1,
    kex::DH_GEX_SHA1,
];

/// The `modern` kex order, OpenSSH's (`ssh -Q kex` order of its default `KexAlgorithms`):
/// hybrid post-quantum, then the curves, then the finite-field groups. russh's own default puts
/// every finite-field group first, so an IOS-XE device offering ECDH and DH got group16.
const MODERN_KEX: &[kex::Name] = &[
    kex::MLKEM768X25519_SHA256,
    kex::CURVE25519,
    kex::CURVE25519_PRE_RFC_8731,
    kex::ECDH_SHA2_NISTP256,
    kex::ECDH_SHA2_NISTP384,
    kex::ECDH_SHA2_NISTP521,
    kex::DH_GEX_SHA256,
    kex::DH_G16_SHA512,
    kex::DH_G18_SHA512,
    kex::DH_G14_SHA256,
];

/// Always appended: protocol extensions advertised through the kex list.
const KEX_EXTENSIONS: &[kex::Name] = &[
    kex::EXTENSION_SUPPORT_AS_CLIENT,
    kex::EXTENSION_OPENSSH_STRICT_KEX_AS_CLIENT,
];

const CIPHERS: &[cipher::Name] = &[
    cipher::CHACHA20_POLY1305,
    cipher::AES_256_GCM,
    cipher::AES_128_GCM,
    cipher::AES_256_CTR,
    cipher::AES_192_CTR,
    cipher::AES_128_CTR,
    cipher::AES_128_CBC,
    cipher::AES_192_CBC,
    cipher::AES_256_CBC,
    cipher::TRIPLE_DES_CBC,
];

const MACS: &[mac::Name] = &[
    mac::HMAC_SHA512_ETM,
    mac::HMAC_SHA256_ETM,
    mac::HMAC_SHA512,
    mac::HMAC_SHA256,
    mac::HMAC_SHA1_ETM,
    mac::HMAC_SHA1,
];

/// What `legacy` appends after the modern lists, in this order.
const LEGACY_KEX: &[kex::Name] = &[kex::DH_G14_SHA1, kex::DH_G1_SHA1, kex::DH_GEX_SHA1];
const LEGACY_CIPHERS: &[cipher::Name] = &[
    cipher::AES_128_CBC,
    cipher::AES_192_CBC,
    cipher::AES_256_CBC,
    cipher::TRIPLE_DES_CBC,
];
const LEGACY_MACS: &[mac::Name] = &[mac::HMAC_SHA1];

fn find<T: Copy + AsRef<str>>(table: &[T], name: &str) -> Option<T> {
    table.iter().copied().find(|n| n.as_ref() == name)
}

/// A key exchange this build can do, by its SSH wire name.
pub fn kex_by_name(name: &str) -> Option<kex::Name> {
    find(KEX, name)
}

/// A cipher this build can do, by its SSH wire name.
pub fn cipher_by_name(name: &str) -> Option<cipher::Name> {
    find(CIPHERS, name)
}

/// A MAC this build can do, by its SSH wire name.
pub fn mac_by_name(name: &str) -> Option<mac::Name> {
    find(MACS, name)
}

fn legacy_keys() -> Vec<Algorithm> {
    let mut keys: Vec<Algorithm> = Preferred::default().key.to_vec();
    for a in [Algorithm::Rsa { hash: None }, Algorithm::Dsa] {
        if !keys.contains(&a) {
            keys.push(a);
        }
    }
    keys
}

/// Key exchanges followed by the protocol extensions, which must come last.
fn with_extensions(mut kex: Vec<kex::Name>) -> Vec<kex::Name> {
    kex.extend(KEX_EXTENSIONS.iter().copied());
    kex
}

/// `base` then `extra`, each name once, `extra` in its own order after everything in `base`.
fn append<T: Copy + PartialEq>(base: &[T], extra: &[T]) -> Vec<T> {
    let mut v: Vec<T> = base
        .iter()
        .copied()
        .filter(|n| !extra.contains(n))
        .collect();
    v.extend(extra.iter().copied());
    v
}

/// The russh preference lists for a device's profile.
pub fn preferred(a: &Algorithms) -> Preferred {
    let modern = Preferred {
        kex: Cow::Owned(with_extensions(MODERN_KEX.to_vec())),
        ..Preferred::default()
    };
    match a {
        Algorithms::Profile(AlgorithmProfile::Modern) => modern,
        Algorithms::Profile(AlgorithmProfile::Legacy) => {
            let kex = with_extensions(append(MODERN_KEX, LEGACY_KEX));
            Preferred {
                kex: Cow::Owned(kex),
                key: Cow::Owned(legacy_keys()),
                cipher: Cow::Owned(append(&modern.cipher, LEGACY_CIPHERS)),
                mac: Cow::Owned(append(&modern.mac, LEGACY_MACS)),
                ..modern
            }
        }
        Algorithms::Explicit(e) => {
            let mut p = modern;
            if let Some(k) = &e.kex {
                let v: Vec<kex::Name> = k.iter().filter_map(|n| find(KEX, n)).collect();
                p.kex = Cow::Owned(with_extensions(v));
            }
            if let Some(c) = &e.ciphers {
                p.cipher = Cow::Owned(c.iter().filter_map(|n| find(CIPHERS, n)).collect());
            }
            if let Some(m) = &e.macs {
                p.mac = Cow::Owned(m.iter().filter_map(|n| find(MACS, n)).collect());
            }
            if let Some(h) = &e.host_keys {
                p.key = Cow::Owned(
                    h.iter()
                        .filter_map(|n| Algorithm::from_str(n).ok())
                        .collect(),
                );
            }
            p
        }
    }
}

/// The same lists without group-exchange key exchanges: some old IOS images serve 1024-bit
/// GEX groups, which russh refuses; a second attempt without GEX reaches them.
pub fn without_gex(p: &Preferred) -> Option<Preferred> {
    let kex: Vec<kex::Name> = p
        .kex
        .iter()
        .copied()
        .filter(|k| *k != kex::DH_GEX_SHA1 && *k != kex::DH_GEX_SHA256)
        .collect();
    (kex.len() != p.kex.len()).then(|| Preferred {
        kex: Cow::Owned(kex),
        ..p.clone()
    })
}

/// Check explicit lists; `Err((field, message))` names the list and the unknown name.
pub fn validate(e: &ExplicitAlgorithms) -> Result<(), (String, String)> {
    fn check(
        field: &str,
        names: &Option<Vec<String>>,
        ok: impl Fn(&str) -> bool,
        known: Vec<String>,
    ) -> Result<(), (String, String)> {
        let Some(names) = names else { return Ok(()) };
        if names.is_empty() {
            return Err((
                field.into(),
                "an empty list would allow no algorithm".into(),
            ));
        }
        for (i, n) in names.iter().enumerate() {
            if !ok(n) {
                return Err((
                    format!("{field}[{i}]"),
                    format!(
                        "unknown or unsupported algorithm `{n}` (known: {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
    let names = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    check(
        "kex",
        &e.kex,
        |n| find(KEX, n).is_some(),
        names(&KEX.iter().map(|k| k.as_ref()).collect::<Vec<_>>()),
    )?;
    check(
        "ciphers",
        &e.ciphers,
        |n| find(CIPHERS, n).is_some(),
        names(&CIPHERS.iter().map(|k| k.as_ref()).collect::<Vec<_>>()),
    )?;
    check(
        "macs",
        &e.macs,
        |n| find(MACS, n).is_some(),
        names(&MACS.iter().map(|k| k.as_ref()).collect::<Vec<_>>()),
    )?;
    check(
        "host_keys",
        &e.host_keys,
        |n| Algorithm::from_str(n).is_ok(),
        names(&[
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "rsa-sha2-512",
            "rsa-sha2-256",
            "ssh-rsa",
            "ssh-dss",
        ]),
    )?;
    Ok(())
}

/// The RSA signature hash to use for a user key without waiting for `server-sig-algs`
/// (old devices never send it): legacy profiles sign with `ssh-rsa`.
pub fn legacy_rsa_hash(a: &Algorithms) -> Option<Option<HashAlg>> {
    matches!(a, Algorithms::Profile(AlgorithmProfile::Legacy)).then_some(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<T: AsRef<str>>(v: &[T]) -> Vec<String> {
        v.iter().map(|n| n.as_ref().to_string()).collect()
    }

    #[test]
    fn legacy_appends_after_modern_in_the_documented_order() {
        let p = preferred(&Algorithms::Profile(AlgorithmProfile::Legacy));
        let k = names(&p.kex);
        let pos = |n: &str| {
            k.iter()
                .position(|x| x == n)
                .unwrap_or_else(|| panic!("{n} missing from {k:?}"))
        };
        assert!(pos("curve25519-sha256") < pos("diffie-hellman-group14-sha1"));
        assert!(pos("diffie-hellman-group14-sha1") < pos("diffie-hellman-group1-sha1"));
        assert!(pos("diffie-hellman-group1-sha1") < pos("diffie-hellman-group-exchange-sha1"));
        assert!(
            pos("diffie-hellman-group-exchange-sha1") < pos("ext-info-c"),
            "extensions stay last"
        );
        let c = names(&p.cipher);
        assert_eq!(
            &c[c.len() - 4..],
            ["aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"]
        );
        assert_eq!(c[0], Preferred::default().cipher[0].as_ref());
        assert_eq!(names(&p.mac).last().map(String::as_str), Some("hmac-sha1"));
        assert!(p.key.contains(&Algorithm::Rsa { hash: None }));
        assert!(p.key.contains(&Algorithm::Dsa));
        let modern = preferred(&Algorithms::default());
        assert!(!names(&modern.kex).iter().any(|k| k.ends_with("sha1")));
        assert!(!names(&modern.cipher).iter().any(|c| c.ends_with("cbc")));
    }

    #[test]
    fn modern_kex_is_openssh_order_curves_before_finite_field_groups() {
        let k = names(&preferred(&Algorithms::default()).kex);
        assert_eq!(
            k,
            [
                "mlkem768x25519-sha256",
                "curve25519-sha256",
                "curve25519-sha256@libssh.org",
                "ecdh-sha2-nistp256",
                "ecdh-sha2-nistp384",
                "ecdh-sha2-nistp521",
                "diffie-hellman-group-exchange-sha256",
                "diffie-hellman-group16-sha512",
                "diffie-hellman-group18-sha512",
                "diffie-hellman-group14-sha256",
                "ext-info-c",
                "kex-strict-c-v00@openssh.com",
            ]
        );
        let legacy = names(&preferred(&Algorithms::Profile(AlgorithmProfile::Legacy)).kex);
        assert_eq!(
            &legacy[..10],
            &k[..10],
            "legacy starts with the modern order"
        );
        assert_eq!(
            &legacy[10..13],
            [
                "diffie-hellman-group14-sha1",
                "diffie-hellman-group1-sha1",
                "diffie-hellman-group-exchange-sha1"
            ]
        );
    }

    #[test]
    fn without_gex_drops_only_group_exchange() {
        let p = preferred(&Algorithms::Profile(AlgorithmProfile::Legacy));
        let q = without_gex(&p).unwrap();
        let k = names(&q.kex);
        assert!(!k.iter().any(|n| n.contains("group-exchange")));
        assert!(k.contains(&"diffie-hellman-group14-sha1".to_string()));
        let r = without_gex(&q);
        assert!(r.is_none(), "nothing left to drop");
    }

    #[test]
    fn explicit_lists_are_validated() {
        let mut e = ExplicitAlgorithms {
            kex: Some(vec!["diffie-hellman-group14-sha1".into()]),
            ciphers: Some(vec!["aes128-cbc".into()]),
            macs: Some(vec!["hmac-sha1".into()]),
            host_keys: Some(vec!["ssh-rsa".into()]),
        };
        validate(&e).unwrap();
        let p = preferred(&Algorithms::Explicit(e.clone()));
        assert_eq!(names(&p.cipher), ["aes128-cbc"]);
        assert_eq!(p.key.as_ref(), &[Algorithm::Rsa { hash: None }]);
        e.ciphers = Some(vec!["rc4".into()]);
        let (field, msg) = validate(&e).unwrap_err();
        assert_eq!(field, "ciphers[0]");
        assert!(msg.contains("rc4"));
        e.ciphers = Some(vec![]);
        assert_eq!(validate(&e).unwrap_err().0, "ciphers");
    }
}
