import Datasets
import Foundation
import Learning
import Numerics

/// The data of a conv-net run: a real image set (KMNIST, CIFAR-10, or a substitute) or a synthetic one of the
/// same shape (`synthetic-28`, `synthetic-32`).
public enum ConvData: Sendable, Codable, Equatable {
  case images(DatasetName)
  case synthetic(size: Int, channels: Int, trainCount: Int)

  public var label: String {
    switch self {
    case .images(let d): return d == .fashionMNIST ? "Fashion-MNIST" : d == .kmnist ? "KMNIST" : d == .cifar10 ? "CIFAR-10" : d.rawValue
    case .synthetic(let s, _, _): return "synthetic-\(s)"
    }
  }
}

/// The optimiser of a conv-net run: SGD (the NTK runs) or TF1's Adam (the SP runs, README "Optimisers").
public enum ConvOptimizer: Sendable, Codable, Equatable {
  case sgd
  case adam(beta1: Double, beta2: Double, epsilon: Double)
  public static let tf1Adam = ConvOptimizer.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
}

/// One conv-net run of the wide-network paper (`train_kmnist.py`, `train_cifar.py`; WideAlign README "Common
/// protocol"): network, rule, data, protocol, as a value.
public struct ConvExperiment: Sendable, Codable, Equatable {
  public var name: String
  public var architecture: ConvArchitecture
  public var rule: ConvRule
  public var data: ConvData
  public var learningRate: Double
  public var optimizer: ConvOptimizer = .sgd
  public var batchSize = 100
  public var epochs: Int
  /// Train on the first N images after the 5000 validation images (nil: all); evaluate on the first M validation
  /// images (nil: all 5000). The small-data part takes train[:N] and validation[:N] (Q15).
  public var trainLimit: Int? = nil
  public var validationLimit: Int? = nil
  public var stream: StreamChoice = .numpyLegacy
  /// Evaluate every k epochs and at the last (the evaluation permutation is drawn every epoch regardless, so the
  /// batch order stays the official one).
  public var evaluateEvery = 1
  /// The suite's extra: the final model's accuracy on the official test set (10 000 images, Q1).
  public var officialTest = true
  /// The joint run of the alignment figures (README "The theoretical reference accumulator"): BP trains, and the
  /// reference ΔW_ref accumulates −η J₀ᵀE with BP's error; scores at the scheduled steps.
  public var alignment: AlignmentSchedule? = nil
  /// Q2's option: evaluation batches of this size (nil: the training batch, as the code; BN uses batch statistics).
  public var evaluationBatch: Int? = nil
  /// Q14's option: every forward weight drawn first, then the feedback (nil/false: interleaved, as the code).
  public var sharedInit: Bool? = nil

  public init(name: String, architecture: ConvArchitecture, rule: ConvRule, data: ConvData, learningRate: Double, epochs: Int) {
    self.name = name; self.architecture = architecture; self.rule = rule; self.data = data; self.learningRate = learningRate; self.epochs = epochs
  }
  public var key: String { fnvKey((try? canonicalJSON(self)) ?? name) }
}

extension ConvExperiment: RunConfiguration {
  public static let family = "convolutional"
  public func run(seed: UInt64, data: DataLocations, options: RunOptions) throws -> RunRecord {
    try ConvRunner.run(self, seed: seed, data: data, options: options)
  }
}

/// When the joint run scores BP's weight change against the reference accumulator: after the listed training steps
/// and (`everyEpoch`) after every epoch, with `iterations` probes of `samples` each, and the shuffled control.
public struct AlignmentSchedule: Sendable, Codable, Equatable {
  public var steps: [Int]
  public var everyEpoch: Bool
  public var iterations: Int
  public var samples: Int
  public var control: Bool
  /// Q5's released KMNIST analysis: score only the first kernels as if their strides were these (nil: every hidden
  /// layer with its own geometry).
  public var analysisStrides: [Int]? = nil
  public init(steps: [Int] = [], everyEpoch: Bool = true, iterations: Int, samples: Int, control: Bool) {
    self.steps = steps; self.everyEpoch = everyEpoch; self.iterations = iterations; self.samples = samples; self.control = control
  }
}

