// The sample company's dashboard: scorecard, leaderboard, pacing and payouts computed in
// the browser by the kpi-core wasm package, recomputed as the user edits a target or a
// tier rate. Labels in English and Chinese. Raw values sit in data-* attributes (what
// the page test compares with the Rust report).
import init, { FactTable, Plan } from "../pkg/web/kpi_wasm.js";

const SAMPLE = "../../kpi-core/testdata/sample/";
const SETTINGS = { period: "FY2027-Q2", goal: "rep-revenue", pacingPeriod: "FY2027", pacingGoal: "company-revenue", asOf: "2026-10-31" };

const TEXT = {
  en: {
    title: "Sales dashboard", whatIf: "What if", repTarget: "Rep monthly target",
    tiers: "Commission tiers (rate from attainment)", scorecard: "Scorecard: rep sales this quarter",
    leaderboard: "Leaderboard", pacing: "Company revenue, fiscal year so far", payouts: "Payout statements",
    rep: "Rep", team: "Team", actual: "Actual", target: "Target", attainment: "Attainment", status: "Status",
    rank: "Rank", score: "Score", payout: "Payout", projected: "Projected", asOf: "as of", ready: "ready",
    from: "from", lang: "中文",
    achieved: "achieved", on_track: "on track", at_risk: "at risk", off_track: "off track",
  },
  zh: {
    title: "销售仪表盘", whatIf: "模拟调整", repTarget: "销售代表月度目标",
    tiers: "提成阶梯（按完成率的费率）", scorecard: "计分卡：本季度个人销售额",
    leaderboard: "排行榜", pacing: "公司销售额：本财年至今", payouts: "提成明细",
    rep: "销售代表", team: "团队", actual: "实际", target: "目标", attainment: "完成率", status: "状态",
    rank: "排名", score: "得分", payout: "提成", projected: "预计", asOf: "截至", ready: "就绪",
    from: "自", lang: "English",
    achieved: "达成", on_track: "正常", at_risk: "有风险", off_track: "落后",
  },
};

let lang = "en";
let document_ = null; // the plan document being edited
let facts = null;
let last = null; // the last computed view
let runs = 0;

const $ = (selector) => document.querySelector(selector);
const t = (key) => TEXT[lang][key] ?? key;
const money = (text) => Number(text).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (text) => text == null ? "–" : `${(Number(text) * 100).toFixed(1)}%`;
const el = (tag, attrs = {}, children = []) => {
  const node = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) node.setAttribute(k, v); // no attribute for null
  for (const c of [].concat(children)) node.append(c);
  return node;
};

/** Evaluates the edited plan: what the page shows. */
function compute() {
  const plan = Plan.fromObject(document_);
  const report = plan.evaluate(facts, SETTINGS.period);
  const paced = plan.evaluateAsOf(facts, SETTINGS.pacingPeriod, SETTINGS.asOf);
  const pacing = paced.scorecards.find((r) => r.goal === SETTINGS.pacingGoal);
  return {
    reps: report.scorecards.filter((r) => r.goal === SETTINGS.goal),
    scores: [...report.scores].sort((a, b) => a.rank - b.rank),
    statements: report.statements,
    pacing,
  };
}

function renderScorecard(view) {
  $("#scorecard thead").replaceChildren(el("tr", {}, ["rep", "team", "actual", "target", "attainment", "status"].map((k) => el("th", {}, t(k)))));
  $("#scorecard tbody").replaceChildren(...view.reps.map((r) => el("tr", {
    "data-id": r.id, "data-actual": r.actual, "data-target": r.target, "data-attainment": r.attainment, "data-status": r.status,
  }, [el("td", {}, r.name), el("td", {}, r.team ?? ""), el("td", {}, money(r.actual)), el("td", {}, r.target == null ? "–" : money(r.target)),
      el("td", {}, percent(r.attainment)), el("td", { class: r.status }, r.status ? t(r.status) : "")])));
  // Attainment by rep, with the 100% line.
  const svg = $("#attainment-chart");
  const rowH = 20, left = 90, width = 420;
  const max = Math.max(1.5, ...view.reps.map((r) => Number(r.attainment)));
  const x = (a) => left + (a / max) * (width - left - 10);
  svg.setAttribute("viewBox", `0 0 ${width} ${view.reps.length * rowH + 16}`);
  svg.replaceChildren(
    ...view.reps.flatMap((r, i) => [
      el("svg:text", { x: 0, y: i * rowH + 14, "font-size": 11 }, r.name),
      el("svg:rect", { class: Number(r.attainment) >= 1 ? "bar" : "bar below", x: left, y: i * rowH + 3, height: rowH - 6, width: Math.max(0, x(Number(r.attainment)) - left) }),
    ]),
    el("svg:line", { class: "goal-line", x1: x(1), x2: x(1), y1: 0, y2: view.reps.length * rowH }),
    el("svg:text", { x: x(1) + 3, y: view.reps.length * rowH + 12, "font-size": 10 }, "100%"),
  );
}

