// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include <algorithm>
#include <iterator>

#include "Designer.h"
#include "reesx/flowsheets/Design.h"

namespace reesx {

using design_detail::Designer;
using design_detail::short_num;

struct CutSizer::Impl {
    Impl(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
        : designer(spec, progress)
    {
    }
    Designer designer;
};

CutSizer::CutSizer(const DesignSpec& spec, const std::function<void(const std::string&)>& progress)
    : spec_(spec), progress_(progress)
{
    if (spec_.middle) {
        throw InputError(
            "a three-outlet design (a middle product) cannot be sized by reflux "
            "yet; give a two-group split");
    }
    impl_ = std::make_unique<Impl>(spec_, progress_);
    impl_->designer.prepare();
    theory_ = impl_->designer.result().theory;
}

CutSizer::~CutSizer() = default;

const theory::Targets& CutSizer::targets() const
{
    return impl_->designer.result().targets;
}

double CutSizer::w_for(double s) const
{
    return impl_->designer.w_for(s);
}

std::pair<int, int> CutSizer::fewest_stages(double s)
{
    if (const auto it = sized_.find(s); it != sized_.end()) {
        return it->second;
    }
    if (!(w_for(s) > 0.0)) {
        throw InfeasibleError("the reflux S = " + short_num(s) +
                              " leaves no scrub flux (W <= 0); raise the reflux");
    }
    // The nearest sized reflux gives the first guess (the stages change smoothly with S);
    // else the short-cut at this S.
    double n_guess = 0.0, m_guess = 0.0;
    if (sized_.empty()) {
        theory::shortcut_stages(targets(), s, w_for(s), n_guess, m_guess);
    } else {
        auto near = sized_.lower_bound(s);
        if (near == sized_.end() ||
            (near != sized_.begin() && s - std::prev(near)->first < near->first - s)) {
            near = std::prev(near);
        }
        n_guess = near->second.first;
        m_guess = near->second.second;
    }
    const auto nm = impl_->designer.size_stages(s, n_guess, m_guess);
    sized_.emplace(s, nm);
    return nm;
}

bool CutSizer::meets_targets(int n, int m, double s)
{
    return impl_->designer.meets_targets(n, m, s);
}

CascadeResult CutSizer::simulate(int n, int m, double s)
{
    return impl_->designer.simulate(n, m, s);
}

DesignResult CutSizer::design_at(double s, int n, int m)
{
    // A fresh designer: its result starts clean, its trials warm from nothing but its own.
    Designer designer(spec_, progress_);
    designer.prepare();
    designer.finish(s, n, m);
    DesignResult r = designer.result();
    r.simulations = designer.result().simulations;
    return r;
}

void CutSizer::set_section_limit(int stages)
{
    impl_->designer.section_limit = std::clamp(stages, 1, max_section_stages);
    sized_.clear();
}

int CutSizer::simulations() const
{
    return impl_->designer.result().simulations;
}

DesignSizing size_design(const DesignSpec& spec, const DesignResult& near, bool keep_simulation,
                         SizingMemory* memory)
{
    if (spec.middle) {
        throw InputError("a three-outlet design cannot be sized from another yet");
    }
    Designer designer(spec, {});
    designer.prepare();
    if (near.simulation.num_stages > 0) {
        designer.warm_start_from(near.simulation);
    }
    designer.use_memory(memory);
    const double s = designer.reflux();
    const double s_min = designer.result().theory.s_min;
    if (!(s > s_min)) {
        throw InfeasibleError("the reflux S = " + short_num(s) +
                              " is not above the minimum S_min = " + short_num(s_min) +
                              ": no number of stages reaches the targets; raise the reflux");
    }
    // design's own search from the short-cut's stages: the total stages along the boundary
    // of the targets step with the integer stage counts and have several local minima, so a
    // search started elsewhere (at the near design's stages) can end on another one. Only the
    // trials' starting profiles differ from design's. (Starting the first scrub search at the
    // short-cut's m scaled by the near design's rigorous-to-short-cut ratio saves trials on
    // average but costs some samples more than design's own search: not done.)
    const theory::Result t = theory::evaluate(designer.result().targets, s);
    DesignSizing out;
    std::tie(out.n, out.m) = designer.size_stages(s, t.n, t.m);
    out.s = s;
    out.w = designer.w_for(s);
    if (keep_simulation) {
        out.simulation = designer.simulate(out.n, out.m, s);
    }
    out.simulations = designer.result().simulations;
    if (memory) {
        memory->m_star = designer.boundary();
        memory->trials = designer.take_trials();
    }
    return out;
}

}  // namespace reesx
