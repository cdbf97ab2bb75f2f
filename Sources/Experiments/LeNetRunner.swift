import Datasets
import Foundation
import Learning
import Numerics

/// One run of biotorch's LeNet benchmark (Bioflax README, "Table 4"): LeNet on MNIST or Fashion-MNIST resized to
/// 32×32, a biotorch rule, SGD with momentum and coupled weight decay, a step schedule, the 10 000 test images
/// as both validation and test (quirk T4).
public struct LeNetExperiment: Sendable, Codable, Equatable {
  public var name: String
  public var architecture = LeNetArchitecture.mnist
  public var rule: LeNetRule
  public var dataset: DatasetName
  public var learningRate: Double
  public var momentum = 0.9
  /// Coupled L2 (PyTorch's SGD `weight_decay`): g ← g + λθ on every trainable tensor, biases included.
  public var weightDecay = 1e-3
  public var batchSize = 64
  public var epochs: Int
  /// The learning rate is divided by 10 after each of these epochs (PyTorch MultiStepLR).
  public var milestones: [Int]
  /// Train on the first N shuffled-order training images (nil: all 60 000); evaluate on the first M test images.
  public var trainLimit: Int? = nil
  public var testLimit: Int? = nil
  /// Quirk T4's fix (`--holdout N`): the last N training images are held out, the best epoch is chosen on them, and
  /// the test set is only reported (nil: biotorch's selection on the test set).
  public var holdout: Int? = nil
  /// Quirk T2 (`--biotorch-frsf-metric`): frSF's logged angle compares W with the stored |M| (all positive) as
  /// biotorch's code does (nil: with the B actually used, |M| ∘ sign(W)).
  public var frsfStoredMetric: Bool? = nil

  public init(name: String, rule: LeNetRule, dataset: DatasetName, learningRate: Double, epochs: Int, milestones: [Int]) {
    self.name = name; self.rule = rule; self.dataset = dataset; self.learningRate = learningRate; self.epochs = epochs
    self.milestones = milestones
  }
  public var key: String { fnvKey((try? canonicalJSON(self)) ?? name) }

  /// torchvision's Normalize constants of the biotorch configs.
  public var normalisation: (mean: Float, std: Float) {
    dataset == .fashionMNIST ? (0.2859, 0.3530) : (0.1307, 0.3081)
  }
  /// The initial learning rates biotorch never published (its MNIST configs are missing, quirk T3): the CIFAR-10
  /// LeNet SGD configs' rates, assumed, not from the source.
  public static let assumedLearningRate: [LeNetRule: Double] = [
    .backprop: 0.1, .feedbackAlignment: 1e-3, .uniformSignFeedback: 0.1, .batchwiseRandomSignFeedback: 0.1,
    .fixedRandomSignFeedback: 0.1, .directFeedbackAlignment: 1e-4,
  ]
  /// The learning rate of epoch e (1-based): η₀ / 10^(milestones passed).
  public func learningRate(epoch e: Int) -> Double {
    learningRate * pow(0.1, Double(milestones.filter { e > $0 }.count))
  }
}

extension LeNetExperiment: RunConfiguration {
  public static let family = "lenet"
  public func run(seed: UInt64, data: DataLocations, options: RunOptions) throws -> RunRecord {
    try LeNetRunner.run(self, seed: seed, data: data, options: options)
  }
}

/// What a LeNet run logs beyond its epochs: the angle between each layer's B and W in degrees at the end of every
/// epoch (biotorch's `layer_alignment`, for FA and the sign rules; brSF: the last B drawn).
public struct LeNetLog: RunLog, Equatable {
  public static let family = "lenet"
  public var layerAlignment: [[Double]]
  public init(layerAlignment: [[Double]]) { self.layerAlignment = layerAlignment }
  public init?(legacyRecord decoder: Decoder) throws { return nil }
}

extension RunRecord {
  public var lenet: LeNetLog? { log as? LeNetLog }
}

public enum LeNetRunner {
  /// Images resized 28 → 32 as Pillow's bilinear filter does (rounded to bytes), then (p/255 − mean)/std in Float;
  /// NHWC with one channel, so the layout is the row-major image.
  public struct Images {
    public var x: [Float]
    public var labels: [Int32]
    public var count: Int { labels.count }
    public init(x: [Float], labels: [Int32]) { self.x = x; self.labels = labels }
  }

