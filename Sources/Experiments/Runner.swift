import Datasets
import Foundation
import Learning
import Numerics

/// One epoch's numbers. Training loss and accuracy are means over the epoch's minibatches, measured
/// before each update; validation and test are measured after the epoch.
public struct EpochRecord: Sendable, Codable, Equatable {
  public var epoch: Int
  public var trainLoss: Double
  public var trainAccuracy: Double?
  public var validationLoss: Double?
  public var validationAccuracy: Double?
  public var testLoss: Double
  public var testAccuracy: Double?
  public var seconds: Double
  /// Alignment metrics averaged over the epoch's sampled batches (bioflax's keys), when sampled.
  public var metrics: [String: Double]? = nil
  /// Loss and accuracy on the fixed training subset (`Experiment.trainEvaluationRows`).
  public var trainSubsetLoss: Double? = nil
  public var trainSubsetAccuracy: Double? = nil
  /// The angle probe (`Experiment.probeRows`), keyed by `Probe` key names.
  public var probe: [String: Double]? = nil
}

extension EpochRecord {
  /// Public (the memberwise initialiser is internal), for records built outside the runners, e.g. in tests.
  public init(epoch: Int, trainLoss: Double, trainAccuracy: Double? = nil, validationLoss: Double? = nil, validationAccuracy: Double? = nil,
              testLoss: Double, testAccuracy: Double? = nil, seconds: Double) {
    self.epoch = epoch; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy; self.validationLoss = validationLoss
    self.validationAccuracy = validationAccuracy; self.testLoss = testLoss; self.testAccuracy = testAccuracy; self.seconds = seconds
  }
}

/// Where a run stopped on a non-finite loss (reported as "diverged", never as a number).
public struct Divergence: Sendable, Codable, Equatable {
  public var epoch: Int      // 1-based
  public var step: Int       // 1-based within the epoch
  public var loss: Double
  public init(epoch: Int, step: Int, loss: Double) { self.epoch = epoch; self.step = step; self.loss = loss }
}

/// What one (experiment, seed) run produced: small, committed, enough to redraw tables and figures.
public struct RunRecord: Sendable, Codable {
  public var experiment: String
  public var key: String
  public var seed: UInt64
  public var precision: Precision
  public var rule: String
  public var epochs: [EpochRecord]
  public var dataChecksum: String
  public var wallSeconds: Double
  public var cpuSeconds: Double
  public var resumed: Bool
  public var diverged: Divergence? = nil
  /// The final network's outputs on the test set, row-major (only when the experiment asks for them).
  public var testPredictions: [Double]? = nil
  /// Validation and test numbers of the initial network, before any update (epoch 0).
  public var initial: EpochRecord? = nil
  /// The code that trained it (from `RunOptions.provenance`).
  public var commit: String? = nil
  public var dirty: Bool? = nil
  /// Every commit that trained it, oldest first, when a resume ran other code than the stretch before
  /// (`SegmentCommits`); nil when one commit trained it all.
  public var commits: [String]? = nil
  /// The machine's host name (a cluster node, for a Slurm task).
  public var host: String? = nil
  /// What only one family logs (GAIT-prop's evaluations by batch, DFC's logged minibatches): its `RunLog`, read
  /// through the family's own accessor (`invertible`, `controlled`).
  public var log: (any RunLog)? = nil

  public var final: EpochRecord? { epochs.last }
  /// The epoch with the best validation accuracy (classification) or lowest validation loss (regression);
  /// the test numbers are then read at that epoch. Without a validation set: the last epoch.
  public var bestEpoch: EpochRecord? {
    guard epochs.first?.validationLoss != nil else { return epochs.last }
    let finite = epochs.filter { $0.validationLoss?.isFinite ?? false }
    if finite.isEmpty { return nil }
    if epochs.first?.validationAccuracy != nil {
      return finite.max { ($0.validationAccuracy ?? 0, -$0.epoch) < ($1.validationAccuracy ?? 0, -$1.epoch) }
    }
    return finite.min { ($0.validationLoss ?? .infinity, $0.epoch) < ($1.validationLoss ?? .infinity, $1.epoch) }
  }
  public var bestTestAccuracy: Double? { epochs.compactMap(\.testAccuracy).max() }
  public var secondsPerEpoch: Double { epochs.isEmpty ? 0 : epochs.map(\.seconds).reduce(0, +) / Double(epochs.count) }

