// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The mass-action model (docs/chemistry-models.md):
//   Ln3+ + 3 (HA)2 = Ln(A.HA)3 + 3 H+, Kex_i = 10^(reference + log10 K_i) (chemistry.md §2.1),
//   with the saponified form Na+ + 1/2 (HA)2 = NaA + H+ (chemistry.md §2.2), site balance
//   2 (HA)2 + 6 sum q + NaA = C_HA.
// The protons are carried relative to the fully protonated extractant: aqueous H+, organic
// -3 sum q - NaA (every RE3+ bound and every Na+ loaded displaced one H+ per charge).
// Impurity ions M^z+ (Species.h) exchange the same way with z in place of 3 (z H+ released,
// z (HA)2 bound: M(A.HA)z), their constants from pH half-values (Impurities.h). In a sulfate
// medium the aqueous protons are free H+ plus HSO4- (the stage's total sulfate from
// StageConditions).
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

//! The mass-action model of cation exchange (file comment).
class MassActionModel final : public EquilibriumModel {
public:
    MassActionModel(std::vector<int> components, const ExtractionSystem& system,
                    const InputNode& case_root)
        : EquilibriumModel(std::move(components))
    {
        const InputNode organic = case_root.at("organic");
        const OrganicInputs in = read_organic(case_root);
        if (!in.extractant_mol_per_L) {
            organic.fail(
                "the mass-action model needs 'extractant-concentration' (total acidic "
                "extractant HA, e.g. 1.5 mol/L); 'saponification' (fraction in the Na/NH4 "
                "form, default 0) is optional");
        }
        extractant_ = *in.extractant_mol_per_L;
        saponification_ = in.saponification;
        has_cation_ = saponification_ > 0.0;
        // Ln(A.HA)3 binds six extractant molecules: the organic cannot carry more RE than
        // C_HA / 6 (chemistry.md §2.2, stoichiometric ceilings).
        const double ceiling = extractant_ / 6.0;
        if (auto loading = organic.find("loading")) {
            const double value = loading->as_quantity(Quantity::concentration, "mol/L");
            if (value > ceiling) {
                loading->fail("a loading of " + std::to_string(value) +
                              " mol/L is above the stoichiometric ceiling of the mass-action "
                              "model, extractant/6 = " +
                              std::to_string(ceiling) +
                              " mol/L (Ln(A.HA)3 binds six HA); the model computes the loading "
                              "itself, drop the key or lower it");
            }
        }
        check_organic_feeds(case_root, ceiling, "extractant/6: Ln(A.HA)3 binds six HA");

        std::optional<InputNode> params;
        if (auto p = case_root.find("mass-action")) {
            p->check_keys({"log10-kex-reference", "log10-k-saponified"});
            params = *p;
        }
        const auto constant = [&](const char* key, const std::optional<Anchor>& from_system,
                                  const char* what) {
            if (params) {
                if (auto v = params->find(key)) {
                    return v->as_double_in(-30.0, 30.0);
                }
            }
            if (from_system) {
                return from_system->value;
            }
            (params ? *params : case_root)
                .fail(std::string("the system '") + system.name + "' has no " + what +
                      "; give it as mass-action: {" + key + ": VALUE} (log10) in the case, or " +
                      key + " in the system file");
        };
        log10_kex_reference_ = constant("log10-kex-reference", system.log10_kex_reference,
                                        "absolute extraction constant (log10-kex-reference)");
        if (has_cation_) {
            ln_k_cation_ = ln10 * constant("log10-k-saponified", system.log10_k_saponified,
                                           "exchange constant of the saponified extractant "
                                           "(log10-k-saponified)");
        }
        medium_ = parse_medium(case_root);
        ln_kex_.resize(static_cast<Eigen::Index>(components_.size()));
        charge_ = Eigen::VectorXd::Constant(ln_kex_.size(), 3.0);
        rare_earth_.assign(components_.size(), true);
        for (std::size_t i = 0; i < components_.size(); ++i) {
            const int e = components_[i];
            rare_earth_[i] = is_rare_earth(e);
            if (!is_rare_earth(e)) {
                const ImpurityExtraction x = impurity_extraction(system, case_root, e);
                ln_kex_[static_cast<Eigen::Index>(i)] = ln10 * x.log10_kex();
                charge_[static_cast<Eigen::Index>(i)] = x.charge;
                if (x.charge < 1 || x.charge > kMaxCharge) {
                    throw std::logic_error("mass-action: an ion's charge outside 1-4");
                }
                has_impurity_ = true;
                continue;
            }
            if (!system.has(e)) {
                case_root.at("system").fail(
                    "the system '" + system.name + "' has no extractability for " +
                    std::string(elements()[e].symbol) +
                    ", which is in the feed; add it under log10-extractability");
            }
            ln_kex_[static_cast<Eigen::Index>(i)] =
                ln10 * (log10_kex_reference_ + system.log10_k(e));
        }
    }

