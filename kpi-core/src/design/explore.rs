//! One component's pay along its own result: cliffs at its boundaries (and at its gate's
//! and a matrix's other goal), decelerators between them, negative pay, and pay that
//! nothing bounds.
//!
//! Messages are filled from templates by one function (`text::say`) and cases are priced
//! by one (`Subject::case`): the browser module carries one copy of each rather than one
//! per check.

use rust_decimal::Decimal;

use super::subject::{STEP, Subject};
use super::text::{Words, money, pct, same, say};
use super::{Case, Counterexample, DesignCode, DesignFinding};
use crate::decimal::{OrOverflow, TryArithmetic};
use crate::error::Result;
use crate::incentive::Component;
use crate::report::findings::Severity;

/// A warning finding of `subject`, its message `[English, Chinese]` led by the
/// component's label.
pub(super) fn finding(
    subject: &Subject<'_>,
    code: DesignCode,
    [message, message_zh]: Words,
    cases: Vec<Case>,
    difference: Decimal,
    moved: Option<Decimal>,
) -> DesignFinding {
    let [label, label_zh] = subject.labels();
    DesignFinding {
        code,
        severity: Severity::Warning,
        incentive: subject.incentive.id.clone(),
        path: subject.path.clone(),
        message: label + ": " + &message,
        message_zh: label_zh + "：" + &message_zh,
        intended: None,
        counterexample: Counterexample {
            cases,
            difference,
            moved,
        },
    }
}

pub(super) fn minus(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.try_sub(b).or_overflow(|| "a difference of pays")
}

/// A cliff finding when the pay from `below` to `at` jumps by more than `[design]
/// cliff` × the target incentive (× the larger pay when the incentive has none). `side`
/// names the measure that moves when it is not the component's own result.
fn cliff(
    subject: &Subject<'_>,
    below: Case,
    at: Case,
    [from, to]: [Words; 2],
    side: Option<Words>,
) -> Result<Option<DesignFinding>> {
    let jump = minus(at.paid, below.paid)?;
    let scale = subject
        .target_incentive
        .unwrap_or_else(|| below.paid.abs().max(at.paid.abs()));
    let limit = subject
        .settings
        .cliff
        .try_mul(scale)
        .unwrap_or(Decimal::MAX);
    if scale.is_zero() || jump.abs() <= limit {
        return Ok(None);
    }
    let verb = if jump.is_sign_negative() {
        ["falls", "骤降"]
    } else {
        ["jumps", "跳升"]
    };
    let mut values = vec![
        verb.map(str::to_owned),
        same(money(jump.abs())),
        from,
        same(money(below.paid)),
        to,
        same(money(at.paid)),
    ];
    let templates = match side {
        None => [
            "pay {0} by {1} at a boundary: {2} it pays {3}, {4} {5}",
            "在临界点收入{0} {1}：{2}支付 {3}，{4}支付 {5}",
        ],
        Some(measure) => {
            values.push(measure);
            [
                "pay {0} by {1} when {6} reaches {4}: at {2} it pays {3}, at {4} {5}",
                "{6}达到 {4} 时收入{0} {1}：为 {2} 时支付 {3}，为 {4} 时支付 {5}",
            ]
        }
    };
    let text = say(templates, &values);
    let cases = vec![below, at];
    Ok(Some(finding(
        subject,
        DesignCode::Cliff,
        text,
        cases,
        jump,
        None,
    )))
}

/// Cliffs: at each boundary, the pay one step below against the pay at it; then on the
/// other measures the component reads.
#[inline(never)]
pub(super) fn cliffs(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    for boundary in &subject.boundaries {
        let below = subject.case("below", boundary.below)?;
        let at = subject.case("at", boundary.actual)?;
        let words = [
            subject.describe(boundary.below),
            subject.describe(boundary.actual),
        ];
        // Each boundary's cliff is its own flaw: a large one above a small one is not
        // hidden by it.
        if let Some(found) = cliff(subject, below, at, words, None)? {
            out.push(found);
        }
    }
    side_cliffs(subject, out)
}

