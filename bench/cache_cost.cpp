// What the operator's caches hold per folder (issue 13: "≤ 2 KiB per folder of cache"). COUNT
// copies of an IpnsRepublish as the operator bench left it after one cycle (published, read back,
// one audit entry) and of its KeyLedger (bench/fixtures/, each copy with its own name and IPNS
// name) are decoded into the typed stores and the epoch controller's folder index, as the
// informers do; heap bytes in use (mallinfo2) per folder are printed for each, and the folder
// cache again with a full audit ring (the steady state after 16 cycles).
//   cbx_cache_cost [--count 100000]
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "app/folder_informer.h"
#include "app/ledger_informer.h"
#include "controllers/epoch/folder_index.h"
#include "kube/store.h"

namespace {

using nlohmann::json;

json read_fixture(const std::string& name) {
  std::ifstream in(std::string(CBX_BENCH_FIXTURES) + "/" + name);
  return json::parse(in);
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

// A distinct IPNS name per copy: the fixture's with its last characters replaced by the index in
// base 36 (the names stay valid k51… DNS labels).
std::string name_for(const std::string& base, int i) {
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out = base;
  for (std::size_t pos = out.size() - 1; i > 0; i /= 36, --pos) out[pos] = digits[i % 36];
  return out;
}

json folder_copy(const json& fixture, int i, int audit_entries) {
  json object = fixture;
  object["metadata"]["name"] = "folder-" + std::to_string(i);
  object["metadata"]["uid"] = "00000000-0000-4000-8000-" + std::to_string(100000000000LL + i);
  object["spec"]["ipnsName"] = name_for(fixture["spec"]["ipnsName"], i);
  auto& audit = object["status"]["audit"];
  while (static_cast<int>(audit.size()) < audit_entries) audit.push_back(audit.back());
  return object;
}

json ledger_copy(const json& fixture, int i) {
  json object = fixture;
  auto name = name_for(fixture["spec"]["ipnsName"], i);
  object["metadata"]["name"] = name;
  object["spec"]["ipnsName"] = name;
  object["spec"]["folders"] = {"bench/folder-" + std::to_string(i)};
  return object;
}

template <class Object, class Decode, class Make>
double per_object(int count, Make make, Decode decode, cbx::kube::BasicStore<Object>& store) {
  auto before = heap_in_use();
  {
    std::vector<Object> decoded;
    decoded.reserve(count);
    for (int i = 0; i < count; ++i) decoded.push_back(decode(make(i)));
    auto deltas = store.replace(std::move(decoded));
  }  // the decoded vector and the deltas are gone: what is left is the store
  return static_cast<double>(heap_in_use() - before) / count;
}

void row(const std::string& what, double bytes) {
  std::cout << "  " << std::left << std::setw(58) << what << std::right << std::setw(8)
            << static_cast<long>(bytes) << " B\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"heap bytes per folder of the operator's caches"};
  int count = 100000;
  app.add_option("--count", count)->check(CLI::Range(1, 1000000));
  CLI11_PARSE(app, argc, argv);
  auto folder = read_fixture("ipnsrepublish-after-cycle.json");
  auto ledger = read_fixture("keyledger.json");
  using cbx::op::CachedFolder;
  using cbx::op::CachedLedger;

  cbx::kube::BasicStore<CachedFolder> folders;
  double folder_bytes = per_object<CachedFolder>(
      count, [&](int i) { return folder_copy(folder, i, 1); }, cbx::op::decode_cached_folder,
      folders);
  cbx::kube::BasicStore<CachedLedger> ledgers;
  double ledger_bytes = per_object<CachedLedger>(
      count, [&](int i) { return ledger_copy(ledger, i); }, cbx::op::decode_cached_ledger, ledgers);

  cbx::op::FolderIndex index;
  auto before = heap_in_use();
  folders.for_each([&](const CachedFolder& f) {
    auto entry = cbx::op::index_entry(f);
    entry.copies = f.key_copies();
    index.upsert(f.key(), std::move(entry));
  });
  ledgers.for_each([&](const CachedLedger& l) { index.upsert_ledger(l.key(), l.copies); });
  double index_bytes = static_cast<double>(heap_in_use() - before) / count;

  cbx::kube::BasicStore<CachedFolder> full_audit;
  double full_audit_bytes = per_object<CachedFolder>(
      count,
      [&](int i) { return folder_copy(folder, i, static_cast<int>(cbx::op::kAuditEntries)); },
      cbx::op::decode_cached_folder, full_audit);

  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::cout << "operator cache per folder (heap in use, mallinfo2), " << count
            << " folders (load: " << load.substr(0, load.find(' ', load.find(' ', 5) + 1)) << ")\n";
  row("IpnsRepublish cache (CachedFolder, 1 audit entry)", folder_bytes);
  row("KeyLedger cache (CachedLedger)", ledger_bytes);
  row("epoch controller's folder index (folder + ledger)", index_bytes);
  row("total after one cycle", folder_bytes + ledger_bytes + index_bytes);
  row("IpnsRepublish cache with a full audit ring (16 entries)", full_audit_bytes);
  row("total in steady state (16 cycles or more)", full_audit_bytes + ledger_bytes + index_bytes);
  return 0;
}
