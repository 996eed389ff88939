// The JavaScript side of the boundary between JavaScript and the wasm module (imported by
// src/boundary.rs). Everything a caller hands over is read here, in plain JavaScript, and
// checked before it reaches wasm memory:
//
// - objects and arrays (records, plan documents, options, report objects) become JSON text
//   with exact numbers only: safe integers, BigInt within 64 bits, and binary floats only
//   when the caller passes `allowFloat: true` (then their shortest round-trip text). NaN
//   and ±Infinity, holes, `undefined` in arrays, Symbols, functions, Maps, class instances,
//   text with lone surrogates and values nested deeper than 64 levels are refused with a
//   coded error naming the path (`[3].amount`, `goals[1].target`);
// - columns for `FactTable.fromColumns` are checked per column and row;
// - class arguments (a `FactTable`, a `Period` …) are checked to be live instances of the
//   right class before their pointer is used;
// - every method of the exported classes refuses a freed or foreign `this` before it
//   enters wasm, and `free()` is refused while a call is using the object.
//
// A caller's getter, Proxy trap or iterator may throw or call back into kpi: every such
// call is made here inside `try`, so no exception unwinds through wasm frames, and the
// walk is a loop with its own stack, so no input can exhaust the JavaScript stack either.
// Errors are instances of the classes below (`DataError` …, all `KpiError`s), whichever
// side throws them: the wasm module builds its errors here too (`makeError`), with the class
// kpi-core gives the code's family.
//
// Written as an ES module whose exports are all `export function` or `export class`:
// build.sh turns its copy in the Node build into CommonJS. The error classes are
// re-exported by the package.

const MAX_DEPTH = 64;
const MAX_PLACES = 28;
const DECIMAL_LIMIT = 2 ** 96;
const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;
const FLOAT_HINT = 'write amounts as strings, e.g. "0.3" (or pass allowFloat: true)';

// The built-ins used here, taken once, so a caller that replaces them later changes nothing.
const { isArray } = Array;
const { getPrototypeOf, keys: objectKeys, defineProperty, getOwnPropertyDescriptor } = Object;
const { isSafeInteger, isInteger } = Number;
const { ownKeys } = Reflect;
const objectTag = Object.prototype.toString;
const OBJECT_PROTOTYPE = Object.prototype;
const dateTime = Date.prototype.getTime;
const quote = JSON.stringify;
const stringIsWellFormed = String.prototype.isWellFormed;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TYPED_INTEGERS = new Set([
  "[object Int8Array]", "[object Uint8Array]", "[object Uint8ClampedArray]", "[object Int16Array]",
  "[object Uint16Array]", "[object Int32Array]", "[object Uint32Array]", "[object BigInt64Array]",
  "[object BigUint64Array]",
]);
const TYPED_FLOATS = new Set(["[object Float32Array]", "[object Float64Array]", "[object Float16Array]"]);

// ---------------------------------------------------------------------------- errors

/**
 * The base class of every error kpi throws: `code` is the stable code
 * (`"plan.unknown_metric"`), and `path`, `line`, `column` and `row` say where, or are null.
 */
export class KpiError extends Error {
  constructor(message, { code, path = null, line = null, column = null, row = null } = {}) {
    super(message);
    this.code = code;
    this.path = path;
    this.line = line;
    this.column = column;
    this.row = row;
  }
}

/** The plan document is malformed or inconsistent (codes `plan.*`). */
export class PlanError extends KpiError {}

/** A filter or formula does not parse, check or evaluate (codes `formula.*`). */
export class FormulaError extends KpiError {}

/** Facts, arguments or other input data are malformed or out of range (codes `data.*`). */
export class DataError extends KpiError {}

/** A period label, date or calendar setting is invalid (codes `period.*`). */
export class PeriodError extends KpiError {}

// `name` is on each prototype, as for the built-in errors: set by hand, since a bundler
// may rename the classes.
for (const [klass, name] of [[KpiError, "KpiError"], [PlanError, "PlanError"], [FormulaError, "FormulaError"], [DataError, "DataError"], [PeriodError, "PeriodError"]]) {
  Object.defineProperty(klass.prototype, "name", { value: name, writable: true, configurable: true, enumerable: false });
}

const ERROR_CLASSES = new Map([["PlanError", PlanError], ["FormulaError", FormulaError], ["DataError", DataError], ["PeriodError", PeriodError]]);

/** Each error code's class, as kpi-core's families give them (`install` fills it in). */
const CLASS_OF_CODE = new Map();

/**
 * A kpi error of class `className` (kpi-core's family of `code`): how the wasm module
 * builds the errors it throws.
 */
export function makeError(className, code, message, path, line, column, row) {
  const klass = ERROR_CLASSES.get(className) ?? KpiError;
  return new klass(message, { code, path: path ?? null, line: line ?? null, column: column ?? null, row: row ?? null });
}

