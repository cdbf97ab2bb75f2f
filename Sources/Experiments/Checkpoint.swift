import Foundation
import Learning
import Numerics

/// Everything a run needs to continue exactly where it stopped: parameters, optimiser state, the rule's
/// state, the data-order generator as it was at the start of the epoch, the position in the epoch, the
/// epoch's running sums and the history so far.
struct TrainingState<T: BLASScalar> {
  var net: Network<T>
  var optimizer: OptimizerState<T>
  var orderAtEpochStart: Random
  var epoch = 0, batch = 0
  var lossSum = 0.0, correct = 0, seen = 0
  var metricSums: [String: Double] = [:], metricCount = 0   // the epoch's sampled alignment metrics so far
  var history: [EpochRecord] = []
  var initial: EpochRecord? = nil
  var wallCarried = 0.0, cpuCarried = 0.0      // time spent before a resume
  var commits: [String]? = nil                 // the commits that trained the run so far (`SegmentCommits`)
  let wallStart = Clock.wall, cpuStart = Clock.processCPU
  /// The run's time so far, including the time before a resume.
  var wallSeconds: Double { wallCarried + Clock.wall - wallStart }
  var cpuSeconds: Double { cpuCarried + Clock.processCPU - cpuStart }

  init(net: Network<T>, optimizer: OptimizerState<T>, order: Random) {
    self.net = net; self.optimizer = optimizer; orderAtEpochStart = order
  }

  struct Header: Codable {
    var format = 1
    var scalar: String
    var epoch: Int, batch: Int, lossSum: Double, correct: Int, seen: Int
    var metricSums: [String: Double], metricCount: Int
    var history: [EpochRecord]
    var initial: EpochRecord?
    var order: Random
    var optimizerStep: Int
    var counts: [Int]                 // parameters, first moment, second moment, rule state
    var wallSeconds: Double, cpuSeconds: Double
    var commits: [String]? = nil      // optional: checkpoints written before it existed still load
  }

  /// "RPCK1\n", a JSON header line, then the raw arrays (`CheckpointFile`).
  func save<R: LearningRule<T>>(to url: URL, rule: R) throws {
    let ruleState = rule.state
    let h = Header(scalar: "\(T.self)", epoch: epoch, batch: batch, lossSum: lossSum, correct: correct, seen: seen,
                   metricSums: metricSums, metricCount: metricCount, history: history, initial: initial, order: orderAtEpochStart, optimizerStep: optimizer.step,
                   counts: [net.parameters.count, optimizer.first.count, optimizer.second.count, ruleState.count],
                   wallSeconds: wallSeconds, cpuSeconds: cpuSeconds, commits: commits)
    try CheckpointFile.write(magic: "RPCK1", header: h, arrays: [net.parameters, optimizer.first, optimizer.second, ruleState], to: url)
  }

  mutating func restore<R: LearningRule<T>>(from url: URL, rule: inout R) throws {
    let (h, arrays) = try CheckpointFile.read(magic: "RPCK1", from: url, as: Header.self, counts: \.counts, element: T.self)
    guard h.scalar == "\(T.self)", h.counts[0] == net.parameters.count, h.counts[1] == optimizer.first.count,
          h.counts[2] == optimizer.second.count else {
      throw RunError.badCheckpoint("\(url.path) was written by a different configuration; delete it to start over")
    }
    net.parameters = arrays[0]; optimizer.first = arrays[1]; optimizer.second = arrays[2]
    rule.restore(arrays[3])
    optimizer.step = h.optimizerStep
    epoch = h.epoch; batch = h.batch; lossSum = h.lossSum; correct = h.correct; seen = h.seen
    metricSums = h.metricSums; metricCount = h.metricCount
    history = h.history; initial = h.initial; orderAtEpochStart = h.order
    wallCarried = h.wallSeconds; cpuCarried = h.cpuSeconds; commits = h.commits
  }
}

/// The checkpoint file format of every runner (layered, invertible, controlled networks): a magic line, the header as one line of JSON,
/// then the arrays' raw bytes, back to back (their lengths are in the header). Written atomically.
enum CheckpointFile {
  static func write<H: Encodable, T>(magic: String, header: H, arrays: [[T]], to url: URL) throws {
    var data = Data("\(magic)\n".utf8)
    data.append(Data(try canonicalJSON(header).replacingOccurrences(of: "\n", with: " ").utf8)); data.append(10)
    for a in arrays { a.withUnsafeBytes { data.append(contentsOf: $0) } }
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url, options: .atomic)
  }

  /// The header and the arrays whose lengths `counts` reads from it; throws a `badCheckpoint` that says what to do.
  static func read<H: Decodable, T>(magic: String, from url: URL, as: H.Type, counts: (H) -> [Int], element: T.Type) throws -> (H, [[T]]) {
    let prefix = Data("\(magic)\n".utf8)
    guard let data = try? Data(contentsOf: url), data.starts(with: prefix),
          let newline = data[prefix.count...].firstIndex(of: 10) else {
      throw RunError.badCheckpoint("\(url.path) is not a \(magic) checkpoint; delete it to start over")
    }
    let h: H
    do { h = try suiteJSONDecoder().decode(H.self, from: data[prefix.count..<newline]) }
    catch { throw RunError.badCheckpoint("\(url.path): \(error); delete it to start over") }
    let sizes = counts(h), size = MemoryLayout<T>.stride
    guard data.count - (newline + 1) == sizes.reduce(0, +) * size else {
      throw RunError.badCheckpoint("\(url.path) is truncated or was written by a different configuration; delete it to start over")
    }
    var offset = newline + 1
    let arrays = sizes.map { n -> [T] in
      defer { offset += n * size }
      return [T](unsafeUninitializedCapacity: n) { buf, count in
        _ = data[offset..<(offset + n * size)].copyBytes(to: UnsafeMutableRawBufferPointer(buf))
        count = n
      }
    }
    return (h, arrays)
  }
}