/// Cliffs on the other measures a component reads: its gate's measure (with the
/// component's own result at 100%), and a matrix's column goal.
#[inline(never)]
fn side_cliffs(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    // (the gate's measure, or None for a matrix's column goal; where it opens; one step
    // below; whether its values are attainments)
    let mut sides: Vec<(Option<String>, Decimal, Decimal, bool)> = Vec::new();
    if let Some(gate) = &subject.component.limits().gate {
        // One step below the gate's minimum: a hundredth of a percent for attainments and
        // scores, the minimum's last digit (at most a cent) for a metric.
        let metric = gate.metric.is_some() && gate.goal.is_none();
        let step = if metric {
            Decimal::new(1, gate.min.scale().max(2))
        } else {
            Decimal::new(1, 4)
        };
        sides.push((Some(gate.measure()), gate.min, step, !metric));
    }
    if let Component::Matrix { columns, .. } = subject.component {
        for column in columns.iter().filter(|c| **c > Decimal::ZERO) {
            sides.push((None, *column, Decimal::new(1, 4), true));
        }
    }
    let at_target = subject.target.unwrap_or(subject.scale);
    for (gate, at, step, share) in sides {
        let below_value = minus(at, step)?;
        let mut cases = [below_value, at].map(|value| {
            let mut inputs = subject.inputs(at_target);
            match &gate {
                Some(measure) => {
                    inputs.gates.insert(measure.clone(), value);
                }
                None => inputs.by_attainment = Some(value),
            }
            inputs
        });
        let at_case = subject.case_with("at", std::mem::take(&mut cases[1]))?;
        let below = subject.case_with("below", std::mem::take(&mut cases[0]))?;
        let value = |v: Decimal| {
            same(if share {
                pct(v)
            } else {
                v.normalize().to_string()
            })
        };
        let words = [value(below_value), value(at)];
        let side = side_name(subject, gate.as_deref());
        if let Some(found) = cliff(subject, below, at_case, words, Some(side))? {
            out.push(found);
            break;
        }
    }
    Ok(())
}

/// The measure a gate (or a matrix's columns) reads, in words.
fn side_name(subject: &Subject<'_>, gate: Option<&str>) -> Words {
    let goal = |goal: &str| {
        [
            format!("the attainment of `{goal}`"),
            format!("`{goal}` 的达成率"),
        ]
    };
    match gate.map(|g| g.split_once(':').unwrap_or((g, ""))) {
        Some(("goal", id)) => goal(id),
        Some(("metric", metric)) => [format!("`{metric}`"), format!("`{metric}` ")],
        Some(_) => ["the score".to_owned(), "综合得分".to_owned()],
        None => match subject.component {
            Component::Matrix { by, .. } => goal(by),
            _ => goal(""),
        },
    }
}

/// Decelerators: between boundaries, a later step of the same size paying less than an
/// earlier one, where no cap holds the pay (a cap, and a curve's flat end after its
/// last point, are declared limits).
#[inline(never)]
pub(super) fn decelerators(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let end = subject.actual_at(subject.grid.len().saturating_sub(1))?;
    let mut points = vec![Decimal::ZERO];
    for boundary in &subject.boundaries {
        if boundary.actual < end {
            points.push(boundary.actual);
        }
    }
    points.push(end);
    let curve_end = match subject.component {
        Component::Curve { points, .. } => points
            .last()
            .zip(subject.target)
            .and_then(|(p, t)| p.attainment.try_mul(t)),
        _ => None,
    };
    let one_step = STEP
        .try_mul(subject.scale)
        .or_overflow(|| "1% of the scale")?;
    for window in points.windows(3) {
        let [s0, s1, s2] = [window[0], window[1], window[2]];
        if curve_end.is_some_and(|e| s1 >= e) {
            break;
        }
        // A step of 1% of the scale (shorter when a segment is), the first ending a step
        // before the bend (clear of a jump there), the second starting at it.
        let half_before = minus(s1, s0)?
            .try_div(Decimal::TWO)
            .or_overflow(|| "half a segment")?;
        let h = one_step.min(half_before).min(minus(s2, s1)?);
        if h <= Decimal::ZERO {
            continue;
        }
        let first_to = minus(s1, h)?;
        let first_from = minus(first_to, h)?;
        let second_to = s1.try_add(h).or_overflow(|| "a step of the result")?;
        let cases = subject.cases(&[
            ("first_from", first_from),
            ("first_to", first_to),
            ("second_from", s1),
            ("second_to", second_to),
        ])?;
        let first = minus(cases[1].paid, cases[0].paid)?;
        let second = minus(cases[3].paid, cases[2].paid)?;
        let noise = subject.rounding_noise();
        if second >= minus(first, noise)? || subject.capped_at(second_to)? {
            continue;
        }
        let text = say(
            [
                "the marginal rate falls: {0} pays {1} more, the same step {2} only {3} more",
                "边际费率下降：{0}时多付 {1}，同样增幅的{2}时只多付 {3}",
            ],
            &[
                subject.change(first_from, Some(first_to)),
                same(money(first)),
                subject.change(s1, Some(second_to)),
                same(money(second)),
            ],
        );
        let difference = minus(first, second)?;
        out.push(finding(
            subject,
            DesignCode::Decelerator,
            text,
            cases,
            difference,
            None,
        ));
        break;
    }
    Ok(())
}