/// One scoring point of the joint run: per hidden layer the score of BP's change against the reference's, and of the
/// shuffled control (nil: undefined).
public struct AlignmentPoint: Sendable, Codable, Equatable {
  public var step: Int
  public var epoch: Double
  public var scores: [Double?]
  public var control: [Double?]
}

/// What a conv-net run logs beyond its epochs: the median seconds of a training step (table `time`) and, for the
/// joint run, its alignment scores.
public struct ConvolutionalLog: RunLog, Equatable {
  public static let family = "convolutional"
  public var medianStepSeconds: Double
  public var steps: Int
  public var alignment: [AlignmentPoint]? = nil
  public init(medianStepSeconds: Double, steps: Int) { self.medianStepSeconds = medianStepSeconds; self.steps = steps }
  public init?(legacyRecord decoder: Decoder) throws { return nil }
}

extension RunRecord {
  public var convolutional: ConvolutionalLog? { log as? ConvolutionalLog }
  /// The final validation accuracy (the code's "test" accuracy, Q1), in %.
  public var finalValidationAccuracy: Double? { epochs.last(where: { $0.validationAccuracy != nil })?.validationAccuracy.map { 100 * $0 } }
}

/// Images as the conv nets read them: NHWC Float rows with the loaders' rounding, and targets one-hot − 0.1.
public struct ConvImages: Sendable {
  public var pixels: [Float]           // count × (H W c)
  public var labels: [Int]
  public var count: Int { labels.count }
}

public enum ConvRunner {
  /// Train (after the first 5000), validation (the first 5000) and official test images of a run, in NHWC with the
  /// official normalisation: x = (Float(p)/255 − 0.5) + 0.5 in Float; CIFAR-10 computes p/255 − 0.5 in Double first.
  public static func data(_ e: ConvExperiment, _ loc: DataLocations) throws -> (train: ConvImages, validation: ConvImages, test: ConvImages, checksum: String) {
    let set: ImageDataset
    switch e.data {
    case .images(let d): set = try Catalog.load(d, loc)
    case .synthetic(let size, let channels, let n): set = SyntheticImages.make(size: size, channels: channels, trainCount: n + 5000, testCount: 1000)
    }
    let channels = set.shape[0], size = set.shape[1], features = set.features, plane = size * size
    guard size == e.architecture.inputSize && channels == e.architecture.inputChannels else {
      throw CellError("\(e.data.label) images are \(size)×\(size)×\(channels); \(e.architecture.name) reads \(e.architecture.inputSize)×\(e.architecture.inputSize)×\(e.architecture.inputChannels)")
    }
    let cifar = e.data == .images(.cifar10)
    var table = [Float](repeating: 0, count: 256)
    for p in 0..<256 { table[p] = cifar ? Float(Double(p) / 255 - 0.5) + 0.5 : (Float(p) / 255 - 0.5) + 0.5 }
    func images(_ bytes: [UInt8], _ labels: [UInt8], _ range: Range<Int>) -> ConvImages {
      var x = [Float](repeating: 0, count: range.count * features)
      for (r, i) in range.enumerated() {
        for c in 0..<channels { for q in 0..<plane { x[(r * plane + q) * channels + c] = table[Int(bytes[i * features + c * plane + q])] } }
      }
      return ConvImages(pixels: x, labels: range.map { Int(labels[$0]) })
    }
    let validation = 5000
    guard set.trainCount > validation else { throw CellError("\(e.data.label) has \(set.trainCount) training images; the protocol holds out the first 5000") }
    let trainEnd = min(set.trainCount, validation + (e.trainLimit ?? set.trainCount))
    return (images(set.trainImages, set.trainLabels, validation..<trainEnd),
            images(set.trainImages, set.trainLabels, 0..<min(validation, e.validationLimit ?? validation)),
            images(set.testImages, set.testLabels, 0..<set.testCount), set.contentChecksum)
  }

