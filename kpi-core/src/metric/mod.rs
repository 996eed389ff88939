//! Metrics: what is measured. An aggregate of a fact field under a filter, or a formula
//! over other metrics.

pub mod filter;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::fact::Column;
use crate::formula::Unit;

pub use filter::Filter;

/// How the facts that pass a metric's filter are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Aggregate {
    /// The sum of `field`; 0 over no facts. Facts without a value add nothing and are
    /// counted in the measure's `missing`.
    Sum,
    /// The number of facts; 0 over none.
    Count,
    /// The number of distinct values of `field` (a customer, an owner …); 0 over none.
    CountDistinct,
    /// The mean of `field`; `null` over no values.
    Average,
    /// The smallest value of `field`; `null` over no values.
    Min,
    /// The largest value of `field`; `null` over no values.
    Max,
    /// The median of `field` (the mean of the two middle values for an even count);
    /// `null` over no values.
    Median,
}

crate::shape::by_name!(Aggregate { "sum" => Sum, "count" => Count, "count_distinct" => CountDistinct, "average" => Average, "min" => Min, "max" => Max, "median" => Median });

impl Aggregate {
    /// Whether the aggregate reads a number from `field`.
    pub(crate) fn is_numeric(self) -> bool {
        !matches!(self, Aggregate::Count | Aggregate::CountDistinct)
    }
}

/// A metric defined in a plan, under `[metrics.<id>]`: either an aggregate or a formula.
///
/// ```toml
/// [metrics.revenue]
/// aggregate = "sum"
/// field = "amount"
/// filter = 'kind == "order" && status == "won"'
///
/// [metrics.win_rate]
/// formula = "if(won + lost == 0, null, won / (won + lost))"
/// unit = "percent"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MetricDef {
    /// What people call the metric (`销售额`), in any language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub name: Option<String>,
    /// The display name in each locale (`names = { en = "Revenue" }`), next to `name`:
    /// reports in a locale use it, then `name`, then the id.
    #[serde(default, skip_serializing_if = "crate::text::Names::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string>", optional)
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, String>")
    )]
    pub names: crate::text::Names,
    /// The aggregate (for an aggregate metric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub aggregate: Option<Aggregate>,
    /// The field aggregated: `amount` or `attributes.<name>` for numeric aggregates, or
    /// the days from a `YYYY-MM-DD` attribute to the fact's date,
    /// `date - attributes.created`; for `count_distinct` also `customer`, `owner`,
    /// `status`, `kind` or `id`. Not for `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub field: Option<String>,
    /// Which facts count, in the formula language (see [`filter`]). All facts when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub filter: Option<String>,
    /// The date that places a fact in a period: `date` (the fact's own date, the default)
    /// or a date attribute, `attributes.<name>` (`YYYY-MM-DD`), such as a deal's
    /// `attributes.created` to count deals by the day they were opened. Facts without that
    /// attribute are in no period of this metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub date: Option<String>,
    /// A formula over other metrics (for a formula metric), which may also read `target`,
    /// the target of the goal being scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub formula: Option<String>,
    /// The unit: `money`, `percent`, `count`, `number` or `days`. Inferred when omitted
    /// (a sum of `amount` is money, a count is a count, a ratio of like units a percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub unit: Option<Unit>,
    /// Whether more is better (`higher`, the default) or less (`lower`: sales cycle
    /// length, churn). Goals on the metric score in this direction unless they say
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub direction: Option<Direction>,
    /// A human description, shown in reports and the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub description: Option<String>,
}

/// The field an aggregate reads, resolved against the fact columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    Amount,
    Attribute(String),
    Column(Column),
    /// Values the engine computed for some facts (the forecast's buckets), by row,
    /// sorted; the other facts have none.
    Computed(std::sync::Arc<[(usize, rust_decimal::Decimal)]>),
    /// The days from a date attribute to the fact's own date, `date - attributes.created`
    /// (a won deal's cycle: closed minus created). Facts without the attribute, or with
    /// one that is not a supported `YYYY-MM-DD` day, have no value.
    Days(String),
}

