//! Ansible's host patterns and INI tokens, as Ansible reads them: `host:port`, ranges
//! (`rtr[01:10].example.com`, `[a:f]`, `[1:9:2]`, several per name), shell-style quoting with
//! `#` comments, and the Python-literal reading of INI values (`2222` is a number, `'x'` a
//! string, `{...}` a mapping).

use serde_yaml::Value;

/// At most this many names from one pattern: a typo like `[1:9999999]` must not eat memory.
const MAX_EXPANSION: usize = 100_000;

/// `host:port` → (host pattern, port). A colon inside `[...]` belongs to a range; an address
/// with several colons outside brackets is IPv6 without a port; `[v6]:port` has one.
pub fn split_port(pattern: &str) -> Result<(String, Option<u16>), String> {
    if let Some(rest) = pattern.strip_prefix('[') {
        if let Some((inner, after)) = rest.split_once(']') {
            if inner.contains(':') && !inner.contains('[') {
                return match after.strip_prefix(':') {
                    Some(p) => Ok((inner.to_string(), Some(parse_port(p, pattern)?))),
                    None if after.is_empty() => Ok((inner.to_string(), None)),
                    None => Ok((pattern.to_string(), None)),
                };
            }
        }
    }
    let mut depth = 0i32;
    let mut colons = Vec::new();
    for (i, c) in pattern.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ':' if depth == 0 => colons.push(i),
            _ => {}
        }
    }
    match colons.as_slice() {
        [i] => {
            let (host, port) = (&pattern[..*i], &pattern[i + 1..]);
            if port.is_empty() {
                return Err(format!(
                    "invalid host pattern `{pattern}`: ending in ':' is not allowed, this character is reserved to provide a port"
                ));
            }
            Ok((host.to_string(), Some(parse_port(port, pattern)?)))
        }
        _ => Ok((pattern.to_string(), None)),
    }
}

fn parse_port(p: &str, pattern: &str) -> Result<u16, String> {
    match p.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("invalid port `{p}` in host pattern `{pattern}`")),
    }
}

/// Every name a pattern stands for, in Ansible's order.
pub fn expand(pattern: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    expand_into(pattern, &mut out)?;
    Ok(out)
}

fn expand_into(pattern: &str, out: &mut Vec<String>) -> Result<(), String> {
    let (Some(open), Some(close)) = (pattern.find('['), pattern.find(']')) else {
        out.push(pattern.to_string());
        return Ok(());
    };
    if close < open {
        return Err(format!("invalid host range in `{pattern}`"));
    }
    let (head, range, tail) = (
        &pattern[..open],
        &pattern[open + 1..close],
        &pattern[close + 1..],
    );
    let bounds: Vec<&str> = range.split(':').collect();
    if bounds.len() != 2 && bounds.len() != 3 {
        return Err(format!(
            "host range `[{range}]` in `{pattern}` must be begin:end or begin:end:step"
        ));
    }
    let beg = if bounds[0].is_empty() { "0" } else { bounds[0] };
    let end = bounds[1];
    if end.is_empty() {
        return Err(format!(
            "host range `[{range}]` in `{pattern}` must specify an end value"
        ));
    }
    let step: usize = match bounds.get(2) {
        None => 1,
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(format!(
                    "host range step `{s}` in `{pattern}` must be a positive number"
                ))
            }
        },
    };
    let width = (beg.starts_with('0') && beg.len() > 1).then_some(beg.len());
    if let Some(w) = width {
        if end.len() != w {
            return Err(format!(
                "host range `[{range}]` in `{pattern}` must have begin and end of equal length"
            ));
        }
    }
    let letters: Vec<char> = ('a'..='z').chain('A'..='Z').collect();
    let letter = |s: &str| {
        let mut c = s.chars();
        match (c.next(), c.next()) {
            (Some(ch), None) => letters.iter().position(|l| *l == ch),
            _ => None,
        }
    };
    let items: Vec<String> = match (letter(beg), letter(end)) {
        (Some(b), Some(e)) => {
            if b > e {
                return Err(format!(
                    "host range `[{range}]` in `{pattern}` must have begin <= end"
                ));
            }
            letters[b..=e]
                .iter()
                .step_by(step)
                .map(|c| c.to_string())
                .collect()
        }
        _ => {
            let (Ok(b), Ok(e)) = (beg.parse::<u64>(), end.parse::<u64>()) else {
                return Err(format!(
                    "host range `[{range}]` in `{pattern}` is neither numbers nor single letters"
                ));
            };
            if e >= b && (e - b) as usize / step >= MAX_EXPANSION {
                return Err(format!(
                    "host range `[{range}]` in `{pattern}` is too large"
                ));
            }
            (b..=e)
                .step_by(step)
                .map(|n| match width {
                    Some(w) => format!("{n:0w$}"),
                    None => n.to_string(),
                })
                .collect()
        }
    };
    for x in items {
        expand_into(&format!("{head}{x}{tail}"), out)?;
        if out.len() > MAX_EXPANSION {
            return Err(format!(
                "host pattern `{pattern}` expands to too many names"
            ));
        }
    }
    Ok(())
}

