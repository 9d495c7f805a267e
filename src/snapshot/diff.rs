//! Comparing two snapshots: device by device (matched by inventory name), command by command
//! (matched by command text), on the parsed records, with one semantic rule per thing that
//! matters. Never a text diff, and never a raw counter increase.
//!
//! Every change has a key `DEVICE[/COMMAND][/SUBJECT]/FIELD` (e.g.
//! `rtr-01/show crypto isakmp sa/peer 10.0.0.2 ikev1/presence`) and a severity:
//!
//! | field | regression | improvement | neutral |
//! |---|---|---|---|
//! | `in_snapshot` | device in BEFORE, not in AFTER | | device new in AFTER |
//! | `reachable` | polled before, not after | not polled before, polled after | |
//! | `status` (command) | output read before, not after (rejected, timeout, parse failure) | the reverse | |
//! | `captured` (command) | | | command run in only one snapshot (`--allow-playbook-change`) |
//! | IKE `presence` (peer = address + IKE version) | up peer gone; new peer not up | | new peer up; peer that was not up gone |
//! | IKE `state` | up → not up | not up → up | other state change |
//! | IPsec `presence` (SA = peer + local/remote ident) | up SA gone; new SA not up | | new SA up; SA that was not up gone |
//! | IPsec `state` | SA up → no active SA | the reverse | |
//! | IPsec `traffic` | two-way → one-way (encaps 0, decaps > 0) | the reverse | |
//! | AO / service `oper_state` (`show accelerator`, `show accelerator mapi`) | Running → not Running; running AO gone | the reverse | other change, new AO |
//! | AO `licensed` | Yes → No | No → Yes | |
//! | AO `config_state` | | | any change |
//! | MAPI `registration` | Registered → anything else | the reverse | other change |
//! | CERM `available` (tx/rx kbps, tunnels, TLS sessions) | falls to 0, or by ≥ 10 points of the maximum | rises from 0, or by ≥ 10 points | |
//! | CERM `maximum`, `enabled` | | | any change |
//! | MAPI/EPM `dropped_per_hour` | dropped connections grew faster than `--max-drop-rate` per hour | | |
//! | MAPI/EPM `counter_reset` | | | statistics reset between the snapshots (rate not computed) |
//! | license `status` | active → not active; active license gone | the reverse | |
//! | CMS secure store `initialized` / `open` | yes → no | no → yes | |
//! | eMAPI verify component `status` | OK → FAILED | FAILED → OK | |
//! | NTP `synchronized` | yes → no | no → yes | |
//! | `sw_version`, `serial`, `reloaded` (uptime went down) | | | any change |
//!
//! Counter rates: the dropped-connection counters are the only counters compared, as a rate
//! over the time between the two polls of the device (`started_at` in each `meta.json`);
//! intervals under 15 minutes count as 15 minutes, so one drop between back-to-back snapshots
//! is not an alarm. A counter that went down, or a changed "started" / "last reset" time, is a
//! reset: reported as neutral, no rate. Other outputs (`show clock`, optimized-connection
//! tables, `show vpn-sessiondb summary`, `show asp drop`, raw outputs without a parser) are
//! not compared.
//!
//! Devices not polled in either snapshot are only compared for reachability: an unreachable
//! device after the change gives one `reachable` regression, not one per missing peer.

use super::load::LoadedDevice;
use super::{Manifest, Snapshot};
use crate::parse::{cerm, ipsec, isakmp, system, waas, Record};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// How bad a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Regression,
    Improvement,
    Neutral,
}

impl Severity {
    pub const ALL: [Severity; 3] = [
        Severity::Regression,
        Severity::Improvement,
        Severity::Neutral,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Severity::Regression => "regression",
            Severity::Improvement => "improvement",
            Severity::Neutral => "neutral",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// One difference between BEFORE and AFTER.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub severity: Severity,
    /// `DEVICE[/COMMAND][/SUBJECT]/FIELD`, what `--ignore` patterns match.
    pub key: String,
    pub device: String,
    pub command: Option<String>,
    /// What inside the record: `peer 10.0.0.2 ikev1`, `ao mapi`, `tx_kbps`, ...
    pub subject: Option<String>,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub message: String,
}

/// Thresholds and filters of a diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Changes whose key or field matches one of these are dropped.
    pub ignore: Vec<glob::Pattern>,
    /// Dropped connections per hour above which growth is a regression.
    pub max_drop_rate_per_hour: f64,
    /// Compare snapshots from different playbooks (commands run in both only).
    pub allow_playbook_change: bool,
}

/// Default of [`DiffOptions::max_drop_rate_per_hour`].
pub const DEFAULT_MAX_DROP_RATE: f64 = 10.0;
/// A CERM resource's availability moving by this many points of its maximum is a change.
pub const CERM_POINTS: f64 = 10.0;
/// Shortest interval a drop rate is computed over.
pub const MIN_RATE_INTERVAL_SECS: f64 = 15.0 * 60.0;

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            ignore: Vec::new(),
            max_drop_rate_per_hour: DEFAULT_MAX_DROP_RATE,
            allow_playbook_change: false,
        }
    }
}

impl DiffOptions {
    /// Whether `--ignore` drops this change: a pattern matches the whole key or the field.
    pub fn ignores(&self, c: &Change) -> bool {
        self.ignore
            .iter()
            .any(|p| p.matches(&c.key) || p.matches(&c.field))
    }
}

/// The result of a diff.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffReport {
    /// In BEFORE's device order (devices new in AFTER last), rule order within a device.
    pub changes: Vec<Change>,
    /// How many changes `--ignore` dropped.
    pub ignored: usize,
    /// Things the reader should know (playbook or version differences).
    pub notes: Vec<String>,
}

impl DiffReport {
    pub fn count(&self, s: Severity) -> usize {
        self.changes.iter().filter(|c| c.severity == s).count()
    }
    pub fn regressed(&self) -> bool {
        self.count(Severity::Regression) > 0
    }
}

