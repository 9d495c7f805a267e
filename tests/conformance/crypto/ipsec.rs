//! IPsec: `show crypto ipsec sa [detail|peer|interface|ipv6 ...]` against genieparser
//! (identities, counters, SPIs) and the dispatch to the ntc-templates comparisons.

use super::*;
use fleetpoll::parse::ipsec::{IpsecSa, IpsecSaEntry, SpiSa};
use serde_json::Value;

pub(super) fn ipsec(c: &mut Cmp, r: &IpsecSa, expected: Option<&Value>) {
    let Some(exp) = expected else {
        return;
    };
    if let Some(rows) = ntc_rows(expected) {
        if rows.iter().any(|row| row.get("sa_spi_hex").is_some()) {
            ipsec_ntc_ios(c, r, rows);
        } else {
            ipsec_ntc_asa(c, r, rows);
        }
        return;
    }
    if let Some(ifs) = exp.get("interfaces").and_then(Value::as_object) {
        ipsec_genie_identities(c, r, ifs);
        return;
    }
    // genieparser IOS-XE: {interface: {name: {crypto_map_tag, local_addr?, ident: {1: {...}}}}}
    let Some(ifs) = exp.get("interface").and_then(Value::as_object) else {
        c.fail("unknown expected schema for ipsec".into());
        return;
    };
    let mut theirs: Vec<(&str, &Value, &Value)> = Vec::new();
    for (name, iface) in ifs {
        for ident in numbered(iface.get("ident")) {
            theirs.push((name.as_str(), iface, ident));
        }
    }
    c.count("entry count", r.entries.len(), theirs.len());
    for (name, iface, e) in theirs {
        // Genie keys interfaces in a map, so match by interface and remote ident.
        let rid = e
            .get("remote_ident")
            .and_then(|x| x.get("addr"))
            .and_then(text);
        let lid = e
            .get("local_ident")
            .and_then(|x| x.get("addr"))
            .and_then(text);
        let Some(ours) = r.entries.iter().find(|x| {
            x.interface
                .as_deref()
                .is_some_and(|i| i.eq_ignore_ascii_case(name))
                && x.remote_ident.as_ref().map(|i| i.addr.clone()) == rid
                && x.local_ident.as_ref().map(|i| i.addr.clone()) == lid
        }) else {
            c.fail(format!(
                "no entry for interface {name} ident {lid:?} -> {rid:?}"
            ));
            continue;
        };
        let w = |f: &str| format!("{name} {rid:?} {f}");
        c.s(
            &w("crypto map"),
            ours.crypto_map.as_deref(),
            iface.get("crypto_map_tag"),
        );
        c.s(
            &w("local addr"),
            ours.local_addr.as_deref(),
            iface.get("local_addr"),
        );
        c.s(&w("peer"), ours.current_peer.as_deref(), e.get("peer_ip"));
        c.n(
            &w("peer port"),
            ours.peer_port.map(u64::from),
            e.get("port"),
        );
        // genie drops the parentheses of `(none)`.
        let paren = |v: &str| v.trim_start_matches('(').trim_end_matches(')').to_string();
        let vrf = ours.protected_vrf.as_deref().map(paren);
        let their_vrf = e
            .get("protected_vrf")
            .and_then(text)
            .map(|v| Value::from(paren(&v)));
        c.s(&w("vrf"), vrf.as_deref(), their_vrf.as_ref());
        ident_cmp(
            c,
            &w("local ident"),
            ours.local_ident.as_ref(),
            e.get("local_ident"),
        );
        ident_cmp(
            c,
            &w("remote ident"),
            ours.remote_ident.as_ref(),
            e.get("remote_ident"),
        );
        counters_cmp(c, &w(""), ours, e, |k| {
            k.strip_prefix("pkts_").map(|_| k.to_string())
        });
        c.n(&w("send errors"), ours.send_errors, e.get("send_errors"));
        c.n(&w("recv errors"), ours.recv_errors, e.get("recv_errors"));
        c.s(
            &w("local endpt"),
            ours.local_endpoint.as_deref(),
            e.get("local_crypto_endpt"),
        );
        c.s(
            &w("remote endpt"),
            ours.remote_endpoint.as_deref(),
            e.get("remote_crypto_endpt"),
        );
        c.n(&w("path mtu"), ours.path_mtu, e.get("path_mtu"));
        let spi = e
            .get("current_outbound_spi")
            .and_then(text)
            .map(|s| spi_hex(&s));
        c.s(
            &w("current outbound spi"),
            ours.current_outbound_spi.as_deref(),
            spi.map(Value::from).as_ref(),
        );
        for (dir, list) in [("inbound", &ours.inbound), ("outbound", &ours.outbound)] {
            for proto in ["esp", "ah", "pcp"] {
                let key = format!("{dir}_{proto}_sas");
                let Some(spis) = e
                    .get(&key)
                    .and_then(|x| x.get("spi"))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                let mine: Vec<&SpiSa> = list.iter().filter(|s| s.protocol == proto).collect();
                c.count(&w(&key), mine.len(), spis.len());
                for (spi_key, sa) in spis {
                    let hex = spi_hex(spi_key);
                    let Some(m) = mine.iter().find(|m| {
                        m.spi
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case(&hex))
                            || (m.spi.is_none() && hex.starts_with('['))
                    }) else {
                        c.fail(format!("{}: no SA with spi {hex}", w(&key)));
                        continue;
                    };
                    spi_cmp(c, &w(&format!("{key} {hex}")), m, sa);
                }
            }
        }
    }
}

