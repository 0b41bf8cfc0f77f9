//! The forward proxy for upstream calls: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and
//! `NO_PROXY` (each also in lower case), read once with everything else.
//!
//! The rules are curl's, as hyper-util's proxy `Matcher` implements them: the upper-case name
//! wins over the lower-case one, `HTTPS_PROXY` serves `https://` upstreams and `HTTP_PROXY`
//! `http://` ones, `ALL_PROXY` whichever of the two is unset, and `NO_PROXY` lists the hosts,
//! domains (with their subdomains) and IP ranges to reach directly (`*`: all of them). Inside
//! a CGI program (`REQUEST_METHOD` set) no variable is honoured: there `HTTP_PROXY` may come
//! from a caller's `Proxy:` header. Unlike curl's silent fallback, a proxy URL that cannot be
//! used is a start-up error naming its variable.

use hyper_util::client::proxy::matcher::Matcher;

use super::Report;

/// The proxy rules in force; `matcher` is `None` when no proxy variable is set, so that the
/// usual case never consults them.
#[derive(Default)]
pub(crate) struct ProxySettings {
    pub matcher: Option<Matcher>,
}

impl std::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Matcher's own Debug leaves credentials out.
        f.debug_struct("ProxySettings")
            .field("matcher", &self.matcher)
            .finish()
    }
}

/// The schemes a proxy URL may have: a plain HTTP proxy (absolute-form requests for `http://`
/// upstreams, a CONNECT tunnel for `https://` ones) or SOCKS5 (`socks5h`: the proxy resolves
/// the host name).
const SCHEMES: &[&str] = &["http", "socks5", "socks5h"];

pub(super) fn read(lookup: &dyn Fn(&str) -> Option<String>, report: &mut Report) -> ProxySettings {
    if lookup("REQUEST_METHOD").is_some() {
        return ProxySettings::default();
    }
    let first = |names: [&'static str; 2]| {
        names
            .into_iter()
            .find_map(|name| lookup(name).map(|value| (name, value.trim().to_owned())))
    };
    let http = first(["HTTP_PROXY", "http_proxy"]);
    let https = first(["HTTPS_PROXY", "https_proxy"]);
    let all = first(["ALL_PROXY", "all_proxy"]);
    let no = first(["NO_PROXY", "no_proxy"]);
    let mut usable = true;
    for (name, value) in [&http, &https, &all].into_iter().flatten() {
        if let Err(problem) = check(value) {
            report.problems.push(format!("`{name}` {problem}"));
            usable = false;
        }
    }
    if !usable || (http.is_none() && https.is_none() && all.is_none()) {
        return ProxySettings::default();
    }
    let value =
        |setting: Option<(&str, String)>| setting.map(|(_, value)| value).unwrap_or_default();
    let matcher = Matcher::builder()
        .http(value(http))
        .https(value(https))
        .all(value(all))
        .no(value(no))
        .build();
    ProxySettings {
        matcher: Some(matcher),
    }
}

/// Why a proxy URL cannot be used (`None` when it can); a URL without scheme is `http://`.
fn check(value: &str) -> Result<(), String> {
    let uri: http::Uri = value
        .parse()
        .map_err(|_| "is not a proxy URL (`http://host:port`)".to_owned())?;
    let scheme = uri.scheme_str().unwrap_or("http");
    if !SCHEMES.contains(&scheme) {
        return Err(format!(
            "has the scheme `{scheme}`; a proxy is reached by one of {}",
            SCHEMES
                .iter()
                .map(|scheme| format!("`{scheme}://`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if uri
        .authority()
        .is_none_or(|authority| authority.host().is_empty())
    {
        return Err("names no proxy host".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_from(vars: &[(&str, &str)]) -> (ProxySettings, Report) {
        let mut report = Report::default();
        let lookup = |name: &str| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| (*value).to_owned())
        };
        (read(&lookup, &mut report), report)
    }

    fn proxy_for(settings: &ProxySettings, url: &str) -> Option<String> {
        let uri: http::Uri = url.parse().ok()?;
        let intercept = settings.matcher.as_ref()?.intercept(&uri)?;
        Some(intercept.uri().to_string())
    }

    #[test]
    fn no_variable_means_no_matcher() {
        let (settings, report) = read_from(&[("NO_PROXY", "example.com")]);
        assert!(settings.matcher.is_none());
        assert!(report.problems.is_empty());
    }

    #[test]
    fn each_scheme_has_its_proxy_and_no_proxy_exempts_hosts() {
        let (settings, report) = read_from(&[
            ("http_proxy", "127.0.0.1:3128"),
            ("HTTPS_PROXY", "http://127.0.0.1:3129"),
            ("no_proxy", "internal.example, 10.0.0.0/8"),
        ]);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(
            proxy_for(&settings, "http://api.example.com/x").as_deref(),
            Some("http://127.0.0.1:3128/")
        );
        assert_eq!(
            proxy_for(&settings, "https://api.example.com/x").as_deref(),
            Some("http://127.0.0.1:3129/")
        );
        assert_eq!(proxy_for(&settings, "https://db.internal.example/"), None);
        assert_eq!(proxy_for(&settings, "http://10.1.2.3/"), None);
    }

    #[test]
    fn the_upper_case_name_wins_and_all_proxy_fills_in() {
        let (settings, _) = read_from(&[
            ("HTTP_PROXY", "http://127.0.0.1:1"),
            ("http_proxy", "http://127.0.0.1:2"),
            ("ALL_PROXY", "socks5h://127.0.0.1:3"),
        ]);
        assert_eq!(
            proxy_for(&settings, "http://a.example/").as_deref(),
            Some("http://127.0.0.1:1/")
        );
        assert_eq!(
            proxy_for(&settings, "https://a.example/").as_deref(),
            Some("socks5h://127.0.0.1:3/")
        );
    }

    #[test]
    fn a_cgi_program_ignores_the_variables() {
        let (settings, _) = read_from(&[
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://127.0.0.1:1"),
        ]);
        assert!(settings.matcher.is_none());
    }

    #[test]
    fn an_unusable_proxy_url_is_reported_by_name() {
        let (settings, report) = read_from(&[
            ("HTTPS_PROXY", "https://proxy.example:443"),
            ("HTTP_PROXY", "http://"),
        ]);
        assert!(settings.matcher.is_none());
        let all = report.problems.join("\n");
        assert!(
            all.contains("`HTTPS_PROXY` has the scheme `https`"),
            "{all}"
        );
        assert!(all.contains("`HTTP_PROXY`"), "{all}");
    }
}
