import Numerics

/// How the weights enter the forward pass (WideAlign README, "Network and NTK parameterisation").
public enum Parameterisation: String, Sendable, Codable, CaseIterable {
  /// Weights N(0, 1); every layer multiplies by κ_l = 1/√fan_in in the forward pass.
  case ntk
  /// Weights N(0, 1)/√fan_in at initialisation, no κ in the forward pass (train_cifar part 3, with Adam).
  case standard
}

/// An all-3×3-convolution network as the official scripts build it: L hidden convs with TensorFlow 'SAME'
/// padding, each followed by batch normalisation over the batch axis (no scale, no shift, ε = 1e−6) and ReLU,
/// then global average pooling and a 1×1 readout to C classes.
public struct ConvArchitecture: Sendable, Codable, Equatable {
  public var name: String
  public var inputSize: Int            // H = W of the input
  public var inputChannels: Int
  public var strides: [Int]            // one per hidden layer
  public var width: Int                // n: channels of every hidden layer
  public var classes: Int = 10
  public var parameterisation: Parameterisation = .ntk

  public init(name: String, inputSize: Int, inputChannels: Int, strides: [Int], width: Int, classes: Int = 10) {
    self.name = name; self.inputSize = inputSize; self.inputChannels = inputChannels; self.strides = strides
    self.width = width; self.classes = classes
  }
  /// train_kmnist: 28×28×1, strides 1, 2, 2 (28 → 28 → 14 → 7).
  public static func kmnist3(width: Int) -> ConvArchitecture {
    ConvArchitecture(name: "kmnist3", inputSize: 28, inputChannels: 1, strides: [1, 2, 2], width: width)
  }
  /// train_cifar: 32×32×3, strides 1, 1, 1, 2, 1, 2, 1 (32 → 32 → 32 → 32 → 16 → 16 → 8 → 8).
  public static func cifar7(width: Int) -> ConvArchitecture {
    ConvArchitecture(name: "cifar7", inputSize: 32, inputChannels: 3, strides: [1, 1, 1, 2, 1, 2, 1], width: width)
  }
  /// The CIFAR net on 28×28×1 data, for the substitutes (28 → 28 → 28 → 28 → 14 → 14 → 7 → 7).
  public static func cifar7at28(width: Int) -> ConvArchitecture {
    ConvArchitecture(name: "cifar7@28", inputSize: 28, inputChannels: 1, strides: [1, 1, 1, 2, 1, 2, 1], width: width)
  }

  public var hiddenLayers: Int { strides.count }
  /// The geometry of hidden layer l (1-based).
  public func layer(_ l: Int) -> ConvGeometry {
    var size = inputSize
    for s in strides[..<(l - 1)] { size = (size + s - 1) / s }
    return ConvGeometry(inputSize: size, inputChannels: l == 1 ? inputChannels : width, stride: strides[l - 1], outputChannels: width)
  }
  /// κ_l of hidden layer l (l = L + 1: the readout): 1/√fan_in under NTK, 1 under SP.
  public func kappa(_ l: Int) -> Double {
    guard parameterisation == .ntk else { return 1 }
    return l > hiddenLayers ? 1 / Double(width).squareRoot() : 1 / Double(9 * layer(l).inputChannels).squareRoot()
  }

  /// Offsets in the flat parameter array: W^1, b^1, …, W^L, b^L, W^{L+1} (n × C), b^{L+1} (C).
  public func weightRange(_ l: Int) -> Range<Int> {
    let start = offset(l)
    return start..<start + (l > hiddenLayers ? width * classes : 9 * layer(l).inputChannels * width)
  }
  public func biasRange(_ l: Int) -> Range<Int> {
    let start = weightRange(l).upperBound
    return start..<start + (l > hiddenLayers ? classes : width)
  }
  func offset(_ l: Int) -> Int { l == 1 ? 0 : biasRange(l - 1).upperBound }
  public var parameterCount: Int { biasRange(hiddenLayers + 1).upperBound }
}

