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
  }

  /// "RPCK1\n", a JSON header line, then the raw arrays. Written atomically.
  func save<R: LearningRule<T>>(to url: URL, rule: R) throws {
    let ruleState = rule.state
    let h = Header(scalar: "\(T.self)", epoch: epoch, batch: batch, lossSum: lossSum, correct: correct, seen: seen,
                   metricSums: metricSums, metricCount: metricCount, history: history, initial: initial, order: orderAtEpochStart, optimizerStep: optimizer.step,
                   counts: [net.parameters.count, optimizer.first.count, optimizer.second.count, ruleState.count],
                   wallSeconds: wallSeconds, cpuSeconds: cpuSeconds)
    var data = Data("RPCK1\n".utf8)
    data.append(Data(try canonicalJSON(h).replacingOccurrences(of: "\n", with: " ").utf8)); data.append(10)
    for a in [net.parameters, optimizer.first, optimizer.second, ruleState] { a.withUnsafeBytes { data.append(contentsOf: $0) } }
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url, options: .atomic)
  }

  mutating func restore<R: LearningRule<T>>(from url: URL, rule: inout R) throws {
    guard let data = try? Data(contentsOf: url), data.starts(with: Data("RPCK1\n".utf8)),
          let newline = data[6...].firstIndex(of: 10) else { throw RunError.badCheckpoint("\(url.path) is not a checkpoint; delete it to start over") }
    let h: Header
    do { h = try suiteJSONDecoder().decode(Header.self, from: data[6..<newline]) }
    catch { throw RunError.badCheckpoint("\(url.path): \(error); delete it to start over") }
    guard h.scalar == "\(T.self)", h.counts[0] == net.parameters.count, h.counts[1] == optimizer.first.count,
          h.counts[2] == optimizer.second.count else {
      throw RunError.badCheckpoint("\(url.path) was written by a different configuration; delete it to start over")
    }
    let size = MemoryLayout<T>.stride
    guard data.count - (newline + 1) == h.counts.reduce(0, +) * size else {
      throw RunError.badCheckpoint("\(url.path) is truncated; delete it to start over")
    }
    var offset = newline + 1
    func take(_ n: Int) -> [T] {
      defer { offset += n * size }
      return [T](unsafeUninitializedCapacity: n) { buf, count in
        _ = data[offset..<(offset + n * size)].copyBytes(to: UnsafeMutableRawBufferPointer(buf))
        count = n
      }
    }
    net.parameters = take(h.counts[0]); optimizer.first = take(h.counts[1]); optimizer.second = take(h.counts[2])
    rule.restore(take(h.counts[3]))
    optimizer.step = h.optimizerStep
    epoch = h.epoch; batch = h.batch; lossSum = h.lossSum; correct = h.correct; seen = h.seen
    metricSums = h.metricSums; metricCount = h.metricCount
    history = h.history; initial = h.initial; orderAtEpochStart = h.order
    wallCarried = h.wallSeconds; cpuCarried = h.cpuSeconds
  }
}