/// Whether two snapshots can be compared. They must come from the same playbook name and
/// the same commands (`commands_sha256`), unless `allow_playbook_change`; returns notes.
pub fn check_compatible(
    b: &Manifest,
    a: &Manifest,
    allow_playbook_change: bool,
) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let (pb, pa) = (&b.playbook, &a.playbook);
    let differs = pb.name != pa.name || pb.commands_sha256 != pa.commands_sha256;
    if differs && !allow_playbook_change {
        return Err(format!(
            "the snapshots come from different playbooks: BEFORE `{}` (commands sha256 {}), AFTER `{}` (commands sha256 {}); \
             take both with the same playbook, or pass --allow-playbook-change to compare the commands both ran",
            pb.name,
            short(&pb.commands_sha256),
            pa.name,
            short(&pa.commands_sha256)
        ));
    }
    if differs {
        notes.push(format!(
            "playbook changed (`{}` → `{}`): only commands run in both snapshots are compared",
            pb.name, pa.name
        ));
    } else if pb.sha256 != pa.sha256 {
        notes.push(format!(
            "playbook file `{}` changed between the snapshots but runs the same commands",
            pa.name
        ));
    }
    if b.fleetpoll_version != a.fleetpoll_version {
        notes.push(format!(
            "taken with fleetpoll {} and {}",
            b.fleetpoll_version, a.fleetpoll_version
        ));
    }
    Ok(notes)
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// Compare BEFORE and AFTER. `Err` when they are not comparable (see [`check_compatible`]).
pub fn diff(before: &Snapshot, after: &Snapshot, opts: &DiffOptions) -> Result<DiffReport, String> {
    let notes = check_compatible(
        &before.manifest,
        &after.manifest,
        opts.allow_playbook_change,
    )?;
    let mut all = Vec::new();
    for bd in &before.devices {
        let name = bd.meta.device.as_str();
        let mut out = Out::new(name, &mut all);
        match after.device(name) {
            None => out.push(
                Severity::Regression,
                None,
                "in_snapshot",
                Some("present".into()),
                Some("absent".into()),
                "in BEFORE but not in AFTER: not checked after the change".into(),
            ),
            Some(ad) => compare_device(&mut out, bd, ad, opts),
        }
    }
    for ad in &after.devices {
        if before.device(&ad.meta.device).is_none() {
            Out::new(&ad.meta.device, &mut all).push(
                Severity::Neutral,
                None,
                "in_snapshot",
                Some("absent".into()),
                Some("present".into()),
                "new in AFTER: nothing to compare with".into(),
            );
        }
    }
    let total = all.len();
    let changes: Vec<Change> = all.into_iter().filter(|c| !opts.ignores(c)).collect();
    Ok(DiffReport {
        ignored: total - changes.len(),
        changes,
        notes,
    })
}

/// Collects the changes of one device (and one command).
struct Out<'a> {
    device: &'a str,
    command: Option<&'a str>,
    changes: &'a mut Vec<Change>,
}

impl<'a> Out<'a> {
    fn new(device: &'a str, changes: &'a mut Vec<Change>) -> Self {
        Out {
            device,
            command: None,
            changes,
        }
    }

    fn push(
        &mut self,
        severity: Severity,
        subject: Option<String>,
        field: &str,
        before: Option<String>,
        after: Option<String>,
        message: String,
    ) {
        let mut key = self.device.to_string();
        for part in [self.command, subject.as_deref(), Some(field)]
            .into_iter()
            .flatten()
        {
            key.push('/');
            key.push_str(part);
        }
        self.changes.push(Change {
            severity,
            key,
            device: self.device.to_string(),
            command: self.command.map(str::to_string),
            subject,
            field: field.to_string(),
            before,
            after,
            message,
        });
    }

    /// A state with a good and a bad side: good → bad is a regression, bad → good an
    /// improvement, any other difference neutral; equal labels are no change.
    fn state(
        &mut self,
        subject: Option<String>,
        field: &str,
        what: &str,
        (b_good, b_label): (bool, String),
        (a_good, a_label): (bool, String),
    ) {
        if b_label == a_label && b_good == a_good {
            return;
        }
        let sev = match (b_good, a_good) {
            (true, false) => Severity::Regression,
            (false, true) => Severity::Improvement,
            _ => Severity::Neutral,
        };
        let message = format!("{what}: {b_label} -> {a_label}");
        self.push(sev, subject, field, Some(b_label), Some(a_label), message);
    }
}

fn status_label(m: &super::DeviceMeta) -> String {
    match &m.error {
        Some(e) => format!("{}: {}", m.poll_status, e.lines().next().unwrap_or("")),
        None => m.poll_status.clone(),
    }
}

/// A command status that means the output was captured (and parsed, when it has a parser).
fn good_status(c: &super::CommandMeta) -> bool {
    c.ok() || c.status == crate::outcome::CommandStatus::Raw.id()
}

fn compare_device(out: &mut Out, b: &LoadedDevice, a: &LoadedDevice, opts: &DiffOptions) {
    match (b.meta.polled(), a.meta.polled()) {
        (true, false) => {
            let after = status_label(&a.meta);
            out.push(
                Severity::Regression,
                None,
                "reachable",
                Some("polled".into()),
                Some(after.clone()),
                format!("reachable before, not after ({after})"),
            );
            return;
        }
        (false, true) => {
            let before = status_label(&b.meta);
            out.push(
                Severity::Improvement,
                None,
                "reachable",
                Some(before.clone()),
                Some("polled".into()),
                format!("not reachable before ({before}), reachable after"),
            );
            return;
        }
        (false, false) => return,
        (true, true) => {}
    }
    if b.meta.platform != a.meta.platform {
        out.push(
            Severity::Neutral,
            None,
            "platform",
            Some(b.meta.platform.to_string()),
            Some(a.meta.platform.to_string()),
            "the inventory platform changed".into(),
        );
    }
    let times = (b.meta.started_at, a.meta.started_at);
    for (bc, brec) in b.meta.commands.iter().zip(&b.records) {
        let mut cout = Out {
            device: out.device,
            command: Some(&bc.command),
            changes: out.changes,
        };
        let Some((ac, arec)) = a.command(&bc.command) else {
            cout.push(
                Severity::Neutral,
                None,
                "captured",
                Some("yes".into()),
                Some("no".into()),
                "run in BEFORE only (playbook changed)".into(),
            );
            continue;
        };
        match (good_status(bc), good_status(ac)) {
            (true, false) => {
                let after = match &ac.error {
                    Some(e) => format!("{}: {e}", ac.status),
                    None => ac.status.clone(),
                };
                cout.push(
                    Severity::Regression,
                    None,
                    "status",
                    Some(bc.status.clone()),
                    Some(ac.status.clone()),
                    format!("output read before, not after ({after})"),
                );
            }
            (false, true) => cout.push(
                Severity::Improvement,
                None,
                "status",
                Some(bc.status.clone()),
                Some(ac.status.clone()),
                "output read after, not before".into(),
            ),
            (false, false) => {}
            (true, true) => {
                if let (Some(br), Some(ar)) = (brec, arec) {
                    compare_records(&mut cout, br, ar, times, opts);
                }
            }
        }
    }
    for ac in &a.meta.commands {
        if b.command(&ac.command).is_none() {
            Out {
                device: out.device,
                command: Some(&ac.command),
                changes: out.changes,
            }
            .push(
                Severity::Neutral,
                None,
                "captured",
                Some("no".into()),
                Some("yes".into()),
                "run in AFTER only (playbook changed)".into(),
            );
        }
    }
}

