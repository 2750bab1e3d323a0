// Checks of a backend's declared state layout (state_layout.hpp).
#include "faultline/state_layout.hpp"

#include <string>

namespace faultline {
namespace {

bool is_snake_case(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Error layout_error(const std::string& what) {
  return Error{Errc::invalid_argument, "state layout: " + what};
}

}  // namespace

Result<void> check_state_layout(const StateLayout& layout) {
  if (layout.fields.empty()) return layout_error("it has no fields");
  for (std::size_t i = 0; i < layout.fields.size(); ++i) {
    const StateField& field = layout.fields[i];
    if (!is_snake_case(field.name)) {
      return layout_error("field name '" + std::string(field.name) +
                          "' is not a lower-case snake_case identifier");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (layout.fields[j].name == field.name) {
        return layout_error("field '" + std::string(field.name) + "' is declared twice");
      }
    }
  }
  if (!is_contiguous_layout(layout.fields, layout.size())) {
    return layout_error("fields must follow each other with no gap, overlap or empty field");
  }
  const StateField* status = layout.find(layout.status_field);
  if (status == nullptr) {
    return layout_error("status field '" + std::string(layout.status_field) + "' does not exist");
  }
  if (status->size != 1) return layout_error("status field must be 1 byte");
  for (std::size_t i = 0; i < layout.memories.size(); ++i) {
    const MemoryLayout& memory = layout.memories[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (layout.memories[j].root_field == memory.root_field) {
        return layout_error("two memories share the root field '" + std::string(memory.root_field) +
                            "'");
      }
    }
    const StateField* root = layout.find(memory.root_field);
    if (root == nullptr) {
      return layout_error("memory root field '" + std::string(memory.root_field) +
                          "' does not exist");
    }
    if (root->size != 32) {
      return layout_error("memory root field '" + std::string(memory.root_field) +
                          "' must be 32 bytes");
    }
    if (memory.address_bits < 12 || memory.address_bits > 64) {
      return layout_error("memory '" + std::string(memory.root_field) +
                          "' must have 12 to 64 address bits");
    }
  }
  return {};
}

}  // namespace faultline
