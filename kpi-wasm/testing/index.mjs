// Property testing for plans, calendars, periods, facts and formulas, with fast-check: the
// same strategies as Rust's `kpi_core::testing` and Python's `kpi_core.testing`, and in
// `checks` the properties kpi relies on, to call on your own plans. Plan recipes write the
// same documents in all three languages (kpi-core/testdata/vectors/testing/recipes.json).
//
// `import { plans, checks } from "kpi-core/testing"` under Node (it loads the Node build of
// kpi-core); needs fast-check (`npm install --save-dev fast-check`).
import fc from "fast-check";
import { Calendar, FactTable, KpiError, Measures, Plan, catalogue, formula } from "kpi-core";

// ---------------------------------------------------------------------------------------
// Calendars, dates, periods, decimals

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
export const GRAINS = Object.freeze(["day", "week", "month", "quarter", "half", "year"]);

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
  return fc.record({
    fiscal_year_start_month: fc.integer({ min: 1, max: 12 }),
    fiscal_year_named_by: fc.constantFrom("end", "start"),
    week_start: fc.constantFrom(...WEEKDAYS),
    retail,
  });
}

/** Any calendar (a `Calendar` built from `calendarSettings()`). */
export function calendars() {
  return calendarSettings().map((settings) => new Calendar(settings));
}

const DAY = 86_400_000;
const FIRST = Date.UTC(1960, 0, 1);
const FIRST_DAY = Date.parse("1000-01-01T00:00:00Z");
const LAST_DAY = Date.parse("9998-12-31T00:00:00Z");

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
  // As in Rust: ordinary numbers 4 in 7, the ends of 64 bits 2 in 7, null 1 in 7.
  const number = fc.oneof(
    { arbitrary: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), weight: 4 },
    { arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), weight: 2 },
    { arbitrary: fc.constant(null), weight: 1 },
  );
  const text = fc.oneof(
    fc.constantFrom("won", "lost", "open", "赢单"),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.constant(null),
  );
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
  return fc.oneof(
    { arbitrary: number.map((text) => ({ text, result: "number" })), weight: 2 },
    { arbitrary: condition.map((text) => ({ text, result: "bool" })), weight: 1 },
  );
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

const COMPONENT_FIELDS = { rate: ["permille", "cap_multiple"], tiered: ["retroactive", "tiers"], gated: ["permille", "min_percent"] };

/** Refuses what Rust's `PlanRecipe` refuses to read: a field of the wrong type, a negative
 * or fractional number, an unknown component kind or field. */
export function checkRecipe(recipe) {
  const count = (value, what) => {
    if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** 32) {
      throw new TypeError(`${what} is a whole number from 0 to 2**32 - 1, not ${JSON.stringify(value)}`);
    }
  };
  const known = ["teams", "quarterly", "quota", "target_incentive", "component"];
  const unknown = Object.keys(recipe).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new TypeError(`a recipe has the fields ${known.join(", ")}, not ${unknown.join(", ")}`);
  if (!Array.isArray(recipe.teams)) throw new TypeError("teams is a list of team sizes");
  recipe.teams.forEach((size) => count(size, "a team's size"));
  if (typeof recipe.quarterly !== "boolean") throw new TypeError("quarterly is true or false");
  count(recipe.quota, "quota");
  count(recipe.target_incentive, "target_incentive");
  const c = recipe.component ?? {};
  const fields = COMPONENT_FIELDS[c.kind];
  if (!fields) throw new TypeError(`unknown component kind ${JSON.stringify(c.kind)}: one of rate, tiered, gated`);
  const keys = Object.keys(c).filter((key) => key !== "kind");
  const missing = fields.filter((f) => !keys.includes(f) && !(c.kind === "rate" && f === "cap_multiple"));
  if (keys.some((key) => !fields.includes(key)) || missing.length > 0) {
    throw new TypeError(`a ${c.kind} component has the fields ${fields.join(", ")}, not ${keys.join(", ")}`);
  }
  for (const name of fields.filter((f) => f !== "tiers" && f !== "retroactive")) {
    if (!(name === "cap_multiple" && (c[name] === null || c[name] === undefined))) count(c[name], name);
  }
  if (c.kind === "tiered") {
    if (typeof c.retroactive !== "boolean") throw new TypeError("retroactive is true or false");
    for (const tier of c.tiers) {
      if (!Array.isArray(tier) || tier.length !== 2) throw new TypeError(`a tier is [from, permille], not ${JSON.stringify(tier)}`);
      count(tier[0], "a tier's from");
      count(tier[1], "a tier's permille");
    }
  }
}

/** The plan document (TOML) a recipe describes, with `defect` (a key of `DEFECTS`) in it
 * when given. A recipe is `{ teams, quarterly, quota, target_incentive, component }` (as in
 * the shared vectors and Rust's `PlanRecipe`); `checkRecipe` refuses a malformed one. */
