// Informer against a scripted API: what handlers see across a watch, a 410 and the re-list.
#include "kube/informer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fakes.h"

namespace cbx::kube {
namespace {

using testing::response;
using testing::ScriptedTransport;

std::string item(const std::string& name, const std::string& rv) {
  return R"({"metadata":{"name":")" + name + R"(","namespace":"ns","resourceVersion":")" + rv +
         R"("}})";
}

std::string list_body(const std::string& rv, const std::vector<std::string>& items) {
  std::string body = R"({"metadata":{"resourceVersion":")" + rv + R"("},"items":[)";
  for (std::size_t i = 0; i < items.size(); ++i) body += (i ? "," : "") + items[i];
  return body + "]}";
}

std::string event(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}

// A client whose answers the test scripts (no rate limit).
struct ScriptedApi {
  ScriptedTransport* transport;
  std::unique_ptr<KubeClient> client;
};
ScriptedApi scripted_api() {
  auto owned = std::make_unique<ScriptedTransport>();
  auto* transport = owned.get();
  KubeClientOptions options;
  options.qps = 0;
  return {transport, std::make_unique<KubeClient>(std::move(owned), "https://api", TokenSource(),
                                                  "ns", options)};
}

// Runs the informer until it synced and started its second watch (the script is used up).
void run_through_second_watch(InformerBase& informer) {
  std::thread runner([&] { informer.run(); });
  EXPECT_TRUE(informer.wait_for_sync(std::chrono::seconds(10)));
  for (int i = 0; i < 500 && informer.stats().watches < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  informer.stop();
  runner.join();
}

TEST(Informer, RelistAfterGoneDeliversExactlyTheMissedChanges) {
  auto [transport, client] = scripted_api();

  // First list: a@1, b@2. Watch: c added, a modified, then 410. While the watch was down b was
  // deleted, c changed and d created; a is unchanged. Then the watch idles until stopped.
  transport->answers.push_back(response(200, list_body("10", {item("a", "1"), item("b", "2")})));
  transport->streams.push_back(
      {200,
       {event("ADDED", item("c", "11")), event("MODIFIED", item("a", "12")),
        event("ADDED", item("c", "11")),
        R"({"type":"ERROR","object":{"code":410,"reason":"Expired"}})"
        "\n"},
       ""});
  transport->answers.push_back(
      response(200, list_body("20", {item("a", "12"), item("c", "15"), item("d", "16")})));

  Informer informer(*client, resources::kIpnsRepublish);
  std::mutex mutex;
  std::vector<std::string> seen;
  auto note = [&](const std::string& what) {
    std::lock_guard lock(mutex);
    seen.push_back(what);
  };
  informer.add_handlers(
      {[&](const json& o) { note("add " + key_of(o) + "@" + resource_version_of(o)); },
       [&](const json&, const json& o) {
         note("update " + key_of(o) + "@" + resource_version_of(o));
       },
       [&](const json& o) { note("delete " + key_of(o)); }});
  run_through_second_watch(informer);

  ASSERT_EQ(seen.size(), 7u) << "two listed, two watched, three re-list changes";
  std::sort(seen.begin() + 2, seen.begin() + 4);
  std::sort(seen.begin() + 4, seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"add ns/a@1", "add ns/b@2",       // first list
                                            "add ns/c@11", "update ns/a@12",  // watch (c once)
                                            "add ns/d@16", "delete ns/b",
                                            "update ns/c@15"}));  // re-list diff
  EXPECT_EQ(informer.stats().gone, 1);
  EXPECT_EQ(informer.stats().lists, 2);
  EXPECT_EQ(informer.store().size(), 3u);
  auto reqs = transport->requests();
  ASSERT_GE(reqs.size(), 4u);
  EXPECT_NE(reqs[1].url.find("resourceVersion=10"), std::string::npos) << reqs[1].url;
  EXPECT_NE(reqs[3].url.find("resourceVersion=20"), std::string::npos) << reqs[3].url;
}

TEST(Informer, DropsManagedFieldsBeforeCaching) {
  json object = {
      {"metadata", {{"name", "a"}, {"managedFields", json::array({{{"manager", "kubectl"}}})}}}};
  strip_managed_fields(object);
  EXPECT_FALSE(object["metadata"].contains("managedFields"));
  EXPECT_EQ(object["metadata"]["name"], "a");
  json no_metadata = {{"kind", "X"}};
  strip_managed_fields(no_metadata);
  EXPECT_EQ(no_metadata, (json{{"kind", "X"}}));
}

TEST(Informer, RetriesAListThatFailedAndThenSyncs) {
  auto owned = std::make_unique<ScriptedTransport>();
  auto* transport = owned.get();
  KubeClientOptions options;
  options.qps = 0;
  KubeClient client(std::move(owned), "https://api", TokenSource(), "ns", options);
  transport->answers.push_back(make_error("TRANSPORT", "connection refused"));
  transport->answers.push_back(response(200, list_body("3", {item("a", "3")})));
  InformerOptions informer_options;
  informer_options.min_backoff = std::chrono::milliseconds(1);
  Informer informer(client, resources::kIpnsRepublish, informer_options);
  std::thread runner([&] { informer.run(); });
  EXPECT_TRUE(informer.wait_for_sync(std::chrono::seconds(10)));
  informer.stop();
  runner.join();
  EXPECT_EQ(informer.stats().errors, 1);
  EXPECT_TRUE(informer.store().get("ns/a"));
}

// A typed cache entry: what a decoder keeps of an object (kube/store.h ObjectTraits).
struct Named {
  std::string ns, name, resource_version;
  int decoded_as = 0;  // the decode call that made this instance
  std::string key() const { return ns + "/" + name; }
};

TEST(TypedInformer, DecodesEachEventOnceAndHandlersShareTheCachedInstance) {
  auto [transport, client] = scripted_api();
  transport->answers.push_back(response(200, list_body("10", {item("a", "1"), item("b", "2")})));
  transport->streams.push_back(
      {200, {event("MODIFIED", item("a", "12")), event("DELETED", item("b", "13"))}, ""});

  std::atomic<int> decodes{0};
  BasicInformer<Named> informer(*client, resources::kIpnsRepublish, {}, [&](json&& o) {
    const auto& meta = o["metadata"];
    return Named{meta.value("namespace", ""), meta.value("name", ""),
                 meta.value("resourceVersion", ""), ++decodes};
  });
  std::mutex mutex;
  std::vector<std::string> seen;
  std::vector<const Named*> updated;
  informer.add_handlers({[&](const Named& o) {
                           std::lock_guard lock(mutex);
                           seen.push_back("add " + o.key() + "@" + o.resource_version);
                         },
                         [&](const Named& old_object, const Named& o) {
                           std::lock_guard lock(mutex);
                           seen.push_back("update " + old_object.resource_version + "->" +
                                          o.resource_version);
                           updated.push_back(&o);
                         },
                         [&](const Named& o) {
                           std::lock_guard lock(mutex);
                           seen.push_back("delete " + o.key() + "@" + o.resource_version);
                         }});
  run_through_second_watch(informer);

  EXPECT_EQ(seen, (std::vector<std::string>{"add ns/a@1", "add ns/b@2", "update 1->12",
                                            "delete ns/b@13"}));
  EXPECT_EQ(decodes.load(), 4) << "two list items and two events, each decoded once";
  auto cached = informer.store().get_shared("ns/a");
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->decoded_as, 3);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0], cached.get()) << "the handler saw the cached instance, not a copy";
  EXPECT_FALSE(informer.store().get_shared("ns/b"));
}

}  // namespace
}  // namespace cbx::kube