    std::string name() const override { return "mass-action"; }
    bool saturated_organic() const override { return false; }
    bool strips_completely() const override { return false; }
    void equilibrium(const StageConditions&, const Eigen::VectorXd&, Eigen::VectorXd&,
                     Eigen::MatrixXd&) const override
    {
        throw std::logic_error("mass-action: use stage_chemistry (the model has extra species)");
    }

    // Extras, ordered so that row r of the stage "owns" unknown r with a negative diagonal
    // (pseudo-transient continuation relies on it): ln [H+] (proton balance), with
    // saponification ln [Na+] (cation balance), ln [(HA)2] free (site balance), and with
    // saponification ln [NaA] (exchange equilibrium).
    std::vector<std::string> extra_unknowns() const override
    {
        if (has_cation_) {
            return {"ln [H+] (aqueous)", "ln [Na+] (aqueous)", "ln [(HA)2] free (organic)",
                    "ln [NaA] (organic)"};
        }
        return {"ln [H+] (aqueous)", "ln [(HA)2] free (organic)"};
    }
    Eigen::Index slot_h() const { return 0; }
    Eigen::Index slot_na() const { return 1; }
    Eigen::Index slot_f() const { return has_cation_ ? 2 : 1; }
    Eigen::Index slot_s() const { return 3; }
    std::vector<std::string> conserved_quantities() const override
    {
        if (has_cation_) {
            return {"protons", "saponification cation"};
        }
        return {"protons"};
    }

    void stage_chemistry(const StageConditions& stage,
                         const Eigen::Ref<const Eigen::VectorXd>& ln_aq,
                         const Eigen::Ref<const Eigen::VectorXd>& extra,
                         StageChemistry& out) const override
    {
        stage_exchange(ln_aq, extra, out);
        if (medium_.sulfate) {
            // Protons held as HSO4- ride with the aqueous like free H+.
            const double h = std::exp(extra[slot_h()]);
            const Eigen::Index ih = ln_aq.size() + slot_h();
            out.aqueous[0] +=
                bisulfate_mol_per_L(h, stage.sulfate_mol_per_L, medium_.ka_bisulfate_mol_per_L);
            out.d_aqueous(0, ih) +=
                d_bisulfate_d_ln_h(h, stage.sulfate_mol_per_L, medium_.ka_bisulfate_mol_per_L);
        }
    }

    bool ln_distribution_ratios(const StageConditions&,
                                const Eigen::Ref<const Eigen::VectorXd>& extra,
                                Eigen::Ref<Eigen::VectorXd> ln_d) const override
    {
        ln_d = ln_kex_ + charge_ * (extra[slot_f()] - extra[slot_h()]);  // as stage_exchange
        return true;
    }

