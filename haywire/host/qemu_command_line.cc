// Copyright 2026 The Haywire Authors.

#include "haywire/host/qemu_command_line.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "haywire/auth/vm_key.h"
#include "haywire/util/byte_size.h"
#include "haywire/util/json_value.h"
namespace haywire {
namespace {

using Options = std::map<std::string, std::string>;

// "a=1,b=x,,y,flag" with implied key `implied` for a first item without
// '=': {implied: a...}. ",," is a comma inside a value; a later item
// without '=' is a flag set to "on".
Options ParseKeyValues(absl::string_view text, absl::string_view implied) {
  Options out;
  std::vector<std::string> items(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ',') {
      if (i + 1 < text.size() && text[i + 1] == ',') {
        items.back() += ',';
        ++i;
      } else {
        items.emplace_back();
      }
      continue;
    }
    items.back() += text[i];
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& item = items[i];
    const size_t eq = item.find('=');
    if (eq != std::string::npos) {
      out[item.substr(0, eq)] = item.substr(eq + 1);
    } else if (i == 0 && !implied.empty()) {
      out[std::string(implied)] = item;
    } else if (!item.empty()) {
      out[item] = "on";
    }
  }
  return out;
}

// An -object in JSON form, flattened to strings like the key=value form.
std::optional<Options> ParseJsonObject(absl::string_view text) {
  absl::StatusOr<JsonValue> doc = ParseJson(text);
  if (!doc.ok() || !doc->is_object()) return std::nullopt;
  Options out;
  for (size_t i = 0; i < doc->size(); ++i) {
    const JsonValue& v = doc->at(i);
    std::string value;
    if (std::optional<std::string> s = v.as_string()) {
      value = *s;
    } else if (std::optional<bool> b = v.as_bool()) {
      value = *b ? "on" : "off";
    } else if (std::optional<uint64_t> n = v.as_uint()) {
      value = absl::StrCat(*n);
    } else {
      continue;
    }
    out[doc->key_at(i)] = value;
  }
  return out;
}

std::optional<bool> ParseBool(absl::string_view text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t == "on" || t == "yes" || t == "true" || t == "y") return true;
  if (t == "off" || t == "no" || t == "false" || t == "n") return false;
  return std::nullopt;
}

// A size as QEMU takes it: bytes with an optional binary suffix, or, for
// -m, MiB when there is none.
uint64_t ParseSize(absl::string_view text, bool default_mib) {
  uint64_t plain = 0;
  if (absl::SimpleAtoi(text, &plain)) {
    return default_mib ? plain << 20 : plain;
  }
  absl::StatusOr<uint64_t> size = ParseByteSize(text);
  return size.ok() ? *size : 0;
}

std::string Get(const Options& o, const std::string& key) {
  auto it = o.find(key);
  return it == o.end() ? "" : it->second;
}

}  // namespace

bool IsQemuSystemBinary(const std::string& argv0) {
  const size_t slash = argv0.rfind('/');
  const absl::string_view base =
      slash == std::string::npos ? absl::string_view(argv0)
                                 : absl::string_view(argv0).substr(slash + 1);
  return absl::StartsWith(base, "qemu-system-") || base == "qemu-kvm" ||
         base == "kvm";
}

QemuRam ParseQemuCommandLine(const std::vector<std::string>& argv) {
  QemuRam out;
  std::map<std::string, Options> objects;  // by id
  std::string machine_backend, numa_memdev, legacy_mem_path;
  uint64_t m_bytes = 0;
  for (size_t i = 1; i < argv.size(); ++i) {
    absl::string_view option = argv[i];
    if (!absl::ConsumePrefix(&option, "-")) continue;  // a stray value
    absl::ConsumePrefix(&option, "-");                 // --object
    const bool has_value =
        i + 1 < argv.size() && !absl::StartsWith(argv[i + 1], "-");
    if (!has_value) continue;
    const std::string& value = argv[++i];
    if (option == "object") {
      std::optional<Options> o = absl::StartsWith(value, "{")
                                     ? ParseJsonObject(value)
                                     : ParseKeyValues(value, "qom-type");
      if (o.has_value() && o->count("id") > 0) objects[Get(*o, "id")] = *o;
    } else if (option == "machine" || option == "M") {
      const Options o = ParseKeyValues(value, "type");
      if (o.count("memory-backend") > 0) {
        machine_backend = Get(o, "memory-backend");
      }
    } else if (option == "numa") {
      const Options o = ParseKeyValues(value, "type");
      if (numa_memdev.empty() && o.count("memdev") > 0) {
        numa_memdev = Get(o, "memdev");
      }
    } else if (option == "name") {
      out.name = Get(ParseKeyValues(value, "guest"), "guest");
    } else if (option == "m") {
      m_bytes = ParseSize(Get(ParseKeyValues(value, "size"), "size"), true);
    } else if (option == "mem-path") {
      legacy_mem_path = value;
    } else if (option == "fw_cfg") {
      const Options o = ParseKeyValues(value, "name");
      if (Get(o, "name") == auth::kFwCfgKeyName && o.count("file") > 0) {
        out.key_file = Get(o, "file");
      }
    }
  }
  out.ram_bytes = m_bytes;
  const std::string backend =
      !machine_backend.empty() ? machine_backend : numa_memdev;
  const std::string advice =
      absl::StrCat("-object memory-backend-file,id=mem,size=",
                   m_bytes != 0 ? absl::StrCat(m_bytes >> 20, "M") : "SIZE",
                   ",mem-path=FILE,share=on -machine memory-backend=mem");
  auto found = objects.find(backend);
  if (backend.empty() || found == objects.end()) {
    if (!legacy_mem_path.empty()) {
      out.ram_file = legacy_mem_path;
      out.problem = absl::StrCat(
          "-mem-path maps guest RAM privately (the file never holds what the "
          "guest writes): use ",
          advice);
    } else {
      out.problem = absl::StrCat(
          "its RAM is not in a shared file: start QEMU with ", advice);
    }
    return out;
  }
  const Options& o = found->second;
  const std::string type = Get(o, "qom-type");
  if (o.count("size") > 0) out.ram_bytes = ParseSize(Get(o, "size"), false);
  if (type != "memory-backend-file") {
    out.problem = absl::StrCat("its RAM backend '", backend, "' is a ", type,
                               ", not a file: start QEMU with ", advice);
    return out;
  }
  out.ram_file = Get(o, "mem-path");
  out.shared = ParseBool(Get(o, "share")).value_or(false);
  if (!out.shared) {
    out.problem = absl::StrCat(
        "its RAM file is mapped privately: add share=on to -object "
        "memory-backend-file,id=",
        backend);
  } else if (out.ram_file.empty()) {
    out.problem = "its RAM backend names no mem-path";
  }
  return out;
}

}  // namespace haywire
