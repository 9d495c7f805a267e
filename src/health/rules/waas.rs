//! WAAS MAPI acceleration rules (seed 000, "WAAS – MAPI AO troubleshooting"): licence,
//! accelerator state, MAPI AO statistics, optimized-connection table, eMAPI verification and
//! the CMS secure store.

use super::{fmt_num, fmt_pct, pct, Context, Finding, Judge, RuleInfo, Severity, Thresholds};
use crate::parse::waas::{
    Accelerators, AoRow, CmsSecureStore, ConfigState, EpmStats, License, LicenseStatus,
    MapiAccelerator, MapiEncryptionVerify, MapiStats, OperState, OptimizedConnections,
    RegistrationState, VerifyGroup, VerifyRole, VerifyStatus,
};

/// 000, "MAPI accelerator": MAPI AO operation requires the Enterprise license (`show license`).
pub const LICENSE_ENTERPRISE_MISSING: RuleInfo = RuleInfo {
    code: "LICENSE_ENTERPRISE_MISSING",
    severity: Severity::Critical,
    summary: "WAAS Enterprise license not active (the MAPI AO needs it)",
    remediation: "Activate the Enterprise license on the WAE: the MAPI accelerator and the other application optimizers do not run without it.",
    source: "000 MAPI AO: show license / show accelerator (Enterprise license required)",
};

/// 000, "MAPI accelerator": `show accelerator mapi` with Config State Enabled but Operational
/// State Shutdown indicates a licensing problem.
pub const MAPI_LICENSE_SHUTDOWN: RuleInfo = RuleInfo {
    code: "MAPI_LICENSE_SHUTDOWN",
    severity: Severity::Critical,
    summary: "MAPI AO Config State Enabled but Operational State Shutdown (licensing problem)",
    remediation: "Config Enabled with Operational Shutdown is a licensing problem: activate the Enterprise license (`show license`) so that the MAPI accelerator can run.",
    source: "000 MAPI AO: show accelerator mapi (Enabled + Shutdown = licensing)",
};

/// 000, "MAPI accelerator": the MAPI AO must be enabled, running and registered with the
/// policy engine. Reported when it is enabled but in another non-running state, running but
/// not registered, or licensed (`Licensed: Yes`) yet disabled in configuration.
pub const MAPI_NOT_RUNNING: RuleInfo = RuleInfo {
    code: "MAPI_NOT_RUNNING",
    severity: Severity::Warning,
    summary: "MAPI AO not enabled / running / registered although licensed (other than the licence shutdown)",
    remediation: "Enable the MAPI accelerator (`accelerator mapi enable`) with the EPM accelerator and check that `show accelerator mapi` reports it Running and Registered with its connection limit.",
    source: "000 MAPI AO: show accelerator mapi (enabled, running, registered, connection limit)",
};

/// 000, "MAPI accelerator": the MAPI AO needs the EPM application accelerator enabled
/// (`show accelerator` row `epm`).
pub const MAPI_EPM_NOT_RUNNING: RuleInfo = RuleInfo {
    code: "MAPI_EPM_NOT_RUNNING",
    severity: Severity::Warning,
    summary: "MAPI AO enabled but the EPM AO it depends on is not enabled and running",
    remediation: "Enable the EPM accelerator (the MAPI AO depends on it to find Exchange connections) and check the MS-EndPortMapper classifier and policy in the running configuration.",
    source: "000 MAPI AO: EPM accelerator required; show statistics accelerator epm",
};

