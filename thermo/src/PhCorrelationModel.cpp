// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The ph-correlation model (docs/chemistry-models.md): log10 D_i = m_i pH + b_i (the form of
// published pilot and lab fits, chemistry.md §1.2, §1.3), pH from the proton balance, the
// protons carried as in the mass-action model (MassActionModel.cpp): aqueous H+ (plus HSO4-
// in a sulfate medium), organic -3 sum q.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "ChemistryModels.h"
#include "reesx/thermo/Impurities.h"

namespace reesx {
namespace {

using namespace chemistry_detail;

//! log10 D_i = m_i pH + b_i per element; protons balanced like the mass-action model, with
//! the saponified base released to the aqueous on contact (no NaA kept in the organic).
class PhCorrelationModel final : public EquilibriumModel {
public:
    PhCorrelationModel(std::vector<int> components, const ExtractionSystem& system,
                       const InputNode& case_root)
        : EquilibriumModel(std::move(components))
    {
        const OrganicInputs in = read_organic(case_root);
        medium_ = parse_medium(case_root);
        if (in.saponification > 0.0 && !in.extractant_mol_per_L) {
            case_root.at("organic").fail(
                "a saponified organic needs 'extractant-concentration' to know how much base "
                "it carries");
        }
        base_mol_per_L_ = in.saponification * in.extractant_mol_per_L.value_or(0.0);
        if (!case_root.has("ph-correlation")) {
            case_root.fail(
                "the ph-correlation model needs a 'ph-correlation' mapping: log10 D = slope * pH "
                "+ intercept for each element in the feed, e.g. ph-correlation: {Dy: {slope: "
                "3.2255, intercept: -1.0}}");
        }
        const InputNode node = case_root.at("ph-correlation");
        if (!node.is_map()) {
            node.fail("expected a mapping of element to {slope, intercept}");
        }
        const auto n = static_cast<Eigen::Index>(components_.size());
        slope_ = Eigen::VectorXd::Constant(n, std::nan(""));
        ln_intercept_ = slope_;
        for (const auto& [symbol, value] : node.entries()) {
            std::string hint;
            const auto element = species_index(symbol, &hint);
            if (!element) {
                value.fail("unknown species '" + symbol + "'; " + hint);
            }
            value.check_keys({"slope", "intercept", "source"});
            const auto it = std::find(components_.begin(), components_.end(), *element);
            const double m = value.at("slope").as_double_in(0.0, 10.0);
            const double b = value.at("intercept").as_double_in(-30.0, 30.0);
            if (it != components_.end()) {
                slope_[it - components_.begin()] = m;
                ln_intercept_[it - components_.begin()] = ln10 * b;
            }
        }
        charge_ = Eigen::VectorXd::Constant(n, 3.0);
        for (Eigen::Index i = 0; i < n; ++i) {
            const int e = components_[static_cast<std::size_t>(i)];
            if (!is_rare_earth(e)) {
                charge_[i] = species_charge(e);
            }
            if (std::isnan(slope_[i]) && !is_rare_earth(e)) {
                // From the pH half-value: log10 D = z (pH - pH½) + z log10(C_HA / C_ref), the
                // dimer dependence of cation exchange at trace loading.
                const ImpurityExtraction x = impurity_extraction(system, case_root, e);
                const double shift =
                    in.extractant_mol_per_L
                        ? std::log10(*in.extractant_mol_per_L / x.extractant_mol_per_L)
                        : 0.0;
                slope_[i] = x.charge;
                ln_intercept_[i] = ln10 * x.charge * (shift - x.ph_half);
            }
            if (std::isnan(slope_[i])) {
                node.fail("missing the correlation for " + species_symbol(e) +
                          ", which is in the feed");
            }
        }
    }
    std::string name() const override { return "ph-correlation"; }
    bool saturated_organic() const override { return false; }
    bool strips_completely() const override { return false; }
    void equilibrium(const StageConditions&, const Eigen::VectorXd&, Eigen::VectorXd&,
                     Eigen::MatrixXd&) const override
    {
        throw std::logic_error("ph-correlation: use stage_chemistry (the model has extra species)");
    }
    std::vector<std::string> extra_unknowns() const override { return {"ln [H+] (aqueous)"}; }
    std::vector<std::string> conserved_quantities() const override { return {"protons"}; }
    bool ln_distribution_ratios(const StageConditions&,
                                const Eigen::Ref<const Eigen::VectorXd>& extra,
                                Eigen::Ref<Eigen::VectorXd> ln_d) const override
    {
        ln_d = ln_intercept_ - slope_ * extra[0];  // as stage_chemistry
        return true;
    }

