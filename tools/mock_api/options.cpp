#include "options.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>
#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>

namespace sluice::tools::mock_api {
namespace {

constexpr std::string_view kEndpoints =
    R"(Endpoints (all answer JSON with Content-Type: application/json):
  GET  /health                       200 {"status":"ok"}, no token needed
  GET  /api/me                       200 {"user":"demo","authenticated":true}: checks the
                                     token and nothing else (what the demo's ping uses)
  GET  /api/orders?page=N&pageSize=M pages start at 1; pageSize 1..5000, default 100. An order
                                     (~450 bytes): id, number, createdAt, email, first_name,
                                     last_name, total_price (a string), status (a third "open"),
                                     customer, shipping, currency, total, lines[].
                                     {"orders":[...],"page":N,"pageSize":M,"total":T,
                                      "next":"<url of page N+1>" or null on the last page}
  GET  /api/orders?updated_since=T   (a delta) only the orders created at or after T (ISO
                                     8601 UTC; order n is created 2026-01-01T00:00Z + n min),
                                     paged the same way; "total" counts those
  GET  /api/customers/C-NNNNN        200 {"id","email","name","tier"}: the orders' customers
                                     C-00001..C-50000 (name "First<N> Last<N>", tier
                                     bronze/silver/gold by N % 3); an unknown id 404
  GET  /api/customers?email=E        200 {"customers":[the customer with that email, or none]}
  ANY  /api/ping/...                 what a connection test meets: health, maintenance, expired,
                                     statuses, forbidden, graphql (tools/mock_api/ping.hpp)
  ANY  /api/callbacks/...            200 {"ok":true} (e.g. an export's once callbacks)
  ANY  /api/items[/ID|/batch]        an items CRUD API (records_api.hpp): POST creates,
                                     PUT /ID updates (404 unknown id, 422 invalid item),
                                     GET reads; POST /batch: per-item results in a 200
  GET  /api/paging/<style>           paging as real APIs do over items 1..23 (total=N, kind=
                                     orders): linkheader (GitHub), shopify, cursor (Stripe),
                                     pages, offset, nexturl, token; POST /api/paging/search
                                     pages in the body (tools/mock_api/paging.hpp)
  POST /api/sink                     body: a JSON array of records or one JSON object.
                                     Array: 200 with one result per record, in order.
                                     Object: 201 created, or 422 if its "id" is rejected.
                                     Invalid JSON: 400.
  GET  /_mock/sink                   {"requests","records","accepted","rejected","bytes",
                                      "received":[accepted records]} ("received" is left
                                      out with --sink-count-only)
  GET  /_mock/sink/bodies            {"bodies":["<raw body>",...]}, exact request bodies
  GET  /_mock/sink/ids               {"ids":["ORD-000001",...]}, the id of every accepted
                                      record in arrival order (also with --sink-count-only)
  GET  /_mock/requests               {"count":N,"requests":[{"method","target","headers",
                                      "body"}]}: every /api/ request as received (target
                                      undecoded, header names lower case; first 10000 kept)
  POST /_mock/reset                  clears the sink and the requests (not the reject list)
  POST /_mock/reject                 body ["ORD-000007",...] replaces the reject list
  POST /_mock/shutdown               stops the server
With --echo-credentials, like a careless API: sink rejections carry a message echoing the
request's credentials in every form (raw Authorization value, JSON-escaped, URL-encoded,
base64, base64 of "sluice:TOKEN"); --fail-page answers 403 instead of 500 with a body echoing
them, the token cut at byte 300; and ANY /api/echo answers that 403 body. The query
parameter echoCut=json writes the cut token JSON-escaped (default raw).
/api/* needs "Authorization: Bearer TOKEN" or the query parameter access_token=TOKEN,
otherwise 401. Unknown method and path: 404. On start the server prints exactly one line,
"listening on http://127.0.0.1:PORT", to stdout. SIGTERM and SIGINT stop it cleanly.
)";

Poco::Util::OptionSet option_set() {
  using Poco::Util::Option;
  Poco::Util::OptionSet set;
  set.addOption(Option("help", "h", "print this help and exit"));
  set.addOption(Option("host", "",
                       "address to listen on; loopback only, 127.x.x.x or ::1 "
                       "(default 127.0.0.1)")
                    .argument("ADDR"));
  set.addOption(Option("port", "", "port to listen on; 0 lets the OS choose a free one (default 0)")
                    .argument("N"));
  set.addOption(
      Option("orders", "", "number of orders in the data set (default 1000)").argument("N"));
  set.addOption(
      Option("token", "", "the API token /api/* accepts (default demo-token)").argument("T"));
  set.addOption(
      Option("reject", "", "order ids the sink rejects with 422; comma-separated, repeatable")
          .argument("ID[,ID...]")
          .repeatable(true));
  set.addOption(Option("fail-page", "", "GET /api/orders page N always answers 500").argument("N"));
  set.addOption(Option("sink-count-only", "",
                       "the sink keeps counts and byte totals only, not records or bodies"));
  set.addOption(Option("echo-credentials", "",
                       "errors echo the request's credentials back in every form (see below)"));
  set.addOption(
      Option("port-file", "", "once listening, write the port number to PATH").argument("PATH"));
  set.addOption(Option("tls-cert", "",
                       "also serve HTTPS, with this PEM server certificate (needs --tls-key); "
                       "prints a second line, \"listening on https://127.0.0.1:PORT\"")
                    .argument("PATH"));
  set.addOption(Option("tls-key", "", "the PEM private key of --tls-cert").argument("PATH"));
  set.addOption(Option("tls-client-ca", "",
                       "the HTTPS listener requires a client certificate issued by this PEM CA")
                    .argument("PATH"));
  set.addOption(
      Option("tls-port", "", "port of the HTTPS listener; 0 lets the OS choose (default 0)")
          .argument("N"));
  return set;
}

std::string help_text(const Poco::Util::OptionSet& set) {
  Poco::Util::HelpFormatter formatter(set);
  formatter.setUnixStyle(true);
  formatter.setCommand("sluice-mock-api");
  formatter.setUsage("[OPTIONS]");
  formatter.setHeader(
      "An HTTP server imitating a platform API (paged orders, a record sink) for Sluice's "
      "tests, demo and benchmarks. Orders are generated deterministically from their number. "
      "Options take their value as --name=VALUE or --name VALUE.");
  formatter.setFooter(std::string(kEndpoints));
  formatter.setWidth(100);
  std::ostringstream out;
  formatter.format(out);
  return out.str();
}

std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min,
                                          std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

bool is_loopback(const std::string& host) {
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(host, address)) return false;
  return address.isLoopback();  // IPv4: 127.0.0.0/8; IPv6: ::1 only
}

// Applies one option to `options`; returns an error message, or empty on success.
std::string apply(const std::string& name, const std::string& value, Options& options) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (name == "host") {
    if (!is_loopback(value)) {
      return fmt::format(
          "--host {}: refusing to listen on a non-loopback address; the mock API is for "
          "local tests only, use 127.0.0.1 (or another 127.x.x.x) or ::1",
          value);
    }
    options.host = value;
  } else if (name == "port") {
    const auto port = parse_integer(value, 0, 65535);
    if (!port) return fmt::format("--port {}: expected a port number 0..65535", value);
    options.port = static_cast<std::uint16_t>(*port);
  } else if (name == "orders") {
    const auto orders = parse_integer(value, 0, 999'999'999);
    if (!orders) return fmt::format("--orders {}: expected a number 0..999999999", value);
    options.orders = *orders;
  } else if (name == "token") {
    if (value.empty()) return "--token: the token must not be empty";
    options.token = value;
  } else if (name == "reject") {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto id = rest.substr(0, comma);
      if (!id.empty()) options.reject.emplace_back(id);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  } else if (name == "fail-page") {
    const auto page = parse_integer(value, 1, kMax);
    if (!page) return fmt::format("--fail-page {}: expected a page number >= 1", value);
    options.fail_page = *page;
  } else if (name == "sink-count-only") {
    options.sink_count_only = true;
  } else if (name == "echo-credentials") {
    options.echo_credentials = true;
  } else if (name == "port-file") {
    if (value.empty()) return "--port-file: expected a path";
    options.port_file = value;
  } else if (name == "tls-cert" || name == "tls-key" || name == "tls-client-ca") {
    if (value.empty()) return fmt::format("--{}: expected the path of a PEM file", name);
    (name == "tls-cert"  ? options.tls_cert
     : name == "tls-key" ? options.tls_key
                         : options.tls_client_ca) = value;
  } else if (name == "tls-port") {
    const auto port = parse_integer(value, 0, 65535);
    if (!port) return fmt::format("--tls-port {}: expected a port number 0..65535", value);
    options.tls_port = static_cast<std::uint16_t>(*port);
  }
  return {};
}

}  // namespace

CommandLine parse_command_line(int argc, char** argv) {
  const Poco::Util::OptionSet set = option_set();
  Poco::Util::OptionProcessor processor(set);
  processor.setUnixStyle(true);
  CommandLine result;
  const auto fail = [&result](std::string message) {
    result.action = CommandLine::Action::kError;
    result.text = std::move(message);
    return result;
  };
  try {
    for (int i = 1; i < argc; ++i) {
      std::string name;
      std::string value;
      if (!processor.process(argv[i], name, value)) {
        return fail(fmt::format("unexpected argument '{}'; all settings are --options", argv[i]));
      }
      if (name.empty()) continue;  // the option's value follows as the next argument
      if (name == "help") {
        result.action = CommandLine::Action::kHelp;
        result.text = help_text(set);
        return result;
      }
      if (auto error = apply(name, value, result.options); !error.empty()) {
        return fail(std::move(error));
      }
    }
    processor.checkRequired();
    const Options& o = result.options;
    if (o.tls_cert.empty() != o.tls_key.empty()) {
      return fail("--tls-cert and --tls-key go together: the HTTPS listener needs both");
    }
    if (!o.tls_client_ca.empty() && o.tls_cert.empty()) {
      return fail("--tls-client-ca needs --tls-cert and --tls-key (the HTTPS listener)");
    }
  } catch (const Poco::Util::OptionException& e) {
    return fail(e.displayText());
  }
  return result;
}

}  // namespace sluice::tools::mock_api
