// Placeholder: filled in by the child work item.
#include <pybind11/pybind11.h>

namespace perfcount {
void register_child(pybind11::module_& /*m*/) {}
}  // namespace perfcount
