"""Case: one cascade's input document, editable and re-solvable."""

import math
import os

from . import _core


def _document(source, name=None):
    """A _core.Document from a Case, a path, YAML text or a dict."""
    if isinstance(source, Case):
        return source.copy()._doc
    if isinstance(source, _core.Document):
        return source
    if isinstance(source, dict):
        return _core.Document.from_python(source, name or "<dict>")
    if isinstance(source, os.PathLike):
        return _core.Document.from_file(os.fspath(source))
    if isinstance(source, str):
        # YAML text spans lines or is a flow mapping; anything else is a file name.
        if "\n" in source or source.lstrip().startswith("{"):
            return _core.Document.from_string(source, name or "<string>")
        return _core.Document.from_file(source)
    raise TypeError(
        f"expected a Case, a file path, YAML text or a dict, found {type(source).__name__}"
    )


def _key_path(key):
    """'organic.flow' or ('feeds', 0, 'flow') as a list of keys."""
    if isinstance(key, str):
        return key.split(".")
    return list(key)


def _flow(value_L_per_h):
    return f"{float(value_L_per_h)!r} L/h"


class Case:
    """A cascade's case: from a file path, YAML text or a dict (the keys of a case file).

    Values are changed with ``case["organic.flow"] = "3500 L/h"`` or the named setters
    (flows in L/h, stage counts, efficiency, reflux S and W, separation factors); the case is
    parsed again by reesx's parser at the next solve, so a bad value raises InputError at its
    line. ``run()`` starts from the previous steady state when the stages and elements are
    the same (a warm start), else solves cold.
    """

    def __init__(self, source, *, name=None):
        self._doc = _document(source, name)
        self._last, self._last_revision = None, None  # the previous run() and its document
        self.check()

    def check(self):
        """Parses and checks the case as `reesx check` does (InputError when it is wrong)."""
        self._doc.check()

    @classmethod
    def from_file(cls, path):
        return cls(_core.Document.from_file(os.fspath(path)))

    @classmethod
    def from_yaml(cls, text, *, name="<string>"):
        return cls(_core.Document.from_string(text, name))

    @classmethod
    def from_dict(cls, document, *, name="<dict>"):
        return cls(_core.Document.from_python(document, name))

    def copy(self):
        """An independent copy (without the warm start)."""
        return Case(_core.Document.from_string(self._doc.yaml(), self._doc.source_name))

    # The document.
    @property
    def source(self):
        """Where the case came from: a file name, '<dict>', '<string>'; '(changed)' once edited."""
        return self._doc.source_name

    def __getitem__(self, key):
        return self._doc.get(_key_path(key))

    def __setitem__(self, key, value):
        self._doc.set(_key_path(key), value)

    def to_dict(self):
        """The case document as Python values (what a YAML loader gives)."""
        return self._doc.to_dict()

    def to_yaml(self):
        return self._doc.yaml()

    @property
    def is_plant(self):
        return self._doc.is_plant()

    @property
    def resolved(self):
        """The case with every default filled in, internal units (the JSON `input` key)."""
        return self._doc.resolved_input()

    # Named settings.
    @property
    def stages(self):
        """{'extraction': n, 'scrub': m, 'strip': k}; set a dict of the sections to change."""
        return dict(self.resolved["stages"])

    @stages.setter
    def stages(self, counts):
        for section, count in counts.items():
            self[("stages", section)] = int(count)

    @property
    def organic_flow_L_per_h(self):
        return self.resolved["organic"]["flow_L_per_h"]

    @organic_flow_L_per_h.setter
    def organic_flow_L_per_h(self, value):
        self["organic.flow"] = _flow(value)

    @property
    def scrub_flow_L_per_h(self):
        return self.resolved["scrub"]["flow_L_per_h"]

    @scrub_flow_L_per_h.setter
    def scrub_flow_L_per_h(self, value):
        self["scrub.flow"] = _flow(value)

    @property
    def strip_flow_L_per_h(self):
        return self.resolved["strip"]["flow_L_per_h"]

    @strip_flow_L_per_h.setter
    def strip_flow_L_per_h(self, value):
        self["strip.flow"] = _flow(value)

    @property
    def feed_flow_L_per_h(self):
        """The flow of the case's only feed (`feed:`); with `feeds:`, case[("feeds", i, "flow")]."""
        return self._single_feed()["flow_L_per_h"]

    @feed_flow_L_per_h.setter
    def feed_flow_L_per_h(self, value):
        self._single_feed()
        self["feed.flow"] = _flow(value)

    @property
    def feed_composition(self):
        """RE mole fractions of the only feed, by element."""
        return dict(self._single_feed()["composition"])

    @feed_composition.setter
    def feed_composition(self, fractions):
        self._single_feed()
        self["feed.composition"] = {str(k): float(v) for k, v in fractions.items()}

    @property
    def efficiency(self):
        """Murphree efficiency by section; set a number (every section) or a dict by section."""
        return dict(self.resolved["efficiency"])

    @efficiency.setter
    def efficiency(self, value):
        self["efficiency"] = (
            {str(k): float(v) for k, v in value.items()}
            if isinstance(value, dict)
            else float(value)
        )

    @property
    def reflux(self):
        """(S, W), mol RE per mol feed RE: S = organic flow × loading, W = scrub flow × acid / 3
        (per mol feed RE)."""
        b = self._reflux_basis()
        s = b["organic_flow_L_per_h"] * b["loading_mol_per_L"] / b["feed_re_mol_per_h"]
        w = (
            0.0
            if b["scrub_flow_L_per_h"] is None
            else b["scrub_flow_L_per_h"] * b["scrub_acid_mol_per_L"] / 3.0 / b["feed_re_mol_per_h"]
        )
        return s, w

    def set_reflux(self, S=None, W=None):
        """Sets the organic flow for S and the scrub flow for W (mol RE per mol feed RE); in a
        case that states `reflux: {S, W}`, those."""
        if "reflux" in self.to_dict():
            if S is not None:
                self["reflux.S"] = S
            if W is not None:
                self["reflux.W"] = W
            return
        b = self._reflux_basis()
        if S is not None:
            if b["loading_mol_per_L"] is None:
                raise _core.InputError(
                    f"{self.source}: S needs the organic's loading "
                    "(or its extractant and saponification)"
                )
            self.organic_flow_L_per_h = S * b["feed_re_mol_per_h"] / b["loading_mol_per_L"]
        if W is not None:
            if b["scrub_acid_mol_per_L"] is None:
                raise _core.InputError(f"{self.source}: W needs a scrub section with its acid")
            self.scrub_flow_L_per_h = W * 3.0 * b["feed_re_mol_per_h"] / b["scrub_acid_mol_per_L"]

    def set_separation_factor(self, element, reference, beta):
        """Sets log10 K of `element` so that beta(element/reference) = beta, on top of the
        case's system (a built-in name becomes `base:` of an inline system)."""
        k = self.resolved["system"]["log10_extractability"]
        if reference not in k or k[reference] is None:
            raise _core.InputError(f"{self.source}: {reference} is not an element of this case")
        system = self["system"]
        if isinstance(system, str):
            if system.endswith((".yaml", ".yml")):
                raise _core.InputError(
                    f"{self.source}: set separation factors in the system file {system}"
                )
            self["system"] = {"base": system}
        self[("system", "log10-extractability", element)] = k[reference] + math.log10(beta)

    # Solving.
    def run(self, *, warm=True):
        """Steady state (RunResult, or PlantResult for a plant file); warm-started from the
        previous run() of this case when `warm` and the stages and elements are the same."""
        from ._results import PlantResult, RunResult

        revision = self._doc.revision
        out = _core.run(self._doc, self._last if warm else None)
        if isinstance(out, _core.PlantOutput):
            return PlantResult(out)
        self._last, self._last_revision = out, revision
        return RunResult(out)

    def __repr__(self):
        return f"reesx.Case({self.source!r})"

    def _single_feed(self):
        feeds = self.resolved["feeds"]
        if len(feeds) != 1 or "feeds" in self.to_dict():
            raise _core.InputError(
                f"{self.source}: the case has a list of feeds; set case[('feeds', i, ...)]"
            )
        return feeds[0]

    def _reflux_basis(self):
        """Feed RE, organic and scrub flows, loading and acid: from the last run() while the
        document is unchanged since (no parse), else parsed."""
        if self._last is not None and self._last_revision == self._doc.revision:
            return self._last.reflux_basis
        return self._doc.reflux_basis()
