#include "cbx/http/url.h"

#include <gtest/gtest.h>

namespace cbx::http {
namespace {

TEST(ParseUrl, SplitsSchemeHostPortAndTarget) {
  auto url = parse_url("https://10.0.0.1:6443/api/v1/namespaces?limit=5");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "10.0.0.1");
  EXPECT_EQ(url->port, 6443);
  EXPECT_EQ(url->target, "/api/v1/namespaces?limit=5");
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->host_header(), "10.0.0.1:6443");
}

TEST(ParseUrl, DefaultsPortAndTarget) {
  auto url = parse_url("http://example.com");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->host_header(), "example.com");
  auto query_only = parse_url("https://example.com?x=1");
  ASSERT_TRUE(query_only.ok());
  EXPECT_EQ(query_only->target, "/?x=1");
  EXPECT_EQ(query_only->port, 443);
}

TEST(ParseUrl, AcceptsBracketedIpv6) {
  auto url = parse_url("https://[::1]:8443/x");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->host_header(), "[::1]:8443");
}

TEST(ParseUrl, RejectsMalformedUrls) {
  for (const char* bad : {"ftp://x/", "x/y", "http://:80/", "http://h:0/", "http://h:99999/",
                          "http://h:12a/", "http://u@h/", "http://[::1/"}) {
    auto url = parse_url(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, "BAD_URL");
  }
}

TEST(UrlEncode, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(url_encode("a-b_c.d~9"), "a-b_c.d~9");
  EXPECT_EQ(url_encode("app=x,y z/1"), "app%3Dx%2Cy%20z%2F1");
}

}  // namespace
}  // namespace cbx::http
