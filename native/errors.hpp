// Typed errors that cross the native boundary. module.cpp translates each
// kind into the matching class of perfcount.errors, keeping errno and hint.
#pragma once

#include <stdexcept>
#include <string>

namespace perfcount {

enum class ErrorKind {
    Generic,            // PerfcountError
    CounterUnavailable, // the event/PMU does not exist here
    PermissionDenied,   // paranoid level, seccomp, capabilities
    Backend,            // a backend cannot work (valgrind missing, ...)
    Candidate,          // the measured program could not be started
    Gpu,                // NVML problems
    InvalidArgument,    // bad argument from Python -> ValueError
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, int err, const std::string& message, std::string hint = {})
        : std::runtime_error(message), kind_(kind), errno_(err), hint_(std::move(hint)) {}
    ErrorKind kind() const noexcept { return kind_; }
    int error_number() const noexcept { return errno_; }
    const std::string& hint() const noexcept { return hint_; }

private:
    ErrorKind kind_;
    int errno_;
    std::string hint_;
};

}  // namespace perfcount
