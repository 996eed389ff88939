// Declarations of kpi-core/design: the plan design checks and the cost simulation, a
// second wasm module loaded on demand (docs/design.md).
import type { Plan, PlanDocument, Report } from "kpi-core";

/** A plan: the main module's `Plan`, a plan document, or TOML text. */
export type PlanInput = Plan | PlanDocument | string;

/** One case of a counterexample: inputs `evaluateComponent` prices to `paid`. */
export interface DesignCase {
  role: string;
  inputs: Record<string, unknown>;
  paid: string;
}

/** A design finding (the same fields as in Rust and Python). */
export interface DesignFinding {
  code: string;
  severity: "warning" | "info";
  incentive: string;
  path: string;
  message: string;
  message_zh: string;
  intended?: string;
  counterexample: { cases: DesignCase[]; difference: string; moved?: string };
}

/** An attainment distribution: numbers as decimal strings or whole numbers. */
export type Attainment =
  | { normal: { mean: string | number; sd: string | number } }
  | { lognormal: { mu: string | number; sigma: string | number } }
  | { empirical: (string | number)[] };

/** Expected cost and its percentiles. */
export interface CostFigures {
  expected: string;
  p50: string;
  p90: string;
  p99: string;
  max: string;
}

/** The simulated cost of a plan. */
export interface CostSimulation {
  trials: number;
  seed: number | string;
  members: number;
  per_member: CostFigures;
  total: CostFigures;
  incentives: { incentive: string; total: CostFigures }[];
  revenue: string;
  /** `total.expected / revenue`, when there is revenue. */
  cost_share?: string;
  not_priced: string[];
}

/** Options of `simulateCost`. */
export interface SimulateOptions {
  /** Payout periods simulated, 1 to 100,000 (1,000 by default). */
  trials?: number;
  /** The seed, 0 to 2**64 - 1 (0 by default): the same seed gives the same cents. */
  seed?: number | bigint | string;
  /** People priced per period (the org's people by default). */
  members?: number | null;
}

/** Past attainments of goal `goal`'s member rows in `reports` (from `plan.evaluate`), as an
 * empirical distribution for `simulateCost`. */
export function attainmentFromReports(reports: Iterable<Report>, goal: string): { empirical: string[] };
/** The plan's design findings. */
export function designCheck(plan: PlanInput): DesignFinding[];
/** The design findings as text in `locale` ("en", the default, or "zh-CN"). */
export function designText(plan: PlanInput, locale?: string): string;
/** The plan's payout cost under an attainment distribution, from a seeded simulation. */
export function simulateCost(plan: PlanInput, attainment: Attainment, options?: SimulateOptions): CostSimulation;
/** Loads the design module (browsers; nothing to do under Node). */
export default function init(
  input?: string | URL | Request | Response | BufferSource | WebAssembly.Module | { module_or_path: string | URL | Request | Response | BufferSource | WebAssembly.Module },
): Promise<void>;
