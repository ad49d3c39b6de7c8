// Specifies how the flow plan reads an export's pageSize from the store: only an integer within
// the bounds `sluice apply` enforces, whatever a stored document holds (a page size cast to 0
// would never end the paging loop).
#include "runtime/flow_plan.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/test_home.hpp"

namespace sluice::runtime {
namespace {

namespace json = boost::json;
using host::ResourceKind;

class FlowPlanPageSize : public host::testing::StoreTest {
 protected:
  Result<FlowPlan> resolve_with_page_size(const char* page_size) {
    auto store = host::open_sqlite_store(home_.path());
    EXPECT_TRUE(store) << store.error().message;
    json::object exp{{"_id", "e"}, {"adaptorType", "HTTPExport"}, {"_connectionId", "c"}};
    exp["pageSize"] = json::parse(page_size);
    json::object flow{{"_id", "f"},
                      {"pageGenerators", json::array{json::object{{"_exportId", "e"}}}}};
    EXPECT_TRUE((*store)->put_resources(
        {{ResourceKind::kExport, "e", exp, {}}, {ResourceKind::kFlow, "f", flow, {}}}));
    host::PluginRegistry registry;
    return resolve_flow(**store, registry, "f");
  }
};

TEST_F(FlowPlanPageSize, AnythingButAnIntegerFromOneToTenThousandFailsThePlan) {
  for (const char* bad :
       {"0", "-5", "10001", "1.5", "1e300", "18446744073709551616", "\"100\"", "true", "{}"}) {
    auto plan = resolve_with_page_size(bad);
    ASSERT_FALSE(plan) << bad;
    EXPECT_EQ(plan.error().message.rfind("flow f: export e: pageSize must be an integer from 1 to "
                                         "10000, found ",
                                         0),
              0u)
        << plan.error().message;
  }
  auto huge = resolve_with_page_size("1e300");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message,
            "flow f: export e: pageSize must be an integer from 1 to 10000, found number 1e+300; "
            "fix it and apply the export again");
}

}  // namespace
}  // namespace sluice::runtime
