//! The forecast: open deals against a goal's target.
//!
//! ```toml
//! [forecast]
//! open = 'kind == "deal" && status == "open"'   # which facts are open deals (this default)
//! [forecast.stages]
//! "Negotiation/Review" = { category = "commit", probability = 90 }
//! "Proposal/Price Quote" = { category = "best_case", probability = 75 }
//! "Qualification" = { probability = 10 }
//! ```
//!
//! An open deal is dated by its expected close date (the fact's `date`) and falls in one
//! category: its own `attributes.forecast_category`, else its stage's (`attributes.stage`
//! in `[forecast.stages]`), else `pipeline`. Its probability (a percentage, as CRMs write
//! it: a number or decimal text, `80` or `"12.5"`) is its own `attributes.probability`,
//! else its stage's; the weighted pipeline adds
//! amount × probability / 100 over the deals that have one. `omitted` deals count nowhere.
//! The buckets are measured like metrics (credit splits, stints, team roll-ups and
//! `unassigned` alike) under the ids in [`BUCKETS`], over the whole period even when it is
//! evaluated as of a day: a deal expected later in the quarter is still in its forecast.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal::TryArithmetic;
use crate::error::{Error, ErrorKind, Result};
use crate::fact::{Attribute, FactTable};
use crate::metric::filter::CompiledFilter;
use crate::report::Forecast;

/// Which facts are open deals when `[forecast]` does not say.
pub const DEFAULT_OPEN: &str = r#"kind == "deal" && status == "open""#;

/// How open deals forecast a goal: `[forecast]` in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct ForecastRules {
    /// Which facts are open deals, as a filter; [`DEFAULT_OPEN`] when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub open: Option<String>,
    /// Stage name (a deal's `attributes.stage`) → its category and probability.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub stages: BTreeMap<String, ForecastStage>,
}

/// What a stage says of its deals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ForecastStage {
    /// The category of its deals (`pipeline` when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub category: Option<ForecastCategory>,
    /// The chance its deals close, in percent (0 to 100), for the weighted pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "string | number", optional))]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Decimal>")
    )]
    #[serde(deserialize_with = "crate::decimal::exact::option")]
    pub probability: Option<Decimal>,
}

/// A deal's forecast category, as CRMs name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum ForecastCategory {
    /// Expected to close in the period: counts toward the forecast attainment.
    Commit,
    /// Could close with effort.
    BestCase,
    /// Early; open pipeline.
    Pipeline,
    /// Left out of the forecast.
    Omitted,
}

crate::shape::by_name!(ForecastCategory { "commit" => Commit, "best_case" => BestCase, "pipeline" => Pipeline, "omitted" => Omitted });

impl ForecastCategory {
    const NAMES: [(&'static str, ForecastCategory); 4] = [
        ("commit", ForecastCategory::Commit),
        ("best_case", ForecastCategory::BestCase),
        ("pipeline", ForecastCategory::Pipeline),
        ("omitted", ForecastCategory::Omitted),
    ];
}

/// The measures ids of the buckets: commit, best case and pipeline amounts, then the
/// weighted pipeline. A plan's metric may not take these ids.
pub const BUCKETS: [&str; 4] = [
    "forecast:commit",
    "forecast:best_case",
    "forecast:pipeline",
    "forecast:weighted",
];

/// Each bucket's values by fact row (sorted by row), for the open deals in it.
pub(crate) type BucketValues = [Arc<[(usize, Decimal)]>; 4];

impl ForecastRules {
    /// The open-deals filter's text.
    pub(crate) fn open_filter(&self) -> &str {
        self.open.as_deref().unwrap_or(DEFAULT_OPEN)
    }

