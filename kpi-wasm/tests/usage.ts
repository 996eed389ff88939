// Type-checked by `npm run typecheck` (tsc --noEmit): the declarations generated from the
// Rust types describe what the functions really take and return.
import {
  DataError,
  FactTable,
  FormulaError,
  KpiError,
  PeriodError,
  Plan,
  PlanError,
  evaluateComponent,
  findingCodes,
  formula,
  ingest,
  planSchema,
  rejectionReasons,
  reportToText,
  targets,
} from "kpi-core";
import type {
  Period,
  Adjustment,
  Dispute,
  Settlement,
  Verification,
  ReadOptions,
  Capacity,
  IngestOptions,
  IngestReport,
  Rejection,
  ComponentResult,
  PayoutLine,
  FactRecord,
  Finding,
  FindingCode,
  RejectionReason,
  PlanDocument,
  Report,
  Review,
  ScoreRow,
  ScorecardRow,
  Statement,
  Status,
} from "kpi-core";

const document: PlanDocument = {
  version: 1,
  org: { teams: [{ id: "t", name: "T" }], members: [{ id: "a", name: "A", team: "t" }] },
  metrics: { revenue: { aggregate: "sum", field: "amount", filter: 'kind == "order"' } },
  goals: [{ id: "g", metric: "revenue", scope: "member", period: "month", target: "1000" }],
  incentives: [{ id: "c", applies_to: "members", components: [{ kind: "rate", metric: "revenue", rate: "0.05" }] }],
};
const records: FactRecord[] = [{ id: "1", kind: "order", owner: "a", amount: "10.00", date: "2026-03-01" }];
const report: Report = Plan.fromObject(document).evaluate(FactTable.fromRecords(records), "2026-03");
const row: ScorecardRow = report.scorecards[0];
const attainment: string | null = row.attainment;
const statement: Statement = report.statements[0];
const total: string = statement.total;
const label: string = report.period.label;
const status: Status | null = row.status;
const projected: string | null | undefined = row.pacing?.projected;
const score: ScoreRow = report.scores[0];
const findings: Finding[] = Plan.draftFromObject(document).validate(undefined, "2026-01-01");
const severity: "error" | "warning" | "info" = findings[0].severity;
const review: Review = Plan.fromObject(document).review(FactTable.fromRecords(records), "2026-03-15");
const parts: string[] = targets.allocate("100", ["1", "1", "1"], 2);
const capacity: Capacity = targets.capacity("5000000", ["1500000", "1500000"]);
const adjusted: Plan = Plan.fromObject(document).adjustGoal("g", { from: "2026-03-01", target: "800", reason: "slowdown" });
const priced: ComponentResult = evaluateComponent(
  { kind: "tiered", metric: "revenue", on: "amount", mode: "marginal", tiers: [{ from: "0", rate: "0.05" }] },
  { actual: "1000" },
  undefined,
);
const line: PayoutLine = statement.lines[0];
const zh: string = line.explanation_zh;
const columnar: FactTable = FactTable.fromColumns({ id: Uint32Array.of(1), kind: "order", day: Int32Array.of(20513), amount: ["10.00"] });
// Periods as labels or Period objects, days as text or Dates, exact numbers, opt-in floats.
const exact: ReadOptions = { allowFloat: true };
const period: Period = Plan.fromObject(document).parsePeriod("2026-03");
const byPeriod: Report = Plan.fromObject(document, exact).evaluate(columnar, period);
const asOf: Report = Plan.fromObject(document).evaluateAsOf(columnar, period, new Date("2026-03-15"));
const trend: Report[] = Plan.fromObject(document).evaluateSeries(columnar, "2026", ["month", "quarter"]);
const quarters: Report[] = Plan.fromObject(document).evaluateSeries(columnar, period, "quarter");
const floats: FactTable = FactTable.fromRecords([{ id: "2", kind: "order", amount: 0.5, date: "2026-03-02" }], exact);
const surveys: FactTable = FactTable.fromColumns({ id: ["s"], kind: "survey", day: [20513], attributes: { score: [4] } });
const shifted: Period = period.shift(-1);
const value: string | boolean | null = formula.evaluate("x * 2", { x: 1.5, y: 2n }, exact);
console.log(byPeriod, asOf, trend, quarters, floats, surveys, shifted, value);
console.log(columnar.length);
const options: IngestOptions = { module: "Deals", homeCurrency: "CNY" };
const fromZoho: { facts: FactTable; report: IngestReport } = ingest.zoho([{ data: [], info: {} }], null, options);
const rejected: Rejection[] = fromZoho.report.rejected;
const more: IngestReport = fromZoho.facts.appendFxiaoke(['{"errorCode":0,"data":{"dataList":[]}}'], null, undefined);
console.log(rejected, more, fromZoho.report.superseded);
console.log(priced, zh, attainment, total, label, reportToText(report), status, projected, score, severity, review, parts, capacity, adjusted);

// The plan's JSON Schema is a plain object.
const schema: Record<string, unknown> = planSchema();
void schema;

// Errors are classes: `instanceof` narrows to the family, `code` and the location are typed.
try {
  Plan.fromToml("version = 1");
} catch (e) {
  if (e instanceof KpiError) {
    const where: [string, string | null, number | null, number | null, number | null] = [e.code, e.path, e.line, e.column, e.row];
    const family: string = e instanceof PlanError ? "plan" : e instanceof FormulaError ? "formula" : e instanceof DataError ? "data" : e instanceof PeriodError ? "period" : "?";
    console.log(where, family, e.name, e.message, e instanceof Error);
  }
}
const made: DataError = new DataError("[data.invalid_argument] x", { code: "data.invalid_argument", path: "x" });
const codes: FindingCode[] = findingCodes();
const reasons: RejectionReason[] = rejectionReasons();
const firstCode: FindingCode | undefined = findings[0]?.code;
const firstReason: RejectionReason | undefined = rejected[0]?.reason;
console.log(made, codes, reasons, firstCode, firstReason);

// The pay cycle: settlements and disputes are plain objects.
const plan: Plan = Plan.fromObject(document);
const settled: Settlement = plan.close(new FactTable(), "2026-01", "Li Na", "2026-02-03T09:00:00Z");
const disputed: Dispute[] = [{ id: "d-1", member: "a", period: "2026-01", reason: "r", raised_by: "a", raised_at: "2026-02-05T10:00:00Z" }];
const trued: Report = plan.evaluateSettled(new FactTable(), "2026-02", [settled], disputed);
const adjustments: Adjustment[] = trued.statements[0]?.adjustments ?? [];
const checked: Verification = plan.verifySettlement(settled, new FactTable());
console.log(settled.lines[0]?.amount, settled.facts.digest, adjustments[0]?.changes, checked.matches, checked.added);
