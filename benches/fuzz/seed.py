#!/usr/bin/env python3
"""Seeds the fuzz corpora (benches/fuzz/corpus/<target>/seed-*) from the repository's own
test data under kpi-core/testdata: plans, period labels, facts, CSV and JSON Lines with
their mappings, Zoho and Fxiaoke pages cut down to a few records each. Idempotent: the
seed files are rewritten, whatever libFuzzer added to a corpus stays.

Usage: python3 benches/fuzz/seed.py

The input layouts follow the targets (benches/fuzz/fuzz_targets/*.rs): a leading byte
picks a calendar, a mapping or a module and its flags; pages are separated by 0x1E.
"""

import glob
import hashlib
import json
import os
import re

try:  # Python 3.11+
    import tomllib
except ImportError:  # older Pythons: the JSON plans are then seeded from the vectors only
    tomllib = None

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(FUZZ))
TESTDATA = os.path.join(ROOT, "kpi-core", "testdata")
VECTORS = os.path.join(TESTDATA, "vectors")
SAMPLE = os.path.join(TESTDATA, "sample")
PAGE = "\x1e"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def vector(name):
    return json.loads(read(os.path.join(VECTORS, name)))


def all_vectors():
    for path in sorted(glob.glob(os.path.join(VECTORS, "**", "*.json"), recursive=True)):
        yield os.path.relpath(path, VECTORS), json.loads(read(path))


class Corpus:
    def __init__(self, target):
        self.dir = os.path.join(FUZZ, "corpus", target)
        os.makedirs(self.dir, exist_ok=True)
        for old in glob.glob(os.path.join(self.dir, "seed-*")):
            os.remove(old)
        self.count = 0

    def add(self, data, prefix=None):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if prefix is not None:
            data = bytes([prefix]) + data
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)
        self.count += 1


def plans():
    """Every plan of the test data, as TOML text."""
    yield read(os.path.join(SAMPLE, "plan.toml"))
    for _, data in all_vectors():
        if isinstance(data.get("plan_toml"), str):
            yield data["plan_toml"]
        for case in data.get("cases", []):
            if isinstance(case, dict) and isinstance(case.get("plan_toml"), str):
                yield case["plan_toml"]


def seed_formula():
    corpus = Corpus("formula")
    for case in vector("formulas/formulas.json")["cases"]:
        corpus.add(case["formula"])
    for plan in plans():
        for text in re.findall(r"""(?:filter|formula)\s*=\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)")""", plan):
            corpus.add(text[0] or text[1])
    return corpus.count


def seed_plans():
    toml_corpus, json_corpus = Corpus("plan_toml"), Corpus("plan_json")
    for plan in plans():
        toml_corpus.add(plan)
        if tomllib is not None:
            try:
                json_corpus.add(json.dumps(tomllib.loads(plan), ensure_ascii=False, default=str))
            except (tomllib.TOMLDecodeError, ValueError):
                pass
    for _, data in all_vectors():
        if isinstance(data.get("plan"), dict):
            json_corpus.add(json.dumps(data["plan"], ensure_ascii=False))
    return toml_corpus.count, json_corpus.count


def labels():
    """Period labels of the test vectors."""
    found = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in ("label", "period", "baseline", "history"):
            if len(value) <= 40:
                found.add(value)

    for _, data in all_vectors():
        walk(data)
    return sorted(found)


def seed_labels():
    corpus = Corpus("period_label")
    calendars = len(vector("periods/calendars.json")["cases"]) + 4
    for label in labels():
        digest = hashlib.sha1(label.encode("utf-8")).digest()
        for pick in {0, digest[0] % calendars, digest[1] % calendars}:
            corpus.add(label, prefix=pick)
    return corpus.count


