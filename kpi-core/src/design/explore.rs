//! One component's pay along its own result: cliffs at its boundaries (and at its gate's
//! and a matrix's other goal), decelerators between them, negative pay, and pay that nothing
//! bounds.

use rust_decimal::{Decimal, RoundingStrategy};

use super::subject::{STEP, Subject};
use super::text::{money, pct};
use super::{Case, Counterexample, DesignCode, DesignFinding, case};
use crate::decimal::{OrOverflow, TryArithmetic};
use crate::error::Result;
use crate::incentive::Component;
use crate::report::findings::Severity;

/// A warning finding of `subject`.
pub(super) fn finding(
    subject: &Subject<'_>,
    code: DesignCode,
    [message, message_zh]: [String; 2],
    cases: Vec<Case>,
    difference: Decimal,
    moved: Option<Decimal>,
) -> DesignFinding {
    DesignFinding {
        code,
        severity: Severity::Warning,
        incentive: subject.incentive.id.clone(),
        path: subject.path.clone(),
        message: format!("{}: {message}", subject.label(crate::text::Locale::En)),
        message_zh: format!("{}：{message_zh}", subject.label(crate::text::Locale::ZhCn)),
        intended: None,
        counterexample: Counterexample {
            cases,
            difference,
            moved,
        },
    }
}

fn minus(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.try_sub(b).or_overflow(|| format!("{a} - {b}"))
}

/// Whether `jump` is a cliff: above `[design] cliff` × the target incentive, or × the
/// larger of the two pays when the incentive has none.
fn is_cliff(subject: &Subject<'_>, jump: Decimal, pays: [Decimal; 2]) -> bool {
    let scale = subject
        .target_incentive
        .unwrap_or_else(|| pays[0].abs().max(pays[1].abs()));
    let limit = subject
        .settings
        .cliff
        .try_mul(scale)
        .unwrap_or(Decimal::MAX);
    !scale.is_zero() && jump.abs() > limit
}

/// Cliffs: at each boundary, the pay one step below against the pay at it.
pub(super) fn cliffs(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    for boundary in &subject.boundaries {
        let below = case(subject, "below", subject.inputs(boundary.below))?;
        let at = case(subject, "at", subject.inputs(boundary.actual))?;
        let jump = minus(at.paid, below.paid)?;
        if is_cliff(subject, jump, [below.paid, at.paid]) {
            let [from, from_zh] = subject.describe(boundary.below);
            let [to, to_zh] = subject.describe(boundary.actual);
            let (verb, verb_zh) = if jump.is_sign_negative() {
                ("falls", "骤降")
            } else {
                ("jumps", "跳升")
            };
            let text = [
                format!(
                    "pay {verb} by {} at a boundary: {from} it pays {}, {to} {}",
                    money(jump.abs()),
                    money(below.paid),
                    money(at.paid)
                ),
                format!(
                    "在临界点收入{verb_zh} {}：{from_zh}支付 {}，{to_zh}支付 {}",
                    money(jump.abs()),
                    money(below.paid),
                    money(at.paid)
                ),
            ];
            out.push(finding(
                subject,
                DesignCode::Cliff,
                text,
                vec![below, at],
                jump,
                None,
            ));
            // The first cliff along the result is the smallest example; the others
            // repeat it.
            break;
        }
    }
    side_cliffs(subject, out)
}