  public init(experiment: String, key: String, seed: UInt64, precision: Precision, rule: String, epochs: [EpochRecord],
              dataChecksum: String, wallSeconds: Double, cpuSeconds: Double, resumed: Bool, diverged: Divergence? = nil,
              testPredictions: [Double]? = nil, initial: EpochRecord? = nil, trainedBy code: Provenance? = nil,
              segmentCommits: [String]? = nil) {
    self.experiment = experiment; self.key = key; self.seed = seed; self.precision = precision; self.rule = rule
    self.epochs = epochs; self.dataChecksum = dataChecksum; self.wallSeconds = wallSeconds; self.cpuSeconds = cpuSeconds
    self.resumed = resumed; self.diverged = diverged; self.testPredictions = testPredictions; self.initial = initial
    self.commit = code?.commit; self.dirty = code?.dirty; self.commits = SegmentCommits.forRecord(segmentCommits)
  }

  enum CodingKeys: String, CodingKey {
    case experiment, key, seed, precision, rule, epochs, dataChecksum, wallSeconds, cpuSeconds, resumed, diverged
    case testPredictions, initial, commit, dirty, commits, host, log, logFamily
  }
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(experiment, forKey: .experiment); try c.encode(key, forKey: .key); try c.encode(seed, forKey: .seed)
    try c.encode(precision, forKey: .precision); try c.encode(rule, forKey: .rule); try c.encode(epochs, forKey: .epochs)
    try c.encode(dataChecksum, forKey: .dataChecksum); try c.encode(wallSeconds, forKey: .wallSeconds)
    try c.encode(cpuSeconds, forKey: .cpuSeconds); try c.encode(resumed, forKey: .resumed)
    try c.encodeIfPresent(diverged, forKey: .diverged); try c.encodeIfPresent(testPredictions, forKey: .testPredictions)
    try c.encodeIfPresent(initial, forKey: .initial); try c.encodeIfPresent(commit, forKey: .commit)
    try c.encodeIfPresent(dirty, forKey: .dirty); try c.encodeIfPresent(commits, forKey: .commits)
    try c.encodeIfPresent(host, forKey: .host)
    if let log {
      try c.encode(type(of: log).family, forKey: .logFamily)
      try c.encode(log, forKey: .log)
    }
  }
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    experiment = try c.decode(String.self, forKey: .experiment); key = try c.decode(String.self, forKey: .key)
    seed = try c.decode(UInt64.self, forKey: .seed); precision = try c.decode(Precision.self, forKey: .precision)
    rule = try c.decode(String.self, forKey: .rule); epochs = try c.decode([EpochRecord].self, forKey: .epochs)
    dataChecksum = try c.decode(String.self, forKey: .dataChecksum); wallSeconds = try c.decode(Double.self, forKey: .wallSeconds)
    cpuSeconds = try c.decode(Double.self, forKey: .cpuSeconds); resumed = try c.decode(Bool.self, forKey: .resumed)
    diverged = try c.decodeIfPresent(Divergence.self, forKey: .diverged)
    testPredictions = try c.decodeIfPresent([Double].self, forKey: .testPredictions)
    initial = try c.decodeIfPresent(EpochRecord.self, forKey: .initial)
    commit = try c.decodeIfPresent(String.self, forKey: .commit); dirty = try c.decodeIfPresent(Bool.self, forKey: .dirty)
    commits = try c.decodeIfPresent([String].self, forKey: .commits)
    host = try c.decodeIfPresent(String.self, forKey: .host)
    if let family = try c.decodeIfPresent(String.self, forKey: .logFamily) {
      guard let type = RunLogs.all.first(where: { $0.family == family }) else {
        throw DecodingError.dataCorruptedError(forKey: .logFamily, in: c, debugDescription: "unknown run log family '\(family)'")
      }
      func decode<L: RunLog>(_: L.Type) throws -> any RunLog { try c.decode(L.self, forKey: .log) }
      log = try decode(type)
    } else {
      // Records written before logs were nested keep a family's fields at the top level.
      log = try RunLogs.all.lazy.compactMap { try $0.init(legacyRecord: decoder) }.first
    }
  }
}

