// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/validation/Validation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Cascade.h"

#include "ValidationDetail.h"

namespace reesx::validation {

using detail::kCaseIndex;
using detail::printf_string;

namespace {

//! Largest element-balance error (|feed - products| / feed) accepted from a run.
constexpr double kBalanceTolerance = 1e-9;

int product_index(const CascadeResult& r, const std::string& name)
{
    for (std::size_t p = 0; p < r.products.size(); ++p) {
        if (r.products[p].name == name) {
            return static_cast<int>(p);
        }
    }
    return -1;
}

const ProductResult& product(const CascadeResult& r, const std::string& name)
{
    const int p = product_index(r, name);
    if (p < 0) {
        std::string names;
        for (const auto& pr : r.products) {
            names += (names.empty() ? "" : ", ") + pr.name;
        }
        throw InputError("the case has no product '" + name + "' (products: " + names + ")");
    }
    return r.products[static_cast<std::size_t>(p)];
}

int element_index_checked(const std::string& symbol)
{
    return *element_index(symbol);
}

//! The smallest reflux that meets `purity` for both products of a separation-factor cascade,
//! found by bisection on simulations (no theory formula is used): aqueous feed — S varies with
//! W = S - f'_A; organic feed — W varies with S = W - f'_B, where f'_A, f'_B are the product
//! splits the purities fix (chemistry.md §3.1). The cut lies between `more` and `less`:
//! product A (loaded organic) is every element at least as extractable as `more`, product B
//! (raffinate) every element at most as extractable as `less` (group purities, as in
//! `reesx design`); with two elements these are the two elements' purities.
//! Returns {S, W} at the minimum.
std::pair<double, double> minimum_reflux(const CaseSpec& base, const ComputedSpec& c)
{
    const int a = element_index_checked(c.more);
    const int b = element_index_checked(c.less);
    if (base.feeds.size() != 1 || !base.scrub || base.stages_strip != 0 ||
        base.components.size() < 2 || base.model_name != "separation-factor") {
        throw InputError(
            "minimum-reflux needs a separation-factor case with one feed, a scrub section and "
            "no strip section");
    }
    const auto in_case = [&](int e) {
        return std::find(base.components.begin(), base.components.end(), e) !=
               base.components.end();
    };
    if (!in_case(a) || !in_case(b) || !(base.system.beta(a, b) > 1.0) ||
        !base.organic_capacity_mol_per_L()) {
        throw InputError("minimum-reflux: '" + c.more + "' and '" + c.less +
                         "' must be elements of the case, the first the more extractable, "
                         "and the organic needs a loading (or extractant and saponification)");
    }
    std::vector<int> group_a, group_b;
    for (const int e : base.components) {
        if (base.system.beta(e, a) >= 1.0) {
            group_a.push_back(e);
        } else if (base.system.beta(e, b) <= 1.0) {
            group_b.push_back(e);
        } else {
            throw InputError("minimum-reflux: " + std::string(elements()[e].symbol) +
                             " lies between the key elements " + c.less + " and " + c.more +
                             "; name the two elements on either side of the cut");
        }
    }
    const auto group_fraction = [](const std::vector<int>& group, const auto& fractions) {
        double sum = 0.0;
        for (const int e : group) {
            sum += fractions[e];
        }
        return sum;
    };
    const FeedSpec& feed = base.feeds.front();
    const double f_b = group_fraction(group_b, feed.mole_fraction);
    const double p = c.purity;
    const double p_b = c.purity_b;
    // f'_A, mol per mol feed RE, from the balance of group B over the two products.
    const double split_a = (p_b - f_b) / (p + p_b - 1.0);
    const double split_b = 1.0 - split_a;
    const double feed_re = base.feed_re_mol_per_h();
    const double capacity = *base.organic_capacity_mol_per_L();
    const bool aqueous_feed = feed.phase == Phase::aqueous;

    CaseSpec spec = base;
    auto set_reflux = [&](double s, double w) {
        spec.organic.flow_L_per_h = s * feed_re / capacity;
        spec.scrub->flow_L_per_h = 3.0 * w * feed_re / spec.scrub->acid_mol_per_L;
    };
    // The varied reflux: S for an aqueous feed, W for an organic feed.
    auto meets = [&](double varied) {
        if (aqueous_feed) {
            set_reflux(varied, varied - split_a);
        } else {
            set_reflux(varied - split_b, varied);
        }
        try {
            Cascade cascade(spec);
            const CascadeResult r = cascade.solve();
            return group_fraction(group_a, product(r, "loaded_organic").composition) >= p &&
                   group_fraction(group_b, product(r, "raffinate").composition) >= p_b;
        } catch (const InfeasibleError&) {
            return false;
        } catch (const ConvergenceError&) {
            return false;
        }
    };
    // Lower end: no reflux at all (W = 0 or S = 0) cannot separate anything.
    double lo = aqueous_feed ? split_a : split_b;
    double hi = 2.0 * lo + 1.0;
    int doublings = 0;
    while (!meets(hi)) {
        lo = hi;
        hi *= 2.0;
        if (++doublings > 12) {
            throw InfeasibleError("no reflux up to " + printf_string("%.4g", hi) +
                                  " mol per mol feed meets purity " + printf_string("%.6g", p) +
                                  (p_b != p ? "/" + printf_string("%.6g", p_b) : std::string()) +
                                  " in " + std::to_string(base.num_stages()) + " stages");
        }
    }
    const double rel = std::pow(10.0, -c.precision_digits);
    while (hi - lo > rel * hi) {
        const double mid = 0.5 * (lo + hi);
        (meets(mid) ? hi : lo) = mid;
    }
    const double s = aqueous_feed ? hi : hi - split_b;
    const double w = aqueous_feed ? hi - split_a : hi;
    return {s, w};
}

//! Minimum-reflux searches already done, by case file, elements, purity and precision: S_min
//! and W_min come from the same search.
using MinimumRefluxCache = std::map<std::string, std::pair<double, double>>;

//! D = q/c of an element leaving a stage, from the log10 arrays (exact for trace elements).
double distribution_ratio(const CascadeResult& r, int stage, const std::string& element)
{
    if (stage > r.num_stages) {
        throw InputError("distribution-ratio: stage " + std::to_string(stage) +
                         " is beyond the cascade's " + std::to_string(r.num_stages) + " stages");
    }
    const int e = element_index_checked(element);
    const double log10_d = r.organic_log10(stage - 1, e) - r.aqueous_log10(stage - 1, e);
    if (!std::isfinite(log10_d)) {
        throw InputError("distribution-ratio: " + element +
                         " is not in the case (no feed of it); name an element of the feed");
    }
    return std::pow(10.0, log10_d);
}

//! `other` is the run of `c.divided_by` (distribution-ratio only).
double compute(const ComputedSpec& c, const CaseSpec& spec, const CascadeResult* r,
               MinimumRefluxCache& cache, const std::string& case_file, const CascadeResult* other)
{
    if (c.type == "minimum-reflux") {
        const std::string key =
            case_file + "|" + c.more + "/" + c.less + "|" + printf_string("%.17g", c.purity) + "|" +
            printf_string("%.17g", c.purity_b) + "|" + std::to_string(c.precision_digits);
        auto it = cache.find(key);
        if (it == cache.end()) {
            it = cache.emplace(key, minimum_reflux(spec, c)).first;
        }
        return c.reflux == "S" ? it->second.first : it->second.second;
    }
    if (c.type == "recovery") {
        const int p = product_index(*r, c.product);
        product(*r, c.product);  // names the valid products when absent
        return r->recovery[static_cast<std::size_t>(p)][element_index_checked(c.element)];
    }
    if (c.type == "mole-fraction") {
        return product(*r, c.product).composition[element_index_checked(c.element)];
    }
    if (c.type == "reflux") {
        return c.reflux == "S" ? r->reflux_S : r->reflux_W;
    }
    if (c.type == "distribution-ratio") {
        const double d = distribution_ratio(*r, c.stage, c.element);
        return c.divided_by.empty() ? d
                                    : d / distribution_ratio(*other, c.stage, c.divisor_element);
    }
    if (c.stage > r->num_stages) {
        throw InputError(c.type + ": stage " + std::to_string(c.stage) +
                         " is beyond the cascade's " + std::to_string(r->num_stages) + " stages");
    }
    if (c.type == "aqueous-concentration" || c.type == "organic-concentration") {
        // mol/L leaving the stage, from the log10 arrays (no underflow for trace elements).
        const auto& log10 = c.type == "aqueous-concentration" ? r->aqueous_log10 : r->organic_log10;
        return std::pow(10.0, log10(c.stage - 1, element_index_checked(c.element)));
    }
    const int a = element_index_checked(c.more);
    const int b = element_index_checked(c.less);
    if (c.type == "separation-factor") {
        const Eigen::Index j = c.stage - 1;
        // From the log10 arrays: exact for trace elements whose linear values underflow.
        const double log10_beta = (r->organic_log10(j, a) - r->aqueous_log10(j, a)) -
                                  (r->organic_log10(j, b) - r->aqueous_log10(j, b));
        return std::pow(10.0, log10_beta);
    }
    // fenske-stages: lg(a·b) / lg(beta) from the two products, with
    // a·b = (n_A/n_B in the A product) / (n_A/n_B in the B product) (chemistry.md §3.5).
    const auto& pa = product(*r, "loaded_organic");
    const auto& pb = product(*r, "raffinate");
    const double ln_ab = std::log(pa.mol_per_h[a]) - std::log(pa.mol_per_h[b]) -
                         std::log(pb.mol_per_h[a]) + std::log(pb.mol_per_h[b]);
    return ln_ab / std::log(spec.system.beta(a, b));
}

}  // namespace

std::vector<Row> evaluate(const ValidationCase& vc)
{
    std::vector<Row> rows;
    for (const auto& cmp : vc.comparisons) {
        Row row;
        row.case_name = vc.name;
        row.kind = vc.kind;
        row.source = vc.source;
        row.quantity = cmp.quantity;
        row.published = cmp.published;
        row.tolerance = cmp.tolerance;
        row.relative = cmp.relative;
        row.status = Status::pending;
        row.note = vc.pending.value_or("");
        rows.push_back(row);
    }
    if (vc.pending) {
        return rows;
    }
    // Each reesx input is parsed once and solved once (when some comparison reads its result).
    struct Run {
        CaseSpec spec;
        std::optional<CascadeResult> result;
        std::string error;
    };
    std::map<std::string, Run> runs;
    auto prepare = [&](const std::string& file, bool solve) {
        auto [it, inserted] = runs.try_emplace(file);
        Run& run = it->second;
        if (inserted) {
            run.spec = parse_case(
                InputNode::load_string(vc.files.text.at(file), vc.files.display_path.at(file)));
        }
        if (solve && !run.result && run.error.empty()) {
            try {
                Cascade cascade(run.spec);
                run.result = cascade.solve();
                // No comparison is trusted from a run whose element balances do not close.
                if (!(run.result->mass_balance_relative_error <= kBalanceTolerance)) {
                    run.error = "element balance does not close: relative error " +
                                printf_string("%.3g", run.result->mass_balance_relative_error);
                    run.result.reset();
                }
            } catch (const InputError&) {
                throw;
            } catch (const Error& e) {
                run.error = e.what();
            }
        }
    };
    for (const auto& cmp : vc.comparisons) {
        if (cmp.case_file.empty()) {
            throw InputError(vc.files.display_path.at(kCaseIndex) + ": comparison '" +
                             cmp.quantity + "' has no case file to run");
        }
        prepare(cmp.case_file, cmp.computed.type != "minimum-reflux");
        if (!cmp.computed.divided_by.empty()) {
            prepare(cmp.computed.divided_by, true);
        }
    }
    MinimumRefluxCache min_reflux_cache;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const Comparison& cmp = vc.comparisons[k];
        Row& row = rows[k];
        row.note.clear();
        const Run& run = runs.at(cmp.case_file);
        try {
            if (!run.error.empty() && cmp.computed.type != "minimum-reflux") {
                throw ConvergenceError(run.error);
            }
            const CascadeResult* other = nullptr;
            if (!cmp.computed.divided_by.empty()) {
                const Run& divisor = runs.at(cmp.computed.divided_by);
                if (!divisor.error.empty()) {
                    throw ConvergenceError(cmp.computed.divided_by + ": " + divisor.error);
                }
                other = &*divisor.result;
            }
            const double computed =
                compute(cmp.computed, run.spec, run.result ? &*run.result : nullptr,
                        min_reflux_cache, cmp.case_file, other);
            row.computed = computed;
            const double diff = computed - cmp.published;
            row.difference = cmp.relative ? diff / std::abs(cmp.published) : diff;
            const bool within =
                std::isfinite(*row.difference) && std::abs(*row.difference) <= cmp.tolerance;
            if (within) {
                row.status = Status::pass;
                if (cmp.known_discrepancy) {
                    // An explained failure that no longer fails: the case file is out of date.
                    row.status = Status::fail;
                    row.note =
                        "passes, but the case records a known discrepancy: update "
                        "validation.yaml and README.md";
                }
            } else if (cmp.known_discrepancy) {
                row.status = Status::known_discrepancy;
                row.note = cmp.discrepancy;
            } else {
                row.status = Status::fail;
            }
        } catch (const InputError&) {
            throw;
        } catch (const Error& e) {
            row.status = Status::error;
            row.note = e.what();
        }
    }
    return rows;
}

Report run(const std::vector<CaseFiles>& folders, const std::vector<std::string>& only)
{
    for (const auto& name : only) {
        const bool found = std::any_of(folders.begin(), folders.end(),
                                       [&](const CaseFiles& f) { return f.name == name; });
        if (!found) {
            std::string names;
            for (const auto& f : folders) {
                names += (names.empty() ? "" : ", ") + f.name;
            }
            throw InputError("--case " + name + ": no such validation case (cases: " + names + ")");
        }
    }
    const auto start = std::chrono::steady_clock::now();
    Report report;
    for (const auto& folder : folders) {
        if (!only.empty() && std::find(only.begin(), only.end(), folder.name) == only.end()) {
            continue;
        }
        const ValidationCase vc = parse_case_folder(folder);
        for (auto& row : evaluate(vc)) {
            report.rows.push_back(std::move(row));
        }
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace reesx::validation
