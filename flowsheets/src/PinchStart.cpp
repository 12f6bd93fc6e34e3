// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The start of a long cascade: a short cascade of the same flows, solved, with stages
// inserted at each section's pinch (docs/model.md, "Long cascades").
#include "PinchStart.h"

namespace reesx::cascade_detail {

namespace {

//! Stages per section of the first short cascade. The 17-element Pr/Nd cut at 1.1 S_min
//! (the benchmarks' case) has its fronts within 70 stages of the section ends; its 100-stage
//! sections reproduce the ends of the 500-stage ones to 5e-10 in ln D.
constexpr int kFirstShortSection = 100;
//! A section is pinched when two neighbouring stages' ln D differ by no more than this (the
//! Pr/Nd case's 100-stage sections: 2.4e-10; 50-stage sections, whose fronts overlap: 7e-4).
constexpr double kPinchStep = 1e-6;

//! Where in a section's scale (stages first..first+count-1 of `sigma`) the profile is
//! flattest: the 0-based offset p with |sigma[p+1] - sigma[p]| least, or -1 for fewer than
//! two stages.
int flattest_step(const Eigen::VectorXd& sigma, int first, int count, double& step)
{
    int best = -1;
    step = INFINITY;
    for (int p = 0; p + 1 < count; ++p) {
        const double d = std::abs(sigma[first + p + 1] - sigma[first + p]);
        if (d < step) {
            step = d;
            best = p;
        }
    }
    return best;
}

//! Set while a short cascade of start_at_pinch is solved: it does not start at its own
//! pinches (its long sections take the continuation in the stage count instead).
thread_local bool solving_short_cascade = false;
struct ShortCascadeScope {
    ShortCascadeScope() { solving_short_cascade = true; }
    ~ShortCascadeScope() { solving_short_cascade = false; }
    ShortCascadeScope(const ShortCascadeScope&) = delete;
    ShortCascadeScope& operator=(const ShortCascadeScope&) = delete;
};

}  // namespace

bool start_at_pinch(const Cascade::Impl& cascade, Eigen::VectorXd& sigma)
{
    // In a long section the profile has a pinch: away from the section's ends and its feed
    // the major elements' composition, hence ln D, is constant, and only the traces keep
    // falling (geometrically, which the exact profile solve reproduces at any sigma). More
    // stages lengthen the pinch and leave the ends as they are, so the scale of a short
    // cascade of the same flows with constant stages inserted at its pinches is the long
    // cascade's to the accuracy of the pinch (the uniform stretch of the halved cascade moved
    // the fronts and first raised the closure from 2.9 to 11.8). The short cascade doubles,
    // each one warm-started from the last, until every section to be lengthened is pinched.
    const CaseSpec& spec = cascade.spec_;
    const int extraction = spec.stages_extraction, scrub = spec.stages_scrub;
    if (solving_short_cascade || 2 * kFirstShortSection > std::max(extraction, scrub) ||
        !spec.draws.empty() || cascade.solved_stages_ != extraction + scrub) {
        return false;
    }
    // Feeds at the boundary of the sections only: a feed inside a section splits it.
    for (const FeedSpec& feed : spec.feeds) {
        if (feed.stage != extraction && feed.stage != extraction + 1) {
            return false;
        }
    }
    CaseSpec shorter = spec;
    shorter.efficiency = {1.0, 1.0, 1.0};
    shorter.organic.recycle = false;
    shorter.solver.tolerance = std::max(spec.solver.tolerance, 1e-9);
    CascadeResult previous;
    for (int size = kFirstShortSection; 2 * size <= std::max(extraction, scrub); size *= 2) {
        shorter.stages_extraction = std::min(extraction, size);
        shorter.stages_scrub = std::min(scrub, size);
        for (std::size_t k = 0; k < spec.feeds.size(); ++k) {
            shorter.feeds[k].stage = spec.feeds[k].stage == extraction
                                         ? shorter.stages_extraction
                                         : shorter.stages_extraction + 1;
        }
        const int short_stages = shorter.stages_extraction + shorter.stages_scrub;
        Eigen::VectorXd short_sigma;
        try {
            const ShortCascadeScope scope;
            Cascade::Impl short_cascade(shorter);  // a start: its balances need no certificate
            if (previous.num_stages > 0) {
                short_cascade.set_warm_start(previous);
            }
            previous = short_cascade.solve_with_loop();
            if (previous.solver.converged) {
                short_sigma = cascade.scale_of(previous, short_stages);
            }
        } catch (const Error&) {
            short_sigma.resize(0);
        }
        if (short_sigma.size() == 0) {
            return false;
        }
        // The offset of each lengthened section's pinch, or -1 when not pinched.
        double step_e = 0.0, step_s = 0.0;
        const int pinch_e = flattest_step(short_sigma, 0, shorter.stages_extraction, step_e);
        const int pinch_s =
            flattest_step(short_sigma, shorter.stages_extraction, shorter.stages_scrub, step_s);
        const bool extraction_ok =
            shorter.stages_extraction == extraction || (pinch_e >= 0 && step_e <= kPinchStep);
        const bool scrub_ok =
            shorter.stages_scrub == scrub || (pinch_s >= 0 && step_s <= kPinchStep);
        if (!extraction_ok || !scrub_ok) {
            continue;
        }
        sigma.resize(extraction + scrub);
        // Section of `count` stages from the short one's `from_count` at `from_first`: the
        // stages up to the pinch at the start, the rest at the end, the gap between them
        // interpolated linearly.
        const auto insert = [&](int first, int count, int from_first, int from_count, int pinch) {
            const int gap = count - from_count;
            for (int j = 0; j < count; ++j) {
                if (j <= pinch) {
                    sigma[first + j] = short_sigma[from_first + j];
                } else if (j > pinch + gap) {
                    sigma[first + j] = short_sigma[from_first + j - gap];
                } else {
                    const double w = static_cast<double>(j - pinch) / (gap + 1);
                    sigma[first + j] = (1.0 - w) * short_sigma[from_first + pinch] +
                                       w * short_sigma[from_first + pinch + 1];
                }
            }
        };
        insert(0, extraction, 0, shorter.stages_extraction, pinch_e);
        if (scrub > 0) {
            insert(extraction, scrub, shorter.stages_extraction, shorter.stages_scrub, pinch_s);
        }
        return sigma.allFinite();
    }
    return false;
}

}  // namespace reesx::cascade_detail
