import Foundation

/// Sorted-key, pretty JSON: stable files that diff well.
public func canonicalJSON<V: Encodable>(_ value: V) throws -> String {
  let e = JSONEncoder()
  e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
  e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  return String(decoding: try e.encode(value), as: UTF8.self)
}

/// Writes a file atomically (a temporary file renamed into place), creating its directory:
/// an interrupted run never leaves a partial result behind.
public func writeAtomically(_ text: String, to url: URL) throws {
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try Data(text.utf8).write(to: url, options: .atomic)
}

/// The decoder matching `canonicalJSON` (non-finite numbers as "nan", "inf", "-inf").
public func suiteJSONDecoder() -> JSONDecoder {
  let d = JSONDecoder()
  d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  return d
}

/// FNV-1a of a configuration's JSON: the short stable identity in checkpoint and run-cache names.
func fnvKey(_ s: String) -> String {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
  return String(h, radix: 16)
}