/// What one family of runs logs beyond the per-epoch numbers every run has. Each family declares its own (with an
/// accessor on `RunRecord` beside its runner) and one line in `RunLogs.all`.
public protocol RunLog: Sendable, Codable {
  static var family: String { get }
  /// Reads the fields from a record written before logs were nested (nil if they are not there).
  init?(legacyRecord decoder: Decoder) throws
}

public enum RunLogs {
  public static let all: [any RunLog.Type] = [InvertibleLog.self, ControlledLog.self, ConvolutionalLog.self, LeNetLog.self]
}

public enum RunError: Error, CustomStringConvertible {
  case badCheckpoint(String)
  public var description: String {
    switch self {
    case .badCheckpoint(let s): return "checkpoint unusable: \(s)"
    }
  }
}

public struct RunOptions: Sendable {
  /// Where checkpoints go (nil: none). A run whose checkpoint exists resumes from it; it is deleted on success.
  public var checkpointDirectory: URL?
  public var checkpointEverySeconds: Double = 60
  public var progress: Bool = true
  /// Stop after this many optimiser steps in total (tests: simulate an interruption).
  public var stopAfterSteps: Int? = nil
  /// Stamped on every record, so that cached runs say which code trained them.
  public var provenance: Provenance? = nil
  public init(checkpointDirectory: URL? = nil, progress: Bool = true) {
    self.checkpointDirectory = checkpointDirectory; self.progress = progress
  }
  /// Every runner's checkpoint file: `<name>-<key>-seed<seed>.ckpt` in the checkpoint directory.
  public func checkpointURL(_ name: String, _ key: String, seed: UInt64) -> URL? {
    checkpointDirectory?.appendingPathComponent("\(name)-\(key)-seed\(seed).ckpt")
  }
}


// Kept in this file: in a non-WMO build, generic code is specialised only where its body is visible, so the
// rule is built, handed to the loop and trained in one file (measured: 20x slower across files).
extension RuleSpec {
  /// Builds the rule for `net` (feedback weights from `rng`) and hands it, with its concrete type, to `body`,
  /// so that the training loop is specialised for each rule instead of dispatching through an existential.
  func build<Body: RuleBody>(_ e: Experiment, _ net: Network<Body.Scalar>, rng: inout Random, _ body: Body) throws -> Body.Output {
    typealias T = Body.Scalar
    let b = e.feedbackInitializer ?? e.initializer
    func layerFeedback() -> [T] {
      var f = [T](repeating: 0, count: net.layout.count)
      for l in 1...net.layerCount {
        let m: Matrix<T> = b.matrix(fanIn: net.sizes[l - 1], fanOut: net.sizes[l], &rng)
        f.replaceSubrange(net.layout.weightOffset[l - 1]..<(net.layout.weightOffset[l - 1] + m.count), with: m.storage)
      }
      return f
    }
    switch self {
    case .backprop:
      var rule = Backprop<T>(); return try body.run(&rule)
    case .feedbackAlignment:
      var rule = FeedbackAlignment<T>(feedback: layerFeedback(), decay: e.weightDecay, decayFixedFeedback: e.decayFixedFeedback)
      return try body.run(&rule)
    case .kolenPollack:
      var rule = KolenPollack<T>(feedback: layerFeedback(), optimizer: e.optimizer, decay: e.weightDecay)
      return try body.run(&rule)
    case .directFeedbackAlignment:
      // Bₗ (dₗ × d_L): fan-in dₗ, as bioflax (std 1/√dₗ for lecun).
      let dOut = net.sizes.last!
      let f: [Matrix<T>] = (1..<net.layerCount).map { b.matrix(fanIn: net.sizes[$0], fanOut: dOut, &rng) }
      var rule = DirectFeedbackAlignment<T>(feedback: f, decay: e.weightDecay, decayFixedFeedback: e.decayFixedFeedback)
      return try body.run(&rule)
    case .alignProp:
      var rule = FeedbackAlignment<T>.alignProp(initial: net); return try body.run(&rule)
    case .alignAda:
      var rule = AlignAdaDense<T>(initial: net); return try body.run(&rule)
    case .alignZero:
      var rule = AlignZeroDense<T>(initial: net); return try body.run(&rule)
    case .localRepresentationAlignment:
      // E_l (n_l × n_{l−1}) for l = 2…L; E's optimiser is the forward weights' (its own state).
      let errorWeights: [Matrix<T>] = (2...net.layerCount).map { b.matrix(fanIn: net.sizes[$0], fanOut: net.sizes[$0 - 1], &rng) }
      var rule = LocalRepresentationAlignment<T>(
        sizes: net.sizes, errorWeights: errorWeights, beta: e.lra.beta, gamma: e.lra.gamma,
        orientation: e.lra.orientation,
        sumOverBatch: e.lra.sumOverBatch, optimizer: e.optimizer, decay: e.weightDecay)
      return try body.run(&rule)
    }
  }
}

