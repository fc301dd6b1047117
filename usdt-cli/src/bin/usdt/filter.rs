//! Choosing probes by provider and name with shell-style globs (`*`, `?`, `[...]`), as
//! `dtrace -l -P`/`-n` choose them.

use glob::Pattern;
use usdt_cli::ProbeSite;

/// Keeps probes whose provider matches any of `providers` and whose name matches any of
/// `names`; an empty list matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Provider globs.
    pub providers: Vec<Pattern>,
    /// Probe name globs.
    pub names: Vec<Pattern>,
}

impl Filter {
    /// True when `site` passes the filter.
    pub fn matches(&self, site: &ProbeSite) -> bool {
        any_match(&self.providers, &site.provider) && any_match(&self.names, &site.name)
    }
}

fn any_match(patterns: &[Pattern], text: &str) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| p.matches(text))
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    fn glob_match(pattern: &str, text: &str) -> bool {
        Pattern::new(pattern).unwrap().matches(text)
    }

    #[test]
    fn globs() {
        assert!(glob_match("*", ""));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("probe?", "probe1"));
        assert!(!glob_match("probe?", "probe"));
        assert!(glob_match("req*start", "request__start"));
        assert!(glob_match("*__*", "a__b"));
        assert!(!glob_match("*__*", "a_b"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exactly"));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(!glob_match("a*b*c", "aXbYbZ"));
        assert!(glob_match("probe[12]", "probe2"));
        assert!(glob_match("", ""));
        assert!(!glob_match("", "x"));
    }
}
