// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/flowsheets/DesignUncertainty.h"

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "reesx/core/Error.h"

namespace reesx {
namespace {

Percentiles percentiles(std::vector<double> v)
{
    Percentiles p;
    if (v.empty()) {
        return p;
    }
    std::sort(v.begin(), v.end());
    // Linear interpolation between order statistics (type 7, the default of R and NumPy).
    const auto at = [&](double q) {
        const double h = q * static_cast<double>(v.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, v.size() - 1);
        return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
    };
    p.p10 = at(0.1);
    p.p50 = at(0.5);
    p.p90 = at(0.9);
    return p;
}

}  // namespace

ExtractionSystem sample_system(const ExtractionSystem& system,
                               const std::function<double()>& uniform,
                               const std::function<double()>& normal)
{
    ExtractionSystem s = system;
    std::map<int, double> fitted;  // element -> sampled log10 K
    if (system.fit) {
        const auto& f = *system.fit;
        const auto n = static_cast<Eigen::Index>(f.parameters.size());
        Eigen::MatrixXd cov(n, n);
        for (Eigen::Index i = 0; i < n; ++i) {
            for (Eigen::Index j = 0; j < n; ++j) {
                cov(i, j) = f.covariance[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
            }
        }
        // A symmetric square root that tolerates a semi-definite covariance.
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (cov + cov.transpose()));
        const Eigen::MatrixXd root =
            eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
        Eigen::VectorXd z(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            z[i] = normal();
        }
        const Eigen::VectorXd shift = root * z;
        for (Eigen::Index i = 0; i < n; ++i) {
            const std::string& name = f.parameters[static_cast<std::size_t>(i)];
            if (name == "log10-kex-reference") {
                if (s.log10_kex_reference) {
                    s.log10_kex_reference->value += shift[i];
                }
                continue;
            }
            const auto e = element_index(name);
            if (e && system.has(*e)) {
                fitted[*e] = system.log10_k(*e) + shift[i];
            }
        }
    }
    int previous = -1;
    double previous_sampled = 0.0;
    for (const int e : system.extraction_order()) {
        const auto& k = *system.extractability[static_cast<std::size_t>(e)];
        double sampled = 0.0;
        if (const auto it = fitted.find(e); it != fitted.end()) {
            sampled = it->second;
        } else {
            const double drawn = k.log10_k_low + uniform() * (k.log10_k_high - k.log10_k_low);
            sampled = previous >= 0 ? previous_sampled + (drawn - system.log10_k(previous)) : drawn;
        }
        s.extractability[static_cast<std::size_t>(e)]->log10_k = sampled;
        previous = e;
        previous_sampled = sampled;
    }
    return s;
}

DesignUncertainty design_uncertainty(const DesignSpec& spec, const DesignResult& nominal,
                                     int samples, std::uint64_t seed, int threads)
{
    const auto started = std::chrono::steady_clock::now();
    DesignUncertainty out;
    out.seed = seed;
    out.basis = spec.system.fit ? "the fit's covariance (" + spec.system.fit->model +
                                      " fit), the ranges of the values it did not fit"
                                : "the ranges of the system's values (uniform, per pair)";
    if (spec.middle) {
        throw InputError(
            "--uncertainty: three-outlet designs are not sampled yet; give a "
            "two-product split");
    }
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::normal_distribution<double> n01(0.0, 1.0);
    const std::function<double()> uniform = [&] { return u01(engine); };
    const std::function<double()> normal = [&] { return n01(engine); };

    if (nominal.key_a >= 0 && nominal.key_b >= 0) {
        out.beta_key_nominal = spec.system.beta(nominal.key_a, nominal.key_b);
    }
    // Draw every sample first: the designs may then run in any order on any thread.
    std::vector<ExtractionSystem> systems;
    systems.reserve(static_cast<std::size_t>(samples));
    for (int i = 0; i < samples; ++i) {
        systems.push_back(sample_system(spec.system, uniform, normal));
    }
    struct Outcome {
        std::optional<DesignSizing> result;
        std::string error;
    };
    std::vector<Outcome> outcomes(static_cast<std::size_t>(samples));
    std::atomic<int> next{0};
    const auto work = [&] {
        DesignSpec trial = spec;
        trial.tradeoff_points = 0;
        for (int i = next++; i < samples; i = next++) {
            auto& o = outcomes[static_cast<std::size_t>(i)];
            trial.system = systems[static_cast<std::size_t>(i)];
            try {
                // Each sample's search starts from the nominal design (its stages, its
                // steady state), never from another sample: the order of work is free.
                o.result = size_design(trial, nominal);
            } catch (const Error& e) {
                o.error = e.what();
            }
        }
    };
    out.threads = std::clamp(threads, 1, std::max(1, samples));
    std::vector<std::thread> pool;
    for (int t = 1; t < out.threads; ++t) {
        pool.emplace_back(work);
    }
    work();
    for (auto& t : pool) {
        t.join();
    }
    std::vector<double> n, m, total, s, w, beta;
    std::map<std::string, int> failures;
    for (int i = 0; i < samples; ++i) {
        const auto& o = outcomes[static_cast<std::size_t>(i)];
        if (nominal.key_a >= 0 && nominal.key_b >= 0) {
            beta.push_back(systems[static_cast<std::size_t>(i)].beta(nominal.key_a, nominal.key_b));
        }
        if (!o.result) {
            ++out.failed;
            ++failures[o.error.substr(0, std::min<std::size_t>(o.error.size(), 120))];
            continue;
        }
        const DesignSizing& r = *o.result;
        n.push_back(r.n);
        m.push_back(r.m);
        total.push_back(r.n + r.m);
        s.push_back(r.s);
        w.push_back(r.w);
        out.total_stage_samples.push_back(r.n + r.m);
    }
    out.samples = samples;
    out.extraction_stages = percentiles(n);
    out.scrub_stages = percentiles(m);
    out.total_stages = percentiles(total);
    out.s = percentiles(s);
    out.w = percentiles(w);
    out.beta_key = percentiles(beta);
    if (out.failed > 0) {
        std::string first = failures.begin()->first;
        out.warnings.push_back(
            std::to_string(out.failed) + " of " + std::to_string(samples) +
            " sampled designs failed (percentiles are of the others), e.g.: " + first);
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace reesx
