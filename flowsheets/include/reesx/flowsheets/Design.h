// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Cascade design to a purity target (`reesx design`): the countercurrent-extraction theory
// (Theory.h) for a pseudo-binary cut of a multicomponent feed, then the fewest stages that
// meet the targets in the stage-by-stage simulation of every element (Cascade), and the
// case file that reproduces the design with `reesx run`.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reesx/core/Input.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/flowsheets/Theory.h"
#include "reesx/thermo/ExtractionSystem.h"
#include "reesx/thermo/Feeds.h"

namespace reesx {

//! How the reflux (organic RE flux S) is chosen.
enum class RefluxMode {
    optimum,       //!< Xu's optimum (sqrt(beta) rule)
    multiple,      //!< S = multiple x S_min
    stage_budget,  //!< the smallest S whose rigorous design fits in max_total_stages
};

struct DesignSpec {
    std::string name;
    ExtractionSystem system;
    std::string system_reference;  //!< built-in name, or "" to write the system inline
    FeedComposition feed;
    theory::FeedPhase feed_phase = theory::FeedPhase::aqueous;
    double feed_re_mol_per_h = 0.0;
    double feed_concentration_mol_per_L = 1.5;  //!< aqueous feed; organic feed at the loading

    std::string split_label;  //!< as given, e.g. "Pr/Nd" or "La-Nd/Sm-Lu"
    int cut_position = 0;     //!< elements [0, cut) of `order` are group B
    int key_b_position = 0;   //!< the B key named in the split (absent elements may follow)
    std::vector<int> order;   //!< the system's extraction order (weakest first)

    double purity_a = 0.9999, purity_b = 0.9999;
    //! When set, the target is purity + recovery of one product ('A' or 'B'); the other
    //! product's purity follows from the balances.
    std::optional<double> recovery;
    char recovery_product = 'A';

    RefluxMode reflux_mode = RefluxMode::optimum;
    double reflux_multiple = 0.0;
    int max_total_stages = 0;

    double extractant_mol_per_L = 1.5;  //!< chemistry.md §2.3 typical P507 concentration
    double saponification = 0.36;       //!< chemistry.md §2.3 typical saponification
    std::optional<double> loading_mol_per_L;
    double scrub_acid_mol_per_L = 4.0;  //!< chemistry.md §2.3: 2.5–5.5 mol/L HCl
    int strip_stages = 0;
    double strip_acid_mol_per_L = 5.0;  //!< chemistry.md §2.3: 3–6 mol/L HCl
    double strip_acid_excess = 0.1;     //!< fraction above 3 H+ per RE stripped

    int tradeoff_points = 20;  //!< 0: no trade-off curve
    double tradeoff_from = 1.02, tradeoff_to = 3.0;

    double organic_capacity_mol_per_L() const;
};

struct TradeoffPoint {
    double s_over_s_min = 0.0;
    double s = 0.0, w = 0.0;
    int n = 0, m = 0;                       //!< rigorous fewest stages
    double theory_n = 0.0, theory_m = 0.0;  //!< short-cut at the same S
};

struct DesignResult {
    theory::Targets targets;  //!< the pseudo-binary problem (purities after any recovery)
    theory::Result theory;    //!< at the S of the design
    int key_a = -1, key_b = -1;
    std::vector<int> group_a, group_b;  //!< elements present in the feed on each side
    double s = 0.0, w = 0.0;            //!< mol RE per mol feed RE
    int n = 0, m = 0, strip = 0;
    double feed_flow_L_per_h = 0.0, organic_flow_L_per_h = 0.0, scrub_flow_L_per_h = 0.0,
           strip_flow_L_per_h = 0.0;
    double purity_a = 0.0, purity_b = 0.0, recovery_a = 0.0, recovery_b = 0.0;
    //! Purities one stage fewer in each section (to show the design is the fewest).
    double purity_a_one_less_scrub = 0.0, purity_b_one_less_extraction = 0.0;
    std::string product_a_name, product_b_name;  //!< "loaded_organic"/"strip_liquor", "raffinate"
    double base_mol_per_kg_a = 0.0, hcl_mol_per_kg_a = 0.0;  //!< per kg REO of the A product
    double base_mol_per_kg_b = 0.0, hcl_mol_per_kg_b = 0.0;
    CascadeResult simulation;
    std::string case_yaml;  //!< `reesx run` reproduces the design from this
    std::vector<TradeoffPoint> tradeoff;
    int simulations = 0;
    double seconds = 0.0;
    std::vector<std::string> warnings;
};

//! "1000 kg/h REO", "5 t/d", "12 mol/h" or a flow of feed solution "100 L/h" -> RE mol/h.
double parse_feed_rate(const InputNode& node, const FeedComposition& feed,
                       double concentration_mol_per_L);

//! The `system:` and `feed:` keys of a design or separate file (names, files relative to
//! the file's folder, or inline mappings).
void parse_system_and_feed(const InputNode& root, ExtractionSystem& system,
                           std::string& system_reference, FeedComposition& feed);

//! A design file (docs/design.md, "Design files"); located InputErrors.
DesignSpec parse_design(const InputNode& root);

//! Theory + rigorous sizing. InfeasibleError (exit 2) for ill-posed or unreachable targets,
//! saying why and what would work. `progress` (may be empty) receives one line per stage.
DesignResult design(const DesignSpec& spec,
                    const std::function<void(const std::string&)>& progress = {});

//! The case YAML of a cascade with these stages and fluxes (what `design` simulates).
std::string design_case_yaml(const DesignSpec& spec, int n, int m, double s, double w);

}  // namespace reesx
