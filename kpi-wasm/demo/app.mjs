// The sample company's dashboard: scorecard, leaderboard, pacing and payouts computed in
// the browser by the kpi-core wasm package, recomputed as the user edits a target or a
// tier rate, picks a period, or loads their own plan and facts (facts from CSV go through
// kpi's ingestion, which reports every rejected row). An invalid edit is refused next to
// its field and the last good numbers stay, marked stale. Labels in English and Chinese: kpi's own words (columns, statuses) come from
// the core's message catalogue (`messages(locale)`), names from the report's `labels`;
// only the page's own titles are written here. Raw values sit in data-* attributes (what
// the page test compares with the Rust report).
import init, { FactTable, Plan, ingest, messages } from "../pkg/web/kpi_wasm.js";
// The plan design checks: kpi-core/design, a second module loaded after the first (the
// page's import map resolves its "kpi-core" to the module above).
import initDesign, { designCheck } from "../design/web.mjs";

const SAMPLE = "../../kpi-core/testdata/sample/";
const SETTINGS = { period: "FY2027-Q2", goal: "rep-revenue", pacingPeriod: "FY2027", pacingGoal: "company-revenue", asOf: "2026-10-31", trendSpan: "FY2026..FY2027" };

// The page's own words; kpi's words come from `messages(locale)` (WORDS below).
const TEXT = {
  en: {
    title: "Sales dashboard", whatIf: "What if", repTarget: "Rep monthly target",
    tiers: "Commission tiers (rate from attainment)", scorecard: "Scorecard: rep sales this quarter",
    leaderboard: "Leaderboard", members: "Reps", teams: "Teams", pacing: "Company revenue, fiscal year so far",
    payouts: "Payout statements", rep: "Rep", ready: "ready", from: "from", lang: "中文",
    trend: "Payouts by quarter, two fiscal years", onTarget: "reps on target",
    period: "Period", yourData: "Your own plan and facts", planFile: "Plan (TOML or JSON)",
    factsFile: "Facts (CSV, JSON or JSON Lines)", total: "Total", lines: "lines",
    stale: "(last good numbers: fix the input above)",
    badTarget: "Enter the target as a positive amount, such as 500000.",
    badRate: "Enter each rate as a percentage from 0 to 100, such as 3 for 3%.",
    noTiers: "This plan's first incentive has no tier table to edit.",
    noGoal: "This plan has no member goal to show.",
    ingested: (r) => `Read ${r.read} rows: ${r.accepted} facts, ${r.rejected.length} rejected.`,
    rejectedRow: (x) => `Line ${x.line}, ${x.field}: ${x.message}`,
  },
  zh: {
    title: "销售仪表盘", whatIf: "模拟调整", repTarget: "销售代表月度目标",
    tiers: "提成阶梯（按完成率的费率）", scorecard: "计分卡：本季度个人销售额",
    leaderboard: "排行榜", members: "销售代表", teams: "团队", pacing: "公司销售额：本财年至今",
    payouts: "提成明细", rep: "销售代表", ready: "就绪", from: "自", lang: "English",
    trend: "两个财年的季度提成", onTarget: "名代表达标",
    period: "期间", yourData: "导入自己的计划和数据", planFile: "计划（TOML 或 JSON）",
    factsFile: "事实数据（CSV、JSON 或 JSON Lines）", total: "合计", lines: "明细",
    stale: "（上次有效的结果：请先修正上方输入）",
    badTarget: "请输入正数金额作为目标，例如 500000。",
    badRate: "请以百分比输入费率（0 到 100），例如 3 表示 3%。",
    noTiers: "该计划的第一个激励没有可编辑的阶梯。",
    noGoal: "该计划没有个人目标可显示。",
    ingested: (r) => `读取 ${r.read} 行：${r.accepted} 条事实，${r.rejected.length} 条被拒。`,
    rejectedRow: (x) => `第 ${x.line} 行，${x.field}：${x.message}`,
  },
};
const LOCALE = { en: "en", zh: "zh-CN" };
const WORDS = {}; // the core's catalogue per page language, read once kpi is loaded

let lang = "en";
let document_ = null; // the plan document being edited
let facts = null;
let period = SETTINGS.period; // the period shown
let last = null; // the last computed view
let stale = false; // an input is invalid: `last` is what the last good input gave
let ingestReport = null; // the report of the last facts file read
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
const money = (text) => text == null ? "–" : Number(text).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (text) => text == null ? "–" : `${(Number(text) * 100).toFixed(1)}%`;
const el = (tag, attrs = {}, children = []) => {
  const node = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) node.setAttribute(k, v); // no attribute for null
  for (const c of [].concat(children)) node.append(c);
  return node;
};

