//! The site × platform matrix of the sweep page: per cell the worst health (as a word and a
//! colour) and the device counts by health; choosing a cell filters the device table.

use super::escape::html;
use super::{health_label, health_rank, Sweep, HEALTH_ORDER};
use crate::health::Health;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The site a device without one is listed under.
pub const NO_SITE: &str = "(no site)";

/// Device counts by health, in [`HEALTH_ORDER`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    pub counts: [usize; 4],
}

impl Cell {
    fn add(&mut self, h: Health) {
        if let Some(i) = HEALTH_ORDER.iter().position(|x| *x == h) {
            self.counts[i] += 1;
        }
    }

    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    pub fn count(&self, h: Health) -> usize {
        HEALTH_ORDER
            .iter()
            .position(|x| *x == h)
            .map_or(0, |i| self.counts[i])
    }

    /// The worst health of the cell's devices, `None` when it has none.
    pub fn worst(&self) -> Option<Health> {
        HEALTH_ORDER
            .iter()
            .zip(self.counts)
            .filter(|(_, n)| *n > 0)
            .map(|(h, _)| *h)
            .max_by_key(|h| health_rank(*h))
    }
}

/// The matrix: sites (sorted, devices without one last) × platforms present (in id order).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// `None`: the devices without a site.
    pub sites: Vec<Option<String>>,
    pub platforms: Vec<crate::Platform>,
    /// `cells[site][platform]`.
    pub cells: Vec<Vec<Cell>>,
}

impl Matrix {
    pub fn of(sweep: &Sweep) -> Matrix {
        let mut by: BTreeMap<(bool, String), BTreeMap<crate::Platform, Cell>> = BTreeMap::new();
        let mut platforms: Vec<crate::Platform> = Vec::new();
        for d in &sweep.devices {
            // (false, name) sorts the named sites first, (true, "") the site-less last.
            let key = match &d.site {
                Some(s) => (false, s.clone()),
                None => (true, String::new()),
            };
            by.entry(key)
                .or_default()
                .entry(d.platform)
                .or_default()
                .add(d.health);
            if !platforms.contains(&d.platform) {
                platforms.push(d.platform);
            }
        }
        platforms.sort();
        let cells = by
            .values()
            .map(|row| {
                platforms
                    .iter()
                    .map(|p| row.get(p).copied().unwrap_or_default())
                    .collect()
            })
            .collect();
        Matrix {
            sites: by
                .into_keys()
                .map(|(none, s)| (!none).then_some(s))
                .collect(),
            platforms,
            cells,
        }
    }

    fn row_total(&self, i: usize) -> Cell {
        let mut t = Cell::default();
        for c in &self.cells[i] {
            for (k, n) in c.counts.iter().enumerate() {
                t.counts[k] += n;
            }
        }
        t
    }

    fn column_total(&self, j: usize) -> Cell {
        let mut t = Cell::default();
        for row in &self.cells {
            for (k, n) in row[j].counts.iter().enumerate() {
                t.counts[k] += n;
            }
        }
        t
    }
}

/// A cell's text: the worst health as a word, the total, then the count of each health
/// present other than ok.
fn cell(s: &mut String, c: &Cell, site: Option<&str>, platform: Option<&str>) {
    let Some(worst) = c.worst() else {
        s.push_str("<td class=\"empty\">—</td>");
        return;
    };
    let _ = write!(
        s,
        "<td class=\"h-{}\"><button type=\"button\" class=\"cell\"",
        worst.id()
    );
    if let Some(site) = site {
        let _ = write!(s, " data-site=\"{}\"", html(site));
    }
    if let Some(p) = platform {
        let _ = write!(s, " data-platform=\"{p}\"");
    }
    let _ = write!(
        s,
        "><span class=\"w\">{}</span> <span class=\"t\">{} device{}</span>",
        health_label(worst),
        c.total(),
        if c.total() == 1 { "" } else { "s" }
    );
    let parts: Vec<String> = HEALTH_ORDER
        .iter()
        .filter(|h| **h != Health::Ok)
        .filter(|h| c.count(**h) > 0)
        .map(|h| format!("{} {}", c.count(*h), health_label(*h)))
        .collect();
    if !parts.is_empty() {
        let _ = write!(s, " <span class=\"d\">{}</span>", parts.join(", "));
    }
    s.push_str("</button></td>");
}

