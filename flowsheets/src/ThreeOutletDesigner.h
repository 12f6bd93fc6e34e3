// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What the three-outlet designer (ThreeOutlet.cpp) and its comparison with two two-outlet
// cascades (ThreeOutletAlternatives.cpp) share: the designer's state and the sums over
// element groups.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "Designer.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/flowsheets/Design.h"

namespace reesx::three_outlet_detail {

std::string group_name(const std::vector<int>& group);

template <std::size_t N>
double sum_of(const std::array<double, N>& mol, const std::vector<int>& group)
{
    double total = 0.0;
    for (const int e : group) {
        total += mol[e];
    }
    return total;
}

//! Total rare earths of a stream by species (the first num_elements entries).
template <std::size_t N>
double total_of(const std::array<double, N>& mol)
{
    double total = 0.0;
    for (int e = 0; e < num_elements; ++e) {
        total += mol[static_cast<std::size_t>(e)];
    }
    return total;
}

const ProductResult& product(const CascadeResult& r, const std::string& name);

//! Saponification base; HCl = scrub + strip H+ plus 3 H+ per RE of every organic outlet but
//! the stripped organic (each is stripped to become a product or the next cascade's feed).
void reagents(const CascadeResult& r, double& base, double& hcl);

struct Trial {
    int draw_stage = 0, peak_stage = 0;  //!< 1-based
    std::array<double, 3> purity{};      //!< C, M, A group purities
    bool converged = false;
};

class ThreeOutletDesigner {
public:
    ThreeOutletDesigner(const DesignSpec& spec,
                        const std::function<void(const std::string&)>& progress)
        : spec_(spec), progress_(progress)
    {
    }
    ThreeOutletResult run();

private:
    const DesignSpec& spec_;
    const std::function<void(const std::string&)>& progress_;
    ThreeOutletResult result_;
    std::array<double, 3> f_{};       //!< feed mole fractions of C, M, A
    std::array<double, 3> target_{};  //!< purities of C, M, A
    std::string a_outlet_;
    std::map<std::tuple<int, int, int>, Trial> cache_;
    std::map<std::pair<int, int>, Trial> at_peak_cache_;

    void say(const std::string& line) const
    {
        if (progress_) {
            progress_(line);
        }
    }
    std::string case_yaml(int n, int m, int draw_stage) const;
    CascadeResult simulate(int n, int m, int draw_stage);
    Trial trial(int n, int m, int draw_stage);
    Trial at_peak(int n, int m);
    bool meets(const Trial& t) const
    {
        for (int g = 0; g < 3; ++g) {
            if (!(t.purity[g] >= target_[g])) {
                return false;
            }
        }
        return t.converged;
    }
    //! log10 of impurity over allowed impurity, per product (<= 0: met).
    double deficit(const Trial& t, int g) const
    {
        return std::log10(std::max(1.0 - t.purity[g], 1e-300) / (1.0 - target_[g]));
    }
    double worst(const Trial& t) const
    {
        return std::max({deficit(t, 0), deficit(t, 1), deficit(t, 2)});
    }
    void choose_reflux();
    void set_reflux(double s);
    std::optional<std::pair<int, int>> size_stages();
    double r_share_ = 0.0;  //!< f'_C: the raffinate's share of the feed RE
    double a_c_ = 0.0;      //!< the middle product's allowance of C (mole fraction)
    double s_cap_ = 0.0;    //!< the largest S tried before a target counts as unreachable
    Trial last_;            //!< the last trial of a search that stalled
    void fill(int n, int m);
    void alternatives();
};

}  // namespace reesx::three_outlet_detail