/// 000, "MAPI accelerator" and "encrypted MAPI acceleration": secured (encrypted) connections
/// are not accelerated by the MAPI AO but handed to the generic AO; `TGDL` flows in
/// `show statistics connection optimized mapi` are such connections.
pub const MAPI_ENCRYPTED_HANDOFF: RuleInfo = RuleInfo {
    code: "MAPI_ENCRYPTED_HANDOFF",
    severity: Severity::Warning,
    summary: "Encrypted MAPI connections handed off to the generic AO (Secured Connections > threshold, or TGDL flows)",
    remediation: "Meet the eMAPI prerequisites (WAAS 5.0.3+, `accelerator mapi verify encryption-settings` all OK) or disable Outlook-Exchange encryption; syslog %WAAS-MAPIAO-3-132104 names the clients.",
    source: "000 MAPI AO: show statistics accelerator mapi (Secured Connections), TGDL flows; eMAPI",
};

/// 000, "MAPI accelerator": when the WAE is overloaded, new connection groups escape the MAPI
/// AO (duplicate messages, Outlook hangs); active connections near the maximum show it coming.
pub const MAPI_NEAR_MAX_CONNECTIONS: RuleInfo = RuleInfo {
    code: "MAPI_NEAR_MAX_CONNECTIONS",
    severity: Severity::Warning,
    summary: "MAPI Current Active Connections at or above the threshold % of Maximum Active Connections",
    remediation: "The WAE is close to MAPI overload, where new connection groups escape the MAPI AO: reduce the load or size the WAE and its reserved MAPI connections (see 'Troubleshooting Overload Conditions').",
    source: "000 MAPI AO: overload and reserved MAPI connections (connection groups escaping the AO)",
};

/// 000, "MAPI accelerator": an unrecoverable parse error drops all of a client's connections
/// (which then reconnect to the generic AO); domain.md: growing dropped connections.
pub const MAPI_DROPPED: RuleInfo = RuleInfo {
    code: "MAPI_DROPPED",
    severity: Severity::Warning,
    summary: "MAPI Total Dropped Connections above the threshold count and share of handled connections",
    remediation: "Dropped MAPI connections follow unrecoverable parse errors: find the clients and errors in /local1/errorlog/mapiao-errorlog.current (and the transaction log) on this WAE.",
    source: "000 MAPI AO: connections not handled (unrecoverable parse error); MAPI AO logging",
};

/// domain.md health signal "handled ≫ optimized" (000: encrypted, unsupported-client,
/// parse-error and overload connections are handled but not optimized by the MAPI AO).
pub const MAPI_HANDOFF_RATIO: RuleInfo = RuleInfo {
    code: "MAPI_HANDOFF_RATIO",
    severity: Severity::Warning,
    summary: "MAPI Total Optimized Connections below the threshold % of Total Handled Connections",
    remediation: "Find why handled MAPI connections are not optimized: Secured Connections (encryption), unsupported Outlook versions, dropped connections or overload, and the TGDL flows in `show statistics connection optimized mapi`.",
    source: "000 MAPI AO: connections the MAPI AO does not handle (encrypted, unsupported client, parse error, overload)",
};

/// 000, "MAPI accelerator": the MAPI AO supports Outlook 2000 to 2007 clients; others are
/// passed to the generic AO (`Lower than 2000` / `Higher than 2007 Sessions`).
pub const MAPI_UNSUPPORTED_CLIENTS: RuleInfo = RuleInfo {
    code: "MAPI_UNSUPPORTED_CLIENTS",
    severity: Severity::Warning,
    summary: "MAPI sessions from unsupported Outlook versions (lower than 2000 / higher than 2007) above threshold",
    remediation: "Sessions from Outlook versions outside 2000-2007 get transport optimization only: move those clients to a supported Outlook version or the WAAS release that supports them.",
    source: "000 MAPI AO: supported clients Outlook 2000-2007, unsupported passed to the generic AO",
};

/// 000, "Troubleshooting methodology, step 2": `accelerator mapi verify encryption-settings`
/// marks each component `Status: FAILED` with `>>` lines naming what is missing.
pub const EMAPI_VERIFY_FAILED: RuleInfo = RuleInfo {
    code: "EMAPI_VERIFY_FAILED",
    severity: Severity::Warning,
    summary: "eMAPI verification component FAILED (one finding per component, `>>` reasons as evidence)",
    remediation: "Do what the component's `>>` lines ask (enable the SSL accelerator, WAN-secure, MAPI wan-secure mode auto/always, NTP, the encryption service and an active Windows-domain identity), then re-run `accelerator mapi verify encryption-settings`.",
    source: "000 Encrypted MAPI: step 2, accelerator mapi verify encryption-settings",
};