  /// Training, selection (the held-out images, or the test set as biotorch) and test images.
  public static func data(_ e: LeNetExperiment, _ loc: DataLocations) throws -> (train: Images, selection: Images, test: Images, checksum: String) {
    guard e.dataset == .mnist || e.dataset == .fashionMNIST else { throw CellError("LeNet runs on MNIST or Fashion-MNIST, not \(e.dataset.rawValue)") }
    let set = try Catalog.load(e.dataset, loc)
    let (mean, std) = e.normalisation
    func prepare(_ bytes: [UInt8], _ count: Int) -> [Float] {
      BilinearResize.resize(bytes, count: count, from: 28, to: 32).map { (Float($0) / 255 - mean) / std }
    }
    let testCount = min(set.testCount, e.testLimit ?? set.testCount)
    let held = e.holdout ?? 0
    guard held >= 0, held < set.trainCount else { throw CellError("\(e.name): --holdout \(held) must be below the \(set.trainCount) training images") }
    let trainCount = set.trainCount - held
    let train = Images(x: prepare(Array(set.trainImages[..<(trainCount * 784)]), trainCount), labels: set.trainLabels[..<trainCount].map { Int32($0) })
    let test = Images(x: prepare(Array(set.testImages[..<(testCount * 784)]), testCount), labels: set.testLabels[..<testCount].map { Int32($0) })
    let selection = held == 0 ? test : Images(x: prepare(Array(set.trainImages[(trainCount * 784)...]), held), labels: set.trainLabels[trainCount...].map { Int32($0) })
    return (train, selection, test, set.contentChecksum)
  }

  struct State: Codable {
    var epoch = 0
    var epochs: [EpochRecord] = []
    var order: Random
    var feedbackDraws: Random
    var layerAlignment: [[Double]] = []
    var diverged: Divergence? = nil
    var wallSeconds = 0.0, cpuSeconds = 0.0
    var commits: [String]? = nil      // the commits that trained the run so far (`SegmentCommits`)
    static let magic = "RPCK-LENET1"
  }

  /// The angle in degrees between B and W per layer (`angleDegrees`, in Double).
  static func angles(_ net: LeNetNetwork<Float>, _ b: [Float]) -> [Double] {
    net.architecture.layers.indices.map { l in
      let w = net.architecture.weightRange(l), o = net.feedbackOffset(l)
      return angleDegrees(net.parameters[w].map(Double.init), b[o..<(o + w.count)].map(Double.init))
    }
  }

  public static func run(_ e: LeNetExperiment, seed: UInt64, data loc: DataLocations, options: RunOptions = RunOptions()) throws -> RunRecord {
    try run(e, seed: seed, images: data(e, loc), options: options)
  }

