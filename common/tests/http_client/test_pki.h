#pragma once
// Throwaway PKI for TLS tests, made with the openssl CLI in a fresh temp directory: a CA, a
// server certificate for 127.0.0.1 and localhost, a client certificate, and an unrelated CA.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace cbx::http::testing {

class TestPki {
 public:
  TestPki() {
    char tmpl[] = "/tmp/cbx-pki-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    const std::string d = dir_.string();
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    sh("openssl req -x509" + ec + " -keyout " + d + "/ca.key -out " + d +
       "/ca.crt -days 2 -subj /CN=cbx-test-ca");
    sh("openssl req -x509" + ec + " -keyout " + d + "/other-ca.key -out " + d +
       "/other-ca.crt -days 2 -subj /CN=cbx-other-ca");
    issue("server", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    issue("client", "extendedKeyUsage=clientAuth");
  }
  ~TestPki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  static void sh(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
      throw std::runtime_error("command failed: " + cmd);
    }
  }
  void issue(const std::string& name, const std::string& ext) {
    const std::string d = dir_.string();
    {
      std::ofstream out(d + "/" + name + ".ext");
      out << ext << "\n";
    }
    sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + d + "/" +
       name + ".key -out " + d + "/" + name + ".csr -subj /CN=cbx-test-" + name);
    sh("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/ca.crt -CAkey " + d +
       "/ca.key -CAcreateserial -days 2 -out " + d + "/" + name + ".crt -extfile " + d + "/" +
       name + ".ext");
  }

  std::filesystem::path dir_;
};

}  // namespace cbx::http::testing