/** A kpi error thrown on this side, worded like the wasm module's: `[code] path, row N: message`. */
function kpiError(code, message, path = null, row = null) {
  const where = [path || null, row === null ? null : `row ${row}`].filter((p) => p !== null).join(", ");
  const klass = CLASS_OF_CODE.get(code) ?? KpiError;
  return new klass(`[${code}] ${where ? `${where}: ` : ""}${message}`, { code, path: path || null, row });
}

/** The message of something a caller's code threw, without calling back into it twice. */
function thrown(e) {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`;
    return typeof e === "symbol" ? e.toString() : String(e);
  } catch {
    return "an exception";
  }
}

function wellFormed(text) {
  return stringIsWellFormed ? stringIsWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** A short description of a value for error messages: `a number (1.5)`, `a Period`. */
function describe(value) {
  try {
    switch (typeof value) {
      case "undefined": return "undefined";
      case "string": return `a string (${quote(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
      case "number": return `a number (${value})`;
      case "bigint": return `a BigInt (${value}n)`;
      case "boolean": return `a boolean (${value})`;
      case "symbol": return "a Symbol";
      case "function": return "a function";
      default: break;
    }
    if (value === null) return "null";
    if (isArray(value)) return "an array";
    const proto = getPrototypeOf(value);
    if (proto === null || getPrototypeOf(proto) === null) return "a plain object";
    const name = proto.constructor?.name;
    return typeof name === "string" && name ? `a ${name}` : "an object";
  } catch (e) {
    return `an object whose inspection threw (${thrown(e)})`;
  }
}

/** A wrong argument: `data.invalid_argument` at the argument's `name`, naming what was
 * expected and what came (and, for a `Date` where a period goes, how to get one). */
export function wrongArgument(value, name, expected) {
  depth += 1;
  try {
    // describe() never throws (a revoked Proxy fails `instanceof`).
    const given = describe(value);
    const hint = given === "a Date" && /period/i.test(expected)
      ? ': a day is not a period; for the quarter (or month …) holding it, plan.calendar.periodOf(day, "quarter")'
      : "";
    return kpiError("data.invalid_argument", `expected ${expected}, got ${given}${hint}`, name);
  } finally {
    depth -= 1;
  }
}

/** Whether `text` has no lone surrogate (which UTF-8 cannot hold). */
export function isWellFormed(text) {
  return wellFormed(text);
}

/** The time of a `Date` (NaN for an invalid one), or undefined for anything else. */
function dateValue(value) {
  try {
    return dateTime.call(value);
  } catch {
    return undefined;
  }
}

/**
 * A `Date` in a value: a Date at midnight UTC (what `new Date("2026-03-15")` gives) is that
 * day, `"2026-03-15"`; any other Date is an instant, an RFC 3339 timestamp, which only a
 * reader that knows a time zone accepts (`fromRecordsIn`).
 */
function dateText(value, fail) {
  const time = dateValue(value);
  if (time === undefined || Number.isNaN(time)) return fail("an invalid Date");
  const text = new Date(time).toISOString();
  return time % 86_400_000 === 0 && text.length === 24 ? text.slice(0, 10) : text;
}

/**
 * The text of a number that is exact: a safe integer, or with `allowFloat` a finite float
 * as its shortest round-trip text when a decimal (28 places, below 2^96) holds it exactly.
 * Returns [text] or [null, message].
 */
function numberText(n, allowFloat, hint) {
  if (isSafeInteger(n)) return [n === 0 ? "0" : String(n)];
  if (!Number.isFinite(n)) return [null, `${n} is not a finite number`];
  if (!allowFloat) {
    if (isInteger(n)) {
      return [null, `${n} is beyond the safe integers (±(2^53 − 1)), where numbers lose digits: ${hint}, or use a BigInt`];
    }
    return [null, `${n} is a binary floating-point number, not an exact decimal: ${hint}`];
  }
  const text = String(n);
  if (Math.abs(n) >= DECIMAL_LIMIT) return [null, `${text} is too large for an exact decimal`];
  const [, digits = "", exponent = "0"] = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text) ?? [];
  if (digits.length - Number(exponent) > MAX_PLACES) {
    return [null, `${text} has more than ${MAX_PLACES} decimal places, which a decimal cannot hold`];
  }
  return [text];
}

