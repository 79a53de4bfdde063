// `keys export` without a cluster: which folders change, the three output forms (read back with
// yaml-cpp), hostile status and ledger objects, and the command's argument errors.
#include "cli/key_export_plan.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "cli_test_support.h"

namespace cbx::cli {
namespace {

using nlohmann::json;

constexpr char kName[] = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8";
const std::string kSpecKey(172, 'A');
const std::string kMigratedKey = std::string(168, 'B') + "BBA=";
const std::string kLedgerKey = std::string(168, 'C') + "CCA=";

json folder(const std::string& name, std::uint64_t epoch) {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "IpnsRepublish"},
          {"metadata",
           {{"namespace", "team-a"},
            {"name", name},
            {"resourceVersion", "12"},
            {"uid", "u-1"},
            {"labels", {{"app", "photos"}}},
            {"annotations",
             {{"kubectl.kubernetes.io/last-applied-configuration", "{}"},
              {"republish.cipherbox.io/republish-requested-at", "2026-01-01T00:00:00Z"},
              {"owner", "alice"}}}}},
          {"spec",
           {{"ipnsName", kName},
            {"cid", "bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu"},
            {"encryptedKey", kSpecKey},
            {"keyEpoch", epoch},
            {"sequence", "5"},
            {"interval", "6h"}}},
          {"status", {{"sequence", "9"}}}};
}

json migrated(json f, std::uint64_t epoch, const std::string& key) {
  f["status"]["migratedKey"] = {{"epoch", epoch}, {"encryptedKey", key}};
  return f;
}

json ledger(const std::string& name, json keys) {
  return {{"metadata", {{"name", name}, {"namespace", "cipherbox-system"}}},
          {"spec", {{"ipnsName", name}, {"keys", keys}}}};
}

json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    json out = json::object();
    for (const auto& kv : n) out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return out;
  }
  if (n.IsSequence()) {
    json out = json::array();
    for (const auto& x : n) out.push_back(yaml_to_json(x));
    return out;
  }
  if (n.IsNull()) return nullptr;
  // Double-quoted scalars stay strings; plain ones are numbers here (keyEpoch).
  if (n.Tag() == "!") return n.as<std::string>();
  try {
    return n.as<std::uint64_t>();
  } catch (const YAML::Exception&) {
    return n.as<std::string>();
  }
}

TEST(KeyExportPlanTest, AMigratedKeyOnANewerEpochIsExportedAsTheWholeManifest) {
  auto plan = plan_key_export({migrated(folder("f", 1), 2, kMigratedKey)}, {});
  ASSERT_EQ(plan.changes.size(), 1u);
  const auto& m = plan.changes[0].manifest;
  EXPECT_EQ(m["spec"]["keyEpoch"], 2);
  EXPECT_EQ(m["spec"]["encryptedKey"], kMigratedKey);
  EXPECT_EQ(m["spec"]["sequence"], "5");  // the rest of the spec as committed
  EXPECT_EQ(m["metadata"]["labels"]["app"], "photos");
  EXPECT_EQ(m["metadata"]["annotations"], (json{{"owner", "alice"}}));
  EXPECT_FALSE(m["metadata"].contains("resourceVersion"));
  EXPECT_FALSE(m.contains("status"));
  EXPECT_EQ(plan.changes[0].key.source, "status.migratedKey");
}

TEST(KeyExportPlanTest, FoldersInSyncPrintNothing) {
  auto same = migrated(folder("same", 2), 2, kMigratedKey);  // same epoch: spec works
  auto older = migrated(folder("older", 3), 2, kMigratedKey);
  auto plan = plan_key_export({folder("plain", 1), same, older}, {});
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.in_sync, 3u);
  EXPECT_EQ(render_export_yaml(plan), "");
  EXPECT_EQ(render_export_patch(plan), "");
  EXPECT_EQ(render_export_kustomize(plan), "");
}

