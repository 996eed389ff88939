//! The pay cycle: a period is closed into a [`Settlement`] (its statements as paid, the
//! plan's hash, the content hash of every fact dated in it, who approved it and when),
//! and later evaluations true up the settled periods: each is priced again with today's
//! facts, and what it now comes to, less everything paid for it, goes on the current
//! statement as [`Adjustment`](crate::report::Adjustment) lines that name the facts that changed.
//!
//! A settlement is data: it serialises to stable, versioned JSON that a service, a
//! notebook or a browser keeps anywhere, and nothing in kpi changes it. Paying the
//! adjustments of every later close and the final recomputation's difference pays each
//! period exactly what it finally comes to (a property test checks this to the cent).

mod digest;
mod trueup;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal::shorten;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fact::FactTable;
use crate::maps::IntoMap;
use crate::period::{Period, PeriodInfo};
use crate::plan::{CompiledPlan, Plan};
use crate::report::{Balances, Report};

pub use crate::report::{Dispute, Resolution};
pub use digest::FactDigest;

/// The settlement format this library reads and writes.
pub const SETTLEMENT_VERSION: u32 = 1;

/// A closed period: what was paid for it, on which plan and facts, approved by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Settlement {
    /// The format's version: [`SETTLEMENT_VERSION`].
    pub version: u32,
    /// The period closed.
    pub period: PeriodInfo,
    /// `sha256:` and the SHA-256 of the plan's JSON (as the plan writes it with
    /// `to_json`) when it closed.
    pub plan: String,
    /// Who approved the statements: a name, an e-mail, a user id.
    pub approved_by: String,
    /// When: an RFC 3339 time stamp (`2027-04-03T09:30:00+08:00`).
    pub approved_at: String,
    /// The draw balances the period was evaluated with (member id → incentive id →
    /// amount), so that it can be priced again exactly.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::decimal::exact::nested_map"
    )]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, Record<string, string>>", optional)
    )]
    pub carried_in: Balances,
    /// Every line paid, member by member in the report's order: the period's own lines,
    /// then the true-ups of earlier settled periods (those name their `period`).
    pub lines: Vec<SettledLine>,
    /// What each member was paid in all (member id → amount).
    #[serde(deserialize_with = "crate::decimal::exact::map")]
    #[cfg_attr(feature = "typescript", tsify(type = "Record<string, string>"))]
    pub totals: BTreeMap<String, Decimal>,
    /// The draw balances carried to the next period (member id → incentive id → amount).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::decimal::exact::nested_map"
    )]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, Record<string, string>>", optional)
    )]
    pub balances: Balances,
    /// The facts dated in the period, by content hash.
    pub facts: FactDigest,
    /// The settlements this one was closed after (period label → the settlement's
    /// `hash`): a later evaluation needs them all, or it would pay again what they paid.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub follows: BTreeMap<String, String>,
    /// For each earlier period this close trued up, its facts as they stood then (each
    /// names its `period`): a later true-up names what changed since this one was paid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub trued_up: Vec<FactDigest>,
}

/// What [`Settlement::hash`] hashes: the settlement with each fact digest standing for
/// its fact hashes.
#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    period: &'a PeriodInfo,
    plan: &'a str,
    approved_by: &'a str,
    approved_at: &'a str,
    carried_in: &'a Balances,
    lines: &'a [SettledLine],
    totals: &'a BTreeMap<String, Decimal>,
    balances: &'a Balances,
    facts: &'a str,
    follows: &'a BTreeMap<String, String>,
    trued_up: Vec<(Option<&'a str>, &'a str)>,
}

/// Who approves a close, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Who approved it: a name, an e-mail, a user id (1 to 200 characters).
    pub by: String,
    /// When: an RFC 3339 time stamp (`2027-04-03T09:30:00+08:00`).
    pub at: String,
}

