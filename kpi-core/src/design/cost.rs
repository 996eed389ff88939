//! The plan's payout cost under an attainment distribution: a seeded simulation, priced
//! by the engine, with the expected value and the 50th, 90th and 99th percentiles per
//! member, per incentive and for the whole org, and the cost as a share of revenue.
//!
//! Draws are deterministic everywhere: `SplitMix64` for uniform numbers and `libm` (pure
//! Rust, the same bits on every platform) for the logarithm, square root and cosine of
//! the Box–Muller transform. Each drawn attainment is rounded to a hundredth of a percent
//! and from there every amount is an exact decimal, so a seed gives the same cents in
//! every language.

use rust_decimal::Decimal;
use serde::Serialize;

use super::subject::{Explore, Subject};
use crate::decimal::{OrOverflow, TryArithmetic, checked_sum};
use crate::error::{Error, ErrorKind, Result};
use crate::incentive::Cap;
use crate::org::{ScopeKind, UNASSIGNED};
use crate::plan::Plan;
use crate::report::Report;

/// How attainment is distributed across members and periods (`1` is 100%).
#[derive(Debug, Clone, PartialEq)]
pub enum Attainment {
    /// Normal with this mean and standard deviation (negative draws count as 0).
    Normal {
        /// The mean attainment.
        mean: Decimal,
        /// The standard deviation.
        sd: Decimal,
    },
    /// Log-normal: `exp(N(mu, sigma))`.
    LogNormal {
        /// The mean of the attainment's logarithm.
        mu: Decimal,
        /// The standard deviation of the attainment's logarithm.
        sigma: Decimal,
    },
    /// Each draw one of these attainments (past results), equally likely.
    Empirical(Vec<Decimal>),
}

impl Attainment {
    /// Reads a distribution from its JSON form, as the bindings pass it:
    /// `{"normal": {"mean": "1.0", "sd": "0.2"}}`, `{"lognormal": {"mu": "0", "sigma":
    /// "0.25"}}` or `{"empirical": ["0.8", "1.1", …]}`, decimals as numbers or text. An
    /// error is `data.invalid_argument` at the field's path under `attainment`.
    pub fn from_json_value(value: &serde_json::Value) -> Result<Attainment> {
        let bad = |path: &str, message: &str| invalid(&format!("attainment{path}"), message);
        let decimal = |value: Option<&serde_json::Value>, path: &str| {
            let value = value.ok_or_else(|| bad(path, "a decimal is missing here"))?;
            crate::shape::decimal::<serde_json::Error>(value.clone())
                .map_err(|e| bad(path, &format!("not an exact decimal: {e}")))
        };
        let object = value.as_object().filter(|o| o.len() == 1).ok_or_else(|| {
            bad(
                "",
                "an attainment distribution is one of {\"normal\": {mean, sd}}, {\"lognormal\": {mu, sigma}} or {\"empirical\": [attainments]}",
            )
        })?;
        let (kind, body) = object.iter().next().ok_or_else(|| bad("", "empty"))?;
        let fields = |names: [&str; 2]| -> Result<[Decimal; 2]> {
            let map = body
                .as_object()
                .ok_or_else(|| bad(&format!(".{kind}"), "a table of two decimals"))?;
            if let Some(other) = map.keys().find(|k| !names.contains(&k.as_str())) {
                return Err(bad(
                    &format!(".{kind}.{other}"),
                    &format!("unknown field; expected {} and {}", names[0], names[1]),
                ));
            }
            Ok([
                decimal(map.get(names[0]), &format!(".{kind}.{}", names[0]))?,
                decimal(map.get(names[1]), &format!(".{kind}.{}", names[1]))?,
            ])
        };
        match kind.as_str() {
            "normal" => {
                let [mean, sd] = fields(["mean", "sd"])?;
                Ok(Attainment::Normal { mean, sd })
            }
            "lognormal" => {
                let [mu, sigma] = fields(["mu", "sigma"])?;
                Ok(Attainment::LogNormal { mu, sigma })
            }
            "empirical" => {
                let list = body
                    .as_array()
                    .ok_or_else(|| bad(".empirical", "a list of attainments"))?;
                list.iter()
                    .enumerate()
                    .map(|(i, v)| decimal(Some(v), &format!(".empirical[{i}]")))
                    .collect::<Result<Vec<_>>>()
                    .map(Attainment::Empirical)
            }
            other => Err(bad(
                &format!(".{other}"),
                "unknown distribution; expected normal, lognormal or empirical",
            )),
        }
    }
}

