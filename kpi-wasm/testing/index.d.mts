// Declarations of kpi-core/testing (index.mjs): fast-check arbitraries for plans, calendars,
// periods, facts and formulas, and the checks kpi relies on.
import type { Arbitrary } from "fast-check";
import type { Calendar, CalendarSettings, FactRecord, Grain, Period, Plan } from "kpi-core";

/** The grains `grains()` draws from. */
export const GRAINS: readonly Grain[];
/** Any calendar settings object (for `new Calendar(settings)`). */
export function calendarSettings(): Arbitrary<CalendarSettings>;
/** Any calendar: fiscal years starting in any month, named either way, retail or not. */
export function calendars(): Arbitrary<Calendar>;
/** A day ("YYYY-MM-DD") from 1960-01-01 through 2069-07-05. */
export function dates(): Arbitrary<string>;
/** Any grain: day, week, month, quarter, half or year. */
export function grains(): Arbitrary<Grain>;
/** A calendar and one of its periods, of any grain. */
export function periods(): Arbitrary<[Calendar, Period]>;
/** An amount of money as users write it, a decimal string. */
export function decimals(): Arbitrary<string>;
/** The largest exact decimal kpi holds (a 96-bit mantissa), as a string. */
export const MAX_DECIMAL: string;
/** Decimal strings chosen to break arithmetic: the extremes, 28 places, any mantissa. */
export function hostileDecimals(): Arbitrary<string>;

/** The names generated formulas read, with their types. */
export const FORMULA_NAMES: Readonly<Record<"a" | "b" | "c" | "t" | "flag", string>>;
/** Values for `FORMULA_NAMES`, as `formula.evaluate` takes them. */
export function formulaValues(): Arbitrary<Record<string, number | bigint | string | boolean | null>>;
/** A well-typed formula over `FORMULA_NAMES` and the type of its result. */
export function formulas(): Arbitrary<{ text: string; result: "number" | "bool" }>;
/** A formula with one deliberate defect, and the code kpi answers it with. */
export function invalidFormulas(): Arbitrary<{ text: string; code: string }>;

/** A defect `invalidPlans()` puts in a plan. */
export type Defect =
  | "unsupported_version"
  | "unknown_metric"
  | "unknown_team"
  | "duplicate_goal"
  | "broken_filter"
  | "unknown_field"
  | "text_target";
/** Each defect and the error code reading a plan with it gives. */
export const DEFECTS: Readonly<Record<Defect, string>>;

/** The component of a generated incentive. */
export type ComponentRecipe =
  | { kind: "rate"; permille: number; cap_multiple?: number | null }
  | { kind: "tiered"; retroactive: boolean; tiers: [number, number][] }
  | { kind: "gated"; permille: number; min_percent: number };
/** The shape of a generated plan (the same JSON as Rust's `PlanRecipe` and Python's). */
export interface PlanRecipe {
  teams: number[];
  quarterly: boolean;
  quota: number;
  target_incentive: number;
  component: ComponentRecipe;
}
/** Throws a `TypeError` for what Rust's `PlanRecipe` refuses to read. */
export function checkRecipe(recipe: PlanRecipe): void;
/** The member ids of a recipe, `m1` to `mN`, in team order. */
export function recipeMemberIds(recipe: PlanRecipe): string[];
/** The plan document (TOML) a recipe describes, with `defect` in it when given. */
export function recipeToml(recipe: PlanRecipe, defect?: Defect | null): string;
/** Any plan recipe. */
export function planRecipes(): Arbitrary<PlanRecipe>;
/** A valid plan, read from a recipe's document. */
export function plans(): Arbitrary<Plan>;
/** A plan document with one defect, and the code kpi must reject it with. */
export function invalidPlans(): Arbitrary<{ toml: string; defect: Defect; code: string }>;
/** Size limits of generated fact lists. */
export interface FactCount {
  minLength?: number;
  maxLength?: number;
}
/** Facts for `members` (and an outsider, and none) dated around `period`. */
export function factRecords(members: readonly string[], period: Period, count?: FactCount): Arbitrary<FactRecord[]>;
/** A valid plan, one of its periods in 2025–2027, and facts for its members. */
export function plansWithFacts(count?: FactCount): Arbitrary<[Plan, Period, FactRecord[]]>;

/** The properties kpi relies on; each throws an `Error` naming what broke. */
export const checks: Readonly<{
  /** The plan reads back equal from its own TOML and JSON. */
  planRoundTrips(plan: Plan): void;
  /** Order, partitions and roll-ups do not change the report. */
  evaluationLaws(plan: Plan, facts: FactRecord[], period: Period | string): void;
  /** A period holds its day, reads back from its label, and tiles the timeline. */
  periodLaws(calendar: Calendar, date: string, grain: Grain): void;
  /** A formula checks with a code and a line, or evaluates to its declared type. */
  formulaLaws(text: string, names: Record<string, string>, values: Record<string, number | bigint | string | boolean | null>): void;
}>;