/// A statement line as paid: one of the period's own, or a true-up of an earlier
/// settled period (with that period's label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SettledLine {
    /// The member id.
    pub member: String,
    /// For a true-up, the label of the period it trues up; absent for the period's own
    /// lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub period: Option<String>,
    /// For the payment of a resolved dispute, the dispute's id: it is paid once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub dispute: Option<String>,
    /// The incentive id.
    pub incentive: String,
    /// The component's position, from 0; `null` for the incentive's own cap.
    pub component: Option<usize>,
    /// The line's kind.
    pub kind: String,
    /// The amount paid (negative when taken back).
    #[serde(deserialize_with = "crate::decimal::exact::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub amount: Decimal,
}

/// What verifying a settlement found: whether the stored statements still follow from
/// the plan and the facts the settlement names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Verification {
    /// Everything matches: the plan, every fact's content, every statement.
    pub matches: bool,
    /// The plan's hash is the settlement's.
    pub plan_matches: bool,
    /// Ids of facts dated in the period that the settlement does not name.
    pub added: Vec<String>,
    /// Ids the settlement names that are no longer among the facts.
    pub removed: Vec<String>,
    /// Ids whose content changed.
    pub changed: Vec<String>,
    /// The period's own lines that price differently now (true-ups and dispute payments
    /// are not the period's pricing).
    pub differences: Vec<LineDifference>,
}

/// A line whose amount differs from the settled one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct LineDifference {
    /// The member id.
    pub member: String,
    /// The incentive id.
    pub incentive: String,
    /// The component's position; `null` for the incentive's own lines (cap, draw).
    pub component: Option<usize>,
    /// The settled amount.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub settled: Decimal,
    /// The amount priced again.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub now: Decimal,
}

impl Settlement {
    /// Reads a settlement from its JSON text, every amount exactly. A malformed one is
    /// `data.invalid_settlement` with the path of the bad field.
    pub fn from_json(text: &str) -> Result<Settlement> {
        let json = crate::json::parse(text).map_err(|e| {
            Error::new(ErrorKind::DataInvalidSettlement, e.message).at(Location {
                line: u32::try_from(e.line).ok(),
                column: u32::try_from(e.column).ok(),
                ..Location::default()
            })
        })?;
        Settlement::from_json_value(json.to_value())
    }

    /// Reads a settlement from a parsed JSON value (what the bindings hand over).
    pub fn from_json_value(value: serde_json::Value) -> Result<Settlement> {
        let settlement: Settlement = crate::error::deserialize_located(value).map_err(|l| {
            Error::new(ErrorKind::DataInvalidSettlement, l.message()).at_path(l.path())
        })?;
        settlement.check()?;
        Ok(settlement)
    }

    /// `sha256:` and the SHA-256 of the settlement's JSON with each fact digest in place
    /// of the fact hashes it is made of: how a later settlement names it (`follows`).
    pub fn hash(&self) -> String {
        // Everything but the per-fact hashes, which `facts.digest` (checked against them
        // when a settlement is read) stands for: hashing a quarter's facts again at every
        // evaluation would cost more than the evaluation.
        // Every field named: a new field is a compile error here until it is hashed.
        let Settlement {
            version,
            period,
            plan,
            approved_by,
            approved_at,
            carried_in,
            lines,
            totals,
            balances,
            facts,
            follows,
            trued_up,
        } = self;
        let head = Head {
            version: *version,
            period,
            plan,
            approved_by,
            approved_at,
            carried_in,
            lines,
            totals,
            balances,
            facts: &facts.digest,
            follows,
            trued_up: (trued_up.iter())
                .map(|d| (d.period.as_deref(), d.digest.as_str()))
                .collect(),
        };
        let json = crate::json::write(&head, false, false).expect("a settlement always serialises");
        digest::sha256_text(json.as_bytes())
    }

    /// The settlement as JSON text: the stable form to store.
    pub fn to_json(&self) -> String {
        crate::json::write(self, false, false).expect("a settlement always serialises")
    }