/// genieparser `show crypto ipsec sa ipv6 detailed`: {interfaces: {name: {identities:
/// {local: {remote_ident: {remote: {...}}}}}}}, one SA object per direction.
pub(super) fn ipsec_genie_identities(
    c: &mut Cmp,
    r: &IpsecSa,
    ifs: &serde_json::Map<String, Value>,
) {
    let ident_str =
        |i: &fleetpoll::parse::ipsec::Ident| format!("{}/{}/{}/{}", i.addr, i.mask, i.prot, i.port);
    let mut total = 0;
    for (name, iface) in ifs {
        let Some(ids) = iface.get("identities").and_then(Value::as_object) else {
            continue;
        };
        for (lid, idv) in ids {
            let Some(remotes) = idv.get("remote_ident").and_then(Value::as_object) else {
                continue;
            };
            for (rid, e) in remotes {
                total += 1;
                let w = |f: &str| format!("{name} {rid} {f}");
                let Some(ours) = r.entries.iter().find(|x| {
                    x.interface.as_deref() == Some(name.as_str())
                        && x.local_ident.as_ref().map(ident_str).as_deref() == Some(lid.as_str())
                        && x.remote_ident.as_ref().map(ident_str).as_deref() == Some(rid.as_str())
                }) else {
                    c.fail(format!("no entry for {name} {lid} -> {rid}"));
                    continue;
                };
                c.s(
                    &w("crypto map"),
                    ours.crypto_map.as_deref(),
                    iface.get("crypto_map_tag"),
                );
                c.s(
                    &w("local addr"),
                    ours.local_addr.as_deref(),
                    iface.get("local_addr"),
                );
                c.s(
                    &w("vrf"),
                    ours.protected_vrf.as_deref(),
                    iface.get("protected_vrf"),
                );
                c.s(
                    &w("peer"),
                    ours.current_peer.as_deref(),
                    e.get("current_peer"),
                );
                c.n(&w("port"), ours.peer_port.map(u64::from), e.get("port"));
                counters_cmp(c, &w(""), ours, e, |k| {
                    k.strip_prefix("pkts_").map(|_| k.to_string())
                });
                c.s(
                    &w("local endpt"),
                    ours.local_endpoint.as_deref(),
                    e.get("local_crypto_endpt"),
                );
                c.s(
                    &w("remote endpt"),
                    ours.remote_endpoint.as_deref(),
                    e.get("remote_crypto_endpt"),
                );
                c.n(&w("path mtu"), ours.path_mtu, e.get("path_mtu"));
                c.s(&w("dh group"), ours.dh_group.as_deref(), e.get("dh_group"));
                let spi = e
                    .get("current_outbound_spi")
                    .and_then(text)
                    .map(|s| Value::from(spi_hex(&s)));
                c.s(
                    &w("current outbound spi"),
                    ours.current_outbound_spi.as_deref(),
                    spi.as_ref(),
                );
                for (key, list) in [
                    ("inbound_esp_sas", &ours.inbound),
                    ("outbound_esp_sas", &ours.outbound),
                ] {
                    let Some(sa) = e.get(key) else {
                        continue;
                    };
                    let Some(hex) = sa.get("spi").and_then(text).map(|s| spi_hex(&s)) else {
                        continue;
                    };
                    let Some(m) = list.iter().find(|m| {
                        m.spi
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case(&hex))
                            || (m.spi.is_none() && hex.starts_with('['))
                    }) else {
                        c.fail(format!("{}: no SA with spi {hex}", w(key)));
                        continue;
                    };
                    c.n(&w(&format!("{key} conn id")), m.conn_id, sa.get("conn_id"));
                    c.s(
                        &w(&format!("{key} crypto map")),
                        m.crypto_map.as_deref(),
                        sa.get("crypto_map"),
                    );
                    c.s(
                        &w(&format!("{key} transform")),
                        m.transform.as_deref(),
                        sa.get("transform"),
                    );
                    let st = sa
                        .get("status")
                        .and_then(text)
                        .map(|s| Value::from(spi_hex(&s)));
                    c.state(
                        &w(&format!("{key} status")),
                        m.status.as_ref().map(|s| s.as_str()),
                        st.as_ref(),
                    );
                }
            }
        }
    }
    c.count("entry count", r.entries.len(), total);
}