/// 000, "Encrypted MAPI, feature information" (requirement 1) and step 3: the CMS secure store
/// must be initialized and open on every core WAE (`show cms secure store`).
pub const CMS_STORE_CLOSED: RuleInfo = RuleInfo {
    code: "CMS_STORE_CLOSED",
    severity: Severity::Warning,
    summary: "CMS secure store not initialized or not open (eMAPI prerequisite)",
    remediation: "Initialize and open the CMS secure store on every core WAE (`cms secure-store init` / `cms secure-store open`), as encrypted MAPI acceleration requires.",
    source: "000 Encrypted MAPI: requirement 1 / step 3, show cms secure store",
};

// ---- show license ----------------------------------------------------------------------------

pub(super) fn enterprise_license(r: &License, emit: &mut dyn FnMut(Finding)) {
    let seen = match r.get("Enterprise") {
        Some(e) if e.status == LicenseStatus::Active => return,
        Some(e) => format!("Enterprise: {}", e.status),
        None => {
            let listed: Vec<String> = r
                .licenses
                .iter()
                .map(|l| format!("{} {}", l.name, l.status))
                .collect();
            if listed.is_empty() {
                "no license listed".to_string()
            } else {
                format!("Enterprise not listed ({})", listed.join(", "))
            }
        }
    };
    emit(LICENSE_ENTERPRISE_MISSING.finding(
        "Enterprise",
        "The Enterprise license is not active: the MAPI accelerator cannot run".to_string(),
        format!("{seen} (expected: Enterprise active)"),
    ));
}

// ---- show accelerator / show accelerator mapi -------------------------------------------------

fn licensed_text(l: Option<bool>) -> &'static str {
    match l {
        Some(true) => ", Licensed Yes",
        Some(false) => ", Licensed No",
        None => "",
    }
}

/// The AO state rules shared by `show accelerator` (mapi row) and `show accelerator mapi`.
fn mapi_state(
    config: &ConfigState,
    oper: &OperState,
    licensed: Option<bool>,
    registration: Option<&RegistrationState>,
    emit: &mut dyn FnMut(Finding),
) {
    let seen = format!(
        "mapi: Config State {config}, Operational State {oper}{}",
        licensed_text(licensed)
    );
    match (config, oper) {
        (ConfigState::Enabled, OperState::Shutdown) => emit(MAPI_LICENSE_SHUTDOWN.finding(
            "mapi",
            "The MAPI accelerator is enabled but shut down: licensing problem".to_string(),
            format!("{seen} (expected: Enabled, Running)"),
        )),
        (ConfigState::Enabled, OperState::Running) => {
            if let Some(reg) = registration.filter(|r| **r != RegistrationState::Registered) {
                emit(MAPI_NOT_RUNNING.finding(
                    "mapi",
                    "The MAPI accelerator runs but is not registered with the policy engine"
                        .to_string(),
                    format!("{seen}, policy engine State {reg} (expected: Registered)"),
                ));
            }
        }
        (ConfigState::Enabled, other) => emit(MAPI_NOT_RUNNING.finding(
            "mapi",
            format!("The MAPI accelerator is enabled but {other}, not Running"),
            format!("{seen} (expected: Enabled, Running)"),
        )),
        (ConfigState::Disabled, _) if licensed == Some(true) => emit(MAPI_NOT_RUNNING.finding(
            "mapi",
            "The MAPI accelerator is licensed but disabled: Outlook traffic gets transport optimization only"
                .to_string(),
            format!("{seen} (expected: Enabled, Running)"),
        )),
        _ => {}
    }
}

