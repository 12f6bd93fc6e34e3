// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// What passes between the plant's cascades: an outlet as a stream, a stream as the next
// cascade's feed, the share of an outlet a stream takes; and the plant's products, balances
// and reagents from its solved cascades.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "reesx/flowsheets/Plant.h"

namespace reesx::plant_detail {

//! The stream a cascade outlet delivers as a feed of the next cascade (`to`).
FeedSpec feed_from_stream(const StreamValue& v, Inlet inlet, int stage, const CaseSpec& to);

//! An outlet of a solved cascade as a stream (all of it).
StreamValue outlet_value(const CascadeResult& r, const std::string& outlet);

//! The share of an outlet a stream takes (fraction of its flow). InfeasibleError when it
//! asks for more liquid than the outlet carries.
double stream_share(const PlantSpec& spec, const PlantStreamSpec& s, const StreamValue& outlet);

//! Takes the impurity ions out of the feeds of a cascade that passes them (`ion-outlets`:
//! its model carries none) and returns their mol/h by impurity index. InfeasibleError for an
//! ion that `routes` does not name.
std::array<double, num_impurities> take_passing_ions(std::vector<FeedSpec>& feeds,
                                                     const std::map<int, std::string>& routes,
                                                     const std::string& cascade);

//! Adds the ions `take_passing_ions` took to the outlets `routes` names, each whole.
void add_passing_ions(CascadeResult& r, const std::map<int, std::string>& routes,
                      const std::array<double, num_impurities>& ions);

//! Fills `result`'s products (what of every outlet no stream takes), balances, reagents and
//! the cascades' warnings from the solved cascades `cascades`; `feed` and `impurity_feed` are
//! the plant's feeds in mol/h.
void collect_products(const PlantSpec& spec, const std::vector<CascadeResult>& cascades,
                      const std::array<double, num_elements>& feed,
                      const std::array<double, num_impurities>& impurity_feed, PlantResult& result);

}  // namespace reesx::plant_detail
