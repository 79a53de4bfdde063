#include "controllers/folder_key.h"

namespace cbx::op {

bool adopt_migrated_key(const IpnsRepublishSpec& spec, IpnsRepublishStatus& status,
                        const EncryptedKeyRef& key) {
  IpnsRepublish in_use;
  in_use.spec.key_epoch = spec.key_epoch;
  in_use.status.migrated_key = status.migrated_key;
  if (key.epoch <= effective_key(in_use).epoch || key.encrypted_key.empty()) return false;
  status.migrated_key = key;
  status.key_epoch = key.epoch;
  return true;
}

}  // namespace cbx::op
