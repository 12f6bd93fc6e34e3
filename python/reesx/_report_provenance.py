"""Where each value of a report came from: the case file, a default (or a value derived from
the file's other keys), the extraction system's data file, the cost data file. Used by
_report.py; every function returns rows (lists of cells) for an HTML table."""

import math

from . import _core


def flatten(value, prefix=""):
    """Dotted paths of a nested dict/list ({"a": {"b": 1}} -> [("a.b", 1)])."""
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            out += flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        out = []
        for k, item in enumerate(value):
            out += flatten(item, f"{prefix}[{k}]")
        return out
    return [(prefix, value)]


def _stem(key):
    """The first word of a key: the resolved input writes `flow_L_per_h` where the file says
    `flow`, `extractant_mol_per_L` for `extractant-concentration`."""
    return key.replace("-", "_").split("_")[0].lower().rstrip("s")  # feed: gives feeds


def _given(document, path):
    """Whether the case file states the resolved input's `path` (matched word by word: the
    resolved keys carry units the file's keys do not)."""
    node = document
    for part in path.replace("]", "").split("."):
        name, _, index = part.partition("[")
        if not isinstance(node, dict):
            return False
        match = [k for k in node if _stem(str(k)) == _stem(name)]
        if not match:
            return False
        node = node[match[0]]
        if index:
            if isinstance(node, list) and int(index) < len(node):
                node = node[int(index)]
            elif not isinstance(node, list):  # one feed written as a mapping
                continue
            else:
                return False
    return True


def input_rows(resolved, document):
    """(key, value, origin) of every resolved input value: 'case file' when the file states
    it, else 'default or derived' (filled in by the parser, or computed from other keys such
    as the reflux)."""
    rows = []
    for path, value in flatten(resolved):
        if path in ("file", "name") or path.startswith("system."):
            continue  # in the header, and the system's values in their own table
        origin = "case file" if _given(document, path) else "default or derived"
        rows.append([path, value, origin])
    return rows


def system_rows(resolved_system, elements):
    """log10 extractability of each element of the case with its source: the built-in
    system's data file (source, range, design estimate) or the case's override."""
    name = resolved_system.get("name", "")
    origin = resolved_system.get("origin", "")
    used = resolved_system.get("log10_extractability", {})
    data = {}
    if origin.startswith("built-in") and name:  # "built-in, modified in FILE" when overridden
        name = name.removesuffix(" (modified)")
        try:
            data = _core.system(name)["log10_extractability"]
        except _core.Error:
            data = {}
    rows = []
    for element in elements:
        value = used.get(element)
        if value is None:
            continue
        known = data.get(element)
        if known is not None and math.isclose(known["log10_k"], value, abs_tol=1e-9):
            low, high = known["range"]
            source = f"system data file {name}.yaml (thermo/data/systems): {known['source']}"
            estimate = "yes" if known.get("design_estimate") else "no"
            rows.append([element, value, f"{low:.4g} to {high:.4g}", estimate, source])
        elif known is not None:
            built_in = f"{known['log10_k']:.6g}"
            rows.append([element, value, "", "", f"{origin} (built-in {name}: {built_in})"])
        else:
            where = "case file (inline system)" if not origin.startswith("built-in") else "case file"
            rows.append([element, value, "", "", f"{where}; system origin: {origin or 'unknown'}"])
    return rows


def beta_rows(resolved_system, elements):
    """Separation factors of neighbours in extraction order, beta = 10^(log10 K_a - log10 K_b)."""
    used = resolved_system.get("log10_extractability", {})
    ordered = sorted((e for e in elements if e in used), key=lambda e: used[e])
    return [
        [f"{b}/{a}", 10.0 ** (used[b] - used[a])] for a, b in zip(ordered, ordered[1:])
    ]


def cost_rows(summary):
    """(country, parameter, value, unit, range, year, source, confidence) of every cost input
    each country used, and the plant-wide ones once (country 'all')."""
    rows = []
    for code, inputs in [("all", summary.get("global_inputs", {}))] + [
        (c, summary["countries"][c].get("inputs", {})) for c in summary.get("country_order", [])
    ]:
        for parameter, v in inputs.items():
            if not isinstance(v, dict):
                continue
            low, high = (v.get("range") or [None, None])[:2]
            span = "" if low is None else f"{low:.4g} to {high:.4g}"
            source = v.get("source", "")
            if v.get("note"):
                source = f"{source} ({v['note']})"
            rows.append(
                [
                    code,
                    parameter,
                    v.get("value"),
                    v.get("unit", ""),
                    span,
                    v.get("year", ""),
                    source,
                    v.get("confidence", ""),
                ]
            )
    return rows
