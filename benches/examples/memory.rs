//! Memory of the fact table against the Arrow size of the same facts.
//!
//! `cargo run --release -p kpi-benches --example memory [FACTS]` (default 10,000,000) builds
//! the bench's order facts and prints the table's heap bytes, the process's resident
//! memory, and the size of the same columns in Arrow's usual form (utf8 strings with
//! 32-bit offsets for id, kind, owner, customer and status; decimal128 amounts; date32
//! dates; a validity bitmap per nullable column).

use kpi_benches::orders;

fn resident_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

// Byte counts far below 2^52 print exactly enough as floats.
#[allow(clippy::cast_precision_loss)]
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let before = resident_bytes().unwrap_or(0);
    let facts = orders(n, 5_000);
    let after = resident_bytes().unwrap_or(0);
    let mut arrow = 0usize;
    for record in facts.records() {
        let utf8 = |s: Option<&str>| 4 + s.map_or(0, str::len);
        arrow += utf8(Some(&record.id))
            + utf8(Some(&record.kind))
            + utf8(record.owner.as_deref())
            + utf8(record.customer.as_deref())
            + utf8(record.status.as_deref())
            + 16 // decimal128
            + 4; // date32
    }
    arrow += 4 * n.div_ceil(8); // validity bitmaps of owner, customer, status, amount
    let heap = facts.heap_bytes();
    let mb = |b: usize| b as f64 / 1e6;
    println!("facts:                     {n}");
    println!("Arrow size:                {:>9.1} MB", mb(arrow));
    println!(
        "FactTable heap:            {:>9.1} MB  ({:.2}x Arrow)",
        mb(heap),
        heap as f64 / arrow as f64
    );
    println!(
        "resident growth (RSS):     {:>9.1} MB  ({:.2}x Arrow)",
        mb(after.saturating_sub(before)),
        after.saturating_sub(before) as f64 / arrow as f64
    );
}
