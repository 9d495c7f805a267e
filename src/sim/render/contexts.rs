//! ASA multiple-context outputs the device model prints itself (they depend on where the
//! session is, not on a scenario): `show context` in the ASA 9.x column layout, every context
//! from the system execution space and only the current one inside a context, and `show mode`.

use super::super::spec::SimContext;
use std::fmt::Write as _;

/// The interfaces allocated to the `i`-th context: the admin context the management port,
/// the others two subinterfaces each.
fn interfaces(i: usize) -> Vec<String> {
    if i == 0 {
        vec!["Management0/0".to_string()]
    } else {
        let vlan = 100 * i;
        vec![
            format!("GigabitEthernet0/1.{vlan}"),
            format!("GigabitEthernet0/1.{}", vlan + 1),
        ]
    }
}

/// `show context`: every context (`only: None`, the system execution space) or the one at
/// `only` (inside it). The first context is the admin context (`*`).
pub fn show_context(contexts: &[SimContext], only: Option<usize>) -> String {
    let mut s = String::from(
        "Context Name      Class                Interfaces           Mode         URL\n",
    );
    for (i, c) in contexts.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let mark = if i == 0 { '*' } else { ' ' };
        let ifs = interfaces(i);
        let first = ifs.first().map(String::as_str).unwrap_or("");
        // A cell wider than its column pushes the rest right by one space, as the ASA does.
        let _ = writeln!(
            s,
            "{:<18}{:<21}{:<20} {:<12} disk0:/{}.cfg",
            format!("{mark}{}", c.name),
            "default",
            first,
            "Routed",
            c.name
        );
        for more in ifs.iter().skip(1) {
            let _ = writeln!(s, "{:39}{more}", "");
        }
    }
    if only.is_none() {
        let _ = writeln!(s, "Total active Security Contexts: {}", contexts.len());
    }
    s
}

/// `show mode`.
pub fn show_mode(multiple: bool) -> String {
    format!(
        "Security context mode: {}\n",
        if multiple { "multiple" } else { "single" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::asa_context::{parse_show_context, FirewallMode};

    #[test]
    fn show_context_parses_to_the_simulated_contexts() {
        let cx = crate::sim::spec::default_contexts();
        let all = parse_show_context(&show_context(&cx, None)).unwrap();
        let names: Vec<&str> = all.contexts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["admin", "ctx-a", "ctx-b"]);
        assert_eq!(all.admin(), Some("admin"));
        assert_eq!(all.total_active, Some(3));
        assert_eq!(
            all.contexts[2].interfaces,
            ["GigabitEthernet0/1.200", "GigabitEthernet0/1.201"]
        );
        assert_eq!(all.contexts[2].mode, FirewallMode::Routed);
        assert_eq!(all.contexts[2].url.as_deref(), Some("disk0:/ctx-b.cfg"));
        let one = parse_show_context(&show_context(&cx, Some(1))).unwrap();
        assert_eq!(one.contexts.len(), 1);
        assert_eq!(one.contexts[0].name, "ctx-a");
        assert!(!one.contexts[0].admin);
        assert_eq!(one.total_active, None);
        assert_eq!(show_mode(true), "Security context mode: multiple\n");
    }
}
