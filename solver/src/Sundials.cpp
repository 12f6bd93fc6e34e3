// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/Sundials.h"

#include <cstdlib>
#include <string_view>

namespace reesx::solver {
namespace {

//! Flags that SUNDIALS 6.4.1's IDAGetReturnFlagName does not know (it answers "NONE").
const char* missing_name(long flag)
{
    switch (flag) {
        case IDA_NLS_INIT_FAIL:
            return "IDA_NLS_INIT_FAIL";
        case IDA_BAD_K:
            return "IDA_BAD_K";
        case IDA_BAD_DKY:
            return "IDA_BAD_DKY";
        case IDA_VECTOROP_ERR:
            return "IDA_VECTOROP_ERR";
        case IDA_CONTEXT_ERR:
            return "IDA_CONTEXT_ERR";
        case IDA_UNRECOGNIZED_ERROR:
            return "IDA_UNRECOGNIZED_ERROR";
        default:
            return nullptr;
    }
}

}  // namespace

std::string flag_name(long flag, const char* call)
{
    const std::string_view prefix(call ? call : "");
    std::string out;
    if (prefix.starts_with("IDA")) {
        char* text = IDAGetReturnFlagName(flag);
        if (text && std::string_view(text) != "NONE") {
            out = text;
        } else if (const char* name = missing_name(flag)) {
            out = name;
        }
        std::free(text);  // SUNDIALS 6.4 returns a malloc'ed string
    }
    return out.empty() ? "flag " + std::to_string(flag) : out;
}

}  // namespace reesx::solver
