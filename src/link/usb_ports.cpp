#include "link/usb_ports.h"

#include <dirent.h>
#include <libserialport.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "link/link_error.h"

namespace intergas {
namespace {

constexpr std::string_view kUsbPrefix = "usb:";

std::string realpath_or_empty(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                       &std::free);
  return resolved ? std::string(resolved.get()) : std::string();
}

bool parse_hex16(std::string_view text, std::uint16_t& value) {
  if (text.size() != 4) return false;
  unsigned result = 0;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isxdigit(u)) return false;
    result =
        result * 16 + static_cast<unsigned>(std::isdigit(u) ? u - '0' : std::tolower(u) - 'a' + 10);
  }
  value = static_cast<std::uint16_t>(result);
  return true;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

std::string text_or_empty(const char* text) { return text ? std::string(text) : std::string(); }

// "usb:0403:6001:A1 /dev/ttyUSB0, usb:... /dev/ttyUSB1": what is there, for error messages.
std::string list_briefly(const std::vector<const UsbPortInfo*>& ports) {
  std::string text;
  for (const UsbPortInfo* port : ports) {
    if (!text.empty()) text += ", ";
    text += format_usb_spec({port->vid, port->pid, port->serial}) + " " + port->path;
  }
  return text;
}

}  // namespace

bool parse_usb_spec(std::string_view text, UsbSpec& spec, std::string& error) {
  const std::string quoted = "usb device \"" + std::string(text) + "\": ";
  if (!equal_ignoring_case(text.substr(0, kUsbPrefix.size()), kUsbPrefix)) {
    error = quoted + "expected usb:VID:PID[:SERIAL]";
    return false;
  }
  std::string_view rest = text.substr(kUsbPrefix.size());
  const auto first_colon = rest.find(':');
  const std::string_view vid_text = rest.substr(0, first_colon);
  if (!parse_hex16(vid_text, spec.vid)) {
    error = quoted + "VID \"" + std::string(vid_text) + "\" is not 4 hex digits";
    return false;
  }
  if (first_colon == std::string_view::npos) {
    error = quoted + "missing \":PID\"";
    return false;
  }
  rest = rest.substr(first_colon + 1);
  const auto second_colon = rest.find(':');
  const std::string_view pid_text = rest.substr(0, second_colon);
  if (!parse_hex16(pid_text, spec.pid)) {
    error = quoted + "PID \"" + std::string(pid_text) + "\" is not 4 hex digits";
    return false;
  }
  spec.serial.clear();
  if (second_colon != std::string_view::npos) {
    spec.serial = std::string(rest.substr(second_colon + 1));
    if (spec.serial.empty()) {
      error = quoted + "empty serial number after the PID";
      return false;
    }
  }
  return true;
}

std::string format_usb_spec(const UsbSpec& spec) {
  char ids[16];
  std::snprintf(ids, sizeof ids, "%04x:%04x", spec.vid, spec.pid);
  std::string text = std::string(kUsbPrefix) + ids;
  if (!spec.serial.empty()) text += ":" + spec.serial;
  return text;
}

std::string describe_usb_port(const UsbPortInfo& port) {
  std::string text = format_usb_spec({port.vid, port.pid, port.serial}) + " " + port.path;
  std::string label = port.manufacturer;
  if (!port.product.empty()) label += (label.empty() ? "" : " ") + port.product;
  if (!label.empty()) text += " \"" + label + "\"";
  if (!port.by_id_path.empty()) text += " " + port.by_id_path;
  return text;
}

std::string find_by_id_link(const std::string& device_path, const std::string& by_id_dir) {
  const std::string target = realpath_or_empty(device_path);
  if (target.empty()) return {};
  std::unique_ptr<DIR, DirCloser> dir(::opendir(by_id_dir.c_str()));
  if (!dir) return {};
  std::string best;
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string link = by_id_dir + "/" + name;
    // Several links can name one port (udev rules of one's own); take the first by name so
    // listings are stable.
    if (realpath_or_empty(link) == target && (best.empty() || link < best)) best = link;
  }
  return best;
}

