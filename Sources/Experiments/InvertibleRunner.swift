import Datasets
import Foundation
import Learning
import Numerics

/// When and on what a GAIT-prop run is evaluated (GAIT README Q6). The official schedule (`run.py`: after the
/// update of batch b_index, 0-based within the epoch, when b_index ≠ 0 and b_index % 10 = 0): the full 60k training
/// and 10k test sets before training and after batches 11, 21, …, 991 of every epoch (99 points per epoch), never
/// after the run's last batch.
public struct InvertibleEvaluation: Sendable, Codable, Equatable {
  public var every: Int                  // batches between evaluations
  public var trainRows: Int?             // the first N training images (nil: all)
  public var testRows: Int?              // the first N test images (nil: all)
  public var skipEpochEnd: Bool          // never evaluate at an epoch's last batch
  public var final: Bool                 // also evaluate after the run's last batch
  /// With an offset k: after the batches c of an epoch (1-based) with c > k and (c − k) % every = 0 (the official
  /// schedule: k = 1). Without (nil, the suite's schedules): after every `every`-th batch of the run.
  public var offset: Int? = nil
  /// Exactly these batches instead (and before training): `--table official`'s points 11, 21, 51, 101.
  public var points: [Int]? = nil
  public init(every: Int, trainRows: Int? = nil, testRows: Int? = nil, skipEpochEnd: Bool = false, final: Bool = true, offset: Int? = nil) {
    self.every = every; self.trainRows = trainRows; self.testRows = testRows; self.skipEpochEnd = skipEpochEnd; self.final = final
    self.offset = offset
  }
  public static let official = InvertibleEvaluation(every: 10, skipEpochEnd: true, final: false, offset: 1)

  /// Whether the run is evaluated after its `done`-th batch (of `total`, `perEpoch` per epoch).
  public func evaluatesAfter(done: Int, total: Int, perEpoch: Int) -> Bool {
    if let points { return points.contains(done) }
    let inEpoch = done % perEpoch, c = inEpoch == 0 ? perEpoch : inEpoch
    let scheduled: Bool
    if let k = offset { scheduled = c > k && (c - k) % every == 0 } else { scheduled = done % every == 0 }
    return (scheduled && !(skipEpochEnd && inEpoch == 0)) || (done == total && final)
  }
}

/// A GAIT-prop experiment (GAIT README): an invertible network, a rule, and the code's protocol (batch 60 in
/// dataset order, pixels ÷ 255, no validation split, Adam without bias correction, β₂ = 0.99, Double).
public struct InvertibleExperiment: Sendable, Codable, Equatable {
  public var name: String
  public var dataset: DatasetName
  public var architecture: InvertibleArchitecture
  public var linear = false
  public var rule: InvertibleRule
  public var learningRate: Double
  public var orthoLambda: Double
  public var penalty: OrthogonalityPenalty = .offDiagonal
  public var beta2 = 0.99
  public var adamBiasCorrection = false
  public var initialisation: InvertibleInitialisation = .orthogonal
  public var distinctOutputInit = false
  public var shuffle = false
  public var batchSize = 60
  public var batches: Int                // training batches in all (1000 per epoch)
  public var evaluation: InvertibleEvaluation
  /// Every N batches, the angle of the rule's gradient with the BP gradient on the same batch and weights.
  public var angleEvery: Int? = nil
  /// The initial weights' stream: the suite's (nil) or numpy's legacy generator with scipy's ortho_group, replayed
  /// as the official code draws them (GAIT README "Random streams").
  public var stream: StreamChoice? = nil
  /// The data's split and limits instead of the code's (nil: all 60 000 training images, no validation split).
  /// With a validation split, every evaluation also measures it (the league chooses its learning rate there).
  public var data: DataSpec? = nil

  public init(name: String, dataset: DatasetName, architecture: InvertibleArchitecture, rule: InvertibleRule,
              learningRate: Double, orthoLambda: Double, batches: Int, evaluation: InvertibleEvaluation) {
    self.name = name; self.dataset = dataset; self.architecture = architecture; self.rule = rule
    self.learningRate = learningRate; self.orthoLambda = orthoLambda; self.batches = batches; self.evaluation = evaluation
  }

  public var optimizer: Optimizer {
    .adam(learningRate: learningRate, beta1: 0.9, beta2: beta2, epsilon: 1e-8, biasCorrection: adamBiasCorrection)
  }
  /// FNV-1a of the configuration's JSON (checkpoint and run-cache names).
  public var key: String { fnvKey((try? canonicalJSON(self)) ?? name) }
}

