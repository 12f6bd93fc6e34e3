// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The chemistry side of `reesx fit`: residuals of each model in log10 D, the parameters'
// bounds and start, and what the fit says about the data (Fit.h). The minimization itself is
// solver/LeastSquares (no chemistry there).
#include "reesx/validation/Fit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "reesx/core/Error.h"
#include "reesx/solver/LeastSquares.h"
#include "reesx/thermo/Elements.h"
#include "reesx/thermo/Species.h"

namespace reesx::validation {
namespace {

//! One usable point: where it sits in the parameter vector and what it observed.
struct Row {
    std::size_t test = 0, point = 0;
    int element = 0;
    double log10_d = 0.0;
    double weight = 1.0;  //!< 1 / sigma
};

//! Equilibrium of one batch contact under mass action (Fit.h): total organic RE S (mol/L of
//! organic) solves S = sum_e feed_e D_e / (1 + r D_e), D_e = Kex_e [(HA)2]^3 / [H+]^3,
//! [H+] = H0 + 3 r S, [(HA)2] = (C - 6 S)/2. The right side falls with S: bisection.
struct MassActionContact {
    double h0 = 0.0, extractant = 0.0, ratio = 1.0;
    //! log10 of [(HA)2]^3/[H+]^3 at equilibrium, for the given log10 Kex per point.
    double log10_driving(const std::vector<double>& feed,
                         const std::vector<double>& log10_kex) const
    {
        double total_feed = 0.0;
        for (const double f : feed) {
            total_feed += f;
        }
        double low = 0.0;
        double high = std::min(extractant / 6.0, total_feed / ratio);
        const auto excess = [&](double s) {
            const double h = h0 + 3.0 * ratio * s;
            const double dimer = std::max((extractant - 6.0 * s) / 2.0, 0.0);
            double organic = 0.0;
            for (std::size_t i = 0; i < feed.size(); ++i) {
                // feed D/(1 + r D) written as feed / (1/D + r): finite at D = 0 and D = inf.
                const double inverse_d =
                    dimer > 0.0 ? std::pow(h / dimer, 3.0) * std::pow(10.0, -log10_kex[i])
                                : std::numeric_limits<double>::infinity();
                organic += feed[i] / (inverse_d + ratio);
            }
            return organic - s;
        };
        for (int it = 0; it < 200 && high - low > 1e-15 * high; ++it) {
            const double mid = 0.5 * (low + high);
            (excess(mid) > 0.0 ? low : high) = mid;
        }
        const double s = 0.5 * (low + high);
        const double h = h0 + 3.0 * ratio * s;
        const double dimer = (extractant - 6.0 * s) / 2.0;
        return 3.0 * (std::log10(dimer) - std::log10(h));
    }
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

std::string fit_model_name(FitModel model)
{
    switch (model) {
        case FitModel::separation_factor:
            return "separation-factor";
        case FitModel::mass_action:
            return "mass-action";
        case FitModel::ph_correlation:
            return "ph-correlation";
    }
    return "separation-factor";
}

FitModel parse_fit_model(const std::string& name)
{
    for (const auto m :
         {FitModel::separation_factor, FitModel::mass_action, FitModel::ph_correlation}) {
        if (fit_model_name(m) == name) {
            return m;
        }
    }
    throw InputError("--model: unknown model '" + name +
                     "'; reesx fit knows separation-factor, mass-action, ph-correlation");
}

FitResult fit(const BatchData& data, const FitOptions& options)
{
    const auto started = std::chrono::steady_clock::now();
    FitResult out;
    out.model = options.model;
    out.system = options.base;
    const ExtractionSystem& base = options.base;

    // Elements in the data, in the base's extraction order when it has them.
    std::set<int> present;
    for (const auto& t : data.tests) {
        // Separation factors: an element seen only in single-element tests has no ratio.
        if (options.model == FitModel::separation_factor && t.points.size() < 2) {
            continue;
        }
        for (const auto& p : t.points) {
            present.insert(p.element);
        }
    }
    if (present.size() < 2 && options.model == FitModel::separation_factor) {
        throw InputError(data.path +
                         ": the separation-factor model needs tests with two or more elements "
                         "(their ratios); the data have none");
    }
    std::vector<int> fitted(present.begin(), present.end());
    if (options.model != FitModel::ph_correlation) {
        for (const int e : fitted) {
            if (!base.has(e)) {
                throw InputError(data.path + ": the data have " + species_symbol(e) +
                                 " but the base system '" + base.name +
                                 "' has no value for it; give --system a system that has");
            }
        }
        std::sort(fitted.begin(), fitted.end(),
                  [&](int a, int b) { return base.log10_k(a) < base.log10_k(b); });
    }
    std::map<int, std::size_t> element_slot;

    // Which tests take part, and their rows.
    std::vector<std::size_t> tests;
    for (std::size_t t = 0; t < data.tests.size(); ++t) {
        const BatchTest& test = data.tests[t];
        if (options.model == FitModel::separation_factor && test.points.size() < 2) {
            ++out.tests_dropped;  // one element: an offset that absorbs it, no ratio
            continue;
        }
        if (options.model != FitModel::separation_factor) {
            if (!test.h_mol_per_L) {
                throw InputError(data.path + ":" + std::to_string(test.line) + ": test '" +
                                 test.id + "' has no feed acid (h_mol_per_L); the " +
                                 fit_model_name(options.model) + " model needs it in every test");
            }
            if (options.model == FitModel::mass_action && !test.extractant_mol_per_L) {
                throw InputError(data.path + ":" + std::to_string(test.line) + ": test '" +
                                 test.id +
                                 "' has no extractant concentration (extractant_mol_per_L); the "
                                 "mass-action model needs it in every test");
            }
        }
        tests.push_back(t);
    }
    std::vector<Row> rows;
    bool every_sigma = true;
    std::map<std::size_t, std::size_t> test_slot;
    for (const std::size_t t : tests) {
        test_slot[t] = test_slot.size();
        for (std::size_t i = 0; i < data.tests[t].points.size(); ++i) {
            const BatchPoint& p = data.tests[t].points[i];
            Row r;
            r.test = t;
            r.point = i;
            r.element = p.element;
            r.log10_d = std::log10(p.d);
            r.weight = p.sigma_log10_d ? 1.0 / *p.sigma_log10_d : 1.0;
            every_sigma = every_sigma && p.sigma_log10_d.has_value();
            rows.push_back(r);
        }
    }
    out.tests_used = static_cast<int>(tests.size());

    // Parameter vector and the reported parameters.
    std::vector<std::string> names;
    std::vector<int> name_element;
    Eigen::VectorXd start, lower, upper;
    std::vector<double> s0, lo, hi;
    int reference = -1;
    switch (options.model) {
        case FitModel::separation_factor: {
            reference =
                std::find(fitted.begin(), fitted.end(), element_index("La").value()) != fitted.end()
                    ? element_index("La").value()
                    : fitted.front();
            out.reference = species_symbol(reference);
            for (const int e : fitted) {
                if (e == reference) {
                    continue;
                }
                element_slot[e] = names.size();
                names.push_back("log10 K(" + species_symbol(e) + ")");
                name_element.push_back(e);
                s0.push_back(base.log10_k(e));
                lo.push_back(base.log10_k(reference) - 10.0);
                hi.push_back(base.log10_k(reference) + 15.0);
            }
            for (const std::size_t t : tests) {
                // Offset start: the test's median of log10 D - log10 K.
                std::vector<double> v;
                for (const auto& p : data.tests[t].points) {
                    v.push_back(std::log10(p.d) - base.log10_k(p.element));
                }
                s0.push_back(median(v));
                lo.push_back(-30.0);
                hi.push_back(30.0);
            }
            out.nuisance_parameters = static_cast<int>(tests.size());
            break;
        }
        case FitModel::mass_action: {
            const double anchor = base.log10_kex_reference ? base.log10_kex_reference->value : -3.0;
            for (const int e : fitted) {
                element_slot[e] = names.size();
                names.push_back("log10 Kex(" + species_symbol(e) + ")");
                name_element.push_back(e);
                s0.push_back(anchor + base.log10_k(e));
                lo.push_back(-20.0);
                hi.push_back(20.0);
            }
            break;
        }
        case FitModel::ph_correlation: {
            for (const int e : fitted) {
                element_slot[e] = names.size();
                names.push_back("slope(" + species_symbol(e) + ")");
                names.push_back("intercept(" + species_symbol(e) + ")");
                name_element.push_back(e);
                name_element.push_back(e);
                s0.insert(s0.end(), {1.0, 0.0});
                lo.insert(lo.end(), {-10.0, -30.0});
                hi.insert(hi.end(), {10.0, 30.0});
            }
            break;
        }
    }
    const std::size_t reported = names.size();
    const std::size_t n_params = s0.size();
    if (rows.size() <= n_params) {
        throw InputError(data.path + ": " + std::to_string(rows.size()) + " usable points for " +
                         std::to_string(n_params) + " parameters of the " +
                         fit_model_name(options.model) +
                         " model: the fit needs more points than parameters");
    }
    start = Eigen::Map<Eigen::VectorXd>(s0.data(), static_cast<Eigen::Index>(n_params));
    lower = Eigen::Map<Eigen::VectorXd>(lo.data(), static_cast<Eigen::Index>(n_params));
    upper = Eigen::Map<Eigen::VectorXd>(hi.data(), static_cast<Eigen::Index>(n_params));

    // pH of each test's equilibrium aqueous (ph-correlation), from the measured D.
    std::map<std::size_t, double> test_ph;
    if (options.model == FitModel::ph_correlation) {
        for (const std::size_t t : tests) {
            const BatchTest& test = data.tests[t];
            double organic = 0.0;
            for (const auto& p : test.points) {
                organic += p.feed_mol_per_L * p.d / (1.0 + test.o_to_a * p.d);
            }
            const double h = *test.h_mol_per_L + 3.0 * test.o_to_a * organic;
            if (!(h > 0.0)) {
                throw InputError(data.path + ":" + std::to_string(test.line) + ": test '" +
                                 test.id +
                                 "' has no acid at equilibrium (feed acid 0, nothing "
                                 "extracted): its pH is undefined");
            }
            test_ph[t] = -std::log10(h);
        }
    }

    const double reference_value = reference >= 0 ? base.log10_k(reference) : 0.0;
    const auto predict = [&](const Eigen::VectorXd& p, Eigen::VectorXd& fitted_log10_d) {
        fitted_log10_d.resize(static_cast<Eigen::Index>(rows.size()));
        switch (options.model) {
            case FitModel::separation_factor:
                for (std::size_t k = 0; k < rows.size(); ++k) {
                    const Row& r = rows[k];
                    const double kval =
                        r.element == reference
                            ? reference_value
                            : p[static_cast<Eigen::Index>(element_slot.at(r.element))];
                    fitted_log10_d[static_cast<Eigen::Index>(k)] =
                        p[static_cast<Eigen::Index>(reported + test_slot.at(r.test))] + kval;
                }
                break;
            case FitModel::mass_action: {
                std::size_t k = 0;
                std::vector<double> feed, kex;
                for (const std::size_t t : tests) {
                    const BatchTest& test = data.tests[t];
                    feed.clear();
                    kex.clear();
                    for (const auto& pt : test.points) {
                        feed.push_back(pt.feed_mol_per_L);
                        kex.push_back(p[static_cast<Eigen::Index>(element_slot.at(pt.element))]);
                    }
                    const MassActionContact contact{*test.h_mol_per_L, *test.extractant_mol_per_L,
                                                    test.o_to_a};
                    const double driving = contact.log10_driving(feed, kex);
                    for (std::size_t i = 0; i < test.points.size(); ++i, ++k) {
                        fitted_log10_d[static_cast<Eigen::Index>(k)] = kex[i] + driving;
                    }
                }
                break;
            }
            case FitModel::ph_correlation:
                for (std::size_t k = 0; k < rows.size(); ++k) {
                    const Row& r = rows[k];
                    const auto slot = static_cast<Eigen::Index>(element_slot.at(r.element));
                    fitted_log10_d[static_cast<Eigen::Index>(k)] =
                        p[slot] * test_ph.at(r.test) + p[slot + 1];
                }
                break;
        }
    };
    // Mass action: the test's points are consecutive in `rows` (built in that order), which
    // `predict` relies on.
    LeastSquaresProblem problem;
    problem.lower = lower;
    problem.upper = upper;
    problem.evaluate = [&](const Eigen::VectorXd& p, Eigen::VectorXd& r, Eigen::MatrixXd*) {
        Eigen::VectorXd f;
        predict(p, f);
        r.resize(f.size());
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const auto i = static_cast<Eigen::Index>(k);
            r[i] = (rows[k].log10_d - f[i]) * rows[k].weight;
        }
    };
    const LeastSquaresResult ls = levenberg_marquardt(problem, start);
    out.iterations = ls.iterations;
    out.converged = ls.converged;
    out.rank_deficiency = ls.rank_deficiency;
    out.degrees_of_freedom =
        static_cast<int>(rows.size()) - static_cast<int>(n_params) + ls.rank_deficiency;
    out.sigma_from_data = !every_sigma;
    const double s2 = out.degrees_of_freedom > 0 ? ls.cost / out.degrees_of_freedom : 0.0;
    out.sigma_log10_d = std::sqrt(s2);
    const Eigen::MatrixXd covariance = ls.unscaled_covariance * (every_sigma ? 1.0 : s2);
    const auto nr = static_cast<Eigen::Index>(reported);
    out.covariance = covariance.topLeftCorner(nr, nr);
    out.correlation = out.covariance;
    for (Eigen::Index i = 0; i < nr; ++i) {
        for (Eigen::Index j = 0; j < nr; ++j) {
            const double d = std::sqrt(out.covariance(i, i) * out.covariance(j, j));
            out.correlation(i, j) = d > 0.0 ? out.covariance(i, j) / d : (i == j ? 1.0 : 0.0);
        }
    }
    for (std::size_t i = 0; i < reported; ++i) {
        FitParameter fp;
        fp.name = names[i];
        fp.element = name_element[i];
        fp.estimate = ls.parameters[static_cast<Eigen::Index>(i)];
        fp.standard_error = std::sqrt(
            std::max(covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)), 0.0));
        fp.at_bound = ls.at_bound[i];
        if (fp.at_bound) {
            out.warnings.push_back(fp.name + " is at its bound (" + std::to_string(fp.estimate) +
                                   "): the data do not place it; its standard error is not "
                                   "meaningful");
        }
        out.parameters.push_back(fp);
    }
    if (ls.rank_deficiency > 0) {
        out.warnings.push_back(std::to_string(ls.rank_deficiency) +
                               " parameter direction(s) not determined by the data (e.g. an "
                               "element in one test only, or a pH slope from one pH)");
    }
    if (!ls.converged) {
        out.warnings.push_back("the least-squares iteration stopped after " +
                               std::to_string(ls.iterations) + " iterations without converging");
    }

