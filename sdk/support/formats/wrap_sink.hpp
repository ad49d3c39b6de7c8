// A ByteSink decorator that transforms bytes on their way to another ByteSink (re-encoding,
// compression) and so has an end: finish() flushes what it holds back (a deflate stream's end,
// a zip's directory) and checks that nothing is left half-written (a UTF-8 character split by
// the last write). Used by the writer side of wrap.hpp; the same threading as a Writer.
#pragma once

#include "sluice/result.hpp"
#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats {

class ByteFilter : public ByteSink {
 public:
  // After finish() (whatever it returned) neither write() nor finish() may be called again.
  virtual Result<void> finish() = 0;
};

}  // namespace sluice::support::formats