pub(super) fn mapi_accelerator(r: &MapiAccelerator, emit: &mut dyn FnMut(Finding)) {
    mapi_state(
        &r.config_state,
        &r.oper_state,
        r.licensed,
        r.registration.as_ref(),
        emit,
    );
}

fn running(a: &AoRow) -> bool {
    a.config_state == ConfigState::Enabled && a.oper_state == OperState::Running
}

pub(super) fn accelerators(r: &Accelerators, emit: &mut dyn FnMut(Finding)) {
    let Some(mapi) = r.get("mapi") else {
        return;
    };
    mapi_state(
        &mapi.config_state,
        &mapi.oper_state,
        mapi.licensed,
        None,
        emit,
    );
    if mapi.config_state != ConfigState::Enabled {
        return;
    }
    if let Some(epm) = r.get("epm").filter(|e| !running(e)) {
        emit(
            MAPI_EPM_NOT_RUNNING.finding(
                "epm",
                "The MAPI accelerator is enabled but the EPM accelerator it needs is not running"
                    .to_string(),
                format!(
                    "epm: Config State {}, Operational State {}{} (expected: Enabled, Running)",
                    epm.config_state,
                    epm.oper_state,
                    licensed_text(epm.licensed)
                ),
            ),
        );
    }
}

// ---- show statistics accelerator mapi -------------------------------------------------------

/// `Secured Connections` above `mapi_secured_max`.
fn secured(r: &MapiStats, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    let Some(n) = r.secured_connections.filter(|n| *n > t.mapi_secured_max) else {
        return;
    };
    emit(MAPI_ENCRYPTED_HANDOFF.finding(
        "mapi Secured Connections",
        format!("{n} encrypted MAPI connections were not accelerated (handed to the generic AO)"),
        format!(
            "Secured Connections {n} (threshold: > {})",
            t.mapi_secured_max
        ),
    ));
}

/// `Current Active Connections` at or above `mapi_active_pct` % of `Maximum Active Connections`.
fn near_max(r: &MapiStats, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    let (Some(active), Some(max)) = (r.global.current_active, r.global.max_active) else {
        return;
    };
    let Some(load) = pct(active, max) else {
        return;
    };
    if load >= t.mapi_active_pct {
        emit(MAPI_NEAR_MAX_CONNECTIONS.finding(
            "mapi",
            format!("MAPI active connections near the maximum: {active} of {max}"),
            format!(
                "Current Active Connections {active} of Maximum Active Connections {max} ({}; threshold: >= {}%)",
                fmt_pct(load),
                fmt_num(t.mapi_active_pct)
            ),
        ));
    }
}

/// `Total Dropped Connections` above `mapi_dropped_max` and at least `mapi_dropped_pct` % of
/// the handled connections.
fn dropped(r: &MapiStats, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    let Some(d) = r.global.total_dropped.filter(|d| *d > t.mapi_dropped_max) else {
        return;
    };
    let handled = r.global.total_handled.unwrap_or(0);
    let Some(share) = pct(d, handled.max(d)) else {
        return;
    };
    if share >= t.mapi_dropped_pct {
        emit(MAPI_DROPPED.finding(
            "mapi",
            format!("The MAPI AO dropped {d} connections"),
            format!(
                "Total Dropped Connections {d} of Total Handled Connections {handled} ({}; thresholds: > {} and >= {}%)",
                fmt_pct(share),
                t.mapi_dropped_max,
                fmt_num(t.mapi_dropped_pct)
            ),
        ));
    }
}

