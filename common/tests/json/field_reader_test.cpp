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

TEST(FieldReaderTest, CanonicalDecimalStringsRefuseLeadingZerosAndNumbersWhenStringOnly) {
  using F = Uint64Form;
  EXPECT_EQ(uint64_of(json("0"), F::kCanonicalDecimalString), 0u);
  EXPECT_EQ(uint64_of(json("18446744073709551615"), F::kCanonicalDecimalString),
            18446744073709551615ULL);
  EXPECT_FALSE(uint64_of(json("18446744073709551616"), F::kCanonicalDecimalString));
  EXPECT_FALSE(uint64_of(json("01"), F::kCanonicalDecimalString));
  EXPECT_FALSE(uint64_of(json("01"), F::kNumberOrCanonicalDecimalString));
  EXPECT_EQ(uint64_of(json("01"), F::kNumberOrDecimalString), 1u);  // the CRDs' form allows it
  EXPECT_FALSE(uint64_of(json(7), F::kCanonicalDecimalString));
  EXPECT_EQ(uint64_of(json(7), F::kNumberOrCanonicalDecimalString), 7u);
  EXPECT_FALSE(uint64_of(json(-7), F::kNumberOrCanonicalDecimalString));
  EXPECT_FALSE(uint64_of(json(7.0), F::kNumberOrCanonicalDecimalString));
  for (const char* text : {"-1", "+1", " 1", "1 ", "0x1", "", "1.0", "1e3"}) {
    EXPECT_FALSE(uint64_of(json(text), F::kNumberOrCanonicalDecimalString)) << text;
  }
  auto r = reader();
  expect_error(r.uint64("u", F::kCanonicalDecimalString).error(),
               "spec.u: expected the decimal string of an unsigned 64-bit integer");
}

TEST(FieldReaderTest, DecimalTextIsDigitsOnlyWithinSixtyFourBits) {
  for (bool zeros : {false, true}) {
    EXPECT_EQ(decimal_uint64("0", zeros), 0u);
    EXPECT_EQ(decimal_uint64("18446744073709551615", zeros), 18446744073709551615ULL);
    for (const char* text : {"18446744073709551616", "+1", "-1", " 1", "1 ", "", "1a"}) {
      EXPECT_FALSE(decimal_uint64(text, zeros)) << text;
    }
  }
  EXPECT_FALSE(decimal_uint64("01", false));
  EXPECT_EQ(decimal_uint64("01", true), 1u);
  EXPECT_FALSE(decimal_uint64("000000000000000000001", true));  // 21 characters
}

TEST(FieldReaderTest, BoundedIntegersNameTheirRange) {
  auto r = reader();
  EXPECT_EQ(*r.uint64_in("u", 1, 7), 7u);
  expect_error(r.uint64_in("u", 1, 6).error(), "spec.u: expected an integer from 1 to 6");
  expect_error(r.uint64_in("u", 8, 9).error(), "spec.u: expected an integer from 8 to 9");
  expect_error(r.uint64_in("neg", 0, 9).error(), "spec.neg: expected an unsigned 64-bit integer");
  expect_error(r.uint64_in("missing", 0, 9).error(), "spec.missing: required");
}

TEST(FieldReaderTest, NonEmptyStringsBase64AndHexAreCheckedWithoutEchoingTheValue) {
  const json object = {{"empty", ""},     {"b64", "AAEC"},         {"bad64", "!!secret!!"},
                       {"hex", "0x00ff"}, {"badhex", "zz-secret"}, {"num", 5}};
  FieldReader r(object, "", "BAD_REQUEST");
  EXPECT_EQ(*r.nonempty_string("b64"), "AAEC");
  EXPECT_EQ(r.nonempty_string("empty").error().message, "empty: must not be empty");
  EXPECT_EQ(r.nonempty_string("b64", 3).error().message, "b64: longer than 3 bytes");
  EXPECT_EQ(*r.base64_text("b64", 4), "AAEC");
  EXPECT_EQ(r.base64_text("empty", 4).error().message, "empty: must not be empty");
  EXPECT_EQ(r.base64_text("bad64", 100).error().message, "bad64: expected base64");
  EXPECT_EQ(*r.base64("b64", 3), (Bytes{0, 1, 2}));
  EXPECT_TRUE(r.base64("empty", 3)->empty());
  EXPECT_EQ(r.base64("b64", 2).error().message, "b64: longer than 2 bytes decoded");
  EXPECT_EQ(r.base64("bad64", 100).error().message, "bad64: expected base64");
  EXPECT_EQ(r.base64("num", 100).error().message, "num: expected a string");
  EXPECT_EQ(r.base64("missing", 100).error().message, "missing: required");
  EXPECT_EQ(*r.hex("hex", 2), (Bytes{0, 255}));
  EXPECT_EQ(r.hex("hex", 1).error().message, "hex: longer than 1 bytes decoded");
  EXPECT_EQ(r.hex("badhex", 100).error().message, "badhex: expected hex");
  for (const auto& e : {r.base64_text("bad64", 100).error(), r.hex("badhex", 100).error()}) {
    EXPECT_EQ(e.code, "BAD_REQUEST");
    EXPECT_EQ(e.message.find("secret"), std::string::npos) << e.message;
  }
}

TEST(FieldReaderTest, ElementObjectsNameTheirIndex) {
  const json object = {{"items", json::array({{{"a", 1}}, 5})}};
  FieldReader r(object, "spec", "INVALID_SPEC");
  const json& items = **r.array("items");
  EXPECT_EQ(*r.element_object("items", items, 0)->uint64("a"), 1u);
  expect_error(r.element_object("items", items, 0)->string("a").error(),
               "spec.items[0].a: expected a string");
  expect_error(r.element_object("items", items, 1).error(), "spec.items[1]: expected an object");
  expect_error(r.element_object("items", items, 2).error(), "spec.items[2]: required");
}

}  // namespace
}  // namespace cbx::json
