// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#pragma once

#include <stdexcept>
#include <string>

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
    ExitCode exit_code() const override { return ExitCode::bad_input; }
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