/// Where a metric's date comes from when it is not the fact's own date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum DateSource {
    /// A `YYYY-MM-DD` attribute of the fact: `attributes.created`.
    Attribute(String),
    /// The date of the fact whose id the attribute holds: `date(attributes.order)` places
    /// a payment on the day of the order it pays.
    Linked(String),
}

impl DateSource {
    /// Reads `attributes.<name>` or `date(attributes.<name>)`.
    fn parse(text: &str) -> Option<DateSource> {
        let attribute = |t: &str| {
            t.strip_prefix("attributes.")
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
        };
        match text.strip_prefix("date(").and_then(|t| t.strip_suffix(')')) {
            Some(inner) => attribute(inner.trim()).map(DateSource::Linked),
            None => attribute(text).map(DateSource::Attribute),
        }
    }

    /// The date this source gives the fact at `row`; `None` when it has none, or a day
    /// outside the supported range.
    pub(crate) fn date_of(
        &self,
        facts: &crate::fact::FactTable,
        row: usize,
    ) -> Option<chrono::NaiveDate> {
        match self {
            DateSource::Attribute(name) => attribute_date(facts, row, name),
            DateSource::Linked(name) => {
                let linked = facts.row_of(attribute_text(facts, row, name)?)?;
                facts.dates().get(linked).copied()
            }
        }
    }
}

/// The text attribute `name` of the fact at `row`.
fn attribute_text<'f>(
    facts: &'f crate::fact::FactTable,
    row: usize,
    name: &str,
) -> Option<&'f str> {
    match facts.attribute(name).and_then(|c| c[row].as_ref()) {
        Some(crate::fact::Attribute::Text(text)) => Some(text.as_str()),
        _ => None,
    }
}

/// The `YYYY-MM-DD` attribute `name` of the fact at `row`, if it is a supported day.
pub(crate) fn attribute_date(
    facts: &crate::fact::FactTable,
    row: usize,
    name: &str,
) -> Option<chrono::NaiveDate> {
    crate::period::parse_date(attribute_text(facts, row, name)?)
        .and_then(crate::period::check_date)
        .ok()
}

impl Field {
    /// The field's name as written in plans.
    pub(crate) fn name(&self) -> String {
        match self {
            Field::Amount => "amount".to_owned(),
            Field::Attribute(name) => format!("attributes.{name}"),
            Field::Column(column) => Column::NAMES
                .iter()
                .find(|(_, c)| c == column)
                .map_or_else(String::new, |(n, _)| (*n).to_owned()),
            Field::Computed(_) => "forecast".to_owned(),
            Field::Days(from) => format!("date - attributes.{from}"),
        }
    }

    /// Reads `amount`, `attributes.<name>`, a text column name, or the days from a date
    /// attribute to the fact's date (`date - attributes.created`). Only text starting
    /// `date - ` is days, so an attribute whose name holds ` - ` stays an attribute.
    pub(crate) fn parse(text: &str) -> Option<Field> {
        if text == "amount" {
            return Some(Field::Amount);
        }
        if let Some(from) = text.strip_prefix("date - ") {
            return from
                .strip_prefix("attributes.")
                .filter(|n| !n.is_empty())
                .map(|n| Field::Days(n.to_owned()));
        }
        if let Some(name) = text.strip_prefix("attributes.").filter(|n| !n.is_empty()) {
            return Some(Field::Attribute(name.to_owned()));
        }
        Column::NAMES
            .iter()
            .find(|(n, _)| *n == text)
            .map(|(_, c)| Field::Column(*c))
    }
}

