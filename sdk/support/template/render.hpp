// Renders a Program (internal to sluice_support_template).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "ast.hpp"
#include "sluice/result.hpp"
#include "sluice/support/template.hpp"

namespace sluice::support::tmpl::detail {

struct RenderInput {
  const Program* program;
  std::string_view source;  // for line and column in errors
  const std::string& name;
  const boost::json::value& context;
  const RenderOptions& options;
  bool lenient = false;  // a failing tag renders as nothing instead of failing the render
};

// Appends the rendering to `out`; on failure `out` holds what was rendered before it.
Result<void> render_program(const RenderInput& in, std::string& out);

}  // namespace sluice::support::tmpl::detail
