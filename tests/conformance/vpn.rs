//! Conformance checks for the IOS / IOS-XE VPN session commands: `show crypto session [detail |
//! remote X [detail] | local X [detail] | interface X detail]` and `show dmvpn [detail]`.
//!
//! Expected parses: ntc-templates (one flat row per session / per NHRP peer) and genieparser in
//! its three schemas (`interface → peer → port → ike_sa / ipsec_flow` for most variants,
//! `interfaces → … IKEv1/IKEv2, ipsec_flow → n` for `remote detail`, and `interfaces → ent →
//! peers → tunnel_addr → attrb` for DMVPN). Compared: session interface, status, peer and port,
//! VRFs, every IKE SA (addresses, ports, status, version, conn id), every flow (selectors,
//! active SAs, origin, packet and drop counters), DMVPN type, peer counts, NBMA / tunnel
//! addresses, state, up/down time and attributes.

use crate::{run_parser, Outcome};
use fleetpoll::parse::crypto_session::{CryptoSession, CryptoSessions, IpsecFlow};
use fleetpoll::parse::dmvpn::Dmvpn;
use fleetpoll::parse::Record;
use serde_json::Value;

pub fn check(
    platform: &str,
    command: &str,
    raw: &str,
    expected: Option<&Value>,
) -> Option<Outcome> {
    let session = command.starts_with("show crypto session");
    if !session && !command.starts_with("show dmvpn") {
        return None;
    }
    let record = match run_parser(platform, command, raw) {
        Ok(r) => r,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    let mut c = Cmp::default();
    match (&record, session) {
        (Record::CryptoSessions(r), true) => sessions(&mut c, r, expected),
        (Record::Dmvpn(r), false) => dmvpn(&mut c, r, expected),
        _ => {
            return Some(Outcome::Fail(
                "parser returned the wrong record kind".into(),
            ))
        }
    }
    Some(c.outcome(expected.is_some()))
}

#[derive(Default)]
struct Cmp {
    diffs: Vec<String>,
    compared: usize,
    /// Defects of the expected parse itself (the file is skipped with these reasons).
    known: Vec<String>,
}

impl Cmp {
    /// Strings, trimmed, single-spaced, case-insensitive, `none` = `(none)`; skipped when the
    /// source has none.
    fn s(&mut self, what: &str, ours: Option<&str>, theirs: Option<&Value>) {
        let Some(t) = theirs.and_then(text).filter(|t| !t.is_empty()) else {
            return;
        };
        self.compared += 1;
        if ours.is_none_or(|o| norm(o) != norm(&t)) {
            self.diffs
                .push(format!("{what}: ours {ours:?}, expected {t:?}"));
        }
    }
    fn n(&mut self, what: &str, ours: Option<u64>, theirs: Option<&Value>) {
        let Some(t) = theirs.and_then(number) else {
            return;
        };
        self.compared += 1;
        if ours != Some(t) {
            self.diffs
                .push(format!("{what}: ours {ours:?}, expected {t}"));
        }
    }
    fn count(&mut self, what: &str, ours: usize, theirs: usize) {
        self.compared += 1;
        if ours != theirs {
            self.diffs
                .push(format!("{what}: ours {ours}, expected {theirs}"));
        }
    }
    fn outcome(self, had_expected: bool) -> Outcome {
        if !self.diffs.is_empty() {
            return Outcome::Fail(self.diffs.join("; "));
        }
        if !self.known.is_empty() {
            return Outcome::Skip(self.known.join("; "));
        }
        if had_expected && self.compared == 0 {
            return Outcome::Fail("nothing compared: expected parse not understood".into());
        }
        Outcome::Pass
    }
}

fn norm(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.to_ascii_lowercase();
    s.trim_start_matches('(').trim_end_matches(')').to_string()
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn obj(v: Option<&Value>) -> Vec<(&String, &Value)> {
    v.and_then(Value::as_object)
        .map(|m| m.iter().collect())
        .unwrap_or_default()
}

// ---- show crypto session --------------------------------------------------------------------

fn sessions(c: &mut Cmp, r: &CryptoSessions, expected: Option<&Value>) {
    let Some(e) = expected else { return };
    if let Some(rows) = e.get("parsed_sample").and_then(Value::as_array) {
        c.count("sessions", r.sessions.len(), rows.len());
        for (i, (s, row)) in r.sessions.iter().zip(rows).enumerate() {
            ntc_session(c, &format!("session[{i}]"), s, row);
        }
    } else if let Some(ifs) = e.get("interface") {
        for (name, iv) in obj(Some(ifs)) {
            for (peer, pv) in obj(iv.get("peer")) {
                for (port, ppv) in obj(pv.get("port")) {
                    let Some(s) = r.sessions.iter().find(|s| {
                        &s.interface == name
                            && s.peer.as_deref() == Some(peer.as_str())
                            && s.peer_port.map(|p| p.to_string()).as_deref() == Some(port.as_str())
                    }) else {
                        c.diffs
                            .push(format!("no session {name} peer {peer} port {port}"));
                        continue;
                    };
                    genie_session(c, &format!("{name} {peer}"), s, iv, ppv);
                }
            }
        }
    } else if let Some(ifs) = e.get("interfaces") {
        c.count("sessions", r.sessions.len(), obj(Some(ifs)).len());
        for (name, iv) in obj(Some(ifs)) {
            let Some(s) = r.sessions.iter().find(|s| &s.interface == name) else {
                c.diffs.push(format!("no session on {name}"));
                continue;
            };
            genie_remote_detail(c, name, s, iv);
        }
    }
}

fn ntc_session(c: &mut Cmp, w: &str, s: &CryptoSession, row: &Value) {
    c.s(
        &format!("{w}.interface"),
        Some(&s.interface),
        row.get("interface"),
    );
    let status = s.status.as_ref().map(|x| x.as_str());
    c.s(
        &format!("{w}.session_status"),
        status,
        row.get("session_status"),
    );
    c.s(&format!("{w}.peer"), s.peer.as_deref(), row.get("peer"));
    c.n(
        &format!("{w}.port"),
        s.peer_port.map(u64::from),
        row.get("port"),
    );
    c.s(
        &format!("{w}.profile"),
        s.profile.as_deref(),
        row.get("profile"),
    );
    c.s(
        &format!("{w}.uptime"),
        s.uptime.as_deref(),
        row.get("uptime"),
    );
    c.s(&format!("{w}.fvrf"), s.fvrf.as_deref(), row.get("fvrf"));
    c.s(&format!("{w}.ivrf"), s.ivrf.as_deref(), row.get("ivrf"));
    c.s(
        &format!("{w}.phase1_id"),
        s.phase1_id.as_deref(),
        row.get("phase1_id"),
    );
    c.n(
        &format!("{w}.session_id"),
        s.session_id,
        row.get("session_id"),
    );
    if let Some(sa) = s.ike_sas.last() {
        c.s(
            &format!("{w}.local_ip"),
            Some(&sa.local),
            row.get("local_ip"),
        );
        c.s(
            &format!("{w}.remote_ip"),
            Some(&sa.remote),
            row.get("remote_ip"),
        );
        let lp = sa.local_port.map(u64::from);
        c.n(&format!("{w}.local_port"), lp, row.get("local_port"));
        let rp = sa.remote_port.map(u64::from);
        c.n(&format!("{w}.remote_port"), rp, row.get("remote_port"));
        c.s(
            &format!("{w}.ike_status"),
            Some(&sa.status),
            row.get("ikev1_status"),
        );
        c.n(&format!("{w}.conn_id"), sa.conn_id, row.get("conn_id"));
        let caps = sa.capabilities.as_deref();
        c.s(&format!("{w}.capabilities"), caps, row.get("capabilities"));
        c.s(
            &format!("{w}.lifetime"),
            sa.lifetime.as_deref(),
            row.get("lifetime"),
        );
    }
    if let Some(f) = s.flows.first() {
        c.n(
            &format!("{w}.active_sa"),
            f.active_sas,
            row.get("active_sa"),
        );
        c.s(
            &format!("{w}.origin"),
            f.origin.as_deref(),
            row.get("origin"),
        );
        let proto = f.selectors.split_whitespace().next();
        c.s(&format!("{w}.permit"), proto, row.get("permit"));
    }
}

fn flow_text(f: &IpsecFlow) -> String {
    norm(&format!("{} {}", f.action, f.selectors))
}

fn genie_session(c: &mut Cmp, w: &str, s: &CryptoSession, iv: &Value, pv: &Value) {
    let status = s.status.as_ref().map(|x| x.as_str());
    c.s(
        &format!("{w}.session_status"),
        status,
        iv.get("session_status"),
    );
    c.s(
        &format!("{w}.profile"),
        s.profile.as_deref(),
        iv.get("profile"),
    );
    c.s(
        &format!("{w}.uptime"),
        s.uptime.as_deref(),
        iv.get("uptime"),
    );
    c.s(
        &format!("{w}.user_name"),
        s.username.as_deref(),
        iv.get("user_name"),
    );
    c.s(&format!("{w}.group"), s.group.as_deref(), iv.get("group"));
    let aa = s.assigned_address.as_deref();
    c.s(
        &format!("{w}.assigned_address"),
        aa,
        iv.get("assigned_address"),
    );
    c.s(&format!("{w}.fvrf"), s.fvrf.as_deref(), pv.get("fvrf"));
    c.s(&format!("{w}.ivrf"), s.ivrf.as_deref(), pv.get("ivrf"));
    c.s(
        &format!("{w}.phase1_id"),
        s.phase1_id.as_deref(),
        pv.get("phase1_id"),
    );
    let desc = pv.get("desc").and_then(text);
    match (s.desc.as_deref(), desc.as_deref()) {
        // genieparser's `Desc:` regex stops at the first character that is not a word
        // character or a space.
        (Some(o), Some(t))
            if o != t
                && o.starts_with(t)
                && o[t.len()..]
                    .starts_with(|ch: char| !ch.is_alphanumeric() && ch != ' ' && ch != '_') =>
        {
            c.known.push(format!(
                "genieparser cuts `Desc:` at its first punctuation (`{t}`); the capture says `{o}` \
                 (every other value matches)"
            ))
        }
        _ => c.s(&format!("{w}.desc"), s.desc.as_deref(), pv.get("desc")),
    }
    // Older genieparser `ios` expectations name the table `ikev1_sa` whatever the version.
    let sas = obj(pv.get("ike_sa").or_else(|| pv.get("ikev1_sa")));
    c.count(&format!("{w}.ike_sas"), s.ike_sas.len(), sas.len());
    for (k, ev) in sas {
        let idx = k.parse::<usize>().unwrap_or(0).saturating_sub(1);
        let Some(sa) = s.ike_sas.get(idx) else {
            continue;
        };
        let w = format!("{w}.ike_sa[{k}]");
        c.s(&format!("{w}.local"), Some(&sa.local), ev.get("local"));
        c.s(&format!("{w}.remote"), Some(&sa.remote), ev.get("remote"));
        c.n(
            &format!("{w}.local_port"),
            sa.local_port.map(u64::from),
            ev.get("local_port"),
        );
        let rp = sa.remote_port.map(u64::from);
        c.n(&format!("{w}.remote_port"), rp, ev.get("remote_port"));
        c.s(
            &format!("{w}.sa_status"),
            Some(&sa.status),
            ev.get("sa_status"),
        );
        let version = match sa.version {
            Some(v) => format!("IKEv{v}"),
            None => "IKE".into(),
        };
        c.s(&format!("{w}.version"), Some(&version), ev.get("version"));
        c.n(&format!("{w}.conn_id"), sa.conn_id, ev.get("conn_id"));
        c.n(
            &format!("{w}.session_id"),
            sa.session_id,
            ev.get("session_id"),
        );
        let caps = sa.capabilities.as_deref();
        c.s(&format!("{w}.capabilities"), caps, ev.get("capabilities"));
        c.s(
            &format!("{w}.lifetime"),
            sa.lifetime.as_deref(),
            ev.get("lifetime"),
        );
    }
    let flows = obj(pv.get("ipsec_flow"));
    for (key, fv) in flows {
        let Some(f) = s.flows.iter().find(|f| flow_text(f) == norm(key)) else {
            c.diffs.push(format!("{w}: no flow `{key}`"));
            continue;
        };
        let w = format!("{w}.flow `{key}`");
        c.n(
            &format!("{w}.active_sas"),
            f.active_sas,
            fv.get("active_sas"),
        );
        c.s(
            &format!("{w}.origin"),
            f.origin.as_deref(),
            fv.get("origin"),
        );
        let (i, o) = (f.inbound.as_ref(), f.outbound.as_ref());
        c.n(
            &format!("{w}.in_pkts"),
            i.map(|x| x.pkts),
            fv.get("inbound_pkts_decrypted"),
        );
        c.n(
            &format!("{w}.in_drop"),
            i.map(|x| x.drop),
            fv.get("inbound_pkts_drop"),
        );
        c.n(
            &format!("{w}.out_pkts"),
            o.map(|x| x.pkts),
            fv.get("outbound_pkts_encrypted"),
        );
        c.n(
            &format!("{w}.out_drop"),
            o.map(|x| x.drop),
            fv.get("outbound_pkts_drop"),
        );
        let ikb = i.and_then(|x| x.life_kb);
        c.n(&format!("{w}.in_life_kb"), ikb, fv.get("inbound_life_kb"));
        let isec = i.and_then(|x| x.life_sec);
        c.n(
            &format!("{w}.in_life_secs"),
            isec,
            fv.get("inbound_life_secs"),
        );
        let okb = o.and_then(|x| x.life_kb);
        c.n(&format!("{w}.out_life_kb"), okb, fv.get("outbound_life_kb"));
        let osec = o.and_then(|x| x.life_sec);
        c.n(
            &format!("{w}.out_life_secs"),
            osec,
            fv.get("outbound_life_secs"),
        );
    }
}

fn genie_remote_detail(c: &mut Cmp, w: &str, s: &CryptoSession, iv: &Value) {
    let status = s.status.as_ref().map(|x| x.as_str());
    c.s(
        &format!("{w}.session_status"),
        status,
        iv.get("session_status"),
    );
    c.s(
        &format!("{w}.profile"),
        s.profile.as_deref(),
        iv.get("profile"),
    );
    c.s(
        &format!("{w}.uptime"),
        s.uptime.as_deref(),
        iv.get("uptime"),
    );
    c.s(
        &format!("{w}.peer_ip"),
        s.peer.as_deref(),
        iv.get("peer_ip"),
    );
    c.n(
        &format!("{w}.peer_port"),
        s.peer_port.map(u64::from),
        iv.get("peer_port"),
    );
    c.s(&format!("{w}.fvrf"), s.fvrf.as_deref(), iv.get("fvrf"));
    c.s(&format!("{w}.ivrf"), s.ivrf.as_deref(), iv.get("ivrf"));
    c.s(
        &format!("{w}.phase_id"),
        s.phase1_id.as_deref(),
        iv.get("phase_id"),
    );
    c.n(
        &format!("{w}.session_id"),
        s.session_id,
        iv.get("session_id"),
    );
    for (v, key) in [(1u8, "IKEv1"), (2, "IKEv2")] {
        let Some(ev) = iv.get(key) else { continue };
        let Some(sa) = s.ike_sas.iter().find(|x| x.version == Some(v)) else {
            c.diffs.push(format!("{w}: no {key} SA"));
            continue;
        };
        c.s(
            &format!("{w}.{key}.local_ip"),
            Some(&sa.local),
            ev.get("local_ip"),
        );
        c.s(
            &format!("{w}.{key}.remote_ip"),
            Some(&sa.remote),
            ev.get("remote_ip"),
        );
        let lp = sa.local_port.map(u64::from);
        c.n(&format!("{w}.{key}.local_port"), lp, ev.get("local_port"));
        let rp = sa.remote_port.map(u64::from);
        c.n(&format!("{w}.{key}.remote_port"), rp, ev.get("remote_port"));
        c.n(&format!("{w}.{key}.connid"), sa.conn_id, ev.get("connid"));
        let caps = sa.capabilities.as_deref();
        c.s(
            &format!("{w}.{key}.capabilities"),
            caps,
            ev.get("capabilities"),
        );
        c.s(
            &format!("{w}.{key}.lifetime"),
            sa.lifetime.as_deref(),
            ev.get("lifetime"),
        );
    }
    let flows = obj(iv.get("ipsec_flow"));
    c.count(&format!("{w}.flows"), s.flows.len(), flows.len());
    for (k, fv) in flows {
        let idx = k.parse::<usize>().unwrap_or(0).saturating_sub(1);
        let Some(f) = s.flows.get(idx) else { continue };
        let w = format!("{w}.flow[{k}]");
        if let Some(t) = fv.get("flow").and_then(text) {
            c.compared += 1;
            if flow_text(f) != norm(&t) {
                c.diffs
                    .push(format!("{w}: ours `{}`, expected `{t}`", flow_text(f)));
            }
        }
        c.n(&format!("{w}.active_sa"), f.active_sas, fv.get("active_sa"));
        c.s(
            &format!("{w}.origin"),
            f.origin.as_deref(),
            fv.get("origin"),
        );
        for (dir, ours, pk) in [
            ("inbound", f.inbound.as_ref(), "decrypted"),
            ("outbound", f.outbound.as_ref(), "encrypted"),
        ] {
            let Some(ev) = fv.get(dir) else { continue };
            c.n(&format!("{w}.{dir}.{pk}"), ours.map(|x| x.pkts), ev.get(pk));
            c.n(
                &format!("{w}.{dir}.dropped"),
                ours.map(|x| x.drop),
                ev.get("dropped"),
            );
            let kb = ours.and_then(|x| x.life_kb);
            c.n(&format!("{w}.{dir}.life_in_kb"), kb, ev.get("life_in_kb"));
            let sec = ours.and_then(|x| x.life_sec);
            c.n(
                &format!("{w}.{dir}.life_in_sec"),
                sec,
                ev.get("life_in_sec"),
            );
        }
    }
}

// ---- show dmvpn -------------------------------------------------------------------------------

fn dmvpn(c: &mut Cmp, r: &Dmvpn, expected: Option<&Value>) {
    let Some(e) = expected else { return };
    if let Some(rows) = e.get("parsed_sample").and_then(Value::as_array) {
        let peers: Vec<_> = r.peers().collect();
        c.count("peers", peers.len(), rows.len());
        for (i, ((_, p), row)) in peers.iter().zip(rows).enumerate() {
            c.s(
                &format!("peer[{i}].peer_nbma"),
                Some(&p.nbma),
                row.get("peer_nbma"),
            );
            c.s(
                &format!("peer[{i}].peer_tunnel"),
                Some(&p.tunnel),
                row.get("peer_tunnel"),
            );
            c.s(
                &format!("peer[{i}].state"),
                Some(p.state.as_str()),
                row.get("state"),
            );
            c.s(
                &format!("peer[{i}].uptime"),
                Some(&p.updn),
                row.get("uptime"),
            );
            c.s(
                &format!("peer[{i}].attribute"),
                Some(&p.attrb),
                row.get("attribute"),
            );
        }
        return;
    }
    let ifs = obj(e.get("interfaces"));
    c.count("interfaces", r.interfaces.len(), ifs.len());
    for (name, iv) in ifs {
        let Some(i) = r.interfaces.iter().find(|i| &i.interface == name) else {
            c.diffs.push(format!("no DMVPN interface {name}"));
            continue;
        };
        c.s(
            &format!("{name}.type"),
            i.nhrp_type.as_deref(),
            iv.get("type"),
        );
        c.n(
            &format!("{name}.nhrp_peers"),
            i.nhrp_peers,
            iv.get("nhrp_peers"),
        );
        let mut leaves = 0;
        for (ent, ev) in obj(iv.get("ent")) {
            for (nbma, nv) in obj(ev.get("peers")) {
                for (tun, tv) in obj(nv.get("tunnel_addr")) {
                    for (attrb, av) in obj(tv.get("attrb")) {
                        leaves += 1;
                        let w = format!("{name} {nbma} {tun} {attrb}");
                        let Some(p) = i
                            .peers
                            .iter()
                            .find(|p| &p.nbma == nbma && &p.tunnel == tun && &p.attrb == attrb)
                        else {
                            c.diffs.push(format!("no DMVPN peer {w}"));
                            continue;
                        };
                        c.n(
                            &format!("{w}.ent"),
                            p.entries,
                            Some(&Value::String(ent.clone())),
                        );
                        c.s(
                            &format!("{w}.state"),
                            Some(p.state.as_str()),
                            av.get("state"),
                        );
                        c.s(&format!("{w}.time"), Some(&p.updn), av.get("time"));
                    }
                }
            }
        }
        c.count(&format!("{name}.peers"), i.peers.len(), leaves);
    }
}