    /// Whether the stored statements still follow from `plan` and `facts`: the plan's
    /// hash, the content of every fact dated in the period, and every line priced again
    /// (with the same carried balances) against what was paid.
    pub fn verify(&self, plan: &CompiledPlan, facts: &FactTable) -> Result<Verification> {
        self.check()?;
        let period = self.period.to_period(&plan.calendar);
        let now = FactDigest::of(facts, &period, None)?;
        let (added, removed, changed) = self.facts.compare(&now);
        let report = plan.evaluate_with(facts, &period, &self.carried_in)?;
        let differences = trueup::differences(self, &report)?;
        let plan_matches = plan_hash(plan) == self.plan;
        Ok(Verification {
            matches: plan_matches
                && added.is_empty()
                && removed.is_empty()
                && changed.is_empty()
                && differences.is_empty()
                && now.digest == self.facts.digest,
            plan_matches,
            added,
            removed,
            changed,
            differences,
        })
    }

    /// Refuses what no close writes: another version, a time stamp that is not RFC 3339,
    /// an empty approver, a period that is not a span of supported days, hashes of the
    /// wrong form.
    fn check(&self) -> Result<()> {
        let invalid = |path: &str, message: String| -> Result<()> {
            Err(Error::new(ErrorKind::DataInvalidSettlement, message).at_path(path))
        };
        if self.version != SETTLEMENT_VERSION {
            return invalid(
                "version",
                format!(
                    "settlement version {} is not supported; this library reads version {SETTLEMENT_VERSION}",
                    self.version
                ),
            );
        }
        let supported = crate::period::check_date(self.period.start).is_ok()
            && crate::period::check_end(self.period.end).is_ok()
            && self.period.start < self.period.end;
        if !supported {
            return invalid(
                "period",
                "the period is not a span of supported days: it ends after it starts, from 1000-01-01 to 9999-12-31".to_owned(),
            );
        }
        check_approval(
            &self.approved_by,
            &self.approved_at,
            "approved_",
            ErrorKind::DataInvalidSettlement,
        )?;
        if !digest::is_sha256(&self.plan) {
            return invalid(
                "plan",
                "the plan's hash is not `sha256:` and 64 lowercase hex digits".to_owned(),
            );
        }
        self.facts.check().map_err(|e| under(&e, "facts"))?;
        for (i, digest) in self.trued_up.iter().enumerate() {
            digest
                .check()
                .map_err(|e| under(&e, &format!("trued_up[{i}]")))?;
        }
        Ok(())
    }
}

