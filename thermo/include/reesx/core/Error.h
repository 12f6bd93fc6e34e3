// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace reesx {

//! Exit codes of the `reesx` executable (interface.md).
enum class ExitCode : int { ok = 0, bad_input = 1, no_solution = 2, internal = 3 };

//! Base of every error reesx throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    virtual ExitCode exit_code() const { return ExitCode::internal; }
};

//! Bad input: the message names file, line, column and key (exit 1).
class InputError : public Error {
public:
    using Error::Error;
    //! A located error at key `key_path` saying `detail`; `located` is the whole message.
    InputError(const std::string& located, std::string key_path, std::string detail)
        : Error(located), key_path_(std::move(key_path)), detail_(std::move(detail))
    {
    }
    ExitCode exit_code() const override { return ExitCode::bad_input; }
    //! The key path ("organic.flow") and the message without its location, when it has them:
    //! to re-locate an error found in a file reesx wrote (design's case) at the user's input.
    const std::string& key_path() const { return key_path_; }
    const std::string& detail() const { return detail_; }

private:
    std::string key_path_, detail_;
};

//! A well-posed problem that has no solution as stated: infeasible flows, a target out of
//! reach, a model assumption broken. The message says why and what to change (exit 2).
class InfeasibleError : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const override { return ExitCode::no_solution; }
};

//! The numerical method did not converge (exit 2).
class ConvergenceError : public Error {
public:
    using Error::Error;
    ExitCode exit_code() const override { return ExitCode::no_solution; }
};

}  // namespace reesx
