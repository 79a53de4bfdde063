#pragma once
// The typed cache of IpnsRepublish objects (issue 13): each watch event is decoded once into an
// immutable CachedFolder that the store and every controller share; no reconcile parses JSON.
#include <memory>

#include "api/v1alpha1/ipns_republish.h"
#include "controllers/epoch/decommission.h"
#include "kube/manager.h"

namespace cbx::op {

// An IpnsRepublish as cached: the typed object, plus what the retirement check reads of its
// key fields, taken leniently from the JSON (controllers/epoch/decommission.h): an object the
// typed decode refuses or reads only in part still counts with the epochs that can be read.
struct CachedFolder : IpnsRepublish {
  FolderKeyCopies key_copies() const {
    FolderKeyCopies out = copies;
    out.key = key();
    out.ipns_name = spec.ipns_name;
    return out;
  }
  FolderKeyCopies copies;  // without key and ipns_name (those are the object's own)
};

CachedFolder decode_cached_folder(const nlohmann::json& object);

using FolderInformer = kube::BasicInformer<CachedFolder>;
using FolderPtr = std::shared_ptr<const CachedFolder>;

FolderInformer& add_folder_informer(kube::Manager& manager);

}  // namespace cbx::op
