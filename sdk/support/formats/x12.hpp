// EDI X12 files (internal to the formats component; make_reader/make_writer reach it through
// FileOptions.type kX12). One record per transaction set (ST .. SE), each carrying its
// interchange (ISA), its functional group (GS) and the delimiters, so that the writer turns the
// same records back into the same bytes:
//
//   ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*
//   000000001*0*P*>~\n GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~\n ST*850*0001~\n
//   BEG*00*SA*PO1**20240101~\n SE*3*0001~\n GE*1*1~\n IEA*1*000000001~\n
//   =>
//   {"interchange": {"ISA01": "00", "ISA02": "          ", ..., "ISA16": ">"},
//    "delimiters": {"element": "*", "component": ">", "repetition": "", "segment": "~",
//                   "lineBreak": "\n"},
//    "group": {"GS01": "PO", "GS02": "SENDER", ..., "GS08": "004010"},
//    "transaction": {"ST01": "850", "ST02": "0001",
//                    "segments": [["BEG", "00", "SA", "PO1", "", "20240101"]],
//                    "SE01": "3", "SE02": "0001"}}
//
// Reader:
//  - The delimiters come from each interchange's ISA segment, which has 16 fixed-width elements
//    (106 bytes): the element separator is its 4th byte, the repetition separator ISA11 (when it
//    is not a letter or digit: before version 00402 ISA11 is the standards identifier "U", and
//    `repetition` is ""), the component separator ISA16, the segment terminator the byte after
//    it. `lineBreak` is the CR and LF that follow the ISA's terminator (usually "", "\n" or
//    "\r\n"; at most 8 are kept); CR and LF after any terminator are skipped. A segment
//    terminator may not appear inside the ISA's elements.
//  - Elements are strings exactly as written (padding kept, composites and repetitions not
//    split: split them with `component` / `repetition`); trailing empty elements are kept.
//  - Control counts are checked: SE01 (the segments from ST to SE) and SE02 (= ST02) fail that
//    transaction set (RecordSink::bad_record with its ST's line); GE01 (transaction sets in the
//    group), GE02 (= GS06), IEA01 (groups in the interchange) and IEA02 (= ISA13) are checked
//    when the trailer arrives, after the group's records were handed out: a mismatch is an
//    error record of its own at the trailer's line. A segment outside ST/SE or GS/GE, an ST
//    without SE, a GS without GE likewise fail only what they belong to.
//  - Not recoverable (write()/finish() fail, naming the file and the byte offset, 0-based): a
//    broken ISA (not "ISA", a separator missing from its fixed place, a letter or digit as a
//    delimiter), a segment longer than max_segment_bytes (a wrong terminator), an ISA inside
//    an open interchange, bytes after the last IEA other than CR/LF, a file that ends inside an
//    interchange. An empty file has no records.
// Writer: records in the shape above, in order. A new interchange starts when `interchange` or
// `delimiters` differ from the previous record's, a new group when `group` differs; GE and IEA
// are written with their counts and control numbers (GE02 = GS06, IEA02 = ISA13), SE01/SE02 are
// written as given (checked) or, when absent, computed. Every terminator is followed by
// `lineBreak`. Reading then writing a file gives its bytes back when it is valid, its counts are
// written without leading zeros, every terminator is followed by the same line break, and it has no
// empty groups or interchanges.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "sluice/result.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats {

struct X12Limits {
  std::size_t max_segment_bytes = std::size_t{1} << 20;       // longer: the file's error
  std::size_t max_transaction_bytes = std::size_t{64} << 20;  // larger: that set's error
};

// A reader of the X12 file `file_name` handing transaction sets to `sink` (which must outlive
// it). `options` is unused today (X12 has no options yet); it keeps the makers alike.
Result<std::unique_ptr<Reader>> make_x12_reader(const FileOptions& options, std::string file_name,
                                                RecordSink& sink, X12Limits limits = {});
// A writer of transaction-set records to `out` (which must outlive it).
Result<std::unique_ptr<Writer>> make_x12_writer(const FileOptions& options, ByteSink& out);

}  // namespace sluice::support::formats
