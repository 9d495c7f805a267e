//! The page around a report's body: the document head with a Content-Security-Policy that
//! allows nothing but the page's own inline style and script (by hash: no network request,
//! no inline event handler, no `style=` attribute can run or load), then the body, the data
//! block and the script.

use super::escape::{csp_hash, html};

/// The stylesheet every page shares.
pub const CSS: &str = include_str!("assets/report.css");
/// The sweep page's script: filters, sorting, sparklines.
pub const SWEEP_JS: &str = include_str!("assets/sweep.js");

/// A whole document. `data_json` (already escaped for a script block) goes in
/// `<script type="application/json" id="fp-data">`; `script` runs after it.
pub fn document(title: &str, body: &str, data_json: Option<&str>, script: Option<&str>) -> String {
    let script_src = match script {
        Some(js) => csp_hash(js),
        None => "'none'".to_string(),
    };
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {script_src}; img-src 'none'; \
         connect-src 'none'; form-action 'none'; base-uri 'none'",
        csp_hash(CSS)
    );
    let mut s = String::with_capacity(body.len() + data_json.map_or(0, str::len) + 32 * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Base64 and the keywords hold no `"`, `&` or `<`: the policy needs no escaping.
    s.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
    ));
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    s.push_str("<meta name=\"generator\" content=\"fleetpoll ");
    s.push_str(env!("CARGO_PKG_VERSION"));
    s.push_str("\">\n<title>");
    s.push_str(&html(title));
    s.push_str("</title>\n<style>");
    s.push_str(CSS);
    s.push_str("</style>\n</head>\n<body>\n");
    s.push_str(body);
    if let Some(d) = data_json {
        s.push_str("<script type=\"application/json\" id=\"fp-data\">");
        s.push_str(d);
        s.push_str("</script>\n");
    }
    if let Some(js) = script {
        s.push_str("<script>");
        s.push_str(js);
        s.push_str("</script>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_inline_style_and_script() {
        let page = document("t <x>", "<p>b</p>", Some("{}"), Some(SWEEP_JS));
        assert!(page.contains(&format!("style-src {};", csp_hash(CSS))));
        assert!(page.contains(&format!("script-src {};", csp_hash(SWEEP_JS))));
        assert!(page.contains("content=\"default-src 'none'; "));
        assert!(page.contains("<title>t &lt;x&gt;</title>"));
        // The hashed texts are in the page byte for byte.
        assert!(page.contains(&format!("<style>{CSS}</style>")));
        assert!(page.contains(&format!("<script>{SWEEP_JS}</script>")));
        let no_js = document("t", "", None, None);
        assert!(no_js.contains("script-src 'none';"));
        assert!(!no_js.contains("<script"));
    }
}
