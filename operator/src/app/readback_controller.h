#pragma once
// Binds the read-back checker (controllers/readback) to the informer cache as its own
// controller with its own work queue: every IpnsRepublish change enqueues the folder, the
// checker reads back what is due, and "next at T" becomes a requeue. Routing requests are paced
// by a token bucket shared by all its workers.
#include <string>

#include "app/folder_informer.h"
#include "app/name_locks.h"
#include "controllers/readback/readback_checker.h"
#include "kube/manager.h"

namespace cbx::op {

class ReadBackController {
 public:
  // name_locks: the republish cycles' (app/republish_controller.h). A read-back writes a folder's
  // status only while no cycle of its name is in flight, so it cannot make a cycle's outcome
  // write fail (a CONFLICT there skips the reserved sequence and the next cycle signs again).
  ReadBackController(FolderInformer& republishes, ReadBackChecker& checker, NameLocks& name_locks);
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  FolderInformer& republishes_;
  ReadBackChecker& checker_;
  NameLocks& name_locks_;
};

}  // namespace cbx::op
