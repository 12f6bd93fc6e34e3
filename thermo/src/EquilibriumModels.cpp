// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The equilibrium models of the core engine:
//   separation-factor      saturated organic, constant separation factors (Xu's
//                          countercurrent-extraction theory; chemistry.md §2.1 model 1, §3.2)
//   constant-distribution  fixed D_i per element (Kremser; chemistry.md §3.5)
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "ChemistryModels.h"
#include "reesx/thermo/EquilibriumModel.h"
#include "reesx/thermo/Species.h"

namespace reesx {
namespace {

//! ln(sum_k exp(a_k)) without overflow or underflow; -inf for an empty or all -inf set.
double log_sum_exp(const Eigen::VectorXd& a, Eigen::VectorXd& weights)
{
    const double top = a.maxCoeff();
    if (!std::isfinite(top)) {
        weights.setZero();
        return top;
    }
    weights = (a.array() - top).exp();
    const double sum = weights.sum();
    weights /= sum;
    return top + std::log(sum);
}

//! Saturated organic with constant separation factors: the organic RE concentration Y of a
//! stage is fixed by the flows and its composition follows y_i = K_i x_i / sum_j K_j x_j, so
//!   ln q_i = ln Y + ln K_i + ln c_i - ln sum_j K_j c_j
//!   d ln q_i / d ln c_k = delta_ik - p_k,   p_k = K_k c_k / sum_j K_j c_j.
class SeparationFactorModel final : public EquilibriumModel {
public:
    SeparationFactorModel(std::vector<int> components, const ExtractionSystem& system)
        : EquilibriumModel(std::move(components))
    {
        ln_k_.resize(static_cast<Eigen::Index>(components_.size()));
        for (std::size_t i = 0; i < components_.size(); ++i) {
            ln_k_[static_cast<Eigen::Index>(i)] = std::log(10.0) * system.log10_k(components_[i]);
        }
    }
    std::string name() const override { return "separation-factor"; }
    bool saturated_organic() const override { return true; }
    bool strips_completely() const override { return true; }

    void equilibrium(const StageConditions& stage, const Eigen::VectorXd& ln_aq,
                     Eigen::VectorXd& ln_org, Eigen::MatrixXd& jacobian) const override
    {
        const Eigen::Index n = ln_aq.size();
        Eigen::VectorXd weights(n);
        const Eigen::VectorXd terms = ln_k_ + ln_aq;
        const double ln_s = log_sum_exp(terms, weights);
        ln_org = (std::log(stage.organic_re_mol_per_L) - ln_s) + terms.array();
        jacobian = -Eigen::VectorXd::Ones(n) * weights.transpose();
        jacobian.diagonal().array() += 1.0;
    }
    Eigen::VectorXd ln_relative_extractability() const override { return ln_k_; }

private:
    Eigen::VectorXd ln_k_;
};

//! Fixed distribution ratios D_i = q_i / c_i, one set for all stages or one per section.
class ConstantDistributionModel final : public EquilibriumModel {
public:
    ConstantDistributionModel(std::vector<int> components, const InputNode& case_root)
        : EquilibriumModel(std::move(components))
    {
        if (!case_root.has("distribution")) {
            case_root.fail(
                "the constant-distribution model needs a 'distribution' mapping: D for each "
                "element in the feed, e.g. distribution: {La: 2.0}, or one mapping per section "
                "(distribution: {extraction: {La: 2.0}, strip: {La: 0.05}})");
        }
        const InputNode node = case_root.at("distribution");
        if (!node.is_map()) {
            node.fail("expected a mapping of element to distribution ratio D");
        }
        const std::vector<std::string_view> sections = {"extraction", "scrub", "strip"};
        bool per_section = false;
        for (const auto& [key, value] : node.entries()) {
            per_section =
                per_section || std::find(sections.begin(), sections.end(), key) != sections.end();
        }
        for (int s = 0; s < 3; ++s) {
            ln_d_[s].resize(static_cast<Eigen::Index>(components_.size()));
            ln_d_[s].setConstant(std::numeric_limits<double>::quiet_NaN());
        }
        if (per_section) {
            node.check_keys(sections);
            for (int s = 0; s < 3; ++s) {
                if (auto section_node = node.find(sections[s])) {
                    read_section(*section_node, ln_d_[s]);
                }
            }
        } else {
            read_section(node, ln_d_[0]);
            ln_d_[1] = ln_d_[0];
            ln_d_[2] = ln_d_[0];
        }
        node_ = node;
    }
    std::string name() const override { return "constant-distribution"; }
    bool saturated_organic() const override { return false; }
    bool strips_completely() const override { return false; }