/// What the runner does with a rule once it is built (a generic "closure").
protocol RuleBody {
  associatedtype Scalar: BLASScalar
  associatedtype Output
  func run<R: LearningRule>(_ rule: inout R) throws -> Output where R.Scalar == Scalar
}


public enum Runner {
  /// Trains and evaluates `experiment` at one seed.
  public static func run(_ experiment: Experiment, seed: UInt64, data: DataLocations, options: RunOptions = RunOptions()) throws -> RunRecord {
    switch experiment.precision {
    case .float: return try run(experiment, seed: seed, data: data, options: options, as: Float.self)
    case .double: return try run(experiment, seed: seed, data: data, options: options, as: Double.self)
    }
  }

  public static func run<T: BLASScalar>(_ e: Experiment, seed: UInt64, data: DataLocations, options: RunOptions,
                                       as: T.Type) throws -> RunRecord {
    let problem: Problem<T> = try ProblemLoader.load(e.data, data)
    return try run(e, seed: seed, problem: problem, options: options)
  }

  /// The network an experiment starts from at `seed` (its own "init" stream).
  public static func initialNetwork<T: BLASScalar>(_ e: Experiment, inputs: Int, outputs: Int, seed: UInt64) -> Network<T> {
    var rng = Random(seed: seed, stream: "init")
    return Network<T>(sizes: [inputs] + e.hidden + [outputs], hidden: e.activation, output: e.outputActivation,
                      initializer: e.initializer, rng: &rng)
  }

  public static func run<T: BLASScalar>(_ e: Experiment, seed: UInt64, problem: Problem<T>, options: RunOptions) throws -> RunRecord {
    let net: Network<T> = initialNetwork(e, inputs: problem.inputWidth, outputs: problem.outputWidth, seed: seed)
    var ruleRNG = Random(seed: seed, stream: "rule")
    return try e.rule.build(e, net, rng: &ruleRNG, TrainBody(e: e, seed: seed, problem: problem, net: net, options: options))
  }

  struct TrainBody<Scalar: BLASScalar>: RuleBody {
    let e: Experiment, seed: UInt64, problem: Problem<Scalar>, net: Network<Scalar>, options: RunOptions
    func run<R: LearningRule>(_ rule: inout R) throws -> RunRecord where R.Scalar == Scalar {
      try Runner.train(e, seed: seed, problem: problem, net: net, rule: &rule, options: options)
    }
  }

