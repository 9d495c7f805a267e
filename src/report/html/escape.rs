//! Escaping for the HTML pages: text and attribute values (device names, messages and
//! evidence come from devices and inventories, so every one is treated as hostile), JSON
//! embedded in a `<script type="application/json">` block, and the base64 of the CSP hashes.

use std::fmt::Write as _;

/// `s` with `& < > " '` replaced by entities: safe as element text and as a quoted
/// attribute value.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_html(&mut out, s);
    out
}

/// Append `s` to `out`, escaped as [`html`] does.
pub fn push_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // A control character has no business in a page (a NUL is a parse error);
            // tab and newline stay, the CSS decides whether they show.
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "&#xFFFD;");
            }
            c => out.push(c),
        }
    }
}

/// `s` escaped as [`html`], with each pair of backticks (the rule texts quote commands as
/// `` `show crypto isakmp sa` ``) made a `<code>` element; an unpaired backtick stays.
pub fn html_code(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let mut out = String::with_capacity(s.len() + 16);
    let pairs = (parts.len() - 1) / 2;
    for (i, p) in parts.iter().enumerate() {
        if i % 2 == 1 && i <= pairs * 2 {
            out.push_str("<code>");
            push_html(&mut out, p);
            out.push_str("</code>");
        } else {
            if i > pairs * 2 {
                out.push('`');
            }
            push_html(&mut out, p);
        }
    }
    out
}

/// A value as JSON that can stand inside `<script type="application/json">…</script>`:
/// every `<`, `>` and `&` is written `\u003c`, `\u003e`, `\u0026` (they only occur inside
/// JSON strings, where the escape means the same), so neither `</script` nor `<!--` can
/// appear, and U+2028/U+2029 are escaped for older JavaScript parsers.
pub fn json_for_script<T: serde::Serialize>(v: &T) -> serde_json::Result<String> {
    let raw = serde_json::to_string(v)?;
    let mut out = String::with_capacity(raw.len() + raw.len() / 64);
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Standard base64 (with padding), for the `'sha256-…'` sources of the page's CSP.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The CSP source that allows exactly this inline `<script>` or `<style>` text.
pub fn csp_hash(text: &str) -> String {
    use sha2::Digest;
    format!(
        "'sha256-{}'",
        base64(&sha2::Sha256::digest(text.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_open_a_tag_or_leave_an_attribute() {
        let name = r#"<script>alert("x")</script> & 'rtr' "q""#;
        let got = html(name);
        assert_eq!(
            got,
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;rtr&#39; &quot;q&quot;"
        );
        assert!(!got.contains('<') && !got.contains('"') && !got.contains('\''));
        assert_eq!(html("a\u{0}b\u{1b}[31m"), "a&#xFFFD;b&#xFFFD;[31m");
        assert_eq!(html("plain rtr-01"), "plain rtr-01");
    }

    #[test]
    fn backtick_pairs_become_code_and_their_text_is_still_escaped() {
        assert_eq!(
            html_code("run `show crypto <x>` then `clear`"),
            "run <code>show crypto &lt;x&gt;</code> then <code>clear</code>"
        );
        assert_eq!(html_code("a `b` c `d"), "a <code>b</code> c `d");
        assert_eq!(html_code("no ticks & <b>"), "no ticks &amp; &lt;b&gt;");
        assert_eq!(html_code("`"), "`");
        assert_eq!(html_code(""), "");
    }

    #[test]
    fn json_in_a_script_block_cannot_close_it_or_open_a_comment() {
        let v =
            serde_json::json!({"device": "</script><!--<script>x</SCRIPT>", "e": "a&b>\u{2028}"});
        let s = json_for_script(&v).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.to_ascii_lowercase().contains("</script"));
        assert!(!s.contains("<!--") && !s.contains('\u{2028}'));
        // Still the same JSON.
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain}");
        }
        // The hash of an empty script, as browsers compute it.
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
