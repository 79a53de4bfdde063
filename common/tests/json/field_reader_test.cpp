#include "cbx/json/field_reader.h"

#include <gtest/gtest.h>

namespace cbx::json {
namespace {

using nlohmann::json;

const json kObject = {{"s", "text"},
                      {"u", 7},
                      {"neg", -1},
                      {"big", 18446744073709551615ULL},
                      {"f", 1.5},
                      {"b", true},
                      {"o", {{"inner", "x"}}},
                      {"a", {1, 2}},
                      {"n", nullptr},
                      {"dec", "18446744073709551615"},
                      {"over", "18446744073709551616"}};

FieldReader reader() {
  return FieldReader(kObject, "spec", "INVALID_SPEC");
}

void expect_error(const Error& e, const std::string& message) {
  EXPECT_EQ(e.code, "INVALID_SPEC");
  EXPECT_EQ(e.message, message);
}

TEST(FieldReaderTest, ReadsEachTypeAndNamesThePathOnError) {
  auto r = reader();
  EXPECT_EQ(*r.string("s"), "text");
  EXPECT_EQ(*r.uint64("u"), 7u);
  EXPECT_EQ(*r.int64("neg"), -1);
  EXPECT_TRUE(*r.boolean("b"));
  EXPECT_EQ(*r.object("o")->string("inner"), "x");
  EXPECT_EQ((*r.array("a"))->size(), 2u);
  expect_error(r.string("u").error(), "spec.u: expected a string");
  expect_error(r.string("missing").error(), "spec.missing: required");
  expect_error(r.string("n").error(), "spec.n: required");  // null is absent
  expect_error(r.string("s", 3).error(), "spec.s: longer than 3 bytes");
  expect_error(r.boolean("s").error(), "spec.s: expected a boolean");
  expect_error(r.object("a").error(), "spec.a: expected an object");
  expect_error(r.array("o").error(), "spec.o: expected a list");
  expect_error(r.array("a", 1).error(), "spec.a: more than 1 entries");
  expect_error(r.object("o")->string("missing").error(), "spec.o.missing: required");
  EXPECT_EQ(r.element_path("a", 1), "spec.a[1]");
}

TEST(FieldReaderTest, IntegersRefuseFloatsNegativesStringsAndOverflow) {
  auto r = reader();
  expect_error(r.uint64("f").error(), "spec.f: expected an unsigned 64-bit integer");
  expect_error(r.uint64("neg").error(), "spec.neg: expected an unsigned 64-bit integer");
  expect_error(r.uint64("dec").error(), "spec.dec: expected an unsigned 64-bit integer");
  expect_error(r.uint64("b").error(), "spec.b: expected an unsigned 64-bit integer");
  EXPECT_EQ(*r.uint64("dec", Uint64Form::kNumberOrDecimalString), 18446744073709551615ULL);
  EXPECT_EQ(*r.uint64("big"), 18446744073709551615ULL);
  EXPECT_FALSE(r.uint64("over", Uint64Form::kNumberOrDecimalString));
  EXPECT_FALSE(r.uint64("s", Uint64Form::kNumberOrDecimalString));
  expect_error(r.int64("f").error(), "spec.f: expected a signed 64-bit integer");
  expect_error(r.int64("big").error(), "spec.big: expected a signed 64-bit integer");
  expect_error(r.int64("s").error(), "spec.s: expected a signed 64-bit integer");
  for (const char* text : {"-1", "+1", " 1", "1 ", "0x1", "", "1.0", "1e3"}) {
    EXPECT_FALSE(uint64_of(json(text), Uint64Form::kNumberOrDecimalString)) << text;
  }
}

TEST(FieldReaderTest, OptionalFieldsAreAbsentWhenMissingOrNullAndErrorsOnWrongTypes) {
  auto r = reader();
  EXPECT_FALSE(*r.optional_string("missing"));
  EXPECT_FALSE(*r.optional_uint64("n"));
  EXPECT_FALSE(*r.optional_object("n"));
  EXPECT_FALSE(*r.optional_array("n"));
  EXPECT_FALSE(*r.optional_boolean("missing"));
  EXPECT_FALSE(r.optional_boolean("s"));
  EXPECT_FALSE(r.optional_string("o"));
}

TEST(FieldReaderTest, AReaderOverANonObjectFindsNothingAndOfRefusesIt) {
  for (const json& value : {json(nullptr), json(1), json("x"), json::array({1})}) {
    FieldReader r(value, "spec", "INVALID_SPEC");
    EXPECT_FALSE(r.has("a"));
    expect_error(r.string("a").error(), "spec.a: required");
    expect_error(FieldReader::of(value, "spec", "INVALID_SPEC").error(),
                 "spec: expected an object");
  }
}

}  // namespace
}  // namespace cbx::json
