//! Fuzz target: Fxiaoke query responses through `CrmIngest`. The first byte picks the
//! sample's mappings over the built-in ones (bit 0), strict mode (bit 1) and a home
//! currency (bit 2); the rest is up to eight pages separated by 0x1E.
//!
//! Invariants (per page): as for Zoho (accounting, growth, a failed page changes
//! nothing, no record of a page that parses is dropped), and a page whose response is
//! not a clear success (its `errorCode` is not the integer 0, or missing) yields no fact.
//! A page is one response: what follows its first document (a second response, glued
//! on) is the unreadable rest, reported as one record, so only the first document decides
//! (docs/ingest.md, "Nothing is lost").
#![no_main]

use kpi_core::ingest::{CrmIngest, CrmMappings};
use kpi_fuzz::{Entries, PageShape, data, documents, elements, ingest_pages, pages, text};
use libfuzzer_sys::fuzz_target;

fn shape(page: &str) -> PageShape {
    let Some(documents) = documents(page) else {
        return PageShape::Broken;
    };
    let Some(first) = documents.first() else {
        return PageShape::Broken;
    };
    let Some(entries) = Entries::of(first) else {
        return PageShape::Refused("not a response object");
    };
    let codes: Vec<&str> = entries.all("errorCode").map(|c| c.get()).collect();
    if codes.is_empty() {
        return PageShape::Refused("without an errorCode");
    }
    if codes.iter().any(|c| *c != "0") {
        return PageShape::Refused("an error (errorCode not 0)");
    }
    // A repeated records key makes the page ambiguous: kpi refuses it whole.
    let datas: Vec<_> = entries.all("data").collect();
    let ambiguous = datas.len() > 1
        || datas
            .iter()
            .filter_map(|data| Entries::of(data))
            .any(|data| data.all("dataList").count() > 1);
    if ambiguous {
        return PageShape::Refused("ambiguous (a repeated data or dataList key)");
    }
    let mut records = 0;
    for data in entries.all("data") {
        let Some(data) = Entries::of(data) else {
            continue;
        };
        for list in data.all("dataList") {
            records += elements(list).map_or(0, |items| items.len() as u64);
        }
    }
    PageShape::Records(records)
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text(rest) else { return };
    let mut ingest = CrmIngest::fxiaoke();
    if flags & 1 != 0 {
        let mappings =
            CrmMappings::from_toml(data::FXIAOKE_MAPPINGS).expect("the sample's mappings");
        ingest = ingest.with_mappings(mappings);
    }
    let strict = flags & 2 != 0;
    ingest = ingest.strict(strict);
    if flags & 4 != 0 {
        ingest = ingest.home_currency("CNY");
    }
    ingest_pages(&mut ingest, &pages(text), false, strict, shape);
});