export function recipeToml(recipe, defect = null) {
  if (defect !== null && !(defect in DEFECTS)) {
    throw new TypeError(`unknown defect ${JSON.stringify(defect)}: one of ${Object.keys(DEFECTS).join(", ")}`);
  }
  checkRecipe(recipe);
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
  const largest = BigInt(recipe.teams.length > 0 ? Math.max(...recipe.teams) : 1);
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
  } else {
    out.push(`kind = "rate"\nrate = "${places(c.permille, 3)}"\ngate = { goal = "team", min = "${places(c.min_percent, 2)}" }\n`);
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
  // Twenty days either side, within the supported days (1000-01-01 to 9998-12-31).
  const start = Math.max(Date.parse(`${period.start}T00:00:00Z`) - 20 * DAY, FIRST_DAY);
  const end = Math.min(Date.parse(`${period.end}T00:00:00Z`) + 20 * DAY, LAST_DAY);
  const days = Math.max(Math.round((end - start) / DAY), 1);
  const fact = fc.record({
    owner: fc.constantFrom(...members, "ghost", null),
    kind: fc.constantFrom("order", "payment", "deal"),
    status: fc.constantFrom("won", "lost", "open", null),
    // As in Rust: an amount 19 times in 20, a customer half the time.
    amount: fc.option(fc.integer({ min: -50_000, max: 4_999_999 }).map((c) => places(c, 2)), { nil: null, freq: 20 }),
    day: fc.integer({ min: 0, max: days - 1 }),
    customer: fc.option(fc.constantFrom("c1", "c2", "客户3"), { nil: null, freq: 2 }),
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
   * members' (when no member changes team); attainment is actual ÷ target (max(2 − actual
   * ÷ target, 0) when lower is better; formula metrics left out), to 26 significant digits.
   * Errors must be the same either way. */
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
    const document = plan.toObject();
    const metrics = metricDefinitions(document);
    const whole = JSON.parse(report.ok);
    rollUpsAddUp(document, whole, metrics);
    attainmentIsActualOverTarget(whole, metrics);
  },

  /** `date`'s period of `grain` holds the date, its label reads back as it, `next` and
   * `prev` undo each other, and consecutive periods tile the timeline. */
  periodLaws(calendar, date, grain) {
    const period = calendar.periodOf(date, grain);
    assert(period.contains(date), `${period.label} does not hold ${date}`);
    assert(calendar.parsePeriod(period.label).label === period.label, `${period.label} does not read back`);
    let next = null;
    try {
      next = period.next();
    } catch (error) {
      if (!(error instanceof KpiError)) throw error; // the last period of the range has no next one
    }
    if (next !== null) {
      assert(next.prev().label === period.label, `${period.label}: next then prev differs`);
      assert(next.start === period.end, `${period.label} and ${next.label} do not tile`);
    }
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
      assert(error.code === "data.overflow", `${text}: ${error.message}`);
      return;
    }
    if (value === null) return;
    // Numbers come back as exact decimal strings, text as strings.
    const declared = ["money", "percent", "count", "days"].includes(checked.type) ? "number" : checked.type;
    const fits = {
      number: typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value),
      bool: typeof value === "boolean",
      text: typeof value === "string",
      any: true,
    }[declared];
    assert(fits === true, `${text} is a ${checked.type} but evaluated to ${json(value)}`);
  },
});

/** The plan's metrics with the catalogue's it includes (the plan's own win). */
function metricDefinitions(document) {
  const included = new Set(document.catalogue ?? []);
  const metrics = {};
  for (const entry of catalogue()) if (included.has(entry.id)) Object.assign(metrics, entry.metrics);
  return Object.assign(metrics, document.metrics ?? {});
}

function product(a, b) {
  return { value: a.value * b.value, scale: a.scale + b.scale };
}

function minus(a, b) {
  const scale = Math.max(a.scale, b.scale);
  return { value: a.value * 10n ** BigInt(scale - a.scale) - b.value * 10n ** BigInt(scale - b.scale), scale };
}

const abs = (x) => (x < 0n ? -x : x);

function attainmentIsActualOverTarget(report, metrics) {
  for (const row of report.scorecards) {
    const definition = metrics[row.metric];
    if (definition === undefined || definition.formula !== undefined) continue;
    if (row.actual == null || row.target == null || row.attainment == null) continue;
    const actual = scaled(row.actual);
    const target = scaled(row.target);
    if (target.value === 0n) continue;
    const attainment = scaled(row.attainment);
    // attainment × target − actual (higher), or (2 − attainment) × target − actual (lower),
    // is within 10^-26 of the target: kpi's quotient has 28 places in 96 bits.
    const factor = row.direction === "higher" ? attainment : minus({ value: 2n, scale: 0 }, attainment);
    const off = minus(product(factor, target), actual);
    const tolerance = product({ value: abs(target.value), scale: target.scale }, { value: 1n, scale: 26 });
    const scale = Math.max(off.scale, tolerance.scale);
    const within = abs(off.value) * 10n ** BigInt(scale - off.scale) <= tolerance.value * 10n ** BigInt(scale - tolerance.scale);
    // Lower is better floors at 0: then the actual is at least twice the target.
    const floored =
      row.direction === "lower" &&
      attainment.value === 0n &&
      minus(actual, product({ value: 2n, scale: 0 }, target)).value * (target.value < 0n ? -1n : 1n) >= 0n;
    assert(within || floored, `attainment of ${row.goal} ${row.id} is ${row.attainment}, not ${row.actual} / ${row.target}`);
  }
}

function rollUpsAddUp(document, report, metrics) {
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

export { rollUpsAddUp as _rollUpsAddUp, metricDefinitions as _metricDefinitions };