/// One evaluation of a GAIT-prop run: after `batch` training batches (0: the initial network).
public struct CurvePoint: Sendable, Codable, Equatable {
  public var batch: Int
  public var trainAccuracy: Double, trainLoss: Double     // on the evaluation's training rows
  public var testAccuracy: Double, testLoss: Double
  /// On the whole validation split, when the experiment has one.
  public var validationAccuracy: Double? = nil, validationLoss: Double? = nil
  /// The mean read-out loss of the training batches since the previous point (before their updates; nil at 0).
  public var batchLoss: Double?
}

/// The per-layer angle (degrees, input → output) between the rule's gradient and BP's, before batch `batch + 1`'s update.
public struct AnglePoint: Sendable, Codable, Equatable {
  public var batch: Int
  public var degrees: [Double]
}

/// What a GAIT-prop run logs: evaluations by batch instead of by epoch, each layer's angle to BP, batches per epoch.
public struct InvertibleLog: RunLog, Equatable {
  public static let family = "invertible"
  public var curve: [CurvePoint]
  public var angles: [AnglePoint]?
  public var batchesPerEpoch: Int
  /// Wall seconds spent on training batches, evaluations and angle measurements excluded (nil in older records).
  public var trainingSeconds: Double? = nil
  /// Each layer's distance from orthogonality after the last batch (nil in older records).
  public var finalOrthogonality: [OrthogonalityDefect]? = nil
  public init(curve: [CurvePoint], angles: [AnglePoint]?, batchesPerEpoch: Int, trainingSeconds: Double? = nil,
              finalOrthogonality: [OrthogonalityDefect]? = nil) {
    self.curve = curve; self.angles = angles; self.batchesPerEpoch = batchesPerEpoch; self.trainingSeconds = trainingSeconds
    self.finalOrthogonality = finalOrthogonality
  }
  enum Legacy: String, CodingKey { case curve, angles, batchesPerEpoch }
  public init?(legacyRecord decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: Legacy.self)
    guard let curve = try c.decodeIfPresent([CurvePoint].self, forKey: .curve) else { return nil }
    self.init(curve: curve, angles: try c.decodeIfPresent([AnglePoint].self, forKey: .angles),
              batchesPerEpoch: try c.decodeIfPresent(Int.self, forKey: .batchesPerEpoch) ?? 1000)
  }
}

extension RunRecord {
  /// The log of a GAIT-prop run (nil for other families).
  public var invertible: InvertibleLog? { log as? InvertibleLog }
}

public enum InvertibleRunner {
  public static func run(_ e: InvertibleExperiment, seed: UInt64, data: DataLocations, options: RunOptions = RunOptions()) throws -> RunRecord {
    let spec = e.data ?? DataSpec(dataset: e.dataset, scaling: .unit, validationCount: 0)
    precondition(spec.dataset == e.dataset, "the data spec names another data set")
    let problem: Problem<Double> = try ProblemLoader.load(spec, data)
    return try run(e, seed: seed, problem: problem, options: options)
  }

  /// 2·atan2(‖Â − B̂‖, ‖Â + B̂‖) in degrees, Â and B̂ unit-normalised (well conditioned near 0°; GAIT README).
  public static func angle(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
    let na = Double.dot(a.count, a.baseAddress!, a.baseAddress!).squareRoot()
    let nb = Double.dot(b.count, b.baseAddress!, b.baseAddress!).squareRoot()
    guard na > 0, nb > 0 else { return .nan }
    var minus = 0.0, plus = 0.0
    for i in 0..<a.count {
      let x = a[i] / na, y = b[i] / nb
      minus += (x - y) * (x - y); plus += (x + y) * (x + y)
    }
    return 2 * atan2(minus.squareRoot(), plus.squareRoot()) * 180 / .pi
  }

  /// Accuracy (argmax over units 0–9) and read-out loss (1/N) Σ ½ Σ_{j<10} (h_L − y)² of `rows` examples,
  /// in chunks of 1000 rows.
  public static func evaluate(_ net: InvertibleNetwork, _ set: Examples<Double>, rows: Int?, buffer: inout [Double]) -> (accuracy: Double, loss: Double) {
    let n = min(rows ?? set.count, set.count), chunk = 1000, L = net.layerCount, nL = net.widths[L - 1]
    if buffer.count < chunk * net.activityWidth { buffer = [Double](repeating: 0, count: chunk * net.activityWidth) }
    var correct = 0, loss = 0.0
    set.features.storage.withUnsafeBufferPointer { x in
      buffer.withUnsafeMutableBufferPointer { h in
        for start in stride(from: 0, to: n, by: chunk) {
          let m = min(chunk, n - start)
          net.forward(x.baseAddress! + start * net.inputWidth, rows: m, into: h.baseAddress!)
          let out = h.baseAddress! + net.activityOffset(L, rows: m)
          for r in 0..<m {
            let label = Int(set.labels[start + r])
            var best = 0
            for j in 0..<min(10, nL) {
              if out[r * nL + j] > out[r * nL + best] { best = j }
              let d = out[r * nL + j] - (j == label ? 1 : 0)
              loss += 0.5 * d * d
            }
            if best == label { correct += 1 }
          }
        }
      }
    }
    return (Double(correct) / Double(n), loss / Double(n))
  }

