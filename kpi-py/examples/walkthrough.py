# %% [markdown]
# # The sample company in a notebook
#
# 星辰科技 (Xingchen Technology) sells industrial software with 12 reps in three teams.
# This walk-through loads its facts, checks its plan against SMART, evaluates the
# quarter, plots attainment and the commission curve, and exports Excel-friendly CSV.
# Run it as a script (`python kpi-py/examples/walkthrough.py`) or open
# `walkthrough.ipynb` in Jupyter: the cells are the same.

# %%
import json
import os
import pathlib

import kpi_core

ROOT = pathlib.Path(os.environ.get("KPI_ROOT", pathlib.Path.cwd()))
SAMPLE = ROOT / "kpi-core" / "testdata" / "sample"
OUT = pathlib.Path(os.environ.get("KPI_OUT", "walkthrough-output"))
OUT.mkdir(exist_ok=True)

# %% [markdown]
# ## Load: the plan, and the facts as a CRM exports them

# %%
plan = kpi_core.Plan.from_toml((SAMPLE / "plan.toml").read_text(encoding="utf-8"))
facts, report = kpi_core.ingest.csv(SAMPLE / "facts.csv", (SAMPLE / "plain.mapping.toml").read_text())
print(f"{len(facts)} facts; {report['accepted']} accepted, {len(report['rejected'])} rejected")

# %% [markdown]
# ## Validate the plan against SMART, with the facts as history

# %%
findings = plan.validate(facts)
for f in findings:
    print(f.criterion, f.severity, f.code, f.message)
kpi_core.frames.to_pandas(findings)[["criterion", "severity", "code", "goal"]]

# %% [markdown]
# ## Evaluate the quarter: scorecards, leaderboard, payouts

# %%
quarter = plan.evaluate(facts, "FY2027-Q2")
scorecards = quarter.to_pandas("scorecards")
reps = scorecards[scorecards["goal"] == "rep-revenue"][["name", "team", "actual", "target", "attainment", "status"]]
print(reps.to_string(index=False))
payouts = quarter.to_pandas("statements").groupby("name")["amount"].sum()
print(payouts)

# %% [markdown]
# ## Plot: attainment by rep with the 100% line, and the commission curve

# %%
import matplotlib

if "ipykernel" not in os.environ.get("MPLBACKEND", "") and not os.environ.get("DISPLAY"):
    matplotlib.use("Agg")

ax = quarter.plot.attainment("rep-revenue")
ax.figure.savefig(OUT / "attainment.png", bbox_inches="tight")
commission = json.loads(plan.to_json())["incentives"][0]["components"][0]
ax = kpi_core.plot.payout_curve(commission, {"target": "1500000"})
ax.figure.savefig(OUT / "payout_curve.png", bbox_inches="tight")

# %% [markdown]
# ## Export: CSV that Excel opens with Chinese names intact (UTF-8 with BOM)

# %%
reps.to_csv(OUT / "scorecard.csv", index=False, encoding="utf-8-sig")
quarter.to_pandas("statements").to_csv(OUT / "statements.csv", index=False, encoding="utf-8-sig")
print(sorted(p.name for p in OUT.iterdir()))
