import Foundation

/// An image classification data set as it ships: bytes per pixel (0…255), labels 0…classes−1,
/// the official train and test parts. Preprocessing to a learning problem is `ImageDataset.split`.
public struct ImageDataset: Sendable, Equatable {
  public let name: String
  public let shape: [Int]                 // (channels, height, width); features are flattened row-major in this order
  public let classes: Int
  public let trainImages: [UInt8]          // (trainCount × features)
  public let trainLabels: [UInt8]
  public let testImages: [UInt8]
  public let testLabels: [UInt8]
  /// SHA-256 of the decoded content (images then labels, train then test): the data set's identity in result
  /// files, independent of how it was compressed or cached. Computed once, here (the parts are constant).
  public let contentChecksum: String

  public init(name: String, shape: [Int], classes: Int, trainImages: [UInt8], trainLabels: [UInt8],
              testImages: [UInt8], testLabels: [UInt8]) {
    self.name = name; self.shape = shape; self.classes = classes
    self.trainImages = trainImages; self.trainLabels = trainLabels
    self.testImages = testImages; self.testLabels = testLabels
    var h = SHA256()
    h.update(trainImages); h.update(trainLabels); h.update(testImages); h.update(testLabels)
    contentChecksum = h.finalizeHex()
  }

  public var features: Int { shape.reduce(1, *) }
  public var trainCount: Int { trainLabels.count }
  public var testCount: Int { testLabels.count }

  func validate(file: String) throws {
    guard trainImages.count == trainCount * features, testImages.count == testCount * features else {
      throw DataError.malformed(file: file, reason: "image and label counts disagree")
    }
    if let bad = (trainLabels + testLabels).first(where: { Int($0) >= classes }) {
      throw DataError.malformed(file: file, reason: "label \(bad) outside 0…\(classes - 1)")
    }
  }
}

// MARK: - Compact binary cache

/// The decoded data set in one file, read in milliseconds instead of re-parsing CSV/gzip:
/// "RPDS1\n", a JSON header line, then train images, train labels, test images, test labels.
enum DatasetCache {
  struct Header: Codable { let name: String; let shape: [Int]; let classes: Int; let train: Int; let test: Int; let sha256: String }

  static func write(_ d: ImageDataset, to url: URL) throws {
    let header = Header(name: d.name, shape: d.shape, classes: d.classes, train: d.trainCount, test: d.testCount,
                        sha256: d.contentChecksum)
    var data = Data("RPDS1\n".utf8)
    data.append(try JSONEncoder().encode(header)); data.append(10)
    data.append(contentsOf: d.trainImages); data.append(contentsOf: d.trainLabels)
    data.append(contentsOf: d.testImages); data.append(contentsOf: d.testLabels)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url, options: .atomic)
  }

  /// The cached set, or nil if absent, stale or damaged (the caller then rebuilds it from the source).
  static func read(_ url: URL, expectedSHA256: String?) -> ImageDataset? {
    guard let data = try? Data(contentsOf: url), data.starts(with: Data("RPDS1\n".utf8)),
          let newline = data[6...].firstIndex(of: 10),
          let header = try? JSONDecoder().decode(Header.self, from: data[6..<newline]) else { return nil }
    if let e = expectedSHA256, e != header.sha256 { return nil }
    let f = header.shape.reduce(1, *)
    let bytes = [UInt8](data[(newline + 1)...])
    guard bytes.count == (header.train + header.test) * (f + 1) else { return nil }
    var o = 0
    func take(_ n: Int) -> [UInt8] { defer { o += n }; return Array(bytes[o..<(o + n)]) }
    let d = ImageDataset(name: header.name, shape: header.shape, classes: header.classes,
                         trainImages: take(header.train * f), trainLabels: take(header.train),
                         testImages: take(header.test * f), testLabels: take(header.test))
    return d.contentChecksum == header.sha256 ? d : nil
  }
}
