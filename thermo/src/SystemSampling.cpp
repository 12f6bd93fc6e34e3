// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/thermo/SystemSampling.h"

#include <Eigen/Dense>
#include <map>
#include <string>

namespace reesx {

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

}  // namespace reesx