/** `1.5e-7` → `0.00000015`: a float's shortest text without an exponent. */
function plainDecimal(text) {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (!match || !match[4]) return text;
  const [, sign, whole, fraction = "", exponentText] = match;
  const exponent = Number(exponentText);
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`.replace(/\.?0+$/, "");
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function bigintText(b) {
  return b < I64_MIN || b > U64_MAX ? [null, `${b}n is beyond 64 bits: write it as a decimal string`] : [b.toString()];
}

/** A path from the walk's stack: `[3].amount`, `goals[1].target`. */
function join(path, key) {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Reads `value` (a plain object or array, nested at most 64 levels) as JSON text.
 *
 * `root` prefixes every path (`"weights"` gives `weights[1]`); with `rows`, the index in a
 * root array is also the error's `row` (records). `hint` ends the message for an inexact
 * number.
 */
export function toJson(value, allowFloat, root, rows, hint) {
  depth += 1;
  try {
    root = root || "";
    hint = hint || FLOAT_HINT;
    const stack = [];
    // Pieces joined once at the end: a string built by `+=` is a rope, which the glue then
    // copies into wasm memory one character at a time, very slowly for a large one.
    const out = [];
    const keys = new Map();
    let row = null;
    const pathHere = (key) => {
      let path = root;
      for (const frame of stack) if (frame.key !== undefined) path = join(path, frame.key);
      return key === undefined ? path : join(path, key);
    };
    const fail = (code, message, key) => {
      throw kpiError(code, message, pathHere(key), row);
    };
    const unsupported = (message, key) => fail("data.unsupported_value", message, key);

    // Writes a scalar, or opens a container (pushing its frame). `key` is its key or index
    // in the frame on top of the stack (undefined for the root).
    const visit = (item, key) => {
      switch (typeof item) {
        case "string":
          if (!wellFormed(item)) unsupported("text with a lone surrogate (half of a UTF-16 pair), which UTF-8 cannot hold", key);
          out.push(quote(item));
          return;
        case "number": {
          if (isSafeInteger(item)) {
            out.push(item === 0 ? "0" : String(item));
            return;
          }
          const [text, message] = numberText(item, allowFloat, hint);
          if (text === null) unsupported(message, key);
          out.push(text);
          return;
        }
        case "boolean":
          out.push(item ? "true" : "false");
          return;
        case "bigint": {
          const [text, message] = bigintText(item);
          if (text === null) unsupported(message, key);
          out.push(text);
          return;
        }
        case "undefined":
          unsupported("no value here (undefined, or a hole in the array)", key);
          return;
        case "symbol":
          unsupported("a Symbol is not a value kpi reads", key);
          return;
        case "function":
          unsupported("a function is not a value kpi reads", key);
          return;
        default:
          break;
      }
      if (item === null) {
        out.push("null");
        return;
      }
      // An array, a plain object (of this realm or another: its prototype is a root), or a
      // Date; anything else is refused.
      let array;
      let plain = false;
      let tag;
      try {
        array = isArray(item);
        if (!array) {
          const proto = getPrototypeOf(item);
          tag = objectTag.call(item);
          plain = tag === "[object Object]" && (proto === OBJECT_PROTOTYPE || proto === null || getPrototypeOf(proto) === null);
        }
      } catch (e) {
        unsupported(`the value cannot be inspected: ${thrown(e)}`, key);
      }
      if (tag === "[object Date]") {
        out.push(quote(dateText(item, (message) => unsupported(message, key))));
        return;
      }
      if (!array && !plain) unsupported(`${describe(item)} is not a plain object or array`, key);
      if (stack.length >= MAX_DEPTH) {
        unsupported(`the value is nested deeper than ${MAX_DEPTH} levels (or contains itself)`, key);
      }
      const frame = { key, value: item, array, index: 0, count: 0, keys: null, length: 0 };
      // The frame goes on the stack first, so paths below name it.
      stack.push(frame);
      try {
        if (array) {
          frame.length = item.length;
        } else {
          frame.keys = objectKeys(item);
          frame.length = frame.keys.length;
        }
      } catch (e) {
        stack.pop();
        unsupported(`the value cannot be read: ${thrown(e)}`, key);
      }
      if (!isSafeInteger(frame.length) || frame.length < 0) {
        stack.pop();
        unsupported(`the array claims a length of ${String(frame.length)}`, key);
      }
      out.push(array ? "[" : "{");
    };

    visit(value, undefined);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.index === frame.length) {
        out.push(frame.array ? "]" : "}");
        stack.pop();
        continue;
      }
      const index = frame.index++;
      const key = frame.array ? index : frame.keys[index];
      if (rows && stack.length === 1 && frame.array) row = index;
      let item;
      try {
        item = frame.value[key];
      } catch (e) {
        fail("data.unsupported_value", `reading the value threw: ${thrown(e)}`, key);
      }
      // An object's undefined member is absent, as in JSON; an array's is refused (above).
      if (!frame.array && item === undefined) continue;
      if (frame.count++ > 0) out.push(",");
      if (!frame.array) {
        // Keys repeat from record to record: each is checked and quoted once.
        let quoted = keys.get(key);
        if (quoted === undefined) {
          if (!wellFormed(key)) fail("data.unsupported_value", "a key with a lone surrogate, which UTF-8 cannot hold", key);
          quoted = `${quote(key)}:`;
          keys.set(key, quoted);
        }
        out.push(quoted);
      }
      visit(item, key);
    }
    return out.join("");
  } finally {
    depth -= 1;
  }
}

/** Options objects: `undefined`/`null` for none, else a plain object as JSON text. */
export function optionsJson(value, name) {
  depth += 1;
  try {
    if (value === undefined || value === null) return "{}";
    let array;
    try {
      array = isArray(value);
    } catch (e) {
      throw kpiError("data.invalid_argument", `${name}: the options cannot be read: ${thrown(e)}`);
    }
    if (typeof value !== "object" || array) throw wrongArgument(value, name, "an options object");
    return toJson(value, false, name, false);
  } finally {
    depth -= 1;
  }
}

// ------------------------------------------------------------------------------ dates

/**
 * A day argument: a string as it is, or a `Date` at midnight UTC (as `new Date("2026-03-15")`
 * gives) as its whole days since 1970-01-01. Anything else is refused.
 */
export function dayArgument(value, name) {
  if (typeof value === "string") return value;
  const time = value !== null && typeof value === "object" ? dateValue(value) : undefined;
  if (time === undefined) throw wrongArgument(value, name, 'a "YYYY-MM-DD" date or a Date');
  if (Number.isNaN(time)) throw kpiError("data.invalid_argument", `${name}: the Date is invalid`);
  if (time % 86_400_000 !== 0) {
    throw kpiError(
      "data.invalid_argument",
      `${name}: ${new Date(time).toISOString()} is not midnight UTC, so its day depends on a time zone: pass "YYYY-MM-DD", or a Date at midnight UTC such as new Date("2026-03-15")`,
    );
  }
  return time / 86_400_000;
}

/** A timestamp argument: Unix milliseconds (a whole number or a Date) or RFC 3339 text. */
export function timestampArgument(value, name) {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    if (!isSafeInteger(value)) throw wrongArgument(value, name, "whole Unix milliseconds or an RFC 3339 string");
    return value;
  }
  const time = value !== null && typeof value === "object" ? dateValue(value) : undefined;
  if (time === undefined) throw wrongArgument(value, name, "Unix milliseconds, a Date or an RFC 3339 string");
  if (Number.isNaN(time)) throw kpiError("data.invalid_argument", `${name}: the Date is invalid`);
  return time;
}

/** A list of day arguments as JSON text (strings, and days since 1970-01-01 for Dates). */
export function dayList(value, name) {
  depth += 1;
  try {
    let length;
    try {
      if (!isArray(value)) throw wrongArgument(value, name, "an array of dates");
      length = value.length;
    } catch (e) {
      throw e?.code ? e : kpiError("data.invalid_argument", `${name}: ${thrown(e)}`);
    }
    let out = "[";
    for (let i = 0; i < length; i++) {
      let item;
      try {
        item = value[i];
      } catch (e) {
        throw kpiError("data.invalid_argument", `${name}[${i}]: reading it threw: ${thrown(e)}`);
      }
      const day = dayArgument(item, `${name}[${i}]`);
      if (typeof day === "string" && !wellFormed(day)) {
        throw kpiError("data.invalid_argument", `${name}[${i}]: text with a lone surrogate`);
      }
      out += (i > 0 ? "," : "") + (typeof day === "string" ? quote(day) : String(day));
    }
    return `${out}]`;
  } finally {
    depth -= 1;
  }
}

/**
 * One name or a list of names (the grains of a series) as JSON text: a string as a JSON
 * string, an array as an array of strings. Anything else, an item that is not a string,
 * or one with a lone surrogate is refused at `name` or `name[i]`.
 */
export function nameList(value, name) {
  depth += 1;
  try {
    if (typeof value === "string") {
      if (!wellFormed(value)) throw kpiError("data.invalid_argument", "text with a lone surrogate", name);
      return quote(value);
    }
    let length;
    try {
      if (!isArray(value)) throw wrongArgument(value, name, "a name or an array of names");
      length = value.length;
    } catch (e) {
      throw e?.code ? e : kpiError("data.invalid_argument", thrown(e), name);
    }
    // A short list by nature (six grains): a Proxy claiming billions, or a length that is
    // not a number, is not read.
    if (typeof length !== "number" || !(length <= 64)) {
      throw kpiError("data.invalid_argument", "a list of at most 64 names", name);
    }
    let out = "[";
    for (let i = 0; i < length; i++) {
      const at = `${name}[${i}]`;
      let item;
      try {
        item = value[i];
      } catch (e) {
        throw kpiError("data.invalid_argument", `reading it threw: ${thrown(e)}`, at);
      }
      if (typeof item !== "string") throw wrongArgument(item, at, "a name");
      if (!wellFormed(item)) throw kpiError("data.invalid_argument", "text with a lone surrogate", at);
      out += (i > 0 ? "," : "") + quote(item);
    }
    return `${out}]`;
  } finally {
    depth -= 1;
  }
}

// ---------------------------------------------------------------------------- columns

/**
 * Reads a column (an array or typed array of `rows` values, or any length when `rows` is
 * null) through `read(item, row, tag)`.
 */
function readColumn(value, key, rows, read) {
  const tag = objectTag.call(value);
  const typed = TYPED_INTEGERS.has(tag) || TYPED_FLOATS.has(tag);
  if (!isArray(value) && !typed) {
    throw kpiError("data.invalid_fact", `\`${key}\` is ${describe(value)}: a column is an array or a typed array`, key);
  }
  const length = value.length;
  if (!isSafeInteger(length) || length < 0) {
    throw kpiError("data.invalid_fact", `\`${key}\` claims a length of ${String(length)}`, key);
  }
  if (rows !== null && length !== rows) {
    throw kpiError("data.invalid_fact", `\`${key}\` has ${length} values, \`id\` has ${rows}`, key);
  }
  const out = [];
  for (let row = 0; row < length; row++) {
    let item;
    try {
      item = value[row];
    } catch (e) {
      throw cellError(key, row, `reading the value threw: ${thrown(e)}`, "data.invalid_fact");
    }
    out.push(read(item, row, tag));
  }
  return out;
}