/// Cliffs on the other measures a component reads: its gate's measure (with the
/// component's own result at 100%), and a matrix's column goal.
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
        let with = |value: Decimal| {
            let mut inputs = subject.inputs(at_target);
            match &gate {
                Some(measure) => {
                    inputs.gates.insert(measure.clone(), value);
                }
                None => inputs.by_attainment = Some(value),
            }
            inputs
        };
        let below_value = minus(at, step)?;
        let below = case(subject, "below", with(below_value))?;
        let open = case(subject, "at", with(at))?;
        let jump = minus(open.paid, below.paid)?;
        if !is_cliff(subject, jump, [below.paid, open.paid]) {
            continue;
        }
        let [what, what_zh] = side_name(subject, gate.as_deref());
        let value = |v: Decimal| {
            if share {
                pct(v)
            } else {
                v.normalize().to_string()
            }
        };
        let (from, to) = (value(below_value), value(at));
        let text = [
            format!(
                "pay jumps by {} when {what} reaches {to}: at {from} it pays {}, at {to} {}",
                money(jump.abs()),
                money(below.paid),
                money(open.paid)
            ),
            format!(
                "{what_zh}达到 {to} 时收入跳升 {}：为 {from} 时支付 {}，为 {to} 时支付 {}",
                money(jump.abs()),
                money(below.paid),
                money(open.paid)
            ),
        ];
        out.push(finding(
            subject,
            DesignCode::Cliff,
            text,
            vec![below, open],
            jump,
            None,
        ));
        break;
    }
    Ok(())
}

/// The measure a gate (or a matrix's columns) reads, in words.
fn side_name(subject: &Subject<'_>, gate: Option<&str>) -> [String; 2] {
    match gate.map(|g| g.split_once(':').unwrap_or((g, ""))) {
        Some(("goal", goal)) => [
            format!("the attainment of `{goal}`"),
            format!("`{goal}` 的达成率"),
        ],
        Some(("metric", metric)) => [format!("`{metric}`"), format!("`{metric}` ")],
        Some(_) => ["the score".to_owned(), "综合得分".to_owned()],
        None => {
            let by = match subject.component {
                Component::Matrix { by, .. } => by.as_str(),
                _ => "",
            };
            [
                format!("the attainment of `{by}`"),
                format!("`{by}` 的达成率"),
            ]
        }
    }
}