  static func train<T: BLASScalar, R: LearningRule<T>>(_ e: Experiment, seed: UInt64, problem: Problem<T>,
                                                      net initial: Network<T>, rule: inout R, options: RunOptions) throws -> RunRecord {
    var s = TrainingState(net: initial, optimizer: OptimizerState<T>(e.optimizer, count: initial.layout.count),
                          order: Random(seed: seed, stream: "data-order"))
    let checkpointURL = options.checkpointURL(e.name, e.key, seed: seed)
    var resumed = false
    if let url = checkpointURL, FileManager.default.fileExists(atPath: url.path) {
      try s.restore(from: url, rule: &rule)
      resumed = true
      Progress.note("\(e.name) seed \(seed): resuming from \(url.lastPathComponent) at epoch \(s.epoch + 1), batch \(s.batch + 1)")
    }
    s.commits = SegmentCommits.after(s.commits, resumed: resumed, current: options.provenance?.commit)

    let train = problem.train, n = train.count, d0 = problem.inputWidth, dL = problem.outputWidth
    let batchesPerEpoch = (n + e.batchSize - 1) / e.batchSize
    var tape = Tape<T>(sizes: s.net.sizes, capacity: e.batchSize)
    var g = [T](repeating: 0, count: s.net.layout.count)
    var bx = [T](repeating: 0, count: e.batchSize * d0)
    var by = [Int32](repeating: 0, count: e.batchSize)
    var bt = [T](repeating: 0, count: e.batchSize * dL)
    let tensors = s.net.layout.tensors
    var progress = Progress(label: "\(e.name) [\(e.rule)] seed \(seed)", enabled: options.progress)
    var lastCheckpoint = Clock.wall
    var steps = 0
    let classification = e.loss.isClassification
    var bpGradient = [T](repeating: 0, count: e.metricBatches > 0 ? s.net.layout.count : 0)
    var diverged: Divergence? = nil

    let trainSubset = e.trainEvaluationRows.map { train.subset(Array(0..<min($0, n))) }
    var probe = Probe<T>(e, problem, s.net)
    func measure(_ r: inout EpochRecord) {
      if let sub = trainSubset {
        let m = evaluate(s.net, sub, e.loss, e.evaluation, &tape)
        r.trainSubsetLoss = m.loss; r.trainSubsetAccuracy = m.accuracy
      }
      r.probe = probe?.measure(s.net, &rule, loss: e.loss)
    }
    if s.initial == nil {
      let valid = problem.validation.count > 0 ? evaluate(s.net, problem.validation, e.loss, e.evaluation, &tape) : nil
      let test = evaluate(s.net, problem.test, e.loss, e.evaluation, &tape)
      var initial = EpochRecord(epoch: 0, trainLoss: .nan, validationLoss: valid?.loss, validationAccuracy: valid?.accuracy,
                                testLoss: test.loss, testAccuracy: test.accuracy, seconds: 0)
      measure(&initial)
      s.initial = initial
    }
    training: while s.epoch < e.epochs {
      let epochStart = Clock.wall
      var order = s.orderAtEpochStart
      let permutation = e.shuffle ? order.permutation(n) : Array(0..<n)
      while s.batch < batchesPerEpoch {
        let start = s.batch * e.batchSize, rows = min(e.batchSize, n - start)
        // Gather the batch's rows into contiguous buffers.
        train.features.storage.withUnsafeBufferPointer { src in
          bx.withUnsafeMutableBufferPointer { dst in
            for r in 0..<rows {
              (dst.baseAddress! + r * d0).update(from: src.baseAddress! + permutation[start + r] * d0, count: d0)
            }
          }
        }
        if classification { for r in 0..<rows { by[r] = train.labels[permutation[start + r]] } }
        if let t = train.targets {
          for r in 0..<rows { for j in 0..<dL { bt[r * dL + j] = t.storage[permutation[start + r] * dL + j] } }
        }
        let sampleMetrics = s.batch < e.metricBatches
        var batchMetrics: [String: Double] = [:]
        let loss: T = bx.withUnsafeBufferPointer { px in
          by.withUnsafeBufferPointer { py in
            bt.withUnsafeBufferPointer { pt in
              let batch = Batch(rows: rows, inputs: px.baseAddress!, labels: classification ? py.baseAddress : nil,
                                targets: classification ? nil : pt.baseAddress)
              let value = rule.update(s.net, batch, loss: e.loss, tape: &tape, into: &g)
              if classification {
                s.correct += tape.output[tape.output.count - 1].withUnsafeBufferPointer {
                  correctCount($0.baseAddress!, rows: rows, width: dL, labels: py.baseAddress!)
                }
              }
              if sampleMetrics && value.isFinite {
                // The true gradient at the same, pre-update parameters on the same batch.
                _ = s.net.gradient(batch, loss: e.loss, tape: &tape, into: &bpGradient)
                batchMetrics = AlignmentMetrics.gradient(layout: s.net.layout, bp: bpGradient, rule: g)
              }
              return value
            }
          }
        }
        guard loss.isFinite else {
          diverged = Divergence(epoch: s.epoch + 1, step: s.batch + 1, loss: Double(loss))
          Progress.note("\(e.name) [\(e.rule)] seed \(seed): diverged (loss \(loss)) at epoch \(s.epoch + 1), step \(s.batch + 1)")
          break training
        }
        if !e.trainBiases { for l in 1...s.net.layerCount { let o = s.net.layout.biasOffset[l - 1]; for j in 0..<s.net.sizes[l] { g[o + j] = 0 } } }
        e.clipping.apply(&g, tensors: tensors)
        s.optimizer.apply(to: &s.net.parameters, gradient: g, decay: e.weightDecay)
        rule.afterStep(s.net)
        if sampleMetrics {
          // W–B alignment on the post-update parameters (bioflax's order).
          batchMetrics.merge(AlignmentMetrics.weight(s.net, rule)) { $1 }
          for (k, v) in batchMetrics { s.metricSums[k, default: 0] += v }
          s.metricCount += 1
        }
        s.lossSum += Double(loss); s.seen += rows; s.batch += 1; steps += 1
        progress.update(done: Double(s.epoch * batchesPerEpoch + s.batch), total: Double(e.epochs * batchesPerEpoch),
                        detail: "epoch \(s.epoch + 1)/\(e.epochs)")
        if let url = checkpointURL, Clock.wall - lastCheckpoint > options.checkpointEverySeconds {
          try s.save(to: url, rule: rule); lastCheckpoint = Clock.wall
        }
        if StopSignal.requested || options.stopAfterSteps.map({ steps >= $0 }) == true {
          if let url = checkpointURL { try s.save(to: url, rule: rule) }
          throw Interrupted(checkpoints: checkpointURL.map { [$0] } ?? [])
        }
      }
      // End of epoch: evaluate, record, move on.
      let valid = problem.validation.count > 0 ? evaluate(s.net, problem.validation, e.loss, e.evaluation, &tape) : nil
      let test = evaluate(s.net, problem.test, e.loss, e.evaluation, &tape)
      var record = EpochRecord(epoch: s.epoch + 1, trainLoss: s.lossSum / Double(batchesPerEpoch),
                               trainAccuracy: classification ? Double(s.correct) / Double(s.seen) : nil,
                               validationLoss: valid?.loss, validationAccuracy: valid?.accuracy,
                               testLoss: test.loss, testAccuracy: test.accuracy,
                               seconds: Clock.wall - epochStart,
                               metrics: s.metricCount > 0 ? s.metricSums.mapValues { $0 / Double(s.metricCount) } : nil)
      measure(&record)
      s.history.append(record)
      s.metricSums = [:]; s.metricCount = 0
      s.epoch += 1; s.batch = 0; s.lossSum = 0; s.correct = 0; s.seen = 0
      s.orderAtEpochStart = order
      if let url = checkpointURL, s.epoch < e.epochs { try s.save(to: url, rule: rule); lastCheckpoint = Clock.wall }
      progress.epoch(s.epoch, of: e.epochs, detail: summary(record))
    }
    if let url = checkpointURL { try? FileManager.default.removeItem(at: url) }
    let predictions = e.recordTestPredictions && diverged == nil ? s.net.predict(problem.test.features, tape: &tape).storage.map { Double($0) } : nil
    return RunRecord(experiment: e.name, key: e.key, seed: seed, precision: e.precision, rule: e.rule.description,
                     epochs: s.history, dataChecksum: problem.checksum,
                     wallSeconds: s.wallSeconds, cpuSeconds: s.cpuSeconds,
                     resumed: resumed, diverged: diverged, testPredictions: predictions, initial: s.initial,
                     trainedBy: options.provenance, segmentCommits: s.commits)
  }

