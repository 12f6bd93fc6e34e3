// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What design (Design.cpp), the sizer by reflux (CutSizer.cpp) and the three-outlet designer
// (ThreeOutlet.cpp) share: the designer of a two-group cut and the numbers of case files.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/flowsheets/Design.h"

namespace reesx::design_detail {

//! Every digit of a double ("%.17g").
std::string num(double value);
std::string short_num(double value, int digits = 4);
//! The shortest text that reads back as the same double ("0.9", not "0.90000000000000002").
std::string round_trip(double value);

struct Evaluation {
    double purity_a = 0.0, purity_b = 0.0;
    bool converged = true;  //!< false: the solver could not settle the trial (counts as a miss)
    bool screened = true;   //!< from the screening solve alone (its purities decided the trial)
};

class Designer {
public:
    Designer(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
        : spec_(spec), progress_(progress)
    {
    }

    DesignResult run();
    //! The cut, groups and theory (everything before the reflux is chosen).
    void prepare();
    //! The design at (s, n, m): flows, a cold re-run (as `reesx run` solves the case file),
    //! products, the one-stage-fewer purities; no trade-off curve.
    void finish(double s, int n, int m);
    const DesignResult& result() const { return result_; }
    //! The fewest (n, m) meeting both purities at S, from a first guess.
    std::pair<int, int> size_stages(double s, double n_guess, double m_guess);
    double w_for(double s) const
    {
        return spec_.feed_phase == theory::FeedPhase::aqueous ? s - result_.theory.f_a_product
                                                              : s + result_.theory.f_b_product;
    }
    //! The full simulation of a trial; `cold`: from the theory's start, as `reesx run` solves
    //! the design's case file (the reported design must reproduce exactly).
    //! `tolerance` > 0: the closure's tolerance instead of the case's (a screening solve).
    CascadeResult simulate(int n, int m, double s, bool cold = false, double tolerance = 0.0);
    bool meets_targets(int n, int m, double s) { return meets(evaluate(n, m, s)); }
    //! The next trial starts from this profile (another design's steady state).
    void warm_start_from(const CascadeResult& r) { last_converged_ = r; }
    //! A nearby spec's boundary and trials (size_design's chain of samples): first guesses of
    //! m*(n) and warm starts; the stages found do not depend on it.
    void use_memory(const SizingMemory* memory) { memory_ = memory; }
    //! The boundary m*(n) of the last size_stages and the converged trials at its reflux.
    const std::map<int, int>& boundary() const { return m_star_; }
    std::map<std::pair<int, int>, CascadeResult> take_trials() { return std::move(converged_); }
    //! The reflux of the spec's rule (after prepare).
    double reflux() { return choose_s(); }
    //! Stages in one section beyond which size_stages counts the targets unreachable.
    int section_limit = max_section_stages;

private:
    const DesignSpec& spec_;
    const std::function<void(const std::string&)>& progress_;
    DesignResult result_;
    std::map<std::tuple<int, int, double>, Evaluation> cache_;
    //! The last converged trial: the next trial starts from its profile, stretched over its
    //! own stage counts (a cold start only when that fails).
    std::optional<CascadeResult> last_converged_;
    //! The converged trials at the reflux converged_s_ by (n, m): each trial starts from the
    //! one nearest in stage counts.
    std::map<std::pair<int, int>, CascadeResult> converged_;
    double converged_s_ = 0.0;
    const SizingMemory* memory_ = nullptr;
    std::map<int, int> m_star_;
    //! The first trial's case, parsed from its case file; later trials are set on a copy.
    std::optional<CaseSpec> trial_template_;

    //! The product of the more extractable group: the loaded organic, or the strip liquor.
    const ProductResult& product_a(const CascadeResult& r) const
    {
        const std::string name = spec_.strip_stages > 0 ? "strip_liquor" : "loaded_organic";
        for (const auto& p : r.products) {
            if (p.name == name) {
                return p;
            }
        }
        throw Error("design: the simulation has no " + name + " product");
    }
    void say(const std::string& line) const
    {
        if (progress_) {
            progress_(line);
        }
    }
    Evaluation evaluate(int n, int m, double s);
    //! The purities at the case's own tolerance (a reported number, not only a decision).
    Evaluation evaluate_exact(int n, int m, double s);
    Evaluation purities(const CascadeResult& r) const;
    //! Whether a screening solve's purities decide the trial (no purity within
    //! screening_margin decades of its target's impurity).
    bool decided(const Evaluation& e) const;
    static constexpr double screening_tolerance = 1e-6;
    static constexpr double screening_margin = 1e-3;
    //! What the trials already run at S say of (n, m) by monotonicity in the stage counts
    //! (only with a memory: the sampled sizing, whose answers equal design's by test).
    std::optional<Evaluation> dominated(int n, int m, double s) const;
    bool meets(const Evaluation& e) const
    {
        return e.purity_a >= result_.targets.purity_a && e.purity_b >= result_.targets.purity_b;
    }
    int fewest_stages(const std::function<double(int)>& deficit, int guess, double& slope,
                      int upper);
    //! The memory's m*(n) shifted to this search's boundary; none without memory or n in it.
    std::optional<int> memory_hint(const std::map<int, int>& m_star, int n) const;
    double choose_s();
    void fill_products(const CascadeResult& r);
};

}  // namespace reesx::design_detail