type Times = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

fn compare_records(out: &mut Out, b: &Record, a: &Record, times: Times, opts: &DiffOptions) {
    use Record as R;
    match (b, a) {
        (R::IsakmpSa(b), R::IsakmpSa(a)) => ike(out, b, a),
        (R::IpsecSa(b), R::IpsecSa(a)) => ipsec_sas(out, b, a),
        (R::Cerm(b), R::Cerm(a)) => cerm_limits(out, b, a),
        (R::Accelerators(b), R::Accelerators(a)) => {
            ao_rows(out, "ao", &b.accelerators, &a.accelerators);
            ao_rows(out, "service", &b.services, &a.services);
        }
        (R::MapiAccelerator(b), R::MapiAccelerator(a)) => mapi_accelerator(out, b, a),
        (R::MapiStats(b), R::MapiStats(a)) => {
            drop_rate(out, "MAPI", &b.global, &a.global, times, opts)
        }
        (R::EpmStats(b), R::EpmStats(a)) => {
            drop_rate(out, "EPM", &b.global, &a.global, times, opts)
        }
        (R::License(b), R::License(a)) => licenses(out, b, a),
        (R::CmsSecureStore(b), R::CmsSecureStore(a)) => cms(out, b, a),
        (R::MapiEncryptionVerify(b), R::MapiEncryptionVerify(a)) => verify(out, b, a),
        (R::Version(b), R::Version(a)) => version(out, b, a),
        (R::NtpStatus(b), R::NtpStatus(a)) => out.state(
            None,
            "synchronized",
            "NTP synchronized",
            (b.synchronized, yes_no(b.synchronized)),
            (a.synchronized, yes_no(a.synchronized)),
        ),
        (b, a) if std::mem::discriminant(b) != std::mem::discriminant(a) => out.push(
            Severity::Neutral,
            None,
            "record",
            Some(record_kind(b)),
            Some(record_kind(a)),
            "the output was read as a different kind of record".into(),
        ),
        // Not compared: clock, optimized-connection tables, vpn-sessiondb, asp drop.
        _ => {}
    }
}

fn record_kind(r: &Record) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.get("record").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// One peer or SA, aggregated over the rows that share its identity.
struct Tunnel {
    up: bool,
    label: String,
    one_way: bool,
}

/// Presence and state rules shared by IKE peers and IPsec SAs.
fn tunnels(
    out: &mut Out,
    what: &str,
    b: &BTreeMap<String, Tunnel>,
    a: &BTreeMap<String, Tunnel>,
    one_way: bool,
) {
    for (id, bt) in b {
        match a.get(id) {
            None => {
                let (sev, msg) = if bt.up {
                    (
                        Severity::Regression,
                        format!("{what} {id} was {} and is gone", bt.label),
                    )
                } else {
                    (
                        Severity::Neutral,
                        format!("{what} {id} was not up ({}) and is gone", bt.label),
                    )
                };
                out.push(
                    sev,
                    Some(id.clone()),
                    "presence",
                    Some(bt.label.clone()),
                    Some("absent".into()),
                    msg,
                );
            }
            Some(at) => {
                out.state(
                    Some(id.clone()),
                    "state",
                    &format!("{what} {id}"),
                    (bt.up, bt.label.clone()),
                    (at.up, at.label.clone()),
                );
                if one_way && bt.up && at.up && bt.one_way != at.one_way {
                    let l = |w: bool| {
                        if w {
                            "one-way (encaps 0, decaps > 0)"
                        } else {
                            "two-way"
                        }
                        .to_string()
                    };
                    out.state(
                        Some(id.clone()),
                        "traffic",
                        &format!("{what} {id} traffic"),
                        (!bt.one_way, l(bt.one_way)),
                        (!at.one_way, l(at.one_way)),
                    );
                }
            }
        }
    }
    for (id, at) in a {
        if !b.contains_key(id) {
            let (sev, msg) = if at.up {
                (Severity::Neutral, format!("new {what} {id}, {}", at.label))
            } else {
                (
                    Severity::Regression,
                    format!("new {what} {id} is not up ({})", at.label),
                )
            };
            out.push(
                sev,
                Some(id.clone()),
                "presence",
                Some("absent".into()),
                Some(at.label.clone()),
                msg,
            );
        }
    }
}

fn ike_label(sa: &isakmp::IkeSa) -> String {
    if sa.deleted {
        return "deleted".into();
    }
    match (&sa.state, &sa.status) {
        (Some(s), _) => s.to_string(),
        (None, Some(st)) => st.to_string(),
        (None, None) => "unknown".into(),
    }
}

fn ike_peers(r: &isakmp::IsakmpSa) -> BTreeMap<String, Tunnel> {
    let mut m: BTreeMap<String, Tunnel> = BTreeMap::new();
    for sa in &r.sas {
        let Some(remote) = sa.remote() else { continue };
        let id = match sa.ike_version {
            Some(v) => format!("peer {remote} ikev{v}"),
            None => format!("peer {remote}"),
        };
        let up = sa.is_up();
        match m.get_mut(&id) {
            None => {
                m.insert(
                    id,
                    Tunnel {
                        up,
                        label: ike_label(sa),
                        one_way: false,
                    },
                );
            }
            Some(t) if up && !t.up => {
                t.up = true;
                t.label = ike_label(sa);
            }
            Some(_) => {}
        }
    }
    m
}

fn ike(out: &mut Out, b: &isakmp::IsakmpSa, a: &isakmp::IsakmpSa) {
    tunnels(out, "IKE", &ike_peers(b), &ike_peers(a), false);
}

fn ident(i: &Option<ipsec::Ident>) -> String {
    match i {
        Some(i) => format!("{}/{}/{}/{}", i.addr, i.mask, i.prot, i.port),
        None => "-".into(),
    }
}

/// An entry with at least one SA that is active (or prints no status).
fn ipsec_up(e: &ipsec::IpsecSaEntry) -> bool {
    e.inbound
        .iter()
        .chain(&e.outbound)
        .any(|s| matches!(s.status, None | Some(ipsec::SpiStatus::Active)))
}