    //! The cation exchange of a stage (chloride form of the aqueous protons), for ions of any
    //! charge z_i (3 for the rare earths): M^z+ + z (HA)2 = M(A.HA)z + z H+; organic protons
    //! -sum z q - NaA, sites 2 (HA)2 + 2 sum z q + NaA = C_HA.
    void stage_exchange(const Eigen::Ref<const Eigen::VectorXd>& ln_aq,
                        const Eigen::Ref<const Eigen::VectorXd>& extra, StageChemistry& out) const
    {
        const Eigen::Index n = ln_aq.size();
        const Eigen::Index m = extra.size();
        const Eigen::Index width = n + m;
        const Eigen::Index ih = n + slot_h(), i_f = n + slot_f(), ina = n + slot_na(),
                           is = n + slot_s();
        const double lh = extra[slot_h()], lf = extra[slot_f()];
        const double f = std::exp(lf);
        out.ln_org = ln_kex_ + ln_aq + charge_ * (lf - lh);
        // The ones alone (setIdentity writes the n x n block again, element by element: it
        // was half of this function's time).
        out.d_ln_org.setZero(n, width);
        out.d_ln_org.diagonal().setOnes();
        out.d_ln_org.col(ih) = -charge_;
        out.d_ln_org.col(i_f) = charge_;
        const int k = has_cation_ ? 2 : 1;
        out.aqueous.resize(k);
        out.organic.resize(k);
        out.d_aqueous.setZero(k, width);
        out.d_organic.setZero(k, width);
        out.local.resize(m - k);
        out.d_local.setZero(m - k, width);
        // Z = sum z q (charge equivalents bound) and its gradient, in d_organic row 0 for now.
        // The n exps at once (Eigen's vectorized exp, where glibc's is one call per element);
        // below e^-708 (subnormal, slow) q is taken as 0.
        // (Into contiguous scratch: Eigen does not vectorize a store into the strided row.)
        thread_local Eigen::ArrayXd zq;
        zq = out.ln_org.array().max(-708.0).exp();
        for (Eigen::Index i = 0; i < n; ++i) {
            zq[i] = out.ln_org[i] < -708.0 ? 0.0 : charge_[i] * zq[i];
        }
        auto d_z = out.d_organic.row(0);
        d_z.head(n) = zq.matrix().transpose();
        const double z_total = zq.sum();                      // sum z q
        const double w_total = (charge_.array() * zq).sum();  // sum z^2 q
        d_z[ih] = -w_total;
        d_z[i_f] = w_total;
        double s = 0.0;
        if (has_cation_) {
            const double lna = extra[slot_na()], ls = extra[slot_s()];
            const double na = std::exp(lna);
            s = std::exp(ls);
            out.aqueous[1] = na;
            out.d_aqueous(1, ina) = na;
            out.organic[1] = s;
            out.d_organic(1, is) = s;
            out.local[1] = ln_k_cation_ + lna + 0.5 * lf - lh - ls;
            out.d_local(1, is) = -1.0;
            out.d_local(1, ina) = 1.0;
            out.d_local(1, i_f) = 0.5;
            out.d_local(1, ih) = -1.0;
        }
        const double h = std::exp(lh);
        out.aqueous[0] = h;
        out.d_aqueous(0, ih) = h;
        out.organic[0] = -z_total - s;
        const double sites = 2.0 * f + 2.0 * z_total + s;
        out.local[0] = std::log(extractant_) - std::log(sites);
        out.d_local.row(0) = (-2.0 / sites) * d_z;
        out.d_local(0, i_f) -= 2.0 * f / sites;
        if (has_cation_) {
            out.d_local(0, is) -= s / sites;
        }
        d_z *= -1.0;  // now d(-sum z q - NaA)
        if (has_cation_) {
            out.d_organic(0, is) -= s;
        }
    }

    //! Free H+ of an aqueous holding `protons` (free H+ plus HSO4-, mol/L) and `sulfate`.
    double free_h(double protons, double sulfate) const
    {
        if (!medium_.sulfate || sulfate <= 0.0) {
            return protons;
        }
        // h^2 + (Ka + S - P) h - P Ka = 0, the positive root in a cancellation-free form.
        const double ka = medium_.ka_bisulfate_mol_per_L;
        const double b = ka + sulfate - protons;
        const double disc = std::sqrt(b * b + 4.0 * protons * ka);
        return b > 0.0 ? 2.0 * protons * ka / (b + disc) : 0.5 * (disc - b);
    }

    Eigen::VectorXd stream_content(const StreamChemistry& stream) const override
    {
        Eigen::VectorXd c = Eigen::VectorXd::Zero(has_cation_ ? 2 : 1);
        if (!stream.organic) {
            // H2SO4 brings two protons per mol (its acid is given as mol/L H2SO4).
            c[0] = medium_.sulfate ? 2.0 * stream.acid_mol_per_L : stream.acid_mol_per_L;
            return c;
        }
        const double base = stream.fresh_organic ? saponification_ * extractant_ : 0.0;
        c[0] = -3.0 * stream.re_mol_per_L - base;
        if (has_cation_) {
            c[1] = base;
        }
        return c;
    }

