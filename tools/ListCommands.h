// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// The commands that list the built-in data: elements, systems, feeds, countries.
#pragma once

#include <string>

namespace reesx::cli {

//! `reesx elements`: the 17 rare earths with their sources; exit code.
int list_elements();
//! `reesx systems [NAME]`: the extraction systems, or one system's values and sources.
int list_systems(const std::string& name);
//! `reesx feeds [NAME]`: the built-in feed library, or one feed's distribution.
int list_feeds(const std::string& name);
//! `reesx countries [CODE]`: the cost data by country, or one country's.
int list_countries(const std::string& country);

}  // namespace reesx::cli