impl Attainment {
    /// Past attainments as a distribution to draw from: the attainment of every member's
    /// row of goal `goal` in `reports` (reports of past periods, from `Plan::evaluate`), in
    /// order. `unassigned` and rows without an attainment are left out; a negative
    /// attainment (refunds above sales) counts as 0 and one above 1000% as 1000%, the
    /// range the simulation draws in. No such row is `data.invalid_argument` at `goal`.
    pub fn from_reports<'a>(
        reports: impl IntoIterator<Item = &'a Report>,
        goal: &str,
    ) -> Result<Attainment> {
        let most = Decimal::TEN;
        let past: Vec<Decimal> = reports
            .into_iter()
            .flat_map(|report| &report.scorecards)
            .filter(|row| {
                row.goal == goal && row.scope == ScopeKind::Member && row.id != UNASSIGNED
            })
            .filter_map(|row| row.attainment)
            // Negative (and negative zero) as 0, as every binding writes it.
            .map(|a| {
                if a.is_sign_negative() {
                    Decimal::ZERO
                } else {
                    a.min(most)
                }
            })
            .collect();
        if past.is_empty() {
            return Err(invalid(
                "goal",
                &format!("no member has an attainment of goal `{goal}` in these reports"),
            ));
        }
        Ok(Attainment::Empirical(past))
    }
}

/// The figures of one simulated cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostFigures {
    /// The mean over the trials.
    pub expected: Decimal,
    /// Half the trials cost at most this.
    pub p50: Decimal,
    /// Nine trials in ten cost at most this.
    pub p90: Decimal,
    /// 99 trials in 100 cost at most this.
    pub p99: Decimal,
    /// The most any trial cost.
    pub max: Decimal,
}

/// One incentive's simulated cost for the whole org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncentiveCost {
    /// The incentive's id.
    pub incentive: String,
    /// Its cost per payout period, summed over the members.
    pub total: CostFigures,
}

/// The result of [`Plan::simulate_cost`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostSimulation {
    /// The trials run (payout periods simulated).
    pub trials: u32,
    /// The seed.
    pub seed: u64,
    /// The members paid in each trial.
    pub members: usize,
    /// One member's pay per payout period, over all incentives.
    pub per_member: CostFigures,
    /// The org's pay per payout period.
    pub total: CostFigures,
    /// Each incentive's share of it.
    pub incentives: Vec<IncentiveCost>,
    /// The expected revenue per payout period: attainment × the target of the sum the
    /// first rate or tier component pays on, summed over the members.
    pub revenue: Decimal,
    /// `total.expected / revenue`, when there is revenue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_share: Option<Decimal>,
    /// The components that pay nothing in the simulation: SPIFFs, clawbacks and
    /// collections (priced per fact), and those the design check does not explore.
    pub not_priced: Vec<String>,
}

/// The most trials a simulation runs.
pub const MAX_TRIALS: u32 = 100_000;

/// The most draws (trials × members) a simulation makes.
const MAX_DRAWS: u64 = 1_000_000;

/// The most prices (draws × components, or incentives) a simulation computes.
const MAX_PRICES: u64 = 10_000_000;

