//! Fuzz target: Zoho CRM pages and CSV exports through `CrmIngest`. The first byte
//! picks the module (bits 0-2), the sample's mappings over the built-in ones (bit 3),
//! strict mode (bit 4), a home currency (bit 5) and CSV exports instead of API pages
//! (bit 6); the rest is up to eight pages separated by 0x1E.
//!
//! Invariants (per page): a result or a coded error; the report accounts for every
//! record and the table grows by exactly the new facts; a failed page changes nothing;
//! every record in every `data` array of a page that parses is read (none silently
//! dropped).
#![no_main]

use kpi_core::ingest::{CrmIngest, CrmMappings};
use kpi_fuzz::{Entries, PageShape, data, documents, elements, ingest_pages, pages, text};
use libfuzzer_sys::fuzz_target;

const MODULES: [&str; 8] = [
    "Deals",
    "Sales_Orders",
    "Invoices",
    "Accounts",
    "Leads",
    "Payments",
    "Refunds",
    "Nope",
];

fn shape(page: &str) -> PageShape {
    let Some(documents) = documents(page) else {
        return PageShape::Broken;
    };
    // A repeated records key makes the page ambiguous: kpi refuses it whole.
    if documents
        .first()
        .and_then(|first| Entries::of(first))
        .is_some_and(|entries| entries.all("data").count() > 1)
    {
        return PageShape::Refused("ambiguous (a repeated data key)");
    }
    // kpi reads the page's first document; whatever follows its end is one
    // `malformed_record` (docs/ingest.md), however many records it holds.
    let mut records = 0;
    if let Some(entries) = documents.first().and_then(|first| Entries::of(first)) {
        for data in entries.all("data") {
            records += elements(data).map_or(0, |items| items.len() as u64);
        }
    }
    if documents.len() > 1 {
        records += 1;
    }
    PageShape::Records(records)
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text(rest) else { return };
    let mut ingest = CrmIngest::zoho(MODULES[usize::from(flags & 7)]);
    if flags & 8 != 0 {
        let mappings = CrmMappings::from_toml(data::ZOHO_MAPPINGS).expect("the sample's mappings");
        ingest = ingest.with_mappings(mappings);
    }
    let strict = flags & 16 != 0;
    ingest = ingest.strict(strict);
    if flags & 32 != 0 {
        ingest = ingest.home_currency("CNY");
    }
    ingest_pages(&mut ingest, &pages(text), flags & 64 != 0, strict, shape);
});