  struct State: Codable {
    var done = 0                      // batches trained
    var curve: [CurvePoint] = []
    var angles: [AnglePoint] = []
    var optimizerStep = 0
    var wallSeconds = 0.0, cpuSeconds = 0.0
    var commits: [String]? = nil      // the commits that trained the run so far (`SegmentCommits`)
    var diverged: Divergence? = nil
    var lossSum = 0.0, lossCount = 0  // training batches since the last evaluation
    var trainingSeconds: Double? = nil   // optional: checkpoints written before it existed still decode
  }

  /// "GAIT1\n", the state as a JSON line, then parameters, Adam's m and v (`CheckpointFile`).
  static func save(_ s: State, _ net: InvertibleNetwork, _ opt: OptimizerState<Double>, to url: URL) throws {
    try CheckpointFile.write(magic: "GAIT1", header: s, arrays: [net.parameters, opt.first, opt.second], to: url)
  }

  static func restore(from url: URL, _ net: inout InvertibleNetwork, _ opt: inout OptimizerState<Double>) throws -> State {
    let n = net.parameters.count
    let (s, arrays) = try CheckpointFile.read(magic: "GAIT1", from: url, as: State.self, counts: { _ in [n, n, n] }, element: Double.self)
    net.parameters = arrays[0]; opt.first = arrays[1]; opt.second = arrays[2]; opt.step = s.optimizerStep
    return s
  }

