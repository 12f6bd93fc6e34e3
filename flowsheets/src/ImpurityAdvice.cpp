// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Removal advice per impurity ion (ImpurityAdvice.h). The solubilities are those of the CRC
// Handbook of Chemistry and Physics (tables "Solubility product constants" and "Physical
// constants of inorganic compounds"): CaC2O4·H2O Ksp 2.3e-9, MgC2O4·2H2O Ksp 4.8e-6,
// Na2C2O4 3.7 g per 100 g water at 20 °C. The pH½ are thermo/data/impurities'. The rest is
// common practice in rare-earth hydrometallurgy (design estimates, not a plant's flowsheet).
#include "ImpurityAdvice.h"

#include "reesx/thermo/Species.h"

namespace reesx {

std::string impurity_removal_advice(int species, bool first_product)
{
    const std::string ion = species_symbol(species);
    // A total rare-earth extraction (every rare earth loaded, at the pH where the ion is not)
    // leaves the less extractable ions in its raffinate.
    const std::string total =
        "a total rare-earth extraction (saponified P507 or D2EHPA loading every rare earth) "
        "leaves it in that raffinate";
    if (ion == "Ca2+") {
        return "calcium oxalate is nearly insoluble (Ksp 2.3e-9), so an oxalate precipitation "
               "takes the calcium with the rare earths: " +
               total +
               ", with a scrub of the loaded organic by dilute HCl to return the calcium it "
               "co-extracts (pH½ 2.1 with D2EHPA, close to the light rare earths')";
    }
    if (ion == "Mg2+") {
        return total +
               " (pH½ 4.0 with D2EHPA), or an oxalate precipitation of the rare earths leaves "
               "most of it in the mother liquor (magnesium oxalate, Ksp 4.8e-6, stays "
               "dissolved at the usual oxalic excess)";
    }
    if (ion == "Al3+") {
        return "precipitate it as the hydroxide near pH 4.5-5 ahead of the rare earths (which "
               "stay dissolved there), or " +
               total +
               " (pH½ 2.4 with D2EHPA; its extraction is slow, so a short contact takes even "
               "less); oxalate keeps it in solution as oxalato complexes";
    }
    if (ion == "Na+") {
        return "it is not extracted in the acid range (pH½ about 7): " + total +
               ", and sodium oxalate is soluble (3.7 g per 100 g water), so it washes out of an "
               "oxalate cake";
    }
    if (ion == "Fe3+") {
        return "precipitate it as goethite or jarosite near pH 3 ahead of the extraction, or "
               "reduce it to Fe(II), which D2EHPA extracts only near pH 3.2";
    }
    if (ion == "UO2^2+") {
        return "extract the uranium ahead of the rare earths with a step of its own (an amine "
               "from sulfate, as the Amex process, or D2EHPA at pH 1 as Dapex)";
    }
    if (first_product) {
        return "it is less extractable than every rare earth: " + total;
    }
    return "remove it before the extraction with a step of its own (a precipitation or a "
           "selective extraction)";
}

}  // namespace reesx