/// Python's `shlex.split(line, comments=True)`: blanks separate words, quotes group them,
/// a backslash escapes, `#` outside quotes starts a comment.
pub fn shlex(line: &str) -> Result<Vec<String>, String> {
    #[derive(PartialEq)]
    enum Q {
        None,
        Single,
        Double,
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut q = Q::None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match q {
            Q::None => match c {
                c if c.is_whitespace() => {
                    if in_word {
                        out.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                }
                '#' => break,
                '\'' => {
                    q = Q::Single;
                    in_word = true;
                }
                '"' => {
                    q = Q::Double;
                    in_word = true;
                }
                '\\' => match chars.next() {
                    Some(n) => {
                        cur.push(n);
                        in_word = true;
                    }
                    None => return Err("no escaped character".into()),
                },
                c => {
                    cur.push(c);
                    in_word = true;
                }
            },
            Q::Single => match c {
                '\'' => q = Q::None,
                c => cur.push(c),
            },
            Q::Double => match c {
                '"' => q = Q::None,
                '\\' => match chars.peek() {
                    Some(&n) if matches!(n, '\\' | '"' | '$' | '`') => {
                        cur.push(n);
                        chars.next();
                    }
                    _ => cur.push('\\'),
                },
                c => cur.push(c),
            },
        }
    }
    if q != Q::None {
        return Err("no closing quotation".into());
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// An INI value as Ansible's `ast.literal_eval` reads it: a quoted string, a number,
/// `True`/`False`/`None`, a list or dict literal; anything else is the text itself.
pub fn ini_value(v: &str) -> Value {
    let s = v.trim();
    let code = strip_py_comment(s);
    if let Some(q) = code.chars().next().filter(|c| *c == '\'' || *c == '"') {
        if let Some(inner) = py_string(code, q) {
            return Value::from(inner);
        }
    }
    match code {
        "True" => return Value::Bool(true),
        "False" => return Value::Bool(false),
        "None" => return Value::Null,
        _ => {}
    }
    let digits = code.strip_prefix('-').unwrap_or(code);
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
    {
        if let Ok(n) = code.parse::<i64>() {
            return Value::from(n);
        }
    }
    // Python literals read as YAML flow (which also takes `{transport: openssh}`); a Jinja
    // template is no literal.
    if (code.starts_with('{') || code.starts_with('['))
        && !crate::inventory::formats::values::is_template(code)
    {
        if let Ok(v @ (Value::Mapping(_) | Value::Sequence(_))) =
            serde_yaml::from_str::<Value>(code)
        {
            return v;
        }
    }
    Value::from(s)
}

/// `s` without a trailing `# comment` outside quotes (Python drops it when the rest is a
/// literal).
fn strip_py_comment(s: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut esc = false;
    for (i, c) in s.char_indices() {
        if esc {
            esc = false;
            continue;
        }
        match (quote, c) {
            (Some(_), '\\') => esc = true,
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') => return s[..i].trim_end(),
            _ => {}
        }
    }
    s
}

/// The content of a whole Python string literal `q…q` (simple escapes), `None` otherwise.
fn py_string(s: &str, q: char) -> Option<String> {
    let body = s.strip_prefix(q)?.strip_suffix(q)?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c if c == q => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_expand_as_ansible_does() {
        assert_eq!(
            expand("rtr[01:03].example.com").unwrap(),
            [
                "rtr01.example.com",
                "rtr02.example.com",
                "rtr03.example.com"
            ]
        );
        assert_eq!(expand("db[1:10:4]").unwrap(), ["db1", "db5", "db9"]);
        assert_eq!(expand("sw-[a:c]").unwrap(), ["sw-a", "sw-b", "sw-c"]);
        assert_eq!(
            expand("r[1:2]-[a:b]").unwrap(),
            ["r1-a", "r1-b", "r2-a", "r2-b"]
        );
        assert_eq!(expand("[:2]x").unwrap(), ["0x", "1x", "2x"]);
        assert_eq!(expand("plain").unwrap(), ["plain"]);
        assert!(expand("r[01:100]").unwrap_err().contains("equal length"));
        assert!(expand("r[1:]").unwrap_err().contains("end value"));
        assert!(expand("r[1]").unwrap_err().contains("begin:end"));
        assert!(expand("r[c:a]").unwrap_err().contains("begin <= end"));
        assert!(expand("r[1:x1]").is_err());
        assert!(expand("r[0:99999999]").unwrap_err().contains("too large"));
    }

    #[test]
    fn ports_split_off_outside_ranges_and_ipv6() {
        assert_eq!(split_port("r1:2222").unwrap(), ("r1".into(), Some(2222)));
        assert_eq!(
            split_port("rtr[01:10]:2200").unwrap(),
            ("rtr[01:10]".into(), Some(2200))
        );
        assert_eq!(
            split_port("rtr[01:10]").unwrap(),
            ("rtr[01:10]".into(), None)
        );
        assert_eq!(split_port("fe80::1").unwrap(), ("fe80::1".into(), None));
        assert_eq!(
            split_port("[2001:db8::1]:22").unwrap(),
            ("2001:db8::1".into(), Some(22))
        );
        assert!(split_port("r1:")
            .unwrap_err()
            .contains("reserved to provide a port"));
        assert!(split_port("r1:http").is_err());
    }

    #[test]
    fn shlex_quotes_escapes_and_comments() {
        assert_eq!(
            shlex(r#"r1 ansible_password='a b#c' x="q\"z" # trailing"#).unwrap(),
            ["r1", "ansible_password=a b#c", "x=q\"z"]
        );
        assert_eq!(shlex("r1 pw=ab#c").unwrap(), ["r1", "pw=ab"]);
        assert!(shlex("r1 x='open").is_err());
    }

    #[test]
    fn ini_values_read_as_python_literals() {
        assert_eq!(ini_value("2222"), Value::from(2222));
        assert_eq!(ini_value("2222 # comment"), Value::from(2222));
        assert_eq!(ini_value("'03#pa33w0rd'"), Value::from("03#pa33w0rd"));
        assert_eq!(ini_value("admin  # RO"), Value::from("admin  # RO"));
        assert_eq!(ini_value("0123"), Value::from("0123"));
        assert_eq!(ini_value("True"), Value::Bool(true));
        assert_eq!(ini_value("cisco.ios.ios"), Value::from("cisco.ios.ios"));
        let m = ini_value("{'transport': 'openssh', 'timeouts': {'command': '2m'}}");
        assert_eq!(m["timeouts"]["command"], Value::from("2m"));
        assert_eq!(ini_value("{{ user }}"), Value::from("{{ user }}"));
    }
}