/// `Total Optimized Connections` below `mapi_optimized_pct` % of `Total Handled Connections`.
fn handoff_ratio(r: &MapiStats, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    let (Some(handled), Some(optimized)) = (r.global.total_handled, r.global.total_optimized)
    else {
        return;
    };
    let Some(share) = pct(optimized.min(handled), handled) else {
        return;
    };
    if share < t.mapi_optimized_pct {
        let handed = r
            .global
            .total_handed_off
            .map(|h| format!(", handed off {h}"))
            .unwrap_or_default();
        emit(MAPI_HANDOFF_RATIO.finding(
            "mapi",
            format!("Only {optimized} of {handled} handled MAPI connections were optimized"),
            format!(
                "Total Optimized Connections {optimized} of Total Handled Connections {handled} ({}{handed}; threshold: below {}%)",
                fmt_pct(share),
                fmt_num(t.mapi_optimized_pct)
            ),
        ));
    }
}

/// `Lower than 2000` + `Higher than 2007` sessions above `mapi_unsupported_max`.
fn unsupported(r: &MapiStats, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    // Summed here, saturating (`MapiStats::unsupported_clients` adds without saturating).
    let (low, high) = (r.lower_than_2000_sessions, r.higher_than_2007_sessions);
    if low.is_none() && high.is_none() {
        return;
    }
    let n = low.unwrap_or(0).saturating_add(high.unwrap_or(0));
    if n <= t.mapi_unsupported_max {
        return;
    }
    emit(MAPI_UNSUPPORTED_CLIENTS.finding(
        "mapi",
        format!("{n} MAPI sessions come from Outlook versions the MAPI AO does not accelerate"),
        format!(
            "Lower than 2000 Sessions {}, Higher than 2007 Sessions {} (threshold: sum > {})",
            r.lower_than_2000_sessions.unwrap_or(0),
            r.higher_than_2007_sessions.unwrap_or(0),
            t.mapi_unsupported_max
        ),
    ));
}

pub(super) fn mapi_stats(r: &MapiStats, t: &Thresholds, emit: &mut dyn FnMut(Finding)) {
    secured(r, t, emit);
    near_max(r, t, emit);
    dropped(r, t, emit);
    handoff_ratio(r, t, emit);
    unsupported(r, t, emit);
}

// ---- show statistics connection optimized mapi ----------------------------------------------

/// Exchange connections pushed down to the generic AO (`G` without `M` in *Accel*, e.g.
/// `TGDL`), more than `mapi_secured_max` of them.
pub(super) fn generic_flows(
    r: &OptimizedConnections,
    t: &Thresholds,
    emit: &mut dyn FnMut(Finding),
) {
    let generic: Vec<_> = r
        .connections
        .iter()
        .filter(|c| c.is_generic() && !c.is_mapi())
        .collect();
    let n = generic.len() as u64;
    if n <= t.mapi_secured_max {
        return;
    }
    const SHOWN: usize = 3;
    let mut examples: Vec<String> = generic
        .iter()
        .take(SHOWN)
        .map(|c| {
            format!(
                "{} {}:{} -> {}:{} {}",
                c.conn_id, c.src_ip, c.src_port, c.dst_ip, c.dst_port, c.accel
            )
        })
        .collect();
    if generic.len() > SHOWN {
        examples.push(format!("and {} more", generic.len() - SHOWN));
    }
    emit(MAPI_ENCRYPTED_HANDOFF.finding(
        "mapi generic AO flows",
        format!("{n} MAPI connections were pushed down to the generic AO (often encrypted MAPI)"),
        format!(
            "{n} of {} connections with Accel G and no M: {} (threshold: > {})",
            r.connections.len(),
            examples.join("; "),
            t.mapi_secured_max
        ),
    ));
}

// ---- accelerator mapi verify encryption-settings --------------------------------------------

fn role_text(g: &VerifyGroup) -> &str {
    match &g.role {
        Some(VerifyRole::Edge) => "EDGE",
        Some(VerifyRole::Core) => "CORE",
        Some(VerifyRole::Other(s)) => s.as_str(),
        None => "?",
    }
}