function cellError(key, row, message, code) {
  return kpiError(code, message, `${key}[${row}]`, row);
}

/** A text cell (id, kind, owner, customer, status): a string, a whole number, or null. */
const textCell = (key, required) => (item, row, tag) => {
  if (typeof item === "string") {
    if (!wellFormed(item)) throw cellError(key, row, "text with a lone surrogate, which UTF-8 cannot hold", "data.unsupported_value");
    return item;
  }
  if (item === null && !required) return null;
  if (TYPED_FLOATS.has(tag)) {
    throw cellError(key, row, `\`${key}\` is a ${tag.slice(8, -1)}: text columns take strings or whole numbers (an integer typed array)`, "data.invalid_fact");
  }
  if (typeof item === "number" && isSafeInteger(item)) return String(item);
  if (typeof item === "bigint") return item.toString();
  if (item === undefined) throw cellError(key, row, "no value here (a hole or undefined)", "data.invalid_fact");
  if (item === null) throw cellError(key, row, `a fact needs ${key === "id" ? "an id" : `a ${key}`}`, "data.invalid_fact");
  if (typeof item === "number") {
    const [, message] = numberText(item, false, "write ids as strings");
    throw cellError(key, row, `\`${key}\` holds text or whole numbers: ${message}`, "data.unsupported_value");
  }
  throw cellError(key, row, `\`${key}\` holds text or whole numbers, not ${describe(item)}`, "data.invalid_fact");
};