impl Plan {
    /// Simulates the plan's payout cost over `trials` payout periods: in each, every one
    /// of `members` (the org's people when `None`; they take the people's target
    /// incentives in turn) draws an attainment from `attainment`, and each incentive
    /// component is priced at it by the engine, as the design check prices it (every goal
    /// at that attainment of its target; gates open), then each incentive's cap and draw
    /// apply. The seed makes it repeatable. Limits: docs/design.md, "What the plan
    /// costs".
    pub fn simulate_cost(
        &self,
        attainment: &Attainment,
        trials: u32,
        seed: u64,
        members: Option<usize>,
    ) -> Result<CostSimulation> {
        self.check()?;
        check_arguments(attainment, trials, members)?;
        // People, not stints: a member who moved teams is one member.
        let mut people: Vec<&str> = self.org.members.iter().map(|m| m.id.as_str()).collect();
        people.sort_unstable();
        people.dedup();
        let members = match members {
            Some(members) => members,
            None if people.is_empty() => {
                return Err(invalid(
                    "members",
                    "the org has no members: say how many to simulate",
                ));
            }
            None => people.len(),
        };
        let (subjects, not_priced) = self.cost_subjects()?;
        let components: usize = subjects.iter().map(Vec::len).sum();
        let draw_count = u64::from(trials) * members as u64;
        if draw_count > MAX_DRAWS
            || draw_count * (components.max(self.incentives.len()) as u64) > MAX_PRICES
        {
            return Err(invalid(
                "trials",
                "`trials` × `members` must be at most 1,000,000 draws, and × the incentives' components at most 10,000,000 prices",
            ));
        }
        let mut random = SplitMix64(seed);
        let mut per_member = Vec::new();
        let mut totals = Vec::with_capacity(trials as usize);
        let mut by_incentive = vec![Vec::new(); self.incentives.len()];
        let mut revenue = Decimal::ZERO;
        // Revenue: the target of the first rate or tier component on a sum.
        let scale = subjects
            .iter()
            .flatten()
            .find(|s| {
                s.aggregate == Some(crate::metric::Aggregate::Sum) && s.component.metric().is_some()
            })
            .map(|s| s.scale);
        for _ in 0..trials {
            let mut trial = vec![Decimal::ZERO; self.incentives.len()];
            for k in 0..members {
                // The simulated members take the org's people in turn: each their own
                // target incentive.
                let person = people.get(k % people.len().max(1)).copied();
                let drawn = draw(attainment, &mut random);
                let mut paid_member = Decimal::ZERO;
                for (i, incentive) in self.incentives.iter().enumerate() {
                    let paid =
                        incentive_pay(&subjects[i], incentive, person, drawn, self.rounding)?;
                    trial[i] = add(trial[i], paid)?;
                    paid_member = add(paid_member, paid)?;
                }
                per_member.push(paid_member);
                if let Some(scale) = scale {
                    let sold = drawn.try_mul(scale).or_overflow(|| "the revenue")?;
                    revenue = add(revenue, sold)?;
                }
            }
            totals.push(checked_sum(trial.iter().copied()).or_overflow(|| "a trial's cost")?);
            for (i, paid) in trial.into_iter().enumerate() {
                by_incentive[i].push(paid);
            }
        }
        let rounding = self.rounding;
        let total = figures(totals, rounding)?;
        let revenue = rounding.apply(
            revenue
                .try_div(Decimal::from(trials))
                .or_overflow(|| "the expected revenue")?,
        )?;
        let cost_share = if revenue.is_zero() {
            None
        } else {
            Some(
                total
                    .expected
                    .try_div(revenue)
                    .or_overflow(|| "the cost as a share of revenue")?
                    .round_dp(4),
            )
        };
        Ok(CostSimulation {
            trials,
            seed,
            members,
            per_member: figures(per_member, rounding)?,
            total,
            incentives: self
                .incentives
                .iter()
                .zip(by_incentive)
                .map(|(incentive, paid)| {
                    Ok(IncentiveCost {
                        incentive: incentive.id.clone(),
                        total: figures(paid, rounding)?,
                    })
                })
                .collect::<Result<_>>()?,
            revenue,
            cost_share,
            not_priced,
        })
    }

    /// The explorable components of each incentive, and the paths of the others (which
    /// pay nothing here).
    fn cost_subjects(&self) -> Result<(Vec<Vec<Subject<'_>>>, Vec<String>)> {
        let mut subjects = Vec::with_capacity(self.incentives.len());
        let mut not_priced = Vec::new();
        for (i, incentive) in self.incentives.iter().enumerate() {
            let mut these = Vec::new();
            for j in 0..incentive.components.len() {
                match Subject::explore(self, i, j)? {
                    Explore::Yes(subject) => these.push(*subject),
                    Explore::Skip | Explore::Not(_) => {
                        not_priced.push(format!("incentives[{i}].components[{j}]"));
                    }
                }
            }
            subjects.push(these);
        }
        Ok((subjects, not_priced))
    }
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.try_add(b).or_overflow(|| "a simulated cost")
}

fn invalid(path: &str, message: &str) -> Error {
    Error::new(ErrorKind::DataInvalidArgument, message.to_owned()).at_path(path)
}

fn check_arguments(attainment: &Attainment, trials: u32, members: Option<usize>) -> Result<()> {
    if trials == 0 || trials > MAX_TRIALS {
        return Err(invalid("trials", "`trials` must be between 1 and 100,000"));
    }
    if members.is_some_and(|m| m == 0 || m > 100_000) {
        return Err(invalid(
            "members",
            "`members` must be between 1 and 100,000",
        ));
    }

    let ten = Decimal::TEN;
    let within = |v: Decimal, low: Decimal, high: Decimal| v >= low && v <= high;
    let (path, message) = match attainment {
        Attainment::Normal { mean, .. } if !within(*mean, -ten, ten) => {
            ("attainment.normal.mean", "the mean is between -10 and 10")
        }
        Attainment::Normal { sd, .. } if !within(*sd, Decimal::ZERO, ten) => (
            "attainment.normal.sd",
            "the standard deviation is between 0 and 10",
        ),
        Attainment::LogNormal { mu, .. } if !within(*mu, -ten, ten) => {
            ("attainment.lognormal.mu", "mu is between -10 and 10")
        }
        Attainment::LogNormal { sigma, .. } if !within(*sigma, Decimal::ZERO, Decimal::TWO) => {
            ("attainment.lognormal.sigma", "sigma is between 0 and 2")
        }
        Attainment::Empirical(values) if values.is_empty() || values.len() > 1_000_000 => (
            "attainment.empirical",
            "the list holds 1 to 1,000,000 attainments",
        ),
        Attainment::Empirical(values) => {
            return match values.iter().position(|v| !within(*v, Decimal::ZERO, ten)) {
                Some(i) => Err(invalid(
                    &format!("attainment.empirical[{i}]"),
                    "an attainment is between 0 and 10",
                )),
                None => Ok(()),
            };
        }
        _ => return Ok(()),
    };
    Err(invalid(path, message))
}

