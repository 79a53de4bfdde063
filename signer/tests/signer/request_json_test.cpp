#include "signer/json_fields.h"

#include <gtest/gtest.h>

namespace cbx::signer {
namespace {

TEST(JsonFieldsTest, NestingLimitCountsBracketsOutsideStringsOnly) {
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

TEST(JsonFieldsTest, DecimalStringsAreStrict) {
  EXPECT_EQ(parse_decimal_u64("0"), 0u);
  EXPECT_EQ(parse_decimal_u64("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_FALSE(parse_decimal_u64("18446744073709551616"));
  EXPECT_FALSE(parse_decimal_u64("01"));
  EXPECT_FALSE(parse_decimal_u64("+1"));
  EXPECT_FALSE(parse_decimal_u64(" 1"));
  EXPECT_FALSE(parse_decimal_u64(""));
}

TEST(JsonFieldsTest, TypedGettersNameTheFieldAndRejectWrongTypes) {
  json j = json::parse(R"({"s":"x","n":5,"neg":-1,"f":1.5,"b64":"AAEC","hex":"00ff","seq":"7"})");
  EXPECT_EQ(*get_string(j, "s", 10), "x");
  EXPECT_FALSE(get_string(j, "n", 10));
  EXPECT_FALSE(get_string(j, "s", 0));
  EXPECT_EQ(*get_uint(j, "n"), 5u);
  EXPECT_FALSE(get_uint(j, "neg"));
  EXPECT_FALSE(get_uint(j, "f"));
  EXPECT_EQ(get_uint(j, "missing").error().message, "field \"missing\" is required");
  EXPECT_EQ(*get_base64(j, "b64", 3), (Bytes{0, 1, 2}));
  EXPECT_FALSE(get_base64(j, "b64", 2));
  EXPECT_EQ(*get_hex(j, "hex", 2), (Bytes{0, 255}));
  EXPECT_EQ(*get_decimal_string(j, "seq"), 7u);
  EXPECT_FALSE(get_decimal_string(j, "n"));
}

}  // namespace
}  // namespace cbx::signer
