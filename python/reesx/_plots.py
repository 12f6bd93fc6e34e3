"""Figures of the results (matplotlib, imported on first use). Each function draws on `ax`
(a new figure's axes when None) and returns the axes; the result classes call them as
methods: RunResult.plot_profiles, DesignResult.plot_tradeoff, DynamicResult.plot_startup,
CostResult.plot_costs, plot_tornado and plot_monte_carlo, OptimizeResult.plot_front."""

import numpy as np


def _axes(ax, size=(7.0, 4.5)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=size).add_subplot()


def profiles(result, phase="aqueous", ax=None):
    """Concentration of every element against stage (log scale), the sections shaded and
    named."""
    if phase not in ("aqueous", "organic"):
        raise ValueError(f"unknown phase {phase!r}: aqueous or organic")
    ax = _axes(ax)
    log10 = result.aqueous_log10 if phase == "aqueous" else result.organic_log10
    for k, element in enumerate(result.elements):
        ax.plot(result.stage, 10.0 ** log10[:, k], marker=".", markersize=3, label=element)
    ax.set_yscale("log")
    sections = list(result.sections)
    runs = []  # (first stage, last stage, section)
    for stage, section in enumerate(sections, start=1):
        if runs and runs[-1][2] == section:
            runs[-1][1] = stage
        else:
            runs.append([stage, stage, section])
    for first, last, section in runs:
        if first > 1:
            ax.axvline(first - 0.5, color="0.4", linewidth=0.8, linestyle="--")
        ax.text(
            (first + last) / 2.0,
            1.01,
            section,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_xlim(0.5, len(sections) + 0.5)
    ax.set_xlabel("stage")
    ax.set_ylabel(f"{phase} concentration (mol/L)")
    ax.legend(ncol=max(1, len(result.elements) // 9), fontsize=8)
    return ax


def tradeoff(result, ax=None):
    """Total stages against reflux S of the design's trade-off, with S_min and the design."""
    table = result.to_dataframe("tradeoff")
    if table.empty:
        raise ValueError("the design has no trade-off table (design with tradeoff points > 0)")
    ax = _axes(ax)
    ax.plot(table["S"], table["total"], marker="o", label="total stages")
    if "shortcut_total" in table:
        ax.plot(table["S"], table["shortcut_total"], linestyle=":", label="shortcut")
    reflux = result.reflux
    ax.axvline(reflux["S_min"], color="C3", linestyle="--", label=f"S_min = {reflux['S_min']:.3g}")
    design_total = sum(result.stages.values())
    ax.plot([reflux["S"]], [design_total], marker="*", markersize=14, color="C2", label="design")
    ax.set_xlabel("reflux S (mol RE per mol feed RE)")
    ax.set_ylabel("stages")
    ax.legend()
    return ax


def startup(result, products=None, ax=None):
    """Purity of the products against time, the target purity and each time to target."""
    ax = _axes(ax)
    names = list(result.products) if products is None else list(np.atleast_1d(products))
    for k, name in enumerate(names):
        p = result.products[name]
        ax.plot(result.times_h, p["purity"], color=f"C{k}", label=f"{name} ({p['main_element']})")
        if p.get("time_to_target_h") is not None:
            ax.axvline(p["time_to_target_h"], color=f"C{k}", linestyle=":", linewidth=1)
            ax.annotate(
                f"{p['time_to_target_h']:.3g} h",
                (p["time_to_target_h"], 0.02),
                xycoords=("data", "axes fraction"),
                color=f"C{k}",
                fontsize=8,
            )
    target = result.summary["dynamic"].get("target_purity")
    if target is not None:
        ax.axhline(target, color="0.3", linestyle="--", label=f"target {target:g}")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("purity (mole fraction of RE)")
    ax.legend()
    return ax


def costs(result, ax=None):
    """Operating cost by item, stacked, for every country (USD per year)."""
    table = result.to_dataframe("opex")
    ax = _axes(ax)
    bottom = np.zeros(len(table))
    for k, item in enumerate(table.columns):
        values = table[item].to_numpy(dtype=float)
        ax.bar(table.index, values, bottom=bottom, label=item.replace("_", " "), color=f"C{k % 10}")
        bottom += values
    ax.set_ylabel("operating cost (USD/year)")
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(fontsize=8, ncol=2)
    return ax


def tornado(result, country=None, ax=None):
    """The sensitivity bars of one country (default: the first): USD per kg REO fed at each
    parameter's low and high value about the base cost, widest bar on top."""
    table = result.to_dataframe("tornado")
    country = country or result.countries[0]
    table = table[table["country"] == country] if not table.empty else table
    if table.empty:
        raise ValueError(f"no sensitivity bars for {country} (reesx.cost(..., sensitivity=True))")
    base = result.summary["countries"][country]["cost_usd_per_kg"]["reo_fed"]
    low, high = table["cost_usd_per_kg_at_low"], table["cost_usd_per_kg_at_high"]
    order = (high - low).abs().sort_values().index
    new_figure = ax is None
    ax = _axes(ax, size=(8.0, 1.5 + 0.22 * len(order)))
    y = np.arange(len(order))
    ax.barh(y, low[order] - base, left=base, color="C0", label="parameter at low")
    ax.barh(y, high[order] - base, left=base, color="C3", label="parameter at high")
    ax.set_yticks(y, table.loc[order, "parameter"])
    ax.axvline(base, color="0.3", linewidth=0.8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel(f"cost, {country} (USD per kg REO fed)")
    ax.legend(fontsize=8)
    if new_figure:
        ax.figure.tight_layout()  # room for the parameter names
    return ax


def monte_carlo(result, bins=30, ax=None):
    """Histogram of the Monte Carlo cost samples (USD per kg REO fed) of every country."""
    samples = result.monte_carlo_cost_usd_per_kg
    if samples is None or np.size(samples) == 0:
        raise ValueError("the cost has no Monte Carlo samples (reesx.cost(..., monte_carlo=N))")
    ax = _axes(ax)
    for k, country in enumerate(result.countries):
        values = samples[:, k]
        ax.hist(values[np.isfinite(values)], bins=bins, alpha=0.5, label=country)
    ax.set_xlabel("cost (USD per kg REO fed)")
    ax.set_ylabel("samples")
    ax.legend(fontsize=8)
    return ax


_FRONT_AXES = {
    "purity": "purity target (both products of a cut, every product of a plant)",
    "recovery": "recovery target of the recovery product",
}


def _fraction_axis(ax, targets, what):
    """x: 1 − target on a reversed log axis (each further "9" one step to the right),
    labelled with the targets in per cent."""
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xticks([1.0 - t for t in targets], [f"{100.0 * t:.6g} %" for t in targets])
    ax.minorticks_off()
    ax.set_xlabel(what)


def front(table, name="purity", ax=None, country=""):
    """One Pareto front of an optimize result (a table of reesx._fronts: `to_dataframe(name)`
    of OptimizeResult or PlantOptimizeResult). 'purity' and 'recovery': the optimum's and the
    baseline's USD per kg against the target; 'capital_operating': operating against capital
    cost, each point labelled with its S/S_min, the one of least USD per kg starred."""
    if table is None or len(table) == 0:
        raise ValueError(f"the result has no {name} front (ask for it: pareto=..., "
                         "pareto_recovery=... or pareto_capital=N)")
    ax = _axes(ax)
    where = f", {country}" if country else ""
    if name in _FRONT_AXES:
        x = 1.0 - table["target"].to_numpy(dtype=float)
        ax.plot(x, table["cost_usd_per_kg"], marker="o", label="optimum")
        baseline = table["baseline_cost_usd_per_kg"].to_numpy(dtype=float)
        if np.isfinite(baseline).any():
            ax.plot(x, baseline, marker="s", linestyle="--", label="design's default")
        _fraction_axis(ax, table["target"].tolist(), _FRONT_AXES[name])
        ax.set_ylabel(f"levelized cost (USD per kg REO{where})")
    elif name == "capital_operating":
        capex = table["capex_usd"].to_numpy(dtype=float) / 1e6
        opex = table["opex_usd_per_year"].to_numpy(dtype=float) / 1e6
        ax.plot(capex, opex, marker="o", label="designs no other beats in both")
        for x, y, s in zip(capex, opex, table["S_over_S_min"]):
            if np.isfinite(s):  # a plant has one reflux per cascade: no label
                ax.annotate(f"{s:.3g} S_min", (x, y), textcoords="offset points",
                            xytext=(4, 4), fontsize=8)
        best = int(np.nanargmin(table["cost_usd_per_kg"].to_numpy(dtype=float)))
        ax.plot([capex[best]], [opex[best]], marker="*", markersize=14, color="C2",
                linestyle="none", label="least levelized cost")
        ax.set_xlabel(f"capital cost (MUSD{where})")
        ax.set_ylabel("operating cost (MUSD per year)")
    else:
        raise ValueError(f"unknown front {name!r}: purity, recovery or capital_operating")
    ax.legend(fontsize=8)
    return ax