/// Reads a list of stored settlements from JSON (what the bindings hand over): an error
/// names the settlement and the field, `settlements[1].facts.digest`.
pub fn settlements_from_json(value: serde_json::Value) -> Result<Vec<Settlement>> {
    let serde_json::Value::Array(items) = value else {
        return Err(Error::new(
            ErrorKind::DataInvalidSettlement,
            "settlements are a list of settlements",
        )
        .at_path("settlements"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            Settlement::from_json_value(item).map_err(|e| under(&e, &format!("settlements[{i}]")))
        })
        .collect()
}

/// Reads a list of disputes from JSON (what the bindings hand over): an error names the
/// dispute and the field, `disputes[0].resolution.amount`.
pub fn disputes_from_json(value: serde_json::Value) -> Result<Vec<Dispute>> {
    crate::error::deserialize_located(value).map_err(|l| {
        let path = l.path();
        let path = if path.is_empty() {
            "disputes".to_owned()
        } else if path.starts_with('[') {
            format!("disputes{path}")
        } else {
            format!("disputes.{path}")
        };
        Error::new(ErrorKind::DataInvalidArgument, l.message()).at_path(path)
    })
}

/// Each dispute names a member, a period the calendar reads, RFC 3339 times and a
/// reason, and no id is used twice.
fn check_disputes(
    plan: &CompiledPlan,
    settlements: &[Settlement],
    disputes: &[Dispute],
) -> Result<()> {
    let mut ids: hashbrown::HashSet<&str> = hashbrown::HashSet::new();
    for (i, dispute) in disputes.iter().enumerate() {
        let at = |field: &str, message: String| {
            Err(Error::new(ErrorKind::DataInvalidArgument, message)
                .at_path(format!("disputes[{i}].{field}")))
        };
        if !ids.insert(dispute.id.as_str()) {
            return at(
                "id",
                format!(
                    "the dispute id `{}` is used twice",
                    shorten(&dispute.id, 40)
                ),
            );
        }
        if !plan.org.members.iter().any(|m| m.id == dispute.member) {
            return at(
                "member",
                format!(
                    "`{}` is not a member of the plan",
                    shorten(&dispute.member, 40)
                ),
            );
        }
        if let Some(incentive) = &dispute.incentive {
            if !plan.incentives.iter().any(|inc| &inc.id == incentive) {
                return at(
                    "incentive",
                    format!(
                        "`{}` is not an incentive of the plan",
                        shorten(incentive, 40)
                    ),
                );
            }
        }
        for (field, text) in [
            ("id", &dispute.id),
            ("member", &dispute.member),
            ("reason", &dispute.reason),
        ] {
            if text.trim().is_empty() || text.chars().count() > 2000 {
                return at(field, format!("`{field}` is 1 to 2000 characters"));
            }
        }
        if let Err(e) = plan.parse_period(&dispute.period) {
            return at(
                "period",
                format!(
                    "`{}` is not a period: {}",
                    shorten(&dispute.period, 40),
                    e.message()
                ),
            );
        }
        check_approval(
            &dispute.raised_by,
            &dispute.raised_at,
            &format!("disputes[{i}].raised_"),
            ErrorKind::DataInvalidArgument,
        )?;
        if let Some(resolution) = &dispute.resolution {
            check_approval(
                &resolution.by,
                &resolution.at,
                &format!("disputes[{i}].resolution."),
                ErrorKind::DataInvalidArgument,
            )?;
        }
        // A dispute's id is its identity for all time: a settlement that paid another
        // dispute under it would make this one look paid.
        let paid_as = settlements
            .iter()
            .flat_map(|s| &s.lines)
            .find(|l| l.dispute.as_deref() == Some(dispute.id.as_str()));
        if let Some(line) = paid_as {
            if line.member != dispute.member
                || line.period.as_deref() != Some(dispute.period.as_str())
            {
                return at(
                    "id",
                    format!(
                        "the dispute id `{}` was paid for another dispute ({}, {}): a dispute id is used once, for all time",
                        shorten(&dispute.id, 40),
                        shorten(&line.member, 40),
                        shorten(line.period.as_deref().unwrap_or_default(), 40)
                    ),
                );
            }
        }
    }
    Ok(())
}

/// The error with its path under `prefix`.
fn under(e: &Error, prefix: &str) -> Error {
    let path = match e.location().path.as_deref() {
        None | Some("" | ".") => prefix.to_owned(),
        Some(p) if p.starts_with('[') => format!("{prefix}{p}"),
        Some(p) => format!("{prefix}.{p}"),
    };
    let location = Location {
        path: Some(path),
        ..e.location().clone()
    };
    Error::new(e.kind(), e.message()).at(location)
}

/// The approver is named and the time stamp is RFC 3339; errors are at `{prefix}by` and
/// `{prefix}at`.
fn check_approval(by: &str, at: &str, prefix: &str, kind: ErrorKind) -> Result<()> {
    let invalid = |field: &str, message: &str| {
        Err(Error::new(kind, message).at_path(format!("{prefix}{field}")))
    };
    if by.trim().is_empty() {
        return invalid("by", "who it was is not named");
    }
    if by.chars().count() > 200 || by.chars().any(char::is_control) {
        return invalid(
            "by",
            "the approver is at most 200 characters, without control characters",
        );
    }
    if crate::period::rfc3339::instant(at).is_none() {
        return invalid(
            "at",
            "the time is not an RFC 3339 time stamp such as 2027-04-03T09:30:00+08:00",
        );
    }
    Ok(())
}

/// `sha256:` and the hex SHA-256 of the plan's JSON.
fn plan_hash(plan: &Plan) -> String {
    digest::sha256_text(plan.to_json().as_bytes())
}

impl CompiledPlan {
    /// Evaluates `period` with the earlier `settlements` trued up: each settled period is
    /// priced again with today's facts, and each line that now comes to more or less than
    /// everything paid for it gets an [`Adjustment`](crate::report::Adjustment) on the
    /// member's statement (the statement's total includes it). The settled periods are
    /// priced in order with their draw balances chained, and `period` starts from the
    /// balances the last of them now carries out.
    ///
    /// A settlement of a period that overlaps `period` is `data.period_locked`: a closed
    /// period is never evaluated for payment again; two settlements of one period are
    /// `data.invalid_settlement`.
    ///
    /// `disputes` are the members' disputes (kept by the caller): an open one is listed
    /// on the member's statement (`statement.disputes`); a resolved one that no settlement
    /// has paid yet is paid as an adjustment of kind `dispute` naming it. A dispute that
    /// is malformed (an id used twice, a time stamp that is not RFC 3339, a period label
    /// the calendar does not read) is `data.invalid_argument` at `disputes[i]`.
    pub fn evaluate_settled(
        &self,
        facts: &FactTable,
        period: &Period,
        settlements: &[Settlement],
        disputes: &[Dispute],
    ) -> Result<Report> {
        trueup::true_up(self, facts, period, settlements, disputes).map(|t| t.report)
    }

    /// Closes `period`: evaluates it with the earlier `settlements` trued up and the
    /// resolved `disputes` paid ([`CompiledPlan::evaluate_settled`]) and returns the [`Settlement`] to store, with
    /// the statements as paid, the plan's hash, the facts' content hashes and the
    /// approval. The same inputs give the same settlement, byte for byte.
    pub fn close(
        &self,
        facts: &FactTable,
        period: &Period,
        settlements: &[Settlement],
        disputes: &[Dispute],
        approval: Approval,
    ) -> Result<Settlement> {
        check_approval(
            &approval.by,
            &approval.at,
            "approved_",
            ErrorKind::DataInvalidArgument,
        )?;
        let trueup::TrueUp {
            report,
            trued_up,
            carried_in,
        } = trueup::true_up(self, facts, period, settlements, disputes)?;
        let (lines, totals, balances) = trueup::settled(&report);
        let follows = settlements
            .iter()
            .map(|s| (s.period.label.clone(), s.hash()))
            .into_map();
        Ok(Settlement {
            version: SETTLEMENT_VERSION,
            period: PeriodInfo::from(period),
            plan: plan_hash(self),
            approved_by: approval.by,
            approved_at: approval.at,
            carried_in,
            lines,
            totals,
            balances,
            facts: FactDigest::of(facts, period, None)?,
            follows,
            trued_up,
        })
    }

    /// [`Settlement::verify`] with this plan.
    pub fn verify_settlement(
        &self,
        settlement: &Settlement,
        facts: &FactTable,
    ) -> Result<Verification> {
        settlement.verify(self, facts)
    }
}

impl Plan {
    /// [`CompiledPlan::evaluate_settled`], compiling the plan for the call.
    pub fn evaluate_settled(
        &self,
        facts: &FactTable,
        period: &Period,
        settlements: &[Settlement],
        disputes: &[Dispute],
    ) -> Result<Report> {
        self.clone()
            .compile()?
            .evaluate_settled(facts, period, settlements, disputes)
    }

    /// [`CompiledPlan::close`], compiling the plan for the call.
    pub fn close(
        &self,
        facts: &FactTable,
        period: &Period,
        settlements: &[Settlement],
        disputes: &[Dispute],
        approval: Approval,
    ) -> Result<Settlement> {
        self.clone()
            .compile()?
            .close(facts, period, settlements, disputes, approval)
    }
}