/// One member's pay from `incentive` at `attainment`: its explorable components priced
/// there with the member's own target incentive, then its cap, then its draw (a draw
/// pays at least its amount in the period; a recoverable one's later recovery is not
/// simulated), as statements apply them.
fn incentive_pay(
    subjects: &[Subject<'_>],
    incentive: &crate::incentive::Incentive,
    person: Option<&str>,
    attainment: Decimal,
    rounding: crate::decimal::Rounding,
) -> Result<Decimal> {
    let target_incentive = match person {
        Some(id) => incentive.target_incentive_for(id),
        None => incentive.target_incentive,
    };
    let mut paid = Decimal::ZERO;
    for subject in subjects {
        let actual = attainment
            .try_mul(subject.scale)
            .or_overflow(|| "a drawn result")?;
        let mut inputs = subject.inputs(actual);
        inputs.target_incentive = target_incentive.or(inputs.target_incentive);
        let priced = crate::incentive::evaluate_component(subject.component, &inputs, rounding)
            .map_err(|e| e.at_path(subject.path.clone()))?;
        paid = add(paid, priced.amount)?;
    }
    let limit = match incentive.cap {
        Some(Cap::Amount(limit)) => Some(limit),
        Some(Cap::Multiple { multiple }) => target_incentive
            .map(|ti| multiple.try_mul(ti).or_overflow(|| "the incentive's cap"))
            .transpose()?,
        None => None,
    };
    if let Some(limit) = limit.map(|l| rounding.apply(l)).transpose()?
        && paid > limit
    {
        paid = limit;
    }
    if let Some(draw) = incentive.draw {
        paid = paid.max(rounding.apply(draw.amount)?);
    }
    rounding.apply(paid)
}

/// The expected value (rounded as the plan rounds pay, so it is never above the most)
/// and the percentiles (nearest rank) of `values`.
fn figures(mut values: Vec<Decimal>, rounding: crate::decimal::Rounding) -> Result<CostFigures> {
    values.sort_unstable();
    let n = values.len();
    let sum = checked_sum(values.iter().copied()).or_overflow(|| "the simulated costs")?;
    let expected = rounding.apply(
        sum.try_div(Decimal::from(n.max(1)))
            .or_overflow(|| "the expected cost")?,
    )?;
    // The smallest value with at least p% of the values at or below it.
    let rank = |p: usize| values[(n * p).div_ceil(100).clamp(1, n) - 1];
    Ok(CostFigures {
        expected,
        p50: rank(50),
        p90: rank(90),
        p99: rank(99),
        max: values[n - 1],
    })
}

/// `SplitMix64`: a tiny generator whose stream is fixed by its seed on every platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in (0, 1]: 53 random bits, never 0 (its logarithm is taken).
    fn unit(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss)] // 53 bits fit an f64 exactly.
        let bits = (self.next() >> 11) as f64;
        (bits + 1.0) / 9_007_199_254_740_992.0
    }

    /// A standard normal number (Box–Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        libm::sqrt(-2.0 * libm::log(u)) * libm::cos(std::f64::consts::TAU * v)
    }
}

/// One attainment drawn from `attainment`, between 0 and 10, to a hundredth of a
/// percent.
fn draw(attainment: &Attainment, random: &mut SplitMix64) -> Decimal {
    let value = match attainment {
        Attainment::Normal { mean, sd } => to_f64(*mean) + to_f64(*sd) * random.normal(),
        Attainment::LogNormal { mu, sigma } => {
            libm::exp(to_f64(*mu) + to_f64(*sigma) * random.normal())
        }
        Attainment::Empirical(values) => {
            #[allow(clippy::cast_possible_truncation)] // fewer than 2^32 values.
            let i = (random.next() % values.len() as u64) as usize;
            return values[i].round_dp(4);
        }
    };
    let clamped = value.clamp(0.0, 10.0);
    #[allow(clippy::cast_possible_truncation)] // at most 100,000.
    let hundredths = libm::round(clamped * 10_000.0) as i64;
    Decimal::new(hundredths, 4)
}

/// `value` as the nearest `f64`, through its text: Rust's float parsing rounds
/// correctly on every platform (`rust_decimal`'s own conversion scales by a power of ten
/// that the standard library does not promise to the last bit).
fn to_f64(value: Decimal) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}
