// kpi-core/design under Node: the design module's Node build, loaded when this module is
// imported (no init()), with the main module's classes (`import ... from "kpi-core"`).
import { createRequire } from "node:module";
import * as kpi from "kpi-core";
import { makeDesign } from "./api.mjs";

const raw = createRequire(import.meta.url)("../pkg/design/nodejs/kpi_wasm_design.js");
const api = makeDesign(raw, kpi);

export const { attainmentFromReports, designCheck, designText, simulateCost } = api;

/** Nothing to load under Node: here for code shared with browsers, which call it. */
export default async function init() {}