    // Residuals per point (studentized with the leverage) and per source.
    Eigen::VectorXd fitted_values;
    predict(ls.parameters, fitted_values);
    const Eigen::MatrixXd leverage_basis = ls.jacobian * ls.unscaled_covariance;
    std::map<std::string, std::vector<double>> per_source;
    double sum_squares = 0.0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const auto i = static_cast<Eigen::Index>(k);
        const Row& r = rows[k];
        const BatchTest& test = data.tests[r.test];
        const BatchPoint& bp = test.points[r.point];
        FitPoint fp;
        fp.test = test.id;
        fp.source = test.source;
        fp.line = bp.line;
        fp.column = bp.column;
        fp.element = r.element;
        fp.observed_log10_d = r.log10_d;
        fp.fitted_log10_d = fitted_values[i];
        fp.residual = r.log10_d - fitted_values[i];
        const double h = std::clamp(leverage_basis.row(i).dot(ls.jacobian.row(i)), 0.0, 1.0);
        const double scale = out.sigma_log10_d / r.weight * std::sqrt(std::max(1.0 - h, 1e-12));
        fp.studentized = scale > 0.0 && h < 1.0 - 1e-9 ? fp.residual / scale : 0.0;
        fp.outlier = std::abs(fp.studentized) > options.outlier_limit;
        sum_squares += fp.residual * fp.residual;
        per_source[test.source].push_back(fp.residual);
        out.points.push_back(fp);
    }
    out.rms_log10_d = std::sqrt(sum_squares / static_cast<double>(rows.size()));
    for (const auto& [source, residuals] : per_source) {
        SourceResiduals sr;
        sr.source = source;
        sr.points = static_cast<int>(residuals.size());
        double sum = 0.0, sq = 0.0;
        for (const double r : residuals) {
            sum += r;
            sq += r * r;
        }
        sr.mean = sum / static_cast<double>(residuals.size());
        sr.rms = std::sqrt(sq / static_cast<double>(residuals.size()));
        out.by_source.push_back(sr);
    }
    const auto outliers = std::count_if(out.points.begin(), out.points.end(),
                                        [](const FitPoint& p) { return p.outlier; });
    if (outliers > 0) {
        out.warnings.push_back(std::to_string(outliers) + " outlier(s) (|studentized residual| > " +
                               std::to_string(options.outlier_limit).substr(0, 3) +
                               "), listed under outliers; kept in the fit");
    }

    // The fitted system: fitted values replace the base's, the others are kept.
    if (options.model != FitModel::ph_correlation) {
        ExtractionSystem& sys = out.system;
        std::vector<std::string> cov_names;
        Eigen::MatrixXd transform;  // system values = transform * reported parameters + const
        const std::string provenance =
            "fit of the " + fit_model_name(options.model) + " model to " + data.path + " (" +
            std::to_string(rows.size()) + " points, " + std::to_string(tests.size()) + " tests)";
        if (options.model == FitModel::separation_factor) {
            transform = Eigen::MatrixXd::Identity(nr, nr);
            for (std::size_t i = 0; i < reported; ++i) {
                cov_names.push_back(species_symbol(name_element[i]));
            }
        } else {
            // log10 K_e = log10 Kex_e - reference; the reference is the Kex of the base's
            // zero element when fitted (La), else the mean shift of the fitted elements.
            Eigen::RowVectorXd ref_row = Eigen::RowVectorXd::Zero(nr);
            int zero_element = -1;
            for (std::size_t i = 0; i < reported; ++i) {
                if (std::abs(base.log10_k(name_element[i])) < 1e-12) {
                    zero_element = static_cast<int>(i);
                }
            }
            double ref_const = 0.0;
            if (zero_element >= 0) {
                ref_row[zero_element] = 1.0;
            } else {
                for (std::size_t i = 0; i < reported; ++i) {
                    ref_row[static_cast<Eigen::Index>(i)] = 1.0 / static_cast<double>(reported);
                    ref_const -= base.log10_k(name_element[i]) / static_cast<double>(reported);
                }
            }
            transform = Eigen::MatrixXd::Zero(nr + 1, nr);
            for (std::size_t i = 0; i < reported; ++i) {
                const auto ii = static_cast<Eigen::Index>(i);
                transform.row(ii) = -ref_row;
                transform(ii, ii) += 1.0;
                cov_names.push_back(species_symbol(name_element[i]));
            }
            transform.row(nr) = ref_row;
            cov_names.push_back("log10-kex-reference");
            const double ref_value = ref_row.dot(ls.parameters.head(nr)) + ref_const;
            Anchor a;
            a.value = ref_value;
            a.residual = out.rms_log10_d;
            a.source = provenance + ", rms residual " +
                       std::to_string(out.rms_log10_d).substr(0, 5) + " in log10 D";
            sys.log10_kex_reference = a;
        }
        const Eigen::MatrixXd system_cov = transform * out.covariance * transform.transpose();
        for (std::size_t i = 0; i < reported; ++i) {
            const int e = name_element[i];
            const auto ii = static_cast<Eigen::Index>(i);
            double value = ls.parameters[ii];
            if (options.model == FitModel::mass_action) {
                value -= sys.log10_kex_reference->value;
            }
            const double se = std::sqrt(std::max(system_cov(ii, ii), 0.0));
            Extractability x;
            x.log10_k = value;
            x.log10_k_low = value - 2.0 * se;
            x.log10_k_high = value + 2.0 * se;
            x.source = provenance + ": " + std::to_string(value).substr(0, 7) + " +- " +
                       std::to_string(se).substr(0, 6) + " (1 SE), range +- 2 SE";
            x.design_estimate = false;
            if (options.model == FitModel::mass_action && std::abs(base.log10_k(e)) < 1e-12) {
                x.source =
                    "reference element (log10 K = 0 by definition); its fitted log10 Kex "
                    "is log10-kex-reference";
            }
            sys.extractability[static_cast<std::size_t>(e)] = x;
        }
        // Values the data do not reach keep the base's pair factor with their lower neighbour
        // (the base's values are cumulative pair factors), so the fitted shift of a
        // neighbour carries to them and the base's order among them holds.
        std::set<int> placed(fitted.begin(), fitted.end());
        int previous = -1;
        for (const int e : base.extraction_order()) {
            if (!placed.contains(e) && previous >= 0) {
                auto& x = *sys.extractability[static_cast<std::size_t>(e)];
                const double shift = sys.log10_k(previous) - base.log10_k(previous);
                if (std::abs(shift) > 0.0) {
                    x.log10_k += shift;
                    x.log10_k_low += shift;
                    x.log10_k_high += shift;
                    x.source += " [kept: this pair factor with " + species_symbol(previous) +
                                " from the base, shifted with " + species_symbol(previous) +
                                "'s fitted value]";
                }
            }
            previous = e;
        }
        if (options.model == FitModel::separation_factor) {
            // The reference element keeps the base's value (exact by construction).
            auto& x = *sys.extractability[static_cast<std::size_t>(reference)];
            x.source = "reference of the fit (held at the base's value): " + x.source;
        }
        SystemFit f;
        f.model = fit_model_name(options.model);
        f.data = data.path + " (" + data.checksum + ", " + std::to_string(rows.size()) +
                 " points, " + std::to_string(tests.size()) + " tests)";
        f.parameters = cov_names;
        f.rms_log10_d = out.rms_log10_d;
        for (Eigen::Index i = 0; i < system_cov.rows(); ++i) {
            std::vector<double> row;
            for (Eigen::Index j = 0; j < system_cov.cols(); ++j) {
                row.push_back(system_cov(i, j));
            }
            f.covariance.push_back(std::move(row));
        }
        sys.fit = f;
        sys.origin = "fitted by reesx fit from " + data.path;
        // Order check: a fitted value that moves an element past a kept neighbour.
        const auto order = sys.extraction_order();
        for (std::size_t i = 0; i + 1 < order.size(); ++i) {
            const int a = order[i], b = order[i + 1];
            if (base.has(a) && base.has(b) && base.log10_k(a) > base.log10_k(b)) {
                out.warnings.push_back("the fit puts " + species_symbol(a) + " below " +
                                       species_symbol(b) +
                                       ", the reverse of the base system's order");
            }
        }
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace reesx::validation