TEST(KeyExportPlanTest, TheLedgersNewestKeyWinsWhenStatusHasNone) {
  std::vector<std::string> skipped;
  auto copies = read_ledger_copies(
      {ledger(kName, json::array({{{"epoch", 1}, {"encryptedKey", kSpecKey}},
                                  {{"epoch", 3}, {"encryptedKey", kLedgerKey}}}))},
      skipped);
  EXPECT_TRUE(skipped.empty());
  auto plan = plan_key_export({folder("f", 1), migrated(folder("g", 1), 2, kMigratedKey)}, copies);
  ASSERT_EQ(plan.changes.size(), 2u);
  for (const auto& c : plan.changes) {
    EXPECT_EQ(c.key.epoch, 3u) << c.name;
    EXPECT_EQ(c.key.encrypted_key, kLedgerKey) << c.name;
    EXPECT_EQ(c.key.source, "ledger");
  }
}

TEST(KeyExportPlanTest, YamlIsMultiDocumentAndReadsBackToTheManifests) {
  auto plan = plan_key_export(
      {migrated(folder("b", 1), 2, kMigratedKey), migrated(folder("a", 1), 4, kMigratedKey)}, {});
  auto docs = YAML::LoadAll(render_export_yaml(plan));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0]["metadata"]["name"].as<std::string>(), "a");  // sorted
  EXPECT_EQ(yaml_to_json(docs[0]), plan.changes[0].manifest);
  EXPECT_EQ(yaml_to_json(docs[1]), plan.changes[1].manifest);
  EXPECT_EQ(docs[1]["spec"]["sequence"].Tag(), "!");  // "5" stays a string
}

TEST(KeyExportPlanTest, PatchLinesCarryAMergePatchOfTheKeyOnly) {
  auto plan = plan_key_export({migrated(folder("f", 1), 2, kMigratedKey)}, {});
  auto out = render_export_patch(plan);
  json patch = {{"spec", {{"encryptedKey", kMigratedKey}, {"keyEpoch", 2}}}};
  EXPECT_EQ(out,
            "kubectl patch ipnsrepublish 'f' -n 'team-a' --type=merge -p '" + patch.dump() + "'\n");
}

TEST(KeyExportPlanTest, KustomizeHoldsOneInlinePatchPerFolder) {
  auto plan = plan_key_export(
      {migrated(folder("a", 1), 2, kMigratedKey), migrated(folder("b", 1), 2, kMigratedKey)}, {});
  auto doc = YAML::Load(render_export_kustomize(plan));
  EXPECT_EQ(doc["kind"].as<std::string>(), "Kustomization");
  ASSERT_EQ(doc["patches"].size(), 2u);
  auto first = doc["patches"][0];
  EXPECT_EQ(first["target"]["kind"].as<std::string>(), "IpnsRepublish");
  EXPECT_EQ(first["target"]["name"].as<std::string>(), "a");
  EXPECT_EQ(first["target"]["namespace"].as<std::string>(), "team-a");
  auto patch = YAML::Load(first["patch"].as<std::string>());
  EXPECT_EQ(patch["spec"]["keyEpoch"].as<int>(), 2);
  EXPECT_EQ(patch["spec"]["encryptedKey"].as<std::string>(), kMigratedKey);
  EXPECT_EQ(patch["metadata"]["name"].as<std::string>(), "a");
}