  /// The rule's initial network, drawn as the official code draws it (README "Random streams").
  public static func initialNetwork(_ e: ConvExperiment, seed: UInt64) -> ConvNetwork<Float> {
    let draw: ConvNetwork<Float>.FeedbackDraw = e.rule.feedbackDraw
    if e.stream == .numpyLegacy {
      var rng = NumpyRandom(seed: UInt32(truncatingIfNeeded: seed))
      return .initial(e.architecture, feedback: draw, sharedInit: e.sharedInit ?? false, normals: &rng)
    }
    var rng = Random(seed: seed, stream: "conv-init")
    return .initial(e.architecture, feedback: draw, sharedInit: e.sharedInit ?? false, normals: &rng)
  }

  struct State: Codable {
    var epoch = 0
    var epochs: [EpochRecord] = []
    var order: NumpyRandom?
    var suiteOrder: Random?
    var adamStep = 0
    var stepSeconds: [Double] = []
    var alignment: [AlignmentPoint] = []
    var diverged: Divergence? = nil
    var wallSeconds = 0.0, cpuSeconds = 0.0
    var commits: [String]? = nil      // the commits that trained the run so far (`SegmentCommits`)
    static let magic = "RPCK-CONV1"
    mutating func permutation(_ n: Int) -> [Int] { order != nil ? order!.permutation(n) : suiteOrder!.permutation(n) }
  }