    void equilibrium(const StageConditions& stage, const Eigen::VectorXd& ln_aq,
                     Eigen::VectorXd& ln_org, Eigen::MatrixXd& jacobian) const override
    {
        const Eigen::VectorXd& ln_d = ln_d_[static_cast<int>(stage.section)];
        if (std::isnan(ln_d[0])) {
            node_->fail("no distribution ratios given for the " +
                        std::string(section_name(stage.section)) +
                        " section, which this cascade has");
        }
        ln_org = ln_d + ln_aq;
        jacobian.setIdentity(ln_aq.size(), ln_aq.size());
    }

private:
    static std::string_view section_name(Section s)
    {
        return s == Section::extraction ? "extraction" : s == Section::scrub ? "scrub" : "strip";
    }
    void read_section(const InputNode& node, Eigen::VectorXd& ln_d) const
    {
        if (!node.is_map()) {
            node.fail("expected a mapping of element to distribution ratio D, e.g. {La: 2.0}");
        }
        for (const auto& [symbol, value] : node.entries()) {
            const auto element = element_index(symbol);
            if (!element) {
                std::vector<std::string_view> symbols;
                for (const auto& e : elements()) {
                    symbols.push_back(e.symbol);
                }
                const std::string hint = closest_match(symbol, symbols);
                value.fail("unknown element '" + symbol + "'" +
                           (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
            }
            const auto it = std::find(components_.begin(), components_.end(), *element);
            const double d = value.as_double_in(0.0, 1e12, false, true);
            if (it != components_.end()) {
                ln_d[it - components_.begin()] = std::log(d);
            }
        }
        for (std::size_t i = 0; i < components_.size(); ++i) {
            if (std::isnan(ln_d[static_cast<Eigen::Index>(i)])) {
                node.fail("missing distribution ratio for " +
                          std::string(elements()[components_[i]].symbol) +
                          ", which is in the feed");
            }
        }
    }
    std::array<Eigen::VectorXd, 3> ln_d_;
    std::optional<InputNode> node_;
};

}  // namespace

std::vector<int> EquilibriumModel::component_charges() const
{
    std::vector<int> z;
    for (int c : components_) {
        z.push_back(species_charge(c));
    }
    return z;
}

std::vector<std::string> equilibrium_model_names()
{
    return {"constant-distribution", "mass-action", "ph-correlation", "separation-factor"};
}

std::unique_ptr<EquilibriumModel> make_equilibrium_model(const InputNode& name_node,
                                                         const std::vector<int>& components,
                                                         const ExtractionSystem& system,
                                                         const InputNode& case_root)
{
    const std::string name = name_node.as_string();
    const bool impurities_present =
        std::any_of(components.begin(), components.end(), [](int c) { return !is_rare_earth(c); });
    if (impurities_present && (name == "separation-factor" || name == "constant-distribution")) {
        name_node.fail("the feed carries impurity ions (" + species_symbol(components.back()) +
                       ", ...), which the " + name +
                       " model cannot describe (it has no acidity); use model: mass-action or "
                       "ph-correlation");
    }
    if (name == "separation-factor") {
        return std::make_unique<SeparationFactorModel>(components, system);
    }
    if (name == "constant-distribution") {
        return std::make_unique<ConstantDistributionModel>(components, case_root);
    }
    if (name == "mass-action") {
        return make_mass_action_model(components, system, case_root);
    }
    if (name == "ph-correlation") {
        return make_ph_correlation_model(components, system, case_root);
    }
    const auto names = equilibrium_model_names();
    const std::vector<std::string_view> views(names.begin(), names.end());
    const std::string hint = closest_match(name, views);
    name_node.fail(
        "unknown equilibrium model '" + name + "'" +
        (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
        " Models: constant-distribution, mass-action, ph-correlation, separation-factor");
}

}  // namespace reesx