    void start_extras(const StageConditions& stage, const Eigen::VectorXd& ln_aq,
                      const Eigen::VectorXd& aqueous_content, Eigen::VectorXd& extra) const override
    {
        extra.resize(has_cation_ ? 4 : 2);
        const double lh =
            std::log(std::max(free_h(aqueous_content[0], stage.sulfate_mol_per_L), 1e-6));
        extra[slot_h()] = lh;
        const double lna = has_cation_ ? std::log(std::max(aqueous_content[1], 1e-300)) : 0.0;
        // Free dimer from the site balance, the rest held: monotone in ln f, bisection. The
        // ions bound, z q_i = z e^(a_i + z ln f) with a_i = ln Kex_i + ln c_i - z ln [H+],
        // summed by charge first (ln of each sum, so that nothing overflows): each step then
        // takes one exp per charge present instead of one per ion.
        std::array<double, kMaxCharge + 1> ln_bound_by_charge;
        ln_bound_by_charge.fill(-std::numeric_limits<double>::infinity());
        for (Eigen::Index i = 0; i < ln_aq.size(); ++i) {
            const int z = static_cast<int>(charge_[i]);
            double& sum = ln_bound_by_charge[static_cast<std::size_t>(z)];
            const double a = ln_kex_[i] + ln_aq[i] - charge_[i] * lh;
            if (a > -std::numeric_limits<double>::infinity()) {
                sum = std::max(sum, a) + std::log1p(std::exp(-std::abs(sum - a)));
            }
        }
        const auto sites = [&](double lf) {
            double total = 0.0;
            for (int z = 1; z <= kMaxCharge; ++z) {
                const double ln_sum = ln_bound_by_charge[static_cast<std::size_t>(z)];
                // Charge equivalents bound, over 3 (the rare-earth form when all z = 3).
                total += ln_sum == -std::numeric_limits<double>::infinity()
                             ? 0.0
                             : z / 3.0 * std::exp(std::min(ln_sum + z * lf, 700.0));
            }
            const double s = has_cation_ ? std::exp(ln_k_cation_ + lna + 0.5 * lf - lh) : 0.0;
            return 2.0 * std::exp(lf) + 6.0 * total + s;
        };
        double lo = std::log(extractant_) - 80.0, hi = std::log(extractant_ / 2.0);
        for (int it = 0; it < 60; ++it) {
            const double mid = 0.5 * (lo + hi);
            (sites(mid) > extractant_ ? hi : lo) = mid;
        }
        extra[slot_f()] = 0.5 * (lo + hi);
        if (has_cation_) {
            extra[slot_na()] = lna;
            extra[slot_s()] = ln_k_cation_ + lna + 0.5 * extra[slot_f()] - lh;
        }
    }