TEST(KeyExportPlanTest, HostileFoldersAreSkippedAndNamedNeverExported) {
  std::vector<json> hostile = {
      json(nullptr),
      json::array(),
      json{{"metadata", "x"}},
      migrated(folder("quote'name", 1), 2, kMigratedKey),  // not a Kubernetes name
      migrated(folder("f1", 1), 2, "not base64!"),
      migrated(folder("f2", 1), 2, kMigratedKey + "\n$(reboot)"),
      migrated(folder("f3", 1), 0, kMigratedKey),
      migrated(folder("f4", 1), 2, std::string(4000, 'A')),
      [] {
        auto f = folder("f5", 1);
        f["status"]["migratedKey"] = "text";
        return f;
      }(),
      [] {
        auto f = folder("f6", 1);
        f["spec"]["keyEpoch"] = "one";
        return f;
      }(),
      [] {
        auto f = folder("f7", 1);
        f["spec"] = json::array();
        return f;
      }(),
  };
  KeyExportPlan plan;
  ASSERT_NO_THROW(plan = plan_key_export(hostile, {}));
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.skipped.size(), hostile.size());
  EXPECT_NE(plan.skipped[4].find("team-a/f1"), std::string::npos) << plan.skipped[4];
  EXPECT_NE(plan.skipped[4].find("status.migratedKey"), std::string::npos) << plan.skipped[4];
  // Each reason names the field at fault by its path.
  const std::pair<std::size_t, const char*> reasons[] = {
      {4, "status.migratedKey.encryptedKey: expected base64"},
      {5, "status.migratedKey.encryptedKey: expected base64"},
      {6, "status.migratedKey.epoch: expected an integer from 1 to"},
      {7, "status.migratedKey.encryptedKey: longer than 1024 bytes"},
      {8, "status.migratedKey: expected an object"},
      {9, "spec.keyEpoch: expected an unsigned 64-bit integer or its decimal string"},
      {10, "spec: expected an object"},
  };
  for (const auto& [i, reason] : reasons) {
    EXPECT_NE(plan.skipped[i].find(reason), std::string::npos) << plan.skipped[i];
  }
}

TEST(KeyExportPlanTest, MalformedLedgerObjectsAndKeysAreLeftOutAndCounted) {
  std::vector<std::string> skipped;
  auto copies = read_ledger_copies(
      {json(nullptr), json{{"metadata", {{"name", "x"}}}, {"spec", {{"keys", "none"}}}},
       ledger(kName, json::array({{{"epoch", "x"}, {"encryptedKey", kLedgerKey}},
                                  json(7),
                                  {{"epoch", 3}, {"encryptedKey", "###"}},
                                  {{"epoch", 4}, {"encryptedKey", kLedgerKey}}}))},
      skipped);
  ASSERT_EQ(copies.size(), 1u);
  ASSERT_EQ(copies[kName].size(), 1u);
  EXPECT_EQ(copies[kName][0].epoch, 4u);
  EXPECT_EQ(skipped.size(), 3u);
}

TEST(KeyExportPlanTest, JsonToYamlKeepsEveryStringAString) {
  json v = {{"a", "true"}, {"b", "5"}, {"c", "null"}, {"d", "- x: y"}, {"e", 3}, {"f", false}};
  auto back = YAML::Load(json_to_yaml(v));
  for (const char* k : {"a", "b", "c", "d"}) {
    EXPECT_EQ(back[k].Tag(), "!") << k;
    EXPECT_EQ(back[k].as<std::string>(), v[k].get<std::string>()) << k;
  }
  EXPECT_EQ(back["e"].as<int>(), 3);
  EXPECT_FALSE(back["f"].as<bool>());
}

// --- the command's arguments (checked before any cluster is contacted) ----------------------

TEST(KeysExportArgsTest, BadFormatNamespaceOrBothScopesAreUsageErrors) {
  EXPECT_USAGE_ERROR(testing::run_cli({"keys", "export", "--format", "json"}));
  EXPECT_USAGE_ERROR(testing::run_cli({"keys", "export", "-n", "Team_A"}));
  EXPECT_USAGE_ERROR(testing::run_cli({"keys", "export", "-n", "a", "-A"}));
  EXPECT_USAGE_ERROR(testing::run_cli({"keys", "export", "--ledger-namespace", "-x-"}));
  EXPECT_USAGE_ERROR(testing::run_cli({"keys"}));
}

TEST(KeysExportArgsTest, AnUnreadableKubeconfigFailsWithExitOne) {
  auto r = testing::run_cli({"keys", "export", "--kubeconfig", "/nonexistent/kubeconfig"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(r.err.starts_with("cipherbox-republish: ")) << r.err;
}

}  // namespace
}  // namespace cbx::cli