const dayCell = (item, row, tag) => {
  if (TYPED_FLOATS.has(tag)) {
    throw cellError("day", row, `\`day\` is a ${tag.slice(8, -1)}: days are whole numbers (an Int32Array)`, "data.invalid_fact");
  }
  if (typeof item === "number" && isSafeInteger(item)) return item === 0 ? 0 : item;
  if (typeof item === "bigint" && item >= -(2n ** 53n) && item <= 2n ** 53n) return Number(item);
  const code = typeof item === "number" ? "data.unsupported_value" : "data.invalid_fact";
  throw cellError("day", row, `a day is a whole number of days since 1970-01-01, not ${describe(item)}`, code);
};

/** An amount cell: a decimal string, an exact number (as its text), or null. */
const amountCell = (allowFloat) => (item, row) => {
  switch (typeof item) {
    case "string":
      if (!wellFormed(item)) throw cellError("amount", row, "text with a lone surrogate", "data.unsupported_value");
      return item;
    case "number": {
      const [text, message] = numberText(item, allowFloat, FLOAT_HINT);
      if (text === null) throw cellError("amount", row, message, "data.unsupported_value");
      return plainDecimal(text);
    }
    case "bigint": {
      const [text, message] = bigintText(item);
      if (text === null) throw cellError("amount", row, message, "data.unsupported_value");
      return text;
    }
    default:
      if (item === null) return null;
      if (item === undefined) {
        throw cellError("amount", row, "no value here (a hole or undefined): use null for a fact without an amount", "data.invalid_fact");
      }
      throw cellError("amount", row, `an amount is a decimal string, not ${describe(item)}`, "data.invalid_fact");
  }
};

/**
 * An attribute cell: `"s:" + text`, `"n:" + decimal` (an exact number, in plain notation),
 * a boolean, or null; the prefix keeps text and numbers apart on the way to wasm.
 */
