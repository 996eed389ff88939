// Property testing for plans, calendars, periods, facts and formulas, with fast-check: the
// same strategies as Rust's `kpi_core::testing` and Python's `kpi_core.testing`, and in
// `checks` the properties kpi relies on, to call on your own plans. Plan recipes write the
// same documents in all three languages (kpi-core/testdata/vectors/testing/recipes.json).
//
// `import { plans, checks } from "kpi-core/testing"` under Node (it loads the Node build of
// kpi-core); needs fast-check (`npm install --save-dev fast-check`).
import fc from "fast-check";
import { Calendar, FactTable, KpiError, Measures, Plan, formula } from "kpi-core";

// ---------------------------------------------------------------------------------------
// Calendars, dates, periods, decimals

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
export const GRAINS = ["day", "week", "month", "quarter", "half", "year"];

/** Any calendar settings object (for `new Calendar(settings)`): a fiscal year starting in
 * any month and named by its start or its end, any first day of the week, and half of them a
 * retail 4-4-5, 4-5-4 or 5-4-4 calendar with either year-end rule and the leap week in any
 * quarter. */
export function calendarSettings() {
  const retail = fc.option(
    fc.record({
      year_end: fc.constantFrom("last", "nearest"),
      weekday: fc.constantFrom(...WEEKDAYS),
      month: fc.integer({ min: 1, max: 12 }),
      pattern: fc.constantFrom("4-4-5", "4-5-4", "5-4-4"),
      leap_week_quarter: fc.integer({ min: 1, max: 4 }),
    }),
    { nil: undefined },
  );
  return fc
    .record({
      fiscal_year_start_month: fc.integer({ min: 1, max: 12 }),
      fiscal_year_named_by: fc.constantFrom("end", "start"),
      week_start: fc.constantFrom(...WEEKDAYS),
      retail,
    })
    .map((settings) => (settings.retail === undefined ? { ...settings, retail: undefined } : settings));
}

/** Any calendar (a `Calendar` built from `calendarSettings()`). */
export function calendars() {
  return calendarSettings().map((settings) => new Calendar(settings));
}

const DAY = 86_400_000;
const FIRST = Date.UTC(1960, 0, 1);

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A day ("YYYY-MM-DD") from 1960-01-01 through 2069-07-05 (40,000 days). */
export function dates() {
  return fc.integer({ min: 0, max: 39_999 }).map((d) => isoDay(FIRST + d * DAY));
}

/** Any grain: day, week, month, quarter, half or year. */
export function grains() {
  return fc.constantFrom(...GRAINS);
}

/** `[calendar, period]`: a calendar and one of its periods, of any grain. */
export function periods() {
  return fc.tuple(calendars(), dates(), grains()).map(([calendar, date, grain]) => [calendar, calendar.periodOf(date, grain)]);
}

/** `value` / 10^places with exactly `places` decimals, as Rust's `Decimal::new`. */
function places(value, digits) {
  const big = BigInt(value);
  const sign = big < 0n ? "-" : "";
  const text = (big < 0n ? -big : big).toString().padStart(digits + 1, "0");
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** An amount of money as users write it, a decimal string: cents from -1,000,000.00 to
 * 100,000,000.00, half of them whole units. */
export function decimals() {
  return fc.oneof(
    fc.integer({ min: -1_000_000, max: 99_999_999 }).map((units) => places(units, 0)),
    fc.bigInt({ min: -100_000_000n, max: 9_999_999_999n }).map((cents) => places(cents, 2)),
  );
}

/** The largest exact decimal kpi holds (a 96-bit mantissa), as a string. */
export const MAX_DECIMAL = (2n ** 96n - 1n).toString();

/** Decimal strings chosen to break arithmetic: the extremes of the exact range, halves of
 * it, 28 decimal places, the smallest steps, any mantissa at any scale, and ordinary
 * amounts. Arithmetic on them must be exact or fail with `data.overflow`. */
export function hostileDecimals() {
  const u32 = fc.bigInt({ min: 0n, max: 2n ** 32n - 1n });
  return fc.oneof(
    fc.constantFrom(
      MAX_DECIMAL,
      `-${MAX_DECIMAL}`,
      "0",
      "0.00",
      places(1, 28),
      places(-1, 28),
      (2n ** 95n - 1n).toString(),
      places(2n ** 96n - 1n, 28),
      "0.5",
      "-0.005",
    ),
    fc.tuple(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: 0, max: 28 })).map(([m, s]) => places(m, s)),
    fc
      .tuple(u32, u32, u32, fc.boolean(), fc.integer({ min: 0, max: 28 }))
      .map(([lo, mid, hi, negative, s]) => {
        const mantissa = lo | (mid << 32n) | (hi << 64n);
        return places(negative ? -mantissa : mantissa, s);
      }),
    fc.tuple(fc.integer({ min: 1, max: 9_999_999 }), fc.integer({ min: 0, max: 2 })).map(([m, s]) => places(m, s)),
  );
}

