// Type-checked by `npm run typecheck`: kpi-core/testing is an ES module (like fast-check's
// own ESM build), so a user's test file that imports it is one too.
import * as fc from "fast-check";
import { Plan } from "kpi-core";
import { checks, invalidPlans, plansWithFacts, recipeToml, type PlanRecipe } from "kpi-core/testing";

const recipe: PlanRecipe = {
  teams: [2],
  quarterly: true,
  quota: 1000,
  target_incentive: 500,
  component: { kind: "rate", permille: 50, cap_multiple: null },
};
const plan: Plan = Plan.fromToml(recipeToml(recipe, null));
fc.assert(
  fc.property(plansWithFacts({ maxLength: 5 }), ([generated, period, facts]) => {
    checks.planRoundTrips(generated);
    checks.evaluationLaws(generated, facts, period);
  }),
  { numRuns: 1 },
);
const code: string = fc.sample(invalidPlans(), 1)[0].code;
void plan;
void code;

// kpi-core/design: the on-demand design module's declarations.
import initDesign, { designCheck, designText, simulateCost, type DesignFinding } from "kpi-core/design";
await initDesign();
const findings: DesignFinding[] = designCheck(plan);
const text: string = designText(plan, "zh-CN");
const cost = simulateCost(plan, { normal: { mean: "1.0", sd: "0.2" } }, { trials: 10, seed: 7n });
const expected: string = cost.total.expected;
void findings;
void text;
void expected;