  /// The numbers of a finished epoch, as the per-epoch progress line shows them.
  static func summary(_ r: EpochRecord) -> String {
    var s = String(format: "train loss %.4g", r.trainLoss)
    if let a = r.validationAccuracy { s += String(format: ", validation acc %.2f%%", 100 * a) }
    else if let l = r.validationLoss { s += String(format: ", validation loss %.4g", l) }
    if let a = r.testAccuracy { s += String(format: ", test acc %.2f%%", 100 * a) } else { s += String(format: ", test loss %.4g", r.testLoss) }
    return s
  }

  /// Loss and accuracy of the network on a whole set: per-example means, or bioflax's mean of batch means.
  public static func evaluate<T: BLASScalar>(_ net: Network<T>, _ set: Examples<T>, _ loss: Loss, _ mode: Evaluation,
                                            _ tape: inout Tape<T>) -> (loss: Double, accuracy: Double?) {
    let y = net.predict(set.features, tape: &tape)
    func measure(_ rows: Range<Int>) -> (Double, Double?) {
      let part = rows.count == y.rows ? y : Matrix(rows: rows.count, cols: y.cols, storage: Array(y.storage[(rows.lowerBound * y.cols)..<(rows.upperBound * y.cols)]))
      if loss.isClassification {
        let labels = Array(set.labels[rows])
        return (Double(loss.value(part, labels: labels)), accuracy(part, labels: labels))
      }
      let t = set.targets!
      let targets = rows.count == t.rows ? t : Matrix(rows: rows.count, cols: t.cols, storage: Array(t.storage[(rows.lowerBound * t.cols)..<(rows.upperBound * t.cols)]))
      return (Double(loss.value(part, targets: targets)), nil)
    }
    switch mode {
    case .exact: return measure(0..<y.rows)
    case .batchMean(let size):
      var lossSum = 0.0, accSum = 0.0, batches = 0
      for start in stride(from: 0, to: y.rows, by: size) {
        let (l, a) = measure(start..<min(start + size, y.rows))
        lossSum += l; accSum += a ?? 0; batches += 1
      }
      return (lossSum / Double(batches), loss.isClassification ? accSum / Double(batches) : nil)
    }
  }
}