function renderLeaderboard(view) {
  $("#leaderboard thead").replaceChildren(el("tr", {}, ["rank", "rep", "team", "score"].map((k) => el("th", {}, t(k)))));
  $("#leaderboard tbody").replaceChildren(...view.scores.map((s) => el("tr", { "data-id": s.id, "data-rank": s.rank, "data-score": s.score },
    [el("td", {}, String(s.rank)), el("td", {}, s.name), el("td", {}, s.team ?? ""), el("td", {}, percent(s.score))])));
}

function renderPacing(view) {
  const p = view.pacing;
  $("#pacing").replaceChildren(el("div", { class: "card", "data-attainment": p.attainment, "data-projected-attainment": p.pacing.projected_attainment }, [
    el("div", {}, [el("b", {}, percent(p.attainment)), `${t("attainment")} (${t("asOf")} ${SETTINGS.asOf})`]),
    el("div", {}, [el("b", { class: p.pacing.projected_status }, percent(p.pacing.projected_attainment)), `${t("projected")}: ${t(p.pacing.projected_status)}`]),
    el("div", {}, [el("b", {}, money(p.actual)), `${t("actual")} / ${money(p.target)}`]),
  ]));
}

function renderPayouts(view) {
  $("#payouts thead").replaceChildren(el("tr", {}, ["rep", "team", "payout"].map((k) => el("th", {}, t(k)))));
  $("#payouts tbody").replaceChildren(...view.statements.map((s) => el("tr", { "data-member": s.member, "data-total": s.total },
    [el("td", {}, s.name), el("td", {}, s.team ?? ""), el("td", { title: s.lines.map((l) => (lang === "zh" ? l.explanation_zh : l.explanation)).join("\n") }, money(s.total))])));
  const svg = $("#payout-chart");
  const rowH = 18, left = 90, width = 420;
  const max = Math.max(1, ...view.statements.map((s) => Number(s.total)));
  svg.setAttribute("viewBox", `0 0 ${width} ${view.statements.length * rowH}`);
  svg.replaceChildren(...view.statements.flatMap((s, i) => [
    el("svg:text", { x: 0, y: i * rowH + 13, "font-size": 11 }, s.name),
    el("svg:rect", { class: "pay", x: left, y: i * rowH + 3, height: rowH - 6, width: (Number(s.total) / max) * (width - left - 10) }),
  ]));
}

function render() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").textContent = t("lang");
  $("#subtitle").textContent = `${document_.name ?? ""} · ${SETTINGS.period}`;
  renderScorecard(last);
  renderLeaderboard(last);
  renderPacing(last);
  renderPayouts(last);
  for (const [i, tier] of tiers().entries()) {
    $(`#tier-label-${i}`).textContent = `${t("from")} ${percent(tier.from)}`;
  }
  const status = $("#status");
  status.textContent = `${t("ready")} (${runs})`;
  status.dataset.state = "ready";
  status.dataset.runs = String(runs);
}

const goal = () => document_.goals.find((g) => g.id === SETTINGS.goal);
const tiers = () => document_.incentives[0].components[0].tiers;

/** Recomputes after an edit; a bad value shows the error and keeps the last view. */
function recompute() {
  try {
    last = compute();
    $("#error").textContent = "";
  } catch (e) {
    $("#error").textContent = `${e.code ?? ""} ${e.message}`;
  }
  runs += 1;
  render();
}

function controls() {
  const target = $("#target-rep-revenue");
  target.value = goal().target;
  target.addEventListener("input", () => {
    goal().target = target.value;
    recompute();
  });
  $("#tiers").replaceChildren(...tiers().map((tier, i) => {
    const input = el("input", { id: `tier-rate-${i}`, type: "number", step: "0.005", min: "0", value: tier.rate });
    input.addEventListener("input", () => {
      tier.rate = input.value;
      recompute();
    });
    return el("label", {}, [el("span", { id: `tier-label-${i}` }), input]);
  }));
  $("#lang").addEventListener("click", () => {
    lang = lang === "en" ? "zh" : "en";
    render();
  });
}

async function main() {
  await init();
  const [planText, factsText] = await Promise.all(
    ["plan.toml", "facts.jsonl"].map((f) => fetch(SAMPLE + f).then((r) => r.text())),
  );
  document_ = Plan.fromToml(planText).toObject();
  facts = FactTable.fromJsonLines(factsText);
  controls();
  recompute();
}

main().catch((e) => {
  $("#error").textContent = String(e);
  $("#status").dataset.state = "failed";
});
