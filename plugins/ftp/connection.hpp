// An open FTP, FTPS or SFTP connection: its settings (config.hpp) and the one session with the
// server that every export and import opened on it shares, one call at a time (the connector
// does not declare thread_safe_connection, so the host serialises them). The session is opened
// at first use and again after it broke (remote.hpp), never while one is in use.
#pragma once

#include <memory>

#include <boost/json/object.hpp>

#include "config.hpp"
#include "remote.hpp"
#include "sluice/connector.hpp"

namespace sluice::plugins::ftp {

class FtpConnection final : public Connection {
 public:
  // Reads the settings (kInvalidConfig naming the setting); connects nothing yet. Warns through
  // `context` when ftp.enableHostVerification is false for ftps or sftp.
  static Result<std::unique_ptr<FtpConnection>> open(Context& context,
                                                     const boost::json::object& doc);

  // Logs in and lists the login folder; logs at debug "ping: logged in to <where> as <user>;
  // <home> holds N entries".
  Result<void> ping(Context& context) override;

  // The session, connected and logged in (a new one when there was none or it broke).
  Result<RemoteSession*> session();
  // resolve_path against the session's login folder.
  std::string resolve(const std::string& path) const;

  const FtpConfig& config() const noexcept { return config_; }
  // The connection resource without its secrets, as templates see it ({{connection.ftp.hostURI}}).
  const boost::json::object& variables() const noexcept { return variables_; }

 private:
  FtpConnection() = default;
  FtpConfig config_;
  boost::json::object variables_;
  std::unique_ptr<RemoteSession> session_;
};

}  // namespace sluice::plugins::ftp
