//! Escaping text for HTML: the one escaper every renderer of Lading's
//! self-contained pages uses (verdicts, inspection reports, inventories).

/// Escapes text for HTML element content and quoted attribute values
/// (`&`, `<`, `>`, `"` and `'`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_both_quotes_are_escaped_and_everything_else_kept() {
        assert_eq!(
            super::escape(r#"<a href="x">'&'</a> 批次"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; 批次"
        );
    }
}