fn ipsec_tunnels(r: &ipsec::IpsecSa) -> BTreeMap<String, Tunnel> {
    let mut m: BTreeMap<String, Tunnel> = BTreeMap::new();
    for e in &r.entries {
        let peer = e.current_peer.as_deref().unwrap_or("-");
        let id = format!(
            "sa {peer} {} {}",
            ident(&e.local_ident),
            ident(&e.remote_ident)
        );
        let up = ipsec_up(e);
        let t = m.entry(id).or_insert(Tunnel {
            up: false,
            label: String::new(),
            one_way: false,
        });
        t.up |= up;
        t.one_way |= up && e.is_one_way();
        t.label = if t.up {
            "up".into()
        } else {
            "no active SA".into()
        };
    }
    m
}

fn ipsec_sas(out: &mut Out, b: &ipsec::IpsecSa, a: &ipsec::IpsecSa) {
    tunnels(out, "IPsec", &ipsec_tunnels(b), &ipsec_tunnels(a), true);
}

fn cerm_limits(out: &mut Out, b: &cerm::Cerm, a: &cerm::Cerm) {
    if b.enabled != a.enabled {
        out.push(
            Severity::Neutral,
            None,
            "enabled",
            Some(yes_no(b.enabled)),
            Some(yes_no(a.enabled)),
            "CERM functionality changed (disabled: no export limit applies)".into(),
        );
    }
    let rows = [
        ("tx_kbps", b.tx_kbps, a.tx_kbps),
        ("rx_kbps", b.rx_kbps, a.rx_kbps),
        ("tunnels", b.tunnels, a.tunnels),
        ("tls_sessions", b.tls_sessions, a.tls_sessions),
    ];
    for (name, bl, al) in rows {
        let (Some(bl), Some(al)) = (bl, al) else {
            continue;
        };
        let label = |l: cerm::CermLimit| format!("{} of {}", l.available, l.maximum);
        if bl.maximum != al.maximum {
            out.push(
                Severity::Neutral,
                Some(name.into()),
                "maximum",
                Some(bl.maximum.to_string()),
                Some(al.maximum.to_string()),
                format!("CERM {name} limit changed (license?)"),
            );
            continue;
        }
        if bl.maximum == 0 || bl.available == al.available {
            continue;
        }
        let pct = |l: cerm::CermLimit| l.available as f64 * 100.0 / l.maximum as f64;
        let (pb, pa) = (pct(bl), pct(al));
        let sev = if (al.available == 0 && bl.available > 0) || pa <= pb - CERM_POINTS {
            Severity::Regression
        } else if (bl.available == 0 && al.available > 0) || pa >= pb + CERM_POINTS {
            Severity::Improvement
        } else {
            continue;
        };
        out.push(
            sev,
            Some(name.into()),
            "available",
            Some(label(bl)),
            Some(label(al)),
            format!("CERM {name} available {pb:.0}% -> {pa:.0}% of the maximum"),
        );
    }
}

fn oper(s: &waas::OperState) -> (bool, String) {
    (*s == waas::OperState::Running, s.to_string())
}

fn licensed(out: &mut Out, what: &str, subject: Option<String>, b: Option<bool>, a: Option<bool>) {
    if let (Some(b), Some(a)) = (b, a) {
        out.state(
            subject,
            "licensed",
            &format!("{what} licensed"),
            (b, yes_no(b)),
            (a, yes_no(a)),
        );
    }
}

fn ao_rows(out: &mut Out, kind: &str, b: &[waas::AoRow], a: &[waas::AoRow]) {
    let find = |rows: &[waas::AoRow], n: &str| {
        rows.iter()
            .find(|r| r.name.eq_ignore_ascii_case(n))
            .cloned()
    };
    for br in b {
        let subject = Some(format!("{kind} {}", br.name));
        let Some(ar) = find(a, &br.name) else {
            let running = br.oper_state == waas::OperState::Running;
            out.push(
                if running {
                    Severity::Regression
                } else {
                    Severity::Neutral
                },
                subject,
                "presence",
                Some(br.oper_state.to_string()),
                Some("absent".into()),
                format!("{kind} {} no longer listed", br.name),
            );
            continue;
        };
        out.state(
            subject.clone(),
            "oper_state",
            &format!("{kind} {} operational state", br.name),
            oper(&br.oper_state),
            oper(&ar.oper_state),
        );
        licensed(
            out,
            &format!("{kind} {}", br.name),
            subject.clone(),
            br.licensed,
            ar.licensed,
        );
        if br.config_state != ar.config_state {
            out.push(
                Severity::Neutral,
                subject,
                "config_state",
                Some(br.config_state.to_string()),
                Some(ar.config_state.to_string()),
                format!("{kind} {} config state changed", br.name),
            );
        }
    }
    for ar in a {
        if find(b, &ar.name).is_none() {
            out.push(
                Severity::Neutral,
                Some(format!("{kind} {}", ar.name)),
                "presence",
                Some("absent".into()),
                Some(ar.oper_state.to_string()),
                format!("{kind} {} newly listed", ar.name),
            );
        }
    }
}

fn mapi_accelerator(out: &mut Out, b: &waas::MapiAccelerator, a: &waas::MapiAccelerator) {
    out.state(
        None,
        "oper_state",
        "MAPI AO operational state",
        oper(&b.oper_state),
        oper(&a.oper_state),
    );
    licensed(out, "MAPI AO", None, b.licensed, a.licensed);
    if b.config_state != a.config_state {
        out.push(
            Severity::Neutral,
            None,
            "config_state",
            Some(b.config_state.to_string()),
            Some(a.config_state.to_string()),
            "MAPI AO config state changed".into(),
        );
    }
    let reg = |r: &Option<waas::RegistrationState>| {
        (
            *r == Some(waas::RegistrationState::Registered),
            r.as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "unknown".into()),
        )
    };
    out.state(
        None,
        "registration",
        "MAPI AO policy-engine registration",
        reg(&b.registration),
        reg(&a.registration),
    );
}