const attributeCell = (key, allowFloat) => (item, row) => {
  switch (typeof item) {
    case "string":
      if (!wellFormed(item)) throw cellError(key, row, "text with a lone surrogate", "data.unsupported_value");
      return `s:${item}`;
    case "boolean":
      return item;
    case "number": {
      const [text, message] = numberText(item, allowFloat, FLOAT_HINT);
      if (text === null) throw cellError(key, row, message, "data.unsupported_value");
      return `n:${plainDecimal(text)}`;
    }
    case "bigint": {
      const [text, message] = bigintText(item);
      if (text === null) throw cellError(key, row, message, "data.unsupported_value");
      return `n:${text}`;
    }
    default:
      if (item === null) return null;
      if (item === undefined) throw cellError(key, row, "no value here (a hole or undefined): use null for none", "data.invalid_fact");
      throw cellError(key, row, `an attribute is text, a number or a boolean, not ${describe(item)}`, "data.invalid_fact");
  }
};

const TEXT_COLUMNS = ["id", "kind", "owner", "customer", "status"];
const COLUMNS = [...TEXT_COLUMNS, "day", "amount", "attributes"];

/**
 * Checks the columns of `FactTable.fromColumns` and returns them as JSON text:
 * `{"id": [...], "kind": "order" | [...], "day": [...], "owner": ..., "amount": [...],
 * "attributes": {"name": [...]}}`, with text as strings (or null), days as whole numbers,
 * amounts as decimal strings (or null) and attribute cells as `attributeCell` writes them.
 */
export function columnsJson(columns, allowFloat) {
  depth += 1;
  try {
    try {
      return readColumns(columns, allowFloat);
    } catch (e) {
      throw e?.code ? e : kpiError("data.invalid_fact", `the columns cannot be read: ${thrown(e)}`);
    }
  } finally {
    depth -= 1;
  }
}

function readColumns(columns, allowFloat) {
  let array;
  try {
    array = isArray(columns);
  } catch (e) {
    throw kpiError("data.invalid_argument", `columns: they cannot be read: ${thrown(e)}`);
  }
  if (columns === null || typeof columns !== "object" || array) {
    throw wrongArgument(columns, "columns", "an object of columns ({ id, kind, day, … })");
  }
  // Each column is read once (a getter could answer differently the second time).
  const given = new Map();
  for (const key of objectKeys(columns)) {
    const value = columns[key];
    if (value === undefined || value === null) continue;
    if (!COLUMNS.includes(key)) {
      throw kpiError("data.invalid_fact", `unknown column \`${key}\`; the columns are ${COLUMNS.join(", ")}`, key);
    }
    given.set(key, value);
  }
  for (const key of ["id", "kind", "day"]) {
    if (!given.has(key)) throw kpiError("data.invalid_fact", `the columns need \`${key}\``, key);
  }
  const ids = readColumn(given.get("id"), "id", null, textCell("id", true));
  const rows = ids.length;
  const parts = [`"id":${quote(ids)}`];
  for (const key of TEXT_COLUMNS.slice(1)) {
    if (!given.has(key)) continue;
    const value = given.get(key);
    if (typeof value === "string") {
      // One value for every row.
      if (!wellFormed(value)) throw kpiError("data.unsupported_value", "text with a lone surrogate", key);
      parts.push(`${quote(key)}:${quote(value)}`);
    } else {
      parts.push(`${quote(key)}:${quote(readColumn(value, key, rows, textCell(key, key === "kind")))}`);
    }
  }
  parts.push(`"day":${quote(readColumn(given.get("day"), "day", rows, dayCell))}`);
  if (given.has("amount")) {
    parts.push(`"amount":${quote(readColumn(given.get("amount"), "amount", rows, amountCell(allowFloat)))}`);
  }
  if (given.has("attributes")) {
    const attributes = given.get("attributes");
    if (typeof attributes !== "object" || isArray(attributes) || objectTag.call(attributes) !== "[object Object]") {
      throw kpiError("data.invalid_fact", `\`attributes\` is ${describe(attributes)}: an object of columns by attribute name`, "attributes");
    }
    const named = [];
    for (const name of objectKeys(attributes)) {
      const key = `attributes.${name}`;
      if (!wellFormed(name)) throw kpiError("data.unsupported_value", "an attribute name with a lone surrogate", "attributes");
      const cells = readColumn(attributes[name], key, rows, attributeCell(key, allowFloat));
      named.push(`${quote(name)}:${quote(cells)}`);
    }
    parts.push(`"attributes":{${named.join(",")}}`);
  }
  return `{${parts.join(",")}}`;
}

// ----------------------------------------------------------------------------- pages

/**
 * Where CRM pages come from: an iterator for an iterable (an array, a generator), or null
 * for one page given as an object.
 */
