#pragma once
// IpnsRepublish objects as the API server serves them, for the FolderIndex and
// epoch reconciler tests.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/v1alpha1/ipns_republish.h"

namespace cbx::op::testing {

struct FolderObject {
  std::string name;  // in namespace "default"
  std::string ipns_name;
  std::uint64_t spec_epoch = 1;
  std::string spec_key = "c3BlYw==";
  std::optional<EncryptedKeyRef> migrated;
  IpnsRepublishStatus status;  // migrated_key is taken from `migrated`
  std::string resource_version = "1";

  nlohmann::json json() const {
    auto st = status;
    st.migrated_key = migrated;
    if (migrated) st.key_epoch = migrated->epoch;
    return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
            {"kind", "IpnsRepublish"},
            {"metadata",
             {{"namespace", "default"},
              {"name", name},
              {"uid", "uid-" + name},
              {"resourceVersion", resource_version},
              {"generation", 1}}},
            {"spec",
             {{"ipnsName", ipns_name},
              {"cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"},
              {"encryptedKey", spec_key},
              {"keyEpoch", spec_epoch}}},
            {"status", status_to_json(st)}};
  }
  std::string key() const { return "default/" + name; }
};

}  // namespace cbx::op::testing