/// Negative pay: the lowest result on the grid where the component pays less than
/// nothing (intended when the incentive allows negative amounts).
#[inline(never)]
pub(super) fn negative(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let Some(i) = subject
        .grid
        .iter()
        .position(|p| p.is_sign_negative() && !p.is_zero())
    else {
        return Ok(());
    };
    let actual = subject.actual_at(i)?;
    let at = subject.case("at", actual)?;
    let paid = at.paid;
    let text = say(
        ["pay is negative: {0} it pays {1}", "收入为负：{0}支付 {1}"],
        &[subject.describe(actual), same(money(paid))],
    );
    let mut found = finding(subject, DesignCode::Negative, text, vec![at], paid, None);
    if subject.incentive.allow_negative {
        found.severity = Severity::Info;
        found.intended = Some("the incentive allows negative amounts (allow_negative)".into());
    }
    out.push(found);
    Ok(())
}

/// Unbounded pay: a rate or tier component without a cap that, at plausible attainment,
/// pays more than `[design] exposure` × the target incentive (the lowest such result);
/// without a target incentive, pay still rising at the end of the explored range
/// (information).
#[inline(never)]
pub(super) fn unbounded(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let last = subject.grid.len().saturating_sub(1);
    // Only rates and tiers grow with results: bonuses, pools, matrices and curves (flat
    // after their last point) are bounded by what they are.
    let grows = matches!(
        subject.component,
        Component::Rate { .. } | Component::Tiered { .. }
    );
    if subject.capped || last == 0 || !grows {
        return Ok(());
    }
    let exposure = subject.settings.exposure;
    let (i, limit) = match subject.target_incentive {
        Some(ti) => {
            let limit = exposure.try_mul(ti).or_overflow(|| "the exposure")?;
            let plausible = subject.plausible_index();
            match subject.grid[..=plausible].iter().position(|p| *p > limit) {
                Some(i) => (i, Some(limit)),
                None => return Ok(()),
            }
        }
        None if subject.grid[last] > subject.grid[last - 1] => (last, None),
        None => return Ok(()),
    };
    let actual = subject.actual_at(i)?;
    let at = subject.case("at", actual)?;
    let paid = at.paid;
    let (text, difference) = match limit {
        Some(limit) => (
            say(
                [
                    "nothing caps the pay: {0} it pays {1}, above {2} × the target incentive ({3})",
                    "收入没有上限：{0}支付 {1}，超过目标奖金的 {2} 倍（{3}）",
                ],
                &[
                    subject.describe(actual),
                    same(money(paid)),
                    same(exposure.normalize().to_string()),
                    same(money(limit)),
                ],
            ),
            minus(paid, limit)?,
        ),
        None => (
            say(
                [
                    "nothing caps the pay and the incentive has no target incentive to weigh it against: {0} it pays {1} and still rises",
                    "收入没有上限，且激励未设目标奖金可供比较：{0}支付 {1}，仍在上升",
                ],
                &[subject.describe(actual), same(money(paid))],
            ),
            paid,
        ),
    };
    let mut found = finding(
        subject,
        DesignCode::Unbounded,
        text,
        vec![at],
        difference,
        None,
    );
    if limit.is_none() {
        found.severity = Severity::Info;
    }
    out.push(found);
    Ok(())
}
