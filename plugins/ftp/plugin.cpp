// The plugin's entry point: the universal FTP connector (type "ftp": FTP, FTPS, SFTP).
#include "sluice/plugin.hpp"
#include "connector.hpp"

SLUICE_PLUGIN("ftp", "0.1.0", "Universal FTP connector: FTP, FTPS and SFTP file servers",
              sluice::plugins::ftp::FtpConnector)