/** The member goal the scorecard shows: the sample's, else the plan's first member goal. */
const shownGoal = () => document_.goals.find((g) => g.id === SETTINGS.goal)
  ?? document_.goals.find((g) => g.scope === "member");

/** Evaluates the edited plan: what the page shows. */
function compute() {
  const plan = Plan.fromObject(document_);
  const report = plan.evaluate(facts, period);
  const pacingGoal = document_.goals.find((g) => g.id === SETTINGS.pacingGoal);
  const paced = pacingGoal ? plan.evaluateAsOf(facts, SETTINGS.pacingPeriod, SETTINGS.asOf) : null;
  const pacing = paced?.scorecards.find((r) => r.goal === SETTINGS.pacingGoal && r.pacing) ?? null;
  const ranked = (scope) => report.scores.filter((s) => s.scope === scope).sort((a, b) => a.rank - b.rank);
  const goal = shownGoal();
  return {
    reps: goal ? report.scorecards.filter((r) => r.goal === goal.id) : [],
    // Members and teams are ranked separately: one list would interleave them.
    members: ranked("member"),
    teams: ranked("team"),
    statements: report.statements,
    labels: report.labels,
    pacing,
    // The plan's design findings, checked again as the user edits a target or a rate; a
    // check that fails leaves the numbers above fresh and says why in the panel.
    design: checkDesign(plan),
    trend: trendOf(plan, goal),
  };
}

/** Every quarter of the trend's span in one call (`evaluateSeries`): each quarter's total
 * payout and how many reps met the shown goal. A plan the span does not suit (the user's
 * own) shows no trend rather than failing the page. */
function trendOf(plan, goal) {
  try {
    return plan.evaluateSeries(facts, SETTINGS.trendSpan, "quarter").map((r) => ({
      period: r.period.label,
      payout: sumDecimals(r.statements.map((s) => s.total)),
      achieved: r.scorecards.filter((row) => row.goal === goal?.id && row.scope === "member" && row.status === "achieved").length,
    }));
  } catch {
    return [];
  }
}

function checkDesign(plan) {
  try {
    return designCheck(plan);
  } catch (e) {
    return { error: `${e.message}` };
  }
}

/** The plan's design findings: severity, the incentive, and what it finds. */
function renderDesign(view) {
  const own = (object, key) => (object && Object.hasOwn(object, key) ? object[key] : undefined);
  const incentiveName = (id) => {
    const label = own(view.labels?.incentives, id);
    return own(label?.names, LOCALE[lang]) ?? label?.name ?? id;
  };
  if (!Array.isArray(view.design)) {
    $("#design").replaceChildren(el("li", { class: "sev-error" }, view.design.error));
    $("#design-title").textContent = w("title.design");
    return;
  }
  $("#design").replaceChildren(...view.design.map((f) => el("li", { "data-code": f.code, "data-path": f.path, "data-severity": f.severity, class: `sev-${f.severity}` }, [
    el("strong", {}, `${w(`severity.${f.severity}`)} · ${incentiveName(f.incentive)}: `),
    lang === "zh" ? f.message_zh : f.message,
    ...(f.intended ? [el("em", {}, lang === "zh" ? `（${w("note.intended")}：${f.intended}）` : ` (${w("note.intended")}: ${f.intended})`)] : []),
  ])));
  $("#design-title").textContent = `${w("title.design")} (${view.design.length})`;
}

/** The exact sum of decimal strings (payout totals), without binary floats. */
function sumDecimals(texts) {
  const scale = Math.max(0, ...texts.map((x) => (x.split(".")[1] ?? "").length));
  const total = texts.reduce((sum, x) => {
    const [whole, fraction = ""] = x.replace("-", "").split(".");
    const units = BigInt(whole + fraction.padEnd(scale, "0"));
    return sum + (x.startsWith("-") ? -units : units);
  }, 0n);
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, "0");
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return total < 0n ? `-${text}` : text;
}