// MARK: `reproduce bench`: a rule's epoch, timed (kept in this file so that the loop is specialised per rule, see `build`)

/// The CPU time of training epochs of one rule on random inputs of MNIST's shape, and the GEMM bound of the
/// same epoch: its GEMM calls, recorded, replayed alone in the same run.
public struct EpochTiming: Sendable, Codable {
  public var cpuSeconds: Double, wallSeconds: Double   // per epoch
  public var gemmBoundSeconds: Double                  // per epoch: the calls on one warm buffer per operand role
  public var laidOutBoundSeconds: Double               // per epoch: the calls on operands laid out as in training
  public var gemmFLOPs: Double                         // per epoch: Σ 2mnk of its GEMM calls
  public var optimizerSeconds: Double?                 // per epoch: the optimiser's steps alone (one per batch), when asked
}

extension Runner {
  /// `e.rule` trained for `epochs` epochs of `samples` random rows (timing does not depend on the values) with
  /// `e`'s net, batch and optimiser, after a 40-batch warm-up and one recorded epoch; with `timingOptimizer`, also the
  /// epoch's optimiser steps alone (`reproduce bench` prints them; `--rules` does not).
  public static func timeEpochs(_ e: Experiment, inputs: Int = 784, outputs: Int = 10, samples: Int, epochs: Int,
                                timingOptimizer: Bool = false) -> EpochTiming {
    switch e.precision {
    case .float: return timeEpochs(e, inputs, outputs, samples: samples, epochs: epochs, timingOptimizer: timingOptimizer, as: Float.self)
    case .double: return timeEpochs(e, inputs, outputs, samples: samples, epochs: epochs, timingOptimizer: timingOptimizer, as: Double.self)
    }
  }

