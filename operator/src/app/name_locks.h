#pragma once
// At most one reconcile per IPNS name at a time in this process: when a name's owner changes
// (its owner deleted mid-cycle), the next owner starts only after the previous cycle ended, so
// it sees that cycle's publication and never signs the sequence it used. Entries live only
// while someone holds or waits for them.
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

namespace cbx::op {

class NameLocks {
 public:
  class Guard {
   public:
    Guard(NameLocks& locks, std::string name);
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    NameLocks& locks_;
    std::string name_;
  };

  Guard lock(const std::string& name) { return Guard(*this, name); }
  std::size_t size() const;  // names held or waited for

 private:
  struct Entry {
    bool held = false;
    int waiting = 0;
  };
  void acquire(const std::string& name);
  void release(const std::string& name);

  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::map<std::string, Entry> entries_;
};

}  // namespace cbx::op
