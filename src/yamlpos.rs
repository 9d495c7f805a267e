//! Where a key sits in a block-style YAML file, so that errors found after deserializing
//! (unknown group, missing variable, duplicate name) can still name file, line and column.
//! serde_yaml reports positions only for its own syntax and type errors.

use std::collections::HashMap;

/// Map from a dotted path (`devices[2].password.env`, `groups.asa.port`) to the 1-based
/// line and column of its key (or list item). Flow-style `{a: b}` maps are indexed too.
pub fn index(text: &str) -> HashMap<String, (usize, usize)> {
    let mut out = HashMap::new();
    // Open containers: (column where their children start, path, is a list item).
    let mut stack: Vec<(usize, String, bool)> = Vec::new();
    let mut list_counters: HashMap<String, usize> = HashMap::new();
    for (ln, raw) in text.lines().enumerate() {
        let line_no = ln + 1;
        let line = strip_comment(raw);
        if line.trim().is_empty() || line.trim_start().starts_with("---") {
            continue;
        }
        let mut indent = line.len() - line.trim_start().len();
        let mut rest = line.trim_start();
        // A list item: `- key: value` or `- value`. YAML lets a list sit at its key's indent.
        while let Some(after) = rest
            .strip_prefix("- ")
            .or_else(|| (rest == "-").then_some(""))
        {
            while stack
                .last()
                .is_some_and(|(i, _, item)| if *item { *i > indent } else { *i > indent + 1 })
            {
                stack.pop();
            }
            let parent = stack.last().map(|(_, p, _)| p.clone()).unwrap_or_default();
            let n = list_counters.entry(parent.clone()).or_insert(0);
            let path = format!("{parent}[{n}]");
            *n += 1;
            out.entry(path.clone()).or_insert((line_no, indent + 1));
            stack.push((indent + 1, path, true));
            indent += 2;
            rest = after.trim_start();
        }
        if rest.is_empty() {
            continue;
        }
        let Some((key, value)) = split_key(rest) else {
            continue;
        };
        while stack.last().is_some_and(|(i, _, _)| *i > indent) {
            stack.pop();
        }
        let parent = stack.last().map(|(_, p, _)| p.clone()).unwrap_or_default();
        let path = join(&parent, key);
        out.entry(path.clone()).or_insert((line_no, indent + 1));
        let v = value.trim();
        if v.starts_with('{') {
            let col = indent + 1 + (rest.len() - value.len());
            index_flow(v, &path, line_no, col, &mut out);
        }
        if v.is_empty() {
            stack.push((indent + 1, path, false));
        }
    }
    out
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn strip_comment(line: &str) -> &str {
    let mut in_s = false;
    let mut in_d = false;
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !in_d => in_s = !in_s,
            '"' if !in_s => in_d = !in_d,
            '#' if !in_s && !in_d && (i == 0 || line[..i].ends_with(' ')) => return &line[..i],
            _ => {}
        }
    }
    line
}

fn split_key(s: &str) -> Option<(&str, &str)> {
    let idx = s
        .find(": ")
        .or_else(|| s.strip_suffix(':').map(|k| k.len()))?;
    let key = s.get(..idx)?.trim().trim_matches(|c| c == '"' || c == '\'');
    if key.is_empty() || key.starts_with('{') {
        return None;
    }
    Some((key, s.get(idx + 1..).unwrap_or("")))
}

fn index_flow(
    v: &str,
    path: &str,
    line: usize,
    col: usize,
    out: &mut HashMap<String, (usize, usize)>,
) {
    let inner = v.trim_start_matches('{').split('}').next().unwrap_or("");
    let mut offset = v.find('{').map(|i| i + 1).unwrap_or(0);
    for part in inner.split(',') {
        if let Some((k, _)) = part.split_once(':') {
            let k = k.trim().trim_matches(|c| c == '"' || c == '\'');
            let lead = part.len() - part.trim_start().len();
            out.entry(join(path, k))
                .or_insert((line, col + offset + lead));
        }
        offset += part.len() + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_nested_maps_lists_and_flow() {
        let y = "defaults:\n  username: admin   # who\n  password: {env: PW}\ngroups:\n  asa:\n    port: 2222\ndevices:\n  - name: r1\n    host: 10.0.0.1\n  - name: r2\n    platform: cisco_nxos\n    groups: [asa]\n";
        let ix = index(y);
        assert_eq!(ix["defaults.username"], (2, 3));
        assert_eq!(ix["defaults.password"], (3, 3));
        assert_eq!(ix["defaults.password.env"].0, 3);
        assert_eq!(ix["groups.asa.port"], (6, 5));
        assert_eq!(ix["devices[0]"], (8, 3));
        assert_eq!(ix["devices[0].name"], (8, 5));
        assert_eq!(ix["devices[0].host"], (9, 5));
        assert_eq!(ix["devices[1].platform"], (11, 5));
        assert_eq!(ix["devices[1].groups"], (12, 5));
    }

    #[test]
    fn lists_at_the_keys_indent() {
        let ix = index("devices:\n- name: a\n  host: h\n- name: b\n  port: x\n");
        assert_eq!(ix["devices[1].port"], (5, 3));
        assert_eq!(ix["devices[0].host"], (3, 3));
    }

    #[test]
    fn survives_odd_input() {
        for y in [
            "",
            "- - -",
            ":",
            "a:\n  - b\n  - c: {x",
            "'#':\n  \"k: v\": 1",
            "\u{feff}x: 1",
        ] {
            let _ = index(y);
        }
    }
}
