#include "signer/request_json.h"

#include <gtest/gtest.h>

namespace cbx::signer {
namespace {

TEST(RequestJsonTest, NestingLimitCountsBracketsOutsideStringsOnly) {
  EXPECT_TRUE(parse_json_object(R"({"a":"[[[[[[[[[[[[[[[[{{{{{{{{{{"})"));
  EXPECT_TRUE(parse_json_object(R"({"a":"quote \" then [[[[[[[[[[[[[[[[[[", "b":1})"));
  EXPECT_TRUE(parse_json_object(R"({"a":"backslash \\", "b":[1]})"));
  EXPECT_TRUE(parse_json_object(R"({"a":[[[[[[[1]]]]]]]})"));   // depth 8
  auto deep = parse_json_object(R"({"a":[[[[[[[[1]]]]]]]]})");  // depth 9
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, "BAD_JSON");
  // An escaped backslash closes the string; the brackets after it count.
  EXPECT_FALSE(parse_json_object(R"({"a":"x\\", "b":[[[[[[[[[1]]]]]]]]]})"));
  EXPECT_FALSE(parse_json_object(R"({"a":"unterminated)"));
  EXPECT_FALSE(parse_json_object("[]"));
}

TEST(RequestJsonTest, FieldErrorsAreBadRequestsNamingThePath) {
  json j = json::parse(R"({"s":"x","n":5,"neg":-1,"f":1.5,"o":{"seq":"07"}})");
  auto r = request_fields(j);
  EXPECT_EQ(*r.string("s", 10), "x");
  EXPECT_EQ(*r.uint64("n"), 5u);
  for (const auto& e : {r.uint64("neg").error(), r.uint64("f").error(), r.string("n").error(),
                        r.uint64("missing").error()}) {
    EXPECT_EQ(e.code, "BAD_REQUEST");
  }
  EXPECT_EQ(r.uint64("missing").error().message, "missing: required");
  auto o = r.object("o");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->uint64("seq", cbx::json::Uint64Form::kCanonicalDecimalString).error().message,
            "o.seq: expected the decimal string of an unsigned 64-bit integer");
}

}  // namespace
}  // namespace cbx::signer