  /// Trains on prepared images (32×32, normalised; tests pass synthetic ones).
  public static func run(_ e: LeNetExperiment, seed: UInt64, images d: (train: Images, selection: Images, test: Images, checksum: String),
                         options: RunOptions = RunOptions()) throws -> RunRecord {
    let a = e.architecture, B = e.batchSize, features = a.layers[0].inputFeatures
    let trainCount = min(d.train.count, e.trainLimit ?? d.train.count)
    guard trainCount >= B else { throw CellError("\(e.name): batch \(B) is larger than the \(trainCount) training images") }
    var initRNG = Random(seed: seed, stream: "lenet-init")
    var net = LeNetNetwork<Float>.initial(a, rule: e.rule, rng: &initRNG)
    var momentum = [Float](repeating: 0, count: net.parameters.count)
    var s = State(order: Random(seed: seed, stream: "lenet-order"), feedbackDraws: Random(seed: seed, stream: "lenet-brsf"))
    let checkpointURL = options.checkpointURL(e.name, e.key, seed: seed)
    var resumed = false
    if let url = checkpointURL, FileManager.default.fileExists(atPath: url.path) {
      let counts = [net.parameters.count, momentum.count]
      let (header, arrays) = try CheckpointFile.read(magic: State.magic, from: url, as: State.self, counts: { _ in counts }, element: Float.self)
      s = header; net.parameters = arrays[0]; momentum = arrays[1]; resumed = true
      Progress.note("\(e.name) seed \(seed): resuming from \(url.lastPathComponent) after epoch \(s.epoch)")
    }
    let wallStart = Clock.wall, cpuStart = Clock.processCPU, carriedWall = s.wallSeconds, carriedCPU = s.cpuSeconds
    s.commits = SegmentCommits.after(s.commits, resumed: resumed, current: options.provenance?.commit)
    func stamp() { s.wallSeconds = carriedWall + Clock.wall - wallStart; s.cpuSeconds = carriedCPU + Clock.processCPU - cpuStart }

    let ws = LeNetWorkspace<Float>(a, capacity: B)
    var bx = [Float](repeating: 0, count: B * features), by = [Int32](repeating: 0, count: B)
    var backwardMatrices = [Float](repeating: 0, count: net.weightCount)
    func gather(_ x: [Float], _ labels: [Int32], _ order: [Int]?, from start: Int, rows: Int) {
      for r in 0..<rows {
        let i = order?[start + r] ?? start + r
        for f in 0..<features { bx[r * features + f] = x[i * features + f] }
        by[r] = labels[i]
      }
    }
    func correct(rows: Int) -> Int {
      let C = a.classes, y = ws.logits
      var n = 0
      for r in 0..<rows {
        var best = 0
        for c in 1..<C where y[r * C + c] > y[r * C + best] { best = c }
        if best == Int(by[r]) { n += 1 }
      }
      return n
    }
    /// Mean loss and accuracy on `set` in order, in batches of B (the last one smaller), every image once.
    func evaluate(_ set: Images) -> (loss: Double, accuracy: Double) {
      var loss = 0.0, right = 0
      for start in stride(from: 0, to: set.count, by: B) {
        let rows = min(B, set.count - start)
        gather(set.x, set.labels, nil, from: start, rows: rows)
        net.parameters.withUnsafeBufferPointer { p in bx.withUnsafeBufferPointer { ws.forward(p.baseAddress!, $0.baseAddress!, rows: rows) } }
        loss += by.withUnsafeBufferPointer { ws.crossEntropy(labels: $0.baseAddress!) } * Double(rows)
        right += correct(rows: rows)
      }
      return (loss / Double(set.count), Double(right) / Double(set.count))
    }

    var progress = Progress(label: "\(e.name) seed \(seed)", enabled: options.progress)
    let steps = trainCount / B   // drop_last
    while s.epoch < e.epochs && s.diverged == nil {
      if StopSignal.requested {
        throw Interrupted(checkpoints: checkpointURL.flatMap { FileManager.default.fileExists(atPath: $0.path) ? [$0] : nil } ?? [])
      }
      let epochStart = Clock.wall
      // A permutation of the training images (the first `trainLimit` of a fixed permutation when limited).
      let order = s.order.permutation(d.train.count).filter { e.trainLimit == nil || $0 < trainCount }
      let optimizer = Optimizer.sgd(learningRate: e.learningRate(epoch: s.epoch + 1), momentum: e.momentum)
      var sgd = OptimizerState<Float>(optimizer, count: net.parameters.count)
      sgd.first = momentum
      var lossSum = 0.0, right = 0
      for k in 0..<steps {
        gather(d.train.x, d.train.labels, order, from: k * B, rows: B)
        let loss = bx.withUnsafeBufferPointer { px in
          by.withUnsafeBufferPointer { ws.step(net, px.baseAddress!, labels: $0.baseAddress!, rows: B, backwardMatrices: &backwardMatrices, rng: &s.feedbackDraws) }
        }
        lossSum += loss; right += correct(rows: B)
        if !loss.isFinite {
          s.diverged = Divergence(epoch: s.epoch + 1, step: k + 1, loss: loss)
          Progress.note("\(e.name) seed \(seed): non-finite loss at epoch \(s.epoch + 1), step \(k + 1); stopped")
          break
        }
        sgd.apply(to: &net.parameters, gradient: ws.gradient, decay: .coupled(e.weightDecay))
      }
      momentum = sgd.first
      s.epoch += 1
      var record = EpochRecord(epoch: s.epoch, trainLoss: lossSum / Double(steps), trainAccuracy: Double(right) / Double(steps * B),
                               testLoss: .nan, seconds: Clock.wall - epochStart)
      if s.diverged == nil {
        // biotorch selects the best epoch on the test set and reports the same set (T4): both fields hold it,
        // unless images are held out for the selection.
        let t = evaluate(d.test), v = e.holdout == nil ? t : evaluate(d.selection)
        record.validationLoss = v.loss; record.validationAccuracy = v.accuracy
        record.testLoss = t.loss; record.testAccuracy = t.accuracy
      }
      s.epochs.append(record)
      switch e.rule {
      case .feedbackAlignment: s.layerAlignment.append(angles(net, net.feedback))
      case .fixedRandomSignFeedback where e.frsfStoredMetric == true: s.layerAlignment.append(angles(net, net.feedback))
      case .uniformSignFeedback, .batchwiseRandomSignFeedback, .fixedRandomSignFeedback: s.layerAlignment.append(angles(net, backwardMatrices))
      case .backprop, .directFeedbackAlignment: break
      }
      progress.epoch(s.epoch, of: e.epochs, detail: "train loss \(g(record.trainLoss)), lr \(g(e.learningRate(epoch: s.epoch)))"
                     + (record.testAccuracy.map { ", test error \(String(format: "%.2f", 100 * (1 - $0)))%" } ?? ""))
      if let url = checkpointURL, s.epoch < e.epochs, s.diverged == nil {
        stamp(); try CheckpointFile.write(magic: State.magic, header: s, arrays: [net.parameters, momentum], to: url)
      }
      if let stop = options.stopAfterSteps, s.epoch >= stop, s.epoch < e.epochs, s.diverged == nil {
        throw Interrupted(checkpoints: checkpointURL.map { [$0] } ?? [])
      }
    }
    if let url = checkpointURL { try? FileManager.default.removeItem(at: url) }
    stamp()
    var record = RunRecord(experiment: e.name, key: e.key, seed: seed, precision: .float, rule: e.rule.rawValue, epochs: s.epochs,
                           dataChecksum: d.checksum, wallSeconds: s.wallSeconds, cpuSeconds: s.cpuSeconds, resumed: resumed,
                           diverged: s.diverged, trainedBy: options.provenance, segmentCommits: s.commits)
    record.log = LeNetLog(layerAlignment: s.layerAlignment)
    return record
  }
}