// ---------------------------------------------------------------------------------------
// Formulas

/** The names generated formulas read, with their types. */
export const FORMULA_NAMES = Object.freeze({ a: "number", b: "number", c: "number", t: "text", flag: "bool" });

/** Values for `FORMULA_NAMES`, as `formula.evaluate` takes them: whole numbers (JavaScript
 * numbers, or bigints to 64 bits) or `null` for the numbers, a status word, any text or
 * `null` for `t`, and `true`, `false` or `null` for `flag`. */
export function formulaValues() {
  const number = fc.oneof(
    fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.constant(null),
  );
  const text = fc.oneof(fc.constantFrom("won", "lost", "open", "赢单"), fc.string({ maxLength: 20 }), fc.constant(null));
  return fc.record({ a: number, b: number, c: number, t: text, flag: fc.oneof(fc.boolean(), fc.constant(null)) });
}

const literal = fc.oneof(
  fc.integer({ min: 0, max: 999 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 5 })).map(([m, s]) => places(m, s)),
  fc.constant("1_000_000"),
);
const conditionLeaf = fc.oneof(
  fc.constant("flag"),
  fc.constantFrom("won", "lost", "赢单").map((w) => `t == "${w}"`),
  fc.constant('t in ["won", "open"]'),
  fc.tuple(fc.constantFrom("a", "b", "c"), fc.constantFrom("<", "<=", ">", ">=", "==", "!="), literal).map(([x, op, y]) => `${x} ${op} ${y}`),
);
const { number } = fc.letrec((tie) => ({
  number: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("a", "b", "c"),
    literal,
    fc.tuple(tie("number"), fc.constantFrom("+", "-", "*", "/"), tie("number")).map(([x, op, y]) => `(${x} ${op} ${y})`),
    tie("number").map((x) => `-${x}`),
    fc.tuple(fc.constantFrom("min", "max", "coalesce"), tie("number"), tie("number")).map(([f, x, y]) => `${f}(${x}, ${y})`),
    tie("number").map((x) => `abs(${x})`),
    fc.tuple(tie("number"), fc.integer({ min: 0, max: 5 })).map(([x, n]) => `round(${x}, ${n})`),
    fc.tuple(conditionLeaf, tie("number"), tie("number")).map(([c, x, y]) => `if(${c}, ${x}, ${y})`),
  ),
}));
const { condition } = fc.letrec((tie) => ({
  condition: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    conditionLeaf,
    fc.tuple(number, fc.constantFrom("<", ">=", "=="), number).map(([x, op, y]) => `${x} ${op} ${y}`),
    fc.tuple(tie("condition"), fc.constantFrom("&&", "||"), tie("condition")).map(([x, op, y]) => `(${x} ${op} ${y})`),
    tie("condition").map((x) => `!(${x})`),
  ),
}));

/** A well-typed formula over `FORMULA_NAMES`: `{ text, result }` with `result` "number" or
 * "bool". */
export function formulas() {
  return fc.oneof(number.map((text) => ({ text, result: "number" })), condition.map((text) => ({ text, result: "bool" })));
}

/** A formula with one deliberate defect and the code kpi answers it with: `{ text, code }`
 * (`formula.syntax`, `formula.unknown_name`, `formula.type_mismatch`, `formula.too_complex`). */