fn drop_rate(
    out: &mut Out,
    ao: &str,
    b: &waas::AoGlobal,
    a: &waas::AoGlobal,
    (tb, ta): Times,
    opts: &DiffOptions,
) {
    let (Some(bd), Some(ad)) = (b.total_dropped, a.total_dropped) else {
        return;
    };
    let changed = |x: &Option<String>, y: &Option<String>| x.is_some() && y.is_some() && x != y;
    if ad < bd || changed(&b.started, &a.started) || changed(&b.last_reset, &a.last_reset) {
        out.push(
            Severity::Neutral,
            None,
            "counter_reset",
            Some(format!("dropped {bd}, last reset {}", b.last_reset.as_deref().or(b.started.as_deref()).unwrap_or("?"))),
            Some(format!("dropped {ad}, last reset {}", a.last_reset.as_deref().or(a.started.as_deref()).unwrap_or("?"))),
            format!("{ao} statistics were reset between the snapshots (AO restarted or counters cleared): dropped-connection rate not computed"),
        );
        return;
    }
    let (Some(tb), Some(ta)) = (tb, ta) else {
        return;
    };
    let secs = (ta - tb).num_milliseconds() as f64 / 1000.0;
    let delta = ad - bd;
    if secs <= 0.0 || delta == 0 {
        return;
    }
    let hours = secs.max(MIN_RATE_INTERVAL_SECS) / 3600.0;
    let rate = delta as f64 / hours;
    if rate > opts.max_drop_rate_per_hour {
        out.push(
            Severity::Regression,
            None,
            "dropped_per_hour",
            Some(bd.to_string()),
            Some(ad.to_string()),
            format!(
                "{ao} dropped connections grew by {delta} in {:.2} h: {rate:.1}/h, above {}/h",
                secs / 3600.0,
                opts.max_drop_rate_per_hour
            ),
        );
    }
}

fn licenses(out: &mut Out, b: &waas::License, a: &waas::License) {
    let active = |s: &waas::LicenseStatus| (*s == waas::LicenseStatus::Active, s.to_string());
    for bl in &b.licenses {
        let subject = Some(format!("license {}", bl.name));
        match a
            .licenses
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(&bl.name))
        {
            Some(al) => out.state(
                subject,
                "status",
                &format!("license {}", bl.name),
                active(&bl.status),
                active(&al.status),
            ),
            None => out.push(
                if active(&bl.status).0 {
                    Severity::Regression
                } else {
                    Severity::Neutral
                },
                subject,
                "presence",
                Some(bl.status.to_string()),
                Some("absent".into()),
                format!("license {} no longer listed", bl.name),
            ),
        }
    }
}

fn cms(out: &mut Out, b: &waas::CmsSecureStore, a: &waas::CmsSecureStore) {
    let l = |v: Option<bool>| {
        (
            v == Some(true),
            v.map(yes_no).unwrap_or_else(|| "unknown".into()),
        )
    };
    out.state(
        None,
        "initialized",
        "CMS secure store initialized",
        l(b.initialized),
        l(a.initialized),
    );
    out.state(None, "open", "CMS secure store open", l(b.open), l(a.open));
}

fn verify(out: &mut Out, b: &waas::MapiEncryptionVerify, a: &waas::MapiEncryptionVerify) {
    let role = |g: &waas::VerifyGroup| {
        g.role
            .as_ref()
            .map(|r| r.to_string().to_ascii_lowercase())
            .unwrap_or_else(|| "-".into())
    };
    let comps = |v: &waas::MapiEncryptionVerify| {
        let mut m: BTreeMap<String, Option<waas::VerifyStatus>> = BTreeMap::new();
        for g in &v.groups {
            for c in &g.components {
                m.insert(format!("{} {}", role(g), c.name), c.status.clone());
            }
        }
        m
    };
    let (bm, am) = (comps(b), comps(a));
    let st = |s: &Option<waas::VerifyStatus>| {
        (
            *s == Some(waas::VerifyStatus::Ok),
            s.as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "unknown".into()),
        )
    };
    for (name, bs) in &bm {
        if let Some(as_) = am.get(name) {
            if bs.is_some() && as_.is_some() {
                out.state(
                    Some(name.clone()),
                    "status",
                    &format!("eMAPI check `{name}`"),
                    st(bs),
                    st(as_),
                );
            }
        }
    }
}