  public static func run(_ e: InvertibleExperiment, seed: UInt64, problem: Problem<Double>, options: RunOptions) throws -> RunRecord {
    let train = problem.train, d0 = problem.inputWidth
    precondition(d0 == 784 || e.architecture != .tower, "the tower expects 784 inputs")
    var net = InvertibleNetwork.initial(e.architecture, input: d0, linear: e.linear, seed: seed,
                                        initialisation: e.initialisation, orthoLambda: e.orthoLambda, distinctOutput: e.distinctOutputInit,
                                        numpyStream: e.stream == .numpyLegacy)
    var opt = OptimizerState<Double>(e.optimizer, count: net.parameters.count)
    var s = State()
    let wallStart = Clock.wall, cpuStart = Clock.processCPU
    let checkpointURL = options.checkpointURL(e.name, e.key, seed: seed)
    var resumed = false
    if let url = checkpointURL, FileManager.default.fileExists(atPath: url.path) {
      s = try restore(from: url, &net, &opt)
      if e.rule != .backprop { try net.refreshInverses() }   // deterministic from the weights
      resumed = true
      Progress.note("\(e.name) seed \(seed): resuming from \(url.lastPathComponent) after batch \(s.done) of \(e.batches)")
    }
    let carriedWall = s.wallSeconds, carriedCPU = s.cpuSeconds
    s.commits = SegmentCommits.after(s.commits, resumed: resumed, current: options.provenance?.commit)
    func stamp() { s.wallSeconds = carriedWall + Clock.wall - wallStart; s.cpuSeconds = carriedCPU + Clock.processCPU - cpuStart }

    let perEpoch = train.count / e.batchSize
    var ws = InvertibleWorkspace(net, rows: e.batchSize)
    var bp = e.angleEvery != nil ? InvertibleWorkspace(net, rows: e.batchSize) : nil
    var bx = [Double](repeating: 0, count: e.batchSize * d0), by = [Int32](repeating: 0, count: e.batchSize)
    var evalBuffer: [Double] = []
    func measure(_ batch: Int) {
      let tr = evaluate(net, train, rows: e.evaluation.trainRows, buffer: &evalBuffer)
      let te = evaluate(net, problem.test, rows: e.evaluation.testRows, buffer: &evalBuffer)
      let va = problem.validation.count > 0 ? evaluate(net, problem.validation, rows: nil, buffer: &evalBuffer) : nil
      s.curve.append(CurvePoint(batch: batch, trainAccuracy: tr.accuracy, trainLoss: tr.loss, testAccuracy: te.accuracy, testLoss: te.loss,
                                validationAccuracy: va?.accuracy, validationLoss: va?.loss,
                                batchLoss: s.lossCount > 0 ? s.lossSum / Double(s.lossCount) : nil))
      s.lossSum = 0; s.lossCount = 0
    }
    if s.curve.isEmpty { measure(0) }
    // The data order: dataset order (the code), or a per-epoch permutation from the seed's data-order stream.
    var orderRNG = Random(seed: seed, stream: "data-order"), orderEpoch = -1, permutation: [Int] = []
    func order(epoch: Int) {
      while orderEpoch < epoch { permutation = orderRNG.permutation(train.count); orderEpoch += 1 }
    }
    var progress = Progress(label: "\(e.name) seed \(seed)", enabled: options.progress)
    var lastCheckpoint = Clock.wall, steps = 0
    training: while s.done < e.batches {
      let epoch = s.done / perEpoch, k = s.done % perEpoch
      let stepStart = Clock.wall
      var angleSeconds = 0.0
      if e.shuffle { order(epoch: epoch) }
      train.features.storage.withUnsafeBufferPointer { src in
        for r in 0..<e.batchSize {
          let i = e.shuffle ? permutation[k * e.batchSize + r] : k * e.batchSize + r
          for j in 0..<d0 { bx[r * d0 + j] = src[i * d0 + j] }
          by[r] = train.labels[i]
        }
      }
      bx.withUnsafeBufferPointer { px in
        by.withUnsafeBufferPointer { py in
          ws.ruleGradient(net, e.rule, x: px.baseAddress!, labels: py.baseAddress!, rows: e.batchSize)
          if let every = e.angleEvery, s.done % every == 0 {
            let angleStart = Clock.wall
            defer { angleSeconds += Clock.wall - angleStart }
            bp!.ruleGradient(net, .backprop, x: px.baseAddress!, labels: py.baseAddress!, rows: e.batchSize)
            let degrees = (1...net.layerCount).map { l -> Double in
              let o = net.weightOffset[l - 1], n = net.widths[l - 1] * net.widths[l - 1]
              return ws.gradient.withUnsafeBufferPointer { a in
                bp!.gradient.withUnsafeBufferPointer { b in
                  angle(UnsafeBufferPointer(rebasing: a[o..<(o + n)]), UnsafeBufferPointer(rebasing: b[o..<(o + n)]))
                }
              }
            }
            s.angles.append(AnglePoint(batch: s.done, degrees: degrees))
          }
        }
      }
      guard ws.loss.isFinite, allFinite(ws.gradient) else {
        s.diverged = Divergence(epoch: epoch + 1, step: k + 1, loss: ws.loss)
        Progress.note("\(e.name) seed \(seed): diverged (loss \(ws.loss)) at batch \(s.done + 1)")
        break training
      }
      s.lossSum += ws.loss; s.lossCount += 1
      ws.addOrthogonality(net, lambda: e.orthoLambda, penalty: e.penalty)
      opt.apply(to: &net.parameters, gradient: ws.gradient)
      if e.rule != .backprop {
        do { try net.refreshInverses() } catch {
          s.diverged = Divergence(epoch: epoch + 1, step: k + 1, loss: .nan)
          Progress.note("\(e.name) seed \(seed): a weight matrix became singular at batch \(s.done + 1) (\(error))")
          break training
        }
      }
      s.done += 1; steps += 1
      s.trainingSeconds = (s.trainingSeconds ?? 0) + (Clock.wall - stepStart - angleSeconds)
      let inEpoch = s.done % perEpoch
      if e.evaluation.evaluatesAfter(done: s.done, total: e.batches, perEpoch: perEpoch) && s.curve.last?.batch != s.done {
        measure(s.done)
      }
      let latest = s.curve.last.map { String(format: "after batch %d: test acc %.2f%%, train-subset acc %.2f%%", $0.batch, 100 * $0.testAccuracy, 100 * $0.trainAccuracy) } ?? ""
      if inEpoch == 0 { progress.epoch(s.done / perEpoch, of: (e.batches + perEpoch - 1) / perEpoch, detail: latest) }
      else { progress.update(done: Double(s.done), total: Double(e.batches), detail: latest) }
      if let url = checkpointURL, Clock.wall - lastCheckpoint > options.checkpointEverySeconds {
        s.optimizerStep = opt.step; stamp(); try save(s, net, opt, to: url); lastCheckpoint = Clock.wall
      }
      if StopSignal.requested || options.stopAfterSteps.map({ steps >= $0 }) == true {
        if let url = checkpointURL { s.optimizerStep = opt.step; stamp(); try save(s, net, opt, to: url) }
        throw Interrupted(checkpoints: checkpointURL.map { [$0] } ?? [])
      }
    }
    if let url = checkpointURL { try? FileManager.default.removeItem(at: url) }
    stamp()
    var record = RunRecord(experiment: e.name, key: e.key, seed: seed, precision: .double, rule: e.rule.name, epochs: [],
                           dataChecksum: problem.checksum, wallSeconds: s.wallSeconds, cpuSeconds: s.cpuSeconds,
                           resumed: resumed, diverged: s.diverged, trainedBy: options.provenance, segmentCommits: s.commits)
    record.log = InvertibleLog(curve: s.curve, angles: e.angleEvery == nil ? nil : s.angles, batchesPerEpoch: perEpoch,
                               trainingSeconds: s.trainingSeconds, finalOrthogonality: net.orthogonalityDefects())
    return record
  }
}
