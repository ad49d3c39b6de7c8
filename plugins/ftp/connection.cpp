#include "connection.hpp"

#include "sessions.hpp"
#include "settings.hpp"

namespace sluice::plugins::ftp {

namespace json = boost::json;

Result<std::unique_ptr<FtpConnection>> FtpConnection::open(Context& context,
                                                           const json::object& doc) {
  auto config = read_config(doc);
  if (!config) return config.error();
  std::unique_ptr<FtpConnection> connection(new FtpConnection());
  connection->config_ = std::move(*config);
  connection->variables_ = doc;
  // Templates never see a secret.
  if (auto* ftp = connection->variables_.if_contains("ftp"); ftp != nullptr && ftp->is_object()) {
    for (const Field& field : connection_settings().schema.fields()) {
      if (!field.is_secret()) continue;
      json::object* parent = &ftp->as_object();
      std::string_view rest = std::string_view(field.path()).substr(4);  // after "ftp."
      for (auto dot = rest.find('.'); dot != std::string_view::npos && parent != nullptr;
           dot = rest.find('.')) {
        json::value* child = parent->if_contains(rest.substr(0, dot));
        parent = child != nullptr && child->is_object() ? &child->as_object() : nullptr;
        rest = rest.substr(dot + 1);
      }
      if (parent != nullptr) parent->erase(rest);
    }
  }
  const FtpConfig& c = connection->config_;
  if (!c.verify_host && c.protocol != Protocol::kFtp) {
    context.warn(std::string("ftp.enableHostVerification is false: the server's ") +
                 (c.protocol == Protocol::kSftp ? "host key" : "TLS certificate") +
                 " is not verified, so anyone between Sluice and " + c.host +
                 " can read and change the files; for tests only");
  }
  return connection;
}

Result<RemoteSession*> FtpConnection::session() {
  if (session_ && !session_->broken()) return session_.get();
  session_.reset();
  auto opened = open_session(config_);
  if (!opened) return opened.error();
  session_ = std::move(*opened);
  return session_.get();
}

std::string FtpConnection::resolve(const std::string& path) const {
  return resolve_path(config_, session_ ? session_->home() : std::string(), path);
}

Result<void> FtpConnection::ping(Context& context) {
  auto session = this->session();
  if (!session) return session.error();
  const std::string& home = (*session)->home();
  auto entries = (*session)->list(home.empty() ? std::string(".") : home);
  if (!entries) return entries.error();
  context.log(LogLevel::kDebug, "ping: logged in to " + config_.host + ":" +
                                    std::to_string(config_.port) + " as " + config_.username +
                                    "; " + (home.empty() ? std::string(".") : home) + " holds " +
                                    std::to_string(entries->size()) + " entries");
  return {};
}

}  // namespace sluice::plugins::ftp
