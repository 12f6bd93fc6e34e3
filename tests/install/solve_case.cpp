// Solves a case file with the installed reesx library and prints each product's purity.
#include <cstdio>
#include <exception>
#include <string>

#include "reesx/core/Error.h"
#include "reesx/flowsheets/Cascade.h"
#include "reesx/flowsheets/Case.h"
#include "reesx/io/Results.h"

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: solve_case CASE.yaml\n");
        return 1;
    }
    try {
        const reesx::CaseSpec spec = reesx::parse_case(reesx::InputNode::load_file(argv[1]));
        reesx::Cascade cascade(spec);
        const reesx::CascadeResult result = cascade.solve();
        if (!result.solver.converged) {
            std::fprintf(stderr, "not converged\n");
            return 2;
        }
        for (const auto& product : result.products) {
            std::printf("%s purity %.6f\n", product.name.c_str(), product.purity);
        }
        // The package's folder is PREFIX/lib/cmake/reesx.
        const std::string dir = REESX_PREFIX;
        std::printf("solved with reesx %s (package %s) from %s\n", reesx::io::version().c_str(),
                    REESX_PACKAGE_VERSION, dir.substr(0, dir.rfind("/lib")).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "solve_case: %s\n", e.what());
        return 1;
    }
    return 0;
}