fn version(out: &mut Out, b: &system::Version, a: &system::Version) {
    let sw = |v: &system::Version| match &v.xe_version {
        Some(xe) if xe != &v.version => format!("{} (IOS XE {xe})", v.version),
        _ => v.version.clone(),
    };
    let (bs, as_) = (sw(b), sw(a));
    if bs != as_ {
        out.push(
            Severity::Neutral,
            None,
            "sw_version",
            Some(bs.clone()),
            Some(as_.clone()),
            format!("software version {bs} -> {as_}"),
        );
    }
    if let (Some(bs), Some(as_)) = (&b.serial, &a.serial) {
        if bs != as_ {
            out.push(
                Severity::Neutral,
                None,
                "serial",
                Some(bs.clone()),
                Some(as_.clone()),
                "serial number changed (hardware replaced?)".into(),
            );
        }
    }
    if let (Some(bu), Some(au)) = (b.uptime_s, a.uptime_s) {
        if au < bu {
            out.push(
                Severity::Neutral,
                None,
                "reloaded",
                b.uptime.clone().or(Some(bu.to_string())),
                a.uptime.clone().or(Some(au.to_string())),
                "uptime went down: the device reloaded between the snapshots".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{CommandMeta, DeviceMeta, ManifestDevice, PlaybookInfo};
    use serde_json::json;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
    }

    fn rec(v: serde_json::Value) -> Record {
        serde_json::from_value(v).unwrap()
    }

    fn manifest(playbook: &str, commands_sha: &str, file_sha: &str) -> Manifest {
        Manifest {
            format: crate::snapshot::FORMAT.into(),
            format_version: crate::snapshot::FORMAT_VERSION,
            fleetpoll_version: "0.1.0".into(),
            started_at: t(0),
            completed_at: t(1),
            inventory: "inv.yaml".into(),
            limit: None,
            playbook: PlaybookInfo {
                name: playbook.into(),
                path: "playbooks/snapshot.yaml".into(),
                sha256: file_sha.into(),
                commands_sha256: commands_sha.into(),
                commands: BTreeMap::new(),
            },
            devices: Vec::<ManifestDevice>::new(),
            files: BTreeMap::new(),
        }
    }

    /// A device; `cmds` are (command, status, record).
    fn dev(
        name: &str,
        polled: bool,
        at: i64,
        cmds: Vec<(&str, &str, Option<Record>)>,
    ) -> LoadedDevice {
        let meta = DeviceMeta {
            device: name.into(),
            host: "127.0.0.1".into(),
            port: 22,
            platform: crate::Platform::CiscoIos,
            site: None,
            groups: vec![],
            poll_status: if polled { "polled" } else { "failed" }.into(),
            failed_stage: None,
            error_class: None,
            error: (!polled).then(|| "cannot connect: refused".to_string()),
            started_at: Some(t(at)),
            finished_at: Some(t(at + 1)),
            duration_ms: 1000,
            hostname: None,
            software_version: None,
            ssh_algorithms: None,
            commands: cmds
                .iter()
                .map(|(c, st, _)| CommandMeta {
                    command: c.to_string(),
                    parser: None,
                    status: st.to_string(),
                    error: None,
                    duration_ms: 1,
                    truncated: false,
                    raw_file: None,
                    record_file: None,
                    redacted_lines: 0,
                })
                .collect(),
        };
        LoadedDevice {
            meta,
            records: cmds.into_iter().map(|(_, _, r)| r).collect(),
        }
    }

    fn snap(devices: Vec<LoadedDevice>) -> Snapshot {
        Snapshot {
            dir: "x".into(),
            manifest: manifest("snapshot", "c", "f"),
            devices,
        }
    }

    /// (severity, key) of every change between one command's two records, 1 h apart.
    fn one(cmd: &str, b: serde_json::Value, a: serde_json::Value) -> Vec<(Severity, String)> {
        one_at(cmd, b, a, 3600)
    }

    fn one_at(
        cmd: &str,
        b: serde_json::Value,
        a: serde_json::Value,
        secs: i64,
    ) -> Vec<(Severity, String)> {
        let b = snap(vec![dev("d", true, 0, vec![(cmd, "ok", Some(rec(b)))])]);
        let a = snap(vec![dev("d", true, secs, vec![(cmd, "ok", Some(rec(a)))])]);
        keys(&diff(&b, &a, &DiffOptions::default()).unwrap())
    }

    fn keys(r: &DiffReport) -> Vec<(Severity, String)> {
        r.changes
            .iter()
            .map(|c| (c.severity, c.key.clone()))
            .collect()
    }

    use Severity::{Improvement as I, Neutral as N, Regression as R};

    fn k(s: &str) -> String {
        s.to_string()
    }

    #[test]
    fn devices_reachability_and_presence() {
        let b = snap(vec![
            dev("up-down", true, 0, vec![]),
            dev("down-up", false, 0, vec![]),
            dev("down-down", false, 0, vec![]),
            dev("gone", true, 0, vec![]),
        ]);
        let a = snap(vec![
            dev("up-down", false, 9, vec![]),
            dev("down-up", true, 9, vec![]),
            dev("down-down", false, 9, vec![]),
            dev("new", true, 9, vec![]),
        ]);
        let r = diff(&b, &a, &DiffOptions::default()).unwrap();
        assert_eq!(
            keys(&r),
            vec![
                (R, k("up-down/reachable")),
                (I, k("down-up/reachable")),
                (R, k("gone/in_snapshot")),
                (N, k("new/in_snapshot")),
            ]
        );
        assert!(r.regressed());
        assert_eq!(r.changes[0].before.as_deref(), Some("polled"));
        assert_eq!(
            r.changes[0].after.as_deref(),
            Some("failed: cannot connect: refused")
        );
    }

    #[test]
    fn command_status_changes() {
        let v = || {
            Some(rec(
                json!({"record": "ntp_status", "enabled": true, "synchronized": true, "servers": [], "peers": []}),
            ))
        };
        let b = snap(vec![dev(
            "d",
            true,
            0,
            vec![
                ("c1", "ok", v()),
                ("c2", "timeout", None),
                ("c3", "raw", None),
                ("c4", "ok", v()),
            ],
        )]);
        let a = snap(vec![dev(
            "d",
            true,
            9,
            vec![
                ("c1", "parse_failed", None),
                ("c2", "ok", v()),
                ("c3", "rejected", None),
                ("c5", "ok", v()),
            ],
        )]);
        assert_eq!(
            keys(
                &diff(
                    &b,
                    &a,
                    &DiffOptions {
                        allow_playbook_change: true,
                        ..DiffOptions::default()
                    }
                )
                .unwrap()
            ),
            vec![
                (R, k("d/c1/status")),
                (I, k("d/c2/status")),
                (R, k("d/c3/status")),
                (N, k("d/c4/captured")),
                (N, k("d/c5/captured")),
            ]
        );
    }

    fn ike(sas: serde_json::Value) -> serde_json::Value {
        json!({"record": "isakmp_sa", "sas": sas})
    }

    #[test]
    fn ike_peer_rules() {
        let c = "show crypto isakmp sa";
        let p = |peer: &str, state: &str| json!({"ike_version": 1, "peer": peer, "state": state});
        // Gone: up → regression, not up → neutral. New: up → neutral, not up → regression.
        assert_eq!(
            one(
                c,
                ike(json!([
                    p("10.0.0.1", "MM_ACTIVE"),
                    p("10.0.0.2", "MM_WAIT_MSG6")
                ])),
                ike(json!([
                    p("10.0.0.3", "MM_ACTIVE"),
                    p("10.0.0.4", "AG_INIT_EXCH")
                ]))
            ),
            vec![
                (R, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev1/presence")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.2 ikev1/presence")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.3 ikev1/presence")),
                (R, k("d/show crypto isakmp sa/peer 10.0.0.4 ikev1/presence")),
            ]
        );
        // State: up → down regression, down → up improvement, down → other down neutral,
        // up → up unchanged. IOS rows name the peer in `dst`; a rekeying pair counts as up.
        let b = ike(json!([
            p("10.0.0.1", "MM_ACTIVE"),
            p("10.0.0.2", "MM_WAIT_MSG6"),
            p("10.0.0.3", "MM_WAIT_MSG2"),
            {"ike_version": 1, "dst": "10.0.0.4", "src": "10.9.9.9", "state": "QM_IDLE"},
            {"ike_version": 2, "peer": "10.0.0.5", "state": "READY"},
        ]));
        let a = ike(json!([
            p("10.0.0.1", "MM_WAIT_MSG6"),
            p("10.0.0.2", "MM_ACTIVE"),
            p("10.0.0.3", "MM_NO_STATE"),
            {"ike_version": 1, "dst": "10.0.0.4", "src": "10.9.9.9", "state": "QM_IDLE"},
            {"ike_version": 2, "peer": "10.0.0.5", "state": "IN-NEG"},
            {"ike_version": 2, "peer": "10.0.0.5", "state": "READY"},
        ]));
        let got = one(c, b, a);
        assert_eq!(
            got,
            vec![
                (R, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev1/state")),
                (I, k("d/show crypto isakmp sa/peer 10.0.0.2 ikev1/state")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.3 ikev1/state")),
            ]
        );
        // The same address under another IKE version is another peer.
        assert_eq!(
            one(
                c,
                ike(json!([p("10.0.0.1", "MM_ACTIVE")])),
                ike(json!([{"ike_version": 2, "peer": "10.0.0.1", "state": "READY"}]))
            ),
            vec![
                (R, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev1/presence")),
                (N, k("d/show crypto isakmp sa/peer 10.0.0.1 ikev2/presence")),
            ]
        );
    }

    #[test]
    fn ipsec_sa_rules() {
        let c = "show crypto ipsec sa";
        let id = |a: &str| json!({"addr": a, "mask": "255.255.255.0", "prot": 0, "port": 0});
        let sa = |peer: &str, remote: &str, active: bool, encaps: u64, decaps: u64| {
            let spis = if active {
                json!([{"protocol": "esp", "status": "ACTIVE"}])
            } else {
                json!([])
            };
            json!({"current_peer": peer, "local_ident": id("10.1.0.0"), "remote_ident": id(remote),
                   "pkts_encaps": encaps, "pkts_decaps": decaps, "inbound": spis, "outbound": spis})
        };
        let r = |e: Vec<serde_json::Value>| json!({"record": "ipsec_sa", "entries": e});
        let key = |peer: &str, remote: &str, f: &str| {
            format!("d/{c}/sa {peer} 10.1.0.0/255.255.255.0/0/0 {remote}/255.255.255.0/0/0/{f}")
        };
        let b = r(vec![
            sa("10.0.0.1", "10.2.0.0", true, 5, 5),
            sa("10.0.0.2", "10.3.0.0", true, 5, 5),
            sa("10.0.0.3", "10.4.0.0", false, 0, 0),
            sa("10.0.0.4", "10.5.0.0", true, 5, 5),
            sa("10.0.0.5", "10.6.0.0", true, 0, 7),
        ]);
        let a = r(vec![
            // 10.0.0.1 gone; counters growing on 10.0.0.2 are no change.
            sa("10.0.0.2", "10.3.0.0", true, 500, 500),
            sa("10.0.0.3", "10.4.0.0", true, 1, 1),
            sa("10.0.0.4", "10.5.0.0", true, 0, 9),
            sa("10.0.0.5", "10.6.0.0", true, 3, 9),
            sa("10.0.0.6", "10.7.0.0", false, 0, 0),
        ]);
        assert_eq!(
            one(c, b, a),
            vec![
                (R, key("10.0.0.1", "10.2.0.0", "presence")),
                (I, key("10.0.0.3", "10.4.0.0", "state")),
                (R, key("10.0.0.4", "10.5.0.0", "traffic")),
                (I, key("10.0.0.5", "10.6.0.0", "traffic")),
                (R, key("10.0.0.6", "10.7.0.0", "presence")),
            ]
        );
    }

    #[test]
    fn accelerator_rules() {
        let row = |n: &str, lic: bool, cfg: &str, op: &str| json!({"name": n, "licensed": lic, "config_state": cfg, "oper_state": op});
        let acc = |rows: Vec<serde_json::Value>| json!({"record": "accelerators", "accelerators": rows, "services": []});
        let b = acc(vec![
            row("mapi", true, "Enabled", "Running"),
            row("epm", true, "Enabled", "Shutdown"),
            row("http", true, "Enabled", "Running"),
            row("cifs", true, "Enabled", "Running"),
            row("video", true, "Enabled", "Running"),
        ]);
        let a = acc(vec![
            row("mapi", false, "Enabled", "Shutdown"),
            row("epm", true, "Enabled", "Running"),
            row("http", true, "Disabled", "Running"),
            row("ssl", true, "Enabled", "Running"),
            row("video", true, "Enabled", "Running"),
        ]);
        let c = "show accelerator";
        assert_eq!(
            one(c, b, a),
            vec![
                (R, k("d/show accelerator/ao mapi/oper_state")),
                (R, k("d/show accelerator/ao mapi/licensed")),
                (I, k("d/show accelerator/ao epm/oper_state")),
                (N, k("d/show accelerator/ao http/config_state")),
                (R, k("d/show accelerator/ao cifs/presence")),
                (N, k("d/show accelerator/ao ssl/presence")),
            ]
        );
        let m = |op: &str, reg: &str| json!({"record": "mapi_accelerator", "licensed": true, "config_state": "Enabled", "oper_state": op, "registration": reg});
        let c = "show accelerator mapi";
        assert_eq!(
            one(
                c,
                m("Running", "Registered"),
                m("Shutdown", "Not Registered")
            ),
            vec![
                (R, k("d/show accelerator mapi/oper_state")),
                (R, k("d/show accelerator mapi/registration"))
            ]
        );
        assert_eq!(
            one(
                c,
                m("Shutdown", "Not Registered"),
                m("Running", "Registered")
            ),
            vec![
                (I, k("d/show accelerator mapi/oper_state")),
                (I, k("d/show accelerator mapi/registration"))
            ]
        );
    }

    #[test]
    fn cerm_availability_rules() {
        let lim = |m: u64, a: u64| json!({"maximum": m, "available": a});
        let cerm = |tx: u64, tun: u64, tls: u64, tlsmax: u64, en: bool| json!({"record": "cerm", "enabled": en, "tx_kbps": lim(85000, tx), "rx_kbps": lim(85000, 85000), "tunnels": lim(225, tun), "tls_sessions": lim(tlsmax, tls)});
        let c = "show platform cerm-information";
        // Tx to 0: regression; tunnels 225 → 204 (-9.3 points): no change; TLS max: neutral.
        assert_eq!(
            one(
                c,
                cerm(85000, 225, 1000, 1000, true),
                cerm(0, 204, 900, 2000, true)
            ),
            vec![
                (R, k("d/show platform cerm-information/tx_kbps/available")),
                (
                    N,
                    k("d/show platform cerm-information/tls_sessions/maximum")
                )
            ]
        );
        // Tunnels -10 points: regression; Tx back from 0: improvement; enabled change: neutral.
        assert_eq!(
            one(
                c,
                cerm(0, 225, 1000, 1000, true),
                cerm(40000, 202, 1000, 1000, false)
            ),
            vec![
                (N, k("d/show platform cerm-information/enabled")),
                (I, k("d/show platform cerm-information/tx_kbps/available")),
                (R, k("d/show platform cerm-information/tunnels/available")),
            ]
        );
    }

    #[test]
    fn dropped_connections_are_compared_as_a_rate_only() {
        let st = |handled: u64, dropped: u64, reset: &str| {
            json!({"record": "mapi_stats", "started": "Thu Nov 24 08:53:13 2009", "last_reset": reset,
                   "total_handled": handled, "total_optimized": handled, "total_dropped": dropped,
                   "buffers": {}})
        };
        let c = "show statistics accelerator mapi";
        let x = "Thu Nov 24 08:53:13 2009";
        // Handled grows by a million, dropped by 5 in an hour: no change (5/h <= 10/h).
        assert_eq!(one(c, st(1, 100, x), st(1_000_001, 105, x)), vec![]);
        // 30 in an hour: regression.
        let big = one(c, st(1, 100, x), st(2, 130, x));
        assert_eq!(
            big,
            vec![(R, k("d/show statistics accelerator mapi/dropped_per_hour"))]
        );
        // 2 in 10 s counts over 15 min (8/h): no change; 3 in 10 s (12/h): regression.
        assert_eq!(one_at(c, st(1, 100, x), st(1, 102, x), 10), vec![]);
        assert_eq!(
            one_at(c, st(1, 100, x), st(1, 103, x), 10),
            vec![(R, k("d/show statistics accelerator mapi/dropped_per_hour"))]
        );
        // A counter that went down, or a new reset time: neutral reset, no rate.
        assert_eq!(
            one(c, st(1, 100, x), st(1, 0, x)),
            vec![(N, k("d/show statistics accelerator mapi/counter_reset"))]
        );
        assert_eq!(
            one(c, st(1, 100, x), st(1, 900, "Fri Nov 25 08:00:00 2009")),
            vec![(N, k("d/show statistics accelerator mapi/counter_reset"))]
        );
        // A higher threshold silences it.
        let b = snap(vec![dev(
            "d",
            true,
            0,
            vec![(c, "ok", Some(rec(st(1, 100, x))))],
        )]);
        let a = snap(vec![dev(
            "d",
            true,
            3600,
            vec![(c, "ok", Some(rec(st(2, 130, x))))],
        )]);
        let o = DiffOptions {
            max_drop_rate_per_hour: 50.0,
            ..DiffOptions::default()
        };
        assert!(diff(&b, &a, &o).unwrap().changes.is_empty());
    }

    #[test]
    fn license_cms_verify_ntp_version_rules() {
        let lic = |e: &str, t: &str| json!({"record": "license", "licenses": [{"name": "Enterprise", "status": e}, {"name": "Transport", "status": t}]});
        assert_eq!(
            one(
                "show license",
                lic("active", "not active"),
                lic("not active", "active")
            ),
            vec![
                (R, k("d/show license/license Enterprise/status")),
                (I, k("d/show license/license Transport/status"))
            ]
        );
        let cms = |i: bool, o: bool| json!({"record": "cms_secure_store", "status": "x", "initialized": i, "open": o});
        assert_eq!(
            one("show cms secure store", cms(true, true), cms(true, false)),
            vec![(R, k("d/show cms secure store/open"))]
        );
        let ver = |s: &str| json!({"record": "mapi_encryption_verify", "groups": [{"role": "EDGE", "components": [{"name": "NTP State", "status": s, "reasons": [], "details": []}]}]});
        let c = "accelerator mapi verify encryption-settings";
        assert_eq!(
            one(c, ver("OK"), ver("FAILED")),
            vec![(R, format!("d/{c}/edge NTP State/status"))]
        );
        assert_eq!(
            one(c, ver("FAILED"), ver("OK")),
            vec![(I, format!("d/{c}/edge NTP State/status"))]
        );
        let ntp = |s: bool| json!({"record": "ntp_status", "enabled": true, "synchronized": s, "servers": [], "peers": []});
        assert_eq!(
            one("show ntp status", ntp(true), ntp(false)),
            vec![(R, k("d/show ntp status/synchronized"))]
        );
        assert_eq!(
            one("show ntp status", ntp(false), ntp(true)),
            vec![(I, k("d/show ntp status/synchronized"))]
        );
        let v = |ver: &str, up: u64| json!({"record": "version", "os": "ios", "version": ver, "uptime_s": up, "serial": "FTX1"});
        assert_eq!(
            one("show version", v("15.1(4)M8", 10_000), v("15.5(3)M", 60)),
            vec![
                (N, k("d/show version/sw_version")),
                (N, k("d/show version/reloaded"))
            ]
        );
        assert_eq!(
            one(
                "show version",
                v("15.1(4)M8", 10_000),
                v("15.1(4)M8", 13_600)
            ),
            vec![]
        );
    }

    #[test]
    fn ignore_matches_whole_keys_or_field_names() {
        let v = |ver: &str| json!({"record": "version", "os": "ios", "version": ver});
        let b = snap(vec![
            dev(
                "rtr-01",
                true,
                0,
                vec![("show version", "ok", Some(rec(v("1"))))],
            ),
            dev("rtr-02", true, 0, vec![]),
        ]);
        let a = snap(vec![
            dev(
                "rtr-01",
                true,
                9,
                vec![("show version", "ok", Some(rec(v("2"))))],
            ),
            dev("rtr-02", false, 9, vec![]),
        ]);
        let with = |pats: &[&str]| {
            let o = DiffOptions {
                ignore: pats
                    .iter()
                    .map(|p| glob::Pattern::new(p).unwrap())
                    .collect(),
                ..DiffOptions::default()
            };
            let r = diff(&b, &a, &o).unwrap();
            (keys(&r), r.ignored)
        };
        assert_eq!(with(&[]).0.len(), 2);
        assert_eq!(with(&["sw_version"]), (vec![(R, k("rtr-02/reachable"))], 1));
        assert_eq!(with(&["rtr-01/show version/sw_version"]).1, 1);
        assert_eq!(
            with(&["rtr-02/*"]),
            (vec![(N, k("rtr-01/show version/sw_version"))], 1)
        );
        assert_eq!(with(&["*"]).1, 2);
        assert_eq!(with(&["sw_*", "reach*"]).0, vec![]);
    }

    #[test]
    fn playbook_compatibility() {
        let m = |n: &str, c: &str, f: &str| manifest(n, c, f);
        assert!(check_compatible(
            &m("snapshot", "c1", "f1"),
            &m("snapshot", "c1", "f1"),
            false
        )
        .unwrap()
        .is_empty());
        let notes = check_compatible(
            &m("snapshot", "c1", "f1"),
            &m("snapshot", "c1", "f2"),
            false,
        )
        .unwrap();
        assert!(notes[0].contains("same commands"), "{notes:?}");
        let e = check_compatible(&m("snapshot", "c1", "f1"), &m("health", "c1", "f1"), false)
            .unwrap_err();
        assert!(
            e.contains("different playbooks") && e.contains("--allow-playbook-change"),
            "{e}"
        );
        assert!(check_compatible(
            &m("snapshot", "c1", "f1"),
            &m("snapshot", "c2", "f1"),
            false
        )
        .is_err());
        let notes =
            check_compatible(&m("snapshot", "c1", "f1"), &m("health", "c2", "f2"), true).unwrap();
        assert!(notes[0].contains("only commands run in both"), "{notes:?}");
    }
}