# (format, text) pairs: the formats the docs and presets name, and dates CRMs write.
DATE_SEEDS = [
    ("%Y-%m-%d", "2026-03-01"),
    ("%m/%d/%Y", "3/1/2026"),
    ("%d/%m/%y", "01/03/26"),
    ("%Y年%m月%d日", "2026年3月1日"),
    ("%Y-%m-%d %H:%M:%S", "2026-03-01 23:59:60"),
    ("%m/%d/%Y %I:%M %p", "03/01/2026 12:05 PM"),
    ("%a, %d %b %Y %T", "Sun, 01 Mar 2026 10:00:00"),
    ("%d %B %Y", "1 MARCH 2026"),
    ("%Y-%j", "2026-060"),
    ("%Y-%m-%dT%H:%M:%S%.f", "2026-03-01T10:00:00.123456789123"),
    ("%c", "Sun Mar  1 10:00:00 2026"),
    ("%Y-%m-%d %z", "2026-03-01 +0800"),
]


def seed_dates():
    corpus = Corpus("date_format")
    for format, text in DATE_SEEDS:
        corpus.add(f"{format}\n{text}".encode("utf-8"))
    return corpus.count


def seed_facts():
    corpus = Corpus("facts_json")
    for _, data in all_vectors():
        facts = data.get("facts")
        if isinstance(facts, list) and facts:
            corpus.add(json.dumps(facts[:20], ensure_ascii=False))
            corpus.add("\n".join(json.dumps(f, ensure_ascii=False) for f in facts[:20]) + "\n")
    # A few sample facts of each kind, as an array and as JSON Lines.
    by_kind = {}
    for line in read(os.path.join(SAMPLE, "facts.jsonl")).splitlines():
        kind = json.loads(line)["kind"]
        by_kind.setdefault(kind, [])
        if len(by_kind[kind]) < 3:
            by_kind[kind].append(line)
    lines = [line for kind in sorted(by_kind) for line in by_kind[kind]]
    corpus.add("\n".join(lines) + "\n")
    corpus.add("[" + ",\n".join(lines) + "]")
    return corpus.count


def head(path, lines):
    return "".join(read(path).splitlines(keepends=True)[:lines])


def seed_csv():
    """Mapping k (the byte's low six bits) is the plain mapping for k = 0, 1 and the
    mapping of the n-th ingestion case that has one for k = 2 + 2n, 3 + 2n (the odd one
    with the other decimal separator); bit 6 is strict, bit 7 JSON Lines."""
    corpus = Corpus("csv_mapping")
    for name in ("facts.csv", "other.csv"):
        text = head(os.path.join(SAMPLE, name), 12)
        corpus.add(text, prefix=0)
        corpus.add(text.replace(",", ";").replace(".", ","), prefix=1)
    cases = [c for c in vector("ingest/ingest.json")["cases"] if "mapping_toml" in c]
    for n, case in enumerate(cases):
        flags = 2 + 2 * n
        if case.get("strict"):
            flags |= 0x40
        if case.get("format") == "jsonl":
            flags |= 0x80
        corpus.add(case["input"], prefix=flags)
    return corpus.count


def small_page(line, records, crm):
    page = json.loads(line)
    if crm == "zoho":
        page["data"] = page["data"][:records]
        if "info" in page:
            page["info"]["count"] = len(page["data"])
    else:
        page["data"]["dataList"] = page["data"]["dataList"][:records]
    return json.dumps(page, ensure_ascii=False)


ZOHO_MODULES = ["Deals", "Sales_Orders", "Invoices", "Accounts", "Leads", "Payments", "Refunds"]


