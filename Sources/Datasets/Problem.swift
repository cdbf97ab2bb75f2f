import Numerics

/// One part of a learning problem: features (rows × d₀) and class labels or regression targets.
public struct Examples<T: BLASScalar>: Sendable {
  public var features: Matrix<T>
  public var labels: [Int32]              // classification (empty for regression)
  public var targets: Matrix<T>?          // regression

  public init(features: Matrix<T>, labels: [Int32] = [], targets: Matrix<T>? = nil) {
    self.features = features; self.labels = labels; self.targets = targets
  }
  public var count: Int { features.rows }

  /// The rows at `indices`, in that order, copied a whole row at a time: the data loader calls it unspecialised, and
  /// an element-wise append went through a value witness per element (seconds per data set).
  public func subset(_ indices: [Int]) -> Examples {
    func rows(_ m: Matrix<T>) -> Matrix<T> {
      let c = m.cols
      let s = [T](unsafeUninitializedCapacity: indices.count * c) { out, count in
        m.storage.withUnsafeBufferPointer { src in
          for (k, i) in indices.enumerated() { (out.baseAddress! + k * c).initialize(from: src.baseAddress! + i * c, count: c) }
        }
        count = indices.count * c
      }
      return Matrix(rows: indices.count, cols: c, storage: s)
    }
    return Examples(features: rows(features), labels: labels.isEmpty ? [] : indices.map { labels[$0] },
                    targets: targets.map(rows))
  }
}

/// A learning problem as the runner sees it: train, validation and test parts, and their provenance.
public struct Problem<T: BLASScalar>: Sendable {
  public var name: String
  public var train: Examples<T>
  public var validation: Examples<T>
  public var test: Examples<T>
  public var inputWidth: Int { train.features.cols }
  public var outputWidth: Int
  public var checksum: String              // of the source data
}

/// Pixel preprocessing.
public enum PixelScaling: Sendable, Codable, Equatable {
  case unit                                // p/255 ∈ [0, 1]
  case standardize(mean: Double, std: Double)  // (p/255 − mean)/std, e.g. MNIST's 0.1307, 0.3081
}

extension ImageDataset {
  /// Scales pixels and splits the official training part into train/validation with a seeded permutation
  /// (its first `trainCount − validationCount` indices train, the rest validate; 0 validation rows: none).
  public func problem<T: BLASScalar>(as: T.Type = T.self, scaling: PixelScaling, validationCount: Int,
                                               splitSeed: UInt64, validationFromStart: Bool = false) -> Problem<T> {
    precondition(validationCount >= 0 && validationCount < trainCount, "validation size must be in 0..<\(trainCount)")
    var table = [T](repeating: 0, count: 256)
    for p in 0..<256 {
      let x = Double(p) / 255
      switch scaling {
      case .unit: table[p] = T(x)
      case .standardize(let m, let s): table[p] = T((x - m) / s)
      }
    }
    func examples(_ images: [UInt8], _ labels: [UInt8]) -> Examples<T> {
      let storage = [T](unsafeUninitializedCapacity: images.count) { out, count in
        // T is Float or Double (trivial): `lookup` writes every element of the uninitialised buffer.
        table.withUnsafeBufferPointer { t in images.withUnsafeBufferPointer { px in T.lookup(t.baseAddress!, px.baseAddress!, px.count, into: out.baseAddress!) } }
        count = images.count
      }
      return Examples(features: Matrix(rows: labels.count, cols: features, storage: storage), labels: labels.map { Int32($0) })
    }
    let all = examples(trainImages, trainLabels)
    var rng = Random(seed: splitSeed, stream: "split")
    let nTrain = trainCount - validationCount
    // Either a seeded permutation whose tail validates, or (TF1 reader) the first rows validate.
    let permutation = validationCount == 0 ? Array(0..<trainCount)
      : validationFromStart ? Array(validationCount..<trainCount) + Array(0..<validationCount) : rng.permutation(trainCount)
    return Problem(name: name, train: validationCount == 0 ? all : all.subset(Array(permutation[..<nTrain])),
                   validation: all.subset(Array(permutation[nTrain...])),
                   test: examples(testImages, testLabels), outputWidth: classes, checksum: contentChecksum)
  }
}
