// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/Sundials.h"

#include <cstdlib>
#include <string_view>

namespace reesx::solver {
namespace {

//! Flags that SUNDIALS 6.4.1's KINGetReturnFlagName / IDAGetReturnFlagName do not know
//! (they answer "NONE"), among them the residual failures reesx reports most.
const char* missing_name(long flag, bool kinsol)
{
    if (kinsol) {
        switch (flag) {
            case KIN_SYSFUNC_FAIL:
                return "KIN_SYSFUNC_FAIL";
            case KIN_FIRST_SYSFUNC_ERR:
                return "KIN_FIRST_SYSFUNC_ERR";
            case KIN_REPTD_SYSFUNC_ERR:
                return "KIN_REPTD_SYSFUNC_ERR";
            case KIN_VECTOROP_ERR:
                return "KIN_VECTOROP_ERR";
            case KIN_CONTEXT_ERR:
                return "KIN_CONTEXT_ERR";
            default:
                return nullptr;
        }
    }
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
    const bool kinsol = prefix.starts_with("KIN"), ida = prefix.starts_with("IDA");
    std::string out;
    if (kinsol || ida) {
        char* text = kinsol ? KINGetReturnFlagName(flag) : IDAGetReturnFlagName(flag);
        if (text && std::string_view(text) != "NONE") {
            out = text;
        } else if (const char* name = missing_name(flag, kinsol)) {
            out = name;
        }
        std::free(text);  // SUNDIALS 6.4 returns a malloc'ed string
    }
    return out.empty() ? "flag " + std::to_string(flag) : out;
}

}  // namespace reesx::solver