/** A percentage typed by the user ("3", "12.5") as the exact rate ("0.03", "0.125"), or null. */
function percentToRate(text) {
  const match = /^\s*(\d{1,3})(?:\.(\d{1,8}))?\s*$/.exec(text);
  if (!match) return null;
  const digits = `${match[1]}${match[2] ?? ""}`.padStart(3 + (match[2] ?? "").length, "0");
  const scale = (match[2] ?? "").length + 2;
  const rate = `${digits.slice(0, -scale).replace(/^0+(?=\d)/, "")}.${digits.slice(-scale)}`.replace(/\.?0+$/, "") || "0";
  const value = Number(rate);
  return value >= 0 && value <= 1 ? (rate.startsWith(".") ? `0${rate}` : rate) : null;
}

/** A rate ("0.035") as the percentage the user edits ("3.5"). */
function rateToPercent(rate) {
  const [whole, fraction = ""] = String(rate).split(".");
  const digits = `${whole}${fraction.padEnd(2, "0")}`;
  const cut = whole.length + 2;
  const text = `${digits.slice(0, cut)}.${digits.slice(cut)}`.replace(/^0+(?=\d)/, "").replace(/\.?0*$/, "");
  return text || "0";
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
  const max = Math.max(1.5, ...view.reps.map((r) => Number(r.attainment ?? 0)));
  const x = (a) => left + (a / max) * (width - left - 10);
  svg.setAttribute("viewBox", `0 0 ${width} ${view.reps.length * rowH + 16}`);
  svg.replaceChildren(
    ...view.reps.flatMap((r, i) => [
      el("svg:text", { x: 0, y: i * rowH + 14, "font-size": 11 }, r.id === "unassigned" ? w("name.unassigned") : r.name),
      el("svg:rect", { class: Number(r.attainment) >= 1 ? "bar" : "bar below", x: left, y: i * rowH + 3, height: rowH - 6, width: Math.max(0, x(Number(r.attainment ?? 0)) - left) }),
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
  $("#pacing").closest("section").hidden = !p;
  if (!p) return;
  $("#pacing").replaceChildren(el("div", { class: "card", "data-attainment": p.attainment, "data-projected-attainment": p.pacing.projected_attainment }, [
    el("div", {}, [el("b", {}, percent(p.attainment)), `${w("column.attainment")} (${w("note.as_of")} ${SETTINGS.asOf})`]),
    el("div", {}, [el("b", { class: p.pacing.projected_status }, percent(p.pacing.projected_attainment)), `${w("column.projected")}: ${w(`status.${p.pacing.projected_status}`)}`]),
    el("div", {}, [el("b", {}, money(p.actual)), `${w("column.actual")} / ${money(p.target)}`]),
  ]));
}

function renderPayouts(view) {
  $("#payouts thead").replaceChildren(el("tr", {}, [el("th", {}, t("rep")), el("th", {}, w("column.team")), el("th", {}, w("column.payout"))]));
  $("#payouts tbody").replaceChildren(...view.statements.map((s) => el("tr", { "data-member": s.member, "data-total": s.total }, [
    // Each line's explanation, in the page's language, one click away.
    el("td", {}, el("details", {}, [
      el("summary", {}, `${s.name} (${s.lines.length} ${t("lines")})`),
      el("ul", {}, s.lines.map((l) => el("li", { "data-amount": l.amount }, lang === "zh" ? l.explanation_zh : l.explanation))),
    ])),
    el("td", {}, teamName(view.labels, s.team)),
    el("td", {}, money(s.total)),
  ])));
  const total = sumDecimals(view.statements.map((s) => s.total));
  $("#payouts tfoot").replaceChildren(el("tr", { "data-total": total }, [el("td", {}, t("total")), el("td", {}, ""), el("td", {}, money(total))]));
  const svg = $("#payout-chart");
  const rowH = 18, left = 90, width = 420;
  const max = Math.max(1, ...view.statements.map((s) => Number(s.total)));
  svg.setAttribute("viewBox", `0 0 ${width} ${view.statements.length * rowH}`);
  svg.replaceChildren(...view.statements.flatMap((s, i) => [
    el("svg:text", { x: 0, y: i * rowH + 13, "font-size": 11 }, s.name),
    el("svg:rect", { class: "pay", x: left, y: i * rowH + 3, height: rowH - 6, width: Math.max(0, (Number(s.total) / max) * (width - left - 10)) }),
  ]));
}

function renderTrend(view) {
  $("#trend").closest("section").hidden = view.trend.length === 0;
  const rowH = 20, left = 80, width = 420;
  const max = Math.max(1, ...view.trend.map((q) => Number(q.payout)));
  const svg = $("#trend");
  svg.setAttribute("viewBox", `0 0 ${width} ${view.trend.length * rowH}`);
  svg.replaceChildren(...view.trend.flatMap((q, i) => [
    el("svg:text", { x: 0, y: i * rowH + 14, "font-size": 11 }, q.period),
    el("svg:rect", {
      class: "pay", x: left, y: i * rowH + 4, height: rowH - 8,
      width: Math.max(0, (Number(q.payout) / max) * (width - left - 120)),
      "data-period": q.period, "data-payout": q.payout, "data-achieved": q.achieved,
    }),
    el("svg:text", { x: width - 115, y: i * rowH + 14, "font-size": 10 }, `${money(q.payout)} · ${q.achieved} ${t("onTarget")}`),
  ]));
}

function render() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").textContent = t("lang");
  $("#subtitle").textContent = `${document_.name ?? ""} · ${period}`;
  if (last) {
    renderScorecard(last);
    renderLeaderboard(last);
    renderPacing(last);
    renderPayouts(last);
    renderTrend(last);
    renderDesign(last);
  }
  const main = $("#main");
  main.classList.toggle("stale", stale);
  for (const h2 of main.querySelectorAll("section h2")) h2.dataset.staleNote = t("stale");
  // Tiers on attainment start at a percentage, tiers on the amount at an amount.
  const onAmount = tieredComponent()?.on === "amount";
  for (const [i, tier] of (tiers() ?? []).entries()) {
    const label = $(`#tier-label-${i}`);
    if (label) label.textContent = `${t("from")} ${onAmount ? money(tier.from) : percent(tier.from)}`;
  }
  renderIngest();
  const status = $("#status");
  status.textContent = `${t("ready")} (${runs})`;
  status.dataset.state = "ready";
  status.dataset.runs = String(runs);
  status.dataset.stale = String(stale);
}

function renderIngest() {
  const box = $("#ingest-summary");
  if (!ingestReport) return box.replaceChildren();
  const rejected = ingestReport.rejected.slice(0, 5).map((x) => el("li", {}, t("rejectedRow")(x)));
  box.replaceChildren(t("ingested")(ingestReport), ...(rejected.length ? [el("ul", {}, rejected)] : []));
  box.dataset.accepted = String(ingestReport.accepted);
  box.dataset.rejected = String(ingestReport.rejected.length);
}

const goal = () => shownGoal();
/** The first incentive's first tier table, when the plan has one. */
const tieredComponent = () => document_?.incentives?.[0]?.components?.find((c) => Array.isArray(c.tiers)) ?? null;
const tiers = () => tieredComponent()?.tiers ?? null;

/** Which inputs are invalid now, by field (their messages are shown next to them). */
const invalid = {};

function showFieldError(id, key, bad) {
  invalid[id] = bad;
  $(`#${id}-error`).textContent = bad ? t(key) : "";
}

/** Recomputes after an edit. An invalid input, or an input kpi refuses, keeps the last
 * good numbers on screen, marked stale. */
function recompute() {
  stale = Object.values(invalid).some(Boolean);
  if (!stale) {
    try {
      last = compute();
      $("#error").textContent = "";
    } catch (e) {
      stale = last !== null;
      $("#error").textContent = `${e.message}${e.code ? ` (${e.code}${e.path ? ` at ${e.path}` : ""})` : ""}`;
    }
  }
  runs += 1;
  render();
}

/** The controls for the current plan: its goal's target and its tier rates. */
function planControls() {
  const target = $("#target-rep-revenue");
  const g = goal();
  target.disabled = !g || typeof g.target !== "string";
  target.value = g && typeof g.target === "string" ? g.target : "";
  target.setAttribute("aria-invalid", "false");
  showFieldError("target", "badTarget", false);
  const table = tiers();
  $("#tiers").replaceChildren(...(table ?? []).map((tier, i) => {
    const input = el("input", {
      id: `tier-rate-${i}`, type: "number", step: "0.5", min: "0", max: "100", inputmode: "decimal", value: rateToPercent(tier.rate),
      "aria-describedby": "tiers-error",
    });
    input.addEventListener("input", () => {
      const rate = percentToRate(input.value);
      input.setAttribute("aria-invalid", String(rate === null));
      invalid[`tier-${i}`] = rate === null;
      $("#tiers-error").textContent = Object.entries(invalid).some(([k, v]) => k.startsWith("tier-") && v) ? t("badRate") : "";
      if (rate !== null) tier.rate = rate;
      recompute();
    });
    return el("label", {}, [el("span", { id: `tier-label-${i}` }), input, el("span", { class: "unit" }, "%")]);
  }));
  $("#tiers-error").textContent = table ? "" : t("noTiers");
  for (const key of Object.keys(invalid)) if (key.startsWith("tier-")) delete invalid[key];
}

/** The periods to pick from: the fiscal quarters around the default one, and the two
 * fiscal years (a plan with yearly goals only has something to show). */
function periodChoices() {
  const calendar = Plan.fromObject(document_).calendar;
  const here = calendar.parsePeriod(SETTINGS.period);
  const year = calendar.parsePeriod(SETTINGS.pacingPeriod);
  return [...[-5, -4, -3, -2, -1, 0, 1, 2].map((n) => here.shift(n).label), year.shift(-1).label, year.label];
}

function controls() {
  const target = $("#target-rep-revenue");
  target.addEventListener("input", () => {
    const text = target.value.trim();
    // A positive amount, as decimal text: no NaN, no negative or zero target.
    const ok = /^\d{1,15}(\.\d{1,2})?$/.test(text) && Number(text) > 0;
    target.setAttribute("aria-invalid", String(!ok));
    showFieldError("target", "badTarget", !ok);
    if (ok) goal().target = text;
    recompute();
  });
  const select = $("#period");
  select.replaceChildren(...periodChoices().map((label) => el("option", { value: label }, label)));
  select.value = period;
  select.addEventListener("change", () => {
    period = select.value;
    recompute();
  });
  $("#lang").addEventListener("click", () => {
    lang = lang === "en" ? "zh" : "en";
    render();
  });
  $("#plan-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const text = await file.text();
    try {
      const plan = /\.json$/i.test(file.name) || text.trimStart().startsWith("{") ? Plan.fromJson(text) : Plan.fromToml(text);
      document_ = plan.toObject();
      planControls();
      $("#error").textContent = "";
    } catch (e) {
      // The file is refused; the plan on screen stays, and so do its numbers.
      $("#error").textContent = `${file.name}: ${e.message}`;
      runs += 1;
      return render();
    }
    recompute();
  });
  $("#facts-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const read = readFacts(file.name, await file.text());
      facts?.free();
      facts = read.facts;
      ingestReport = read.report;
      $("#error").textContent = "";
    } catch (e) {
      $("#error").textContent = `${file.name}: ${e.message}${e.row != null ? ` (row ${e.row})` : ""}`;
      runs += 1;
      return render();
    }
    recompute();
  });
}