/// `0x658F7C11(1703902225)` → `0x658F7C11`.
pub(super) fn spi_hex(s: &str) -> String {
    s.split('(').next().unwrap_or("").trim().to_string()
}

pub(super) fn ident_cmp(
    c: &mut Cmp,
    what: &str,
    ours: Option<&fleetpoll::parse::ipsec::Ident>,
    theirs: Option<&Value>,
) {
    let Some(t) = theirs else {
        return;
    };
    c.s(
        &format!("{what} addr"),
        ours.map(|i| i.addr.as_str()),
        t.get("addr"),
    );
    c.s(
        &format!("{what} mask"),
        ours.map(|i| i.mask.as_str()),
        t.get("mask"),
    );
    c.n(
        &format!("{what} prot"),
        ours.map(|i| u64::from(i.prot)),
        t.get("prot"),
    );
    c.n(
        &format!("{what} port"),
        ours.map(|i| u64::from(i.port)),
        t.get("port"),
    );
}

/// Our counter value by a source's snake_case counter name (`pkts_encaps`, `pkts_no_sa_send`,
/// `pkts_compr_failed`, ...), matching every printed name by its alphanumerics.
pub(super) fn our_counter(e: &IpsecSaEntry, key: &str) -> Option<u64> {
    let k = alnum(key);
    let typed = [
        ("pktsencaps", e.pkts_encaps),
        ("pktsencrypt", e.pkts_encrypt),
        ("pktsdigest", e.pkts_digest),
        ("pktsdecaps", e.pkts_decaps),
        ("pktsdecrypt", e.pkts_decrypt),
        ("pktsverify", e.pkts_verify),
        ("senderrors", e.send_errors),
        ("recverrors", e.recv_errors),
    ];
    if let Some((_, v)) = typed.iter().find(|(n, _)| *n == k) {
        return *v;
    }
    e.counters
        .iter()
        .find(|(name, _)| alnum(name) == k)
        .map(|(_, v)| *v)
}

pub(super) fn alnum(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every `pkts_*` counter of the source that is a number.
pub(super) fn counters_cmp(
    c: &mut Cmp,
    what: &str,
    ours: &IpsecSaEntry,
    e: &Value,
    keep: impl Fn(&str) -> Option<String>,
) {
    let Some(obj) = e.as_object() else {
        return;
    };
    for (k, v) in obj {
        let Some(name) = keep(k) else {
            continue;
        };
        if number(v).is_none() {
            continue;
        }
        c.n(&format!("{what}{name}"), our_counter(ours, &name), Some(v));
    }
}

pub(super) fn spi_cmp(c: &mut Cmp, what: &str, m: &SpiSa, sa: &Value) {
    c.n(&format!("{what} conn id"), m.conn_id, sa.get("conn_id"));
    c.s(
        &format!("{what} crypto map"),
        m.crypto_map.as_deref(),
        sa.get("crypto_map"),
    );
    // Some genie parsers keep only the first word of the transform (`esp-gcm` of `esp-gcm 256`).
    let theirs_t = sa.get("transform").and_then(text).map(|t| squash(&t));
    let ours_t = m.transform.as_deref().map(|o| match &theirs_t {
        Some(t) if !t.contains(' ') => o.split_whitespace().next().unwrap_or("").to_string(),
        _ => o.to_string(),
    });
    c.s(
        &format!("{what} transform"),
        ours_t.as_deref(),
        theirs_t.map(Value::from).as_ref(),
    );
    let status = sa.get("status").and_then(text).map(|s| spi_hex(&s));
    c.state(
        &format!("{what} status"),
        m.status.as_ref().map(|s| s.as_str()),
        status.map(Value::from).as_ref(),
    );
    let settings = sa
        .get("in_use_settings")
        .and_then(text)
        .map(|s| s.trim().trim_end_matches(',').trim().to_string());
    c.s(
        &format!("{what} settings"),
        m.settings.as_deref(),
        settings.map(Value::from).as_ref(),
    );
    if let Some(lt) = sa.get("remaining_key_lifetime").and_then(text) {
        // `(4607999/83143)` or `(94)`; other spellings (`mins`) are the source's own cut.
        let inner = lt.trim().trim_start_matches('(').trim_end_matches(')');
        if lt.trim().starts_with('(') {
            match inner.split_once('/') {
                Some((k, s)) => {
                    c.n(
                        &format!("{what} remaining kB"),
                        m.remaining_kb,
                        Some(&Value::from(k)),
                    );
                    c.n(
                        &format!("{what} remaining s"),
                        m.remaining_secs,
                        Some(&Value::from(s)),
                    );
                }
                None => c.n(
                    &format!("{what} remaining s"),
                    m.remaining_secs,
                    Some(&Value::from(inner)),
                ),
            }
        }
    }
}
