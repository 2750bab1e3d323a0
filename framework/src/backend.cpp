// The backend registry.
#include "faultline/backend.hpp"

#include <algorithm>

#include "faultline/file.hpp"

namespace faultline {

Result<std::unique_ptr<Program>> Backend::load_file(const std::string& path) const {
  auto artifact = read_file(path);
  if (!artifact) return artifact.error();
  return load(*artifact);
}

bool is_backend_name(std::string_view name) noexcept {
  return !name.empty() && name.front() >= 'a' && name.front() <= 'z' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

Result<void> BackendRegistry::add(std::unique_ptr<Backend> backend) {
  if (!backend) return Error{Errc::invalid_argument, "cannot register a null backend"};
  std::string name(backend->name());
  if (!is_backend_name(name)) {
    return Error{Errc::invalid_argument,
                 "backend name '" + name + "' is not [a-z][a-z0-9_-]* (is_backend_name)"};
  }
  if (backends_.contains(name)) {
    return Error{Errc::invalid_argument, "a backend named '" + name + "' is already registered"};
  }
  backends_.emplace(std::move(name), std::move(backend));
  return {};
}

Result<const Backend*> BackendRegistry::find(std::string_view name) const {
  const auto found = backends_.find(name);
  if (found != backends_.end()) return static_cast<const Backend*>(found->second.get());
  std::string known;
  for (const auto& [known_name, backend] : backends_) {
    known += known.empty() ? known_name : ", " + known_name;
  }
  return Error{Errc::not_found, "no backend named '" + std::string(name) +
                                    "' (known: " + (known.empty() ? "none" : known) + ")"};
}

std::vector<const Backend*> BackendRegistry::backends() const {
  std::vector<const Backend*> out;
  out.reserve(backends_.size());
  for (const auto& entry : backends_)
    out.push_back(entry.second.get());
  return out;
}

}  // namespace faultline
