// The JavaScript face of the design module (kpi-wasm/design): arguments are checked here
// as the main module checks its own (exact numbers only, clear errors with codes), plans
// are handed over as the main module writes them (`Plan.toJson()`), and the module's errors
// are thrown as the main module's error classes.
//
// `makeDesign(raw, kpi)` takes the design module's raw functions and the main module
// (`kpi-core` under Node, its web build in a browser) and returns the public API.

const U64_MAX = 2n ** 64n - 1n;

export function makeDesign(raw, kpi) {
  const { Plan, KpiError, PlanError, FormulaError, DataError, PeriodError } = kpi;
  const classes = { PlanError, FormulaError, DataError, PeriodError };
  // Messages as the main module writes them: `[code] path: what`.
  const error = (code, path, message) => new DataError(`[${code}] ${path === null ? "" : `${path}: `}${message}`, { code, path });
  const invalid = (path, message) => error("data.invalid_argument", path, message);

  /** A plan argument: a `Plan` of the main module, a plan document, or TOML or JSON text. */
  function planJson(plan) {
    if (plan instanceof Plan) return plan.toJson();
    if (typeof plan === "string") {
      return (plan.trimStart().startsWith("{") ? Plan.fromJson(plan) : Plan.fromToml(plan)).toJson();
    }
    if (plan !== null && typeof plan === "object" && !Array.isArray(plan)) return Plan.fromObject(plan).toJson();
    throw invalid("plan", `\`plan\` is a Plan, a plan document or TOML text, not ${describe(plan)}`);
  }

  /** Calls into the module; its errors become the main module's error classes. */
  function call(run) {
    try {
      return run();
    } catch (error) {
      if (typeof error !== "string") throw error;
      let parsed = null;
      try {
        parsed = JSON.parse(error);
      } catch {
        throw invalid(null, error);
      }
      const Klass = classes[parsed.class] ?? KpiError;
      throw new Klass(parsed.message, parsed);
    }
  }

  /** The attainment distribution as JSON, with every number exact (a string or a safe
   * whole number; a binary float is refused, as the main module refuses it). */
  function attainmentJson(attainment) {
    if (!isPlain(attainment)) {
      throw invalid("attainment", `\`attainment\` is {normal: {mean, sd}}, {lognormal: {mu, sigma}} or {empirical: [...]}, not ${describe(attainment)}`);
    }
    const exact = (value, path, depth) => {
      if (depth > 8) throw invalid(path, `\`${path}\` is nested too deeply`);
      if (value === null || typeof value === "boolean") return value;
      if (typeof value === "string") {
        if (!value.isWellFormed()) throw error("data.unsupported_value", path, `\`${path}\` is not well-formed text (a lone surrogate)`);
        return value;
      }
      if (typeof value === "number") {
        if (!Number.isSafeInteger(value)) {
          // As the main module and Python refuse a binary float.
          throw error("data.unsupported_value", path, `${describe(value)} is a binary float: write it as a decimal string ("${Number.isFinite(value) ? value : "1.0"}")`);
        }
        return value;
      }
      if (typeof value === "bigint") return value.toString();
      if (Array.isArray(value)) {
        if (value.length > 1_000_000) throw invalid(path, `\`${path}\` holds ${value.length} items; at most 1,000,000`);
        const out = [];
        for (let i = 0; i < value.length; i++) out.push(exact(value[i], `${path}[${i}]`, depth + 1));
        return out;
      }
      if (isPlain(value)) {
        return Object.fromEntries(Object.keys(value).map((key) => [key, exact(value[key], `${path}.${key}`, depth + 1)]));
      }
      throw invalid(path, `\`${path}\` cannot be ${describe(value)}`);
    };
    try {
      return JSON.stringify(exact(attainment, "attainment", 0));
    } catch (e) {
      // A getter or a proxy that throws: the argument cannot be read.
      if (e instanceof KpiError) throw e;
      throw invalid("attainment", `\`attainment\` could not be read: ${e}`);
    }
  }

  function whole(value, name, min, max) {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw invalid(name, `\`${name}\` is a whole number from ${min} to ${max}, not ${describe(value)}`);
    }
    return value;
  }

  function seedText(seed) {
    if (seed === undefined || seed === null) return "0";
    let big;
    if (typeof seed === "bigint") big = seed;
    else if (typeof seed === "number" && Number.isSafeInteger(seed)) big = BigInt(seed);
    else if (typeof seed === "string" && /^[0-9]{1,20}$/.test(seed)) big = BigInt(seed);
    else throw invalid("seed", `\`seed\` is a whole number from 0 to 2**64 - 1 (a number, a bigint or digits), not ${describe(seed)}`);
    if (big < 0n || big > U64_MAX) throw invalid("seed", `\`seed\` is from 0 to 2**64 - 1, not ${big}`);
    return big.toString();
  }

  /** Past attainments as a distribution for `simulateCost`: `{ empirical: [...] }`, the
   * attainment of every member's row of goal `goal` in `reports` (reports of past periods,
   * from `plan.evaluate`), in order; `unassigned` and rows without an attainment are left
   * out, and a negative attainment counts as 0 (as in Rust and Python). */
  function attainmentFromReports(reports, goal) {
    if (reports === null || typeof reports !== "object" || typeof reports[Symbol.iterator] !== "function") {
      throw invalid("reports", `\`reports\` is a list of reports, not ${describe(reports)}`);
    }
    if (typeof goal !== "string") throw invalid("goal", `\`goal\` is a goal id, not ${describe(goal)}`);
    const empirical = [];
    let i = 0;
    for (const report of reports) {
      if (report === null || typeof report !== "object" || !Array.isArray(report.scorecards)) {
        throw invalid(`reports[${i}]`, `\`reports[${i}]\` is a report (from plan.evaluate), not ${describe(report)}`);
      }
      for (const row of report.scorecards) {
        if (row === null || typeof row !== "object") continue;
        if (row.goal !== goal || row.scope !== "member" || row.id === "unassigned") continue;
        if (typeof row.attainment !== "string") continue;
        empirical.push(clampAttainment(row.attainment));
      }
      i += 1;
    }
    if (empirical.length === 0) {
      throw invalid("goal", `no member has an attainment of goal \`${goal}\` in these reports`);
    }
    return { empirical };
  }

  return {
    attainmentFromReports,

    /** The plan's design findings (docs/design.md): cliffs, decelerators, sandbagging,
     * splits, negative or unbounded pay, pools that reward a leaver, each with its
     * counterexample; findings the plan declares intended are `info`. */
    designCheck(plan) {
      const json = planJson(plan);
      return JSON.parse(call(() => raw.designCheck(json)));
    },

    /** The design findings as text in `locale` (`"en"`, the default, or `"zh-CN"`). */
    designText(plan, locale = "en") {
      const json = planJson(plan);
      if (typeof locale !== "string") throw invalid("locale", `\`locale\` is "en" or "zh-CN", not ${describe(locale)}`);
      return call(() => raw.designText(json, locale));
    },

    /** The plan's payout cost under an attainment distribution, from a seeded simulation:
     * `options.trials` payout periods (1 to 100,000; 1,000 by default), `options.seed` (0 by
     * default), `options.members` (the org's people by default). */
    simulateCost(plan, attainment, options = {}) {
      const json = planJson(plan);
      if (options === null || typeof options !== "object") throw invalid("options", `\`options\` is an object, not ${describe(options)}`);
      const distribution = attainmentJson(attainment);
      const trials = options.trials === undefined || options.trials === null ? 1000 : whole(options.trials, "trials", 0, 2 ** 32 - 1);
      const members = options.members === undefined || options.members === null ? undefined : whole(options.members, "members", 0, 2 ** 32 - 1);
      const seed = seedText(options.seed);
      return JSON.parse(call(() => raw.simulateCost(json, distribution, trials, seed, members)));
    },
  };
}

/** An object read field by field: a plain object (not a Date, Map or class instance). */
function isPlain(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A report's attainment as a draw: negative counts as 0, above 1000% as 1000% (as in Rust). */
function clampAttainment(text) {
  if (text.startsWith("-")) return "0";
  const [whole, fraction = ""] = text.split(".");
  const above = BigInt(whole) > 10n || (BigInt(whole) === 10n && /[1-9]/.test(fraction));
  return above ? "10" : text;
}

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  // Cut by characters, never inside one (a surrogate pair stays whole).
  // The first 40 characters, counted by code point, never splitting one.
  return typeof value === "object" ? "an object" : `${typeof value} ${Array.from(String(value).slice(0, 80)).slice(0, 40).join("")}`;
}
