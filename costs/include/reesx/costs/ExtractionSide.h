// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The bounded decision variables of a cut's solutions, chosen for cost at a design's reflux
// and stages: the scrub and strip acid concentrations, the saponification degree and the
// extractant concentration. In the separation-factor model none of them changes a mole
// balance (scrub H+ is 3 W per mol feed, strip H+ 3 (1 + excess) per RE loaded, the base 3
// per RE loaded); they change the volumes. A stronger scrub or strip acid, a more saponified
// organic: smaller flows, smaller mixer-settlers and tanks, so the cheapest choice lies at the
// upper bound. The extractant concentration has a trade-off in the model: a richer organic
// carries the same RE in less volume (smaller settlers, less diluent) but every litre of
// organic entrained in the aqueous outflows takes more extractant with it. The bounds are
// the stated operating ranges (chemistry.md §2.3); the penalties beyond them (a strong acid
// stripping the organic, emulsions at high saponification, a viscous organic that settles
// slowly) are not in the model.
#pragma once

#include <string>

#include "reesx/costs/Optimize.h"

namespace reesx::costs {

struct ExtractionBounds {
    //! chemistry.md §2.3: scrub HCl 2.5–5.5 mol/L (P507–HCl, higher for the HREE).
    double scrub_acid_min_mol_per_L = 2.5, scrub_acid_max_mol_per_L = 5.5;
    //! chemistry.md §2.3: saponification 30–40 % in practice (at most 50 %, emulsions).
    double saponification_min = 0.30, saponification_max = 0.40;
    //! chemistry.md §2.3: strip HCl 3–4 mol/L for the LREE, 5–6 mol/L for the HREE; the
    //! range over both, since a cut's strip acid is not tied to its elements here.
    double strip_acid_min_mol_per_L = 3.0, strip_acid_max_mol_per_L = 6.0;
    //! chemistry.md §2.3: P507 1.0–1.5 mol/L (about 30–50 vol %) in sulfonated kerosene.
    double extractant_min_mol_per_L = 1.0, extractant_max_mol_per_L = 1.5;
};

struct ExtractionChoice {
    double scrub_acid_mol_per_L = 0.0, saponification = 0.0;
    double strip_acid_mol_per_L = 0.0, extractant_mol_per_L = 0.0;
    double cost_usd_per_kg = 0.0;    //!< of the cut alone, levelized, at the choice
    PricedDesign design;             //!< the design at the choice (its cold re-run)
    bool strip_acid_chosen = false;  //!< the cut has strip stages (else the acid is idle)
    bool extractant_chosen = false;  //!< the organic is given by its extractant, not a loading
    int trials = 0;                  //!< designs priced (each a cold re-run)
};

//! The solutions within `bounds` that price the design (s, n, m) of `spec` lowest in country
//! `code`, one variable after the other: the scrub acid, the saponification and the strip
//! acid each at its bounds and the spec's value; then the extractant concentration by a
//! golden-section search over its range (its cost has an interior trade-off). A trial is kept
//! only when its cold re-run meets the targets; the spec's own values when none is cheaper.
//! `vary_extractant` false keeps the spec's extractant concentration.
ExtractionChoice choose_extraction_side(const DesignSpec& spec, const CostSetup& setup,
                                        const std::string& code, double s, int n, int m,
                                        const ExtractionBounds& bounds = {},
                                        bool vary_extractant = true);

//! A country's optimum (reflux and stages) with its solutions then chosen as above: replaced
//! by the choice's design when that is cheaper (it meets the targets on its cold re-run).
void choose_solutions(const DesignSpec& spec, const CostSetup& setup, CountryOptimum& optimum,
                      const ExtractionBounds& bounds = {});

//! The spec with the choice's solutions.
DesignSpec with_choice(const DesignSpec& spec, const ExtractionChoice& choice);

//! The spec with the solutions of a priced design (what the studies around an optimum hold:
//! its fronts, robust optimum and uncertainty).
DesignSpec with_solutions(const DesignSpec& spec, const PricedDesign& design);

}  // namespace reesx::costs
