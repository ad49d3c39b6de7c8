// Streaming file readers and writers: the contract every file format of
// <sluice/support/formats/...> implements (CSV, JSON, XML, XLSX, fixed width, EDI X12), shared by
// the FTP connector, AS2 payloads, HTTP responses in file formats and the data loader.
//
// A Reader takes a file's bytes in chunks of any size, split anywhere (write()), and hands each
// record to a RecordSink as soon as it is complete, so that memory is bounded by the longest
// record (and by the page the sink fills), never by the file. A malformed row or segment that the
// format can recover from becomes that record's error (RecordSink::bad_record) and the reader goes
// on; one it cannot recover from fails write() or finish() with an error naming the file and the
// position. A Writer is the reverse: records in (write()), bytes out through a ByteSink.
//
// Layers, outermost first: decompression (gzip, zip), decoding (the file's encoding and its BOM to
// UTF-8), then the format. make_reader() and make_writer() compose them from FileOptions, read
// from integrator.io's `file` object by read_file_options().
//
// Threading: a Reader or Writer is used by one thread at a time; it calls its sink on that thread,
// from inside write() and finish().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::support::formats {

// Where in its file a record or an error is: all 1-based, 0 when the format has no such notion
// (an XLSX record has a row but no byte column). `record` counts the records handed out so far
// in this file, errors included.
struct Origin {
  std::string_view file;  // the file's name, as given to make_reader
  uint64_t record = 0;
  uint64_t line = 0;      // text formats: the line the record starts on; XLSX: the row
  uint64_t column = 0;    // text formats: the byte column; 0 when not known
};

// Where a Reader's output goes.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // One record of the file. An error return stops the reader: write() or finish() returns it.
  virtual Result<void> record(boost::json::value record, const Origin& where) = 0;
  // A row or segment that could not be read: it becomes that record's error (its message names
  // the file, line and column and what is wrong). The reader goes on after it.
  virtual Result<void> bad_record(Error error, const Origin& where) = 0;
};

class Reader {
 public:
  virtual ~Reader() = default;
  // The next bytes of the file.
  virtual Result<void> write(std::string_view bytes) = 0;
  // The end of the file: the last record, and the check that the file is complete (a truncated
  // gzip, an unterminated quote, an X12 interchange without its IEA are errors naming where).
  virtual Result<void> finish() = 0;
};

// Where a Writer's bytes go.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Result<void> write(std::string_view bytes) = 0;
};

class Writer {
 public:
  virtual ~Writer() = default;
  // One record; an error names the record and the field that cannot be written.
  virtual Result<void> write(const boost::json::value& record) = 0;
  // Flushes the end of the file (a last row delimiter, closing brackets, the zip directory).
  virtual Result<void> finish() = 0;
};

}  // namespace sluice::support::formats