export function invalidFormulas() {
  const bad = (text, code) => ({ text, code });
  return fc.oneof(
    number.map((x) => bad(`(${x}`, "formula.syntax")),
    number.map((x) => bad(`${x} +`, "formula.syntax")),
    number.map((x) => bad(`${x} = 1`, "formula.syntax")),
    fc.tuple(number, fc.stringMatching(/^[xyz][xyz_]{2,8}$/)).map(([x, name]) => bad(`${x} + ${name}`, "formula.unknown_name")),
    number.map((x) => bad(`${x} + t`, "formula.type_mismatch")),
    number.map((x) => bad(`if(${x}, 1, 2)`, "formula.type_mismatch")),
    fc.integer({ min: 65, max: 199 }).map((d) => bad(`${"(".repeat(d)}a${")".repeat(d)}`, "formula.too_complex")),
  );
}

// ---------------------------------------------------------------------------------------
// Plans and facts

/** Each defect `invalidPlans()` puts in a plan, and the error code reading it gives. */
export const DEFECTS = Object.freeze({
  unsupported_version: "plan.unsupported_version",
  unknown_metric: "plan.unknown_metric",
  unknown_team: "plan.unknown_team",
  duplicate_goal: "plan.duplicate_id",
  broken_filter: "formula.syntax",
  unknown_field: "formula.unknown_field",
  text_target: "plan.invalid",
});

/** The member ids of a recipe, `m1` to `mN`, in team order. */
export function recipeMemberIds(recipe) {
  const count = recipe.teams.reduce((a, b) => a + b, 0);
  return Array.from({ length: count }, (_, i) => `m${i + 1}`);
}

/** The plan document (TOML) a recipe describes, with `defect` (a key of `DEFECTS`) in it
 * when given. A recipe is `{ teams, quarterly, quota, target_incentive, component }` (as in
 * the shared vectors and Rust's `PlanRecipe`). */
export function recipeToml(recipe, defect = null) {
  if (defect !== null && !(defect in DEFECTS)) {
    throw new TypeError(`unknown defect ${JSON.stringify(defect)}: one of ${Object.keys(DEFECTS).join(", ")}`);
  }
  const grain = recipe.quarterly ? "quarter" : "month";
  const out = [`version = ${defect === "unsupported_version" ? 99 : 1}\nname = "生成的方案 ${grain}"\n[org]\nteams = [\n`];
  recipe.teams.forEach((_, i) => out.push(`  { id = "t${i + 1}", name = "Team ${i + 1} 华东" },\n`));
  out.push("]\nmembers = [\n");
  let member = 0;
  recipe.teams.forEach((size, t) => {
    for (let k = 0; k < size; k++) {
      member += 1;
      const team = defect === "unknown_team" && member === 1 ? "nowhere" : `t${t + 1}`;
      out.push(`  { id = "m${member}", name = "成员 ${member}", team = "${team}" },\n`);
    }
  });
  const filter =
    { broken_filter: 'kind == "order" && (status == "won"', unknown_field: 'kind == "order" && stage == "won"' }[defect] ??
    'kind == "order" && status == "won"';
  out.push(
    `]\n[metrics.revenue]\naggregate = "sum"\nfield = "amount"\nfilter = '${filter}'\n` +
      `[metrics.orders]\naggregate = "count"\nfilter = 'kind == "order"'\n`,
  );
  const quota = BigInt(recipe.quota);
  const members = BigInt(member);
  const largest = BigInt(Math.max(...recipe.teams));
  const goals = [
    ["rep", defect === "unknown_metric" ? "revenu" : "revenue", "member", defect === "text_target" ? "a lot" : `${quota}`],
    [defect === "duplicate_goal" ? "rep" : "team", "revenue", "team", `${quota * largest}`],
    ["company", "revenue", "company", `${quota * members}`],
    ["orders", "orders", "member", "3"],
  ];
  for (const [id, metric, scope, target] of goals) {
    out.push(`[[goals]]\nid = "${id}"\nmetric = "${metric}"\nscope = "${scope}"\nperiod = "${grain}"\ntarget = "${target}"\n`);
  }
  out.push(
    `[[incentives]]\nid = "pay"\nname = "Commission"\nnames = { zh-CN = "提成" }\n` +
      `applies_to = "members"\nperiod = "${grain}"\ntarget_incentive = "${recipe.target_incentive}"\n` +
      `[[incentives.components]]\nmetric = "revenue"\ngoal = "rep"\n`,
  );
  const c = recipe.component;
  if (c.kind === "rate") {
    out.push(`kind = "rate"\nrate = "${places(c.permille, 3)}"\n`);
    if (c.cap_multiple !== null && c.cap_multiple !== undefined) out.push(`cap = { multiple = "${c.cap_multiple}" }\n`);
  } else if (c.kind === "tiered") {
    const rows = c.tiers.map(([from, rate]) => `{ from = "${places(from, 2)}", rate = "${places(rate, 3)}" }`).join(", ");
    out.push(`kind = "tiered"\non = "attainment"\nmode = "${c.retroactive ? "retroactive" : "marginal"}"\ntiers = [${rows}]\n`);
  } else if (c.kind === "gated") {
    out.push(`kind = "rate"\nrate = "${places(c.permille, 3)}"\ngate = { goal = "team", min = "${places(c.min_percent, 2)}" }\n`);
  } else {
    throw new TypeError(`unknown component kind ${JSON.stringify(c.kind)}`);
  }
  return out.join("");
}