export function pageIterator(source) {
  depth += 1;
  try {
    try {
      if (source === null || typeof source !== "object") {
        throw wrongArgument(source, "pages", "page text, a page object or an iterable of pages");
      }
      const iterate = source[Symbol.iterator];
      if (iterate === undefined || iterate === null) {
        if (typeof source[Symbol.asyncIterator] === "function" || typeof source.then === "function") {
          throw kpiError("data.invalid_argument", "pages: an async iterable or a promise cannot be read synchronously: await the pages and pass them as an array");
        }
        return null;
      }
      if (typeof iterate !== "function") throw wrongArgument(iterate, "pages[Symbol.iterator]", "a function");
      const iterator = iterate.call(source);
      if (iterator === null || typeof iterator !== "object") {
        throw wrongArgument(iterator, "the pages' iterator", "an iterator object");
      }
      return iterator;
    } catch (e) {
      throw e?.code ? e : kpiError("data.invalid_argument", `pages: iterating them threw: ${thrown(e)}`);
    }
  } finally {
    depth -= 1;
  }
}

/** The next page as JSON text (text pages as they are), or undefined when there is none. */
export function nextPage(iterator, index, allowFloat) {
  depth += 1;
  try {
    let item;
    try {
      const step = iterator.next();
      if (step === null || typeof step !== "object") {
        throw wrongArgument(step, "the pages' iterator", "{ done, value } from next()");
      }
      if (step.done) return undefined;
      item = step.value;
    } catch (e) {
      throw e?.code ? e : kpiError("data.invalid_argument", `pages: the iterator threw: ${thrown(e)}`);
    }
    return pageJson(item, `pages[${index}]`, allowFloat);
  } finally {
    depth -= 1;
  }
}

/** One page as JSON text: text as it is, an object through `toJson`. */
export function pageJson(page, name, allowFloat) {
  depth += 1;
  try {
    if (typeof page === "string") {
      if (!wellFormed(page)) throw kpiError("data.unsupported_value", "text with a lone surrogate", name);
      return page;
    }
    if (page === null || typeof page !== "object" || dateValue(page) !== undefined) {
      throw wrongArgument(page, name, "page text or a page object");
    }
    return toJson(page, allowFloat, name, false,
      'pass the page as its JSON text (await response.text()), which keeps amounts exact, or write amounts as strings, e.g. "0.3" (or pass allowFloat: true)');
  } finally {
    depth -= 1;
  }
}

// ---------------------------------------------------------------------------- classes

/** The exported classes by name, once `install` has seen an instance of each. */
const CLASSES = new Map();
/** The module's `__wbindgen_add_to_stack_pointer`, once `install` has it. */
let addToStackPointer = null;
/**
 * Calls into the module in progress, and calls of these functions from it (which may run
 * the caller's getters, traps and iterators): 0 when no wasm frame is active.
 */
let depth = 0;
/** wasm's stack pointer when no wasm frame is active, seen at the first call. */
let idleStack = null;

/**
 * wasm's shadow stack pointer, to put back after a call. When no wasm frame is active it
 * must be where it was at the first call; if it is not (a module-level function such as
 * `evaluateComponent` trapped, which no guard wraps), it is put back there first.
 */
function stackPointer() {
  if (addToStackPointer === null) return 0;
  const now = addToStackPointer(0);
  if (depth > 0) return now;
  if (idleStack === null) idleStack = now;
  else if (now !== idleStack) addToStackPointer(idleStack - now);
  return idleStack;
}

/**
 * Puts wasm's shadow stack pointer back where it was before a call. A call that returns
 * or fails normally leaves it there; one that traps (an internal error) or that
 * wasm-bindgen aborts with an exception does not, and each such call would leak its
 * frames until the stack ran into the module's data.
 */
function restoreStack(pointer) {
  if (addToStackPointer === null) return;
  const now = addToStackPointer(0);
  if (now !== pointer) addToStackPointer(pointer - now);
}
/** Objects in a call that has not returned: object → number of such calls. */
const busy = new WeakMap();
const guarded = new WeakSet();

function isInstance(value, klass) {
  try {
    return value instanceof klass;
  } catch {
    return false;
  }
}

function nameOf(value) {
  for (const [name, klass] of CLASSES) if (isInstance(value, klass)) return name;
  return null;
}

/** Whether `value` is an instance of class `name` (freed or not). */
export function isInstanceOf(value, name) {
  depth += 1;
  try {
    const klass = CLASSES.get(name);
    return klass !== undefined && isInstance(value, klass);
  } finally {
    depth -= 1;
  }
}

/** The pointer of a live instance of class `name`, or a coded error. */
export function pointer(value, name, argument, expected) {
  depth += 1;
  try {
    const klass = CLASSES.get(name);
    if (klass === undefined || !isInstance(value, klass)) {
      throw wrongArgument(value, argument, expected ?? `a ${name}`);
    }
    let ptr;
    try {
      ptr = value.__wbg_ptr;
    } catch (e) {
      throw kpiError("data.invalid_argument", `${argument}: the ${name} cannot be read: ${thrown(e)}`);
    }
    if (ptr === 0) throw freed(name, `${argument}: `);
    if (!isSafeInteger(ptr) || ptr <= 0) throw notMade(name, `${argument}: `);
    return ptr;
  } finally {
    depth -= 1;
  }
}

