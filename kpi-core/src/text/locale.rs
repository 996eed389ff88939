//! [`Locale`]: the languages kpi writes for people, and how a locale tag names one.

use std::fmt;

/// A language kpi writes reports, statements, reviews and findings in.
///
/// Tags are read leniently, as browsers and notebooks send them: `en`, `en-US`, `en_GB`
/// are English; `zh`, `zh-CN`, `zh-Hans`, `zh_SG` are Simplified Chinese (case does not
/// matter). Other tags (`fr`, `zh-TW`, `""`) name no locale: kpi does not guess.
///
/// ```
/// use kpi_core::Locale;
///
/// assert_eq!(Locale::from_tag("zh-CN"), Some(Locale::ZhCn));
/// assert_eq!(Locale::from_tag("en_US"), Some(Locale::En));
/// assert_eq!(Locale::from_tag("fr"), None);
/// assert_eq!(Locale::ZhCn.tag(), "zh-CN");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Locale {
    /// English (`en`).
    #[default]
    En = 0,
    /// Simplified Chinese (`zh-CN`).
    ZhCn = 1,
}

impl Locale {
    /// Every locale, English first.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// The canonical tag: `en` or `zh-CN`.
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The locale a tag names, if kpi writes it.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim();
        let mut parts = tag.split(['-', '_']);
        let language = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        if language.eq_ignore_ascii_case("en") {
            return rest
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(Locale::En);
        }
        if !language.eq_ignore_ascii_case("zh") {
            return None;
        }
        // Simplified script or a region that writes it; Traditional (`zh-TW`,
        // `zh-Hant`) is another script, not a fallback.
        let simplified = |p: &&str| {
            ["cn", "hans", "sg", "my"]
                .iter()
                .any(|s| p.eq_ignore_ascii_case(s))
        };
        match rest.as_slice() {
            [] => Some(Locale::ZhCn),
            [one] if simplified(one) => Some(Locale::ZhCn),
            // `Hans` says Simplified whatever the region (`zh-Hans-HK`).
            [script, region]
                if script.eq_ignore_ascii_case("hans")
                    && region.len() == 2
                    && region.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                Some(Locale::ZhCn)
            }
            _ => None,
        }
    }

    /// Whether this is Chinese.
    pub const fn is_chinese(self) -> bool {
        matches!(self, Locale::ZhCn)
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_a_locale_or_none() {
        for tag in ["en", "EN", "en-US", "en_GB", " en "] {
            assert_eq!(Locale::from_tag(tag), Some(Locale::En), "{tag}");
        }
        for tag in [
            "zh",
            "zh-CN",
            "zh_cn",
            "zh-Hans",
            "zh-Hans-CN",
            "ZH-SG",
            "zh-Hans-HK",
        ] {
            assert_eq!(Locale::from_tag(tag), Some(Locale::ZhCn), "{tag}");
        }
        for tag in [
            "zh-Hans-中国",
            "zh_CN.UTF-8",
            "",
            "fr",
            "zh-TW",
            "zh-Hant",
            "zh-Hant-CN",
            "english",
            "en-",
            "中文",
            "zh-CN-x",
        ] {
            assert_eq!(Locale::from_tag(tag), None, "{tag}");
        }
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }
}