  static func timeEpochs<T: BLASScalar>(_ e: Experiment, _ d0: Int, _ dL: Int, samples: Int, epochs: Int, timingOptimizer: Bool,
                                        as: T.Type) -> EpochTiming {
    var rng = Random(seed: 1, stream: "bench")
    let net = Network<T>(sizes: [d0] + e.hidden + [dL], hidden: e.activation, output: e.outputActivation, initializer: e.initializer, rng: &rng)
    let x: Matrix<T> = rng.uniformMatrix(rows: samples, cols: d0, 0, 1)
    let labels = (0..<samples).map { _ in Int32(rng.next() % UInt64(dL)) }
    return try! e.rule.build(e, net, rng: &rng, TimingBody(e: e, net: net, x: x, labels: labels, epochs: epochs, timingOptimizer: timingOptimizer))
  }

  struct TimingBody<Scalar: BLASScalar>: RuleBody {
    let e: Experiment, net: Network<Scalar>, x: Matrix<Scalar>, labels: [Int32], epochs: Int, timingOptimizer: Bool
    func run<R: LearningRule>(_ rule: inout R) throws -> EpochTiming where R.Scalar == Scalar {
      var net = self.net
      let d0 = net.sizes[0], samples = labels.count, B = e.batchSize
      var tape = Tape<Scalar>(sizes: net.sizes, capacity: B)
      var g = [Scalar](repeating: 0, count: net.layout.count)
      var opt = OptimizerState<Scalar>(e.optimizer, count: net.layout.count)
      func epoch(batches limit: Int = .max) {
        for (i, start) in stride(from: 0, to: samples, by: B).enumerated() where i < limit {
          let rows = min(B, samples - start)
          x.storage.withUnsafeBufferPointer { px in
            labels.withUnsafeBufferPointer { pl in
              let b = Batch(rows: rows, inputs: px.baseAddress! + start * d0, labels: pl.baseAddress! + start)
              _ = rule.update(net, b, loss: e.loss, tape: &tape, into: &g)
            }
          }
          opt.apply(to: &net.parameters, gradient: g, decay: e.weightDecay)
          rule.afterStep(net)
        }
      }
      epoch(batches: 40)                                // warm-up: page in buffers, BLAS kernels
      let calls = GEMMRecorder.record { epoch() }       // the epoch's GEMM calls, for its bound
      let w0 = Clock.wall, c0 = Clock.processCPU
      for _ in 0..<epochs { epoch() }
      let wall = (Clock.wall - w0) / Double(epochs), cpu = (Clock.processCPU - c0) / Double(epochs)
      let steps = (samples + B - 1) / B
      let optimizer = timingOptimizer ? Benchmark.cpuSeconds({ for _ in 0..<steps { opt.apply(to: &net.parameters, gradient: g, decay: e.weightDecay) } },
                                                             repeats: epochs) : nil
      return EpochTiming(cpuSeconds: cpu, wallSeconds: wall,
                         gemmBoundSeconds: Benchmark.cpuSeconds(GEMMRecorder.replay(calls, Scalar.self), repeats: epochs),
                         laidOutBoundSeconds: Benchmark.cpuSeconds(GEMMRecorder.replayAsLaidOut(calls, Scalar.self), repeats: epochs),
                         gemmFLOPs: GEMMRecorder.flops(calls), optimizerSeconds: optimizer)
    }
  }
}