function components() {
  const tiers = fc
    .array(fc.tuple(fc.integer({ min: 10, max: 119 }), fc.integer({ min: 0, max: 149 })), { minLength: 1, maxLength: 3 })
    .map((steps) => {
      let from = 0;
      return steps.map(([step, rate], i) => {
        if (i > 0) from += step;
        return [from, rate];
      });
    });
  return fc.oneof(
    fc.record({ kind: fc.constant("rate"), permille: fc.integer({ min: 1, max: 199 }), cap_multiple: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }) }),
    fc.record({ kind: fc.constant("tiered"), retroactive: fc.boolean(), tiers }),
    fc.record({ kind: fc.constant("gated"), permille: fc.integer({ min: 1, max: 199 }), min_percent: fc.integer({ min: 50, max: 100 }) }),
  );
}

/** Any plan recipe. */
export function planRecipes() {
  return fc.record({
    teams: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
    quarterly: fc.boolean(),
    quota: fc.integer({ min: 1_000, max: 999_999 }),
    target_incentive: fc.integer({ min: 1_000, max: 59_999 }),
    component: components(),
  });
}

/** A valid plan, read from a recipe's document. */
export function plans() {
  return planRecipes().map((recipe) => Plan.fromToml(recipeToml(recipe)));
}

/** `{ toml, defect, code }`: a plan document with one defect and the code kpi must reject
 * it with. */
export function invalidPlans() {
  return fc
    .tuple(planRecipes(), fc.constantFrom(...Object.keys(DEFECTS)))
    .map(([recipe, defect]) => ({ toml: recipeToml(recipe, defect), defect, code: DEFECTS[defect] }));
}

/** Facts (records for `FactTable.fromRecords`) for `members` (and for an owner outside the
 * org, and none) dated from 20 days before `period` to 20 days after it: orders, payments and
 * deals, won, lost or open, with amounts from -500.00 to 50,000.00, some without an amount,
 * some with a customer. */
export function factRecords(members, period, { minLength = 0, maxLength = 40 } = {}) {
  const start = Date.parse(`${period.start}T00:00:00Z`) - 20 * DAY;
  const days = Math.round((Date.parse(`${period.end}T00:00:00Z`) - Date.parse(`${period.start}T00:00:00Z`)) / DAY) + 40;
  const fact = fc.record({
    owner: fc.constantFrom(...members, "ghost", null),
    kind: fc.constantFrom("order", "payment", "deal"),
    status: fc.constantFrom("won", "lost", "open", null),
    amount: fc.option(fc.integer({ min: -50_000, max: 4_999_999 }).map((c) => places(c, 2)), { nil: null, freq: 20 }),
    day: fc.integer({ min: 0, max: days - 1 }),
    customer: fc.constantFrom(null, "c1", "c2", "客户3"),
  });
  return fc.array(fact, { minLength, maxLength }).map((raw) =>
    raw.map((f, i) => {
      const record = { id: `f${i}`, kind: f.kind, date: isoDay(start + f.day * DAY) };
      for (const key of ["owner", "status", "amount", "customer"]) if (f[key] !== null) record[key] = f[key];
      return record;
    }),
  );
}

