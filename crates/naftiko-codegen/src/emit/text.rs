//! Text that ends up inside generated code: identifiers, string literals, doc comments and
//! JSON documents. Everything here is deterministic, so that every entry point prints the
//! same bytes for the same spec.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

/// An identifier from text that `names` already made safe. Anything else (which would be a
/// bug) becomes `unnamed` rather than a panic inside `Ident::new`.
pub fn ident(text: &str) -> Ident {
    let valid = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && text != "_"
        && syn::parse_str::<Ident>(text).is_ok();
    if valid {
        Ident::new(text, Span::call_site())
    } else {
        Ident::new("unnamed", Span::call_site())
    }
}

/// A string literal.
pub fn lit(text: &str) -> Literal {
    Literal::string(text)
}

/// `#[doc = "…"]` attributes, one per line of `text` made safe for rustdoc (see [`doc_safe`]).
pub fn doc(text: &str) -> TokenStream {
    doc_lines(&doc_safe(text))
}

/// `#[doc]` attributes for lines that are already Markdown (written by the emitter itself).
pub fn doc_lines(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        // The leading space is what `/// text` would have given.
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        let text = lit(&text);
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// A spec's prose as Markdown lines that cannot break the generated documentation.
///
/// Descriptions come from public specs and are not written for rustdoc: a stray fence or an
/// indented line would become a doctest that fails to compile, `[x]` a broken link, `<b>` an
/// unclosed HTML tag. So every line is trimmed (no indented code blocks), Markdown's special
/// characters are escaped (no fences, no unbalanced code spans, no links, no tags), URLs become
/// autolinks and control characters are dropped. Paragraph breaks are kept.
pub fn doc_safe(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
        if line.is_empty() {
            if lines.last().is_some_and(|last| !last.is_empty()) {
                lines.push(String::new());
            }
            continue;
        }
        lines.push(escape_line(&line));
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (index, word) in line.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        match split_url(word) {
            Some((before, url, after)) => {
                escape_text(before, &mut out);
                out.push('<');
                out.push_str(url);
                out.push('>');
                escape_text(after, &mut out);
            }
            None => escape_text(word, &mut out),
        }
    }
    out
}

/// `(https://x.y/z).` → (`(`, `https://x.y/z`, `).`): a URL usable as an autolink and the
/// text around it.
fn split_url(word: &str) -> Option<(&str, &str, &str)> {
    let start = word.find("https://").or_else(|| word.find("http://"))?;
    let rest = &word[start..];
    let end = rest
        .find(['<', '>', '"', '`', '\\', '[', ']'])
        .unwrap_or(rest.len());
    let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'']);
    if url.ends_with("//") {
        return None;
    }
    Some((&word[..start], url, &rest[url.len()..]))
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            // Code spans and fences (`` ` ``, `~~~`), links, HTML tags and escapes: what can
            // turn prose into a doctest or a rustdoc warning. Emphasis and lists are harmless.
            '\\' | '`' | '~' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

/// Text inside a code span written by the emitter (`` `name` ``): backticks cannot occur.
pub fn code(text: &str) -> String {
    let inner: String = text
        .chars()
        .filter(|c| *c != '`' && !c.is_control())
        .collect();
    if inner.trim().is_empty() {
        "` `".to_string()
    } else {
        format!("`{inner}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_cannot_open_code_blocks_links_or_tags() {
        let lines = doc_safe(
            "Lists runs.\n\n    indented code\n```rust\nfn x() {}\n```\nSee [docs](x) <b>bold</b> `unbalanced",
        );
        assert_eq!(lines[0], "Lists runs.");
        assert_eq!(lines[1], "");
        assert_eq!(lines[2], "indented code");
        assert!(lines.iter().all(|l| !l.contains("```")));
        let joined = lines.join("\n");
        assert!(joined.contains(r"\[docs\](x)"), "{joined}");
        assert!(joined.contains(r"\<b\>bold\</b\>"), "{joined}");
        assert!(joined.contains(r"\`unbalanced"), "{joined}");
    }

    #[test]
    fn urls_become_autolinks() {
        assert_eq!(
            doc_safe("See https://api.inngest.com/docs)."),
            vec!["See <https://api.inngest.com/docs>)."]
        );
        assert_eq!(
            doc_safe("[a](http://x/y) http://"),
            vec![r"\[a\](<http://x/y>) http://"]
        );
    }

    #[test]
    fn invalid_identifiers_fall_back_instead_of_panicking() {
        assert_eq!(ident("run_id").to_string(), "run_id");
        assert_eq!(ident("9x").to_string(), "unnamed");
        assert_eq!(ident("fn").to_string(), "unnamed");
        assert_eq!(ident("").to_string(), "unnamed");
        assert_eq!(code("a`b"), "`ab`");
    }
}
