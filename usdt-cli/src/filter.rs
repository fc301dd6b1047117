//! Choosing probes by provider and name with shell-style globs (`*`, `?`).

use crate::probe::Probe;

/// Keeps probes whose provider matches any of `providers` and whose name matches any of
/// `names`; an empty list matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Provider globs.
    pub providers: Vec<String>,
    /// Probe name globs.
    pub names: Vec<String>,
}

impl Filter {
    /// True when `probe` passes the filter.
    pub fn matches(&self, probe: &Probe) -> bool {
        any_match(&self.providers, &probe.provider) && any_match(&self.names, &probe.name)
    }
}

fn any_match(patterns: &[String], text: &str) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| glob_match(p, text))
}

/// Matches `text` against `pattern`, where `*` is any run of characters and `?` any one.
///
/// Linear backtracking on the last `*`: each `*` only ever needs to resume once further.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // After a `*`: the pattern index past it, and the text index it will swallow next.
    let mut resume: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                resume = Some((p + 1, t));
                p += 1;
            }
            Some(&c) if c == '?' || text.get(t) == Some(&c) => {
                p += 1;
                t += 1;
            }
            _ => match resume {
                Some((after_star, swallowed)) => {
                    p = after_star;
                    t = swallowed + 1;
                    resume = Some((after_star, swallowed + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

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
        assert!(glob_match("", ""));
        assert!(!glob_match("", "x"));
    }
}
