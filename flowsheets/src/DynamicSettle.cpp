// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The steady state's last resort for the models with extra species: the cascade's own
// dynamics, every stage started from the feed's aqueous mixed with fresh organic, integrated
// until the mixers stop moving: they follow a plant's start-up to the steady state it runs
// at, with no Newton basin to miss, and the state they settle at is the Newton's start
// (docs/model.md).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "DynamicCascade.h"

namespace reesx {

std::optional<Eigen::MatrixXd> settle_by_dynamics(
    const CaseSpec& spec, double max_hours, const std::function<void(const std::string&)>& say)
{
    DynamicSpec dynamic;
    dynamic.start = StartState::feed;
    dynamic.settler_cells = 0;  // settlers delay the approach, not where it ends
    // The extras' equilibria make IDA's Newton rate vary from step to step (see integrate()).
    dynamic.ida.first_correction_trust = 10.0;
    try {
        DynamicCascade model(spec, dynamic);
        model.prepare();
        const DynamicResult no_steady_state;
        const Eigen::VectorXd y0 = initial_state(spec, dynamic, no_steady_state, model);
        const int stages = model.stages(), n = model.components();
        const int m = static_cast<int>(spec.model->extra_unknowns().size());
        // Per stage: ln |c| of the mixer's aqueous, then the extras (the steady state's block).
        const auto mixers = [&](const Eigen::Ref<const Eigen::VectorXd>& y) {
            Eigen::MatrixXd state(n + m, stages);
            for (int j = 0; j < stages; ++j) {
                for (int k = 0; k < n; ++k) {
                    state(k, j) = std::log(std::max(std::abs(y[model.c_index(j, k)]), 1e-300));
                }
                for (int e = 0; e < m; ++e) {
                    state(n + e, j) = y[model.x_index(j, e)];
                }
            }
            return state;
        };
        solver::IdaIntegrator ida(model, 0.0, y0, dynamic.ida);
        double t = 1.0;
        ida.correct_initial_conditions(t);
        Eigen::MatrixXd before = mixers(ida.state());
        // The horizon doubles until a doubling moves no mixer by more than 1e-3 in the log
        // of a concentration (the Newton finishes from there). Concentrations below 1e-12 of
        // the stage's largest component are not watched (the extras are logarithms of
        // concentrations too): their logarithms drift for long without changing anything.
        for (; t <= max_hours; t *= 2.0) {
            ida.advance_to(t);
            const Eigen::MatrixXd now = mixers(ida.state());
            double moved = 0.0;
            for (int j = 0; j < stages; ++j) {
                const double floor = now.col(j).head(n).maxCoeff() + std::log(1e-12);
                for (int r = 0; r < n + m; ++r) {
                    if (now(r, j) > floor) {
                        moved = std::max(moved, std::abs(now(r, j) - before(r, j)));
                    }
                }
            }
            before = now;
            if (say) {
                std::ostringstream line;
                line.precision(3);
                line << "dynamics to steady state: " << t << " h, the mixers moved by " << moved
                     << " (ln) since half that time";
                say(line.str());
            }
            if (moved <= 1e-3) {
                return now;
            }
        }
    } catch (const solver::SolverError&) {
    } catch (const Error&) {
    }
    return std::nullopt;
}

}  // namespace reesx