    void stage_chemistry(const StageConditions& stage,
                         const Eigen::Ref<const Eigen::VectorXd>& ln_aq,
                         const Eigen::Ref<const Eigen::VectorXd>& extra,
                         StageChemistry& out) const override
    {
        const Eigen::Index n = ln_aq.size();
        const double lh = extra[0];
        // ln D = ln10 (m pH + b) = ln10 b - m ln[H+].
        out.ln_org = ln_intercept_ + ln_aq - slope_ * lh;
        out.d_ln_org.setZero(n, n + 1);
        out.d_ln_org.leftCols(n).setIdentity();
        out.d_ln_org.col(n) = -slope_;
        out.aqueous.resize(1);
        out.organic.resize(1);
        out.d_aqueous.setZero(1, n + 1);
        out.d_organic.setZero(1, n + 1);
        out.aqueous[0] = std::exp(lh);
        out.d_aqueous(0, n) = out.aqueous[0];
        double total = 0.0, d_lh = 0.0;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double q = std::exp(out.ln_org[i]);
            // z H+ released per ion.
            total += charge_[i] / 3.0 * q;  // z / 3 = 1 for a rare earth
            out.d_organic(0, i) = -charge_[i] * q;
            d_lh += charge_[i] * slope_[i] * q;
        }
        out.organic[0] = -3.0 * total;
        out.d_organic(0, n) = d_lh;
        if (medium_.sulfate) {
            out.aqueous[0] += bisulfate_mol_per_L(out.aqueous[0], stage.sulfate_mol_per_L,
                                                  medium_.ka_bisulfate_mol_per_L);
            out.d_aqueous(0, n) += d_bisulfate_d_ln_h(std::exp(lh), stage.sulfate_mol_per_L,
                                                      medium_.ka_bisulfate_mol_per_L);
        }
        out.local.resize(0);
        out.d_local.setZero(0, n + 1);
    }
    Eigen::VectorXd stream_content(const StreamChemistry& stream) const override
    {
        Eigen::VectorXd c(1);
        c[0] = stream.organic
                   ? -3.0 * stream.re_mol_per_L - (stream.fresh_organic ? base_mol_per_L_ : 0.0)
                   : (medium_.sulfate ? 2.0 : 1.0) * stream.acid_mol_per_L;
        return c;
    }
    void start_extras(const StageConditions& stage, const Eigen::VectorXd&,
                      const Eigen::VectorXd& aqueous_content, Eigen::VectorXd& extra) const override
    {
        extra.resize(1);
        double protons = aqueous_content[0];
        if (medium_.sulfate && stage.sulfate_mol_per_L > 0.0 && protons > 0.0) {
            // Free H+ of h + S h / (h + Ka) = P (the positive root).
            const double ka = medium_.ka_bisulfate_mol_per_L;
            const double b = ka + stage.sulfate_mol_per_L - protons;
            const double disc = std::sqrt(b * b + 4.0 * protons * ka);
            protons = b > 0.0 ? 2.0 * protons * ka / (b + disc) : 0.5 * (disc - b);
        }
        extra[0] = std::log(std::max(protons, 1e-4));
    }
    double extra_aqueous_charge_eq_per_L(const Eigen::VectorXd& extra) const override
    {
        return std::exp(extra[0]);
    }
    double stage_extra_charge_eq_per_L(const StageConditions& stage,
                                       const Eigen::VectorXd& extra) const override
    {
        const double h = std::exp(extra[0]);
        return h + (medium_.sulfate ? bisulfate_mol_per_L(h, stage.sulfate_mol_per_L,
                                                          medium_.ka_bisulfate_mol_per_L)
                                    : 0.0);
    }
    std::vector<std::string> profile_names() const override { return {"pH", "h_mol_per_L"}; }
    std::vector<double> profile_values(const Eigen::VectorXd&,
                                       const Eigen::VectorXd& extra) const override
    {
        return {-extra[0] / ln10, std::exp(extra[0])};
    }
    double aqueous_h_mol_per_L(const Eigen::VectorXd& extra) const override
    {
        return std::exp(extra[0]);
    }

private:
    double base_mol_per_L_ = 0.0;
    Eigen::VectorXd slope_, ln_intercept_;
    Eigen::VectorXd charge_;
    Medium medium_;
};

}  // namespace

std::unique_ptr<EquilibriumModel> make_ph_correlation_model(const std::vector<int>& components,
                                                            const ExtractionSystem& system,
                                                            const InputNode& case_root)
{
    return std::make_unique<PhCorrelationModel>(components, system, case_root);
}

}  // namespace reesx
