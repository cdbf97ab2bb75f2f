import CZlib
import Foundation

public enum DataError: Error, CustomStringConvertible {
  case missing(dataset: String, files: [String], directory: String, hint: String)
  case malformed(file: String, reason: String)
  case checksum(file: String, expected: String, actual: String)
  case unknown(name: String, valid: [String])
  case fetchFailed(String)

  public var description: String {
    switch self {
    case .missing(let d, let files, let dir, let hint):
      return "\(d) not found: expected \(files.joined(separator: ", ")) in \(dir).\nHINT: \(hint)"
    case .malformed(let f, let r): return "\(f) is malformed: \(r).\nHINT: delete it and fetch it again (reproduce data fetch)."
    case .checksum(let f, let e, let a):
      return "\(f) has SHA-256 \(a), expected \(e): the file is corrupted or not the expected release.\nHINT: delete it and fetch it again (reproduce data fetch)."
    case .unknown(let n, let valid): return "unknown data set '\(n)'; valid names: \(valid.joined(separator: ", "))"
    case .fetchFailed(let s): return s
    }
  }
}

/// zlib inflation: gzip streams (IDX .gz) and raw deflate (zip members).
enum Inflate {
  /// `windowBits`: 15 + 32 detects zlib or gzip headers; −15 is raw deflate.
  static func inflate(_ input: UnsafeRawBufferPointer, expectedSize: Int? = nil, windowBits: Int32, file: String) throws -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw DataError.malformed(file: file, reason: "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: expectedSize ?? max(1 << 16, input.count * 4))
    var produced = 0
    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.avail_in = UInt32(input.count)
    while true {
      if produced == output.count { output.append(contentsOf: [UInt8](repeating: 0, count: output.count)) }
      let status: Int32 = output.withUnsafeMutableBufferPointer { out in
        stream.next_out = out.baseAddress! + produced
        stream.avail_out = UInt32(out.count - produced)
        let s = CZlib.inflate(&stream, Z_NO_FLUSH)
        produced = out.count - Int(stream.avail_out)
        return s
      }
      if status == Z_STREAM_END { break }
      if status == Z_BUF_ERROR && stream.avail_in == 0 {
        throw DataError.malformed(file: file, reason: "compressed data ends early (truncated file)")
      }
      if status != Z_OK && status != Z_BUF_ERROR {
        throw DataError.malformed(file: file, reason: "corrupt compressed data (zlib status \(status))")
      }
    }
    output.removeSubrange(produced...)
    return output
  }

  static func gunzip(_ data: [UInt8], file: String) throws -> [UInt8] {
    try data.withUnsafeBytes { try inflate($0, windowBits: 15 + 32, file: file) }
  }
}

/// The members of a zip archive (a PyPI wheel, a numpy .npz), read through its central directory.
struct ZipArchive {
  struct Entry { let name: String; let method: Int; let compressedSize: Int; let size: Int; let localOffset: Int }
  let bytes: [UInt8]
  let file: String
  let entries: [Entry]

  init(bytes: [UInt8], file: String) throws {
    self.bytes = bytes; self.file = file
    func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
    func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
    // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
    var eocd = -1
    var o = bytes.count - 22
    while o >= max(0, bytes.count - 65_557) {
      if u32(o) == 0x0605_4b50 { eocd = o; break }
      o -= 1
    }
    guard eocd >= 0 else { throw DataError.malformed(file: file, reason: "not a zip archive (no end-of-directory record; truncated?)") }
    let count = u16(eocd + 10), cdOffset = u32(eocd + 16)
    var entries: [Entry] = []
    var p = cdOffset
    for _ in 0..<count {
      guard p + 46 <= bytes.count, u32(p) == 0x0201_4b50 else {
        throw DataError.malformed(file: file, reason: "broken central directory")
      }
      let nameLength = u16(p + 28), extra = u16(p + 30), comment = u16(p + 32)
      let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
      entries.append(Entry(name: name, method: u16(p + 10), compressedSize: u32(p + 20), size: u32(p + 24),
                           localOffset: u32(p + 42)))
      p += 46 + nameLength + extra + comment
    }
    self.entries = entries
  }

  func read(_ name: String) throws -> [UInt8] {
    guard let e = entries.first(where: { $0.name == name }) else {
      throw DataError.malformed(file: file, reason: "member \(name) is missing")
    }
    func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
    let start = e.localOffset + 30 + u16(e.localOffset + 26) + u16(e.localOffset + 28)
    guard start + e.compressedSize <= bytes.count else {
      throw DataError.malformed(file: file, reason: "member \(name) extends past the end (truncated file)")
    }
    switch e.method {
    case 0: return Array(bytes[start..<(start + e.compressedSize)])
    case 8:
      let out = try bytes.withUnsafeBytes {
        try Inflate.inflate(UnsafeRawBufferPointer(rebasing: $0[start..<(start + e.compressedSize)]),
                            expectedSize: e.size, windowBits: -15, file: "\(file):\(name)")
      }
      guard out.count == e.size else { throw DataError.malformed(file: file, reason: "member \(name) has the wrong size") }
      return out
    default: throw DataError.malformed(file: file, reason: "member \(name) uses unsupported compression \(e.method)")
    }
  }
}
