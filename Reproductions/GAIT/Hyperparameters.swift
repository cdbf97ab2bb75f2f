import Datasets
import Experiments
import Learning

/// GAIT-prop's protocol (GAIT README): batch 60 in dataset order, 1000 batches per epoch, pixels ÷ 255,
/// no validation split, Adam without bias correction (β₁ 0.9, β₂ 0.99, ε 1e-8), leaky-ReLU 0.1 everywhere,
/// orthogonal init for every rule (HEAD + README), float64.
public enum GAITProtocol {
  /// The README's "parameters identified in the paper" (§3.2). BP and TP on the tower: the full-width values,
  /// assumed (*UNVERIFIED*, Q14).
  public struct Entry: Sendable {
    public var rule: InvertibleRule
    public var learningRate: Double
    public var lambda: Double
    public var source: String
  }
  public static let gamma = 1e-3                 // hard-coded in run.py
  public static func entries(gamma: Double = gamma, deviationForm: Bool = false) -> [Entry] {
    [Entry(rule: .backprop, learningRate: 1e-4, lambda: 0, source: "README"),
     Entry(rule: .gait(gamma: gamma, deviationForm: deviationForm), learningRate: 1e-4, lambda: 0.1, source: "README"),
     Entry(rule: .targetPropagation, learningRate: 1e-5, lambda: 1000, source: "README")]
  }
  public static let networks: [InvertibleArchitecture] = [.fullWidth(hiddenLayers: 4), .tower]
  public static let batchesPerEpoch = 1000, epochs = 100

  /// Data sets per scale: MNIST at smoke; MNIST and Fashion-MNIST, plus KMNIST when its files are supplied, above.
  public static func datasets(_ scale: Scale) -> [DatasetName] { scale == .smoke ? [.mnist] : [.mnist, .fashionMNIST, .kmnist] }

  /// Training batches per network and scale (§7.3): smoke 50 tower batches and one full-width batch; quick one
  /// tower epoch and 300 full-width batches; full 100 epochs.
  public static func batches(_ network: InvertibleArchitecture, _ scale: Scale) -> Int {
    switch (scale, network) {
    case (.smoke, .tower): return 50
    case (.smoke, _): return 1
    case (.quick, .tower): return 1000
    case (.quick, _): return 300
    case (.full, _): return epochs * batchesPerEpoch
    }
  }

  /// The evaluation schedule per scale. Full scale's default is every 100 batches on the whole test set and the
  /// first 10 000 training images (the spec's recommendation on 2 cores); `--eval-every 10 --eval-train-subset 0`
  /// with `--eval official` is the code's (every 10 batches on all 70 000 images, Q6).
  public static func evaluation(_ scale: Scale, options: PaperOptions = PaperOptions()) -> InvertibleEvaluation {
    if options.officialEvaluation { return .official }
    var e: InvertibleEvaluation
    switch scale {
    case .smoke: e = InvertibleEvaluation(every: 10, trainRows: 1000, testRows: 1000)
    case .quick: e = InvertibleEvaluation(every: 100, trainRows: 10_000)
    case .full: e = InvertibleEvaluation(every: 100, trainRows: 10_000)
    }
    if let every = options.evaluateEvery { e.every = every }
    if let rows = options.evaluationTrainRows { e.trainRows = rows > 0 ? rows : nil }
    return e
  }

  /// Angles to BP are logged every N batches in the full-width and tower runs of GAIT and TP (Fig. angles (c)).
  public static func angleEvery(_ scale: Scale) -> Int { scale == .full ? 100 : 10 }

  public static func experiment(_ entry: Entry, dataset: DatasetName, network: InvertibleArchitecture, scale: Scale,
                                options: PaperOptions = PaperOptions()) -> InvertibleExperiment {
    let net: String
    switch network { case .tower: net = "tower"; case .fullWidth(let k): net = "full\(k)" }
    var e = InvertibleExperiment(name: "gait-\(dataset.rawValue)-\(net)-\(entry.rule.name)", dataset: dataset, architecture: network,
                                 rule: entry.rule, learningRate: entry.learningRate, orthoLambda: entry.lambda,
                                 batches: batches(network, scale), evaluation: evaluation(scale, options: options))
    if entry.rule != .backprop { e.angleEvery = angleEvery(scale) }
    return e
  }
}
