#pragma once
// The cipherbox-signer binary as a child process on a loopback port (simulator provider), for
// tests that must hold against the real program. The binary is the one built with the tests, or
// $CBX_TEST_SIGNER_BIN (to measure another build, e.g. one from before a fix).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace cbx::signer::test {

class SignerProcess {
 public:
  explicit SignerProcess(std::vector<std::string> extra_args = {}) {
    dir_ = fresh_dir();
    const std::string& dir = dir_;
    const char* override_bin = std::getenv("CBX_TEST_SIGNER_BIN");
    std::string bin = override_bin && *override_bin ? override_bin : CBX_SIGNER_BIN;
    std::ofstream(dir + "/token") << "signer-test-token-0123456789\n";
    std::ofstream(dir + "/seed") << std::string(64, '5') << "\n";
    log_ = dir + "/signer.log";
    std::vector<std::string> args = {bin,
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--token-file",
                                     dir + "/token",
                                     "--insecure-simulator",
                                     "--simulator-seed-file",
                                     dir + "/seed"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    if (posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (pid_ > 0) port_ = wait_for_port();
  }
  ~SignerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SignerProcess(const SignerProcess&) = delete;
  SignerProcess& operator=(const SignerProcess&) = delete;

  // 0 when the signer did not start listening.
  std::uint16_t port() const { return port_; }
  std::string log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  // Token, seed and log files of this process (tests may run in parallel).
  static std::string fresh_dir() {
    std::string tmpl = ::testing::TempDir() + "cbx-signer-XXXXXX";
    if (!::mkdtemp(tmpl.data())) return {};
    return tmpl;
  }

  std::uint16_t wait_for_port() const {
    std::regex address(R"re("address":"127\.0\.0\.1:([0-9]+)")re");
    for (int i = 0; i < 200; ++i) {
      std::istringstream lines(log());
      for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (line.find("\"msg\":\"listening\"") == std::string::npos) continue;
        if (std::regex_search(line, m, address)) {
          return static_cast<std::uint16_t>(std::stoi(m[1].str()));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }

  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string log_;
};

}  // namespace cbx::signer::test