pub(super) fn emapi_verify(r: &MapiEncryptionVerify, emit: &mut dyn FnMut(Finding)) {
    for g in &r.groups {
        let role = role_text(g);
        let core_note = if g.role == Some(VerifyRole::Core) {
            " (core checks matter on core WAEs only)"
        } else {
            ""
        };
        for c in g
            .components
            .iter()
            .filter(|c| c.status == Some(VerifyStatus::Failed))
        {
            let why = if c.reasons.is_empty() {
                "no `>>` reason printed".to_string()
            } else {
                c.reasons
                    .iter()
                    .map(|r| format!(">>{r}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            emit(EMAPI_VERIFY_FAILED.finding(
                format!("[{role}] {}", c.name),
                format!("eMAPI check [{role}] {} FAILED{core_note}", c.name),
                format!("[{role}] Verifying {}: Status FAILED: {why}", c.name),
            ));
        }
        if g.failed() == 0 && g.summary_ok() == Some(false) {
            emit(EMAPI_VERIFY_FAILED.finding(
                format!("[{role}] summary"),
                format!("eMAPI verification [{role}] says the device is not properly configured{core_note}"),
                format!(
                    "Summary [{role}]: {} (no component marked FAILED)",
                    g.summary.as_deref().unwrap_or("")
                ),
            ));
        }
    }
}

// ---- show cms secure store ------------------------------------------------------------------

pub(super) fn cms_store(r: &CmsSecureStore, emit: &mut dyn FnMut(Finding)) {
    let what = match (r.initialized, r.open) {
        (Some(false), _) => "not initialized",
        (_, Some(false)) => "not open",
        _ => return,
    };
    emit(CMS_STORE_CLOSED.finding(
        "cms secure store",
        format!("The CMS secure store is {what}: encrypted MAPI cannot be accelerated"),
        format!(
            "show cms secure store: \"{}\" (expected: initialized and open)",
            r.status
        ),
    ));
}

// ---- the families judged here ----------------------------------------------------------------

impl Judge for License {
    const RULES: &'static [RuleInfo] = &[LICENSE_ENTERPRISE_MISSING];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        enterprise_license(self, emit)
    }
}

impl Judge for Accelerators {
    const RULES: &'static [RuleInfo] = &[
        MAPI_LICENSE_SHUTDOWN,
        MAPI_NOT_RUNNING,
        MAPI_EPM_NOT_RUNNING,
    ];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        accelerators(self, emit)
    }
}

impl Judge for MapiAccelerator {
    const RULES: &'static [RuleInfo] = &[MAPI_LICENSE_SHUTDOWN, MAPI_NOT_RUNNING];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        mapi_accelerator(self, emit)
    }
}

impl Judge for MapiStats {
    const RULES: &'static [RuleInfo] = &[
        MAPI_ENCRYPTED_HANDOFF,
        MAPI_NEAR_MAX_CONNECTIONS,
        MAPI_DROPPED,
        MAPI_HANDOFF_RATIO,
        MAPI_UNSUPPORTED_CLIENTS,
    ];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        mapi_stats(self, cx.thresholds, emit)
    }
}

impl Judge for OptimizedConnections {
    const RULES: &'static [RuleInfo] = &[MAPI_ENCRYPTED_HANDOFF];
    fn judge(&self, cx: &Context, emit: &mut dyn FnMut(Finding)) {
        generic_flows(self, cx.thresholds, emit)
    }
}

impl Judge for MapiEncryptionVerify {
    const RULES: &'static [RuleInfo] = &[EMAPI_VERIFY_FAILED];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        emapi_verify(self, emit)
    }
}

impl Judge for CmsSecureStore {
    const RULES: &'static [RuleInfo] = &[CMS_STORE_CLOSED];
    fn judge(&self, _: &Context, emit: &mut dyn FnMut(Finding)) {
        cms_store(self, emit)
    }
}

impl Judge for EpmStats {
    const RULES: &'static [RuleInfo] = &[];
    /// Nothing documented to judge: the EPM counters only "should grow", which needs two
    /// polls (the history of a later issue), not one.
    fn judge(&self, _: &Context, _: &mut dyn FnMut(Finding)) {}
}
