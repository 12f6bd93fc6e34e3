"""`reesx report FILE -o report.html`: one self-contained HTML file (inline SVG figures, no
scripts, no external resources) of a case, plant or design file, or of an optimize result
(`reesx optimize --json` or `-o .h5`, _report_optimize.py): the results with units,
the warnings, the inputs and where every data value came from (docs/python.md, "Reports").
"""

import datetime
import html
import math
import pathlib

import yaml

from . import _core
from . import _report_figures as figures
from . import _report_optimize as optimize_report
from . import _report_provenance as provenance
from ._api import cost as _cost, design as _design, run as _run
from ._case import Case

_STYLE = """
body{font-family:sans-serif;max-width:1200px;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0;font-size:.85em}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f0f0}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.85em;color:#555}
.warn{background:#fff4d6;border-left:4px solid #e0a000;padding:.3em .8em}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.8em}
"""


def _num(value):
    """A number as text: 6 significant digits; never a non-finite number (a dash)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("yes" if value else "no")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return "—"
        return f"{value:.6g}" if isinstance(value, float) else str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_num(v) for v in value)
    return str(value)


def _table(headers, rows):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            numeric = isinstance(cell, (int, float)) and not isinstance(cell, bool)
            cls = ' class="n"' if numeric else ""
            cells.append(f"<td{cls}>{html.escape(_num(cell))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


class _Page:
    def __init__(self, title):
        self.title = title
        self.parts = []
        self.figure_count = 0

    def h2(self, text):
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def p(self, text):
        self.parts.append(f"<p>{html.escape(text)}</p>")

    def table(self, headers, rows):
        self.parts.append(_table(headers, rows))

    def figure(self, name, svg, caption):
        self.figure_count += 1
        self.parts.append(
            f'<figure class="figure" data-figure="{html.escape(name)}">{svg}'
            f"<figcaption>Figure {self.figure_count}. {html.escape(caption)}</figcaption></figure>"
        )

    def warnings(self, warnings):
        self.h2("Warnings")
        if not warnings:
            self.p("None.")
        for w in warnings:
            self.parts.append(f'<p class="warn">{html.escape(w)}</p>')

    def html(self):
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>"
            + "\n".join(self.parts)
            + "</body></html>\n"
        )


def _kind(path, document):
    if not isinstance(document, dict):
        raise _core.InputError(f"{path}: expected a mapping of case, plant or design keys")
    if "split" in document:
        return "design"
    if "cascades" in document:
        return "plant"
    return "case"


def _header(page, path, kind, summary):
    page.parts.append(f"<h1>{html.escape(page.title)}</h1>")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page.table(
        ["", ""],
        [
            ["file", str(path)],
            ["kind", kind],
            ["reesx version", summary.get("reesx_version", _core.__version__)],
            ["written", now],
            ["converged", summary.get("converged")],
            ["element balance, largest relative error", summary.get("mass_balance_relative_error")],
        ],
    )


def _products(page, products, elements):
    page.h2("Products")
    rows = []
    for name, p in products.items():
        composition = p.get("composition", {})
        rows.append(
            [name, p.get("phase", ""), p.get("stage", p.get("cascade", "")),
             p.get("flow_L_per_h"), p.get("re_mol_per_h"),
             p.get("main_element") or ", ".join(p.get("elements", [])),
             p.get("purity")] + [composition.get(e, 0.0) for e in elements]
        )
    page.table(
        ["product", "phase", "stage / cascade", "flow (L/h)", "RE flow (mol/h)", "main element",
         "purity (mole fraction of RE)"] + [f"{e} (mole fraction)" for e in elements],
        rows,
    )


def _recovery(page, recovery, elements):
    page.h2("Recoveries")
    page.table(
        ["product"] + [f"{e} (fraction of feed)" for e in elements],
        [[name] + [r.get(e, 0.0) for e in elements] for name, r in recovery.items()],
    )
    page.figure("recovery", figures.recoveries(recovery, elements),
                "Recovery of every element to every product (log scale).")


def _reagents(page, reagents):
    page.h2("Reagents")
    flat = [(k, v) for k, v in provenance.flatten(reagents) if isinstance(v, (int, float))]
    page.table(["quantity (unit in the name)", "value"], [[k, v] for k, v in flat])
    for suffix, unit in (("_kg_per_h", "kg/h"), ("_mol_per_h", "mol/h")):
        bars = {k[: -len(suffix)]: v for k, v in flat
                if k.endswith(suffix) and "." not in k and v > 0}
        if bars:
            page.figure("reagents", figures.reagents(bars, unit), f"Reagent flows ({unit}).")
            return


def _system(page, resolved, elements):
    system = resolved.get("system", {})
    page.h2(f"Extraction system: {system.get('name', '')} ({system.get('origin', '')})")
    page.table(
        ["element", "log10 K (extractability)", "range", "design estimate", "source"],
        provenance.system_rows(system, elements),
    )
    page.table(["separation factor", "beta"], provenance.beta_rows(system, elements))


def _inputs(page, path, resolved, document):
    page.h2("Inputs as solved (every default filled in)")
    page.table(["key (unit in the name)", "value", "from"],
               provenance.input_rows(resolved, document))


def _file_text(page, path):
    page.h2(f"The input file: {path}")
    page.parts.append(f"<pre>{html.escape(pathlib.Path(path).read_text())}</pre>")


def _costs(page, case):
    result = _cost(case)
    s = result.summary
    page.h2(f"Costs by country ({s.get('currency', 'USD')} {s.get('cost_year', '')}, "
            f"scenario {s.get('scenario', '')})")
    rows = []
    for code in s["country_order"]:
        c = s["countries"][code]
        rows.append([code, c["name"], c["capex_usd"], c["opex_usd_per_year"],
                     c["annual_cost_usd_per_year"], c["cost_usd_per_kg"]["reo_fed"],
                     c["energy_kwh_per_kg"]["reo_fed"] if isinstance(c["energy_kwh_per_kg"], dict)
                     else c["energy_kwh_per_kg"],
                     c["co2_kg_per_kg"]["reo_fed"]])
    page.table(["code", "country", "capital (USD)", "operating (USD/year)",
                "annual cost (USD/year)", "cost (USD/kg REO fed)", "energy (kWh/kg)",
                "CO2 (kg/kg)"], rows)
    page.figure("costs", figures.costs(result),
                "Operating cost by item and country (USD/year), and cost per kg REO fed.")
    page.h2("Cost data used, with sources")
    page.table(["country", "parameter", "value", "unit", "range", "year", "source",
                "confidence"], provenance.cost_rows(s))
    return s.get("warnings", [])


def _case_report(page, path, case, document, design=None):
    result = case.run()
    s = result.summary
    warnings = list(s.get("warnings", []))
    if design is not None:
        warnings = list(design.summary.get("warnings", [])) + warnings
    _header(page, path, "design" if design is not None else "case", s)
    slot = len(page.parts)  # the warnings go here, once the costs have added theirs
    page.h2("Stages and reflux")
    page.table(["section", "stages"], [[k, v] for k, v in s["input"]["stages"].items()])
    page.table(["reflux (mol RE per mol feed RE)", "value"],
               [[k, v] for k, v in s.get("reflux", {}).items() if isinstance(v, (int, float))])
    if design is not None:
        page.h2("Trade-off: stages against reflux")
        page.figure("tradeoff", figures.tradeoff(design),
                    "Total stages against reflux S, the shortcut, S_min and the design.")
        table = design.to_dataframe("tradeoff")
        page.table([str(c) for c in table.columns], table.values.tolist())
    page.h2("Stage profiles")
    page.figure("profiles", figures.profiles(result),
                "Concentration of every element in the aqueous and organic phase against "
                "stage (mol/L, log scale); dashed lines: section boundaries.")
    _products(page, s["products"], result.elements)
    _recovery(page, s["recovery"], result.elements)
    _reagents(page, s.get("reagents", {}))
    if "cost" in document:
        warnings += _costs(page, case)
    _system(page, s["input"], result.elements)
    _inputs(page, path, s["input"], document)
    warning_page = _Page("")
    warning_page.warnings(warnings)
    page.parts[slot:slot] = warning_page.parts


def _plant_report(page, path, result, document):
    s = result.summary
    _header(page, path, "plant", s)
    page.warnings(s.get("warnings", []))
    page.h2("Plant diagram")
    page.figure("plant", figures.plant_diagram(result.dot()),
                "Cascades, the streams between them and the plant's products.")
    elements = sorted(s.get("balance", {}).get("feed_mol_per_h", {}))
    _products(page, s["products"], elements)
    _recovery(page, s["recovery"], elements)
    _reagents(page, s.get("reagents", {}))
    page.h2("Streams between cascades")
    page.table(["from", "to", "flow (L/h)", "RE flow (mol/h)", "torn"],
               [[t["from"], t["to"], t["flow_L_per_h"], t["re_mol_per_h"], t["torn"]]
                for t in s.get("streams", [])])
    for name, cascade in s["cascades"].items():
        page.h2(f"Cascade {name}")
        page.table(["section", "stages"], [[k, v] for k, v in cascade["input"]["stages"].items()])
        view = figures.profile_view(cascade)
        page.figure(f"profiles-{name}", figures.profiles(view, f"cascade {name}"),
                    f"Stage profiles of cascade {name} (mol/L, log scale), sections marked.")
        _system(page, cascade["input"], view.elements)
        given = [c for c in document.get("cascades", []) if isinstance(c, dict)]
        cascade_doc = next((c for c in given if c.get("name") == name), {})
        _inputs(page, path, cascade["input"], cascade_doc)


def report(path, output=None):
    """The report of a case, plant or design file, or of an optimize result (JSON or HDF5), as
    HTML text; written to `output` (a path) when given (atomically: a failed report leaves no
    file)."""
    path = pathlib.Path(path)
    if _is_result_file(path):
        summary, fronts = optimize_report.load(path)
        page = _Page(f"reesx report: {path.name}")
        optimize_report.report(page, path, summary, fronts)
        return _write(page.html(), output)
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as e:
        raise _core.InputError(f"{path}: cannot read the file: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise _core.InputError(f"{path}: not YAML: {e}") from None
    kind = _kind(path, document)
    page = _Page(f"reesx report: {document.get('name', path.name)}")
    if kind == "design":
        design = _design(path)
        _case_report(page, path, design.case, document, design)
    elif kind == "plant":
        _plant_report(page, path, _run(path), document)
    else:
        _case_report(page, path, Case(path), document)
    _file_text(page, path)
    return _write(page.html(), output)


def _is_result_file(path):
    """A result file (an optimize --json or -o .h5 file) rather than an input file."""
    if path.suffix in optimize_report.HDF5_SUFFIXES or path.suffix == ".json":
        return True
    try:
        with open(path, "rb") as f:
            return f.read(1) == b"{"  # JSON written by --json; input files are YAML mappings
    except OSError:
        return False


def _write(text, output):
    """Writes the report atomically when `output` is given (a failed report leaves no file)."""
    if output is not None:
        output = pathlib.Path(output)
        partial = output.with_name(output.name + ".partial")
        partial.write_text(text)
        partial.replace(output)
    return text


def figure_names(text):
    """The data-figure names of a report's figures (tests, and `--list-figures`)."""
    import re

    return re.findall(r'<figure class="figure" data-figure="([^"]+)"', text)

