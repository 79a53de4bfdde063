#pragma once
// Binds the read-back checker (controllers/readback) to the informer cache as its own
// controller with its own work queue: every IpnsRepublish change enqueues the folder, the
// checker reads back what is due, and "next at T" becomes a requeue. Routing requests are paced
// by a token bucket shared by all its workers.
#include <string>

#include "app/folder_informer.h"
#include "controllers/readback/readback_checker.h"
#include "kube/manager.h"

namespace cbx::op {

class ReadBackController {
 public:
  ReadBackController(FolderInformer& republishes, ReadBackChecker& checker);
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  FolderInformer& republishes_;
  ReadBackChecker& checker_;
};

}  // namespace cbx::op
