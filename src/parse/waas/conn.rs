//! `show statistics connection optimized mapi`: flow counters, then one row per optimized
//! connection with its *Accel* letters.
//!
//! Layout, reconstructed from the seed's sample (counters one per line, the two legend lines,
//! then the table; the seed's `< Added in 4.1.5` and `<look for "M"` are the guide's
//! annotations, not device output):
//!
//! ```text
//! Current Active Optimized Flows:                      2
//!    Current Active Optimized TCP Plus Flows:          1
//!    Current Active Optimized TCP Only Flows:          1
//!    Current Active Optimized TCP Preposition Flows:   0
//! Current Active Auto-Discovery Flows:                 0
//! Current Reserved Flows:                              12
//! Current Active Pass-Through Flows:                   0
//! Historical Flows:                                    161
//!
//! D:DRE,L:LZ,T:TCP Optimization RR:Total Reduction Ratio
//! A:AOIM,C:CIFS,E:EPM,G:GENERIC,H:HTTP,M:MAPI,N:NFS,S:SSL,V:VIDEO
//!
//! ConnID        Source IP:Port          Dest IP:Port            PeerID Accel RR
//!    342     10.56.94.101:4506    10.10.100.100:1456   0:1a:64:d3:2f:b8  TMDL 61.0%
//! ```

use super::common::{
    device_enum, device_lines, is_rule, leading_u64, maybe_cut_line, split_kv, Line,
};
use crate::parse::ParseError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

device_enum! {
    /// One *Accel* letter, named as the output's legend names it.
    AccelFeature {
        /// `T`
        Tcp => "TCP Optimization",
        /// `M`
        Mapi => "MAPI",
        /// `G`: the generic AO (transport optimization only).
        Generic => "GENERIC",
        /// `D`
        Dre => "DRE",
        /// `L`
        Lz => "LZ",
        /// `E`
        Epm => "EPM",
        /// `C`
        Cifs => "CIFS",
        /// `H`
        Http => "HTTP",
        /// `N`
        Nfs => "NFS",
        /// `S`
        Ssl => "SSL",
        /// `V`
        Video => "VIDEO",
        /// `A`
        Aoim => "AOIM",
    }
}

impl AccelFeature {
    /// Decode one *Accel* letter; an unknown letter is kept as `Other`.
    pub fn from_letter(c: char) -> AccelFeature {
        match c.to_ascii_uppercase() {
            'T' => AccelFeature::Tcp,
            'M' => AccelFeature::Mapi,
            'G' => AccelFeature::Generic,
            'D' => AccelFeature::Dre,
            'L' => AccelFeature::Lz,
            'E' => AccelFeature::Epm,
            'C' => AccelFeature::Cifs,
            'H' => AccelFeature::Http,
            'N' => AccelFeature::Nfs,
            'S' => AccelFeature::Ssl,
            'V' => AccelFeature::Video,
            'A' => AccelFeature::Aoim,
            other => AccelFeature::Other(other.to_string()),
        }
    }
}

/// One row of the connection table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizedConnection {
    pub conn_id: u64,
    pub src_ip: String,
    pub src_port: u16,
    pub dst_ip: String,
    pub dst_port: u16,
    pub peer_id: String,
    /// The *Accel* letters as printed (`TMDL`, `TGDL`).
    pub accel: String,
    /// The letters decoded.
    pub features: BTreeSet<AccelFeature>,
    /// Total reduction ratio as printed (`61.0%`), when present.
    pub rr: Option<String>,
}

impl OptimizedConnection {
    /// Accelerated by the MAPI AO (`M`).
    pub fn is_mapi(&self) -> bool {
        self.features.contains(&AccelFeature::Mapi)
    }
    /// Pushed down to the generic AO (`G`).
    pub fn is_generic(&self) -> bool {
        self.features.contains(&AccelFeature::Generic)
    }
}

/// `show statistics connection optimized mapi`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OptimizedConnections {
    pub active_optimized: Option<u64>,
    pub active_tcp_plus: Option<u64>,
    pub active_tcp_only: Option<u64>,
    pub active_tcp_preposition: Option<u64>,
    pub active_auto_discovery: Option<u64>,
    /// MAPI connection resources set aside (4.1.5+).
    pub reserved: Option<u64>,
    pub active_pass_through: Option<u64>,
    pub historical: Option<u64>,
    /// Numeric counters this parser does not name, by printed name.
    #[serde(default)]
    pub other: BTreeMap<String, u64>,
    pub connections: Vec<OptimizedConnection>,
}

impl OptimizedConnections {
    pub fn mapi_count(&self) -> usize {
        self.connections.iter().filter(|c| c.is_mapi()).count()
    }
    pub fn generic_count(&self) -> usize {
        self.connections.iter().filter(|c| c.is_generic()).count()
    }
}

fn endpoint(s: &str) -> Option<(String, u16)> {
    let (ip, port) = s.rsplit_once(':')?;
    if ip.is_empty() {
        return None;
    }
    Some((ip.to_string(), port.parse().ok()?))
}

