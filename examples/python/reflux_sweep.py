"""Sweep the reflux of the reference Pr/Nd cascade (S and W, mol RE per mol feed RE) and map
where both products reach 99.9 %, then plot the purities against S and the stage profile of
the best point.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/reflux_sweep.py [OUT_DIR]
"""

import pathlib
import sys

import matplotlib
import numpy as np

import reesx

matplotlib.use("Agg")
out_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
case = reesx.Case(pathlib.Path(__file__).resolve().parents[1] / "prnd-p507.yaml")
s0, w0 = case.reflux

frame = reesx.sweep(
    case,
    {"S": np.linspace(0.97 * s0, 1.03 * s0, 25), "W": np.linspace(0.97 * w0, 1.03 * w0, 9)},
    ["purity", "recovery", "reagents.hcl_fed_kg_per_h"],
    executor="threads",
    workers=2,
)
solved = frame[frame["error_kind"] == ""]
failed = frame.loc[frame["error_kind"] != "", "error_kind"].value_counts()
print(f"{len(frame)} points: {len(solved)} solved, failed by kind: {dict(failed)}")

both = solved[(solved["purity.raffinate"] >= 0.999) & (solved["purity.loaded_organic"] >= 0.999)]
print(f"\n{len(both)} points give both products at 99.9 % or better")
assert len(both) > 0, "no point of the sweep reaches 99.9 % in both products"
best = both.loc[both["reagents.hcl_fed_kg_per_h"].idxmin()]
print(
    f"least acid: S = {best['S']:.4f}, W = {best['W']:.4f}, "
    f"HCl {best['reagents.hcl_fed_kg_per_h']:.2f} kg/h, raffinate {best['purity.raffinate']:.5f},"
    f" loaded organic {best['purity.loaded_organic']:.5f}"
)

# Purities against S at the W of the best point, and the best point's stage profile.
import matplotlib.pyplot as plt  # noqa: E402

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
line = solved[solved["W"] == best["W"]]
for product in ("raffinate", "loaded_organic"):
    left.plot(line["S"], 1 - line[f"purity.{product}"], marker="o", label=product)
left.set_yscale("log")
left.set_xlabel("S (mol RE per mol feed RE)")
left.set_ylabel("impurity (1 - purity)")
left.set_title(f"W = {best['W']:.3f}")
left.legend()
case.set_reflux(S=best["S"], W=best["W"])
case.run().plot_profiles(ax=right)
fig.tight_layout()
fig.savefig(out_dir / "reflux_sweep.png")
print(f"figure: {out_dir / 'reflux_sweep.png'}")
