// Type-checked by `npm run typecheck` (tsc --noEmit): the declarations generated from the
// Rust types describe what the functions really take and return.
import { FactTable, Plan, reportToText } from "kpi-core";
import type { FactRecord, PlanDocument, Report, ScorecardRow, Statement } from "kpi-core";

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
console.log(attainment, total, label, reportToText(report));
