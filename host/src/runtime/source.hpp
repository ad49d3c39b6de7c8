// A source of flow pages (DESIGN.md §2a): next page, or the end. The pull export
// (pull_export_source.hpp) is one; a file source and a listener source (pages pushed from an
// intake queue) implement the same interface, and the steps never know which one fed them.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/json/value.hpp>

#include "runtime/page.hpp"
#include "sluice/result.hpp"

namespace sluice::runtime {

// Where a source is (the checkpoint of job_recorder.hpp, for one source).
struct Cursor {
  boost::json::value position;  // resume position after the last fully confirmed source page
  int64_t skip = 0;             // records after `position` confirmed
  int64_t to_skip = 0;          // records still to drop from the stream (a resumed job)
  int64_t export_records = 0;   // records of this source confirmed, by this job and earlier ones
};

struct SourcePage {
  Page page;  // may be empty: a source page whose records were all dropped, to commit all the same
  size_t records = 0;  // how many records the source put in `page` (steps may change page.size())
  // The last flow page cut from one source (plugin) page: once its records are confirmed, that
  // page is committed (Source::committed) and the cursor moves to `position`.
  bool ends_source_page = false;
  bool last = false;            // no page follows from this source
  boost::json::value position;  // the source page's resume position, or null (none given)
  boost::json::value state;     // the source page's state as the plugin gave it, or null
  bool commit = true;  // the plugin wants page_committed for it (plugin.h: "commit":false)
  // A file export's page (file_source.hpp): the file its records came from, {"fileName","path",
  // "size"} (integrator.io's fileMeta); null for other sources.
  boost::json::value file;
};

class Source {
 public:
  virtual ~Source() = default;
  // The next flow page; nullopt at the end (or once stop() was called); an Error when the source
  // failed (the job fails with it). From the job's thread only.
  virtual Result<std::optional<SourcePage>> next() = 0;
  // Every record of `page` is confirmed: moves the cursor past it and, for the last flow page of
  // a source page, tells the plugin (page_committed: a `once` export marks its records).
  virtual Result<void> committed(const SourcePage& page) = 0;
  // Fetch no more pages (a step asked to abort, the job stops); pages already handed out stay
  // valid.
  virtual void stop() = 0;
  virtual const Cursor& cursor() const = 0;
  // The delta state of the last page handed out (null if none): stored when the job completes.
  virtual const boost::json::value& delta_state() const = 0;
};

}  // namespace sluice::runtime