/** The CSV columns kpi reads as fact fields; every other column is an attribute. */
const FACT_FIELDS = ["id", "kind", "owner", "customer", "amount", "status", "date"];

/** The column names of a CSV's first record (quoted names may hold commas and quotes). */
function csvHeader(text) {
  const columns = [];
  let cell = "";
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { columns.push(cell.trim()); cell = ""; }
    else if (c === "\n" || c === "\r") break;
    else cell += c;
  }
  columns.push(cell.trim());
  return columns;
}

/** Facts from a file: CSV through kpi's ingestion (every rejected row reported), JSON
 * Lines or a JSON array of fact records. */
function readFacts(name, text) {
  if (/\.csv$/i.test(name)) {
    const columns = csvHeader(text);
    const fields = {};
    for (const column of columns) {
      fields[FACT_FIELDS.includes(column) ? column : `attributes.${column}`] = column;
    }
    return ingest.csv(text, { fields });
  }
  const table = text.trimStart().startsWith("[") ? FactTable.fromJson(text) : FactTable.fromJsonLines(text);
  return { facts: table, report: null };
}

async function main() {
  await init();
  await initDesign();
  for (const [page, locale] of Object.entries(LOCALE)) WORDS[page] = messages(locale);
  const [planText, factsText] = await Promise.all(
    ["plan.toml", "facts.jsonl"].map((f) => fetch(SAMPLE + f).then((r) => r.text())),
  );
  document_ = Plan.fromToml(planText).toObject();
  facts = FactTable.fromJsonLines(factsText);
  controls();
  planControls();
  recompute();
}

main().catch((e) => {
  $("#error").textContent = String(e);
  $("#status").dataset.state = "failed";
});
