import Foundation
import XCTest
import Numerics
@testable import Datasets

final class DatasetsTests: XCTestCase {
  var dir: URL!
  override func setUp() {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("ds-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }
  override func tearDown() { try? FileManager.default.removeItem(at: dir) }

  func idx(images: Int, rows: Int = 2, cols: Int = 2) -> [UInt8] {
    var b: [UInt8] = [0, 0, 8, 3]
    for d in [images, rows, cols] { b += [0, 0, UInt8(d >> 8), UInt8(d & 255)] }
    return b + (0..<(images * rows * cols)).map { UInt8($0 % 256) }
  }
  func labels(_ l: [UInt8]) -> [UInt8] { [0, 0, 8, 1, 0, 0, 0, UInt8(l.count)] + l }

  func gzip(_ bytes: [UInt8], name: String) throws -> URL {
    let url = dir.appendingPathComponent(name.replacingOccurrences(of: ".gz", with: ""))
    try Data(bytes).write(to: url)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env"); p.arguments = ["gzip", "-f", url.path]
    try p.run(); p.waitUntilExit()
    return dir.appendingPathComponent(name)
  }

  func testSHA256KnownVectors() {
    XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let million = [UInt8](repeating: 97, count: 1_000_000)
    XCTAssertEqual(SHA256.hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  func testIDXRawAndGzipAndTruncated() throws {
    let raw = idx(images: 3)
    let parsed = try Readers.idx(raw, file: "raw")
    XCTAssertEqual(parsed.dims, [3, 2, 2]); XCTAssertEqual(parsed.data.count, 12)
    let gz = try gzip(raw, name: "images.gz")
    XCTAssertEqual(try Readers.idx(try Readers.bytes(gz.path), file: gz.path).data, parsed.data)
    XCTAssertThrowsError(try Readers.idx(Array(raw.dropLast(3)), file: "short.idx")) { e in
      XCTAssertTrue("\(e)".contains("short.idx"), "\(e)")
    }
    let gzBytes = try Readers.bytes(gz.path)
    XCTAssertThrowsError(try Readers.idx(Array(gzBytes.prefix(gzBytes.count / 2)), file: "cut.gz")) { e in
      XCTAssertTrue("\(e)".contains("cut.gz"), "\(e)")
    }
    XCTAssertThrowsError(try Readers.idx([1, 2, 3, 4, 5], file: "junk"))
  }

  func testIDXDirectoryAsKMNISTAndMissingFiles() throws {
    var loc = DataLocations(root: dir, kmnistDirectory: dir.path)
    XCTAssertThrowsError(try Catalog.load(.kmnist, loc)) { e in
      XCTAssertTrue("\(e)".contains("train-images-idx3-ubyte.gz") && "\(e)".contains("KMNIST_DIR"), "\(e)")
    }
    _ = try gzip(idx(images: 4), name: "train-images-idx3-ubyte.gz")
    _ = try gzip(labels([0, 1, 2, 9]), name: "train-labels-idx1-ubyte.gz")
    _ = try gzip(idx(images: 2), name: "t10k-images-idx3-ubyte.gz")
    _ = try gzip(labels([3, 4]), name: "t10k-labels-idx1-ubyte.gz")
    loc.root = dir.appendingPathComponent("data")
    let d = try Catalog.load(.kmnist, loc)
    XCTAssertEqual(d.trainCount, 4); XCTAssertEqual(d.testLabels, [3, 4]); XCTAssertEqual(d.shape, [1, 2, 2])
    // The cache is written and read back identically.
    XCTAssertEqual(try Catalog.load(.kmnist, loc), d)
    let noDir = DataLocations(root: dir)
    if ProcessInfo.processInfo.environment["KMNIST_DIR"] == nil {
      XCTAssertThrowsError(try Catalog.load(.kmnist, noDir)) { XCTAssertTrue("\($0)".contains("--kmnist-dir")) }
    }
  }

  func testMNISTCSV() throws {
    let csv = Array("label,a,b,c,d\n5,0,255,3,4\n0,1,2,3,4\n".utf8)
    let r = try Readers.mnistCSV(csv, file: "t.csv", features: 4)
    XCTAssertEqual(r.labels, [5, 0]); XCTAssertEqual(r.images, [0, 255, 3, 4, 1, 2, 3, 4])
    XCTAssertThrowsError(try Readers.mnistCSV(Array("h\n5,0,256,3,4\n".utf8), file: "bad.csv", features: 4)) {
      XCTAssertTrue("\($0)".contains("bad.csv") && "\($0)".contains("line 2"))
    }
    XCTAssertThrowsError(try Readers.mnistCSV(Array("h\n5,0,1\n".utf8), file: "short.csv", features: 4))
  }

  func testCIFARBatchReader() throws {
    var batch: [UInt8] = []
    for label in [UInt8(3), 7] { batch.append(label); batch += [UInt8](repeating: label, count: 3072) }
    let r = try Readers.cifar10Batch(batch, file: "b.bin")
    XCTAssertEqual(r.labels, [3, 7]); XCTAssertEqual(r.images.count, 2 * 3072); XCTAssertEqual(r.images[3072], 7)
    XCTAssertThrowsError(try Readers.cifar10Batch(Array(batch.dropLast()), file: "cut.bin")) {
      XCTAssertTrue("\($0)".contains("cut.bin"))
    }
    let loc = DataLocations(root: dir, cifar10Directory: dir.path)
    XCTAssertThrowsError(try Catalog.load(.cifar10, loc)) { XCTAssertTrue("\($0)".contains("data_batch_1.bin")) }
  }

  func testNPYReader() throws {
    var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }"
    while (10 + header.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 255), UInt8(header.count >> 8)]
      + Array(header.utf8) + [1, 2, 3, 4, 5, 6]
    let r = try Readers.npyUInt8(bytes, file: "a.npy")
    XCTAssertEqual(r.shape, [2, 3]); XCTAssertEqual(r.data, [1, 2, 3, 4, 5, 6])
    XCTAssertThrowsError(try Readers.npyUInt8(Array(bytes.dropLast()), file: "a.npy"))
  }

  func testSplitsAndScaling() {
    let d = ImageDataset(name: "toy", shape: [1, 1, 2], classes: 10, trainImages: (0..<20).map { UInt8($0 * 10) },
                         trainLabels: (0..<10).map { UInt8($0) }, testImages: [0, 255], testLabels: [1])
    let p: Problem<Double> = d.problem(scaling: .unit, validationCount: 3, splitSeed: 0)
    XCTAssertEqual(p.train.count, 7); XCTAssertEqual(p.validation.count, 3)
    XCTAssertEqual(Set(p.train.labels + p.validation.labels), Set((0..<10).map { Int32($0) }))
    XCTAssertEqual(p.test.features.storage, [0, 1])
    let s: Problem<Double> = d.problem(scaling: .standardize(mean: 0.1307, std: 0.3081), validationCount: 0, splitSeed: 0)
    XCTAssertEqual(s.test.features.storage[1], (1 - 0.1307) / 0.3081, accuracy: 1e-12)
    let again: Problem<Double> = d.problem(scaling: .unit, validationCount: 3, splitSeed: 0)
    XCTAssertEqual(again.validation.labels, p.validation.labels)
  }

  func testSyntheticTasks() {
    let sine: Problem<Double> = SyntheticRegression.sine(seed: 3)
    XCTAssertEqual(sine.train.count, 1440); XCTAssertEqual(sine.validation.count, 160); XCTAssertEqual(sine.test.count, 320)
    for i in 0..<sine.test.count { XCTAssertEqual(sine.test.targets!.storage[i], Foundation.sin(sine.test.features.storage[i]), accuracy: 1e-15) }
    XCTAssertTrue(sine.train.features.storage.allSatisfy { $0 >= -Double.pi && $0 < Double.pi })
    let teacher: Problem<Float> = SyntheticRegression.teacher(seed: 0)
    XCTAssertEqual(teacher.train.features.cols, 1); XCTAssertEqual(teacher.outputWidth, 10)
    XCTAssertEqual(teacher.train.count, 1440)
    let dfc: Problem<Double> = SyntheticRegression.dfcTeacher(inputs: 15, outputs: 5, train: 200, test: 50, validation: 50)
    XCTAssertEqual(dfc.train.targets!.cols, 5)
    let std = (dfc.train.targets!.storage.map { $0 * $0 }.reduce(0, +) / Double(dfc.train.targets!.count)).squareRoot()
    XCTAssertGreaterThan(std, 1)   // gain-3 teacher: outputs of order several units (DFC README)
  }
}
