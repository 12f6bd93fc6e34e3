"""Size a Pr/Nd cascade for 99.99 % products, simulate the design, then see what a few
percent more or less organic (reflux S) does to the purities, re-solving from each
previous steady state.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/size_cascade.py
"""

import reesx

design = reesx.design(
    system="p507-hcl",
    feed={"composition": {"Pr": 0.25, "Nd": 0.75}},
    split="Pr/Nd",
    purity=0.9999,
    feed_rate="150 mol/h",
    tradeoff={"points": 0},
)
stages, reflux = design.stages, design.reflux
print(
    f"design: {stages['extraction']} extraction + {stages['scrub']} scrub stages, "
    f"S = {reflux['S']:.3f} (S_min {reflux['S_min']:.3f}), W = {reflux['W']:.3f} mol/mol feed RE"
)

case = design.case
result = case.run()
raffinate, loaded = result.products["raffinate"], result.products["loaded_organic"]
print(
    f"simulated: raffinate {raffinate.main_element} {raffinate.purity:.6f}, "
    f"loaded organic {loaded.main_element} {loaded.purity:.6f}"
)
assert raffinate.purity >= 0.9999 and loaded.purity >= 0.9999

s0, w0 = case.reflux
print("\n  S/S_design  raffinate Pr   loaded Nd   Newton iterations")
for factor in (0.98, 0.99, 1.00, 1.01, 1.02):
    case.set_reflux(S=s0 * factor, W=w0 + s0 * (factor - 1.0))  # same RE leaving with the organic
    r = case.run()  # starts from the previous steady state: same stages and elements
    print(
        f"  {factor:10.2f}  {r.products['raffinate'].purity:12.6f}  "
        f"{r.products['loaded_organic'].purity:10.6f}  {r.iterations:8d}"
    )

print("\nstage profile (first and last 3 stages, mol/L):")
print(result.to_dataframe().iloc[[0, 1, 2, -3, -2, -1]].to_string())
