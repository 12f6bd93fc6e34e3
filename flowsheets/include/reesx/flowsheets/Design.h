// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Cascade design to a purity target (`reesx design`): the countercurrent-extraction theory
// (Theory.h) for a pseudo-binary cut of a multicomponent feed, then the fewest stages that
// meet the targets in the stage-by-stage simulation of every element (Cascade), and the
// case file that reproduces the design with `reesx run`.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reesx/core/Input.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/flowsheets/Theory.h"
#include "reesx/thermo/ExtractionSystem.h"
#include "reesx/thermo/Feeds.h"

namespace reesx {

//! Stages in one section beyond which a design target counts as unreachable.
constexpr int max_section_stages = 3000;

//! How the reflux (organic RE flux S) is chosen.
enum class RefluxMode {
    optimum,       //!< Xu's optimum (sqrt(beta) rule)
    multiple,      //!< S = multiple x S_min
    stage_budget,  //!< the smallest S whose rigorous design fits in max_total_stages
};

//! A three-outlet design (split A/B/C with three groups): the middle group leaves as a side
//! draw of the organic at the stage where its organic concentration peaks (docs/design.md).
struct MiddleProductSpec {
    double purity = 0.99;
    std::optional<double> recovery;  //!< of the middle group; default: the draw is its feed share
    int first_position = 0, last_position = 0;  //!< the middle group in `order`
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
    //! Input conditions worth a warning (a modified system that reverses the base's order).
    std::vector<std::string> warnings;
    //! The design (or separate) input it was read from: errors in the cases it derives are
    //! reported at the input value they came from.
    std::optional<InputNode> root;

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
    //! Murphree efficiencies by Section: the trials simulate with them, the case carries them.
    std::array<double, 3> efficiency{1.0, 1.0, 1.0};

    //! Set for a three-group split: the middle product as a side draw (three outlets).
    std::optional<MiddleProductSpec> middle;

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

//! One product of a three-outlet cascade or of its two-cascade alternative.
struct ThreeOutletProduct {
    std::string name;   //!< "raffinate", "middle", "loaded_organic" / "strip_liquor"
    std::string group;  //!< "La", "Ce", "Pr-Nd"
    double purity = 0.0, recovery = 0.0, target = 0.0;  //!< group purity, group recovery
    double re_mol_per_h = 0.0;
};

//! The same three products from two two-outlet cascades in series (for comparison).
struct TwoCascadeAlternative {
    std::string cuts;             //!< "La/Ce-Pr, then Ce/Pr"
    std::array<int, 2> stages{};  //!< extraction + scrub of each cascade
    int total_stages = 0;
    double base_mol_per_h = 0.0, hcl_mol_per_h = 0.0;  //!< as for the three-outlet cascade
    std::array<ThreeOutletProduct, 3> products;        //!< least extractable first
    std::string error;  //!< when a cascade of this sequence could not be designed
};

struct ThreeOutletResult {
    std::array<std::vector<int>, 3> groups;    //!< least extractable first: C, M, A
    double beta_low = 0.0, beta_high = 0.0;    //!< at the two cuts
    double s = 0.0, w = 0.0, d = 0.0;          //!< mol RE per mol feed RE (d: the draw)
    double s_min_low = 0.0, s_min_high = 0.0;  //!< pseudo-binary minima of the two cuts
    double s_min_middle = 0.0;                 //!< the pinch below the draw at the middle purity
    int n = 0, m = 0, strip = 0;
    int draw_stage = 0;  //!< 1-based
    int peak_stage = 0;  //!< where the middle group's organic concentration peaks
    double draw_flow_L_per_h = 0.0, feed_flow_L_per_h = 0.0, organic_flow_L_per_h = 0.0,
           scrub_flow_L_per_h = 0.0, strip_flow_L_per_h = 0.0;
    std::array<ThreeOutletProduct, 3> products;  //!< C, M, A
    double middle_recovery_target = 0.0;         //!< 0 when none was asked
    //! Saponification base; HCl = scrub H+ + 3 H+ per RE of every organic outlet (each is
    //! stripped to make a product or the next feed), so both schemes are priced alike.
    double base_mol_per_h = 0.0, hcl_mol_per_h = 0.0;
    std::vector<TwoCascadeAlternative> alternatives;
    CascadeResult simulation;
    std::string case_yaml;
    int simulations = 0;
    double seconds = 0.0;
    std::vector<std::string> warnings;
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
    //! Set (and the fields above left at their defaults) for a three-outlet design.
    std::optional<ThreeOutletResult> three_outlet;
};

//! "1000 kg/h REO", "2000 t/y", "12 mol/h" or a flow of feed solution "100 L/h" -> RE mol/h
//! (the units of Units.h's FeedRate, as a case's feed flow takes them).
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

//! The reflux and fewest stages that `design` finds (its same search), without its report
//! (no cold re-run of the case, no one-stage-fewer purities, no trade-off curve); the first
//! trial warm-started from near.simulation (a design of a nearby spec, e.g. the nominal one
//! of `design --uncertainty`), each later one from the last. Errors as `design`; a middle
//! product is refused (InputError). With `keep_simulation`, the sized design's steady state
//! (one more solve, warm-started from the last trial) for callers that price it.
struct DesignSizing {
    double s = 0.0, w = 0.0;
    int n = 0, m = 0;
    int simulations = 0;
    std::optional<CascadeResult> simulation;  //!< with keep_simulation
};
//! What the sizing of one spec hands the sizing of the next in a chain of nearby specs (the
//! samples of `design --uncertainty`, sorted by their key pair's beta): the fewest scrub stages
//! m*(n) it found at each extraction count searched, the next search's first guesses, and its
//! converged trials by (n, m), the next trials' warm starts. The stages found do not depend on
//! it (at each n the search's answer is the fewest m meeting the targets, wherever it starts,
//! and the search over n sees only those): it changes how many trials reach them and how many
//! Newton iterations each takes.
struct SizingMemory {
    std::map<int, int> m_star;
    std::map<std::pair<int, int>, CascadeResult> trials;
    //! A case parsed from a case file of the same design input (another sample's system):
    //! the trials are built on it (design_trial_case) instead of parsing their own.
    std::shared_ptr<const CaseSpec> parsed_case;
};
//! With `memory`, the search starts from what it holds (then from near.simulation) and leaves
//! its own boundary and trials there for the next spec.
DesignSizing size_design(const DesignSpec& spec, const DesignResult& near,
                         bool keep_simulation = false, SizingMemory* memory = nullptr);

//! The rigorous sizing of one two-outlet cut at any reflux, for callers that try many
//! (`reesx optimize`): the theory once, then design's search for the fewest stages at each S.
//! Every trial is warm-started from the last converged one and cached, so S values near each
//! other are cheap. Not thread-safe: one per thread.
class CutSizer {
public:
    //! InfeasibleError / InputError as `design` for a cut that cannot be designed; a spec with
    //! a middle product is refused (InputError).
    explicit CutSizer(const DesignSpec& spec,
                      const std::function<void(const std::string&)>& progress = {});
    ~CutSizer();
    CutSizer(const CutSizer&) = delete;
    CutSizer& operator=(const CutSizer&) = delete;

