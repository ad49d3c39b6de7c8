// The engine against handlebars.js 4.7: every template of corpus.json rendered with every
// context, HTML escaping, byte for byte. The expected outputs are produced by running
// harness.js with Node.js once per test run; the test fails (it does not skip) when node or the
// handlebars package is missing — tools/install-deps installs them.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sluice/support/template.hpp"

namespace sluice::support {
namespace {

namespace json = boost::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `command` and returns its stdout, or nullopt when it cannot run or exits non-zero.
std::optional<std::string> run(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int status = ::pclose(pipe);
  if (status != 0) return std::nullopt;
  return out;
}

class HandlebarsJs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = SLUICE_TEMPLATE_TEST_DIR;
    corpus_ = new json::value(json::parse(read_file(dir + "/corpus.json")));
    auto out = run("node '" + dir + "/harness.js' '" + dir + "/corpus.json'");
    if (out) reference_ = new json::value(json::parse(*out));
  }
  static void TearDownTestSuite() {
    delete corpus_;
    delete reference_;
    corpus_ = reference_ = nullptr;
  }
  static json::value* corpus_;
  static json::value* reference_;
};
json::value* HandlebarsJs::corpus_ = nullptr;
json::value* HandlebarsJs::reference_ = nullptr;

TEST_F(HandlebarsJs, TheReferenceRuns) {
  ASSERT_NE(reference_, nullptr)
      << "node tests/template/harness.js failed: install Node.js and the handlebars package "
         "with tools/install-deps";
  EXPECT_EQ(reference_->at("version").as_string(), "4.7.8");
}

TEST_F(HandlebarsJs, TheCorpusHasAtLeast300Cases) {
  const auto& c = corpus_->as_object();
  EXPECT_GE(c.at("templates").as_array().size() * c.at("contexts").as_array().size(), 300u);
}

TEST_F(HandlebarsJs, EveryTemplateRendersByteIdenticallyInTheHtmlContext) {
  ASSERT_NE(reference_, nullptr) << "handlebars.js did not run (see TheReferenceRuns)";
  const auto& templates = corpus_->at("templates").as_array();
  const auto& contexts = corpus_->at("contexts").as_array();
  const auto& results = reference_->at("results").as_array();
  ASSERT_EQ(results.size(), templates.size());
  size_t agreed = 0, total = 0;
  for (size_t t = 0; t < templates.size(); ++t) {
    const std::string source(templates[t].as_string());
    auto parsed = Template::parse(source, "corpus[" + std::to_string(t) + "]");
    for (size_t c = 0; c < contexts.size(); ++c) {
      ++total;
      const auto& expected = results[t].as_array()[c].as_object();
      std::string got;
      bool failed = !parsed;
      std::string why = parsed ? "" : parsed.error().message;
      if (parsed) {
        auto r = parsed->evaluate(contexts[c], RenderOptions{.escape = Escape::kHtml});
        failed = !r;
        if (r)
          got = *r;
        else
          why = r.error().message;
      }
      if (expected.contains("error")) {
        EXPECT_TRUE(failed) << "template " << t << " " << json::serialize(templates[t])
                            << " with context " << c << ": handlebars.js fails ("
                            << expected.at("error").as_string() << "), the engine gave "
                            << json::serialize(json::string(got));
        if (failed) ++agreed;
      } else {
        const std::string want(expected.at("output").as_string());
        EXPECT_FALSE(failed) << "template " << t << " " << json::serialize(templates[t])
                             << " with context " << c << ": the engine fails (" << why
                             << "), handlebars.js gives " << json::serialize(json::string(want));
        EXPECT_EQ(got, want) << "template " << t << " " << json::serialize(templates[t])
                             << " with context " << c;
        if (!failed && got == want) ++agreed;
      }
    }
  }
  EXPECT_EQ(agreed, total);
  std::printf("%zu of %zu template x context cases agree with handlebars.js\n", agreed, total);
}

}  // namespace
}  // namespace sluice::support
