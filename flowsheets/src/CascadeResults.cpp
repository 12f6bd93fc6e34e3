// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// Results of a converged cascade: profiles, products, recoveries, balances and reagents.
#include "CascadeImpl.h"

namespace reesx {

using namespace cascade_detail;

void fill_impurity_content(ProductResult& p)
{
    double reo_g_per_h = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        reo_g_per_h += p.mol_per_h[e] * species_oxide_g_per_mol(e);
    }
    const double metal = p.re_mol_per_h + p.impurity_mol_per_h;
    p.metal_purity = metal > 0.0 && p.main_element >= 0 ? p.mol_per_h[p.main_element] / metal : 0.0;
    for (int k = 0; k < num_impurities; ++k) {
        const int e = num_elements + k;
        p.impurity_ppm_reo[k] =
            reo_g_per_h > 0.0 ? 1e6 * p.mol_per_h[e] * species_oxide_g_per_mol(e) / reo_g_per_h
                              : 0.0;
    }
}

CascadeResult Cascade::Impl::collect(const Eigen::VectorXd& x, const solver::SolverReport& report)
{
    CascadeResult r;
    r.num_stages = stages_;
    r.solver = report;
    r.warnings = spec_.warnings;
    r.warnings.insert(r.warnings.end(), warnings_.begin(), warnings_.end());
    r.aqueous_log10 = Eigen::MatrixXd::Constant(stages_, num_species, neg_inf);
    r.organic_log10 = r.aqueous_log10;
    const double ln10 = std::log(10.0);
    for (int j = 0; j < solved_stages_; ++j) {
        for (int i = 0; i < n_; ++i) {
            const int e = spec_.components[i];
            r.aqueous_log10(j, e) = x[static_cast<Eigen::Index>(j) * block_ + i] / ln10;
            r.organic_log10(j, e) = ln_q_[j][i] / ln10;
        }
    }
    // ln_q_ holds the last evaluation; recompute for the final x to be exact.
    {
        Eigen::VectorXd scratch_q(n_);
        Eigen::MatrixXd scratch_j(n_, n_);
        for (int j = 0; j < solved_stages_; ++j) {
            const Eigen::VectorXd u = x.segment(static_cast<Eigen::Index>(j) * block_, n_);
            if (m_ > 0) {
                model_.stage_chemistry(conditions_[j], u,
                                       x.segment(static_cast<Eigen::Index>(j) * block_ + n_, m_),
                                       chem_[j]);
                for (int i = 0; i < n_; ++i) {
                    r.organic_log10(j, spec_.components[i]) = chem_[j].ln_org[i] / ln10;
                }
                continue;
            }
            if (!murphree_ && reduced_sigma_.size() == solved_stages_) {
                const Eigen::VectorXd ln_q = u + model_.ln_relative_extractability() +
                                             Eigen::VectorXd::Constant(n_, reduced_sigma_[j]);
                for (int i = 0; i < n_; ++i) {
                    r.organic_log10(j, spec_.components[i]) = ln_q[i] / ln10;
                }
                continue;
            }
            model_.equilibrium(conditions_[j], u, scratch_q, scratch_j);
            for (int i = 0; i < n_; ++i) {
                const double v =
                    murphree_ ? x[static_cast<Eigen::Index>(j) * block_ + n_ + i] : scratch_q[i];
                r.organic_log10(j, spec_.components[i]) = v / ln10;
            }
        }
    }
    if (solved_stages_ < stages_) {
        // Complete stripping: all RE of the entering organic leaves in the first strip
        // stage's aqueous; the organic leaves the strip section empty.
        const int first = solved_stages_;
        const double ln_ratio = std::log(qo_up_[last_scrub_] / qa_out_[first]);
        for (int i = 0; i < n_; ++i) {
            const int e = spec_.components[i];
            r.aqueous_log10(first, e) = r.organic_log10(last_scrub_, e) + ln_ratio / ln10;
        }
    }
    // exp of the natural logarithm: pow(10, v) was 8.5 % of a warm re-solve in perf; no call
    // for the species the case does not have.
    const auto concentration = [ln10](double v) { return v == neg_inf ? 0.0 : std::exp(v * ln10); };
    r.aqueous_mol_per_L = r.aqueous_log10.unaryExpr(concentration);
    r.organic_mol_per_L = r.organic_log10.unaryExpr(concentration);
    r.aqueous_flow_L_per_h = qa_out_;
    r.organic_flow_L_per_h = qo_out_;
    for (int j = 0; j < stages_; ++j) {
        r.sections.push_back(conditions_[j].section);
    }

    // Products.
    const auto add_product = [&](const std::string& name, Phase phase, int j, double flow) {
        ProductResult p;
        p.name = name;
        p.phase = phase;
        p.stage = j + 1;
        p.flow_L_per_h = flow;
        const auto& conc = phase == Phase::aqueous ? r.aqueous_mol_per_L : r.organic_mol_per_L;
        for (int e = 0; e < num_elements; ++e) {
            p.mol_per_h[e] = flow * conc(j, e);
            p.re_mol_per_h += p.mol_per_h[e];
        }
        for (int e = num_elements; e < num_species; ++e) {
            p.mol_per_h[e] = flow * conc(j, e);
            p.impurity_mol_per_h += p.mol_per_h[e];
        }
        for (int e = 0; e < num_elements; ++e) {
            p.composition[e] = p.re_mol_per_h > 0.0 ? p.mol_per_h[e] / p.re_mol_per_h : 0.0;
            if (p.main_element < 0 || p.composition[e] > p.purity) {
                p.main_element = e;
                p.purity = p.composition[e];
            }
        }
        fill_impurity_content(p);
        r.products.push_back(p);
    };
    const auto drawn = [&](Phase phase, int j) {
        double flow = 0.0;
        for (const auto& d : spec_.draws) {
            flow += (d.phase == phase && d.stage - 1 == j) ? d.flow_L_per_h : 0.0;
        }
        return flow;
    };
    add_product("raffinate", Phase::aqueous, 0, qa_out_[0] - drawn(Phase::aqueous, 0));
    if (spec_.stages_strip > 0) {
        const int first = last_scrub_ + 1;
        add_product("strip_liquor", Phase::aqueous, first,
                    qa_out_[first] - drawn(Phase::aqueous, first));
        add_product("stripped_organic", Phase::organic, stages_ - 1,
                    qo_out_[stages_ - 1] - drawn(Phase::organic, stages_ - 1));
    } else {
        add_product("loaded_organic", Phase::organic, last_scrub_,
                    qo_out_[last_scrub_] - drawn(Phase::organic, last_scrub_));
    }
    for (const auto& d : spec_.draws) {
        add_product(d.name, d.phase, d.stage - 1, d.flow_L_per_h);
    }

    for (int i = 0; i < n_; ++i) {
        // Fresh feeds only: RE returned by a closed organic loop is internal.
        r.feed_mol_per_h[spec_.components[i]] = base_feed_mol_per_h_.row(i).sum();
    }
    r.recovery.assign(r.products.size(), {});
    for (std::size_t p = 0; p < r.products.size(); ++p) {
        for (int e = 0; e < num_species; ++e) {
            r.recovery[p][e] =
                r.feed_mol_per_h[e] > 0.0 ? r.products[p].mol_per_h[e] / r.feed_mol_per_h[e] : 0.0;
        }
    }
    for (int e = 0; e < num_species; ++e) {
        if (r.feed_mol_per_h[e] <= 0.0) {
            continue;
        }
        double out = 0.0;
        for (const auto& p : r.products) {
            const bool returns = spec_.organic.recycle && p.name == "stripped_organic";
            out += returns ? 0.0 : p.mol_per_h[e];
        }
        r.balance_relative_error[e] = std::abs(r.feed_mol_per_h[e] - out) / r.feed_mol_per_h[e];
        r.mass_balance_relative_error =
            std::max(r.mass_balance_relative_error, r.balance_relative_error[e]);
    }

    const double feed_total = spec_.feed_re_mol_per_h();
    if (model_.saturated_organic()) {
        r.reflux_S = organic_re_flux_ / feed_total;
        r.reflux_W = scrub_reflux_ / feed_total;
    }
    const auto& org = spec_.organic;
    if (org.extractant_mol_per_L && org.saponification) {
        r.reagents.saponification_base_mol_per_h =
            org.flow_L_per_h * *org.extractant_mol_per_L * *org.saponification;
    } else if (model_.saturated_organic()) {
        r.reagents.saponification_base_mol_per_h = 3.0 * organic_re_flux_;
    }
    // The streams' `acid` is mol/L of HCl, or of H2SO4 (two protons each) in a sulfate medium.
    const double protons_per_acid = spec_.medium.sulfate ? 2.0 : 1.0;
    if (spec_.scrub && spec_.stages_scrub > 0) {
        r.reagents.scrub_acid_h_mol_per_h = protons_per_acid * spec_.scrub->h_mol_per_h();
    }
    if (spec_.strip && spec_.stages_strip > 0) {
        r.reagents.strip_acid_h_mol_per_h = protons_per_acid * spec_.strip->h_mol_per_h();
        r.reagents.strip_acid_consumed_h_mol_per_h = 3.0 * r.products[1].re_mol_per_h;
    }
    r.organic_re_mol_per_L.resize(stages_);
    for (int j = 0; j < stages_; ++j) {
        r.organic_re_mol_per_L[j] = r.organic_mol_per_L.row(j).sum();
    }
    for (const auto& feed : spec_.feeds) {
        if (feed.phase == Phase::aqueous) {
            r.reagents.feed_acid_h_mol_per_h +=
                protons_per_acid * feed.flow_L_per_h * feed.acid_mol_per_L;
        }
    }
    if (m_ > 0) {
        collect_extras(x, r);
    } else {
        // Models without acidity: the feed acid passes to the raffinate, the scrub acid is
        // used up stripping the reflux (W = acid/3), the strip acid beyond 3 H+ per RE is left.
        r.reagents.raffinate_acid_h_mol_per_h = r.reagents.feed_acid_h_mol_per_h;
        r.reagents.scrub_acid_consumed_h_mol_per_h = r.reagents.scrub_acid_h_mol_per_h;
        r.reagents.strip_liquor_acid_h_mol_per_h = std::max(
            0.0, r.reagents.strip_acid_h_mol_per_h - r.reagents.strip_acid_consumed_h_mol_per_h);
    }
    finish_reagents(r);
    return r;
}
void Cascade::Impl::collect_extras(const Eigen::VectorXd& x, CascadeResult& r)
{
    // chem_ holds the final x (collect evaluated every stage).
    r.profile_names = model_.profile_names();
    r.profiles.resize(stages_, static_cast<Eigen::Index>(r.profile_names.size()));
    r.extras.resize(stages_, m_);
    r.chloride_mol_per_L = chloride_mol_per_L_;
    int worst_stage = 0;
    for (int j = 0; j < stages_; ++j) {
        const Eigen::Index row0 = static_cast<Eigen::Index>(j) * block_;
        r.extras.row(j) = x.segment(row0 + n_, m_).transpose();
        const auto values = model_.profile_values(x.segment(row0, n_), x.segment(row0 + n_, m_));
        for (std::size_t p = 0; p < values.size(); ++p) {
            r.profiles(j, static_cast<Eigen::Index>(p)) = values[p];
        }
        double metal_eq = 3.0 * r.aqueous_mol_per_L.row(j).head(num_elements).sum();
        for (int e = num_elements; e < num_species; ++e) {
            metal_eq += species_charge(e) * r.aqueous_mol_per_L(j, e);
        }
        const double charge =
            metal_eq + model_.stage_extra_charge_eq_per_L(conditions_[j], x.segment(row0 + n_, m_));
        // Relative to the larger side: a stage without acid or RE has neither (0/0).
        const double scale = std::max(chloride_mol_per_L_[j], std::abs(charge));
        const double error = scale > 0.0 ? std::abs(charge - chloride_mol_per_L_[j]) / scale : 0.0;
        if (error > r.electroneutrality_relative_error) {
            r.electroneutrality_relative_error = error;
            worst_stage = j;
        }
    }
    if (r.electroneutrality_relative_error > 1e-6) {
        // Cations without chloride: a saponified organic meeting acid-free liquor releases
        // Na/NH4 the model has no anion for.
        r.warnings.push_back(
            "electroneutrality fails by " + std::to_string(r.electroneutrality_relative_error) +
            " (relative) in stage " + std::to_string(worst_stage + 1) +
            ": its aqueous carries cations without chloride; the model's assumptions do not "
            "hold there (give the scrub and strip their acid, or less saponification)");
    }
    r.conserved_names = model_.conserved_quantities();
    for (int k = 0; k < k_; ++k) {
        double in = 0.0, scale = 0.0;
        for (int j = 0; j < stages_; ++j) {
            in += conserved_feed_(k, j);
            scale += std::abs(conserved_feed_(k, j));
        }
        double out = 0.0;
        for (const auto& p : r.products) {
            const auto& c = chem_[p.stage - 1];
            const double t =
                p.flow_L_per_h * (p.phase == Phase::aqueous ? c.aqueous[k] : c.organic[k]);
            out += t;
            scale += std::abs(t);
        }
        r.conserved_balance_relative_error.push_back(std::abs(in - out) / scale);
    }
    // The acid a liquor still carries: free H+, plus in a sulfate medium the protons held
    // as HSO4- (both leave unused).
    const auto h_of = [&](int j) {
        const double h =
            model_.aqueous_h_mol_per_L(x.segment(static_cast<Eigen::Index>(j) * block_ + n_, m_));
        return spec_.medium.sulfate ? h + bisulfate_mol_per_L(h, conditions_[j].sulfate_mol_per_L,
                                                              spec_.medium.ka_bisulfate_mol_per_L)
                                    : h;
    };
    auto& g = r.reagents;
    for (const auto& p : r.products) {
        if (p.name == "raffinate") {
            g.raffinate_acid_h_mol_per_h = p.flow_L_per_h * h_of(p.stage - 1);
        } else if (p.name == "strip_liquor") {
            g.strip_liquor_acid_h_mol_per_h = p.flow_L_per_h * h_of(p.stage - 1);
        }
    }
    g.scrub_acid_consumed_h_mol_per_h =
        g.feed_acid_h_mol_per_h + g.scrub_acid_h_mol_per_h - g.raffinate_acid_h_mol_per_h;
    if (spec_.stages_strip > 0) {
        g.strip_acid_consumed_h_mol_per_h =
            g.strip_acid_h_mol_per_h - g.strip_liquor_acid_h_mol_per_h;
    }
}
void Cascade::Impl::finish_reagents(CascadeResult& r) const
{
    // Molar masses, g/mol (IUPAC 2021 standard atomic weights).
    constexpr double hcl_g_per_mol = 36.46, h2so4_g_per_mol = 98.08, naoh_g_per_mol = 40.00,
                     nh3_g_per_mol = 17.03;
    auto& g = r.reagents;
    // The acid fed, as the medium's acid: HCl (one H+ each) or H2SO4 (two).
    const bool sulfate = spec_.medium.sulfate;
    g.acid = sulfate ? "H2SO4" : "HCl";
    const double protons_per_acid = sulfate ? 2.0 : 1.0;
    const double acid_g_per_mol = sulfate ? h2so4_g_per_mol : hcl_g_per_mol;
    g.base = spec_.organic.base;
    g.base_kg_per_h = g.saponification_base_mol_per_h *
                      (g.base == "NH3" ? nh3_g_per_mol : naoh_g_per_mol) / 1000.0;
    g.scrub_acid_excess_h_mol_per_h = g.raffinate_acid_h_mol_per_h;
    g.strip_acid_excess_h_mol_per_h = g.strip_liquor_acid_h_mol_per_h;
    g.hcl_fed_mol_per_h =
        (g.feed_acid_h_mol_per_h + g.scrub_acid_h_mol_per_h + g.strip_acid_h_mol_per_h) /
        protons_per_acid;
    g.hcl_consumed_mol_per_h =
        g.hcl_fed_mol_per_h -
        (g.raffinate_acid_h_mol_per_h + g.strip_liquor_acid_h_mol_per_h) / protons_per_acid;
    g.hcl_fed_kg_per_h = g.hcl_fed_mol_per_h * acid_g_per_mol / 1000.0;
    g.hcl_consumed_kg_per_h = g.hcl_consumed_mol_per_h * acid_g_per_mol / 1000.0;
    g.per_product.clear();
    double total_reo_kg_per_h = 0.0;
    for (const auto& p : r.products) {
        for (int e = 0; e < num_elements; ++e) {
            total_reo_kg_per_h +=
                p.mol_per_h[e] * elements()[e].oxide_mass_per_mol_element_g() / 1000.0;
        }
    }
    for (const auto& p : r.products) {
        Reagents::PerProduct pp;
        pp.product = p.name;
        for (int e = 0; e < num_elements; ++e) {
            pp.reo_kg_per_h +=
                p.mol_per_h[e] * elements()[e].oxide_mass_per_mol_element_g() / 1000.0;
        }
        // Per kg only for products that carry RE (not an emptied stripped organic).
        if (pp.reo_kg_per_h > 1e-9 * total_reo_kg_per_h) {
            pp.base_kg_per_kg = g.base_kg_per_h / pp.reo_kg_per_h;
            pp.hcl_fed_kg_per_kg = g.hcl_fed_kg_per_h / pp.reo_kg_per_h;
            pp.hcl_consumed_kg_per_kg = g.hcl_consumed_kg_per_h / pp.reo_kg_per_h;
        }
        g.per_product.push_back(pp);
    }
}

}  // namespace reesx
