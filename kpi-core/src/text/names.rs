//! [`Names`]: a plan item's display name in each locale.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Locale;

/// The longest display name, in characters: a name is a label, not a document.
pub const MAX_NAME_CHARS: usize = 200;

/// A display name per locale, next to an item's `name`:
///
/// ```toml
/// [metrics.revenue]
/// name = "销售额"
/// names = { en = "Revenue" }
/// ```
///
/// Keys are locale tags (`en`, `zh-CN`, or any tag [`Locale::from_tag`] reads, such as
/// `zh`). The plan check refuses an unknown tag, two keys for one locale, and an empty,
/// over-long or control-character name, at the key's path (`metrics.revenue.names.fr`).
/// Text in a locale is the name for that locale, then the item's `name`, then its id
/// ([`Names::pick`]).
///
/// It reads and writes as a plain map of strings: one map type shared with the rest of
/// the plan, which keeps the browser module small.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Names(BTreeMap<String, String>);

impl Names {
    /// No names.
    pub const fn new() -> Names {
        Names(BTreeMap::new())
    }

    /// The names given, by their tags as written.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(l, n)| (l.as_str(), n.as_str()))
    }

    /// Whether no name is given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name for `locale`, if one is given (under any tag that names it).
    pub fn get(&self, locale: Locale) -> Option<&str> {
        self.0
            .iter()
            .find(|(tag, _)| Locale::from_tag(tag) == Some(locale))
            .map(|(_, name)| name.as_str())
    }

    /// Sets the name for `locale` (under its canonical tag, replacing other tags for it).
    pub fn insert(&mut self, locale: Locale, name: impl Into<String>) {
        self.0
            .retain(|tag, _| Locale::from_tag(tag) != Some(locale));
        self.0.insert(locale.tag().to_owned(), name.into());
    }

    /// What to call an item in `locale`: its name for the locale, else its `name`, else
    /// its id.
    pub fn pick<'a>(&'a self, locale: Locale, name: Option<&'a str>, id: &'a str) -> &'a str {
        self.get(locale).or(name).unwrap_or(id)
    }

    /// The first problem with the names: the key it concerns and what is wrong.
    pub fn problem(&self) -> Option<(&str, String)> {
        let mut seen: Vec<Locale> = Vec::new();
        for (tag, name) in &self.0 {
            let Some(locale) = Locale::from_tag(tag) else {
                return Some((
                    tag,
                    format!(
                        "`{}` is not a locale kpi writes: use en or zh-CN",
                        tag.chars().take(40).collect::<String>()
                    ),
                ));
            };
            if seen.contains(&locale) {
                return Some((tag, format!("a second name for {locale}: give one")));
            }
            seen.push(locale);
            if let Some(problem) = name_problem(name) {
                return Some((tag, problem));
            }
        }
        None
    }
}

/// Why a display name is refused, or `None`.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("a display name is not empty".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Some("a display name has no control characters".to_owned());
    }
    let chars = name.chars().count();
    (chars > MAX_NAME_CHARS).then(|| {
        format!("a display name has at most {MAX_NAME_CHARS} characters, this one {chars}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_locale_tags_and_the_check_refuses_the_rest() {
        let names: Names = serde_json::from_str(r#"{"en": "Revenue", "zh": "销售额"}"#).unwrap();
        assert_eq!(names.get(Locale::En), Some("Revenue"));
        assert_eq!(names.get(Locale::ZhCn), Some("销售额"));
        assert_eq!(names.problem(), None);
        assert_eq!(
            serde_json::to_string(&names).unwrap(),
            r#"{"en":"Revenue","zh":"销售额"}"#
        );
        for (bad, key) in [
            (r#"{"fr": "Chiffre"}"#, "fr"),
            (r#"{"zh": "甲", "zh-CN": "乙"}"#, "zh-CN"),
            (r#"{"en": "  "}"#, "en"),
            (r#"{"en": "a\u0000b"}"#, "en"),
        ] {
            let names: Names = serde_json::from_str(bad).unwrap();
            assert_eq!(names.problem().map(|(k, _)| k), Some(key), "{bad}");
        }
        for wrong in [r#"{"en": 5}"#, r#"["en"]"#] {
            assert!(serde_json::from_str::<Names>(wrong).is_err(), "{wrong}");
        }
        let long: Names = serde_json::from_str(&format!(
            r#"{{"en": "{}"}}"#,
            "名".repeat(MAX_NAME_CHARS + 1)
        ))
        .unwrap();
        assert!(long.problem().is_some());
        let fits: Names =
            serde_json::from_str(&format!(r#"{{"en": "{}"}}"#, "名".repeat(MAX_NAME_CHARS)))
                .unwrap();
        assert_eq!(fits.problem(), None);
        let mut names = names;
        names.insert(Locale::ZhCn, "营收");
        assert_eq!(names.get(Locale::ZhCn), Some("营收"));
        assert_eq!(names.iter().count(), 2, "the `zh` key was replaced");
    }

    #[test]
    fn a_name_falls_back_to_the_items_name_then_its_id() {
        let mut names = Names::new();
        names.insert(Locale::En, "Revenue");
        assert_eq!(names.pick(Locale::En, Some("销售额"), "revenue"), "Revenue");
        assert_eq!(
            names.pick(Locale::ZhCn, Some("销售额"), "revenue"),
            "销售额"
        );
        assert_eq!(Names::new().pick(Locale::ZhCn, None, "revenue"), "revenue");
    }
}