  public static func run(_ e: ConvExperiment, seed: UInt64, data loc: DataLocations, options: RunOptions = RunOptions()) throws -> RunRecord {
    let (train, validation, test, checksum) = try data(e, loc)
    let a = e.architecture, B = e.batchSize, C = a.classes, features = a.inputSize * a.inputSize * a.inputChannels
    guard train.count >= B, validation.count >= B else {
      throw CellError("\(e.name): batch \(B) is larger than the training (\(train.count)) or evaluation (\(validation.count)) set")
    }
    let net0 = initialNetwork(e, seed: seed)
    var net = net0
    var first = [Float](repeating: 0, count: net.parameters.count), second = first   // Adam's m, v
    if e.alignment != nil && e.rule != .backprop { throw CellError("\(e.name): the alignment scores come from a BP run (the reference accumulates with BP's error)") }
    var reference = [Float](repeating: 0, count: e.alignment == nil ? 0 : net.parameters.count)   // ΔW_ref
    var bpGradient = reference
    var s = State(order: e.stream == .numpyLegacy ? NumpyRandom(seed: UInt32(truncatingIfNeeded: seed)) : nil,
                  suiteOrder: e.stream == .suite ? Random(seed: seed, stream: "conv-order") : nil)
    let checkpointURL = options.checkpointURL(e.name, e.key, seed: seed)
    var resumed = false
    if let url = checkpointURL, FileManager.default.fileExists(atPath: url.path) {
      let count = net.parameters.count
      let (header, arrays) = try CheckpointFile.read(magic: State.magic, from: url, as: State.self, counts: { _ in [count, count, count, reference.count] }, element: Float.self)
      s = header; net.parameters = arrays[0]; first = arrays[1]; second = arrays[2]; reference = arrays[3]; resumed = true
      Progress.note("\(e.name) seed \(seed): resuming from \(url.lastPathComponent) after epoch \(s.epoch)")
    }
    let wallStart = Clock.wall, cpuStart = Clock.processCPU, carriedWall = s.wallSeconds, carriedCPU = s.cpuSeconds
    s.commits = SegmentCommits.after(s.commits, resumed: resumed, current: options.provenance?.commit)
    func stamp() { s.wallSeconds = carriedWall + Clock.wall - wallStart; s.cpuSeconds = carriedCPU + Clock.processCPU - cpuStart }

    let evalB = e.evaluationBatch ?? B
    guard evalB > 0, validation.count >= evalB else { throw CellError("\(e.name): evaluation batch \(evalB) does not fit the \(validation.count) evaluation images") }
    let ws = ConvWorkspace<Float>(a, capacity: max(B, evalB))
    var bx = [Float](repeating: 0, count: max(B, evalB) * features), by = [Float](repeating: 0, count: max(B, evalB) * C)
    func gather(_ set: ConvImages, _ order: [Int], _ k: Int, rows B: Int) {
      for r in 0..<B {
        let i = order[k * B + r]
        for f in 0..<features { bx[r * features + f] = set.pixels[i * features + f] }
        for c in 0..<C { by[r * C + c] = c == set.labels[i] ? Float(1) - Float(0.1) : -0.1 }
      }
    }
    /// Accuracy of the current output against the batch's labels (argmax, ties to the lowest index).
    func accuracy(_ set: ConvImages, _ order: [Int], _ k: Int, rows B: Int) -> Double {
      var correct = 0
      for r in 0..<B {
        var best = 0
        for c in 1..<C where ws.current.output[r * C + c] > ws.current.output[r * C + best] { best = c }
        if best == set.labels[order[k * B + r]] { correct += 1 }
      }
      return Double(correct) / Double(B)
    }
    /// Mean loss and accuracy over ⌊N/B⌋ batches in `order`; BN uses each batch's own statistics (Q2).
    func evaluate(_ set: ConvImages, _ order: [Int]) -> (loss: Double, accuracy: Double) {
      var loss = 0.0, acc = 0.0
      let batches = set.count / evalB
      for k in 0..<batches {
        gather(set, order, k, rows: evalB)
        bx.withUnsafeBufferPointer { ws.forward(net, $0.baseAddress!, rows: evalB, into: ws.current) }
        loss += by.withUnsafeBufferPointer { ws.loss(targets: $0.baseAddress!) }
        acc += accuracy(set, order, k, rows: evalB)
      }
      return (loss / Double(batches), acc / Double(batches))
    }

    var progress = Progress(label: "\(e.name) seed \(seed)", enabled: options.progress)
    let steps = train.count / B, lr = Float(e.learningRate)
    /// Scores every hidden layer's BP change W(t) − W(0) against the reference ΔW_ref (and the shuffled control).
    func scoreAlignment(step: Int) {
      guard let schedule = e.alignment else { return }
      var point = AlignmentPoint(step: step, epoch: Double(step) / Double(steps), scores: [], control: [])
      // The geometry each scored kernel is analysed with: its own, or Q5's released strides on the same input size.
      var analysed = a
      if let strides = schedule.analysisStrides { analysed.strides = strides }
      for l in 1...analysed.hiddenLayers {
        let r = a.weightRange(l)
        let current = Array(net.parameters[r]), initial = Array(net0.parameters[r]), deltaB = Array(reference[r])
        var rng = Random(seed: seed, stream: "alignment-probe-\(step)-\(l)")
        point.scores.append(AlignmentScore.score(zip(current, initial).map { $0 - $1 }, deltaB, geometry: analysed.layer(l),
                                                 iterations: schedule.iterations, samples: schedule.samples, rng: &rng))
        if schedule.control {
          var control = Random(seed: seed, stream: "alignment-probe-control-\(step)-\(l)")
          point.control.append(AlignmentScore.score(AlignmentScore.shuffledChange(current, initial: initial), deltaB, geometry: analysed.layer(l),
                                                    iterations: schedule.iterations, samples: schedule.samples, rng: &control))
        }
      }
      s.alignment.append(point)
    }
    while s.epoch < e.epochs && s.diverged == nil {
      if StopSignal.requested {
        throw Interrupted(checkpoints: checkpointURL.flatMap { FileManager.default.fileExists(atPath: $0.path) ? [$0] : nil } ?? [])
      }
      let epochStart = Clock.wall
      let order = s.permutation(train.count)
      var lossSum = 0.0, accSum = 0.0
      for k in 0..<steps {
        let stepStart = Clock.wall
        gather(train, order, k, rows: B)
        let loss = bx.withUnsafeBufferPointer { px in
          by.withUnsafeBufferPointer { py in ws.gradient(e.rule, net, initial: net0, px.baseAddress!, py.baseAddress!, rows: B) }
        }
        lossSum += loss; accSum += accuracy(train, order, k, rows: B)
        if e.alignment != nil {
          // ΔW_ref ← ΔW_ref − η J₀ᵀE with BP's error E (Align-zero's pseudo-gradient), computed before BP's step.
          bpGradient.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: ws.gradientBuffer, count: $0.count) }
          bx.withUnsafeBufferPointer { ws.alignZeroGradient(net0, $0.baseAddress!) }
          reference.withUnsafeMutableBufferPointer { Float.axpy($0.count, -lr, ws.gradientBuffer, $0.baseAddress!) }
          bpGradient.withUnsafeBufferPointer { ws.gradientBuffer.update(from: $0.baseAddress!, count: $0.count) }
        }
        let g = ws.gradientBuffer
        switch e.optimizer {
        case .sgd:
          net.parameters.withUnsafeMutableBufferPointer { Float.axpy($0.count, -lr, g, $0.baseAddress!) }
        case .adam(let b1, let b2, let eps):
          // TF1's AdamOptimizer: lr_t = lr √(1 − β₂ᵗ)/(1 − β₁ᵗ), θ ← θ − lr_t m/(√v + ε).
          s.adamStep += 1
          let t = Double(s.adamStep), rate = Float(e.learningRate * (1 - pow(b2, t)).squareRoot() / (1 - pow(b1, t)))
          let beta1 = Float(b1), beta2 = Float(b2), epsilon = Float(eps)
          for i in 0..<net.parameters.count {
            first[i] = beta1 * first[i] + (1 - beta1) * g[i]
            second[i] = beta2 * second[i] + (1 - beta2) * g[i] * g[i]
            net.parameters[i] -= rate * first[i] / (second[i].squareRoot() + epsilon)
          }
        }
        s.stepSeconds.append(Clock.wall - stepStart)
        if let schedule = e.alignment, schedule.steps.contains(s.epoch * steps + k + 1) { scoreAlignment(step: s.epoch * steps + k + 1) }
        if !loss.isFinite {
          s.diverged = Divergence(epoch: s.epoch + 1, step: k + 1, loss: loss)
          Progress.note("\(e.name) seed \(seed): non-finite loss at epoch \(s.epoch + 1), step \(k + 1); stopped")
          break
        }
      }
      // The evaluation permutation is drawn every epoch (Q18), evaluated or not.
      let evalOrder = s.permutation(validation.count)
      s.epoch += 1
      let last = s.epoch == e.epochs || s.diverged != nil
      var record = EpochRecord(epoch: s.epoch, trainLoss: lossSum / Double(steps), trainAccuracy: accSum / Double(steps), testLoss: .nan,
                               seconds: Clock.wall - epochStart)
      if s.diverged == nil && (s.epoch % e.evaluateEvery == 0 || last) {
        let v = evaluate(validation, evalOrder)
        record.validationLoss = v.loss; record.validationAccuracy = v.accuracy
        if last && e.officialTest {
          var rng = Random(seed: seed, stream: "official-test")
          let t = evaluate(test, rng.permutation(test.count))
          record.testLoss = t.loss; record.testAccuracy = t.accuracy
        }
      }
      s.epochs.append(record)
      if let schedule = e.alignment, schedule.everyEpoch || last, s.diverged == nil, !schedule.steps.contains(s.epoch * steps) { scoreAlignment(step: s.epoch * steps) }
      progress.epoch(s.epoch, of: e.epochs, detail: "train loss \(g(record.trainLoss)), train acc \(g(100 * (record.trainAccuracy ?? .nan)))%"
                     + (record.validationAccuracy.map { ", validation acc \(g(100 * $0))%" } ?? ""))
      if let url = checkpointURL, s.epoch < e.epochs, s.diverged == nil {
        stamp(); try CheckpointFile.write(magic: State.magic, header: s, arrays: [net.parameters, first, second, reference], to: url)
      }
      if let stop = options.stopAfterSteps, s.epoch >= stop, s.epoch < e.epochs, s.diverged == nil {
        throw Interrupted(checkpoints: checkpointURL.map { [$0] } ?? [])
      }
    }
    if let url = checkpointURL { try? FileManager.default.removeItem(at: url) }
    stamp()
    var record = RunRecord(experiment: e.name, key: e.key, seed: seed, precision: .float, rule: e.rule.rawValue, epochs: s.epochs,
                           dataChecksum: checksum, wallSeconds: s.wallSeconds, cpuSeconds: s.cpuSeconds, resumed: resumed,
                           diverged: s.diverged, trainedBy: options.provenance, segmentCommits: s.commits)
    let sorted = s.stepSeconds.sorted()
    var log = ConvolutionalLog(medianStepSeconds: sorted.isEmpty ? .nan : sorted[sorted.count / 2], steps: sorted.count)
    if e.alignment != nil { log.alignment = s.alignment }
    record.log = log
    return record
  }
}