/// Decelerators: between boundaries, a later step of the same size paying less than an
/// earlier one, where no cap holds the pay (a cap, and a curve's flat end after its
/// last point, are declared limits).
pub(super) fn decelerators(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let end = subject.actual_at(subject.grid.len().saturating_sub(1))?;
    let mut points = vec![Decimal::ZERO];
    points.extend(
        subject
            .boundaries
            .iter()
            .map(|b| b.actual)
            .filter(|a| *a < end),
    );
    points.push(end);
    let curve_end = match subject.component {
        Component::Curve { points, .. } => points
            .last()
            .zip(subject.target)
            .and_then(|(p, t)| p.attainment.try_mul(t)),
        _ => None,
    };
    let two_cents = Decimal::new(2, 2);
    for window in points.windows(3) {
        let [s0, s1, s2] = [window[0], window[1], window[2]];
        if curve_end.is_some_and(|e| s1 >= e) {
            break;
        }
        // A step of 1% of the scale (shorter when a segment is), the first ending a step
        // before the bend (clear of a jump there), the second starting at it.
        let one_step = STEP
            .try_mul(subject.scale)
            .or_overflow(|| "1% of the scale")?;
        let half_before = minus(s1, s0)?
            .try_div(Decimal::TWO)
            .or_overflow(|| "half a segment")?;
        let h = one_step
            .min(half_before)
            .min(minus(s2, s1)?)
            .round_dp_with_strategy(2, RoundingStrategy::ToZero);
        if h <= Decimal::ZERO {
            continue;
        }
        let plus = |a: Decimal, b: Decimal| a.try_add(b).or_overflow(|| format!("{a} + {b}"));
        let first_to = minus(s1, h)?;
        let first_from = minus(first_to, h)?;
        let second_to = plus(s1, h)?;
        let cases = vec![
            case(subject, "first_from", subject.inputs(first_from))?,
            case(subject, "first_to", subject.inputs(first_to))?,
            case(subject, "second_from", subject.inputs(s1))?,
            case(subject, "second_to", subject.inputs(second_to))?,
        ];
        let first = minus(cases[1].paid, cases[0].paid)?;
        let second = minus(cases[3].paid, cases[2].paid)?;
        if second >= minus(first, two_cents)? || subject.capped_at(second_to)? {
            continue;
        }
        let [step1, step1_zh] = subject.change(first_from, Some(first_to));
        let [step2, step2_zh] = subject.change(s1, Some(second_to));
        let text = [
            format!(
                "the marginal rate falls: {step1} pays {} more, the same step {step2} only {} more",
                money(first),
                money(second)
            ),
            format!(
                "边际费率下降：{step1_zh} 时多付 {}，同样增幅 {step2_zh} 时只多付 {}",
                money(first),
                money(second)
            ),
        ];
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
pub(super) fn negative(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let Some(i) = subject
        .grid
        .iter()
        .position(|p| p.is_sign_negative() && !p.is_zero())
    else {
        return Ok(());
    };
    let actual = subject.actual_at(i)?;
    let at = case(subject, "at", subject.inputs(actual))?;
    let [when, when_zh] = subject.describe(actual);
    let text = [
        format!("pay is negative: {when} it pays {}", money(at.paid)),
        format!("收入为负：{when_zh}支付 {}", money(at.paid)),
    ];
    let paid = at.paid;
    let mut found = finding(subject, DesignCode::Negative, text, vec![at], paid, None);
    if subject.incentive.allow_negative {
        found.severity = Severity::Info;
        found.intended = Some("the incentive allows negative amounts (allow_negative)".into());
    }
    out.push(found);
    Ok(())
}

/// Unbounded pay: no cap, and at plausible attainment the component alone pays more than
/// `[design] exposure` × the target incentive (the lowest such result); without a target
/// incentive, pay still rising at the end of the explored range (information).
pub(super) fn unbounded(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    if subject.capped || subject.grid.len() < 2 {
        return Ok(());
    }
    match subject.target_incentive {
        Some(ti) => beyond_exposure(subject, ti, out),
        None => still_rising(subject, out),
    }
}

/// The lowest plausible result where the component pays more than the exposure.
fn beyond_exposure(subject: &Subject<'_>, ti: Decimal, out: &mut Vec<DesignFinding>) -> Result<()> {
    let settings = subject.settings;
    let limit = settings
        .exposure
        .try_mul(ti)
        .or_overflow(|| "the exposure")?;
    let plausible = subject.plausible_index();
    let Some(i) = subject.grid[..=plausible].iter().position(|p| *p > limit) else {
        return Ok(());
    };
    let actual = subject.actual_at(i)?;
    let at = case(subject, "at", subject.inputs(actual))?;
    let [when, when_zh] = subject.describe(actual);
    let text = [
        format!(
            "nothing caps the pay: {when} it pays {}, above {} × the target incentive ({})",
            money(at.paid),
            settings.exposure.normalize(),
            money(limit)
        ),
        format!(
            "收入没有上限：{when_zh}支付 {}，超过目标奖金的 {} 倍（{}）",
            money(at.paid),
            settings.exposure.normalize(),
            money(limit)
        ),
    ];
    let difference = minus(at.paid, limit)?;
    out.push(finding(
        subject,
        DesignCode::Unbounded,
        text,
        vec![at],
        difference,
        None,
    ));
    Ok(())
}

/// Without a target incentive: pay still rising at the end of the explored range.
fn still_rising(subject: &Subject<'_>, out: &mut Vec<DesignFinding>) -> Result<()> {
    let last = subject.grid.len() - 1;
    if subject.grid[last] <= subject.grid[last - 1] {
        return Ok(());
    }
    let actual = subject.actual_at(last)?;
    let at = case(subject, "at", subject.inputs(actual))?;
    let [when, when_zh] = subject.describe(actual);
    let text = [
        format!(
            "nothing caps the pay and the incentive has no target incentive to weigh it against: {when} it pays {} and still rises",
            money(at.paid)
        ),
        format!(
            "收入没有上限，且激励未设目标奖金可供比较：{when_zh}支付 {}，仍在上升",
            money(at.paid)
        ),
    ];
    let paid = at.paid;
    let mut found = finding(subject, DesignCode::Unbounded, text, vec![at], paid, None);
    found.severity = Severity::Info;
    out.push(found);
    Ok(())
}