pub fn render(s: &mut String, sweep: &Sweep) {
    let m = Matrix::of(sweep);
    s.push_str("<section id=\"matrix\" aria-labelledby=\"matrix-h\">\n<h2 id=\"matrix-h\">Sites × platforms</h2>\n");
    s.push_str("<div class=\"scroll\"><table class=\"matrix\"><caption>Worst health and device counts of each site and platform; choose a cell to list its devices below</caption>\n<thead><tr><th scope=\"col\">Site</th>");
    for p in &m.platforms {
        let _ = write!(s, "<th scope=\"col\">{}</th>", p.id());
    }
    s.push_str("<th scope=\"col\">All platforms</th></tr></thead>\n<tbody>\n");
    for (i, site) in m.sites.iter().enumerate() {
        // The filter value of the devices without a site is the empty string.
        let value = site.as_deref().unwrap_or("");
        let _ = write!(
            s,
            "<tr><th scope=\"row\">{}</th>",
            html(site.as_deref().unwrap_or(NO_SITE))
        );
        for (j, p) in m.platforms.iter().enumerate() {
            cell(s, &m.cells[i][j], Some(value), Some(p.id()));
        }
        cell(s, &m.row_total(i), Some(value), None);
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n<tfoot><tr><th scope=\"row\">All sites</th>");
    let mut all = Cell::default();
    for j in 0..m.platforms.len() {
        let t = m.column_total(j);
        for (k, n) in t.counts.iter().enumerate() {
            all.counts[k] += n;
        }
        cell(s, &t, None, Some(m.platforms[j].id()));
    }
    cell(s, &all, None, None);
    s.push_str("</tr></tfoot></table></div>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::DeviceRow;
    use crate::Platform;

    fn dev(site: Option<&str>, p: Platform, h: Health) -> DeviceRow {
        let mut r = DeviceRow::from_report(&crate::outcome::DeviceReport::sample("x"));
        r.site = site.map(str::to_string);
        r.platform = p;
        r.health = h;
        r
    }

    #[test]
    fn the_matrix_counts_each_site_and_platform_and_its_worst_health() {
        let sweep = Sweep {
            run: None,
            columns: vec![],
            devices: vec![
                dev(Some("dc1"), Platform::CiscoAsa, Health::Ok),
                dev(Some("dc1"), Platform::CiscoAsa, Health::Critical),
                dev(Some("dc1"), Platform::CiscoAsa, Health::Warning),
                dev(Some("dc1"), Platform::CiscoIos, Health::Unknown),
                dev(Some("branch"), Platform::CiscoIos, Health::Warning),
                dev(None, Platform::CiscoWaas, Health::Ok),
            ],
        };
        let m = Matrix::of(&sweep);
        assert_eq!(m.sites, [Some("branch".into()), Some("dc1".into()), None]);
        assert_eq!(
            m.platforms,
            [Platform::CiscoIos, Platform::CiscoAsa, Platform::CiscoWaas]
        );
        // [critical, not polled, warning, ok]
        assert_eq!(m.cells[1][1].counts, [1, 0, 1, 1]);
        assert_eq!(m.cells[1][1].worst(), Some(Health::Critical));
        assert_eq!(m.cells[1][0].counts, [0, 1, 0, 0]);
        assert_eq!(m.cells[1][0].worst(), Some(Health::Unknown));
        assert_eq!(m.cells[0][0].worst(), Some(Health::Warning));
        assert_eq!(m.cells[0][1].worst(), None);
        assert_eq!(m.cells[2][2].counts, [0, 0, 0, 1]);
        assert_eq!(m.row_total(1).counts, [1, 1, 1, 1]);
        assert_eq!(m.column_total(0).counts, [0, 1, 1, 0]);
        let mut s = String::new();
        render(&mut s, &sweep);
        assert!(s.contains(
            "<td class=\"h-critical\"><button type=\"button\" class=\"cell\" data-site=\"dc1\" data-platform=\"cisco_asa\"><span class=\"w\">critical</span> <span class=\"t\">3 devices</span> <span class=\"d\">1 critical, 1 warning</span></button></td>"
        ));
        // The devices without a site filter on the empty site.
        assert!(s.contains("data-site=\"\" data-platform=\"cisco_waas\"><span class=\"w\">ok</span> <span class=\"t\">1 device</span></button>"));
        assert!(s.contains("<td class=\"empty\">—</td>"));
    }
}
