//! IPsec against ntc-templates: one row per SA (SPI) on IOS, per entry on the ASA.

use super::*;
use fleetpoll::parse::ipsec::IpsecSa;
use serde_json::Value;

/// ntc-templates IOS `show crypto ipsec sa detail`: one row per SA (SPI), entry fields repeated.
pub(super) fn ipsec_ntc_ios(c: &mut Cmp, r: &IpsecSa, rows: &[Value]) {
    let mut entries_seen: Vec<(String, String, String)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let g = |k: &str| row.get(k).and_then(text).unwrap_or_default();
        let key = (
            g("interface"),
            g("remote_ident_addr"),
            g("local_ident_addr"),
        );
        let w = |f: &str| format!("row {} {f}", i + 1);
        let Some(e) = r.entries.iter().find(|e| {
            e.interface.as_deref() == Some(key.0.as_str())
                && e.remote_ident.as_ref().map(|x| x.addr.as_str()) == Some(key.1.as_str())
                && e.local_ident.as_ref().map(|x| x.addr.as_str()) == Some(key.2.as_str())
        }) else {
            c.fail(format!("{}: no entry for {key:?}", w("entry")));
            continue;
        };
        if !entries_seen.contains(&key) {
            entries_seen.push(key.clone());
        }
        c.s(
            &w("crypto map"),
            e.crypto_map.as_deref(),
            row.get("crypto_map_tag"),
        );
        c.s(
            &w("local addr"),
            e.local_addr.as_deref(),
            row.get("local_addr"),
        );
        c.s(
            &w("vrf"),
            e.protected_vrf.as_deref(),
            row.get("protected_vrf"),
        );
        c.s(
            &w("peer"),
            e.current_peer.as_deref(),
            row.get("current_peer"),
        );
        c.n(&w("port"), e.peer_port.map(u64::from), row.get("port"));
        c.s(
            &w("local endpt"),
            e.local_endpoint.as_deref(),
            row.get("local_crypto_endpt"),
        );
        c.s(
            &w("remote endpt"),
            e.remote_endpoint.as_deref(),
            row.get("remote_crypto_endpt"),
        );
        c.n(&w("path mtu"), e.path_mtu, row.get("path_mtu"));
        c.s(
            &w("outbound spi"),
            e.current_outbound_spi.as_deref(),
            row.get("current_outbound_spi_hex"),
        );
        c.s(&w("dh group"), e.dh_group.as_deref(), row.get("dh_group"));
        // ntc shortens some names: `pkts_no_sa` = `pkts no sa (send)`, ...
        let ntc_alias = |k: &str| -> Option<&'static str> {
            Some(match k {
                "pkts_compress_failed" => "pkts compr. failed",
                "pkts_no_sa" => "pkts no sa (send)",
                "pkts_invalid_sa" => "pkts invalid sa (rcv)",
                "pkts_encaps_failed" => "pkts encaps failed (send)",
                "pkts_decaps_failed" => "pkts decaps failed (rcv)",
                "pkts_invalid_prot" => "pkts invalid prot (recv)",
                "pkts_invalid_identity" => "pkts invalid identity (recv)",
                "pkts_invalid_len" => "pkts invalid len (rcv)",
                "pkts_replay_failed" => "pkts replay failed (rcv)",
                "pkts_replay_rollover_recv" => "pkts replay rollover (rcv)",
                "pkts_tagged" => "pkts tagged (send)",
                "pkts_untagged" => "pkts untagged (rcv)",
                "pkts_not_tagged" => "pkts not tagged (send)",
                "pkts_not_untagged" => "pkts not untagged (rcv)",
                _ => return None,
            })
        };
        if let Some(obj) = row.as_object() {
            for (k, v) in obj {
                if !k.starts_with("pkts_") || number(v).is_none() {
                    continue;
                }
                let name = ntc_alias(k)
                    .map(str::to_string)
                    .unwrap_or_else(|| k.clone());
                c.n(&w(k), our_counter(e, &name), Some(v));
            }
        }
        let dir = g("sa_orientation");
        let list = if dir == "outbound" {
            &e.outbound
        } else {
            &e.inbound
        };
        let hex = g("sa_spi_hex");
        if hex.is_empty() {
            continue;
        }
        let Some(m) = list
            .iter()
            .find(|m| m.protocol == g("sa_type") && m.spi.as_deref() == Some(hex.as_str()))
        else {
            c.fail(format!("{}: no {dir} SA with spi {hex}", w("sa")));
            continue;
        };
        c.n(
            &w("spi dec"),
            m.spi_decimal,
            row.get("sa_spi_dec")
                .filter(|_| !g("sa_spi_dec").starts_with('0')),
        );
        c.s(
            &w("transform"),
            m.transform.as_deref(),
            row.get("sa_transform"),
        );
        c.s(
            &w("settings"),
            m.settings.as_deref(),
            row.get("sa_in_use_settings"),
        );
        c.n(&w("conn id"), m.conn_id, row.get("sa_conn_id"));
        c.s(
            &w("sa crypto map"),
            m.crypto_map.as_deref(),
            row.get("sa_crypto_map"),
        );
        c.n(
            &w("lifetime kB"),
            m.remaining_kb,
            row.get("sa_lifetime_kbytes"),
        );
        c.n(
            &w("lifetime s"),
            m.remaining_secs,
            row.get("sa_lifetime_sec"),
        );
        let st = spi_hex(&g("sa_status"));
        c.state(
            &w("status"),
            m.status.as_ref().map(|s| s.as_str()),
            Some(&Value::from(st)),
        );
    }
    c.count("entry count", r.entries.len(), entries_seen.len());
}

