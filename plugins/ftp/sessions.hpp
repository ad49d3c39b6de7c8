// Opening a RemoteSession (remote.hpp) for a connection's settings: FTP and FTPS with Poco's
// FTPClientSession (ftp_session.cpp), SFTP with libssh (sftp_session.cpp). Each connects, checks
// the server's identity (ftps: its certificate, strict unless ftp.enableHostVerification is
// false; sftp: its host key against ftp.hostKeyFingerprint) and logs in.
#pragma once

#include <memory>

#include "config.hpp"
#include "remote.hpp"

namespace sluice::plugins::ftp {

// Errors: kInvalidConfig (TLS settings that do not load), kTransient (the server cannot be
// reached), kRemoteError (its certificate or host key refused, naming what was expected and
// what was found), kAuthFailed (the login refused, with the server's reply).
Result<std::unique_ptr<RemoteSession>> open_ftp_session(const FtpConfig& config);
Result<std::unique_ptr<RemoteSession>> open_sftp_session(const FtpConfig& config);

inline Result<std::unique_ptr<RemoteSession>> open_session(const FtpConfig& config) {
  return config.protocol == Protocol::kSftp ? open_sftp_session(config) : open_ftp_session(config);
}

}  // namespace sluice::plugins::ftp
