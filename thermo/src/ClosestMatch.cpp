// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// "Did you mean ...?": the nearest of the known words to a misspelt one.
#include <algorithm>
#include <cctype>
#include <limits>

#include "InputDetail.h"
#include "reesx/core/Input.h"

namespace reesx {

namespace input_detail {

std::string canonical(std::string_view word)
{
    std::string out;
    for (const char c : word) {
        out += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace input_detail

namespace {

using input_detail::canonical;

//! Edit distance counting a swap of neighbours as one edit ("flwo" is one edit from "flow").
std::size_t edit_distance(const std::string& a, const std::string& b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates)
{
    const std::string w = canonical(word);
    if (w.empty()) {
        return "";
    }
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto candidate : candidates) {
        const std::string c = canonical(candidate);
        const std::size_t d = edit_distance(w, c);
        // Two edits turn any two-letter word into any other ("Xy" into "Nd"): short words get
        // one.
        const std::size_t limit =
            std::min<std::size_t>(2, std::max<std::size_t>(1, std::min(w.size(), c.size()) / 2));
        if (d <= limit && d < best_distance) {
            best_distance = d;
            best = std::string(candidate);
        }
    }
    return best;
}

}  // namespace reesx