    const DesignSpec& spec() const { return spec_; }
    const theory::Targets& targets() const;
    //! The theory at Xu's optimum reflux (S_min, S_opt, short-cut stages, Fenske N_min).
    const theory::Result& theory() const { return theory_; }
    double w_for(double s) const;
    //! The fewest (extraction, scrub) stages meeting the targets at S (design's search), at
    //! any S with W > 0: below the pseudo-binary S_min too, where a multicomponent feed may
    //! still reach its targets. InfeasibleError when no section of up to the section limit
    //! reaches them.
    std::pair<int, int> fewest_stages(double s);
    //! Lowers the section limit (default max_section_stages): a caller that knows designs
    //! beyond it are of no interest is told so quickly at a reflux that cannot reach the
    //! targets.
    void set_section_limit(int stages);
    //! Whether (n, m) stages meet the targets at S (one cached, warm-started simulation).
    bool meets_targets(int n, int m, double s);
    //! The converged simulation of (n, m) at S, warm-started from the last trial.
    CascadeResult simulate(int n, int m, double s);
    //! The design at (s, n, m) as `design` reports it (a cold re-run of its case file).
    DesignResult design_at(double s, int n, int m);
    int simulations() const;

private:
    struct Impl;
    DesignSpec spec_;
    std::function<void(const std::string&)> progress_;
    std::unique_ptr<Impl> impl_;
    theory::Result theory_;
    std::map<double, std::pair<int, int>> sized_;  //!< S -> fewest (n, m)
};

//! The feed and the flows of a design's cascade at the fluxes S and W (mol RE per mol feed
//! RE): the numbers design_case_yaml writes and design_trial_case sets. `drawn`: RE (mol per
//! mol feed) leaving in organic side draws below the loaded organic.
struct DesignFlows {
    double feed_concentration_mol_per_L = 0.0;  //!< aqueous feed's, or the loaded organic's
    double feed_L_per_h = 0.0, organic_L_per_h = 0.0, scrub_L_per_h = 0.0, strip_L_per_h = 0.0;
};
DesignFlows design_flows(const DesignSpec& spec, double s, double w, double drawn = 0.0);

//! The case YAML of a cascade with these stages and fluxes (what `design` simulates).
std::string design_case_yaml(const DesignSpec& spec, int n, int m, double s, double w,
                             double drawn = 0.0);

//! The two-outlet cascade of `spec` with n extraction and m scrub stages at the fluxes S and
//! W, built on `parsed`, a case parsed from a design_case_yaml of the same design input
//! (any stages, fluxes and system): its stage counts, feed stage, flows and spec.system are
//! set, the equilibrium model rebuilt when the system differs. Equal to parsing
//! design_case_yaml(spec, n, m, s, w) (the file carries every number to 17 digits), without
//! the YAML: a design's trials are built here, its reported case is parsed from its file.
CaseSpec design_trial_case(const DesignSpec& spec, const CaseSpec& parsed, int n, int m, double s,
                           double w);

//! Parses a case that design wrote from `spec` (`source_name` names it). An InputError in it
//! is a value design derived from the user's input: it is reported at that input (the
//! feed-rate for flows, scrub-acid, organic, ...) in spec.root, saying which derived key broke.
CaseSpec parse_design_case(const DesignSpec& spec, const std::string& yaml,
                           const std::string& source_name);

//! The three-outlet design (spec.middle set); called by `design`.
ThreeOutletResult design_three_outlet(const DesignSpec& spec,
                                      const std::function<void(const std::string&)>& progress);

}  // namespace reesx
