// The sample company's dashboard: scorecard, leaderboard, pacing and payouts computed in
// the browser by the kpi-core wasm package, recomputed as the user edits a target or a
// tier rate. Labels in English and Chinese: kpi's own words (columns, statuses) come from
// the core's message catalogue (`messages(locale)`), names from the report's `labels`;
// only the page's own titles are written here. Raw values sit in data-* attributes (what
// the page test compares with the Rust report).
import init, { FactTable, Plan, messages } from "../pkg/web/kpi_wasm.js";

const SAMPLE = "../../kpi-core/testdata/sample/";
const SETTINGS = { period: "FY2027-Q2", goal: "rep-revenue", pacingPeriod: "FY2027", pacingGoal: "company-revenue", asOf: "2026-10-31" };

// The page's own words; kpi's words come from `messages(locale)` (WORDS below).
const TEXT = {
  en: {
    title: "Sales dashboard", whatIf: "What if", repTarget: "Rep monthly target",
    tiers: "Commission tiers (rate from attainment)", scorecard: "Scorecard: rep sales this quarter",
    leaderboard: "Leaderboard", members: "Reps", teams: "Teams", pacing: "Company revenue, fiscal year so far",
    payouts: "Payout statements", rep: "Rep", ready: "ready", from: "from", lang: "中文",
  },
  zh: {
    title: "销售仪表盘", whatIf: "模拟调整", repTarget: "销售代表月度目标",
    tiers: "提成阶梯（按完成率的费率）", scorecard: "计分卡：本季度个人销售额",
    leaderboard: "排行榜", members: "销售代表", teams: "团队", pacing: "公司销售额：本财年至今",
    payouts: "提成明细", rep: "销售代表", ready: "就绪", from: "自", lang: "English",
  },
};
const LOCALE = { en: "en", zh: "zh-CN" };
const WORDS = {}; // the core's catalogue per page language, read once kpi is loaded

let lang = "en";
let document_ = null; // the plan document being edited
let facts = null;
let last = null; // the last computed view
let runs = 0;

const $ = (selector) => document.querySelector(selector);
const t = (key) => TEXT[lang][key] ?? key;
/** A word of kpi's catalogue: `w("column.actual")`, `w("status.missed")`. */
const w = (key) => WORDS[lang][key] ?? key;
/** What the report calls a team in the page's language (its id without a name). */
const teamName = (labels, id) => {
  const label = labels?.teams?.[id];
  return label?.names?.[LOCALE[lang]] ?? label?.name ?? id ?? "";
};
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
  const ranked = (scope) => report.scores.filter((s) => s.scope === scope).sort((a, b) => a.rank - b.rank);
  return {
    reps: report.scorecards.filter((r) => r.goal === SETTINGS.goal),
    // Members and teams are ranked separately: one list would interleave them.
    members: ranked("member"),
    teams: ranked("team"),
    statements: report.statements,
    labels: report.labels,
    pacing,
  };
}

function renderScorecard(view) {
  const columns = ["column.team", "column.actual", "column.target", "column.attainment", "column.status"];
  $("#scorecard thead").replaceChildren(el("tr", {}, [el("th", {}, t("rep")), ...columns.map((k) => el("th", {}, w(k)))]));
  $("#scorecard tbody").replaceChildren(...view.reps.map((r) => el("tr", {
    "data-id": r.id, "data-actual": r.actual, "data-target": r.target, "data-attainment": r.attainment, "data-status": r.status,
  }, [el("td", {}, r.id === "unassigned" ? w("name.unassigned") : r.name), el("td", {}, teamName(view.labels, r.team)), el("td", {}, money(r.actual)), el("td", {}, r.target == null ? "–" : money(r.target)),
      el("td", {}, percent(r.attainment)), el("td", { class: r.status }, r.status ? w(`status.${r.status}`) : "")])));
  // Attainment by rep, with the 100% line.
  const svg = $("#attainment-chart");
  const rowH = 20, left = 90, width = 420;
  const max = Math.max(1.5, ...view.reps.map((r) => Number(r.attainment)));
  const x = (a) => left + (a / max) * (width - left - 10);
  svg.setAttribute("viewBox", `0 0 ${width} ${view.reps.length * rowH + 16}`);
  svg.replaceChildren(
    ...view.reps.flatMap((r, i) => [
      el("svg:text", { x: 0, y: i * rowH + 14, "font-size": 11 }, r.id === "unassigned" ? w("name.unassigned") : r.name),
      el("svg:rect", { class: Number(r.attainment) >= 1 ? "bar" : "bar below", x: left, y: i * rowH + 3, height: rowH - 6, width: Math.max(0, x(Number(r.attainment)) - left) }),
    ]),
    el("svg:line", { class: "goal-line", x1: x(1), x2: x(1), y1: 0, y2: view.reps.length * rowH }),
    el("svg:text", { x: x(1) + 3, y: view.reps.length * rowH + 12, "font-size": 10 }, "100%"),
  );
}

function renderLeaderboard(view) {
  const row = (s, cells) => el("tr", { "data-id": s.id, "data-rank": s.rank, "data-score": s.score }, cells.map((c) => el("td", {}, c)));
  $("#leaderboard-members thead").replaceChildren(el("tr", {}, ["column.rank", "column.member", "column.team", "column.score"].map((k) => el("th", {}, w(k)))));
  $("#leaderboard-members tbody").replaceChildren(...view.members.map((s) =>
    row(s, [String(s.rank ?? "–"), s.name, teamName(view.labels, s.team), percent(s.score)])));
  $("#leaderboard-teams thead").replaceChildren(el("tr", {}, ["column.rank", "column.team", "column.score"].map((k) => el("th", {}, w(k)))));
  $("#leaderboard-teams tbody").replaceChildren(...view.teams.map((s) =>
    row(s, [String(s.rank ?? "–"), teamName(view.labels, s.id), percent(s.score)])));
}

function renderPacing(view) {
  const p = view.pacing;
  $("#pacing").replaceChildren(el("div", { class: "card", "data-attainment": p.attainment, "data-projected-attainment": p.pacing.projected_attainment }, [
    el("div", {}, [el("b", {}, percent(p.attainment)), `${w("column.attainment")} (${w("note.as_of")} ${SETTINGS.asOf})`]),
    el("div", {}, [el("b", { class: p.pacing.projected_status }, percent(p.pacing.projected_attainment)), `${w("column.projected")}: ${w(`status.${p.pacing.projected_status}`)}`]),
    el("div", {}, [el("b", {}, money(p.actual)), `${w("column.actual")} / ${money(p.target)}`]),
  ]));
}

function renderPayouts(view) {
  $("#payouts thead").replaceChildren(el("tr", {}, [el("th", {}, t("rep")), el("th", {}, w("column.team")), el("th", {}, w("column.payout"))]));
  $("#payouts tbody").replaceChildren(...view.statements.map((s) => el("tr", { "data-member": s.member, "data-total": s.total },
    [el("td", {}, s.name), el("td", {}, teamName(view.labels, s.team)), el("td", { title: s.lines.map((l) => (lang === "zh" ? l.explanation_zh : l.explanation)).join("\n") }, money(s.total))])));
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
  for (const [page, locale] of Object.entries(LOCALE)) WORDS[page] = messages(locale);
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