    void start_extras_from_organic(const StageConditions&, const Eigen::VectorXd& ln_aq,
                                   const Eigen::VectorXd& ln_org,
                                   const Eigen::VectorXd& aqueous_content,
                                   Eigen::VectorXd& extra) const override
    {
        // With Kex_i proportional to K_i, an organic y_i = Y K_i x_i / sum K x (the
        // separation-factor model) is reproduced exactly: free dimer from the site balance,
        // then [H+]^3 = Kex_ref [(HA)2]^3 sum_i K_i c_i / Y; NaA from its equilibrium with
        // the [Na+] estimate (a few passes, NaA takes sites).
        extra.resize(has_cation_ ? 4 : 2);
        double total = 0.0;
        for (Eigen::Index i = 0; i < ln_org.size(); ++i) {
            total += std::exp(ln_org[i]);
        }
        double top = (ln_kex_ + ln_aq).maxCoeff();
        double ln_sum_kc = top + std::log(((ln_kex_ + ln_aq).array() - top).exp().sum());
        if (has_impurity_) {
            // The theory's organic is the rare earths': match their sum alone.
            top = -std::numeric_limits<double>::infinity();
            for (Eigen::Index i = 0; i < ln_aq.size(); ++i) {
                top = rare_earth_[static_cast<std::size_t>(i)]
                          ? std::max(top, ln_kex_[i] + ln_aq[i])
                          : top;
            }
            double sum = 0.0;
            for (Eigen::Index i = 0; i < ln_aq.size(); ++i) {
                sum += rare_earth_[static_cast<std::size_t>(i)]
                           ? std::exp(ln_kex_[i] + ln_aq[i] - top)
                           : 0.0;
            }
            ln_sum_kc = top + std::log(sum);
        }
        const double lna = has_cation_ ? std::log(std::max(aqueous_content[1], 1e-300)) : 0.0;
        double s = 0.0, lf = 0.0, lh = 0.0;
        for (int pass = 0; pass < 4; ++pass) {
            const double f = std::max(0.5 * (extractant_ - 6.0 * total - s), 1e-6 * extractant_);
            lf = std::log(f);
            lh = lf + (ln_sum_kc - std::log(total)) / 3.0;
            s = has_cation_ ? std::exp(ln_k_cation_ + lna + 0.5 * lf - lh) : 0.0;
            s = std::min(s, 0.5 * std::max(extractant_ - 6.0 * total, 0.0));
        }
        extra[slot_h()] = lh;
        extra[slot_f()] = lf;
        if (has_cation_) {
            extra[slot_na()] = lna;
            extra[slot_s()] = ln_k_cation_ + lna + 0.5 * lf - lh;
        }
    }

    double extra_aqueous_charge_eq_per_L(const Eigen::VectorXd& extra) const override
    {
        return std::exp(extra[slot_h()]) + (has_cation_ ? std::exp(extra[slot_na()]) : 0.0);
    }
    double stage_extra_charge_eq_per_L(const StageConditions& stage,
                                       const Eigen::VectorXd& extra) const override
    {
        const double hso4 = medium_.sulfate ? bisulfate_mol_per_L(std::exp(extra[slot_h()]),
                                                                  stage.sulfate_mol_per_L,
                                                                  medium_.ka_bisulfate_mol_per_L)
                                            : 0.0;
        return extra_aqueous_charge_eq_per_L(extra) + hso4;
    }
    std::vector<DistributedSpecies> distributed_species() const override
    {
        if (!has_cation_) {
            return {};
        }
        return {DistributedSpecies{1, static_cast<int>(slot_na()), static_cast<int>(slot_s()), 1}};
    }
    double distributed_ln_d(int, const Eigen::VectorXd& extra) const override
    {
        // [NaA] / [Na+] = K [(HA)2]^(1/2) / [H+].
        return ln_k_cation_ + 0.5 * extra[slot_f()] - extra[slot_h()];
    }
    std::vector<std::string> profile_names() const override
    {
        return {"pH", "h_mol_per_L", "free_extractant_mol_per_L", "saponified_extractant_mol_per_L",
                "cation_mol_per_L"};
    }
    std::vector<double> profile_values(const Eigen::VectorXd&,
                                       const Eigen::VectorXd& extra) const override
    {
        return {-extra[slot_h()] / ln10, std::exp(extra[slot_h()]), 2.0 * std::exp(extra[slot_f()]),
                has_cation_ ? std::exp(extra[slot_s()]) : 0.0,
                has_cation_ ? std::exp(extra[slot_na()]) : 0.0};
    }
    double aqueous_h_mol_per_L(const Eigen::VectorXd& extra) const override
    {
        return std::exp(extra[slot_h()]);
    }

private:
    double extractant_ = 0.0;
    double saponification_ = 0.0;
    bool has_cation_ = false;
    double log10_kex_reference_ = 0.0;
    double ln_k_cation_ = 0.0;
    Eigen::VectorXd ln_kex_;
    Eigen::VectorXd charge_;              //!< z of each component (3 for the rare earths)
    static constexpr int kMaxCharge = 4;  //!< Th4+, the highest of the impurity ions
    std::vector<bool> rare_earth_;
    bool has_impurity_ = false;
    Medium medium_;
};

}  // namespace

std::unique_ptr<EquilibriumModel> make_mass_action_model(const std::vector<int>& components,
                                                         const ExtractionSystem& system,
                                                         const InputNode& case_root)
{
    return std::make_unique<MassActionModel>(components, system, case_root);
}

}  // namespace reesx