def seed_zoho():
    """Byte: module (bits 0-2, in ZOHO_MODULES order), the sample's mappings (bit 3),
    strict (bit 4), a home currency (bit 5), CSV exports (bit 6)."""
    corpus = Corpus("zoho")
    for index, module in enumerate(ZOHO_MODULES):
        pages_path = os.path.join(SAMPLE, "zoho", module + ".pages.jsonl")
        if os.path.exists(pages_path):
            pages = read(pages_path).splitlines()
            corpus.add(small_page(pages[0], 3, "zoho"), prefix=index | 8)
            two = PAGE.join(small_page(p, 2, "zoho") for p in pages[:2])
            corpus.add(two, prefix=index | 8 | 32)
        csv_path = os.path.join(SAMPLE, "zoho", module + ".csv")
        if os.path.exists(csv_path):
            corpus.add(head(csv_path, 6), prefix=index | 8 | 64)
    for case in vector("ingest/ingest.json")["cases"]:
        if case.get("crm") != "zoho":
            continue
        flags = ZOHO_MODULES.index(case.get("module", "Deals"))
        if case.get("strict"):
            flags |= 16
        if case.get("home_currency"):
            flags |= 32
        if "csv" in case:
            corpus.add(case["csv"], prefix=flags | 64)
        else:
            pages = [p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) for p in case["pages"]]
            corpus.add(PAGE.join(pages), prefix=flags)
    return corpus.count


def seed_fxiaoke():
    """Byte: the sample's mappings (bit 0), strict (bit 1), a home currency (bit 2)."""
    corpus = Corpus("fxiaoke")
    seen = set()
    for line in read(os.path.join(SAMPLE, "fxiaoke", "pages.jsonl")).splitlines():
        page = json.loads(line)
        objects = {r.get("object_describe_api_name") for r in page["data"]["dataList"]}
        key = tuple(sorted(o for o in objects if o))
        if key in seen:
            continue
        seen.add(key)
        corpus.add(small_page(line, 3, "fxiaoke"), prefix=1)
    for case in vector("ingest/ingest.json")["cases"]:
        if case.get("crm") != "fxiaoke":
            continue
        flags = 2 if case.get("strict") else 0
        pages = [p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) for p in case["pages"]]
        corpus.add(PAGE.join(pages), prefix=flags)
    return corpus.count


def seed_reports():
    """Reports from the vectors' expected results, each after a locale tag (its length
    first): what a page hands back to be rendered."""
    corpus = Corpus("report_document")
    tags = ["en", "zh-CN", "zh_CN.UTF-8", "zh-Hant", "fr"]
    count = 0
    for _, data in all_vectors():
        for case in data.get("cases", []) if isinstance(data, dict) else []:
            report = case.get("expected")
            if not isinstance(report, dict) or "scorecards" not in report:
                continue
            tag = tags[count % len(tags)]
            text = json.dumps(report, ensure_ascii=False)
            corpus.add(bytes([len(tag.encode())]) + tag.encode() + text.encode())
            count += 1
    return corpus.count


def seed_settlements():
    """The settlements the pay-cycle vectors close, and each with one field patched as
    its `read` steps do."""
    corpus = Corpus("settlement")
    for _, data in all_vectors():
        if not isinstance(data, dict):
            continue
        closed = [s["expected"] for s in data.get("steps", []) if "close" in s and "expected" in s]
        for settlement in closed:
            corpus.add(json.dumps(settlement, ensure_ascii=False))
        for step in data.get("steps", []):
            if "read" in step and step["read"] < len(closed):
                patched = dict(closed[step["read"]], **step["patch"])
                corpus.add(json.dumps(patched, ensure_ascii=False))
    return corpus.count


def seed_costs():
    """The cost simulation's attainment distributions, as the cost vectors give them,
    after two bytes (a seed and a trial count)."""
    corpus = Corpus("cost_attainment")
    with open(os.path.join(VECTORS, "design", "costs.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    for case in cases:
        corpus.add(b"\x07\x10" + json.dumps(case["attainment"], ensure_ascii=False).encode("utf-8"))
    return corpus.count


def main():
    counts = {
        "formula": seed_formula(),
        "plan_toml/plan_json": seed_plans(),
        "period_label": seed_labels(),
        "date_format": seed_dates(),
        "facts_json": seed_facts(),
        "csv_mapping": seed_csv(),
        "zoho": seed_zoho(),
        "fxiaoke": seed_fxiaoke(),
        "report_document": seed_reports(),
        "settlement": seed_settlements(),
        "cost_attainment": seed_costs(),
    }
    print("seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
