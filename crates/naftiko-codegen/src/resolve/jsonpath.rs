//! JSONPath, compiled at codegen time into a list of segments the runtime walks.
//!
//! The subset real specs use: `$`, `.name`, `['name']`, `[3]`, `[-1]`, `[*]`, `.*`. Filters and
//! recursive descent are refused with a diagnostic rather than half-supported.

use naftiko_spec::PathSegment;

/// Compiles `path`; the error says what is not supported.
pub fn compile(path: &str) -> Result<Vec<PathSegment>, String> {
    let p = path.trim();
    let rest = match p.strip_prefix('$') {
        Some(r) => r,
        // `a.b` without `$`: read as relative to the root.
        None if !p.is_empty() => return compile(&format!("$.{p}")),
        None => return Err("empty JSONPath".into()),
    };
    let chars: Vec<char> = rest.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if chars.get(i + 1) == Some(&'.') {
                    return Err("recursive descent (`..`) is not supported".into());
                }
                i += 1;
                if chars.get(i) == Some(&'*') {
                    out.push(PathSegment::Wildcard);
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                // `$.` alone (and a trailing dot) means the node itself.
                if !name.is_empty() {
                    out.push(PathSegment::Field(name.into()));
                }
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').map(|p| p + i);
                let Some(close) = close else {
                    return Err(format!("unclosed `[` in `{path}`"));
                };
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                if inner == "*" {
                    out.push(PathSegment::Wildcard);
                } else if let Ok(n) = inner.parse::<i64>() {
                    out.push(PathSegment::Index(n));
                } else if let Some(q) = quoted(inner) {
                    out.push(PathSegment::Field(q.into()));
                } else if inner.starts_with('?') || inner.contains(':') || inner.contains(',') {
                    return Err(format!(
                        "JSONPath filters, slices and unions (`[{inner}]`) are not supported"
                    ));
                } else {
                    return Err(format!("cannot read `[{inner}]` in `{path}`"));
                }
                i = close + 1;
            }
            c => return Err(format!("unexpected `{c}` in JSONPath `{path}`")),
        }
    }
    Ok(out)
}

fn quoted(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    if (q == '\'' || q == '"') && s.len() >= 2 && s.ends_with(q) {
        Some(s[1..s.len() - 1].to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PathSegment::*;

    #[test]
    fn the_subset_specs_use_compiles() {
        assert_eq!(compile("$."), Ok(vec![]));
        assert_eq!(compile("$"), Ok(vec![]));
        assert_eq!(
            compile("$.data.items[0].id"),
            Ok(vec![
                Field("data".into()),
                Field("items".into()),
                Index(0),
                Field("id".into())
            ])
        );
        assert_eq!(
            compile("$['a-b'][*].c"),
            Ok(vec![Field("a-b".into()), Wildcard, Field("c".into())])
        );
        assert_eq!(
            compile("$.get-ship.crew.*"),
            Ok(vec![
                Field("get-ship".into()),
                Field("crew".into()),
                Wildcard
            ])
        );
        assert_eq!(compile("name"), Ok(vec![Field("name".into())]));
    }

    #[test]
    fn what_we_cannot_do_is_refused() {
        assert!(compile("$..id").is_err());
        assert!(compile("$.a[?(@.x>1)]").is_err());
        assert!(compile("$.a[0:2]").is_err());
        assert!(compile("$.a[").is_err());
    }
}