function notMade(name, prefix) {
  return kpiError("data.invalid_argument", `${prefix}this ${name} was not made by kpi (it holds nothing), so it cannot be used`);
}

function freed(name, prefix) {
  return kpiError("data.invalid_argument", `${prefix}this ${name} was freed (free() was called), so it can no longer be used`);
}

function enter(objects) {
  for (const object of objects) busy.set(object, (busy.get(object) ?? 0) + 1);
}

function leave(objects) {
  for (const object of objects) {
    const count = busy.get(object) - 1;
    if (count > 0) busy.set(object, count);
    else busy.delete(object);
  }
}

function guardMethod(klass, name, method, label) {
  return function guardedMethod(...args) {
    if (!isInstance(this, klass)) {
      throw kpiError("data.invalid_argument", `${label} is a method of ${name}: call it on a ${name}, not on ${describe(this)}`);
    }
    const ptr = this.__wbg_ptr;
    if (ptr === 0) throw freed(name, "");
    if (!isSafeInteger(ptr) || ptr <= 0) throw notMade(name, "");
    // `this` and every kpi object among the arguments stay busy until the call returns,
    // so a getter or an iterator cannot free them under it.
    const held = [this];
    for (const arg of args) if (arg !== null && typeof arg === "object" && nameOf(arg) !== null) held.push(arg);
    enter(held);
    const stack = stackPointer();
    depth += 1;
    try {
      return method.apply(this, args);
    } finally {
      depth -= 1;
      restoreStack(stack);
      leave(held);
    }
  };
}

function guardStatic(method) {
  return function guardedStatic(...args) {
    const stack = stackPointer();
    depth += 1;
    try {
      return method.apply(this, args);
    } finally {
      depth -= 1;
      restoreStack(stack);
    }
  };
}

function guardFree(klass, name, free) {
  return function guardedFree() {
    if (!isInstance(this, klass)) {
      throw kpiError("data.invalid_argument", `free is a method of ${name}: call it on a ${name}, not on ${describe(this)}`);
    }
    if (!this.__wbg_ptr) return undefined; // freeing twice changes nothing
    if (busy.has(this)) {
      throw kpiError("data.invalid_argument", `this ${name} cannot be freed while a call that uses it has not returned`);
    }
    const stack = stackPointer();
    depth += 1;
    try {
      return free.call(this);
    } finally {
      depth -= 1;
      restoreStack(stack);
    }
  };
}

/**
 * Guards the methods and getters of the exported classes, given one instance of each
 * (`{ Plan: plan, FactTable: facts, … }`), and their static methods; `exports` are the
 * module's exports; `classes` is kpi-core's error class of each code
 * (`{ "data.invalid_argument": "DataError", … }`). Installing twice changes nothing.
 */
export function install(instances, exports, classes) {
  const add = exports?.__wbindgen_add_to_stack_pointer;
  if (typeof add === "function") addToStackPointer = add;
  for (const [code, className] of Object.entries(classes ?? {})) {
    const klass = ERROR_CLASSES.get(className);
    if (klass !== undefined) CLASS_OF_CODE.set(code, klass);
  }
  for (const [name, instance] of Object.entries(instances)) {
    const proto = getPrototypeOf(instance);
    const klass = proto.constructor;
    CLASSES.set(name, klass);
    if (guarded.has(proto)) continue;
    guarded.add(proto);
    for (const key of ownKeys(klass)) {
      if (key === "prototype" || key === "length" || key === "name" || (typeof key === "string" && key.startsWith("__"))) continue;
      const descriptor = getOwnPropertyDescriptor(klass, key);
      if (typeof descriptor.value !== "function" || !descriptor.configurable) continue;
      descriptor.value = guardStatic(descriptor.value);
      defineProperty(klass, key, descriptor);
    }
    for (const key of ownKeys(proto)) {
      if (key === "constructor" || key === "__destroy_into_raw") continue;
      const descriptor = getOwnPropertyDescriptor(proto, key);
      const label = typeof key === "symbol" ? key.toString() : key;
      const isFree = key === "free" || (typeof Symbol.dispose === "symbol" && key === Symbol.dispose);
      if (typeof descriptor.value === "function") {
        descriptor.value = isFree ? guardFree(klass, name, descriptor.value) : guardMethod(klass, name, descriptor.value, label);
      }
      if (typeof descriptor.get === "function") descriptor.get = guardMethod(klass, name, descriptor.get, label);
      if (typeof descriptor.set === "function") descriptor.set = guardMethod(klass, name, descriptor.set, label);
      defineProperty(proto, key, descriptor);
    }
  }
}