    /// Checks the stages' probabilities (0 to 100).
    pub(crate) fn check(&self) -> Result<()> {
        for (stage, rules) in &self.stages {
            if let Some(p) = rules.probability
                && !(Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&p)
            {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("a probability is a percentage from 0 to 100, not {p}"),
                )
                .at_path(format!("forecast.stages.{stage}.probability")));
            }
        }
        Ok(())
    }

    /// The bucket values of the open deals (the facts `open` matches) expected to close
    /// in `period`. A deal's own category or probability that cannot be read is an error
    /// at its row; a deal of another period is not read (an old deal's typo does not stop
    /// this quarter's forecast).
    pub(crate) fn bucket_values(
        &self,
        facts: &FactTable,
        open: &CompiledFilter,
        period: &crate::period::Period,
    ) -> Result<BucketValues> {
        let mut buckets: [Vec<(usize, Decimal)>; 4] = Default::default();
        let stage_of = facts.attribute("stage");
        let own_category = facts.attribute("forecast_category");
        let own_probability = facts.attribute("probability");
        for (row, date) in facts.dates().iter().enumerate() {
            let open_deal = open
                .matches(facts, row)
                .map_err(|e| crate::measure::at_row(e.at_path("forecast.open"), facts, row));
            if !period.contains(*date) || !open_deal? {
                continue;
            }
            let Some(amount) = facts.amounts().get(row) else {
                continue;
            };
            // A stage is named by text, or by a number its table writes as text ("3").
            let stage = match stage_of.and_then(|c| c[row].as_ref()) {
                Some(Attribute::Text(name)) => self.stages.get(name.as_str()),
                Some(Attribute::Number(n)) => self.stages.get(&n.normalize().to_string()),
                _ => None,
            };
            let category = match own_category.and_then(|c| c[row].as_ref()) {
                Some(value) => category_of(value).ok_or_else(|| {
                    invalid(
                        facts,
                        row,
                        "forecast_category",
                        value,
                        "commit, best_case, pipeline or omitted",
                    )
                })?,
                None => stage
                    .and_then(|s| s.category)
                    .unwrap_or(ForecastCategory::Pipeline),
            };
            // An omitted deal counts nowhere: its probability is not read either.
            let slot = match category {
                ForecastCategory::Commit => 0,
                ForecastCategory::BestCase => 1,
                ForecastCategory::Pipeline => 2,
                ForecastCategory::Omitted => continue,
            };
            let probability = match own_probability.and_then(|c| c[row].as_ref()) {
                Some(value) => Some(percentage(value).ok_or_else(|| {
                    invalid(facts, row, "probability", value, "a number from 0 to 100")
                })?),
                None => stage.and_then(|s| s.probability),
            };
            buckets[slot].push((row, amount));
            if let Some(p) = probability {
                // Kept to four places beyond the amount's: exact for probabilities with up
                // to two decimals (the usual ones), and a probability such as 100/3 does
                // not give every deal 28 places, whose exact sums would soon overflow.
                let places = (amount.scale() + 4).min(crate::exact::MAX_PLACES);
                let weighted = amount
                    .try_mul(p)
                    .and_then(|v| v.try_div(Decimal::ONE_HUNDRED))
                    .map(|v| {
                        v.round_dp_with_strategy(
                            places,
                            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                        )
                    })
                    .ok_or_else(|| {
                        crate::measure::at_row(
                            crate::decimal::overflow("the weighted pipeline"),
                            facts,
                            row,
                        )
                    })?;
                buckets[3].push((row, weighted));
            }
        }
        Ok(buckets.map(Arc::from))
    }
}

/// A probability in percent: a number, or plain decimal text (`"12.5"`, as JavaScript
/// writes exact decimals), from 0 to 100. `"80%"` is not read.
fn percentage(value: &Attribute) -> Option<Decimal> {
    let p = match value {
        Attribute::Number(n) => *n,
        Attribute::Text(text) => crate::decimal::exact_decimal(text).ok()?,
        Attribute::Bool(_) => return None,
    };
    (Decimal::ZERO..=Decimal::ONE_HUNDRED)
        .contains(&p)
        .then_some(p)
}

fn category_of(value: &Attribute) -> Option<ForecastCategory> {
    let Attribute::Text(text) = value else {
        return None;
    };
    ForecastCategory::NAMES
        .iter()
        .find(|(name, _)| *name == text.as_str())
        .map(|(_, category)| *category)
}

fn invalid(facts: &FactTable, row: usize, field: &str, value: &Attribute, expected: &str) -> Error {
    let written = match value {
        Attribute::Text(text) => format!("{:?}", crate::decimal::shorten(text, 40)),
        Attribute::Number(n) => n.to_string(),
        Attribute::Bool(b) => b.to_string(),
    };
    Error::new(
        ErrorKind::DataInvalidFact,
        format!(
            "deal `{}`: its {field} is {written}, not {expected}",
            crate::decimal::shorten(facts.id_of(row), 40)
        ),
    )
    .at(crate::error::Location {
        path: Some(format!("[{row}].attributes.{field}")),
        row: Some(row as u64),
        ..crate::error::Location::default()
    })
}

/// The forecast of a row: `closed` is its actual, the buckets its scopes' sums.
pub(crate) fn forecast_of(
    buckets: [Decimal; 4],
    closed: Option<Decimal>,
    target: Option<Decimal>,
) -> Result<Forecast> {
    let [commit, best_case, pipeline, weighted] = buckets;
    let overflow = || crate::decimal::overflow("the forecast");
    let closed_sum = closed.unwrap_or(Decimal::ZERO);
    let open = commit
        .try_add(best_case)
        .and_then(|v| v.try_add(pipeline))
        .ok_or_else(overflow)?;
    let remaining = match target {
        Some(t) => Some(
            t.try_sub(closed_sum)
                .ok_or_else(overflow)?
                .max(Decimal::ZERO),
        ),
        None => None,
    };
    let coverage = match remaining {
        // A ratio beyond the decimal range is null, as the row's attainment is.
        Some(r) if !r.is_zero() => crate::decimal::ratio(open, r),
        _ => None,
    };
    let attainment = match target {
        Some(t) if t > Decimal::ZERO => closed_sum
            .try_add(commit)
            .and_then(|v| crate::decimal::ratio(v, t)),
        _ => None,
    };
    Ok(Forecast {
        closed: closed_sum,
        commit,
        best_case,
        pipeline,
        open,
        // amount × probability / 100 leaves trailing zeros (34100.0): one written form.
        weighted: weighted.normalize(),
        remaining,
        coverage,
        attainment,
    })
}
