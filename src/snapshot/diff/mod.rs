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
//! | IKEv2 SA `presence`, `state` (`show crypto ikev2 sa`, peer = remote address + fvrf; READY when one of its SAs is) | READY peer gone; READY → not; new peer not READY | not READY → READY | new peer READY |
//! | IPsec `presence` (SA = peer + local/remote ident) | up SA gone; new SA not up | | new SA up; SA that was not up gone |
//! | IPsec `state` | SA up → no active SA | the reverse | |
//! | IPsec `traffic` | two-way → one-way (encaps 0, decaps > 0) | the reverse | |
//! | crypto session / DMVPN peer `presence`, `state` (session = peer + interface; DMVPN = interface + NBMA + tunnel address) | up → not up; up one gone; new one not up | not up → up | new one up |
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
//! | certificate `status` / `end_date` / `serial` / `presence` (kind + subject + trustpoints) | `Available` lost | end date later (renewed) | earlier end date, new serial, added / removed |
//! | failover `enabled`, host `state` | On → Off; `Active`/`Standby Ready` → other (`Failed`, …) | the reverse | switchover |
//! | `sw_version`, `serial`, `reloaded` (uptime went down) | | | any change |
//! | inventory unit `pid` / `serial` / `presence`; ASA license `platform_license`, feature `value`, `smart_entitlements` | Smart `smart_registration` / `smart_authorization` lost | regained | any change |
//! | IOS licence feature `state` / `presence` / `license_type`, Smart entitlement `status` | in use → not, in-use feature gone; entitlement out of compliance / eval | the reverse | type change, feature added |
//! | redundancy `operating_mode`, `peer/state`, `active/switchover` | peer leaves a ready standby state; mode leaves the configured one | the reverse | switchover |
//! | VPN load balancing `status`, `role`, `lb peer …/presence`; WebVPN `sessions` | Enabled → not; a peer gone | the reverse | role change, new peer, session count |
//!
//! Counter rates: the dropped-connection counters are the only counters compared, as a rate
//! over the time between the two polls of the device (`started_at` in each `meta.json`);
//! intervals under 15 minutes count as 15 minutes, so one drop between back-to-back snapshots
//! is not an alarm. A counter that went down, or a changed "started" / "last reset" time, is a
//! reset: reported as neutral, no rate. Other outputs (`show clock`, optimized-connection
//! tables, `show vpn-sessiondb summary`, `show asp drop`, `show asp table vpn-context`, raw
//! outputs without a parser) are not compared.
//!
//! Devices not polled in either snapshot are only compared for reachability: an unreachable
//! device after the change gives one `reachable` regression, not one per missing peer.
//!
//! Files: this one holds the entry points, the change types and the dispatch over `Record`
//! (generated from `parse::for_each_record`); `device` (reachability, command status), then
//! one file per record family with its `Compare` impls: `crypto` (IKE, IPsec), `ikev2_sa`, `cerm`,
//! `waas` (accelerators, MAPI, licenses, CMS, eMAPI verify), `system` (version, NTP), `asa`
//! (sessions, load balancing), `inventory` (units, ASA licenses), `license` (Smart Licensing, IOS
//! licences), `redundancy`.

mod asa;
mod cerm;
mod crypto;
mod device;
mod failover;
mod ikev2;
mod ikev2_sa;
mod inventory;
mod license;
mod pki;
mod redundancy;
mod system;
mod textfsm;
mod vpn;
mod waas;

use super::{Manifest, Snapshot};
use crate::parse::Record;
use chrono::{DateTime, Utc};
use device::compare_device;
use serde::Serialize;

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

/// Why two snapshots cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// Another playbook name or other commands, without `allow_playbook_change`.
    #[error(
        "the snapshots come from different playbooks: BEFORE `{before}` (commands sha256 {}), AFTER `{after}` (commands sha256 {}); \
         take both with the same playbook, or pass --allow-playbook-change to compare the commands both ran",
        short(.before_commands_sha256),
        short(.after_commands_sha256)
    )]
    DifferentPlaybooks {
        before: String,
        before_commands_sha256: String,
        after: String,
        after_commands_sha256: String,
    },
}

/// Whether two snapshots can be compared. They must come from the same playbook name and
/// the same commands (`commands_sha256`), unless `allow_playbook_change`; returns notes.
pub fn check_compatible(
    b: &Manifest,
    a: &Manifest,
    allow_playbook_change: bool,
) -> Result<Vec<String>, DiffError> {
    let mut notes = Vec::new();
    let (pb, pa) = (&b.playbook, &a.playbook);
    let differs = pb.name != pa.name || pb.commands_sha256 != pa.commands_sha256;
    if differs && !allow_playbook_change {
        return Err(DiffError::DifferentPlaybooks {
            before: pb.name.clone(),
            before_commands_sha256: pb.commands_sha256.clone(),
            after: pa.name.clone(),
            after_commands_sha256: pa.commands_sha256.clone(),
        });
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
pub fn diff(
    before: &Snapshot,
    after: &Snapshot,
    opts: &DiffOptions,
) -> Result<DiffReport, DiffError> {
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

type Times = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// What a comparison may look at besides the two records.
struct Cx<'o, 'a> {
    out: &'o mut Out<'a>,
    times: Times,
    opts: &'o DiffOptions,
}

/// How the records of one family compare, before (`b`) and after (`a`). Every family of
/// `parse::for_each_record` implements it beside the comparisons it runs (`crypto.rs`,
/// `waas.rs`, …); a family that is not compared says why in an empty impl. The dispatch is
/// generated from the same list, so a new family without an impl does not compile.
trait Compare {
    fn compare(b: &Self, a: &Self, cx: &mut Cx);
}

macro_rules! compare_dispatch {
    ($($variant:ident($ty:ty),)*) => {
        fn compare_records(
            out: &mut Out,
            b: &Record,
            a: &Record,
            times: Times,
            opts: &DiffOptions,
        ) {
            let mut cx = Cx { out, times, opts };
            match (b, a) {
                $((Record::$variant(b), Record::$variant(a)) => Compare::compare(b, a, &mut cx),)*
                (b, a) => cx.out.push(
                    Severity::Neutral,
                    None,
                    "record",
                    Some(record_kind(b)),
                    Some(record_kind(a)),
                    "the output was read as a different kind of record".into(),
                ),
            }
        }
    };
}
crate::parse::for_each_record!(compare_dispatch);

fn record_kind(r: &Record) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.get("record").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

#[cfg(test)]
mod tests;
