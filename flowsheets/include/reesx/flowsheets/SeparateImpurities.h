// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Impurity ions in `reesx separate`: a leach liquor's Fe/Al/Th/... (the separate input's
// `impurities:`) get the step a process engineer puts first, a pre-extraction with
// unsaponified D2EHPA at high acidity that takes the ions more extractable than the rare
// earths (Th(IV), U(VI)) into an impurity liquor and returns the rare earths to its
// raffinate, sized (extraction stages, then scrub stages) for an impurity limit in ppm of the
// products' REO. The ions it does not take follow the rare-earth stream into the cuts, where
// each is sent to the product its pH½ places it beside in the extraction order (the cuts use
// the separation-factor model, which carries no ions).
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reesx/flowsheets/Cascade.h"
#include "reesx/thermo/Species.h"

namespace reesx {

struct SeparateSpec;
struct SeparateResult;

//! What the separate input says about impurities.
struct SeparateImpurities {
    //! Concentration of each ion in the plant feed (at the feed's RE concentration), mol/L,
    //! by impurity index.
    std::array<double, num_impurities> feed_mol_per_L{};
    //! Largest content of each ion, as its spec oxide, in every RE product: ppm of its REO.
    double limit_ppm_reo = 10.0;
    bool limit_given = false;
};

//! `impurities:` ({Th4+: 200 mg/L, ...}) and `impurity-limit:` ("10 ppm", "0.001 %",
//! "10 mg/kg") of a separate input; nullopt without `impurities`. InputError, located, for an
//! unknown ion, a rare earth, a concentration or a limit without or with a wrong unit, or a
//! limit without impurities.
std::optional<SeparateImpurities> parse_separate_impurities(const InputNode& root);

//! Where one ion leaves the plant.
struct ImpurityFate {
    int species = 0;
    double feed_mol_per_h = 0.0;
    double removed_mol_per_h = 0.0;    //!< to the impurity liquor (and stripped organic)
    double re_stream_mol_per_h = 0.0;  //!< left in the removal step's raffinate
    //! The plant product (index into SeparateResult::products) the rest follows; -1 when the
    //! separation system has no data for the ion (it stays in the RE stream, product unknown).
    int product = -1;
    //! Its spec oxide in ppm of that product's REO (of the RE stream's REO when product < 0).
    double ppm_reo = 0.0;
    //! Above the limit in the feed, and the removal step brings it within the limit.
    bool removable = false;
    bool meets_limit = false;
    //! When it misses the limit: how it is removed instead (a precipitation, a total
    //! rare-earth extraction that leaves it in its raffinate, ...), else empty.
    std::string advice;
};

struct ImpurityRemoval {
    //! False when no ion is above the limit in the feed, or none that is can be removed: then
    //! no removal step is built.
    bool built = false;
    std::string system;  //!< the removal step's extraction system
    int extraction_stages = 0, scrub_stages = 0, strip_stages = 0;
    std::string case_yaml;  //!< the removal step as a case file (`reesx run` reproduces it)
    CascadeResult simulation;
    double re_loss_fraction = 0.0;  //!< feed RE not in the raffinate
    std::vector<ImpurityFate> fates;
    //! Each product's purity (of its elements, by SeparateResult::products index) in the plant
    //! file's run with the ions (the step feeding the cuts); empty without ions.
    std::vector<double> plant_product_purity;
    double limit_ppm_reo = 0.0;
    int simulations = 0;
    std::vector<std::string> notes, warnings;
};

//! Designs the removal step for `spec.impurities` ahead of the designed RE plant `plant` and
//! follows every ion to the plant's products.
ImpurityRemoval design_impurity_removal(
    const SeparateSpec& spec, const SeparateResult& plant,
    const std::function<void(const std::string&)>& progress = {});

}  // namespace reesx