/// ntc-templates ASA `show crypto ipsec sa`: one row per entry with inbound_/outbound_ fields.
pub(super) fn ipsec_ntc_asa(c: &mut Cmp, r: &IpsecSa, rows: &[Value]) {
    c.count("entry count", r.entries.len(), rows.len());
    for (i, (e, row)) in r.entries.iter().zip(rows).enumerate() {
        let w = |f: &str| format!("entry {} {f}", i + 1);
        c.s(
            &w("interface"),
            e.interface.as_deref(),
            row.get("interface"),
        );
        c.s(
            &w("crypto map"),
            e.crypto_map.as_deref(),
            row.get("crypto_map_tag"),
        );
        c.n(&w("seq num"), e.seq_num, row.get("sequence_number"));
        // ntc splits sanitized placeholders (`LOCAL-ADDR-1.2.3.4`) into name and address.
        let joined = |a: &str, n: &str| -> Option<Value> {
            let a = row.get(a).and_then(text).unwrap_or_default();
            let n = row.get(n).and_then(text).unwrap_or_default();
            (!a.is_empty() || !n.is_empty()).then(|| Value::from(format!("{n}{a}")))
        };
        c.s(
            &w("local addr"),
            e.local_addr.as_deref(),
            joined("local_address", "local_address_name").as_ref(),
        );
        c.s(
            &w("peer"),
            e.current_peer.as_deref(),
            joined("current_peer", "current_peer_name").as_ref(),
        );
        c.s(
            &w("dynamic peer"),
            e.dynamic_peer.as_deref(),
            joined("dynamic_peer", "dynamic_peer_name").as_ref(),
        );
        c.s(
            &w("local endpt"),
            e.local_endpoint.as_deref(),
            joined("local_crypto_endpoint", "local_crypto_endpoint_name").as_ref(),
        );
        c.s(
            &w("remote endpt"),
            e.remote_endpoint.as_deref(),
            joined("remote_crypto_endpoint", "remote_crypto_endpoint_name").as_ref(),
        );
        let li = e.local_ident.as_ref();
        let ri = e.remote_ident.as_ref();
        c.s(
            &w("local ident addr"),
            li.map(|x| x.addr.as_str()),
            row.get("local_identity_addr"),
        );
        c.s(
            &w("local ident mask"),
            li.map(|x| x.mask.as_str()),
            row.get("local_identity_mask"),
        );
        c.s(
            &w("remote ident addr"),
            ri.map(|x| x.addr.as_str()),
            row.get("remote_identity_addr"),
        );
        c.s(
            &w("remote ident mask"),
            ri.map(|x| x.mask.as_str()),
            row.get("remote_identity_mask"),
        );
        let pairs = [
            ("packets_encapsulated", "pkts encaps"),
            ("packets_encrypted", "pkts encrypt"),
            ("packets_digested", "pkts digest"),
            ("packets_decapsulated", "pkts decaps"),
            ("packets_decrypted", "pkts decrypt"),
            ("packets_verified", "pkts verify"),
            ("packets_compressed", "pkts compressed"),
            ("packets_decompressed", "pkts decompressed"),
            ("packets_not_compressed", "pkts not compressed"),
            ("packets_compress_failed", "pkts comp failed"),
            ("packets_decompress_failed", "pkts decomp failed"),
            ("pre_fragment_success", "pre-frag successes"),
            ("pre_fragment_failures", "pre-frag failures"),
            ("fragments_created", "fragments created"),
            ("pmtus_sent", "PMTUs sent"),
            ("pmtus_received", "PMTUs rcvd"),
            ("send_errors", "send errors"),
            ("receive_errors", "recv errors"),
        ];
        for (k, name) in pairs {
            c.n(&w(k), our_counter(e, name), row.get(k));
        }
        let reass = our_counter(e, "decapsulated frgs needing reassembly")
            .or(our_counter(e, "decapsulated frags needing reassembly"));
        c.n(
            &w("decap frags needing reassembly"),
            reass,
            row.get("decap_frags_needing_reassembly"),
        );
        c.n(&w("path mtu"), e.path_mtu, row.get("path_mtu"));
        c.s(
            &w("current outbound spi"),
            e.current_outbound_spi.as_deref(),
            row.get("current_outbound_spi"),
        );
        c.s(
            &w("current inbound spi"),
            e.current_inbound_spi.as_deref(),
            row.get("current_inbound_spi"),
        );
        for (dir, list) in [("inbound", &e.inbound), ("outbound", &e.outbound)] {
            let g = |f: &str| row.get(format!("{dir}_{f}").as_str());
            let Some(hex) = g("spi_hex").and_then(text).filter(|s| !s.is_empty()) else {
                continue;
            };
            let Some(m) = list.iter().find(|m| m.spi.as_deref() == Some(hex.as_str())) else {
                c.fail(format!("{}: no SA with spi {hex}", w(dir)));
                continue;
            };
            c.n(
                &w(&format!("{dir} spi dec")),
                m.spi_decimal,
                g("spi_integer"),
            );
            let transform = format!(
                "{} {}",
                g("encryption").and_then(text).unwrap_or_default(),
                g("authentication").and_then(text).unwrap_or_default()
            );
            let ours_t = m
                .transform
                .as_deref()
                .map(|t| t.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
            c.s(
                &w(&format!("{dir} transform")),
                ours_t.as_deref(),
                Some(&Value::from(transform)),
            );
            c.s(
                &w(&format!("{dir} settings")),
                m.settings.as_deref(),
                g("settings_in_use"),
            );
            c.n(&w(&format!("{dir} conn id")), m.conn_id, g("connection_id"));
            c.s(
                &w(&format!("{dir} crypto map")),
                m.crypto_map.as_deref(),
                g("crypto_map"),
            );
            c.n(
                &w(&format!("{dir} remaining s")),
                m.remaining_secs,
                g("remaining_lifetime"),
            );
            c.n(
                &w(&format!("{dir} remaining kB")),
                m.remaining_kb,
                g("remaining_lifetime_kilobytes"),
            );
        }
    }
}
