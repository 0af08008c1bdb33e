// JSON text for intergas-read --json and the Home Assistant discovery payloads.
#pragma once

#include <string>
#include <string_view>

namespace intergas {

// Appends `s` as a JSON string: quoted, with '"', '\' and control characters escaped.
void append_json_string(std::string& out, std::string_view s);

}  // namespace intergas