std::error_code list_usb_ports(std::vector<UsbPortInfo>& ports, std::string& error) {
  ports.clear();
  sp_port** list = nullptr;
  if (sp_list_ports(&list) != SP_OK) {
    char* message = sp_last_error_message();
    error = "cannot list serial ports: " + text_or_empty(message);
    sp_free_error_message(message);
    return make_error_code(LinkErrc::usb_list_failed);
  }
  std::unique_ptr<sp_port*, decltype(&sp_free_port_list)> owned(list, &sp_free_port_list);
  for (sp_port** it = list; *it != nullptr; ++it) {
    sp_port* port = *it;
    if (sp_get_port_transport(port) != SP_TRANSPORT_USB) continue;
    UsbPortInfo info;
    info.path = text_or_empty(sp_get_port_name(port));
    int vid = 0;
    int pid = 0;
    if (sp_get_port_usb_vid_pid(port, &vid, &pid) != SP_OK) continue;
    info.vid = static_cast<std::uint16_t>(vid);
    info.pid = static_cast<std::uint16_t>(pid);
    info.serial = text_or_empty(sp_get_port_usb_serial(port));
    info.manufacturer = text_or_empty(sp_get_port_usb_manufacturer(port));
    info.product = text_or_empty(sp_get_port_usb_product(port));
    info.by_id_path = find_by_id_link(info.path);
    ports.push_back(std::move(info));
  }
  std::sort(ports.begin(), ports.end(),
            [](const UsbPortInfo& a, const UsbPortInfo& b) { return a.path < b.path; });
  return {};
}

const UsbPortInfo* match_usb_port(const UsbSpec& spec, const std::vector<UsbPortInfo>& ports,
                                  std::error_code& error_code, std::string& error) {
  std::vector<const UsbPortInfo*> candidates;  // same VID:PID, any serial
  std::vector<const UsbPortInfo*> matches;
  for (const UsbPortInfo& port : ports) {
    if (port.vid != spec.vid || port.pid != spec.pid) continue;
    candidates.push_back(&port);
    // Case-insensitive: some tools print serial numbers in another case than udev's by-id names.
    if (spec.serial.empty() || equal_ignoring_case(port.serial, spec.serial)) {
      matches.push_back(&port);
    }
  }
  const std::string spec_text = format_usb_spec(spec);
  if (matches.size() == 1) {
    error_code.clear();
    error.clear();
    return matches.front();
  }
  if (matches.empty()) {
    error_code = make_error_code(LinkErrc::no_usb_match);
    error = "no USB serial adapter matches " + spec_text;
    if (!candidates.empty()) {
      error += " (same VID:PID: " + list_briefly(candidates) + ")";
    } else {
      std::vector<const UsbPortInfo*> present;
      for (const UsbPortInfo& port : ports) present.push_back(&port);
      error += present.empty() ? " (no USB serial adapters present)"
                               : " (present: " + list_briefly(present) + ")";
    }
    return nullptr;
  }
  error_code = make_error_code(LinkErrc::usb_ambiguous);
  error = std::to_string(matches.size()) + " adapters match " + spec_text;
  // Cheap clones often share one serial number (or have none): then only the port's place on the
  // bus tells them apart.
  bool serials_distinct = spec.serial.empty();
  for (std::size_t i = 0; i < matches.size() && serials_distinct; ++i) {
    serials_distinct = !matches[i]->serial.empty();
    for (std::size_t j = 0; j < i && serials_distinct; ++j) {
      serials_distinct = !equal_ignoring_case(matches[i]->serial, matches[j]->serial);
    }
  }
  error += serials_distinct
               ? "; add the serial number"
               : "; their serial numbers do not tell them apart, use a /dev/serial/by-path/ path";
  error += " (" + list_briefly(matches) + ")";
  return nullptr;
}

std::error_code resolve_usb_port(const UsbSpec& spec, std::string& path, std::string& error) {
  std::vector<UsbPortInfo> ports;
  if (const std::error_code listed = list_usb_ports(ports, error)) return listed;
  std::error_code error_code;
  const UsbPortInfo* port = match_usb_port(spec, ports, error_code, error);
  if (port != nullptr) path = port->path;
  return error_code;
}

}  // namespace intergas
