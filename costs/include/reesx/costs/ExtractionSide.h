// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The extraction-side decision variables of a cut, bounded: the scrub acid concentration and
// the saponification degree, chosen for cost at a design's reflux and stages. In the
// separation-factor model neither changes a mole balance (scrub H+ is 3 W per mol feed, the
// base books 3 per RE loaded whatever the saponification); they change the volumes (a
// stronger scrub acid, a more saponified organic: smaller flows, smaller mixer-settlers), so
// the cheapest choice lies at a bound. The bounds are the stated operating ranges
// (chemistry.md §2.3); the penalties beyond them (a strong acid stripping the organic,
// emulsions at high saponification) are not in the model.
#pragma once

#include <string>

#include "reesx/costs/Optimize.h"

namespace reesx::costs {

struct ExtractionBounds {
    //! chemistry.md §2.3: scrub HCl 2.5–5.5 mol/L (P507–HCl, higher for the HREE).
    double scrub_acid_min_mol_per_L = 2.5, scrub_acid_max_mol_per_L = 5.5;
    //! chemistry.md §2.3: saponification 30–40 % in practice (at most 50 %, emulsions).
    double saponification_min = 0.30, saponification_max = 0.40;
};

struct ExtractionChoice {
    double scrub_acid_mol_per_L = 0.0, saponification = 0.0;
    double cost_usd_per_kg = 0.0;  //!< of the cut alone, levelized, at the choice
    int trials = 0;                //!< designs priced (each a cold re-run)
};

//! The scrub acid and saponification within `bounds` that price the design (s, n, m) of
//! `spec` lowest in country `code`, each variable tried at its bounds and at the spec's value
//! (one after the other), a trial kept only when its cold re-run meets the targets. The spec's
//! own values when none is cheaper.
ExtractionChoice choose_extraction_side(const DesignSpec& spec, const CostSetup& setup,
                                        const std::string& code, double s, int n, int m,
                                        const ExtractionBounds& bounds = {});

}  // namespace reesx::costs
