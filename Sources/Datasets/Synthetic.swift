import Numerics

/// Synthetic regression tasks, generated in Double from the suite's RNG and converted.
public enum SyntheticRegression {
  /// bioflax's teacher–student task (Bioflax README): x ~ U[−1, 1)^{inputs}; a teacher
  /// Dense(64)→φ→Dense(32)→φ→Dense(outputs) with LeCun truncated-normal kernels and zero biases, φ = sigmoid
  /// by default; targets = teacher(x), no noise. 1 600 train-pool rows (first 90 % of a seeded permutation
  /// train, the rest validate) and 320 test rows, from separate streams.
  public static func teacher<T: BLASScalar>(as: T.Type = T.self, inputs: Int = 1, outputs: Int = 10,
                                           hidden: [Int] = [64, 32], activation: TeacherActivation = .sigmoid,
                                           trainPool: Int = 1600, testRows: Int = 320, validationFraction: Double = 0.1,
                                           seed: UInt64) -> Problem<T> {
    var initRNG = Random(seed: seed, stream: "teacher-init")
    let sizes = [inputs] + hidden + [outputs]
    let weights: [Matrix<Double>] = (1..<sizes.count).map {
      Initializer.lecunTruncatedNormal.matrix(fanIn: sizes[$0 - 1], fanOut: sizes[$0], &initRNG)
    }
    func teacherOutput(_ x: Matrix<Double>) -> Matrix<Double> { forward(x, weights, activation.apply) }
    var trainRNG = Random(seed: seed, stream: "teacher-train-x"), testRNG = Random(seed: seed, stream: "teacher-test-x")
    let xTrain: Matrix<Double> = trainRNG.uniformMatrix(rows: trainPool, cols: inputs, -1, 1)
    let xTest: Matrix<Double> = testRNG.uniformMatrix(rows: testRows, cols: inputs, -1, 1)
    return split(name: "teacher", xTrain, teacherOutput(xTrain), xTest, teacherOutput(xTest),
                 validationFraction: validationFraction, seed: seed)
  }

  /// bioflax's teacher (or sin) task from the keys bioflax draws it with (`dataloading.create_random_dataset` at
  /// the run_train.py defaults; Bioflax README, "Random streams"), replayed with `JaxRandom`: the data seed is the
  /// first word of the first of three keys split from PRNGKey(jaxSeed); PRNGKey(data seed) splits into the model key
  /// and a key that splits into the test and train keys. The teacher's Dense kernels are flax's lecun_normal from
  /// the model key (biases 0); each of `trainBatches` (`testBatches`) batches of `batch` inputs is drawn from a key
  /// split off the train (test) key: x = 2u − 1 (teacher), x = 2πu − π (sin), in float32 as JAX computes them.
  /// Exact: the inputs; to float32 round-off (≤ 3 ulp): the teacher's weights; the targets are computed here in Double
  /// from them (bioflax: float32). Not replayed: the validation split and the batch order (torch generators); the
  /// split is the suite's seeded permutation of the pool, as for the suite's own streams.
  public static func bioflaxFromJaxKeys<T: BLASScalar>(as: T.Type = T.self, task: BioflaxSyntheticTask, jaxSeed: UInt32,
                                                      outputs: Int = 10, trainBatches: Int = 50, testBatches: Int = 10,
                                                      batch: Int = 32, validationFraction: Double = 0.1) -> Problem<T> {
    let dataSeed = JaxKey(seed: jaxSeed).split(3)[0].k0
    let halves = JaxKey(seed: dataSeed).split()
    let model = halves[0], testAndTrain = halves[1].split()
    func inputs(_ key: JaxKey, batches: Int) -> Matrix<Double> {
      var k = key, values: [Double] = []
      for _ in 0..<batches {
        let s = k.split(); k = s[0]
        let u = JaxRandom.uniform(s[1], count: batch)
        switch task {
        case .teacher: values += u.map { Double($0 * 2 - 1) }
        case .sinreg: values += u.map { Double($0 * Float(2 * Double.pi) - Float(Double.pi)) }
        }
      }
      return Matrix(rows: batches * batch, cols: 1, storage: values)
    }
    let xTrain = inputs(testAndTrain[1], batches: trainBatches), xTest = inputs(testAndTrain[0], batches: testBatches)
    let f: (Matrix<Double>) -> Matrix<Double>
    switch task {
    case .sinreg: f = { $0.map(Double.sin) }
    case .teacher:
      let sizes = [1, 64, 32, outputs]
      let weights = (0..<3).map { i in
        Matrix(rows: sizes[i], cols: sizes[i + 1], storage: JaxRandom.lecunNormalKernel(
          JaxRandom.flaxKey(model, path: ["Dense_\(i)"], counter: 1), fanIn: sizes[i], fanOut: sizes[i + 1]).map(Double.init))
      }
      f = { forward($0, weights, TeacherActivation.sigmoid.apply) }
    }
    return split(name: task == .teacher ? "teacher-jax" : "sinreg-jax", xTrain, f(xTrain), xTest, f(xTest),
                 validationFraction: validationFraction, seed: UInt64(jaxSeed))
  }