/** `[plan, period, facts]`: a valid plan, one of its periods in 2025–2027 at the plan's
 * grain, and facts for its members around that period. */
export function plansWithFacts({ minLength = 0, maxLength = 40 } = {}) {
  return fc.tuple(planRecipes(), fc.integer({ min: 0, max: 1094 })).chain(([recipe, day]) => {
    const plan = Plan.fromToml(recipeToml(recipe));
    const period = plan.calendar.periodOf(isoDay(Date.UTC(2025, 0, 1) + day * DAY), recipe.quarterly ? "quarter" : "month");
    return factRecords(recipeMemberIds(recipe), period, { minLength, maxLength }).map((facts) => [plan, period, facts]);
  });
}

// ---------------------------------------------------------------------------------------
// Checks

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function json(value) {
  return JSON.stringify(value);
}

function outcome(run) {
  try {
    return { ok: json(run()) };
  } catch (error) {
    if (error instanceof KpiError) return { error: error.code };
    throw error;
  }
}

/** Exact decimal strings: `a - b` as a BigInt pair at a common scale. */
function scaled(text) {
  const [whole, fraction = ""] = String(text).replace(/^-/, "").split(".");
  const negative = String(text).startsWith("-");
  const digits = BigInt(whole + fraction);
  return { value: negative ? -digits : digits, scale: fraction.length };
}

function sum(values) {
  let total = { value: 0n, scale: 0 };
  for (const text of values) {
    const next = scaled(text);
    const scale = Math.max(total.scale, next.scale);
    total = { value: total.value * 10n ** BigInt(scale - total.scale) + next.value * 10n ** BigInt(scale - next.scale), scale };
  }
  return total;
}

function equalDecimals(a, b) {
  const x = sum([a]);
  const y = sum([b]);
  const scale = Math.max(x.scale, y.scale);
  return x.value * 10n ** BigInt(scale - x.scale) === y.value * 10n ** BigInt(scale - y.scale);
}

function total(values) {
  const { value, scale } = sum(values);
  return places(value, scale);
}

/** The properties kpi relies on. Each throws an `Error` naming what broke (fast-check then
 * shrinks the input); the same checks as Rust's `kpi_core::testing::checks` and Python's
 * `kpi_core.testing.checks`, but for the design check, which the browser build leaves out. */
