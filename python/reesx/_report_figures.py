"""The report's figures as inline SVG text (matplotlib; the plant diagram by Graphviz when
`dot` is installed, else drawn by matplotlib)."""

import io
import re
import shutil
import subprocess
from types import SimpleNamespace

import numpy as np

from . import _plots

_counter = [0]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Text stays text (small files, searchable); the same salt gives the same file twice.
    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "reesx-report"})
    return plt


def _unique_ids(svg):
    """Prefixes every id of one figure, so that several figures share one HTML page without
    clashing (matplotlib names clip paths and markers by a hash of their content)."""
    _counter[0] += 1
    p = f"f{_counter[0]}-"
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{p}\1"', svg)
    svg = svg.replace("url(#", f"url(#{p}").replace('href="#', f'href="#{p}')
    return svg


def svg_of(fig):
    """The figure as an <svg> element (no XML prolog), closed afterwards."""
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return _unique_ids(text[text.index("<svg") :])


def profiles(result, title=""):
    """Aqueous and organic profiles of every element side by side, log scale, sections."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2))
    for ax, phase in zip(axes, ("aqueous", "organic")):
        _plots.profiles(result, phase, ax)
    if title:
        fig.suptitle(title, y=1.04)
    return svg_of(fig)


def profile_view(summary):
    """What _plots.profiles needs, from a cascade's JSON summary (a plant's cascades)."""
    rows = summary["stage_profile"]
    elements = sorted({e for r in rows for e in r["aqueous_mol_per_L"]})
    with np.errstate(divide="ignore"):

        def log10(phase):
            return np.log10(
                np.array([[r[f"{phase}_mol_per_L"].get(e, 0.0) for e in elements] for r in rows])
            )

        return SimpleNamespace(
            elements=elements,
            stage=np.array([r["stage"] for r in rows]),
            sections=[r["section"] for r in rows],
            aqueous_log10=log10("aqueous"),
            organic_log10=log10("organic"),
        )


def recoveries(recovery, elements):
    """Recovery of every element (fraction of its feed) to every product, log scale."""
    plt = _pyplot()
    products = list(recovery)
    fig, ax = plt.subplots(figsize=(8.0, 3.8))
    width = 0.8 / max(1, len(products))
    x = np.arange(len(elements))
    for k, product in enumerate(products):
        values = [max(float(recovery[product].get(e, 0.0)), 1e-12) for e in elements]
        ax.bar(x + (k - (len(products) - 1) / 2) * width, values, width, label=product)
    ax.set_yscale("log")
    ax.set_ylim(1e-8, 2.0)
    ax.set_xticks(x, elements)
    ax.set_ylabel("recovery (fraction of the element's feed)")
    ax.legend(fontsize=8)
    return svg_of(fig)


def reagents(values, unit):
    """Horizontal bars of the reagent flows (name -> value in `unit`)."""
    plt = _pyplot()
    names = list(values)
    fig, ax = plt.subplots(figsize=(8.0, 0.9 + 0.35 * len(names)))
    ax.barh(np.arange(len(names)), [values[n] for n in names], color="C2")
    ax.set_yticks(np.arange(len(names)), [n.replace("_", " ") for n in names])
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    return svg_of(fig)


def tradeoff(design):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    _plots.tradeoff(design, ax)
    return svg_of(fig)


def costs(cost):
    """Operating cost by item per country (stacked), beside the cost per kg REO fed."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12.0, 4.4), width_ratios=[3, 2])
    _plots.costs(cost, axes[0])
    countries = cost.summary["country_order"]
    per_kg = [cost.summary["countries"][c]["cost_usd_per_kg"]["reo_fed"] for c in countries]
    axes[1].bar(countries, per_kg, color="C0")
    axes[1].set_ylabel("cost (USD per kg REO fed)")
    axes[1].tick_params(axis="x", labelrotation=30)
    return svg_of(fig)


def plant_diagram(dot_text):
    """The plant's cascades and streams: Graphviz's SVG of the DOT text, or boxes and arrows
    drawn by matplotlib when `dot` is not installed."""
    dot = shutil.which("dot")
    if dot:
        done = subprocess.run(
            [dot, "-Tsvg"], input=dot_text, capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and "<svg" in done.stdout:
            return _unique_ids(done.stdout[done.stdout.index("<svg") :])
    return _diagram_fallback(dot_text)


def _diagram_fallback(dot_text):
    """Nodes in a row and the edges of the DOT text as arrows (no layout engine)."""
    plt = _pyplot()
    edges = re.findall(r'"?([\w.\- ]+)"?\s*->\s*"?([\w.\- ]+)"?', dot_text)
    nodes = list(dict.fromkeys(n for e in edges for n in e))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(nodes)), 2.5))
    where = {n: (k, 0.0) for k, n in enumerate(nodes)}
    for n, (x, y) in where.items():
        ax.text(x, y, n, ha="center", va="center", bbox={"boxstyle": "round", "fc": "0.92"})
    for a, b in edges:
        ax.annotate("", where[b], where[a], arrowprops={"arrowstyle": "->",
                                                      "connectionstyle": "arc3,rad=0.3"})
    ax.set_xlim(-0.7, len(nodes) - 0.3)
    ax.set_ylim(-1, 1)
    ax.axis("off")
    return svg_of(fig)


def front(table, name, country=""):
    """One Pareto front of an optimize result (reesx._fronts' table)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    _plots.front(table, name, ax, country)
    return svg_of(fig)


def optimum_by_country(costs, baselines):
    """The optimum's and design's default USD per kg side by side, by country."""
    plt = _pyplot()
    codes = list(costs)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.0 + 0.9 * len(codes)), 3.8))
    x = np.arange(len(codes))
    have_baseline = all(isinstance(baselines.get(c), (int, float)) for c in codes)
    width = 0.4 if have_baseline else 0.6
    ax.bar(x - (width / 2 if have_baseline else 0.0), [costs[c] for c in codes], width,
           label="optimum", color="C0")
    if have_baseline:
        ax.bar(x + width / 2, [baselines[c] for c in codes], width, label="design's default",
               color="C1")
    ax.set_xticks(x, codes)
    ax.set_ylabel("levelized cost (USD per kg REO)")
    ax.legend(fontsize=8)
    return svg_of(fig)
