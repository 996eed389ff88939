//! The content hashes of a period's facts: what a settlement stores so that a later
//! evaluation can name the facts that changed after it closed, and `verify` can say
//! whether the stored statement still follows from them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::fact::{Attribute, FactRecord, FactTable};
use crate::period::Period;

/// The facts dated in a settled period, by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct FactDigest {
    /// The period's label, in a settlement's `trued_up`; absent for its own `facts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub period: Option<String>,
    /// How many facts are dated in the period (a fact split between owners once per
    /// owner: the entries of `owners`).
    pub count: usize,
    /// `sha256:` and the SHA-256 of the owners, fact ids and content hashes (an
    /// `owner id hash` entry per fact and owner, in owner then id order): one value that
    /// changes when any fact does.
    pub digest: String,
    /// By owner (the member id; `unassigned` for a fact without one; a split fact under
    /// each of its owners): fact id → the first 16 hex digits of the SHA-256 of its
    /// content (every field, amounts by value: `1200.5` and `1200.50` are one amount).
    pub owners: BTreeMap<String, BTreeMap<String, String>>,
}

impl FactDigest {
    /// The digest of the facts of `facts` dated in `period`, labelled `label`.
    pub fn of(facts: &FactTable, period: &Period, label: Option<String>) -> Result<FactDigest> {
        let rows: Vec<usize> = (facts.dates().iter().enumerate())
            .filter(|(_, date)| period.contains(**date))
            .map(|(row, _)| row)
            .collect();
        // The hashes on both cores: SHA-256 of every fact of a quarter is most of a
        // true-up's time.
        let mut hashed = Vec::new();
        crate::parallel::in_halves(&rows, 4096, &mut hashed, |&row| {
            Ok::<_, std::convert::Infallible>(facts.record(row).map(|r| {
                let hash = content_hash(&r);
                (r, hash)
            }))
        })
        .unwrap_or_else(|never| match never {});
        let mut owners: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (record, hash) in hashed.into_iter().flatten() {
            let mut holders: Vec<&str> = record.owners.iter().map(|c| c.id.as_str()).collect();
            if holders.is_empty() {
                holders.push(record.owner.as_deref().unwrap_or(crate::org::UNASSIGNED));
            }
            for holder in holders {
                owners
                    .entry(holder.to_owned())
                    .or_default()
                    .insert(record.id.clone(), hash.clone());
            }
        }
        let (count, digest) = digest_of(&owners);
        Ok(FactDigest {
            period: label,
            count,
            digest,
            owners,
        })
    }

    /// Every fact id → its content hash, borrowed (a true-up compares a quarter's
    /// hundreds of thousands of facts: no copies).
    fn ids(&self) -> hashbrown::HashMap<&str, &str> {
        let mut ids = hashbrown::HashMap::new();
        for facts in self.owners.values() {
            for (id, hash) in facts {
                ids.insert(id.as_str(), hash.as_str());
            }
        }
        ids
    }

    /// The facts `now` has that this digest does not name, those it names that `now`
    /// lacks, and those whose content changed, each in id order.
    pub(crate) fn compare(&self, now: &FactDigest) -> (Vec<String>, Vec<String>, Vec<String>) {
        let (then, now) = (self.ids(), now.ids());
        let mut added: Vec<String> = Vec::new();
        let mut changed: Vec<String> = Vec::new();
        for (id, hash) in &now {
            match then.get(id) {
                None => added.push((*id).to_owned()),
                Some(was) if was != hash => changed.push((*id).to_owned()),
                Some(_) => {}
            }
        }
        let mut removed: Vec<String> = then
            .keys()
            .filter(|id| !now.contains_key(*id))
            .map(|id| (*id).to_owned())
            .collect();
        for ids in [&mut added, &mut removed, &mut changed] {
            ids.sort_unstable();
        }
        (added, removed, changed)
    }

    /// A stored digest has hashes of the right form and agrees with itself.
    pub(crate) fn check(&self) -> Result<()> {
        let invalid = |path: String, message: &str| {
            Err(Error::new(ErrorKind::DataInvalidSettlement, message).at_path(path))
        };
        if !is_sha256(&self.digest) {
            return invalid(
                "digest".to_owned(),
                "the facts' digest is not `sha256:` and 64 lowercase hex digits",
            );
        }
        for (owner, ids) in &self.owners {
            for (id, hash) in ids {
                if hash.len() != 16 || !hash.bytes().all(is_lower_hex) {
                    return invalid(
                        format!("owners.{owner}.{id}"),
                        "a fact's hash is not 16 lowercase hex digits",
                    );
                }
            }
        }
        if digest_of(&self.owners) != (self.count, self.digest.clone()) {
            return invalid(
                String::new(),
                "the facts' count or digest does not match the fact hashes it lists",
            );
        }
        Ok(())
    }
}

/// The entries of `owners` and the digest over them, in owner then id order.
fn digest_of(owners: &BTreeMap<String, BTreeMap<String, String>>) -> (usize, String) {
    let mut hasher = Sha256::new();
    let mut count = 0;
    for (owner, facts) in owners {
        for (id, hash) in facts {
            count += 1;
            // Length-prefixed, so no owner or id can pass for another.
            for text in [owner, id] {
                hasher.update(text.len().to_string().as_bytes());
                hasher.update(b":");
                hasher.update(text.as_bytes());
            }
            hasher.update(b" ");
            hasher.update(hash.as_bytes());
            hasher.update(b"\n");
        }
    }
    (count, format!("sha256:{}", hex(&hasher.finalize())))
}

/// `sha256:` and the hex SHA-256 of `bytes`.
pub(crate) fn sha256_text(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// Whether `text` is `sha256:` and 64 lowercase hex digits.
pub(crate) fn is_sha256(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(is_lower_hex))
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    text
}

/// The first 16 hex digits of the SHA-256 of the fact's fields, each length-prefixed,
/// in a fixed order; numbers by value (normalised), so rewriting `1200.50` as `1200.5`
/// is not a change.
fn content_hash(record: &FactRecord) -> String {
    let mut hasher = Sha256::new();
    let mut field = |text: &str| {
        hasher.update(text.len().to_string().as_bytes());
        hasher.update(b":");
        hasher.update(text.as_bytes());
    };
    field(&record.id);
    field(&record.kind);
    field(record.owner.as_deref().unwrap_or(""));
    for credit in &record.owners {
        field(&credit.id);
        field(&credit.share.normalize().to_string());
    }
    field("|");
    field(record.customer.as_deref().unwrap_or(""));
    field(
        &record
            .amount
            .map(|a| a.normalize().to_string())
            .unwrap_or_default(),
    );
    field(record.status.as_deref().unwrap_or(""));
    field(&record.date.to_string());
    for (name, value) in &record.attributes {
        field(name);
        match value {
            Attribute::Bool(b) => field(if *b { "b:true" } else { "b:false" }),
            Attribute::Text(t) => {
                field("t");
                field(t);
            }
            Attribute::Number(n) => {
                field("n");
                field(&n.normalize().to_string());
            }
        }
    }
    let sum = hasher.finalize();
    hex(&sum[..8])
}