export const checks = Object.freeze({
  /** The plan reads back equal from its own TOML and JSON. */
  planRoundTrips(plan) {
    const document = json(plan.toObject());
    assert(json(Plan.fromToml(plan.toToml()).toObject()) === document, "the TOML round trip changed the plan");
    assert(json(Plan.fromJson(plan.toJson()).toObject()) === document, "the JSON round trip changed the plan");
  },

  /** Evaluating `facts` for `period` obeys the laws every report rests on: the facts' order
   * does not matter; measuring two parts and merging the measures, in either order, is
   * measuring them all; for goals on a `sum` or `count` metric, a company goal's actual is
   * the sum of the member goal's rows (with `unassigned`), and each team's the sum of its
   * members' (when no member changes team). Errors must be the same either way. */
  evaluationLaws(plan, facts, period) {
    const report = outcome(() => plan.evaluate(FactTable.fromRecords(facts), period));
    const reversed = outcome(() => plan.evaluate(FactTable.fromRecords([...facts].reverse()), period));
    assert(json(reversed) === json(report), "the facts' order changed the report");
    if (report.error) return;
    const cut = Math.floor(facts.length / 2);
    const left = plan.measure(FactTable.fromRecords(facts.slice(0, cut)), period);
    const right = plan.measure(FactTable.fromRecords(facts.slice(cut)), period);
    const leftRight = Measures.fromJson(left.toJson());
    leftRight.merge(right);
    const rightLeft = Measures.fromJson(right.toJson());
    rightLeft.merge(left);
    assert(leftRight.toJson() === rightLeft.toJson(), "merging measures is not commutative");
    assert(json(plan.evaluateMeasures(leftRight)) === report.ok, "merged partial measures evaluate differently from the whole");
    rollUpsAddUp(plan.toObject(), JSON.parse(report.ok));
  },

  /** `date`'s period of `grain` holds the date, its label reads back as it, `next` and
   * `prev` undo each other, and consecutive periods tile the timeline. */
  periodLaws(calendar, date, grain) {
    const period = calendar.periodOf(date, grain);
    assert(period.contains(date), `${period.label} does not hold ${date}`);
    assert(calendar.parsePeriod(period.label).label === period.label, `${period.label} does not read back`);
    const next = period.next();
    assert(next.prev().label === period.label, `${period.label}: next then prev differs`);
    assert(next.start === period.end, `${period.label} and ${next.label} do not tile`);
    const lastDay = isoDay(Date.parse(`${period.end}T00:00:00Z`) - DAY);
    assert(calendar.periodOf(lastDay, grain).label === period.label, `${lastDay} is not in ${period.label}`);
    assert(period.start < period.end, `${period.label} is empty`);
  },

  /** Checking `text` against `names` either fails with a `formula.*` code and a line, or
   * gives a formula whose evaluation with `values` is a value of its declared type, `null`,
   * or the error `data.overflow`; checking twice gives the same answer. */
  formulaLaws(text, names, values) {
    let checked;
    try {
      checked = formula.check(text, names);
    } catch (error) {
      if (!(error instanceof KpiError)) throw error;
      assert(error.code.startsWith("formula."), `${text}: ${error.message}`);
      assert(error.line !== null, `${text}: no line in ${error.message}`);
      return;
    }
    assert(json(formula.check(text, names)) === json(checked), `checking ${text} twice differs`);
    const typed = Object.fromEntries(checked.names.filter((n) => n in names).map((n) => [n, values[n] ?? null]));
    let value;
    try {
      value = formula.evaluate(text, typed);
    } catch (error) {
      if (!(error instanceof KpiError)) throw error;
      // A name given null takes the type null, which a function needing a number refuses.
      if (error.code.startsWith("formula.") && Object.values(typed).some((v) => v === null)) return;
      assert(error.code === "data.overflow", `${text}: ${error.message}`);
      return;
    }
    if (value === null) return;
    const kind = typeof value === "boolean" ? "bool" : "number";
    const declared = ["money", "percent", "count", "days"].includes(checked.type) ? "number" : checked.type;
    assert(declared === "any" || declared === kind || (declared === "text" && typeof value === "string"), `${text} is a ${checked.type} but evaluated to ${json(value)}`);
  },
});

function rollUpsAddUp(document, report) {
  const metrics = document.metrics ?? {};
  const additive = (metric) => ["sum", "count"].includes(metrics[metric]?.aggregate) && metrics[metric]?.formula === undefined;
  const ids = (document.org?.members ?? []).map((m) => m.id);
  const oneStintEach = new Set(ids).size === ids.length;
  const goals = document.goals ?? [];
  const rowsOf = (goal) => report.scorecards.filter((r) => r.goal === goal);
  for (const memberGoal of goals.filter((g) => g.scope === "member" && additive(g.metric))) {
    const rows = rowsOf(memberGoal.id);
    if (rows.length === 0) continue;
    for (const other of goals.filter((g) => g.metric === memberGoal.metric && g.period === memberGoal.period)) {
      for (const row of rowsOf(other.id)) {
        let parts;
        if (other.scope === "company") parts = rows;
        else if (other.scope === "team" && oneStintEach && row.id !== "unassigned") parts = rows.filter((r) => r.team === row.id);
        else continue;
        const expected = total(parts.map((r) => r.actual).filter((a) => a !== null && a !== undefined));
        const actual = row.actual ?? "0";
        assert(equalDecimals(actual, expected), `goal ${other.id} for ${row.id} is ${actual}, not the sum of goal ${memberGoal.id}'s rows (${expected})`);
      }
    }
  }
}

export { rollUpsAddUp as _rollUpsAddUp };
