import Datasets
import Numerics

/// Builds the learning problem an experiment names, in the experiment's precision.
public enum ProblemLoader {
  public static func load<T: BLASScalar>(_ spec: DataSpec, _ locations: DataLocations, as: T.Type = T.self) throws -> Problem<T> {
    var p: Problem<T>
    switch spec.dataset {
    case .teacher where spec.stream == .jax: p = SyntheticRegression.bioflaxFromJaxKeys(task: .teacher, jaxSeed: UInt32(spec.dataSeed))
    case .sinreg where spec.stream == .jax: p = SyntheticRegression.bioflaxFromJaxKeys(task: .sinreg, jaxSeed: UInt32(spec.dataSeed))
    case .teacher: p = SyntheticRegression.teacher(seed: spec.dataSeed)
    case .sinreg: p = SyntheticRegression.sine(seed: spec.dataSeed)
    default:
      let images = try Catalog.load(spec.dataset, locations)
      p = images.problem(scaling: spec.scaling, validationCount: spec.validationCount, splitSeed: spec.splitSeed,
                         validationFromStart: spec.validationFromStart)
    }
    func head(_ e: Examples<T>, _ n: Int?) -> Examples<T> { n.map { e.count <= $0 ? e : e.subset(Array(0..<$0)) } ?? e }
    p.train = head(p.train, spec.trainLimit)
    p.validation = head(p.validation, spec.validationLimit)
    p.test = head(p.test, spec.testLimit)
    return p
  }
}