/// One hidden conv layer's shapes under TensorFlow 'SAME' padding with 3×3 kernels (README "Convolution"):
/// H_out = ⌈H_in/s⌉, pad_total = max((H_out − 1)s + 3 − H_in, 0), pad_top = ⌊pad_total/2⌋. Stride 1: one zero row
/// on each side; stride 2 on an even input: none at the top/left, one at the bottom/right.
public struct ConvGeometry: Sendable, Equatable {
  public let inputSize: Int, inputChannels: Int, stride: Int, outputChannels: Int
  public var outputSize: Int { (inputSize + stride - 1) / stride }
  public var padTop: Int { max((outputSize - 1) * stride + 3 - inputSize, 0) / 2 }
  /// Patch-matrix columns: 9·c_in, index (kh·3 + kw)·c_in + c.
  public var patchWidth: Int { 9 * inputChannels }
  public var inputFeatures: Int { inputSize * inputSize * inputChannels }
  public var outputPositions: Int { outputSize * outputSize }
  public var outputFeatures: Int { outputPositions * outputChannels }
}

/// The trainable tensors and the fixed feedback of one network, flat (`ConvArchitecture` offsets).
public struct ConvNetwork<T: BLASScalar>: Sendable, Codable, Equatable {
  public var architecture: ConvArchitecture
  public var parameters: [T]
  /// FA's B^l (the shapes of W^l, readout included) or DFA's D^l ((H_l W_l n) × C each), flat; empty otherwise.
  public var feedback: [T] = []

  public init(architecture: ConvArchitecture) {
    self.architecture = architecture
    parameters = [T](repeating: 0, count: architecture.parameterCount)
  }

  /// Which fixed feedback a rule draws at initialisation, interleaved with the forward weights as the official
  /// code draws them (Q14).
  public enum FeedbackDraw: Sendable { case none, sameShape, direct }

  /// The official initialisation from a stream of normals (README "Random streams"): per hidden layer
  /// G^l = normal(n × 9 n_{l−1}) and W^l = Gᵀ, then (FA) a feedback draw of the same shape or (DFA)
  /// normal(1/√(H_l W_l n), C × H_l W_l n) transposed; then the readout G (C × n), W^{L+1} = Gᵀ, and (FA) its
  /// feedback. Biases 0. Under SP every weight is divided by √fan_in. `sharedInit` (Q14's option): every forward
  /// weight first, then the feedback, so that FA and DFA start from BP's forward weights.
  public static func initial(_ a: ConvArchitecture, feedback draw: FeedbackDraw = .none, sharedInit: Bool = false,
                             normals: inout some NormalSource) -> ConvNetwork {
    var net = ConvNetwork(architecture: a)
    func transposedDraw(rows: Int, cols: Int, scale: Double) -> [T] {
      let g = normals.normals(rows * cols)
      var out = [T](repeating: 0, count: rows * cols)
      for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = T(g[r * cols + c] * scale) } }
      return out
    }
    func forward(_ l: Int) {
      let fanIn = l > a.hiddenLayers ? a.width : a.layer(l).patchWidth
      let outputs = l > a.hiddenLayers ? a.classes : a.width
      let sp = a.parameterisation == .standard ? 1 / Double(fanIn).squareRoot() : 1
      net.parameters.replaceSubrange(a.weightRange(l), with: transposedDraw(rows: outputs, cols: fanIn, scale: sp))
    }
    if sharedInit { for l in 1...a.hiddenLayers + 1 { forward(l) } }
    for l in 1...a.hiddenLayers + 1 {
      let fanIn = l > a.hiddenLayers ? a.width : a.layer(l).patchWidth
      let outputs = l > a.hiddenLayers ? a.classes : a.width
      let sp = a.parameterisation == .standard ? 1 / Double(fanIn).squareRoot() : 1
      if !sharedInit { forward(l) }
      switch draw {
      case .none: break
      case .sameShape: net.feedback += transposedDraw(rows: outputs, cols: fanIn, scale: sp)
      case .direct where l <= a.hiddenLayers:
        let f = a.layer(l).outputFeatures
        net.feedback += transposedDraw(rows: a.classes, cols: f, scale: 1 / Double(f).squareRoot())
      case .direct: break
      }
    }
    return net
  }

  /// Where layer l's feedback starts in `feedback` (FA: the shape of W^l; DFA: (H_l W_l n) × C).
  public func feedbackOffset(_ l: Int, direct: Bool) -> Int {
    let a = architecture
    var o = 0
    for k in 1..<l { o += direct ? a.layer(k).outputFeatures * a.classes : a.weightRange(k).count }
    return o
  }
}