  public enum BioflaxSyntheticTask: Sendable { case teacher, sinreg }

  public enum TeacherActivation: String, Sendable, Codable {
    case sigmoid, relu, tanh
    func apply(_ x: Double) -> Double {
      switch self {
      case .sigmoid: return 1 / (1 + Double.exp(-x))
      case .relu: return max(0, x)
      case .tanh: return Double.tanh(x)
      }
    }
  }

  /// bioflax's sin regression (Bioflax README): x ~ U[−π, π), y = sin x; 1 440 / 160 / 320 rows.
  public static func sine<T: BLASScalar>(as: T.Type = T.self, trainPool: Int = 1600, testRows: Int = 320,
                                        validationFraction: Double = 0.1, seed: UInt64) -> Problem<T> {
    var trainRNG = Random(seed: seed, stream: "sin-train-x"), testRNG = Random(seed: seed, stream: "sin-test-x")
    let xTrain: Matrix<Double> = trainRNG.uniformMatrix(rows: trainPool, cols: 1, -Double.pi, Double.pi)
    let xTest: Matrix<Double> = testRNG.uniformMatrix(rows: testRows, cols: 1, -Double.pi, Double.pi)
    return split(name: "sinreg", xTrain, xTrain.map(Double.sin), xTest, xTest.map(Double.sin),
                 validationFraction: validationFraction, seed: seed)
  }

  /// The DFC student–teacher data (DFC README): x ~ U(−1, 1)^{n_in} drawn train (5000), test (1000),
  /// validation (1000) in that order, then a teacher n_in → 1000 → 1000 → 1000 → 1000 → n_out, ReLU hidden,
  /// linear output, Xavier-normal weights with gain 3, zero biases; y = teacher(x), no normalisation.
  public static func dfcTeacher<T: BLASScalar>(as: T.Type = T.self, inputs: Int, outputs: Int, train: Int = 5000,
                                              test: Int = 1000, validation: Int = 1000, seed: UInt64 = 42) -> Problem<T> {
    var rng = Random(seed: seed, stream: "dfc-teacher")
    let xTrain: Matrix<Double> = rng.uniformMatrix(rows: train, cols: inputs, -1, 1)
    let xTest: Matrix<Double> = rng.uniformMatrix(rows: test, cols: inputs, -1, 1)
    let xVal: Matrix<Double> = rng.uniformMatrix(rows: validation, cols: inputs, -1, 1)
    let sizes = [inputs, 1000, 1000, 1000, 1000, outputs]
    let weights: [Matrix<Double>] = (1..<sizes.count).map {
      Initializer.xavierNormal(gain: 3).matrix(fanIn: sizes[$0 - 1], fanOut: sizes[$0], &rng)
    }
    return dfcProblem(name: "dfc-teacher", train: xTrain, test: xTest, validation: xVal, weights: weights)
  }