fn row(l: &Line) -> Result<OptimizedConnection, ParseError> {
    let bad = |what: &str| {
        ParseError::new(
            l.no,
            format!("{what} in connection row `{}`", l.text.trim()),
        )
    };
    let w: Vec<&str> = l.text.split_whitespace().collect();
    if w.len() < 5 {
        return Err(bad("too few columns"));
    }
    let conn_id = w[0]
        .parse::<u64>()
        .map_err(|_| bad("ConnID is not a number"))?;
    let (src_ip, src_port) = endpoint(w[1]).ok_or_else(|| bad("bad Source IP:Port"))?;
    let (dst_ip, dst_port) = endpoint(w[2]).ok_or_else(|| bad("bad Dest IP:Port"))?;
    let accel = w[4].to_string();
    if !accel.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(bad("bad Accel letters"));
    }
    let rr = w.get(5).filter(|s| s.ends_with('%')).map(|s| s.to_string());
    Ok(OptimizedConnection {
        conn_id,
        src_ip,
        src_port,
        dst_ip,
        dst_port,
        peer_id: w[3].to_string(),
        features: accel.chars().map(AccelFeature::from_letter).collect(),
        accel,
        rr,
    })
}

/// `show statistics connection optimized mapi`
pub fn parse_optimized_connections(text: &str) -> Result<OptimizedConnections, ParseError> {
    let lines = device_lines(text)?;
    let cut = maybe_cut_line(text, &lines);
    let mut out = OptimizedConnections::default();
    let mut known = 0usize;
    let mut in_table = false;
    for l in &lines {
        if is_rule(&l.text) {
            continue;
        }
        let n = l.norm();
        if n.starts_with("connid") {
            in_table = true;
            known += 1;
            continue;
        }
        if in_table {
            match row(l) {
                Ok(r) => out.connections.push(r),
                // A cut-off last row (no prompt after it) is truncation, not a format error.
                Err(_) if Some(l.no) == cut => {}
                Err(e) => return Err(e),
            }
            continue;
        }
        let Some((key, value)) = split_kv(&l.text) else {
            continue;
        };
        // Legend lines (`D:DRE,L:LZ,...`) split into a one-letter key.
        if key.len() == 1 {
            continue;
        }
        let slot = match key.as_str() {
            "current active optimized flows" => &mut out.active_optimized,
            "current active optimized tcp plus flows" => &mut out.active_tcp_plus,
            "current active optimized tcp only flows" => &mut out.active_tcp_only,
            "current active optimized tcp preposition flows" => &mut out.active_tcp_preposition,
            "current active auto-discovery flows" => &mut out.active_auto_discovery,
            "current reserved flows" => &mut out.reserved,
            "current active pass-through flows" => &mut out.active_pass_through,
            "historical flows" => &mut out.historical,
            _ => {
                if let Some(v) = leading_u64(value) {
                    let name = l.text.split_once(':').map(|(k, _)| k).unwrap_or("");
                    out.other
                        .insert(name.split_whitespace().collect::<Vec<_>>().join(" "), v);
                }
                continue;
            }
        };
        *slot = Some(leading_u64(value).ok_or_else(|| {
            ParseError::new(
                l.no,
                format!("flow counter is not a number: `{}`", l.text.trim()),
            )
        })?);
        known += 1;
    }
    if known == 0 {
        return Err(ParseError::new(
            lines.first().map(|l| l.no).unwrap_or(0),
            format!(
                "expected optimized-flow counters or the ConnID table, found `{}`",
                lines.first().map(|l| l.text.trim()).unwrap_or("")
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_rows() {
        let t = "Current Active Optimized Flows:   2\n   Current Active Optimized TCP Plus Flows:  1\nCurrent Reserved Flows:  12  < Added in 4.1.5\nD:DRE,L:LZ,T:TCP Optimization RR:Total Reduction Ratio\nA:AOIM,C:CIFS,E:EPM,G:GENERIC,H:HTTP,M:MAPI,N:NFS,S:SSL,V:VIDEO\nConnID  Source IP:Port  Dest IP:Port  PeerID  Accel  RR\n  342  10.56.94.101:4506  10.10.100.100:1456  0:1a:64:d3:2f:b8  TMDL  61.0%\n  343  10.56.94.102:4507  10.10.100.100:1456  0:1a:64:d3:2f:b8  TGDL  00.0%\n  344  10.56.9";
        let c = parse_optimized_connections(t).unwrap();
        assert_eq!(c.active_optimized, Some(2));
        assert_eq!(c.active_tcp_plus, Some(1));
        assert_eq!(c.reserved, Some(12));
        assert_eq!(c.connections.len(), 2);
        assert_eq!(c.connections[0].src_port, 4506);
        assert!(c.connections[0].is_mapi());
        assert!(c.connections[1].is_generic());
        assert_eq!(c.mapi_count(), 1);
        assert_eq!(c.generic_count(), 1);
        assert_eq!(c.connections[0].rr.as_deref(), Some("61.0%"));
        let f: Vec<String> = c.connections[0]
            .features
            .iter()
            .map(|f| f.to_string())
            .collect();
        assert_eq!(f, vec!["TCP Optimization", "MAPI", "DRE", "LZ"]);
    }

    #[test]
    fn bad_middle_row_is_an_error() {
        let t = "ConnID Source IP:Port Dest IP:Port PeerID Accel RR\nx y\n1 1.1.1.1:1 2.2.2.2:2 p TDL 1.0%\n";
        assert_eq!(parse_optimized_connections(t).unwrap_err().line, 2);
        assert!(parse_optimized_connections("nothing\n").is_err());
    }
}
