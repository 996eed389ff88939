//! Fuzz target: a report handed back to be rendered (what `reportToText`, `reportToHtml`
//! and `reportToMarkdown` read from JavaScript, and a report stored as JSON), and locale
//! tags. The first byte picks the locale tag's length; the tag is read, then the rest as a
//! report document. Any report that reads gives text, Markdown and HTML in both locales
//! without a panic (its design findings too), the HTML escapes every tag it was handed, a
//! tag names a locale or none (never a panic), and the attainments of each goal it holds
//! read as a distribution of no negative draws, one per member row at most.
#![no_main]

use kpi_core::design::Attainment;
use kpi_core::{Locale, Report, ScopeKind};
use kpi_fuzz::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(split).min(rest.len());
    let (tag, document) = rest.split_at(split);
    if let Some(tag) = text(tag) {
        if let Some(locale) = Locale::from_tag(tag) {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
        let _ = tag.parse::<Locale>();
    }
    let Some(document) = text(document) else {
        return;
    };
    let Ok(report) = serde_json::from_str::<Report>(document) else {
        return;
    };
    for locale in Locale::ALL {
        let _ = report.to_text(locale);
        let _ = report.to_markdown(locale);
        let html = report.to_html(locale);
        // Whatever the report holds, the only elements are the renderer's own.
        assert!(!html.contains("<script"), "a script got through: {html}");
    }
    for row in report.scorecards.iter().take(8) {
        let members = report
            .scorecards
            .iter()
            .filter(|r| r.goal == row.goal && r.scope == ScopeKind::Member)
            .count();
        match Attainment::from_reports(std::slice::from_ref(&report), &row.goal) {
            Ok(Attainment::Empirical(past)) => {
                assert!(past.len() <= members);
                assert!(
                    past.iter().all(|a| !a.is_sign_negative() || a.is_zero()),
                    "{past:?}"
                );
            }
            Ok(other) => panic!("not empirical: {other:?}"),
            Err(err) => assert_eq!(err.code(), "data.invalid_argument"),
        }
    }
});