  /// The DFC teacher data exactly as the official code draws it (`utils/builders.generate_data_from_teacher`;
  /// DFC README, "Random streams"): numpy's legacy generator seeded with `seed` gives x ~ U(−1, 1) for train, test
  /// and validation in that order (`NumpyRandom`); torch's generator seeded with the same `seed` gives the teacher
  /// (`TorchRandom`): per layer, in order, its forward weights (n_out × n_in, Xavier-normal with gain 3) and then the
  /// DTP layer's feedback weights (n_in × n_out, gain 1), which the teacher never uses but which consume the stream.
  /// Biases 0; y = teacher(x) in Double (torch: float64 with its own summation order, so y agrees to round-off).
  public static func dfcTeacherOfficial<T: BLASScalar>(as: T.Type = T.self, inputs: Int, outputs: Int, train: Int = 5000,
                                                      test: Int = 1000, validation: Int = 1000, seed: UInt32 = 42) -> Problem<T> {
    var numpy = NumpyRandom(seed: seed)
    func uniform(_ rows: Int) -> Matrix<Double> {
      Matrix(rows: rows, cols: inputs, storage: (0..<(rows * inputs)).map { _ in -1 + 2 * numpy.nextDouble() })
    }
    let xTrain = uniform(train), xTest = uniform(test), xVal = uniform(validation)
    var torch = TorchRandom(seed: seed)
    let sizes = [inputs, 1000, 1000, 1000, 1000, outputs]
    let weights: [Matrix<Double>] = (1..<sizes.count).map { i in
      let fanIn = sizes[i - 1], fanOut = sizes[i], xavier = (2 / Double(fanIn + fanOut)).squareRoot()
      let w = Matrix(rows: fanOut, cols: fanIn, storage: torch.normal(count: fanIn * fanOut, std: 3 * xavier))
      _ = torch.normal(count: fanIn * fanOut, std: xavier)   // the feedback weights
      return w.transposed                                       // n_in × n_out, for x·W
    }
    return dfcProblem(name: "dfc-teacher-official", train: xTrain, test: xTest, validation: xVal, weights: weights)
  }

  /// A teacher's output, x·W₁ → φ → ⋯ → ·W_L (every teacher here has zero biases and a linear output), in Double.
  static func forward(_ x: Matrix<Double>, _ weights: [Matrix<Double>], _ phi: (Double) -> Double) -> Matrix<Double> {
    var h = x
    for (l, w) in weights.enumerated() {
      h = matmul(h, w)
      if l < weights.count - 1 { h = h.map(phi) }
    }
    return h
  }

  /// The DFC student–teacher problem from its inputs and its ReLU teacher's weights (no split: the three parts are drawn).
  static func dfcProblem<T: BLASScalar>(name: String, train: Matrix<Double>, test: Matrix<Double>, validation: Matrix<Double>,
                                       weights: [Matrix<Double>]) -> Problem<T> {
    let part = { (x: Matrix<Double>) in Examples<T>(features: x.converted(), targets: forward(x, weights, { max(0, $0) }).converted()) }
    return Problem(name: name, train: part(train), validation: part(validation), test: part(test),
                   outputWidth: weights.last!.cols, checksum: checksumOf([train, test, validation]))
  }

  static func split<T: BLASScalar>(name: String, _ xTrain: Matrix<Double>, _ yTrain: Matrix<Double>,
                                  _ xTest: Matrix<Double>, _ yTest: Matrix<Double>,
                                  validationFraction: Double, seed: UInt64) -> Problem<T> {
    var rng = Random(seed: seed, stream: "\(name)-split")
    let p = rng.permutation(xTrain.rows)
    let nTrain = Int(Double(xTrain.rows) * (1 - validationFraction))
    let pool = Examples<T>(features: xTrain.converted(), targets: yTrain.converted())
    return Problem(name: name, train: pool.subset(Array(p[..<nTrain])), validation: pool.subset(Array(p[nTrain...])),
                   test: Examples(features: xTest.converted(), targets: yTest.converted()),
                   outputWidth: yTrain.cols, checksum: checksumOf([xTrain, yTrain, xTest, yTest]))
  }

  static func checksumOf(_ ms: [Matrix<Double>]) -> String {
    var h = SHA256()
    for m in ms { m.storage.withUnsafeBytes { h.update($0) } }
    return h.finalizeHex()
  }
}