impl MetricDef {
    /// Checks the parts that do not depend on other metrics; errors name the field under
    /// `metrics.<id>`.
    pub(crate) fn check_shape(&self, id: &str) -> Result<()> {
        let at = |field: &str| format!("metrics.{id}.{field}");
        let invalid = |field: &str, message: String| {
            Err(Error::new(ErrorKind::PlanInvalid, message).at_path(at(field)))
        };
        if id.is_empty() || !id.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(Error::new(
                ErrorKind::PlanInvalid,
                format!("metric id `{id}` must be letters, digits and underscores"),
            )
            .at_path(format!("metrics.{id}")));
        }
        match (self.aggregate, &self.formula) {
            (Some(_), Some(_)) => {
                return invalid(
                    "formula",
                    "a metric is an aggregate or a formula, not both".into(),
                );
            }
            (None, None) => {
                return invalid(
                    "aggregate",
                    "a metric needs an `aggregate` or a `formula`".into(),
                );
            }
            (None, Some(_)) => {
                if self.field.is_some() || self.filter.is_some() {
                    return invalid(
                        "formula",
                        "a formula metric takes no `field` or `filter`".into(),
                    );
                }
                return Ok(());
            }
            (Some(_), None) => {}
        }
        let aggregate = self.aggregate.expect("checked above");
        match (
            aggregate,
            self.field.as_deref().map(|f| (f, Field::parse(f))),
        ) {
            (Aggregate::Count, Some(_)) => {
                return invalid("field", "a count counts facts and takes no `field`".into());
            }
            (Aggregate::Count, None) => {}
            (_, None) => {
                return invalid(
                    "field",
                    format!("`{}` needs a `field`", aggregate_name(aggregate)),
                );
            }
            (_, Some((text, None))) => {
                return invalid(
                    "field",
                    format!(
                        "unknown field `{text}`: use amount, attributes.<name>, customer, owner, status, kind, id, or the days since a date attribute (`date - attributes.created`)"
                    ),
                );
            }
            (a, Some((text, Some(Field::Column(_))))) if a.is_numeric() => {
                return invalid(
                    "field",
                    format!("`{}` needs a number; `{text}` is text", aggregate_name(a)),
                );
            }
            _ => {}
        }
        if let Some(filter) = &self.filter {
            Filter::parse(filter).map_err(|e| e.at_path(at("filter")))?;
        }
        if let Some(date) = &self.date
            && date != "date"
            && DateSource::parse(date).is_none()
        {
            return invalid(
                "date",
                format!(
                    "`{date}` is not a date field: use `date`, `attributes.<name>` or the date of a linked fact, `date(attributes.<name>)`"
                ),
            );
        }
        Ok(())
    }

    /// Where the date that places facts in periods comes from, if not the fact's own date.
    pub(crate) fn date_source(&self) -> Option<DateSource> {
        self.date.as_deref().and_then(DateSource::parse)
    }

    /// The unit an aggregate metric has when none is declared.
    pub(crate) fn aggregate_unit(&self) -> Unit {
        if let Some(unit) = self.unit {
            return unit;
        }
        match (self.aggregate, self.field.as_deref()) {
            (Some(Aggregate::Count | Aggregate::CountDistinct), _) => Unit::Count,
            (_, Some("amount")) => Unit::Money,
            (_, Some(field)) if matches!(Field::parse(field), Some(Field::Days(_))) => Unit::Days,
            _ => Unit::Number,
        }
    }
}

fn aggregate_name(aggregate: Aggregate) -> &'static str {
    match aggregate {
        Aggregate::Sum => "sum",
        Aggregate::Count => "count",
        Aggregate::CountDistinct => "count_distinct",
        Aggregate::Average => "average",
        Aggregate::Min => "min",
        Aggregate::Max => "max",
        Aggregate::Median => "median",
    }
}

/// Whether more or less is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Direction {
    /// More is better: attainment is `actual / target`.
    #[default]
    Higher,
    /// Less is better: attainment is `2 - actual / target` (at least 0), so it is 1 on
    /// target, above 1 below it, and falls by the same steps as a higher-is-better goal.
    Lower,
}

crate::shape::by_name!(Direction { "higher" => Higher, "lower" => Lower });
