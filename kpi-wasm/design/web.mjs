// kpi-core/design in browsers and bundlers: the design module is a second wasm file,
// fetched by `await init()` (the default export) when a page first needs it, after the
// main module's own `init()`. It works with the main module imported as "kpi-core" (its
// web build), whose Plan and error classes it shares.
import * as kpi from "kpi-core";
import initModule, * as raw from "../pkg/design/web/kpi_wasm_design.js";
import { makeDesign } from "./api.mjs";

let ready = false;
const api = makeDesign(raw, kpi);

function loaded() {
  if (!ready) {
    throw new Error(
      "kpi-core/design is not initialised: call `await init()` (this module's default export) " +
        "once, after the main module's init(), before designCheck, designText or simulateCost.",
    );
  }
}

/** Fetches and compiles the design module (`input`: its URL, bytes, response or compiled
 * module, or `{ module_or_path }` as the main module's init takes it; by default the file
 * `kpi-core/design/kpi_wasm_design_bg.wasm` next to the package's build). Calling it again
 * does nothing. */
export default async function init(input) {
  const options = input === undefined || (input !== null && Object.getPrototypeOf(input) === Object.prototype) ? input : { module_or_path: input };
  await initModule(options);
  ready = true;
}

/** Past attainments as a distribution (plain JavaScript: no init() needed). */
export const attainmentFromReports = api.attainmentFromReports;

export function designCheck(plan) {
  loaded();
  return api.designCheck(plan);
}

export function designText(plan, locale) {
  loaded();
  return api.designText(plan, locale);
}

export function simulateCost(plan, attainment, options) {
  loaded();
  return api.simulateCost(plan, attainment, options);
}
